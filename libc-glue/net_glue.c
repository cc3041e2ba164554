/* Sockets over the network server (include/kestrel/proto/net.h): the BSD
 * socket calls and a back end of the descriptor table (fd.h). A program
 * whose manifest block says `uses net` finds the server at its first
 * socket call; any other gets ENOSYS.
 *
 * A socket's object keeps the server's handle and what the program set
 * up: its options, the address it bound, whether it listens. So when the
 * server restarts (a new generation: every old handle answers ESTALE),
 * the sockets that were bound or listening, and UDP sockets, are made
 * again in the new generation with the same options, address and queue,
 * without the program doing anything: at once by whichever call first
 * hears of the new generation, or by the next call on the socket. A TCP
 * connection cannot be made again: its next call reports ECONNRESET,
 * then recv reads end of file and send fails with EPIPE.
 *
 * Blocking is the server's: a call that must wait is answered when it
 * can be, or after SO_RCVTIMEO (recv, accept) or SO_SNDTIMEO (send,
 * connect); a non-blocking socket's call answers at once. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <kestrel/error.h>
#include <kestrel/proto/net.h>

#include "fd.h"
#include "glue.h"
#include "net_glue.h"
#include "server.h"
#include "sleep.h"
#include "syscalls.h"

PROTO_CLIENT(NET_OPS)

#define BUSY_RETRY_MS 5 /* the server has too many calls waiting: try again after */

enum { NET_UNKNOWN, NET_SERVER, NET_NONE };
static int net_kind = NET_UNKNOWN;
static struct proto_client net;

/* Every socket, for restore_all; under the lock. */
static struct socket *sockets[FD_MAX];
static volatile char restore_lock; /* the registry, and making sockets again */

static bool net_present(void)
{
	if (net_kind == NET_UNKNOWN)
		net_kind = server_self() && service_lookup(NET_SERVICE, &net) == E_OK ? NET_SERVER : NET_NONE;
	return net_kind == NET_SERVER;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

static void lock(void)
{
	while (__atomic_test_and_set(&restore_lock, __ATOMIC_ACQUIRE))
		sys_yield();
}

static void unlock(void)
{
	__atomic_clear(&restore_lock, __ATOMIC_RELEASE);
}

/* The errno of a failed call: the network's own, else EIO. */
static int errno_of(long e)
{
	int err = net_errno(e);

	return err ? err : e == PE_NO_SERVICE || e == PE_FAILED ? ENETDOWN : EIO;
}

static void restore_all(void);

/* After every answer: a new generation of the server makes the sockets
 * that can be made again at once, so that a listener is back before
 * anyone connects. */
static long heard(long e)
{
	if (proto_restarted(&net))
		restore_all();
	return e;
}

static bool fresh(const struct socket *so)
{
	return NET_HANDLE_GENERATION(so->so_handle) == net.pc_generation;
}

/* Makes so again in the server's new generation, as the program had set
 * it up: 0, or the errno it cannot be made again with. Under the lock. */
static int remake(struct socket *so)
{
	struct net_socket_req q = { so->so_type == SOCK_STREAM ? NET_TCP : NET_UDP,
		                    server_self()->si_generation };
	struct net_handle_rep h;
	struct net_addr_rep a;
	struct net_none_rep none;
	struct net_opt_rep o;
	long e;

	if (so->so_type == SOCK_STREAM && so->so_connected)
		return ECONNRESET;
	if ((e = net_socket(&net, &q, &h)) != E_OK)
		return errno_of(e);
	so->so_handle = h.handle;
	for (unsigned opt = NET_OPT_REUSEADDR; opt <= NET_OPT_LINGER0 && e == E_OK; opt++) {
		struct net_opt_req s = { h.handle, opt, 1 };

		if (so->so_opts & (1u << opt))
			e = net_setopt(&net, &s, &o);
	}
	if (e == E_OK && so->so_bound) {
		struct net_bind_req b = { h.handle, so->so_local };

		e = net_bind(&net, &b, &a);
	}
	if (e == E_OK && so->so_listening) {
		struct net_listen_req l = { h.handle, so->so_backlog };

		e = net_listen(&net, &l, &none);
	}
	if (e == E_OK && so->so_has_peer) {
		struct net_connect_req c = { h.handle, so->so_peer, NET_WAIT_NONE };

		e = net_connect(&net, &c, &a);
	}
	return e == E_OK ? 0 : errno_of(e);
}

/* Brings so into the server's current generation if it is not (under
 * the lock): 0, or the errno its calls fail with now, without telling it
 * (ECONNRESET while it is due). */
static int refresh_locked(struct socket *so)
{
	int err;

	if (!fresh(so) && !so->so_reset && !so->so_lost) {
		err = remake(so);
		if (err == ECONNRESET)
			so->so_reset = SO_RESET_DUE;
		else if (err)
			so->so_lost = err;
	}
	if (so->so_reset)
		return so->so_reset == SO_RESET_DUE ? ECONNRESET : EPIPE;
	return so->so_lost;
}

static int refresh(struct socket *so)
{
	int err;

	if (fresh(so) && !so->so_reset && !so->so_lost)
		return 0;
	lock();
	err = refresh_locked(so);
	unlock();
	return err;
}

/* refresh for a call: -1 with errno when so cannot be used, ECONNRESET
 * told once (then EPIPE: callers that read take it as end of file). */
static int ensure(struct socket *so)
{
	int err = refresh(so);

	if (err == ECONNRESET)
		so->so_reset = SO_RESET_TOLD;
	return err ? fail(err) : 0;
}

/* Under the lock, so that a socket being closed is not made again. */
static void restore_all(void)
{
	lock();
	for (unsigned i = 0; i < FD_MAX; i++)
		if (sockets[i] && !(sockets[i]->so_type == SOCK_STREAM && sockets[i]->so_connected))
			refresh_locked(sockets[i]);
	unlock();
}

/* A call on so: made fresh first, and made again and repeated once when
 * the server answers that the handle is of an older generation; PE_BUSY
 * (the server keeps too many calls waiting) is tried again shortly. The
 * call's own answer, or -1 with errno from ensure. */
#define SOCK_CALL(so, e, call)                                     \
	for (unsigned tries_ = 0;; tries_++) {                     \
		if (ensure(so) < 0) {                              \
			e = 1;                                     \
			break;                                     \
		}                                                  \
		e = heard(call);                                   \
		if (e == PE_BUSY) {                                \
			sleep_ms(glue_pool_slot(), BUSY_RETRY_MS); \
			continue;                                  \
		}                                                  \
		if (e != NET_ERROR(ESTALE) || tries_ == 2)         \
			break;                                     \
	}

/* An answer as POSIX gives it (e == 1: ensure set errno). */
static int done(long e)
{
	return e == E_OK ? 0 : e == 1 ? -1 : fail(errno_of(e));
}

struct socket *net_sock_get(int fd, struct file **f)
{
	*f = fd_get(fd);
	if (!*f)
		return NULL;
	if (fd_ops_of(*f) != &net_sock_ops) {
		fd_put(*f);
		errno = ENOTSOCK;
		return NULL;
	}
	return fd_obj_of(*f);
}

static uint64_t wait_of(const struct socket *so, int flags, uint64_t timeo)
{
	if (so->so_nonblock || (flags & MSG_DONTWAIT))
		return NET_WAIT_NONE;
	return timeo ? timeo : NET_WAIT_FOREVER;
}

/* sockaddr_in <-> net_addr */
static int addr_in(const struct sockaddr *sa, socklen_t len, struct net_addr *a)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

	if (!sa || len < sizeof(*in))
		return fail(EINVAL);
	if (in->sin_family != AF_INET)
		return fail(EAFNOSUPPORT);
	*a = (struct net_addr){ .addr = in->sin_addr.s_addr, .port = ntohs(in->sin_port) };
	return 0;
}

static void addr_out(const struct net_addr *a, struct sockaddr *sa, socklen_t *len)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(a->port) };

	if (!sa || !len)
		return;
	in.sin_addr.s_addr = a->addr;
	memcpy(sa, &in, *len < sizeof(in) ? *len : sizeof(in));
	*len = sizeof(in);
}

/* A new socket object on a descriptor: the descriptor, or -1. */
static int sock_install(struct socket *so)
{
	int fd = fd_open(&net_sock_ops, so);

	if (fd < 0) {
		struct net_handle_req q = { so->so_handle };
		struct net_none_rep r;

		net_close(&net, &q, &r);
		free(so);
		return -1;
	}
	lock();
	for (unsigned i = 0; i < FD_MAX; i++)
		if (!sockets[i]) {
			sockets[i] = so;
			break;
		}
	unlock();
	return fd;
}

int socket(int domain, int type, int protocol)
{
	int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct net_socket_req q = { kind == SOCK_STREAM ? NET_TCP : NET_UDP, 0 };
	struct net_handle_rep r;
	struct socket *so;
	long e;

	if (domain != AF_INET)
		return fail(EAFNOSUPPORT);
	if (kind != SOCK_STREAM && kind != SOCK_DGRAM)
		return fail(kind == SOCK_RAW ? EPROTONOSUPPORT : EINVAL);
	if (protocol && protocol != (kind == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP))
		return fail(EPROTONOSUPPORT);
	if (!net_present())
		return fail(ENOSYS);
	if (!(so = calloc(1, sizeof(*so))))
		return fail(ENOMEM);
	q.session = server_self()->si_generation;
	while ((e = heard(net_socket(&net, &q, &r))) == PE_BUSY)
		sleep_ms(glue_pool_slot(), BUSY_RETRY_MS);
	if (e != E_OK) {
		free(so);
		return fail(errno_of(e));
	}
	*so = (struct socket){ .so_handle = r.handle,
		               .so_type = kind,
		               .so_nonblock = !!(type & SOCK_NONBLOCK) };
	return sock_install(so);
}

/* The socket of fd, and addr read into *to, for bind and connect: NULL
 * (errno set, nothing held) if either is wrong. */
static struct socket *sock_and_addr(int fd, const struct sockaddr *addr, socklen_t len, struct file **f,
                                    struct net_addr *to)
{
	struct socket *so = net_sock_get(fd, f);

	if (so && addr_in(addr, len, to) < 0) {
		fd_put(*f);
		return NULL;
	}
	return so;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct file *f;
	struct net_bind_req q = { 0 };
	struct socket *so = sock_and_addr(fd, addr, len, &f, &q.addr);
	struct net_addr_rep r;
	long e;

	if (!so)
		return -1;
	SOCK_CALL(so, e, (q.handle = so->so_handle, net_bind(&net, &q, &r)));
	if (e == E_OK) {
		so->so_bound = true;
		so->so_local = r.addr;
	}
	fd_put(f);
	return done(e);
}

int listen(int fd, int backlog)
{
	struct file *f;
	struct socket *so = net_sock_get(fd, &f);
	struct net_listen_req q = { 0, backlog < 1 ? 1 : (uint64_t)backlog };
	struct net_name_req n = { 0, 0 };
	struct net_none_rep r;
	struct net_addr_rep a;
	long e;

	if (!so)
		return -1;
	SOCK_CALL(so, e, (q.handle = so->so_handle, net_listen(&net, &q, &r)));
	if (e == E_OK) {
		so->so_listening = true;
		so->so_backlog = (unsigned)q.backlog;
		/* An unbound socket got an ephemeral port: keep it for remake. */
		n.handle = so->so_handle;
		if (!so->so_bound && net_name(&net, &n, &a) == E_OK) {
			so->so_bound = true;
			so->so_local = a.addr;
		}
	}
	fd_put(f);
	return done(e);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct file *f;
	struct socket *so = net_sock_get(fd, &f), *n;
	struct net_accept_req q = { 0, 0 };
	struct net_accept_rep r;
	long e;

	if (!so)
		return -1;
	q.wait_ms = wait_of(so, 0, so->so_rcvtimeo);
	SOCK_CALL(so, e, (q.handle = so->so_handle, net_accept(&net, &q, &r)));
	fd_put(f);
	if (e != E_OK)
		return done(e);
	if (!(n = calloc(1, sizeof(*n)))) {
		struct net_handle_req c = { r.handle };
		struct net_none_rep none;

		net_close(&net, &c, &none);
		return fail(ENOMEM);
	}
	*n = (struct socket){ .so_handle = r.handle,
		              .so_type = SOCK_STREAM,
		              .so_nonblock = !!(flags & SOCK_NONBLOCK),
		              .so_opts = so->so_opts & (1u << NET_OPT_NODELAY | 1u << NET_OPT_KEEPALIVE),
		              .so_connected = true };
	addr_out(&r.peer, addr, len);
	return sock_install(n);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return accept4(fd, addr, len, 0);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct file *f;
	struct net_connect_req q = { 0 };
	struct socket *so = sock_and_addr(fd, addr, len, &f, &q.addr);
	struct net_addr_rep r;
	long e;

	if (!so)
		return -1;
	q.wait_ms = wait_of(so, 0, so->so_sndtimeo);
	if (ensure(so) < 0) {
		fd_put(f);
		return -1;
	}
	if (so->so_type == SOCK_STREAM && !so->so_connected) {
		so->so_connected = true; /* from now on, a restart resets it */
		SOCK_CALL(so, e, (q.handle = so->so_handle, net_connect(&net, &q, &r)));
		if (e != E_OK && e != NET_ERROR(EINPROGRESS))
			so->so_connected = false; /* refused: it may try again */
	} else {
		SOCK_CALL(so, e, (q.handle = so->so_handle, net_connect(&net, &q, &r)));
		if (e == E_OK && so->so_type == SOCK_DGRAM) {
			so->so_has_peer = true;
			so->so_peer = q.addr;
		}
	}
	fd_put(f);
	return done(e);
}

/* One send call of up to NET_IO_MAX bytes: what went, or -1. */
static ssize_t send_some(struct socket *so, const void *buf, size_t len, int flags, const struct net_addr *to)
{
	struct net_send_req q = { 0, to ? *to : (struct net_addr){ 0 }, wait_of(so, flags, so->so_sndtimeo) };
	struct net_send_rep r = { 0 };
	struct proto_xfer x = { .px_buf = (void *)buf, .px_len = len };
	long e;

	SOCK_CALL(so, e, (q.handle = so->so_handle, net_send_x(&net, &q, &r, &x)));
	if (e == E_OK)
		return (ssize_t)r.sent;
	return done(e);
}

/* send and sendto: a stream's bytes all go before a blocking call
 * returns; a datagram is one call. */
static ssize_t sock_send(struct socket *so, const void *buf, size_t len, int flags, const struct net_addr *to)
{
	size_t sent = 0;

	if (so->so_type == SOCK_DGRAM) {
		if (len > NET_IO_MAX)
			return fail(EMSGSIZE);
		return send_some(so, buf, len, flags, to);
	}
	do {
		size_t n = len - sent > NET_IO_MAX ? NET_IO_MAX : len - sent;
		ssize_t got = send_some(so, (const char *)buf + sent, n, flags, NULL);

		if (got < 0)
			return sent ? (ssize_t)sent : -1;
		sent += (size_t)got;
	} while (sent < len && wait_of(so, flags, 1) != NET_WAIT_NONE);
	return (ssize_t)sent;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
{
	struct file *f;
	struct socket *so = net_sock_get(fd, &f);
	struct net_addr a;
	ssize_t n;

	if (!so)
		return -1;
	if (to && so->so_type == SOCK_DGRAM && addr_in(to, tolen, &a) < 0)
		n = -1;
	else
		n = sock_send(so, buf, len, flags, to && so->so_type == SOCK_DGRAM ? &a : NULL);
	fd_put(f);
	return n;
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

/* One recv call: what came (0: end of stream), or -1. A reset socket
 * reads end of file once ECONNRESET has been told. */
static ssize_t recv_some(struct socket *so, void *buf, size_t len, int flags, struct net_addr *from)
{
	struct net_recv_req q = { 0, flags & MSG_PEEK ? NET_MSG_PEEK : 0,
		                  wait_of(so, flags, so->so_rcvtimeo) };
	struct net_recv_rep r = { 0 };
	struct proto_xfer x = { .px_buf = buf, .px_len = len > NET_IO_MAX ? NET_IO_MAX : len };
	long e;

	SOCK_CALL(so, e, (q.handle = so->so_handle, net_recv_x(&net, &q, &r, &x)));
	if (e == 1 && errno == EPIPE)
		return 0;
	if (e != E_OK)
		return done(e);
	if (from)
		*from = r.from;
	return (ssize_t)r.len;
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
	struct file *f;
	struct socket *so = net_sock_get(fd, &f);
	struct net_addr a = { 0 };
	ssize_t n = 0, got;

	if (!so)
		return -1;
	if (!len && so->so_type == SOCK_STREAM) {
		fd_put(f);
		return 0;
	}
	/* MSG_WAITALL: a stream's recv waits for all len bytes (or the end). */
	do {
		got = recv_some(so, (char *)buf + n, len - (size_t)n, flags & ~MSG_WAITALL, &a);
		if (got > 0)
			n += got;
	} while (got > 0 && (flags & MSG_WAITALL) && so->so_type == SOCK_STREAM && (size_t)n < len);
	fd_put(f);
	if (got < 0 && n == 0)
		return -1;
	addr_out(&a, from, fromlen);
	return n;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

int shutdown(int fd, int how)
{
	struct file *f;
	struct socket *so = net_sock_get(fd, &f);
	struct net_shutdown_req q = { 0, (uint64_t)how };
	struct net_none_rep r;
	long e;

	if (!so)
		return -1;
	if (how < SHUT_RD || how > SHUT_RDWR) {
		fd_put(f);
		return fail(EINVAL);
	}
	SOCK_CALL(so, e, (q.handle = so->so_handle, net_shutdown(&net, &q, &r)));
	fd_put(f);
	return done(e);
}

static int sock_name(int fd, int peer, struct sockaddr *addr, socklen_t *len)
{
	struct file *f;
	struct socket *so = net_sock_get(fd, &f);
	struct net_name_req q = { 0, (uint64_t)peer };
	struct net_addr_rep r;
	long e;

	if (!so)
		return -1;
	if (!len) {
		fd_put(f);
		return fail(EFAULT);
	}
	SOCK_CALL(so, e, (q.handle = so->so_handle, net_name(&net, &q, &r)));
	fd_put(f);
	if (e == E_OK)
		addr_out(&r.addr, addr, len);
	return done(e);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return sock_name(fd, 0, addr, len);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return sock_name(fd, 1, addr, len);
}

int net_sock_setopt(struct socket *so, unsigned opt, int on)
{
	struct net_opt_req q = { 0, opt, on != 0 };
	struct net_opt_rep r;
	long e;

	SOCK_CALL(so, e, (q.handle = so->so_handle, net_setopt(&net, &q, &r)));
	if (e == E_OK)
		so->so_opts = on ? so->so_opts | 1u << opt : so->so_opts & ~(1u << opt);
	return done(e);
}

int net_sock_error(struct socket *so, int *err)
{
	struct net_opt_req q = { 0, NET_OPT_ERROR, 0 };
	struct net_opt_rep o = { 0 };
	long e;

	SOCK_CALL(so, e, (q.handle = so->so_handle, net_getopt(&net, &q, &o)));
	if (e == 1) { /* ensure's: ECONNRESET from a restart is the pending error */
		*err = errno == EPIPE ? 0 : errno;
		return 0;
	}
	*err = (int)o.value;
	return done(e);
}

int net_glue_resolve(const char *name, uint32_t *addr)
{
	struct net_resolve_req q = { .wait_ms = NET_RESOLVE_WAIT_MS };
	struct net_resolve_rep r;
	long e;

	if (strlen(name) >= sizeof(q.name))
		return EAI_NONAME;
	if (!net_present())
		return EAI_FAIL;
	strcpy(q.name, name);
	while ((e = heard(net_resolve(&net, &q, &r))) == PE_BUSY)
		sleep_ms(glue_pool_slot(), BUSY_RETRY_MS);
	if (e == E_OK) {
		*addr = r.addr;
		return 0;
	}
	switch (net_errno(e)) {
	case ENOENT:
	case EINVAL:
		return EAI_NONAME;
	case ENETDOWN:
	case EAGAIN:
		return EAI_AGAIN;
	default:
		return EAI_FAIL;
	}
}

/* --- the descriptor table's back end ------------------------------------ */

static ssize_t sock_file_read(void *obj, void *buf, size_t len)
{
	return recv_some(obj, buf, len, 0, NULL);
}

static ssize_t sock_file_write(void *obj, const void *buf, size_t len)
{
	return sock_send(obj, buf, len, 0, NULL);
}

static int sock_file_close(void *obj)
{
	struct socket *so = obj;
	struct net_handle_req q = { so->so_handle };
	struct net_none_rep r;

	lock(); /* restore_all does not make it again meanwhile */
	for (unsigned i = 0; i < FD_MAX; i++)
		if (sockets[i] == so)
			sockets[i] = NULL;
	if (fresh(so))
		net_close(&net, &q, &r); /* a stale handle has nothing to free */
	unlock();
	heard(E_OK);
	free(so);
	return 0;
}

static int sock_file_fstat(void *obj, struct stat *st)
{
	(void)obj;
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFSOCK | S_IRUSR | S_IWUSR;
	st->st_blksize = NET_IO_MAX;
	return 0;
}

static int sock_file_getfl(void *obj)
{
	return ((struct socket *)obj)->so_nonblock ? O_RDWR | O_NONBLOCK : O_RDWR;
}

static int sock_file_setfl(void *obj, int flags)
{
	((struct socket *)obj)->so_nonblock = (flags & O_NONBLOCK) != 0;
	return 0;
}

const struct fd_ops net_sock_ops = {
	.fo_read = sock_file_read,
	.fo_write = sock_file_write,
	.fo_fstat = sock_file_fstat,
	.fo_close = sock_file_close,
	.fo_getfl = sock_file_getfl,
	.fo_setfl = sock_file_setfl,
};

int net_glue_poll(void *const socks[], const short events[], short revents[], int n, uint64_t wait_ms)
{
	struct net_poll_req q = { (uint64_t)n, wait_ms, { 0 }, { 0 } };
	struct net_poll_rep r = { 0 };
	int ready = 0, asked = 0, slot[NET_POLL_MAX];
	long e;

	/* Sockets that cannot be asked (a reset connection, one the restart
	 * could not make again) are ready: their calls answer at once. */
	for (int i = 0; i < n; i++) {
		struct socket *so = socks[i];

		revents[i] = 0;
		slot[i] = -1;
		if (refresh(so)) {
			revents[i] = (short)((events[i] & (POLLIN | POLLOUT)) | POLLERR | POLLHUP);
			ready++;
		} else if (asked < NET_POLL_MAX) {
			q.handle[asked] = so->so_handle;
			q.events[asked] = (uint16_t)(events[i] & (POLLIN | POLLOUT));
			slot[i] = asked++;
		}
	}
	if (!asked)
		return ready;
	q.count = (uint64_t)asked;
	if (ready)
		q.wait_ms = NET_WAIT_NONE;
	while ((e = heard(net_poll(&net, &q, &r))) == PE_BUSY)
		sleep_ms(glue_pool_slot(), BUSY_RETRY_MS);
	for (int k = 0; k < asked; k++)
		if (NET_HANDLE_GENERATION(q.handle[k]) != net.pc_generation)
			return ready; /* the server restarted meanwhile: the caller asks again */
	if (e != E_OK)
		return fail(errno_of(e));
	for (int i = 0; i < n; i++)
		if (slot[i] >= 0 && r.revents[slot[i]]) {
			revents[i] = (short)r.revents[slot[i]];
			ready++;
		}
	return ready;
}

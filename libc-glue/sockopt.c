/* setsockopt and getsockopt: the option names of <sys/socket.h> and
 * <netinet/tcp.h> mapped onto the network protocol's options (kept by
 * net_glue.c for a restart) and the library's own (the timeouts, which
 * are how long calls ask the server to wait). */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <kestrel/proto/net.h>

#include "net_glue.h"

static int fail(int err)
{
	errno = err;
	return -1;
}

/* The protocol's option for a level and name, or 0 if it is not one. */
static unsigned opt_of(int level, int name)
{
	if (level == IPPROTO_TCP && name == TCP_NODELAY)
		return NET_OPT_NODELAY;
	if (level != SOL_SOCKET)
		return 0;
	return name == SO_REUSEADDR ? NET_OPT_REUSEADDR : name == SO_KEEPALIVE ? NET_OPT_KEEPALIVE : 0;
}

static int int_arg(const void *val, socklen_t len, int *v)
{
	if (!val || len < sizeof(int))
		return fail(EINVAL);
	memcpy(v, val, sizeof(int));
	return 0;
}

static int set_timeout(uint64_t *ms, const void *val, socklen_t len)
{
	struct timeval tv;

	if (!val || len < sizeof(tv))
		return fail(EINVAL);
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return fail(EDOM);
	*ms = (uint64_t)tv.tv_sec * 1000 + (uint64_t)(tv.tv_usec + 999) / 1000;
	return 0;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct file *f;
	struct socket *so = net_sock_get(fd, &f);
	unsigned opt = opt_of(level, name);
	struct linger l;
	int v = 0, r;

	if (!so)
		return -1;
	if (opt)
		r = int_arg(val, len, &v) < 0 ? -1 : net_sock_setopt(so, opt, v);
	else if (level == SOL_SOCKET && name == SO_RCVTIMEO)
		r = set_timeout(&so->so_rcvtimeo, val, len);
	else if (level == SOL_SOCKET && name == SO_SNDTIMEO)
		r = set_timeout(&so->so_sndtimeo, val, len);
	else if (level == SOL_SOCKET && name == SO_LINGER && val && len >= sizeof(l))
		r = (memcpy(&l, val, sizeof(l)),
		     net_sock_setopt(so, NET_OPT_LINGER0, l.l_onoff && l.l_linger == 0));
	else if (level == SOL_SOCKET && (name == SO_BROADCAST || name == SO_SNDBUF || name == SO_RCVBUF))
		r = int_arg(val, len, &v); /* accepted, nothing to change */
	else
		r = fail(level == SOL_SOCKET && name == SO_LINGER ? EINVAL : ENOPROTOOPT);
	fd_put(f);
	return r;
}

static int give(void *val, socklen_t *len, const void *v, socklen_t size)
{
	if (!val || !len)
		return fail(EFAULT);
	memcpy(val, v, *len < size ? *len : size);
	*len = size;
	return 0;
}

static int give_int(void *val, socklen_t *len, int v)
{
	return give(val, len, &v, sizeof(v));
}

static int give_timeout(void *val, socklen_t *len, uint64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000 * 1000) };

	return give(val, len, &tv, sizeof(tv));
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct file *f;
	struct socket *so = net_sock_get(fd, &f);
	unsigned opt = opt_of(level, name);
	int r;

	if (!so)
		return -1;
	if (opt) {
		r = give_int(val, len, !!(so->so_opts & 1u << opt));
	} else if (level == SOL_SOCKET && name == SO_ERROR) {
		int err;

		r = net_sock_error(so, &err) < 0 ? -1 : give_int(val, len, err);
	} else if (level == SOL_SOCKET && name == SO_TYPE) {
		r = give_int(val, len, so->so_type);
	} else if (level == SOL_SOCKET && name == SO_ACCEPTCONN) {
		r = give_int(val, len, so->so_listening);
	} else if (level == SOL_SOCKET && name == SO_RCVTIMEO) {
		r = give_timeout(val, len, so->so_rcvtimeo);
	} else if (level == SOL_SOCKET && name == SO_SNDTIMEO) {
		r = give_timeout(val, len, so->so_sndtimeo);
	} else if (level == SOL_SOCKET && name == SO_LINGER) {
		struct linger l = { !!(so->so_opts & 1u << NET_OPT_LINGER0), 0 };

		r = give(val, len, &l, sizeof(l));
	} else if (level == SOL_SOCKET && (name == SO_SNDBUF || name == SO_RCVBUF)) {
		r = give_int(val, len, NET_IO_MAX);
	} else if (level == SOL_SOCKET && name == SO_BROADCAST) {
		r = give_int(val, len, 1);
	} else {
		r = fail(ENOPROTOOPT);
	}
	fd_put(f);
	return r;
}

/* Sockets on lwIP's raw API (sock.h): TCP and UDP pcbs, their callbacks,
 * and the queues of what arrived and was not read yet. */
#include "sock.h"

#include <errno.h>
#include <string.h>

#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#define UDP_MAX 65507 /* the largest datagram over IPv4 */

static struct net_table *table;
bool sock_changed_any;

void sock_init(struct net_table *t)
{
	table = t;
}

static void changed(struct net_sock *s)
{
	s->ns_dirty = true;
	table_owner(table, s)->nc_dirty = true;
	sock_changed_any = true;
}

static long fail(int err)
{
	return NET_ERROR(err);
}

/* lwIP's error as an errno, for the calls that return one. */
static long lwip_error(err_t err)
{
	switch (err) {
	case ERR_OK:
		return 0;
	case ERR_MEM:
	case ERR_BUF:
		return fail(ENOBUFS);
	case ERR_RTE:
		return fail(EHOSTUNREACH);
	case ERR_USE:
		return fail(EADDRINUSE);
	case ERR_ALREADY:
		return fail(EALREADY);
	case ERR_ISCONN:
		return fail(EISCONN);
	case ERR_CONN:
	case ERR_CLSD:
		return fail(ENOTCONN);
	case ERR_RST:
		return fail(ECONNRESET);
	case ERR_ABRT:
		return fail(ECONNABORTED);
	default:
		return fail(EINVAL);
	}
}

static void addr_to_ip(const struct net_addr *a, ip_addr_t *ip)
{
	ip_addr_set_ip4_u32(ip, a->addr);
}

static struct net_addr addr_of(const ip_addr_t *ip, u16_t port)
{
	return (struct net_addr){ .addr = ip4_addr_get_u32(ip_2_ip4(ip)), .port = port };
}

/* An address bind may take: any, or one of an interface's. */
static bool addr_is_local(const ip_addr_t *ip)
{
	struct netif *n;

	if (ip_addr_isany(ip))
		return true;
	NETIF_FOREACH(n)
	if (ip4_addr_eq(netif_ip4_addr(n), ip_2_ip4(ip)))
		return true;
	return false;
}

/* s's pcb, checked to be still s's: lwIP frees pcbs on its own (sock.h),
 * and a pcb freed and made anew for another connection has another
 * callback argument. A socket that still held one would be a bug of this
 * server: stop it with an assertion, as lwIP's pool checks stop a pcb
 * freed twice. For UDP, whose pcbs lwIP never frees, it is ns_pcb. */
static void *pcb_of(struct net_sock *s)
{
	struct tcp_pcb *t = s->ns_pcb;

	if (t && s->ns_type == NET_TCP)
		LWIP_ASSERT("a socket's pcb is its own", t->callback_arg == s);
	return t;
}

/* --- TCP callbacks ------------------------------------------------------ */

static err_t tcp_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err);
static err_t tcp_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len);
static void tcp_err_cb(void *arg, err_t err);

/* The callbacks of a connection's pcb, on or off. */
static void tcp_attach(struct net_sock *s, struct tcp_pcb *pcb)
{
	s->ns_pcb = pcb;
	tcp_arg(pcb, s);
	tcp_recv(pcb, tcp_recv_cb);
	tcp_sent(pcb, tcp_sent_cb);
	tcp_err(pcb, tcp_err_cb);
}

static void tcp_detach(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
}

/* Closes s's connection pcb and forgets it: FIN (or RST if unread data
 * is left, as tcp_close does), or RST at once with abort. A close lwIP
 * cannot do for want of memory becomes a reset. */
static void tcp_let_go(struct net_sock *s, int abort)
{
	struct tcp_pcb *pcb = pcb_of(s);

	s->ns_pcb = NULL;
	tcp_detach(pcb);
	if (abort || tcp_close(pcb) != ERR_OK)
		tcp_abort(pcb);
}

static err_t tcp_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct net_sock *s = arg;

	(void)err;
	if (!p) {
		s->ns_flags |= SOCK_F_EOF;
		changed(s);
		/* Our FIN went before theirs: the pcb goes to TIME_WAIT, where
		 * lwIP frees it without telling us. */
		if (s->ns_flags & SOCK_F_SHUT_WR)
			tcp_let_go(s, 0);
		return ERR_OK;
	}
	if (s->ns_flags & SOCK_F_SHUT_RD) {
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
		return ERR_OK;
	}
	/* Not acknowledged to lwIP (tcp_recved) until read: the window
	 * bounds what waits here. */
	if (s->ns_rx)
		pbuf_cat(s->ns_rx, p);
	else
		s->ns_rx = p;
	changed(s);
	return ERR_OK;
}

static err_t tcp_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	(void)pcb;
	(void)len;
	changed(arg);
	return ERR_OK;
}

/* lwIP has freed the pcb already (tcp.h's rule): only forget it. */
static void tcp_err_cb(void *arg, err_t err)
{
	struct net_sock *s = arg;

	s->ns_pcb = NULL;
	if (s->ns_state == SOCK_CONNECTING)
		s->ns_error = err == ERR_RST ? ECONNREFUSED : ETIMEDOUT;
	else if (err != ERR_CLSD)
		s->ns_error = err == ERR_RST ? ECONNRESET : ECONNABORTED;
	s->ns_state = SOCK_CLOSED;
	changed(s);
}

static err_t tcp_connected_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct net_sock *s = arg;

	(void)pcb;
	(void)err; /* always ERR_OK */
	s->ns_state = SOCK_CONNECTED;
	changed(s);
	return ERR_OK;
}

/* A new connection on listener arg. Its pcb has no callbacks of ours
 * until it has a socket: if we refuse it, lwIP aborts it and must find
 * no tcp_err to call (it would get the listener's arg). */
static err_t tcp_accept_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct net_sock *l = arg, *s;

	if (err != ERR_OK || !pcb || l->ns_npending >= l->ns_backlog ||
	    table_sock_alloc(table, table_owner(table, l), NET_TCP, &s) != 0)
		return ERR_MEM;
	s->ns_state = SOCK_PENDING;
	s->ns_flags = (l->ns_flags & (SOCK_F_NODELAY | SOCK_F_KEEPALIVE | SOCK_F_LINGER0)) | SOCK_F_QUEUED;
	s->ns_listener = (uint16_t)table_index(table, l);
	tcp_attach(s, pcb);
	if (s->ns_flags & SOCK_F_NODELAY)
		tcp_nagle_disable(pcb);
	l->ns_pending[l->ns_npending++] = (uint16_t)table_index(table, s);
	changed(l);
	return ERR_OK;
}

/* --- UDP ---------------------------------------------------------------- */

static void udp_recv_cb(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
	struct net_sock *s = arg;
	unsigned slot;

	(void)pcb;
	if (s->ns_dgram_count == NET_DGRAM_QUEUE) {
		pbuf_free(p); /* full: dropped, as UDP may */
		return;
	}
	slot = (s->ns_dgram_head + s->ns_dgram_count++) % NET_DGRAM_QUEUE;
	s->ns_dgram[slot] = p;
	s->ns_dgram_from[slot] = addr_of(addr, port);
	changed(s);
}

/* --- the calls ---------------------------------------------------------- */

long sock_open(struct net_sock *s)
{
	if (s->ns_type == NET_UDP) {
		struct udp_pcb *u = udp_new();

		if (!u)
			return fail(ENOBUFS);
		udp_recv(u, udp_recv_cb, s);
		s->ns_pcb = u;
	} else {
		struct tcp_pcb *t = tcp_new();

		if (!t)
			return fail(ENOBUFS);
		tcp_attach(s, t);
	}
	s->ns_state = SOCK_NEW;
	return sock_setopt(s, NET_OPT_REUSEADDR, !!(s->ns_flags & SOCK_F_REUSEADDR));
}

long sock_bind(struct net_sock *s, const struct net_addr *a, struct net_addr *bound)
{
	ip_addr_t ip;
	err_t err;

	addr_to_ip(a, &ip);
	if (s->ns_state != SOCK_NEW || !s->ns_pcb)
		return fail(EINVAL);
	if (!addr_is_local(&ip))
		return fail(EADDRNOTAVAIL);
	if (s->ns_type == NET_UDP) {
		struct udp_pcb *u = s->ns_pcb;

		err = udp_bind(u, &ip, a->port);
		*bound = addr_of(&u->local_ip, u->local_port);
	} else {
		struct tcp_pcb *t = pcb_of(s);

		err = tcp_bind(t, &ip, a->port);
		*bound = addr_of(&t->local_ip, t->local_port);
	}
	if (err == ERR_OK)
		s->ns_state = SOCK_BOUND;
	return lwip_error(err);
}

long sock_listen(struct net_sock *s, unsigned backlog)
{
	struct tcp_pcb *l;
	struct net_addr any = { 0 }, bound;
	err_t err;
	long e;

	if (s->ns_type != NET_TCP)
		return fail(EOPNOTSUPP);
	backlog = backlog < 1 ? 1 : backlog > NET_BACKLOG_MAX ? NET_BACKLOG_MAX : backlog;
	if (s->ns_state == SOCK_LISTEN) {
		s->ns_backlog = (uint8_t)backlog;
		return 0;
	}
	if (s->ns_state == SOCK_NEW && (e = sock_bind(s, &any, &bound)) != 0)
		return e;
	if (s->ns_state != SOCK_BOUND || !s->ns_pcb)
		return fail(EINVAL);
	l = tcp_listen_with_backlog_and_err(pcb_of(s), (u8_t)backlog, &err);
	if (!l)
		return lwip_error(err); /* the pcb is still ours */
	/* The connection pcb is freed: the listening one has no tcp_err. */
	s->ns_pcb = l;
	s->ns_state = SOCK_LISTEN;
	s->ns_backlog = (uint8_t)backlog;
	tcp_arg(l, s);
	tcp_accept(l, tcp_accept_cb);
	return 0;
}

long sock_accept(struct net_sock *s, struct net_sock **out)
{
	struct net_sock *n;

	if (s->ns_state != SOCK_LISTEN)
		return fail(EINVAL);
	if (!s->ns_npending)
		return SOCK_WOULD_BLOCK;
	n = &table->nt_socks[s->ns_pending[0]];
	memmove(s->ns_pending, s->ns_pending + 1, --s->ns_npending * sizeof(s->ns_pending[0]));
	n->ns_flags &= (uint16_t)~SOCK_F_QUEUED;
	if (n->ns_state == SOCK_PENDING)
		n->ns_state = SOCK_CONNECTED; /* else reset meanwhile: its error stays for recv */
	*out = n;
	return 0;
}

long sock_connect(struct net_sock *s, const struct net_addr *a)
{
	ip_addr_t ip;
	err_t err;
	long e;

	addr_to_ip(a, &ip);
	if (s->ns_type == NET_UDP) {
		if (!s->ns_pcb)
			return fail(EINVAL);
		if ((err = udp_connect(s->ns_pcb, &ip, a->port)) == ERR_OK)
			s->ns_state = SOCK_CONNECTED;
		return lwip_error(err);
	}
	switch (s->ns_state) {
	case SOCK_CONNECTING:
		return fail(EALREADY);
	case SOCK_CONNECTED:
		return fail(EISCONN);
	case SOCK_LISTEN:
	case SOCK_PENDING:
		return fail(EINVAL);
	case SOCK_CLOSED: /* a connect that failed: try again with a new pcb */
		s->ns_error = 0;
		s->ns_flags &= (uint16_t) ~(SOCK_F_EOF | SOCK_F_SHUT_RD | SOCK_F_SHUT_WR | SOCK_F_REPORTED);
		if ((e = sock_open(s)) != 0)
			return e;
		break;
	default:
		break;
	}
	if (!a->port || ip_addr_isany(&ip))
		return fail(ECONNREFUSED);
	err = tcp_connect(pcb_of(s), &ip, a->port, tcp_connected_cb);
	if (err != ERR_OK)
		return lwip_error(err);
	s->ns_state = SOCK_CONNECTING;
	return SOCK_WOULD_BLOCK;
}

long sock_connected(struct net_sock *s)
{
	int err = s->ns_error;

	if (s->ns_state == SOCK_CONNECTING)
		return SOCK_WOULD_BLOCK;
	if (s->ns_state == SOCK_CONNECTED)
		return 0;
	s->ns_error = 0;
	s->ns_flags |= SOCK_F_REPORTED;
	return fail(err ? err : ECONNABORTED);
}

/* The error a closed TCP socket reports: once the one that closed it,
 * then what follows from it. */
static long tcp_closed_error(struct net_sock *s, int then)
{
	int err = s->ns_error;

	if (err && !(s->ns_flags & SOCK_F_REPORTED)) {
		s->ns_error = 0;
		s->ns_flags |= SOCK_F_REPORTED;
		return fail(err);
	}
	return then ? fail(then) : 0;
}

static long udp_out(struct net_sock *s, const uint8_t *buf, size_t len, const struct net_addr *to,
                    size_t *sent)
{
	struct udp_pcb *u = s->ns_pcb;
	struct pbuf *p;
	ip_addr_t ip;
	err_t err;

	if (len > UDP_MAX)
		return fail(EMSGSIZE);
	if (!to->port && s->ns_state != SOCK_CONNECTED)
		return fail(EDESTADDRREQ);
	p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
	if (!p)
		return fail(ENOBUFS);
	pbuf_take(p, buf, (u16_t)len);
	if (to->port) {
		addr_to_ip(to, &ip);
		err = udp_sendto(u, p, &ip, to->port);
	} else {
		err = udp_send(u, p);
	}
	pbuf_free(p);
	if (err != ERR_OK)
		return lwip_error(err);
	if (s->ns_state == SOCK_NEW)
		s->ns_state = SOCK_BOUND; /* lwIP bound an ephemeral port */
	*sent = len;
	return 0;
}

long sock_send(struct net_sock *s, const uint8_t *buf, size_t len, const struct net_addr *to, size_t *sent)
{
	struct tcp_pcb *t = pcb_of(s);
	size_t n;
	err_t err;

	if (s->ns_type == NET_UDP)
		return udp_out(s, buf, len, to, sent);
	if (s->ns_state == SOCK_CLOSED)
		return tcp_closed_error(s, EPIPE);
	if (s->ns_state != SOCK_CONNECTED)
		return fail(ENOTCONN);
	if ((s->ns_flags & SOCK_F_SHUT_WR) || !t)
		return fail(EPIPE);
	n = len < tcp_sndbuf(t) ? len : tcp_sndbuf(t);
	if (tcp_sndqueuelen(t) >= TCP_SND_QUEUELEN)
		n = 0;
	/* A write lwIP cannot take whole for want of segments is halved. */
	while (n && (err = tcp_write(t, buf, (u16_t)n, TCP_WRITE_FLAG_COPY)) == ERR_MEM)
		n /= 2;
	if (!n)
		return len ? SOCK_WOULD_BLOCK : 0;
	if (err != ERR_OK)
		return lwip_error(err);
	tcp_output(t);
	*sent = n;
	return 0;
}

static long udp_take(struct net_sock *s, uint8_t *buf, size_t len, unsigned flags, size_t *got,
                     struct net_addr *from)
{
	unsigned slot = s->ns_dgram_head;
	struct pbuf *p;

	if (!s->ns_dgram_count)
		return SOCK_WOULD_BLOCK;
	p = s->ns_dgram[slot];
	*got = pbuf_copy_partial(p, buf, (u16_t)(len < p->tot_len ? len : p->tot_len), 0);
	*from = s->ns_dgram_from[slot];
	if (!(flags & NET_MSG_PEEK)) {
		pbuf_free(p); /* what did not fit is dropped, as recvfrom does */
		s->ns_dgram_head = (uint8_t)((slot + 1) % NET_DGRAM_QUEUE);
		s->ns_dgram_count--;
	}
	return 0;
}

long sock_recv(struct net_sock *s, uint8_t *buf, size_t len, unsigned flags, size_t *got,
               struct net_addr *from)
{
	struct tcp_pcb *t = pcb_of(s);
	struct pbuf *p = s->ns_rx;
	u16_t n;

	if (s->ns_type == NET_UDP)
		return udp_take(s, buf, len, flags, got, from);
	if (s->ns_state != SOCK_CONNECTED && s->ns_state != SOCK_CLOSED)
		return fail(ENOTCONN);
	if (t)
		*from = addr_of(&t->remote_ip, t->remote_port);
	*got = 0;
	if (s->ns_flags & SOCK_F_SHUT_RD)
		return 0;
	if (p && len) {
		n = pbuf_copy_partial(p, buf, (u16_t)(len < p->tot_len ? len : p->tot_len), 0);
		if (!(flags & NET_MSG_PEEK)) {
			s->ns_rx = pbuf_free_header(p, n);
			if (t)
				tcp_recved(t, n); /* the window opens again */
		}
		*got = n;
		return 0;
	}
	if (s->ns_state == SOCK_CLOSED)
		return tcp_closed_error(s, 0); /* the data first, then the reset */
	return s->ns_flags & SOCK_F_EOF ? 0 : SOCK_WOULD_BLOCK;
}

long sock_shutdown(struct net_sock *s, unsigned how)
{
	if (how > NET_SHUT_RDWR)
		return fail(EINVAL);
	if (s->ns_type == NET_TCP && s->ns_state != SOCK_CONNECTED)
		return fail(ENOTCONN);
	if (how != NET_SHUT_WR) {
		s->ns_flags |= SOCK_F_SHUT_RD;
		if (s->ns_rx && pcb_of(s))
			tcp_recved(pcb_of(s), ((struct pbuf *)s->ns_rx)->tot_len);
		pbuf_free(s->ns_rx);
		s->ns_rx = NULL;
	}
	if (how != NET_SHUT_RD && s->ns_type == NET_TCP && !(s->ns_flags & SOCK_F_SHUT_WR)) {
		s->ns_flags |= SOCK_F_SHUT_WR;
		if (s->ns_pcb) {
			err_t err = tcp_shutdown(pcb_of(s), 0, 1);

			if (err != ERR_OK)
				return lwip_error(err);
			/* Their FIN came first: ours makes LAST_ACK, whose end
			 * lwIP reports through tcp_err (ERR_CLSD). */
		}
	}
	changed(s);
	return 0;
}

long sock_name(struct net_sock *s, int peer, struct net_addr *a)
{
	*a = (struct net_addr){ 0 };
	if (!s->ns_pcb)
		return peer ? fail(ENOTCONN) : 0;
	if (s->ns_type == NET_UDP) {
		struct udp_pcb *u = s->ns_pcb;

		if (peer && s->ns_state != SOCK_CONNECTED)
			return fail(ENOTCONN);
		*a = peer ? addr_of(&u->remote_ip, u->remote_port) : addr_of(&u->local_ip, u->local_port);
		return 0;
	}
	if (peer && s->ns_state != SOCK_CONNECTED && s->ns_state != SOCK_PENDING)
		return fail(ENOTCONN);
	if (s->ns_state == SOCK_LISTEN) {
		struct tcp_pcb_listen *l = pcb_of(s);

		*a = addr_of(&l->local_ip, l->local_port);
	} else {
		struct tcp_pcb *t = pcb_of(s);

		*a = peer ? addr_of(&t->remote_ip, t->remote_port) : addr_of(&t->local_ip, t->local_port);
	}
	return 0;
}

static void flag(struct net_sock *s, uint16_t f, uint64_t on)
{
	s->ns_flags = on ? (uint16_t)(s->ns_flags | f) : (uint16_t)(s->ns_flags & ~f);
}

long sock_setopt(struct net_sock *s, unsigned opt, uint64_t value)
{
	/* so_options is the first field of every pcb kind (IP_PCB). */
	struct ip_pcb *ip = pcb_of(s);

	switch (opt) {
	case NET_OPT_REUSEADDR:
		flag(s, SOCK_F_REUSEADDR, value);
		if (ip && value)
			ip_set_option(ip, SOF_REUSEADDR);
		else if (ip)
			ip_reset_option(ip, SOF_REUSEADDR);
		return 0;
	case NET_OPT_KEEPALIVE:
		flag(s, SOCK_F_KEEPALIVE, value);
		if (ip && value)
			ip_set_option(ip, SOF_KEEPALIVE);
		else if (ip)
			ip_reset_option(ip, SOF_KEEPALIVE);
		return 0;
	case NET_OPT_NODELAY:
		if (s->ns_type != NET_TCP)
			return fail(ENOPROTOOPT);
		flag(s, SOCK_F_NODELAY, value);
		if (s->ns_pcb && s->ns_state != SOCK_LISTEN) {
			if (value)
				tcp_nagle_disable((struct tcp_pcb *)pcb_of(s));
			else
				tcp_nagle_enable((struct tcp_pcb *)pcb_of(s));
		}
		return 0;
	case NET_OPT_LINGER0:
		flag(s, SOCK_F_LINGER0, value);
		return 0;
	default:
		return fail(ENOPROTOOPT);
	}
}

long sock_getopt(struct net_sock *s, unsigned opt, uint64_t *value)
{
	switch (opt) {
	case NET_OPT_REUSEADDR:
		*value = !!(s->ns_flags & SOCK_F_REUSEADDR);
		return 0;
	case NET_OPT_NODELAY:
		*value = !!(s->ns_flags & SOCK_F_NODELAY);
		return 0;
	case NET_OPT_KEEPALIVE:
		*value = !!(s->ns_flags & SOCK_F_KEEPALIVE);
		return 0;
	case NET_OPT_LINGER0:
		*value = !!(s->ns_flags & SOCK_F_LINGER0);
		return 0;
	case NET_OPT_ERROR:
		*value = (uint64_t)s->ns_error;
		if (s->ns_error)
			s->ns_flags |= SOCK_F_REPORTED;
		s->ns_error = 0;
		return 0;
	default:
		return fail(ENOPROTOOPT);
	}
}

unsigned sock_events(struct net_sock *s)
{
	struct tcp_pcb *t = pcb_of(s);
	unsigned ev = 0;

	if (s->ns_type == NET_UDP)
		return NET_POLLOUT | (s->ns_dgram_count ? NET_POLLIN : 0);
	switch (s->ns_state) {
	case SOCK_LISTEN:
		return s->ns_npending ? NET_POLLIN : 0;
	case SOCK_CONNECTED:
		if (s->ns_rx || (s->ns_flags & (SOCK_F_EOF | SOCK_F_SHUT_RD)))
			ev |= NET_POLLIN;
		if (t && !(s->ns_flags & SOCK_F_SHUT_WR) && tcp_sndbuf(t) > 0 &&
		    tcp_sndqueuelen(t) < TCP_SND_QUEUELEN)
			ev |= NET_POLLOUT;
		if ((s->ns_flags & SOCK_F_EOF) && (!t || (s->ns_flags & SOCK_F_SHUT_WR)))
			ev |= NET_POLLHUP;
		return ev;
	case SOCK_CLOSED:
		return NET_POLLIN | NET_POLLOUT | NET_POLLHUP | (s->ns_error ? NET_POLLERR : 0);
	case SOCK_CONNECTING:
		return 0;
	default:
		return NET_POLLOUT | NET_POLLHUP; /* not connected: writes fail at once */
	}
}

/* Takes queued connection s out of its listener's queue. */
static void unqueue(struct net_sock *s)
{
	struct net_sock *l = &table->nt_socks[s->ns_listener];
	uint16_t index = (uint16_t)table_index(table, s);
	unsigned i = 0;

	s->ns_flags &= (uint16_t)~SOCK_F_QUEUED;
	while (i < l->ns_npending && l->ns_pending[i] != index)
		i++;
	if (i < l->ns_npending)
		memmove(l->ns_pending + i, l->ns_pending + i + 1,
		        (--l->ns_npending - i) * sizeof(l->ns_pending[0]));
}

void sock_release(struct net_sock *s, int abort)
{
	abort = abort || (s->ns_flags & SOCK_F_LINGER0);
	if (s->ns_flags & SOCK_F_QUEUED)
		unqueue(s);
	if (s->ns_type == NET_UDP) {
		if (s->ns_pcb)
			udp_remove(s->ns_pcb);
		for (; s->ns_dgram_count; s->ns_dgram_count--) {
			pbuf_free(s->ns_dgram[s->ns_dgram_head]);
			s->ns_dgram_head = (uint8_t)((s->ns_dgram_head + 1) % NET_DGRAM_QUEUE);
		}
	} else if (s->ns_state == SOCK_LISTEN) {
		tcp_close(pcb_of(s)); /* never fails for a listener */
		/* Connections nobody accepted are reset, as other systems do. */
		while (s->ns_npending) {
			struct net_sock *n = &table->nt_socks[s->ns_pending[0]];

			sock_release(n, 1); /* takes it off the queue */
			table_sock_free(table, n);
		}
	} else if (s->ns_pcb) {
		tcp_let_go(s, abort);
	}
	s->ns_pcb = NULL;
	if (s->ns_rx)
		pbuf_free(s->ns_rx);
	s->ns_rx = NULL;
}

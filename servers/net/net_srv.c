/* The network protocol's handlers (include/kestrel/proto/net.h), the calls
 * that wait, and the clients' lifetimes.
 *
 * Calls that wait. A handler first tries the call (sock.c); what cannot
 * be done yet and may wait is deferred (proto_defer) with the socket's
 * index as its tag and, in the waiter's words, what it waits for, its
 * deadline and the handle. lwIP's callbacks mark sockets changed; before
 * each receive the server loop's timer (net_timer) tries again the
 * waiters of changed sockets, and those whose deadline passed, and
 * answers those that are done. The single thread never blocks.
 *
 * Clients' lifetimes. The server learns that a client died in two ways:
 * its restarted instance's first socket call carries a new session (its
 * generation), and every NET_REAP_MS the supervisor's list tells the
 * state and generation of each client that holds sockets (the badge is
 * the client's manifest index, SUP_CLIENT_INDEX). Either way its sockets
 * are reset and freed, and its waiters answered (their callers are gone
 * or were cut off). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <kestrel/error.h>
#include <kestrel/proto/net.h>

#include "lookup.h"
#include "net_srv.h"
#include "server.h"
#include "sock.h"
#include "syscalls.h"

PROTO_SERVER(NET_OPS)
PROTO_CLIENT(SUP_OPS)

const struct proto_op net_ops[] = PROTO_TABLE(NET_OPS);
const size_t net_nops = sizeof(net_ops) / sizeof(net_ops[0]);

#define NET_REAP_MS 1000 /* how often the supervisor is asked which clients live */

/* What a waiter waits for (pw_data[0]); pw_data[1] is its deadline in ms
 * (NET_WAIT_FOREVER: none), pw_data[2] the socket's handle, pw_data[3]
 * the call's own word (recv's flags, the poll record, the lookup slot). */
enum wait_kind { WAIT_ACCEPT = 1, WAIT_CONNECT, WAIT_SEND, WAIT_RECV, WAIT_POLL, WAIT_LOOKUP };

/* A poll call's list, kept while it waits: a tag of its own. */
#define POLLS_MAX  16
#define TAG_POLL   (1ULL << 32)
#define TAG_LOOKUP (1ULL << 33) /* | the slot of a resolve or a ping (lookup.h) */
struct poll_rec {
	bool pr_used;
	uint64_t pr_badge;
	struct net_poll_req pr_req;
};

static struct net_table table;
static struct poll_rec polls[POLLS_MAX];
static uint64_t next_deadline = NET_WAIT_FOREVER; /* the earliest waiter's */
static uint64_t next_reap;

void net_srv_init(uint64_t generation)
{
	table_init(&table, generation);
	sock_init(&table);
	lookup_init();
	netinfo_init(&table);
}

static uint64_t deadline_of(uint64_t wait_ms)
{
	return wait_ms == NET_WAIT_FOREVER ? NET_WAIT_FOREVER : sys_clock_ms() + wait_ms;
}

/* Defers the call being handled; PE_BUSY if the server keeps too many. */
static long defer_call(struct proto_ctx *ctx, uint64_t tag, enum wait_kind kind, uint64_t wait_ms,
                       uint64_t handle, uint64_t word)
{
	struct proto_waiter *w = proto_defer(ctx, tag);
	uint64_t deadline = deadline_of(wait_ms);

	if (!w)
		return PE_BUSY;
	w->pw_data[0] = kind;
	w->pw_data[1] = deadline;
	w->pw_data[2] = handle;
	w->pw_data[3] = word;
	if (deadline < next_deadline)
		next_deadline = deadline;
	return PROTO_DEFERRED;
}

static uint64_t sock_tag(const struct net_sock *s)
{
	return table_index(&table, s) + 1;
}

/* The caller's socket named by handle. */
static long get(struct proto_ctx *ctx, uint64_t handle, struct net_sock **s)
{
	return table_sock_get(&table, ctx->pc_badge, handle, s);
}

/* Frees s: its waiters are answered EBADF (another thread of the client
 * may be waiting on it), its pcb closed (or reset). */
static void sock_free(struct net_sock *s, int abort)
{
	struct proto_waiter *w;

	while ((w = proto_waiter_next(NULL, sock_tag(s))))
		proto_answer(w, NET_ERROR(EBADF), NULL);
	sock_release(s, abort);
	table_sock_free(&table, s);
}

/* Resets and frees every socket of c, which has died. */
static void client_reclaim(struct net_client *c)
{
	uint64_t badge = c->nc_badge; /* the entry goes with its last socket */
	struct net_sock *s;

	/* A listener frees its queued connections too: start over. */
	while (c->nc_badge == badge && (s = table_sock_next(&table, c, NULL)))
		sock_free(s, 1);
	for (unsigned i = 0; i < POLLS_MAX; i++)
		if (polls[i].pr_used && polls[i].pr_badge == badge) {
			struct proto_waiter *w = proto_waiter_next(NULL, TAG_POLL | i);

			if (w)
				proto_answer(w, NET_ERROR(EBADF), NULL);
			polls[i].pr_used = false;
		}
}

/* Asks the supervisor whether each client with sockets still runs the
 * session it told us; reclaims those that do not. */
static void clients_reap(void)
{
	struct proto_client sup = { .pc_ep = server_self()->si_sup, .pc_retries = 1 };

	for (unsigned i = 0; i < NET_CLIENTS; i++) {
		struct net_client *c = &table.nt_clients[i];
		struct sup_index_req q = { SUP_CLIENT_INDEX(c->nc_badge) };
		struct sup_list_rep r;

		if (!c->nc_badge || sup_list(&sup, &q, &r) != E_OK)
			continue;
		if (r.generation != c->nc_session || (r.state != SUP_UP && r.state != SUP_STARTING)) {
			printf("net: client %.*s (generation %lu) is gone: its %u sockets freed\n",
			       SERVER_NAME_LEN, r.name, c->nc_session, c->nc_sockets);
			client_reclaim(c);
		}
	}
}

long net_socket_srv(struct proto_ctx *ctx, const struct net_socket_req *q, struct net_handle_rep *r)
{
	struct net_client *c = table_client(&table, ctx->pc_badge);
	struct net_sock *s;
	long e;

	if (q->type != NET_TCP && q->type != NET_UDP)
		return NET_ERROR(EPROTONOSUPPORT);
	if (c && c->nc_session != q->session) {
		client_reclaim(c); /* the client restarted: its old sockets are gone */
		c = NULL;
	}
	if (!c && (e = table_client_add(&table, ctx->pc_badge, q->session, &c)) != 0)
		return e;
	if ((e = table_sock_alloc(&table, c, (unsigned)q->type, &s)) != 0)
		return e;
	if ((e = sock_open(s)) != 0) {
		table_sock_free(&table, s);
		return e;
	}
	r->handle = table_handle(&table, s);
	return 0;
}

long net_bind_srv(struct proto_ctx *ctx, const struct net_bind_req *q, struct net_addr_rep *r)
{
	struct net_sock *s;
	long e = get(ctx, q->handle, &s);

	return e ? e : sock_bind(s, &q->addr, &r->addr);
}

long net_listen_srv(struct proto_ctx *ctx, const struct net_listen_req *q, struct net_none_rep *r)
{
	struct net_sock *s;
	long e = get(ctx, q->handle, &s);

	(void)r;
	return e ? e : sock_listen(s, q->backlog > NET_BACKLOG_MAX ? NET_BACKLOG_MAX : (unsigned)q->backlog);
}

/* accept's answer: the connection's handle and its peer. */
static long accept_try(struct net_sock *s, struct net_accept_rep *r)
{
	struct net_sock *n;
	long e = sock_accept(s, &n);

	if (e)
		return e;
	r->handle = table_handle(&table, n);
	sock_name(n, 1, &r->peer);
	return 0;
}

long net_accept_srv(struct proto_ctx *ctx, const struct net_accept_req *q, struct net_accept_rep *r)
{
	struct net_sock *s;
	long e = get(ctx, q->handle, &s);

	if (e || (e = accept_try(s, r)) != SOCK_WOULD_BLOCK)
		return e;
	return q->wait_ms ? defer_call(ctx, sock_tag(s), WAIT_ACCEPT, q->wait_ms, q->handle, 0)
	                  : NET_ERROR(EAGAIN);
}

long net_connect_srv(struct proto_ctx *ctx, const struct net_connect_req *q, struct net_addr_rep *r)
{
	struct net_sock *s;
	long e = get(ctx, q->handle, &s);

	if (e || (e = sock_connect(s, &q->addr)) != SOCK_WOULD_BLOCK)
		return e ? e : sock_name(s, 0, &r->addr);
	return q->wait_ms ? defer_call(ctx, sock_tag(s), WAIT_CONNECT, q->wait_ms, q->handle, 0)
	                  : NET_ERROR(EINPROGRESS);
}

long net_send_srv(struct proto_ctx *ctx, const struct net_send_req *q, struct net_send_rep *r)
{
	struct net_sock *s;
	size_t sent = 0;
	long e = get(ctx, q->handle, &s);

	if (e)
		return e;
	if (ctx->pc_lease_len > NET_IO_MAX)
		return NET_ERROR(EMSGSIZE);
	e = sock_send(s, ctx->pc_lease, ctx->pc_lease_len, &q->to, &sent);
	r->sent = sent;
	if (e != SOCK_WOULD_BLOCK)
		return e;
	return q->wait_ms ? defer_call(ctx, sock_tag(s), WAIT_SEND, q->wait_ms, q->handle, 0)
	                  : NET_ERROR(EAGAIN);
}

long net_recv_srv(struct proto_ctx *ctx, const struct net_recv_req *q, struct net_recv_rep *r)
{
	struct net_sock *s;
	size_t got = 0;
	long e = get(ctx, q->handle, &s);

	if (e)
		return e;
	e = sock_recv(s, ctx->pc_lease, ctx->pc_lease_len, (unsigned)q->flags, &got, &r->from);
	r->len = got;
	if (e != SOCK_WOULD_BLOCK)
		return e;
	return q->wait_ms ? defer_call(ctx, sock_tag(s), WAIT_RECV, q->wait_ms, q->handle, q->flags)
	                  : NET_ERROR(EAGAIN);
}

long net_shutdown_srv(struct proto_ctx *ctx, const struct net_shutdown_req *q, struct net_none_rep *r)
{
	struct net_sock *s;
	long e = get(ctx, q->handle, &s);

	(void)r;
	return e ? e : sock_shutdown(s, (unsigned)q->how);
}

long net_close_srv(struct proto_ctx *ctx, const struct net_handle_req *q, struct net_none_rep *r)
{
	struct net_sock *s;
	long e = get(ctx, q->handle, &s);

	(void)r;
	if (e)
		return e;
	sock_free(s, 0);
	return 0;
}

long net_name_srv(struct proto_ctx *ctx, const struct net_name_req *q, struct net_addr_rep *r)
{
	struct net_sock *s;
	long e = get(ctx, q->handle, &s);

	return e ? e : sock_name(s, q->peer != 0, &r->addr);
}

long net_setopt_srv(struct proto_ctx *ctx, const struct net_opt_req *q, struct net_opt_rep *r)
{
	struct net_sock *s;
	long e = get(ctx, q->handle, &s);

	r->value = q->value;
	return e ? e : sock_setopt(s, (unsigned)q->opt, q->value);
}

long net_getopt_srv(struct proto_ctx *ctx, const struct net_opt_req *q, struct net_opt_rep *r)
{
	struct net_sock *s;
	long e = get(ctx, q->handle, &s);

	return e ? e : sock_getopt(s, (unsigned)q->opt, &r->value);
}

/* Fills r for the items of q; how many have events. */
static uint64_t poll_check(uint64_t badge, const struct net_poll_req *q, struct net_poll_rep *r)
{
	uint64_t ready = 0;

	for (uint64_t i = 0; i < q->count; i++) {
		struct net_sock *s;
		unsigned ev = table_sock_get(&table, badge, q->handle[i], &s)
		                      ? NET_POLLNVAL
		                      : sock_events(s) & (q->events[i] | NET_POLLERR | NET_POLLHUP);

		r->revents[i] = (uint16_t)ev;
		ready += ev != 0;
	}
	return ready;
}

long net_poll_srv(struct proto_ctx *ctx, const struct net_poll_req *q, struct net_poll_rep *r)
{
	unsigned i;

	if (q->count < 1 || q->count > NET_POLL_MAX)
		return NET_ERROR(EINVAL);
	if ((r->ready = poll_check(ctx->pc_badge, q, r)) || !q->wait_ms)
		return 0;
	/* A record whose waiter is gone (its caller died) is free too. */
	for (i = 0; i < POLLS_MAX && polls[i].pr_used && proto_waiter_next(NULL, TAG_POLL | i); i++)
		;
	if (i == POLLS_MAX)
		return PE_BUSY;
	polls[i] = (struct poll_rec){ true, ctx->pc_badge, *q };
	if (defer_call(ctx, TAG_POLL | i, WAIT_POLL, q->wait_ms, 0, i) != PROTO_DEFERRED) {
		polls[i].pr_used = false;
		return PE_BUSY;
	}
	return PROTO_DEFERRED;
}

/* A lookup started (lookup.h): answered now, or its call waits for the
 * slot's answer. */
static long lookup_wait(struct proto_ctx *ctx, long e, unsigned slot, uint64_t wait_ms, void *rep)
{
	if (e != SOCK_WOULD_BLOCK)
		return e;
	if (lookup_done(slot) || !wait_ms)
		return lookup_answer(slot, rep, true);
	if ((e = defer_call(ctx, TAG_LOOKUP | slot, WAIT_LOOKUP, wait_ms, 0, slot)) != PROTO_DEFERRED)
		lookup_cancel(slot);
	return e;
}

long net_resolve_srv(struct proto_ctx *ctx, const struct net_resolve_req *q, struct net_resolve_rep *r)
{
	unsigned slot = 0;

	return lookup_wait(ctx, lookup_resolve(q->name, &r->addr, &slot), slot, q->wait_ms, r);
}

long net_ping_srv(struct proto_ctx *ctx, const struct net_ping_req *q, struct net_ping_rep *r)
{
	unsigned slot = 0;

	return lookup_wait(ctx, lookup_ping(q, &slot), slot, q->wait_ms, r);
}

/* The lookups whose caller died are dropped with its waiter: free their
 * slots. */
static void lookups_reap(void)
{
	for (unsigned i = 0; i < LOOKUP_MAX; i++)
		if (lookup_busy(i) && !proto_waiter_next(NULL, TAG_LOOKUP | i))
			lookup_cancel(i);
}

/* Tries waiter w's call again: true when it was answered. */
static bool waiter_try(struct proto_waiter *w, uint64_t now)
{
	union {
		struct net_accept_rep a;
		struct net_addr_rep n;
		struct net_send_rep s;
		struct net_recv_rep r;
		struct net_poll_rep p;
		struct net_resolve_rep d;
		struct net_ping_rep g;
	} rep = { 0 };
	bool expired = now >= w->pw_data[1];
	struct net_sock *s = NULL;
	size_t n = 0;
	long e;

	if (w->pw_data[0] == WAIT_LOOKUP) {
		e = lookup_answer((unsigned)w->pw_data[3], &rep, expired);
		if (e == SOCK_WOULD_BLOCK)
			return false;
		proto_answer(w, e, &rep);
		return true;
	}
	if (w->pw_data[0] == WAIT_POLL) {
		struct poll_rec *p = &polls[w->pw_data[3]];

		rep.p.ready = poll_check(p->pr_badge, &p->pr_req, &rep.p);
		if (!rep.p.ready && !expired)
			return false;
		p->pr_used = false;
		proto_answer(w, 0, &rep);
		return true;
	}
	s = table_sock_by_handle(&table, w->pw_data[2]);
	if (!s) { /* cannot be: closing a socket answers its waiters */
		proto_answer(w, NET_ERROR(EBADF), NULL);
		return true;
	}
	switch (w->pw_data[0]) {
	case WAIT_ACCEPT:
		e = accept_try(s, &rep.a);
		break;
	case WAIT_CONNECT:
		e = sock_connected(s);
		if (e == 0)
			sock_name(s, 0, &rep.n.addr);
		else if (e == SOCK_WOULD_BLOCK && expired)
			e = NET_ERROR(ETIMEDOUT);
		break;
	case WAIT_SEND:
		e = sock_send(s, w->pw_lease, w->pw_lease_len, &(struct net_addr){ 0 }, &n);
		rep.s.sent = n;
		break;
	default:
		e = sock_recv(s, w->pw_lease, w->pw_lease_len, (unsigned)w->pw_data[3], &n, &rep.r.from);
		rep.r.len = n;
		break;
	}
	if (e == SOCK_WOULD_BLOCK && !expired)
		return false;
	proto_answer(w, e == SOCK_WOULD_BLOCK ? NET_ERROR(EAGAIN) : e, &rep);
	return true;
}

/* Answers the waiters that can be answered: those of changed sockets (or
 * of clients with a changed socket, for polls), and those whose deadline
 * passed. */
static void waiters_run(uint64_t now)
{
	struct proto_waiter cursor = { .pw_seq = 0 }, *w;
	uint64_t earliest = NET_WAIT_FOREVER;

	while ((w = proto_waiter_next(&cursor, PROTO_ANY_TAG))) {
		bool look = now >= w->pw_data[1];

		cursor.pw_seq = w->pw_seq;
		if (w->pw_data[0] == WAIT_LOOKUP) {
			look = look || lookup_done((unsigned)w->pw_data[3]);
		} else if (w->pw_data[0] == WAIT_POLL) {
			struct net_client *c = table_client(&table, polls[w->pw_data[3]].pr_badge);

			look = look || !c || c->nc_dirty;
		} else {
			struct net_sock *s = table_sock_by_handle(&table, w->pw_data[2]);

			look = look || !s || s->ns_dirty;
		}
		if (look && waiter_try(w, now))
			continue;
		if (w->pw_data[1] < earliest)
			earliest = w->pw_data[1];
	}
	next_deadline = earliest;
	for (unsigned i = 0; i < NET_SOCKETS; i++)
		table.nt_socks[i].ns_dirty = false;
	for (unsigned i = 0; i < NET_CLIENTS; i++)
		table.nt_clients[i].nc_dirty = false;
}

uint64_t net_srv_work(uint64_t now)
{
	bool clients = false;

	if (now >= next_reap) {
		next_reap = now + NET_REAP_MS;
		clients_reap();
		lookups_reap();
	}
	if (sock_changed_any || now >= next_deadline) {
		sock_changed_any = false;
		waiters_run(now);
	}
	for (unsigned i = 0; i < NET_CLIENTS && !clients; i++)
		clients = table.nt_clients[i].nc_badge != 0;
	/* The next look at the clients, while there are some. */
	return clients && next_reap < next_deadline ? next_reap : next_deadline;
}

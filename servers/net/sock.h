/* Sockets on lwIP's raw API: what each call of the protocol does to a
 * socket's pcb, and lwIP's callbacks, which only record what happened
 * (queue data, note an error) and mark the socket changed; the server
 * (net_srv.c) then answers the calls waiting on it. Nothing here blocks
 * or answers a call.
 *
 * Who owns a pcb (the rule lwIP's raw API sets, and where ports go wrong):
 * a socket holds its pcb in ns_pcb until one of
 *   - lwIP's tcp_err callback: lwIP has freed the pcb already (a reset, a
 *     timeout, an abort); the callback sets ns_pcb to NULL and nothing
 *     may touch the pcb again;
 *   - the socket's own close or abort: the callbacks are taken off the
 *     pcb before tcp_close or tcp_abort, so lwIP calls nothing of ours
 *     while it frees it (tcp_abort calls tcp_err), and ns_pcb is NULL
 *     after;
 *   - the end of stream after a shutdown of the sending side: the pcb is
 *     in TIME_WAIT or on its way there, and lwIP frees TIME_WAIT pcbs
 *     without a tcp_err, so the socket lets go of it then (tcp_close, a
 *     no-op in those states, hands it to lwIP).
 * Every function below checks ns_pcb before using it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "table.h"

enum sock_state {
	SOCK_NEW,        /* no address yet */
	SOCK_BOUND,      /* bound */
	SOCK_LISTEN,     /* TCP: listening; ns_pcb is a tcp_pcb_listen */
	SOCK_CONNECTING, /* TCP: SYN sent */
	SOCK_CONNECTED,  /* TCP: established (or closing); UDP: has a peer */
	SOCK_PENDING,    /* TCP: established, in its listener's queue for accept */
	SOCK_CLOSED,     /* TCP: the connection is over and lwIP freed the pcb */
};

#define SOCK_F_REUSEADDR 0x01
#define SOCK_F_NODELAY   0x02
#define SOCK_F_KEEPALIVE 0x04
#define SOCK_F_LINGER0   0x08
#define SOCK_F_EOF       0x10 /* TCP: the peer ended its direction */
#define SOCK_F_SHUT_RD   0x20
#define SOCK_F_SHUT_WR   0x40
#define SOCK_F_REPORTED  0x80  /* TCP: the error that closed it was answered once */
#define SOCK_F_QUEUED    0x100 /* TCP: in its listener's queue (ns_listener) */

/* What a call that cannot be done yet returns (never sent: the server
 * waits, or answers EAGAIN). */
#define SOCK_WOULD_BLOCK 1

/* The table the callbacks allocate accepted sockets from. */
void sock_init(struct net_table *t);

/* Set by every callback that changed a socket; net_srv.c clears it. */
extern bool sock_changed_any;

/* Makes s's pcb (s has its type): 0, or NET_ERROR(ENOBUFS). */
long sock_open(struct net_sock *s);

long sock_bind(struct net_sock *s, const struct net_addr *a, struct net_addr *bound);
long sock_listen(struct net_sock *s, unsigned backlog);

/* The oldest connection waiting on listener s: 0 with *out (now
 * connected, the caller's), or SOCK_WOULD_BLOCK, or an error. */
long sock_accept(struct net_sock *s, struct net_sock **out);

/* Starts a connection (TCP: SOCK_WOULD_BLOCK while it is being made;
 * UDP: sets the peer at once). sock_connected then tells how it went. */
long sock_connect(struct net_sock *s, const struct net_addr *a);
long sock_connected(struct net_sock *s);

/* Queues up to len bytes of buf (UDP: sends one datagram to *to, or the
 * peer when to->port is 0): 0 with *sent, SOCK_WOULD_BLOCK or an error. */
long sock_send(struct net_sock *s, const uint8_t *buf, size_t len, const struct net_addr *to, size_t *sent);

/* Takes up to len bytes (UDP: one datagram) into buf: 0 with *got (0: the
 * end of the stream) and the sender, SOCK_WOULD_BLOCK or an error. */
long sock_recv(struct net_sock *s, uint8_t *buf, size_t len, unsigned flags, size_t *got,
               struct net_addr *from);

long sock_shutdown(struct net_sock *s, unsigned how);
long sock_name(struct net_sock *s, int peer, struct net_addr *a);
long sock_setopt(struct net_sock *s, unsigned opt, uint64_t value);
long sock_getopt(struct net_sock *s, unsigned opt, uint64_t *value);

/* NET_POLL* bits that hold now. */
unsigned sock_events(struct net_sock *s);

/* Lets go of everything s holds (its pcb closed, or reset with
 * NET_OPT_LINGER0 or when abort is set; its queues; a listener's
 * connections not accepted, freed from the table too). The caller frees
 * s's slot. */
void sock_release(struct net_sock *s, int abort);

/* The network server's tables: its clients and their sockets, and the
 * handles that name them. Pure logic, no lwIP and no IPC, so the host
 * tests (tests/host/test_net_table.c) run it as it is.
 *
 * A client is a badge (the supervisor's, one per manifest block) with a
 * session, the client's own generation: when a socket call comes with a
 * new session, the client restarted, and the server frees what the old
 * one held (servers/net/net_srv.c). A socket belongs to one client; its
 * handle is the server's generation, the slot's serial number (bumped at
 * every allocation, so a handle of a freed slot never names its next
 * use) and the slot's index. Every field here is touched by the server's
 * one thread only. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/proto/net.h>

#define NET_DGRAM_QUEUE 8 /* datagrams a UDP socket keeps; more are dropped */

struct net_client {
	uint64_t nc_badge;   /* 0: a free entry */
	uint64_t nc_session; /* the client's generation, from its socket calls */
	unsigned nc_sockets; /* sockets it holds */
	bool nc_dirty;       /* one of its sockets changed: its polls look again */
};

/* What the server keeps of a socket. The table owns ns_used, ns_serial
 * and ns_client; sock.c the rest (its lwIP pcb, queues and state). */
struct net_sock {
	bool ns_used;
	uint16_t ns_serial;
	uint8_t ns_client; /* index into nt_clients */
	uint8_t ns_type;   /* NET_TCP or NET_UDP */
	uint8_t ns_state;  /* enum sock_state (sock.h) */
	bool ns_dirty;     /* changed since the waiters last looked */
	uint16_t ns_flags; /* SOCK_F_* (sock.h) */
	int ns_error;      /* a pending errno (NET_OPT_ERROR), 0: none */
	void *ns_pcb;      /* lwIP's tcp_pcb or udp_pcb; NULL once lwIP freed it */
	void *ns_rx;       /* TCP: received pbufs not read yet */
	/* A listener's connections not accepted yet: indexes, in order. */
	uint8_t ns_backlog, ns_npending;
	uint16_t ns_pending[NET_BACKLOG_MAX];
	uint16_t ns_listener; /* an accepted socket's listener, while pending */
	/* UDP: datagrams received, a ring of their pbufs and senders. */
	uint8_t ns_dgram_head, ns_dgram_count;
	void *ns_dgram[NET_DGRAM_QUEUE];
	struct net_addr ns_dgram_from[NET_DGRAM_QUEUE];
};

struct net_table {
	uint64_t nt_generation;
	struct net_client nt_clients[NET_CLIENTS];
	struct net_sock nt_socks[NET_SOCKETS];
};

void table_init(struct net_table *t, uint64_t generation);

/* The client with badge, or NULL. */
struct net_client *table_client(struct net_table *t, uint64_t badge);

/* A new entry for badge with session: 0, or NET_ERROR(ENFILE) when
 * NET_CLIENTS clients hold sockets already, or NET_ERROR(EACCES) for
 * badge 0 (a capability the supervisor did not badge names no client). */
long table_client_add(struct net_table *t, uint64_t badge, uint64_t session, struct net_client **c);

/* A new socket of client c: 0, or NET_ERROR(EMFILE) (c holds
 * NET_SOCKETS_PER_CLIENT) or NET_ERROR(ENFILE) (the table is full). The
 * socket's own fields are zero, its type set. */
long table_sock_alloc(struct net_table *t, struct net_client *c, unsigned type, struct net_sock **s);

/* Frees s; its client's entry goes with its last socket. */
void table_sock_free(struct net_table *t, struct net_sock *s);

/* The handle of s. */
uint64_t table_handle(const struct net_table *t, const struct net_sock *s);

/* The socket handle names for the client with badge: 0, or
 * NET_ERROR(ESTALE) (a handle of another generation of the server) or
 * NET_ERROR(EBADF) (no such socket, or not the caller's). */
long table_sock_get(struct net_table *t, uint64_t badge, uint64_t handle, struct net_sock **s);

/* The socket handle names, whoever holds it, or NULL (a waiter's socket,
 * which may have been closed meanwhile). */
struct net_sock *table_sock_by_handle(struct net_table *t, uint64_t handle);

/* The client's sockets one after another: the first after `after` (NULL:
 * from the start), or NULL. */
struct net_sock *table_sock_next(struct net_table *t, const struct net_client *c,
                                 const struct net_sock *after);

/* The client that holds s. */
struct net_client *table_owner(struct net_table *t, const struct net_sock *s);

/* The index of s in the table (for lists of sockets and waiters' tags). */
unsigned table_index(const struct net_table *t, const struct net_sock *s);

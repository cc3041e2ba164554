/* The network service (servers/net/): TCP and UDP sockets over IPv4 on
 * lwIP, one single-threaded server for every client. The C library's
 * socket calls (libc-glue/net_glue.c) are its client; docs/servers.md
 * describes the server, docs/libc.md the calls.
 *
 * Sockets are named by handles the server gives out (socket, accept). A
 * handle is good only for the client that got it (its badge) and only in
 * the server's generation that made it (NET_HANDLE_GENERATION): a socket
 * dies with the server, and after a restart every older handle answers
 * NET_ERROR(ESTALE). The client library then makes its bound and
 * listening sockets again in the new generation and reports ECONNRESET
 * for the connections that were open.
 *
 * Calls that must wait (accept, connect, send with a full send buffer,
 * recv, poll) carry wait_ms: NET_WAIT_NONE answers at once (EAGAIN, or
 * EINPROGRESS for connect), NET_WAIT_FOREVER waits until the call can be
 * done, anything else at most that many milliseconds (then EAGAIN, or
 * ETIMEDOUT for connect). The server never blocks: it keeps the call and
 * answers it later (proto_defer).
 *
 * send and recv move their bytes through a lease of the caller's buffer,
 * up to NET_IO_MAX a call. send answers once some of the bytes are in the
 * send buffer (how many: the caller sends the rest); for UDP it sends one
 * datagram of the whole lease. recv answers what has arrived, at least
 * one byte, or 0 at the end of the stream; for UDP one datagram,
 * truncated to the lease.
 *
 * Every operation is idempotent: the server's state dies with it, so a
 * call cut off by a crash and repeated reaches a server that either makes
 * a fresh socket (socket) or refuses the old handle (ESTALE). The stubs
 * repeat them.
 *
 * Errors are POSIX errnos (the C library's <errno.h>) as NET_ERROR(errno),
 * in their own range below the kernel's, the protocol's and the
 * filesystem's; net_errno() reads them back. */
#pragma once

#include <stdint.h>

#include <kestrel/protocols.h>

#define NET_SERVICE "net"

#define NET_ERRNO_BASE   2000
#define NET_ERROR(errno) (-(NET_ERRNO_BASE + (long)(errno)))

/* The errno an answer carries, or 0 if it is not a network error. */
static inline int net_errno(long e)
{
	return e <= -NET_ERRNO_BASE && e > -2 * NET_ERRNO_BASE ? (int)(-e - NET_ERRNO_BASE) : 0;
}

/* The server's bounds: more sockets than NET_SOCKETS_PER_CLIENT for one
 * client answer EMFILE, more than NET_SOCKETS in all or more than
 * NET_CLIENTS clients with sockets ENFILE. */
#define NET_CLIENTS            16
#define NET_SOCKETS            128
#define NET_SOCKETS_PER_CLIENT 32
#define NET_BACKLOG_MAX        16         /* connections a listener holds for accept */
#define NET_IO_MAX             (64 << 10) /* bytes one send or recv moves */
#define NET_POLL_MAX           NET_SOCKETS_PER_CLIENT

#define NET_WAIT_NONE    0ULL
#define NET_WAIT_FOREVER (~0ULL)

/* A handle: the server's generation, a serial number of the slot's use
 * and the slot. Clients keep it whole and read only the generation. */
#define NET_HANDLE_GENERATION(h) ((uint64_t)(h) >> 32)

/* socket's types */
#define NET_TCP 1
#define NET_UDP 2

/* An IPv4 address, in network byte order (as in_addr's s_addr), and a
 * port in host order. */
struct net_addr {
	uint32_t addr;
	uint16_t port;
	uint16_t unused;
};

/* Options (setopt, getopt). */
#define NET_OPT_REUSEADDR 1 /* 0/1: bind may take an address in TIME_WAIT */
#define NET_OPT_NODELAY   2 /* 0/1: TCP without Nagle's algorithm */
#define NET_OPT_KEEPALIVE 3 /* 0/1: TCP keepalive probes */
#define NET_OPT_LINGER0   4 /* 0/1: close resets the connection (RST) at once */
#define NET_OPT_ERROR     5 /* getopt only: the pending error (an errno), cleared */

/* Readiness (poll): the values of POSIX poll's bits. */
#define NET_POLLIN   0x01 /* data, end of stream, a connection to accept or an error */
#define NET_POLLOUT  0x04 /* room in the send buffer (or a connect ended) */
#define NET_POLLERR  0x08 /* a pending error */
#define NET_POLLHUP  0x10 /* the connection is over both ways */
#define NET_POLLNVAL 0x20 /* the handle names no socket of the caller's */

/* recv's flags */
#define NET_MSG_PEEK 1 /* leave the data queued */

/* shutdown's how */
#define NET_SHUT_RD   0
#define NET_SHUT_WR   1
#define NET_SHUT_RDWR 2

struct net_socket_req {
	uint64_t type;    /* NET_TCP or NET_UDP */
	uint64_t session; /* the client's generation: a new one frees the old one's sockets */
};
struct net_handle_rep {
	uint64_t handle;
};
struct net_handle_req {
	uint64_t handle;
};
struct net_none_rep {
	uint64_t unused;
};
struct net_bind_req {
	uint64_t handle;
	struct net_addr addr; /* port 0: an ephemeral one */
};
struct net_addr_rep {
	struct net_addr addr;
};
struct net_listen_req {
	uint64_t handle;
	uint64_t backlog; /* 1..NET_BACKLOG_MAX; larger is taken as the maximum */
};
struct net_accept_req {
	uint64_t handle;
	uint64_t wait_ms;
};
struct net_accept_rep {
	uint64_t handle;
	struct net_addr peer;
};
struct net_connect_req {
	uint64_t handle;
	struct net_addr addr;
	uint64_t wait_ms;
};
struct net_send_req {
	uint64_t handle;
	struct net_addr to; /* UDP: the destination (port 0: the connected peer); TCP: unused */
	uint64_t wait_ms;
};
struct net_send_rep {
	uint64_t sent;
};
struct net_recv_req {
	uint64_t handle;
	uint64_t flags; /* NET_MSG_PEEK */
	uint64_t wait_ms;
};
struct net_recv_rep {
	uint64_t len;
	struct net_addr from; /* UDP: the sender; TCP: the peer */
};
struct net_shutdown_req {
	uint64_t handle;
	uint64_t how;
};
struct net_name_req {
	uint64_t handle;
	uint64_t peer; /* 0: the local address, 1: the peer's */
};
struct net_opt_req {
	uint64_t handle;
	uint64_t opt;
	uint64_t value;
};
struct net_opt_rep {
	uint64_t value;
};
struct net_poll_req {
	uint64_t count; /* items used, 1..NET_POLL_MAX */
	uint64_t wait_ms;
	uint64_t handle[NET_POLL_MAX];
	uint16_t events[NET_POLL_MAX]; /* NET_POLLIN, NET_POLLOUT */
};
struct net_poll_rep {
	uint64_t ready; /* items with revents */
	uint16_t revents[NET_POLL_MAX];
};

/* socket: a new TCP or UDP socket (EMFILE, ENFILE, EPROTONOSUPPORT).
 * bind: its local address (EADDRINUSE, EADDRNOTAVAIL, EINVAL if bound).
 * listen: TCP only (EOPNOTSUPP), binds an ephemeral port if unbound.
 * accept: the next connection, a new socket of the caller's (EINVAL if
 *   not listening).
 * connect: TCP: answers once connected (ECONNREFUSED, ETIMEDOUT, EISCONN,
 *   EALREADY); UDP: sets the peer, at once.
 * send: TCP (ENOTCONN, EPIPE after shutdown, ECONNRESET) or UDP
 *   (EDESTADDRREQ, EMSGSIZE); the lease is the data.
 * recv: into the lease (ENOTCONN, ECONNRESET).
 * shutdown: stops a direction (ENOTCONN).
 * close: frees the socket; pending calls on it answer EBADF.
 * name: the local or the peer's address (ENOTCONN).
 * setopt, getopt: NET_OPT_* (ENOPROTOOPT).
 * poll: the readiness of up to NET_POLL_MAX of the caller's sockets;
 *   answers once one is ready or wait_ms passed (ready 0). */
#define NET_OPS(X)                                                                                     \
	X(net, socket, NET_BASE + 1, PROTO_IDEMPOTENT, struct net_socket_req, struct net_handle_rep)   \
	X(net, bind, NET_BASE + 2, PROTO_IDEMPOTENT, struct net_bind_req, struct net_addr_rep)         \
	X(net, listen, NET_BASE + 3, PROTO_IDEMPOTENT, struct net_listen_req, struct net_none_rep)     \
	X(net, accept, NET_BASE + 4, PROTO_IDEMPOTENT, struct net_accept_req, struct net_accept_rep)   \
	X(net, connect, NET_BASE + 5, PROTO_IDEMPOTENT, struct net_connect_req, struct net_addr_rep)   \
	X(net, send, NET_BASE + 6, PROTO_IDEMPOTENT | PROTO_LEASE_READ, struct net_send_req,           \
	  struct net_send_rep)                                                                         \
	X(net, recv, NET_BASE + 7, PROTO_IDEMPOTENT | PROTO_LEASE_WRITE, struct net_recv_req,          \
	  struct net_recv_rep)                                                                         \
	X(net, shutdown, NET_BASE + 8, PROTO_IDEMPOTENT, struct net_shutdown_req, struct net_none_rep) \
	X(net, close, NET_BASE + 9, PROTO_IDEMPOTENT, struct net_handle_req, struct net_none_rep)      \
	X(net, name, NET_BASE + 10, PROTO_IDEMPOTENT, struct net_name_req, struct net_addr_rep)        \
	X(net, setopt, NET_BASE + 11, PROTO_IDEMPOTENT, struct net_opt_req, struct net_opt_rep)        \
	X(net, getopt, NET_BASE + 12, PROTO_IDEMPOTENT, struct net_opt_req, struct net_opt_rep)        \
	X(net, poll, NET_BASE + 13, PROTO_IDEMPOTENT, struct net_poll_req, struct net_poll_rep)

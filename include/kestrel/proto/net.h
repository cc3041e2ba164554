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
 * Besides sockets: resolve asks lwIP's DNS resolver for a name's IPv4
 * address (the DNS servers are DHCP's), ping sends an ICMP echo request
 * and answers with the round trip, ifinfo and sockinfo describe the
 * interfaces and the sockets of every client (ifconfig and netstat).
 * resolve and ping wait like the socket calls, within their wait_ms.
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

#define NET_NAME_MAX 256  /* a host name's bytes, its NUL included */
#define NET_PING_MAX 1472 /* the data of an echo request: one Ethernet frame */

struct net_resolve_req {
	char name[NET_NAME_MAX]; /* NUL-terminated */
	uint64_t wait_ms;
};
struct net_resolve_rep {
	uint32_t addr; /* network byte order */
	uint32_t unused;
};
struct net_ping_req {
	uint32_t addr; /* network byte order */
	uint16_t seq;  /* the echo's sequence number, the caller's */
	uint16_t size; /* bytes of data after the ICMP header, 0..NET_PING_MAX */
	uint64_t wait_ms;
};
struct net_ping_rep {
	uint64_t rtt_us; /* from the request's sending to the reply's arrival */
	uint64_t ttl;    /* of the reply */
};

struct net_index_req {
	uint64_t index; /* the first entry wanted: 0, then the answer's index + 1 */
};

/* ifinfo's flags */
#define NET_IF_UP       0x01
#define NET_IF_LINK     0x02 /* the link is up */
#define NET_IF_LOOPBACK 0x04
#define NET_IF_DHCP     0x08 /* the address is DHCP's */
#define NET_IF_DEFAULT  0x10 /* the default route goes through it */

#define NET_IFNAME_MAX 8

struct net_ifinfo_rep {
	uint64_t index;
	char name[NET_IFNAME_MAX];       /* lo0, en0 */
	uint32_t addr, netmask, gateway; /* network byte order; 0: none */
	uint32_t dns;                    /* the resolver's first server (0: none): not the interface's */
	uint8_t mac[8];                  /* the first 6, on Ethernet */
	uint32_t mtu;
	uint32_t flags; /* NET_IF_* */
	uint64_t rx_packets, rx_bytes, rx_drops;
	uint64_t tx_packets, tx_bytes, tx_drops;
	uint64_t attaches; /* on a NIC: times attached to its driver (1 + its restarts seen) */
};

#define NET_STATE_MAX 16

struct net_sockinfo_rep {
	uint64_t index;                /* the socket's slot */
	uint64_t type;                 /* NET_TCP, NET_UDP */
	struct net_addr local, remote; /* remote 0: none */
	char state[NET_STATE_MAX];     /* TCP's (LISTEN, ESTABLISHED, ...); UDP: empty */
	uint64_t owner;                /* the client's manifest index (SUP_CLIENT_INDEX of its badge) */
	uint64_t session;              /* the client's generation */
	uint64_t rx_queued, tx_queued; /* bytes received not read; written, not acknowledged */
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
 *   answers once one is ready or wait_ms passed (ready 0).
 * resolve: a name's address, by DNS: ENOENT when it has none or no
 *   server answered (lwIP tries each server DNS_MAX_RETRIES times),
 *   ENETDOWN when no DNS server is known (no DHCP answer yet), EINVAL
 *   for a name without its NUL or too long, EAGAIN after wait_ms.
 * ping: an ICMP echo request to addr; answers when the reply came,
 *   ETIMEDOUT after wait_ms (at most 60 s), EHOSTUNREACH with no route.
 * ifinfo: the interface at index or the next one (E_NOT_FOUND past the
 *   last).
 * sockinfo: the socket in slot index or the next one used, whoever owns
 *   it (E_NOT_FOUND past the last). */
#define NET_OPS(X)                                                                                       \
	X(net, socket, NET_BASE + 1, PROTO_IDEMPOTENT, struct net_socket_req, struct net_handle_rep)     \
	X(net, bind, NET_BASE + 2, PROTO_IDEMPOTENT, struct net_bind_req, struct net_addr_rep)           \
	X(net, listen, NET_BASE + 3, PROTO_IDEMPOTENT, struct net_listen_req, struct net_none_rep)       \
	X(net, accept, NET_BASE + 4, PROTO_IDEMPOTENT, struct net_accept_req, struct net_accept_rep)     \
	X(net, connect, NET_BASE + 5, PROTO_IDEMPOTENT, struct net_connect_req, struct net_addr_rep)     \
	X(net, send, NET_BASE + 6, PROTO_IDEMPOTENT | PROTO_LEASE_READ, struct net_send_req,             \
	  struct net_send_rep)                                                                           \
	X(net, recv, NET_BASE + 7, PROTO_IDEMPOTENT | PROTO_LEASE_WRITE, struct net_recv_req,            \
	  struct net_recv_rep)                                                                           \
	X(net, shutdown, NET_BASE + 8, PROTO_IDEMPOTENT, struct net_shutdown_req, struct net_none_rep)   \
	X(net, close, NET_BASE + 9, PROTO_IDEMPOTENT, struct net_handle_req, struct net_none_rep)        \
	X(net, name, NET_BASE + 10, PROTO_IDEMPOTENT, struct net_name_req, struct net_addr_rep)          \
	X(net, setopt, NET_BASE + 11, PROTO_IDEMPOTENT, struct net_opt_req, struct net_opt_rep)          \
	X(net, getopt, NET_BASE + 12, PROTO_IDEMPOTENT, struct net_opt_req, struct net_opt_rep)          \
	X(net, poll, NET_BASE + 13, PROTO_IDEMPOTENT, struct net_poll_req, struct net_poll_rep)          \
	X(net, resolve, NET_BASE + 14, PROTO_IDEMPOTENT, struct net_resolve_req, struct net_resolve_rep) \
	X(net, ping, NET_BASE + 15, PROTO_IDEMPOTENT, struct net_ping_req, struct net_ping_rep)          \
	X(net, ifinfo, NET_BASE + 16, PROTO_IDEMPOTENT, struct net_index_req, struct net_ifinfo_rep)     \
	X(net, sockinfo, NET_BASE + 17, PROTO_IDEMPOTENT, struct net_index_req, struct net_sockinfo_rep)

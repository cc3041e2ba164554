/* Between the socket calls (net_glue.c), their options (sockopt.c) and
 * poll (poll.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/proto/net.h>

#include "fd.h"

/* A socket. The handle is read without the lock (a word); everything else
 * is written by the calls that own it and by restore, under the lock. */
struct socket {
	uint64_t so_handle;   /* the server's, of the generation in its top bits */
	int so_type;          /* SOCK_STREAM, SOCK_DGRAM */
	bool so_nonblock;     /* O_NONBLOCK */
	uint64_t so_rcvtimeo; /* ms; 0: none */
	uint64_t so_sndtimeo;
	unsigned so_opts; /* NET_OPT_* that are on, as bits (1 << opt) */
	bool so_bound;    /* so_local holds the address it has */
	struct net_addr so_local;
	bool so_listening;
	unsigned so_backlog;
	bool so_has_peer; /* UDP: connect set a peer (so_peer) */
	struct net_addr so_peer;
	bool so_connected; /* TCP: connecting, connected or accepted: not made again */
	int so_reset;      /* 0, SO_RESET_DUE (ECONNRESET not reported yet) or SO_RESET_TOLD */
	int so_lost;       /* the errno that made it again in vain (EADDRINUSE, ...) */
};

enum { SO_RESET_DUE = 1, SO_RESET_TOLD };

/* The socket fd names, held until fd_put(*f); NULL with errno EBADF or
 * ENOTSOCK. */
struct socket *net_sock_get(int fd, struct file **f);

/* Sets the protocol's option opt (NET_OPT_*) on so, and keeps it for a
 * restart: 0 or -1 with errno. */
int net_sock_setopt(struct socket *so, unsigned opt, int on);

/* The pending error of so (SO_ERROR), cleared: 0 with *err, or -1. */
int net_sock_error(struct socket *so, int *err);

/* The back end of socket descriptors. */
extern const struct fd_ops net_sock_ops;

/* poll over n sockets (the objects of descriptors with net_sock_ops):
 * asks the network server for their events (POLLIN, POLLOUT), waiting up
 * to wait_ms (NET_WAIT_FOREVER: no limit) for one. Fills revents; returns
 * how many have some, or -1 with errno. */
int net_glue_poll(void *const socks[], const short events[], short revents[], int n, uint64_t wait_ms);

/* getaddrinfo's resolver: name's IPv4 address (network byte order) from
 * the network server's DNS resolver, waiting up to NET_RESOLVE_WAIT_MS.
 * 0, or an EAI_* code: EAI_NONAME (no such name, or no server answered),
 * EAI_AGAIN (no DNS server known yet, or no answer in time), EAI_FAIL (no
 * network service). */
#define NET_RESOLVE_WAIT_MS 20000 /* lwIP gives up on each of 2 servers in 7 s */
int net_glue_resolve(const char *name, uint32_t *addr);

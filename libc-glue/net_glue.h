/* Between the socket calls (net_glue.c) and poll (poll.c). */
#pragma once

#include <stdint.h>

#include "fd.h"

/* The back end of socket descriptors. */
extern const struct fd_ops net_sock_ops;

/* poll over n sockets (the objects of descriptors with net_sock_ops):
 * asks the network server for their events (POLLIN, POLLOUT), waiting up
 * to wait_ms (NET_WAIT_FOREVER: no limit) for one. Fills revents; returns
 * how many have some, or -1 with errno. */
int net_glue_poll(void *const socks[], const short events[], short revents[], int n, uint64_t wait_ms);

/* poll (libc-glue/poll.c; picolibc has no <poll.h>): over sockets, the
 * console and files. */
#pragma once

struct pollfd {
	int fd;
	short events;
	short revents;
};

typedef unsigned long nfds_t;

#define POLLIN     0x001
#define POLLPRI    0x002 /* never reported */
#define POLLOUT    0x004
#define POLLERR    0x008
#define POLLHUP    0x010
#define POLLNVAL   0x020
#define POLLRDNORM 0x040 /* as POLLIN */
#define POLLWRNORM 0x100 /* as POLLOUT */

int poll(struct pollfd *fds, nfds_t n, int timeout_ms);

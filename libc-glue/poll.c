/* poll and select over the descriptor table: sockets, the console and
 * files together.
 *
 * Sockets are asked in one call to the network server, which answers when
 * one is ready or the time is up (it waits, the program sleeps). Files are
 * always ready. The console is asked whether a line waits (console_ready);
 * it has no way to wake the network server's waiting call, so with the
 * console among the descriptors the sockets are asked in slices of
 * POLL_SLICE_MS, the console between slices. */
#include <errno.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/time.h>

#include <kestrel/proto/net.h>

#include "fd.h"
#include "glue.h"
#include "net_glue.h"
#include "sleep.h"
#include "syscalls.h"

#define POLL_SLICE_MS 20
#define POLL_MAX      256 /* descriptors one poll takes */

static int fail(int err)
{
	errno = err;
	return -1;
}

/* POLLRDNORM and POLLWRNORM as the POLLIN and POLLOUT they mean here. */
static short wanted(short events)
{
	return (short)(events | (events & POLLRDNORM ? POLLIN : 0) | (events & POLLWRNORM ? POLLOUT : 0));
}

static short given(short events, short ev)
{
	ev |= (short)((ev & POLLIN) && (events & POLLRDNORM) ? POLLRDNORM : 0);
	ev |= (short)((ev & POLLOUT) && (events & POLLWRNORM) ? POLLWRNORM : 0);
	return (short)(ev & (events | POLLERR | POLLHUP | POLLNVAL));
}

/* One look at every descriptor: the sockets wait up to wait_ms (when
 * nothing else is ready). How many are ready, or -1. */
static int poll_once(struct pollfd *fds, nfds_t n, struct file **files, uint64_t wait_ms)
{
	void *socks[POLL_MAX];
	short sev[POLL_MAX], srev[POLL_MAX];
	int map[POLL_MAX], nsocks = 0, ready = 0, r;

	for (nfds_t i = 0; i < n; i++) {
		const struct fd_ops *ops;
		short ev;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		if (!files[i]) {
			fds[i].revents = POLLNVAL;
			ready++;
			continue;
		}
		ops = fd_ops_of(files[i]);
		if (ops == &net_sock_ops) {
			map[nsocks] = (int)i;
			socks[nsocks] = fd_obj_of(files[i]);
			sev[nsocks++] = wanted(fds[i].events);
			continue;
		}
		ev = ops->fo_poll ? ops->fo_poll(fd_obj_of(files[i]), wanted(fds[i].events))
		                  : POLLIN | POLLOUT;
		fds[i].revents = given(fds[i].events, ev);
		ready += fds[i].revents != 0;
	}
	if (!nsocks)
		return ready;
	r = net_glue_poll(socks, sev, srev, nsocks, ready ? NET_WAIT_NONE : wait_ms);
	if (r < 0)
		return -1;
	for (int k = 0; k < nsocks; k++) {
		fds[map[k]].revents = given(fds[map[k]].events, srev[k]);
		ready += fds[map[k]].revents != 0;
	}
	return ready;
}

int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	struct file *files[POLL_MAX];
	uint64_t start = sys_clock_ms();
	int ready, others = 0, sockets = 0;

	if (n > POLL_MAX)
		return fail(EINVAL);
	for (nfds_t i = 0; i < n; i++) {
		files[i] = fds[i].fd >= 0 ? fd_get(fds[i].fd) : NULL;
		if (files[i] && fd_ops_of(files[i]) == &net_sock_ops)
			sockets++;
		else if (files[i] && fd_ops_of(files[i])->fo_poll)
			others++;
	}
	for (;;) {
		uint64_t waited = sys_clock_ms() - start, left, wait;

		left = timeout_ms < 0                   ? NET_WAIT_FOREVER
		       : waited >= (uint64_t)timeout_ms ? 0
		                                        : (uint64_t)timeout_ms - waited;
		/* Sockets alone: the server waits the whole time; with the
		 * console, in slices. */
		wait = others && left > POLL_SLICE_MS ? POLL_SLICE_MS : left;
		ready = poll_once(fds, n, files, wait);
		if (ready != 0 || left == 0)
			break;
		if (!sockets)
			sleep_ms(glue_pool_slot(), wait);
	}
	for (nfds_t i = 0; i < n; i++)
		if (files[i])
			fd_put(files[i]);
	return ready;
}

int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
	struct pollfd fds[FD_SETSIZE];
	nfds_t n = 0;
	int timeout = -1, ready = 0;

	if (nfds < 0 || nfds > FD_SETSIZE)
		return fail(EINVAL);
	if (tv) {
		if (tv->tv_sec < 0 || tv->tv_usec < 0)
			return fail(EINVAL);
		timeout = (int)(tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000);
	}
	for (int fd = 0; fd < nfds; fd++) {
		short ev = (short)((rd && FD_ISSET(fd, rd) ? POLLIN : 0) |
		                   (wr && FD_ISSET(fd, wr) ? POLLOUT : 0));

		if (ev || (ex && FD_ISSET(fd, ex)))
			fds[n++] = (struct pollfd){ fd, ev, 0 };
	}
	if (poll(fds, n, timeout) < 0)
		return -1;
	for (nfds_t i = 0; i < n; i++)
		if (fds[i].revents & POLLNVAL)
			return fail(EBADF);
	if (rd)
		FD_ZERO(rd);
	if (wr)
		FD_ZERO(wr);
	if (ex)
		FD_ZERO(ex);
	for (nfds_t i = 0; i < n; i++) {
		short ev = fds[i].revents;

		if (rd && (fds[i].events & POLLIN) && (ev & (POLLIN | POLLHUP | POLLERR))) {
			FD_SET(fds[i].fd, rd);
			ready++;
		}
		if (wr && (fds[i].events & POLLOUT) && (ev & (POLLOUT | POLLERR))) {
			FD_SET(fds[i].fd, wr);
			ready++;
		}
	}
	return ready;
}

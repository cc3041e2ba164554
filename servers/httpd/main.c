/* httpd: an HTTP/1.1 server of the files under /www on the ext2 disk,
 * on port 80 (servers/manifest.txt; docs/servers.md). A C-library
 * program: sockets over the network server, files over the filesystem
 * server, the Date header from the time service.
 *
 * One thread polls the listener and every connection together: the
 * network server answers one poll call for all of them, and each
 * connection (conn.c) is a small state machine on a non-blocking socket,
 * so no client, however slow, holds up another. Threads would each wait
 * in a call of their own in the network server, whose deferred calls
 * (64) and poll records (16) every client shares, and each need a stack;
 * what one thread does wait for is a file read, a short call to the
 * filesystem server (16 KiB at most, usually from its cache).
 *
 * Bounds: HTTPD_CONNS connections at once, each with its buffers and
 * deadlines (conn.h). When every slot is taken, the listener is left
 * out of poll and new connections wait in the network server's queue
 * (HTTPD_BACKLOG: the network server refuses more) until a slot is free, or until a connection
 * has been idle (no request begun) for HTTPD_EVICT_MS: then the one idle
 * longest is dropped for the newcomer. A burst of clients that each send
 * their request at once is served in turn; idle connections cannot hold
 * every slot.
 *
 * Restarts: when the network server crashes, the C library makes the
 * listener again in its next generation by itself (httpd is in poll
 * meanwhile; nothing here restarts); the connections open at the crash
 * report ECONNRESET and are closed. When httpd crashes, its next
 * instance's first socket call frees the old one's sockets, and it
 * listens again. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kestrel/proto/net.h>

#include "conn.h"
#include "glue.h"
#include "server.h"
#include "sleep.h"
#include "syscalls.h"

#define HTTPD_PORT    80
/* Connections served at once, and those the network server keeps for
 * accept meanwhile: a burst of clients arrives there before httpd can
 * accept any, so the queue is the network server's longest, and each
 * connection in it holds a socket of httpd's there; with the listener
 * they fill the NET_SOCKETS_PER_CLIENT it gives a client. It refuses
 * (resets) more. */
#define HTTPD_BACKLOG NET_BACKLOG_MAX
#define HTTPD_CONNS   (NET_SOCKETS_PER_CLIENT - 1 - HTTPD_BACKLOG)
_Static_assert(HTTPD_CONNS >= 8, "connections enough to serve");
#define LISTEN_TRIES 50 /* 100 ms apart: the port may still be the last instance's */
#define POLL_FAIL_MS 100

static struct conn conns[HTTPD_CONNS];

static int listen_on(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, err = 0;

	a.sin_addr.s_addr = htonl(INADDR_ANY);
	for (int i = 0; i < LISTEN_TRIES; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

		if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
		    bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(fd, HTTPD_BACKLOG) == 0)
			return fd;
		err = errno;
		if (fd >= 0)
			close(fd);
		sleep_ms(glue_pool_slot(), 100);
	}
	errno = err;
	return -1;
}

/* Whether a new connection would find a slot (a free one, or an idle
 * one to drop); if not, *until is brought forward to when an idle one
 * may be dropped. */
static bool room(uint64_t now, uint64_t *until)
{
	uint64_t first = UINT64_MAX;

	for (int i = 0; i < HTTPD_CONNS; i++) {
		if (conns[i].c_state == CONN_FREE || conn_idle_from(&conns[i]) <= now)
			return true;
		if (conn_idle_from(&conns[i]) < first)
			first = conn_idle_from(&conns[i]);
	}
	if (first < *until)
		*until = first;
	return false;
}

/* Takes the connections waiting on the listener while there is room.
 * Returns 0, or the errno of an accept that failed otherwise than for
 * want of a connection. */
static int accept_all(int lfd, uint64_t now)
{
	for (int k = 0; k < HTTPD_CONNS; k++) {
		struct conn *slot = NULL, *oldest = NULL;
		int fd;

		for (int i = 0; i < HTTPD_CONNS && !slot; i++) {
			struct conn *c = &conns[i];

			if (c->c_state == CONN_FREE)
				slot = c;
			else if (conn_idle_from(c) <= now &&
			         (!oldest || conn_idle_from(c) < conn_idle_from(oldest)))
				oldest = c;
		}
		if (!slot && !oldest)
			return 0;
		if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED ? 0 : errno;
		if (!slot) {
			conn_close(oldest);
			slot = oldest;
		}
		conn_open(slot, fd, now);
		conn_ready(slot, 0, now); /* the request may be here already */
	}
	return 0;
}

/* An accept failed with err: out of sockets (the network server's, or
 * ours), wait a little rather than spin on a listener that stays ready;
 * a listener that is broken (the network server could not make it again
 * after a restart: its port taken meanwhile) is made again. */
static int accept_failed(int lfd, int err)
{
	if (err == EMFILE || err == ENFILE || err == ENOMEM || err == ENOBUFS) {
		sleep_ms(glue_pool_slot(), POLL_FAIL_MS);
		return lfd;
	}
	printf("httpd: the listener failed (%s): listening again\n", strerror(err));
	close(lfd);
	if ((lfd = listen_on(HTTPD_PORT)) < 0) {
		printf("httpd: cannot listen on port %d: %s\n", HTTPD_PORT, strerror(errno));
		exit(1); /* the supervisor's policy decides what follows */
	}
	return lfd;
}

static void serve(int lfd)
{
	for (;;) {
		struct pollfd p[1 + HTTPD_CONNS];
		struct conn *who[1 + HTTPD_CONNS];
		uint64_t now = sys_clock_ms(), until = UINT64_MAX;
		int n = 0, timeout, err;

		if (room(now, &until)) {
			who[n] = NULL;
			p[n++] = (struct pollfd){ lfd, POLLIN, 0 };
		}
		for (int i = 0; i < HTTPD_CONNS; i++) {
			struct conn *c = &conns[i];

			if (c->c_state == CONN_FREE)
				continue;
			who[n] = c;
			p[n++] = (struct pollfd){ c->c_fd, conn_events(c), 0 };
			if (conn_deadline(c) < until)
				until = conn_deadline(c);
		}
		timeout = until == UINT64_MAX     ? -1
		          : until <= now          ? 0
		          : until - now > INT_MAX ? INT_MAX
		                                  : (int)(until - now);
		if (poll(p, (nfds_t)n, timeout) < 0) {
			/* The network server is gone; its next generation comes. */
			sleep_ms(glue_pool_slot(), POLL_FAIL_MS);
			continue;
		}
		now = sys_clock_ms();
		for (int i = 0; i < n; i++) {
			if (!p[i].revents)
				continue;
			if (who[i])
				conn_ready(who[i], p[i].revents, now);
			else if ((err = accept_all(lfd, now)) != 0)
				lfd = accept_failed(lfd, err);
		}
		for (int i = 0; i < HTTPD_CONNS; i++)
			conn_expire(&conns[i], now);
	}
}

int main(void)
{
	const struct server_info *si = server_self();
	struct stat st;
	int lfd;

	if (stat(HTTPD_ROOT, &st) < 0 || !S_ISDIR(st.st_mode))
		printf("httpd: no directory %s (%s): every request answers 404\n", HTTPD_ROOT,
		       stat(HTTPD_ROOT, &st) < 0 ? strerror(errno) : "not a directory");
	if ((lfd = listen_on(HTTPD_PORT)) < 0) {
		printf("httpd: cannot listen on port %d: %s\n", HTTPD_PORT, strerror(errno));
		return 1;
	}
	printf("httpd: serving %s on port %d (generation %lu)\n", HTTPD_ROOT, HTTPD_PORT,
	       si ? (unsigned long)si->si_generation : 0UL);
	fflush(stdout);
	server_ready();
	serve(lfd);
	return 0;
}

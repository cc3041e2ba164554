/* The network test (tests/qemu/netlo.sh): BSD sockets of the C library
 * over the network server on 127.0.0.1, in two roles of one binary.
 *
 * netecho: another client, a TCP and UDP echo server on port 7, one
 * thread polling its listener, its UDP socket and its connections; a
 * connection that sends "RST" is reset after a moment (SO_LINGER 0).
 *
 * nettest: the checks, one TAP line each: TCP echo through netecho on
 * several connections at once, UDP sendto/recvfrom, a listener of its
 * own with non-blocking connect and accept under poll and select,
 * SO_RCVTIMEO, O_NONBLOCK, the errors, connections reset while the
 * server holds their pcb (lwIP's tcp_err path), a crash of the network
 * server (listeners come back by themselves, open connections report
 * ECONNRESET), and netecho's sockets freed when it is killed. Ends QEMU. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <kestrel/error.h>
#include <kestrel/proto/supervisor.h>
#include <kestrel/qemu_exit.h>

#include "glue.h"
#include "io.h"
#include "server.h"
#include "sleep.h"

PROTO_CLIENT(SUP_OPS)

#define ECHO_PORT  7
#define LOCAL_PORT 5000
#define CONNS      8  /* connections to netecho at once */
#define SOCKS      24 /* sockets of one client at once */
#define TRIES      200

static unsigned n, failed;
static uint64_t gen0; /* the network server's generation at the start */

static void tap(int ok, const char *name, long detail)
{
	n++;
	failed += !ok;
	printf("%s %u - %s", ok ? "ok" : "not ok", n, name);
	if (!ok)
		printf(": got %ld (errno %d: %s)", detail, errno, strerror(errno));
	printf("\n");
}

static void nap(unsigned ms)
{
	sleep_ms(glue_pool_slot(), ms);
}

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

#define SA(a) ((struct sockaddr *)&(a))

/* A TCP connection to port, tried again while nobody listens yet. */
static int dial(uint16_t port)
{
	struct sockaddr_in a = loopback(port);

	for (int i = 0; i < TRIES; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0)
			return -1;
		if (connect(fd, SA(a), sizeof(a)) == 0)
			return fd;
		close(fd);
		if (errno != ECONNREFUSED)
			return -1;
		nap(20);
	}
	return -1;
}

/* Sends text and reads the same bytes back: 0 or -1. */
static int echo_once(int fd, const char *text)
{
	char got[256];
	size_t len = strlen(text), have = 0;

	if (send(fd, text, len, 0) != (ssize_t)len)
		return -1;
	while (have < len) {
		ssize_t r = recv(fd, got + have, sizeof(got) - have, 0);

		if (r <= 0)
			return -1;
		have += (size_t)r;
	}
	return have == len && memcmp(got, text, len) == 0 ? 0 : -1;
}

/* --- netecho -------------------------------------------------------------- */

static int echo_serve(void)
{
	struct pollfd p[2 + CONNS * 2];
	struct sockaddr_in a = loopback(ECHO_PORT);
	int one = 1, np = 2;
	char buf[2048];

	a.sin_addr.s_addr = htonl(INADDR_ANY);
	p[0] = (struct pollfd){ socket(AF_INET, SOCK_STREAM, 0), POLLIN, 0 };
	p[1] = (struct pollfd){ socket(AF_INET, SOCK_DGRAM, 0), POLLIN, 0 };
	setsockopt(p[0].fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(p[0].fd, SA(a), sizeof(a)) < 0 || listen(p[0].fd, 8) < 0 ||
	    bind(p[1].fd, SA(a), sizeof(a)) < 0) {
		printf("netecho: cannot listen: %s\n", strerror(errno));
		return 1;
	}
	server_ready();
	for (;;) {
		if (poll(p, (nfds_t)np, -1) < 0)
			continue;
		if ((p[0].revents & POLLIN) && np < (int)(sizeof(p) / sizeof(p[0]))) {
			int c = accept(p[0].fd, NULL, NULL);

			if (c >= 0)
				p[np++] = (struct pollfd){ c, POLLIN, 0 };
		}
		if (p[1].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t len = sizeof(from);
			ssize_t r = recvfrom(p[1].fd, buf, sizeof(buf), 0, SA(from), &len);

			if (r >= 0)
				sendto(p[1].fd, buf, (size_t)r, 0, SA(from), len);
		}
		for (int i = 2; i < np; i++) {
			ssize_t r;

			if (!p[i].revents)
				continue;
			r = recv(p[i].fd, buf, sizeof(buf), 0);
			if (r == 3 && memcmp(buf, "RST", 3) == 0) {
				struct linger l = { 1, 0 };

				nap(100); /* the client's recv is waiting in the server by now */
				setsockopt(p[i].fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
				r = 0;
			}
			if (r < 0) /* netnic.py looks for the reset of a crash */
				printf("netecho: a connection ended: %s\n", strerror(errno));
			if (r <= 0 || send(p[i].fd, buf, (size_t)r, 0) != r) {
				close(p[i].fd);
				p[i--] = p[--np];
			}
		}
	}
}

/* --- nettest -------------------------------------------------------------- */

static void names(void)
{
	struct in_addr in;
	char text[INET_ADDRSTRLEN];
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res = NULL;
	int e;

	tap(inet_pton(AF_INET, "127.0.0.1", &in) == 1 && in.s_addr == htonl(INADDR_LOOPBACK) &&
	            inet_pton(AF_INET, "256.1.1.1", &in) == 0 && inet_pton(AF_INET, "1.2.3", &in) == 0 &&
	            inet_pton(AF_INET, "01.2.3.4", &in) == 0,
	    "inet_pton_reads_dotted_quads_only", 0);
	in.s_addr = htonl(0xC0A80001);
	tap(inet_ntop(AF_INET, &in, text, sizeof(text)) && strcmp(text, "192.168.0.1") == 0 &&
	            !inet_ntop(AF_INET, &in, text, 8) && errno == ENOSPC &&
	            inet_addr("10.1") == htonl(0x0A000001),
	    "inet_ntop_and_inet_addr", 0);
	e = getaddrinfo("localhost", "7", &hints, &res);
	tap(e == 0 && res && !res->ai_next && res->ai_family == AF_INET && res->ai_socktype == SOCK_STREAM &&
	            ((struct sockaddr_in *)res->ai_addr)->sin_port == htons(7) &&
	            ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	    "getaddrinfo_knows_localhost", e);
	freeaddrinfo(res);
	/* No NIC here, so no DNS server from DHCP: the resolver cannot ask. */
	e = getaddrinfo("example.org", "80", NULL, &res);
	tap(e == EAI_AGAIN && getaddrinfo("10.0.0.1", "http", NULL, &res) == EAI_SERVICE &&
	            getaddrinfo("example.org", "80", &(struct addrinfo){ .ai_flags = AI_NUMERICHOST },
	                        &res) == EAI_NONAME,
	    "getaddrinfo_without_a_dns_server_is_a_temporary_failure", e);
}

/* Several connections to netecho at once, each written before any is
 * read. */
static void tcp_echo(void)
{
	int fds[CONNS], ok = 1;
	char text[CONNS][32];

	fds[0] = dial(ECHO_PORT);
	tap(fds[0] >= 0 && echo_once(fds[0], "hello, echo") == 0, "tcp_echo_through_another_client", fds[0]);
	for (int i = 1; i < CONNS; i++)
		fds[i] = dial(ECHO_PORT);
	for (int i = 0; i < CONNS; i++) {
		snprintf(text[i], sizeof(text[i]), "connection %d says hi", i);
		ok &= fds[i] >= 0 && send(fds[i], text[i], strlen(text[i]), 0) == (ssize_t)strlen(text[i]);
	}
	for (int i = CONNS - 1; i >= 0; i--) {
		char got[32] = { 0 };

		ok &= recv(fds[i], got, sizeof(got), 0) == (ssize_t)strlen(text[i]) &&
		      strcmp(got, text[i]) == 0;
	}
	tap(ok, "several_connections_at_once", 0);
	/* A big transfer: more than a window, both ways at once. */
	{
		static char out[100000], in[100000];
		size_t sent = 0, got = 0;
		int fl = fcntl(fds[0], F_GETFL);

		for (size_t i = 0; i < sizeof(out); i++)
			out[i] = (char)(i * 7 + i / 1000);
		fcntl(fds[0], F_SETFL, fl | O_NONBLOCK);
		while (got < sizeof(in)) {
			struct pollfd p = { fds[0], (short)(POLLIN | (sent < sizeof(out) ? POLLOUT : 0)), 0 };
			ssize_t r;

			if (poll(&p, 1, 5000) <= 0)
				break;
			if ((p.revents & POLLOUT) &&
			    (r = send(fds[0], out + sent, sizeof(out) - sent, 0)) > 0)
				sent += (size_t)r;
			if ((p.revents & POLLIN) && (r = recv(fds[0], in + got, sizeof(in) - got, 0)) > 0)
				got += (size_t)r;
		}
		fcntl(fds[0], F_SETFL, fl);
		tap(got == sizeof(in) && memcmp(in, out, sizeof(in)) == 0, "a_stream_larger_than_the_window",
		    (long)got);
	}
	for (int i = 0; i < CONNS; i++)
		close(fds[i]);
}

static void udp_echo(void)
{
	struct sockaddr_in to = loopback(ECHO_PORT), from, me;
	socklen_t len = sizeof(from), mlen = sizeof(me);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char got[64] = { 0 };
	ssize_t r = -1;

	for (int i = 0; fd >= 0 && i < 20 && r < 0; i++) {
		struct timeval tv = { 0, 200000 };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		sendto(fd, "datagram", 8, 0, SA(to), sizeof(to));
		r = recvfrom(fd, got, sizeof(got), 0, SA(from), &len);
	}
	getsockname(fd, SA(me), &mlen);
	tap(r == 8 && memcmp(got, "datagram", 8) == 0 && from.sin_port == htons(ECHO_PORT) &&
	            from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && me.sin_port != 0,
	    "udp_sendto_recvfrom", r);
	close(fd);
}

/* A listener of our own: non-blocking connect and accept under poll. */
static void local_pair(void)
{
	struct sockaddr_in a = loopback(LOCAL_PORT), peer, name;
	socklen_t plen = sizeof(peer), nlen = sizeof(name), elen = sizeof(int);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), s = -1;
	int one = 1, err = -1, r;
	struct pollfd p;
	fd_set rd;
	struct timeval tv = { 5, 0 };

	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	r = bind(l, SA(a), sizeof(a));
	if (r == 0)
		r = listen(l, 4);
	fcntl(l, F_SETFL, O_NONBLOCK);
	tap(r == 0 && accept(l, NULL, NULL) < 0 && errno == EAGAIN,
	    "nonblocking_accept_with_nothing_waits_not", r);
	r = connect(c, SA(a), sizeof(a));
	tap(r < 0 && errno == EINPROGRESS, "nonblocking_connect_is_in_progress", r);
	FD_ZERO(&rd);
	FD_SET(l, &rd);
	r = select(l + 1, &rd, NULL, NULL, &tv);
	tap(r == 1 && FD_ISSET(l, &rd), "select_sees_the_connection_to_accept", r);
	s = accept(l, SA(peer), &plen);
	p = (struct pollfd){ c, POLLOUT, 0 };
	r = poll(&p, 1, 5000);
	getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &elen);
	tap(s >= 0 && r == 1 && (p.revents & POLLOUT) && err == 0, "poll_sees_the_connect_finish", r);
	getsockname(c, SA(name), &nlen);
	tap(peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && peer.sin_port == name.sin_port &&
	            getpeername(s, SA(peer), &plen) == 0 && peer.sin_port == name.sin_port,
	    "getsockname_and_getpeername_agree", 0);
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	{
		struct timeval t = { 0, 100000 };
		char b[8];

		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof(t));
		r = (int)recv(s, b, sizeof(b), 0);
		tap(r < 0 && errno == EAGAIN, "so_rcvtimeo_expires", r);
		r = (int)recv(c, b, sizeof(b), 0);
		tap(r < 0 && errno == EAGAIN, "o_nonblock_recv_with_no_data", r);
	}
	/* poll over the console and a socket: the socket's data is seen. */
	{
		struct pollfd two[2] = { { 0, POLLIN, 0 }, { s, POLLIN, 0 } };

		send(c, "x", 1, 0);
		r = poll(two, 2, 5000);
		tap(r == 1 && two[1].revents == POLLIN && two[0].revents == 0,
		    "poll_over_the_console_and_a_socket", r);
	}
	close(c);
	close(s);
	close(l);
}

static void errors(void)
{
	struct sockaddr_in a = loopback(LOCAL_PORT + 1), b = loopback(LOCAL_PORT + 2);
	int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0),
	    u2 = socket(AF_INET, SOCK_DGRAM, 0), r;
	socklen_t len = sizeof(a);
	char c;

	r = connect(t, SA(a), sizeof(a));
	tap(r < 0 && errno == ECONNREFUSED, "connect_to_a_closed_port_is_refused", r);
	close(t);
	t = socket(AF_INET, SOCK_STREAM, 0);
	r = bind(u, SA(b), sizeof(b));
	r = r ? r : bind(u2, SA(b), sizeof(b));
	tap(r < 0 && errno == EADDRINUSE, "a_bound_port_is_in_use", r);
	r = (int)send(63, "x", 1, 0);
	tap(r < 0 && errno == EBADF, "a_closed_descriptor_is_ebadf", r);
	r = getpeername(t, SA(a), &len);
	tap(r < 0 && errno == ENOTCONN && send(t, "x", 1, 0) < 0 && errno == ENOTCONN,
	    "unconnected_is_enotconn", r);
	r = bind(t, SA(a), 3);
	tap(r < 0 && errno == EINVAL && listen(u, 1) < 0 && errno == EOPNOTSUPP, "bad_arguments_are_einval",
	    r);
	r = (int)recv(1, &c, 1, 0);
	tap(r < 0 && errno == ENOTSOCK && socket(AF_INET6, SOCK_STREAM, 0) < 0 && errno == EAFNOSUPPORT,
	    "not_a_socket_and_no_ipv6", r);
	close(t);
	close(u);
	close(u2);
}

static int many(void)
{
	int fds[SOCKS], ok = 1;

	for (int i = 0; i < SOCKS; i++) {
		fds[i] = socket(AF_INET, i % 2 ? SOCK_DGRAM : SOCK_STREAM, 0);
		ok &= fds[i] >= 0;
	}
	for (int i = 0; i < SOCKS; i++)
		close(fds[i]);
	tap(ok, "many_sockets_in_one_client", 0);
	return ok;
}

/* The generation of the network server, from the supervisor. */
static uint64_t net_generation(void)
{
	struct proto_client sup = { .pc_ep = server_self()->si_sup, .pc_retries = 1 };

	for (uint64_t i = 0;; i++) {
		struct sup_index_req q = { i };
		struct sup_list_rep r;

		if (sup_list(&sup, &q, &r) != E_OK)
			return 0;
		if (strcmp(r.name, "net") == 0)
			return r.generation;
	}
}

/* Our FIN first (shutdown), then theirs: our pcb goes to TIME_WAIT, where
 * lwIP frees pcbs without a tcp_err. A hundred connections closed after
 * it use up the pcbs, so lwIP kills the oldest TIME_WAIT one, ours, while
 * the socket is still open; its close (a reset: SO_LINGER 0) must leave
 * the pcb alone. Run first, so that no older TIME_WAIT pcb is killed
 * instead. */
static void time_wait(void)
{
	struct sockaddr_in a = loopback(LOCAL_PORT + 6);
	int l = socket(AF_INET, SOCK_STREAM, 0), one = 1, c, s, r;
	struct linger lg = { 1, 0 };
	char b[4];

	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	bind(l, SA(a), sizeof(a));
	listen(l, 4);
	c = dial(LOCAL_PORT + 6);
	s = accept(l, NULL, NULL);
	shutdown(c, SHUT_WR);
	r = (int)recv(s, b, sizeof(b), 0);
	close(s);
	r = r == 0 ? (int)recv(c, b, sizeof(b), 0) : -1;
	for (int i = 0; i < 100 && r == 0; i++) {
		int x = dial(LOCAL_PORT + 6), y = accept(l, NULL, NULL);

		close(x);
		close(y);
	}
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c);
	close(l);
	tap(r == 0 && net_generation() == gen0, "a_socket_shut_down_in_time_wait_outlives_its_pcb", r);
}

/* Connections reset while the server holds their pcb: lwIP frees the pcb
 * before its tcp_err callback runs, and the server must not free it
 * again (a double free stops lwIP with an assertion, the server then
 * restarts: the generation tells). */
static void resets(void)
{
	struct sockaddr_in a = loopback(LOCAL_PORT + 3);
	int l = socket(AF_INET, SOCK_STREAM, 0), one = 1, c, s, r;
	struct pollfd p;
	char b[16];

	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	bind(l, SA(a), sizeof(a));
	listen(l, 4);
	/* Closed with data unread: tcp_close sends RST. */
	c = dial(LOCAL_PORT + 3);
	s = accept(l, NULL, NULL);
	send(c, "unread", 6, 0);
	p = (struct pollfd){ s, POLLIN, 0 };
	poll(&p, 1, 5000);
	close(s);
	p = (struct pollfd){ c, POLLIN, 0 };
	poll(&p, 1, 5000);
	r = (int)recv(c, b, sizeof(b), 0);
	tap(r < 0 && errno == ECONNRESET && (p.revents & POLLERR), "closing_with_unread_data_resets_the_peer",
	    r);
	r = (int)send(c, "x", 1, 0);
	tap(r < 0 && errno == EPIPE && close(c) == 0, "a_reset_socket_sends_epipe_and_closes", r);
	/* SO_LINGER 0 on our side: our close resets at once. */
	c = dial(LOCAL_PORT + 3);
	s = accept(l, NULL, NULL);
	{
		struct linger lg = { 1, 0 };

		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(c);
	r = (int)recv(s, b, sizeof(b), 0);
	tap(r < 0 && errno == ECONNRESET && close(s) == 0, "linger_zero_close_resets", r);
	/* A reset while our recv waits in the server: netecho resets after a
	 * moment. */
	c = dial(ECHO_PORT);
	send(c, "RST", 3, 0);
	r = (int)recv(c, b, sizeof(b), 0);
	tap(r < 0 && errno == ECONNRESET && close(c) == 0, "a_reset_answers_a_waiting_recv", r);
	close(l);
	c = dial(ECHO_PORT);
	tap(c >= 0 && echo_once(c, "still here") == 0 && net_generation() == gen0,
	    "no_pcb_freed_twice_the_server_never_restarted", (long)net_generation());
	close(c);
}

static long crash_net(void)
{
	struct proto_client sup = { .pc_ep = server_self()->si_sup, .pc_retries = 1 };
	struct sup_name_req name = { "net" };
	struct sup_generation_rep gen;

	return sup_crash(&sup, &name, &gen);
}

/* A crash of the network server: our listener and our UDP socket come
 * back in the next generation by themselves, a connection that was open
 * reports ECONNRESET, and netecho, waiting in poll, serves again. */
static void crash(void)
{
	struct sockaddr_in a = loopback(LOCAL_PORT + 4), u = loopback(LOCAL_PORT + 5), from;
	int l = socket(AF_INET, SOCK_STREAM, 0), d = socket(AF_INET, SOCK_DGRAM, 0), one = 1, open, c, s, r;
	socklen_t len = sizeof(from);
	char b[16];
	long e;

	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	r = bind(l, SA(a), sizeof(a));
	r = r ? r : listen(l, 4);
	r = r ? r : bind(d, SA(u), sizeof(u));
	open = dial(ECHO_PORT);
	r = r ? r : echo_once(open, "before the crash");
	e = crash_net();
	tap(r == 0 && e == E_OK, "the_network_server_crashes", e ? e : r);
	c = dial(LOCAL_PORT + 4);
	s = accept(l, NULL, NULL);
	tap(c >= 0 && s >= 0 && net_generation() == gen0 + 1, "a_listener_accepts_after_the_crash_by_itself",
	    c < 0 ? c : s);
	r = (int)send(c, "ping", 4, 0);
	r = r == 4 ? (int)recv(s, b, sizeof(b), 0) : -1;
	tap(r == 4 && memcmp(b, "ping", 4) == 0, "the_new_connection_carries_data", r);
	r = (int)recv(open, b, sizeof(b), 0);
	tap(r < 0 && errno == ECONNRESET, "a_connection_open_at_the_crash_is_reset", r);
	r = (int)recv(open, b, sizeof(b), 0);
	tap(r == 0 && send(open, "x", 1, 0) < 0 && errno == EPIPE, "then_it_reads_eof_and_writes_epipe", r);
	{
		int t = socket(AF_INET, SOCK_DGRAM, 0);

		sendto(t, "again", 5, 0, SA(u), sizeof(u));
		r = (int)recvfrom(d, b, sizeof(b), 0, SA(from), &len);
		close(t);
	}
	tap(r == 5 && memcmp(b, "again", 5) == 0, "a_bound_udp_socket_receives_after_the_crash", r);
	c = dial(ECHO_PORT);
	tap(c >= 0 && echo_once(c, "after the crash") == 0, "another_clients_listener_came_back_too", c);
	close(c);
	close(open);
	close(s);
	close(l);
	close(d);
}

/* netecho killed (its block says restart never): the server learns it
 * is gone from the supervisor and frees its sockets, so port 7 is free. */
static void client_death(void)
{
	struct proto_client sup = { .pc_ep = server_self()->si_sup, .pc_retries = 1 };
	struct sup_name_req name = { "netecho" };
	struct sup_generation_rep gen;
	struct sockaddr_in a = loopback(ECHO_PORT);
	long e = sup_kill(&sup, &name, &gen);
	int fd = socket(AF_INET, SOCK_STREAM, 0), r = -1;

	for (int i = 0; e == E_OK && i < TRIES && r < 0; i++) {
		r = bind(fd, SA(a), sizeof(a));
		if (r < 0)
			nap(50);
	}
	tap(e == E_OK && r == 0, "a_dead_clients_sockets_are_freed", e ? e : r);
	close(fd);
}

int main(void)
{
	if (strcmp(server_self()->si_name, "netecho") == 0)
		return echo_serve();
	gen0 = net_generation();
	names();
	time_wait();
	tcp_echo();
	udp_echo();
	local_pair();
	errors();
	many();
	resets();
	crash();
	client_death();
	printf("1..%u\nnettest: %u passed, %u failed\n", n, n - failed, failed);
	fflush(stdout);
	outl(QEMU_EXIT_PORT, failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	return 0;
}

/* The shell's network commands, on the C library's sockets and
 * getaddrinfo: nc, the terminal on a TCP connection or on UDP datagrams,
 * and host, a name's addresses.
 *
 * nc reads the console raw (console_mode), as the shell does for its
 * own line, and edits what is typed with the shell's editor (edit.c): a
 * line goes out when Enter ends it; Ctrl-D on an empty line or Ctrl-C
 * ends nc, and so does the peer's close. One poll waits for both the
 * keys and the socket, so it never sits in a call that typing cannot
 * end: connecting is bounded by NC_CONNECT_MS, each send by NC_SEND_MS,
 * and waiting for a peer (-l) lasts until one comes or a key ends it.
 *
 * What arrives is printed as it comes. A line being typed meanwhile is
 * taken off the screen, the bytes printed, and the line drawn again after
 * them; the received line not yet ended is the editor's prompt, so the
 * editor's drawing (which starts from the prompt's column 0) matches the
 * screen. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <kestrel/proto/console.h>

#include "edit.h"
#include "shell.h"

#define NC_CONNECT_MS 10000 /* a TCP connect */
#define NC_SEND_MS    10000 /* a send the peer takes nothing of */
#define NC_TAIL_MAX   60    /* columns of a received line not yet ended kept as the prompt */
#define NC_PENDING    1024  /* bytes of lines typed before the peer is there */
#define NC_RECV_MAX   4096

enum nc_phase { NC_CONNECTING, NC_WAITING, NC_OPEN, NC_DONE };

struct nc {
	enum nc_phase n_phase;
	bool n_udp, n_listen;
	int n_fd;                     /* the socket (the listener while a TCP nc -l waits) */
	char n_tail[NC_TAIL_MAX + 1]; /* the received line not yet ended: the editor's prompt */
	bool n_dirty;                 /* the screen's row holds received bytes n_tail does not */
	char n_pending[NC_PENDING];
	size_t n_pending_len;
};

static struct edit ed; /* nc's own: the shell's keeps its line and history */

static void out(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);

		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static void outs(int fd, const char *s)
{
	out(fd, s, strlen(s));
}

static void draw(void)
{
	out(STDERR_FILENO, ed.e_out, ed.e_out_len);
	ed.e_out_len = 0;
}

/* The editor starts a line after what the screen's row already holds. */
static void edit_restart(struct nc *n)
{
	edit_start(&ed, n->n_tail);
	ed.e_out_len = 0; /* the prompt is on the screen already */
}

/* The received line not yet ended, after bytes were printed: kept as the
 * prompt when it is short and plain, else the row is dirty. */
static void tail_follow(struct nc *n, const char *s, size_t len)
{
	const char *nl = NULL;
	size_t have;

	for (size_t i = len; i > 0 && !nl; i--)
		if (s[i - 1] == '\n')
			nl = s + i - 1;
	have = nl ? 0 : strlen(n->n_tail);
	if (nl) {
		n->n_dirty = false;
		len -= (size_t)(nl + 1 - s);
		s = nl + 1;
	}
	for (size_t i = 0; i < len && !n->n_dirty; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			n->n_dirty = true;
	if (n->n_dirty || have + len > NC_TAIL_MAX ||
	    edit_width(s, len) + edit_width(n->n_tail, have) >= NC_TAIL_MAX) {
		n->n_dirty = true;
		n->n_tail[0] = '\0';
		return;
	}
	memcpy(n->n_tail + have, s, len);
	n->n_tail[have + len] = '\0';
}

/* Prints bytes that came (from the peer, to fd 1; a note of nc's own, to
 * fd 2) around the line being typed, which is drawn again after them. */
static void show(struct nc *n, int fd, const char *s, size_t len)
{
	char typed[EDIT_MAX + 1], up[16];
	bool was_typing = ed.e_len > 0;

	if (!len)
		return;
	if (fd == STDOUT_FILENO && !isatty(fd)) {
		out(fd, s, len); /* redirected to a file: the screen is untouched */
		return;
	}
	if (was_typing) {
		strcpy(typed, ed.e_line);
		if (ed.e_cur_rows) {
			snprintf(up, sizeof(up), "\x1b[%uA", ed.e_cur_rows);
			outs(STDERR_FILENO, up);
		}
		outs(STDERR_FILENO, "\r\x1b[J");
		outs(STDERR_FILENO, n->n_tail);
	}
	out(fd, s, len);
	tail_follow(n, s, len);
	if (was_typing && n->n_dirty) {
		outs(STDERR_FILENO, "\r\n");
		n->n_dirty = false;
	}
	edit_restart(n);
	for (size_t i = 0; was_typing && typed[i]; i++) {
		edit_key(&ed, (unsigned char)typed[i]);
		draw();
	}
}

static void note(struct nc *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct nc *n, const char *fmt, ...)
{
	char text[160];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (len > 0)
		show(n, STDERR_FILENO, text, (size_t)len < sizeof(text) ? (size_t)len : sizeof(text) - 1);
}

/* Sends bytes to the peer (a datagram of them, over UDP): false after
 * saying why it could not. */
static bool transmit(struct nc *n, const char *s, size_t len)
{
	if (send(n->n_fd, s, len, 0) == (ssize_t)len)
		return true;
	note(n, "nc: send: %s\n", strerror(errno));
	n->n_phase = NC_DONE;
	return false;
}

/* A line typed: to the peer, or kept until there is one. */
static void line_typed(struct nc *n, const char *line)
{
	size_t len = strlen(line);
	char buf[EDIT_MAX + 2];

	memcpy(buf, line, len);
	buf[len++] = '\n';
	if (n->n_phase == NC_OPEN) {
		transmit(n, buf, len);
	} else if (n->n_pending_len + len <= sizeof(n->n_pending)) {
		memcpy(n->n_pending + n->n_pending_len, buf, len);
		n->n_pending_len += len;
	} else {
		note(n, "nc: no peer yet, and %d bytes already wait for one: not sent\n", NC_PENDING);
	}
}

/* Keys typed: fed to the editor; a line goes out, Ctrl-C and Ctrl-D on
 * an empty line end nc. */
static void keys(struct nc *n)
{
	unsigned char in[64];
	ssize_t got = read(STDIN_FILENO, in, sizeof(in));

	if (got <= 0) {
		n->n_phase = NC_DONE; /* no console: nothing can end us later */
		return;
	}
	for (ssize_t i = 0; i < got && n->n_phase != NC_DONE; i++) {
		enum edit_result r;

		if (n->n_dirty && ed.e_len == 0) {
			/* A row of received bytes the editor cannot count: type on the next. */
			outs(STDERR_FILENO, "\r\n");
			n->n_dirty = false;
			edit_restart(n);
		}
		r = edit_key(&ed, in[i]);
		if (r == EDIT_EOF && !n->n_tail[0])
			ed.e_out_len = 0; /* the row is empty already: no blank line before the prompt */
		draw();
		if (r == EDIT_MORE)
			continue;
		n->n_tail[0] = '\0';
		if (r == EDIT_LINE)
			line_typed(n, ed.e_line);
		else if (r == EDIT_TOO_LONG)
			note(n, "nc: line too long (at most %d bytes): not sent\n", EDIT_MAX);
		else
			n->n_phase = NC_DONE; /* Ctrl-C, or Ctrl-D on an empty line */
		edit_restart(n);
	}
}

static const char *addr_text(const struct sockaddr_in *a, char *buf, size_t len)
{
	return inet_ntop(AF_INET, &a->sin_addr, buf, (socklen_t)len) ? buf : "?";
}

/* The peer is there: what was typed before goes to it. */
static void opened(struct nc *n)
{
	n->n_phase = NC_OPEN;
	if (n->n_pending_len)
		transmit(n, n->n_pending, n->n_pending_len);
	n->n_pending_len = 0;
}

/* The socket is ready in the phase nc is in. */
static void socket_ready(struct nc *n, const char *what)
{
	char buf[NC_RECV_MAX], addr[INET_ADDRSTRLEN];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from), elen = sizeof(int);
	ssize_t got;
	int err = 0, fd;

	switch (n->n_phase) {
	case NC_CONNECTING:
		if (getsockopt(n->n_fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			err = errno;
		if (err) {
			note(n, "nc: %s: %s\n", what, strerror(err));
			n->n_phase = NC_DONE;
		} else {
			note(n, "nc: connected to %s (Ctrl-D or Ctrl-C ends)\n", what);
			opened(n);
		}
		return;
	case NC_WAITING:
		if (!n->n_udp) {
			if ((fd = accept(n->n_fd, (struct sockaddr *)&from, &flen)) < 0)
				return;
			close(n->n_fd);
			n->n_fd = fd;
			note(n, "nc: connection from %s port %u\n", addr_text(&from, addr, sizeof(addr)),
			     ntohs(from.sin_port));
			opened(n);
			return;
		}
		got = recvfrom(n->n_fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
		if (got < 0 || connect(n->n_fd, (struct sockaddr *)&from, flen) < 0)
			return;
		note(n, "nc: datagrams from %s port %u\n", addr_text(&from, addr, sizeof(addr)),
		     ntohs(from.sin_port));
		show(n, STDOUT_FILENO, buf, (size_t)got);
		opened(n);
		return;
	case NC_OPEN:
		got = recv(n->n_fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (got > 0) {
			show(n, STDOUT_FILENO, buf, (size_t)got);
		} else if (got == 0 && !n->n_udp) {
			n->n_phase = NC_DONE; /* the peer closed */
		} else if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			note(n, "nc: %s\n", strerror(errno));
			n->n_phase = NC_DONE;
		}
		return;
	default:
		return;
	}
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Until nc is done: the keys and the socket, in one poll. */
static void nc_run(struct nc *n, const char *what)
{
	uint64_t deadline = now_ms() + NC_CONNECT_MS;

	while (n->n_phase != NC_DONE) {
		struct pollfd p[2] = { { STDIN_FILENO, POLLIN, 0 },
			               { n->n_fd, n->n_phase == NC_CONNECTING ? POLLOUT : POLLIN, 0 } };
		uint64_t now = now_ms();
		int r;

		if (n->n_phase == NC_CONNECTING && now >= deadline) {
			note(n, "nc: %s: %s\n", what, strerror(ETIMEDOUT));
			return;
		}
		r = poll(p, 2, n->n_phase == NC_CONNECTING ? (int)(deadline - now) : -1);
		if (r < 0) {
			note(n, "nc: poll: %s\n", strerror(errno));
			return;
		}
		if (p[0].revents)
			keys(n);
		if (p[1].revents && n->n_phase != NC_DONE)
			socket_ready(n, what);
	}
}

/* The socket for HOST PORT (connecting) or PORT (listening), what
 * naming them in messages: 0, or -1 after saying why not. */
static int nc_open(struct nc *n, const char *host, const char *port, const char *what)
{
	struct addrinfo hints = { .ai_family = AF_INET,
		                  .ai_socktype = n->n_udp ? SOCK_DGRAM : SOCK_STREAM,
		                  .ai_flags = n->n_listen ? AI_PASSIVE : 0 },
	                *res;
	struct timeval tv = { NC_SEND_MS / 1000, 0 };
	int e = getaddrinfo(host, port, &hints, &res), one = 1;

	if (e) {
		printf("nc: %s: %s\n", what, e == EAI_SYSTEM ? strerror(errno) : gai_strerror(e));
		return -1;
	}
	n->n_fd = socket(AF_INET, res->ai_socktype | SOCK_NONBLOCK, 0);
	if (n->n_fd < 0) {
		printf("nc: socket: %s\n", strerror(errno));
		freeaddrinfo(res);
		return -1;
	}
	setsockopt(n->n_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (n->n_listen) {
		setsockopt(n->n_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		e = bind(n->n_fd, res->ai_addr, res->ai_addrlen) < 0 || (!n->n_udp && listen(n->n_fd, 1) < 0);
		n->n_phase = NC_WAITING;
	} else {
		e = connect(n->n_fd, res->ai_addr, res->ai_addrlen) < 0 && errno != EINPROGRESS;
		n->n_phase = n->n_udp ? NC_OPEN : NC_CONNECTING;
	}
	freeaddrinfo(res);
	if (e) {
		printf("nc: %s: %s\n", what, strerror(errno));
		close(n->n_fd);
		return -1;
	}
	/* Sends wait (at most NC_SEND_MS); receives are polled for. */
	fcntl(n->n_fd, F_SETFL, 0);
	return 0;
}

/* nc [-u] HOST PORT | nc -l [-u] PORT */
void shell_cmd_nc(struct shell *sh, int argc, char **argv)
{
	static struct nc n;
	const char *word[2];
	char what[96];
	int words = 0;
	uint64_t port;

	(void)sh;
	n = (struct nc){ .n_fd = -1 };
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			for (const char *f = argv[i] + 1; *f; f++) {
				if (*f == 'l' || *f == 'u') {
					*(*f == 'l' ? &n.n_listen : &n.n_udp) = true;
				} else {
					printf("nc: unknown option -%c\nusage: nc [-u] HOST PORT | nc -l "
					       "[-u] PORT\n",
					       *f);
					return;
				}
			}
		} else if (words < 2) {
			word[words++] = argv[i];
		} else {
			words = 3;
		}
	}
	if (words != (n.n_listen ? 1 : 2)) {
		printf("nc: %s\n", words < (n.n_listen ? 1 : 2) ? "missing an argument" : "too many words");
		shell_usage("nc");
		return;
	}
	if (!shell_number("nc", word[words - 1], &port))
		return;
	if (port == 0 || port > 65535) {
		printf("nc: port %s: not between 1 and 65535\n", word[words - 1]);
		return;
	}
	snprintf(what, sizeof(what), "%s%sport %s", n.n_listen ? "" : word[0], n.n_listen ? "" : " ",
	         word[words - 1]);
	if (nc_open(&n, n.n_listen ? NULL : word[0], word[words - 1], what) < 0)
		return;
	fflush(stdout);
	shell_console_mode(CONSOLE_MODE_RAW);
	edit_init(&ed, 80, NULL, NULL);
	edit_restart(&n);
	/* Said once the keys come raw: what is typed after it is nc's. */
	if (n.n_listen)
		note(&n, "nc: waiting on %s (%s; Ctrl-C ends)\n", what, n.n_udp ? "UDP" : "TCP");
	else if (n.n_udp)
		note(&n, "nc: datagrams to %s (Ctrl-D or Ctrl-C ends)\n", what);
	nc_run(&n, what);
	close(n.n_fd);
	shell_console_mode(CONSOLE_MODE_LINE);
	if (n.n_tail[0] || n.n_dirty || ed.e_len)
		outs(STDERR_FILENO, "\r\n"); /* the prompt on a row of its own */
}

/* host NAME: every address getaddrinfo has for it. */
void shell_cmd_host(struct shell *sh, int argc, char **argv)
{
	struct addrinfo hints = { .ai_family = AF_INET,
		                  .ai_socktype = SOCK_STREAM,
		                  .ai_flags = AI_CANONNAME },
	                *res;
	const char *name = argv[1];
	int e = getaddrinfo(name, NULL, &hints, &res);

	(void)sh, (void)argc;
	if (e) {
		printf("host: %s: %s\n", name, e == EAI_SYSTEM ? strerror(errno) : gai_strerror(e));
		return;
	}
	if (res->ai_canonname && strcmp(res->ai_canonname, name) != 0) {
		printf("%s is an alias for %s\n", name, res->ai_canonname);
		name = res->ai_canonname;
	}
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		char text[INET_ADDRSTRLEN];
		bool seen = false;

		for (struct addrinfo *b = res; b != ai && !seen; b = b->ai_next)
			seen = memcmp(b->ai_addr, ai->ai_addr, sizeof(struct sockaddr_in)) == 0;
		if (!seen)
			printf("%s has address %s\n", name,
			       addr_text((const struct sockaddr_in *)ai->ai_addr, text, sizeof(text)));
	}
	freeaddrinfo(res);
}

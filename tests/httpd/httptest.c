/* The HTTP server's test (tests/qemu/httpd.sh): a client of httpd over
 * 127.0.0.1 port 80, on the site the script put into the disk image:
 *
 *   /www/index.html, /www/hello.txt, /www/big.bin (BIG_BYTES)
 *   /www/dir/ (no index.html): a.txt, "sp ace.txt", "<b>.txt", .hidden,
 *             sub/ (with an index.html)
 *   /www/escape -> /secret.txt, /www/escdir -> /   (symbolic links)
 *   /secret.txt                                    (outside the root)
 *
 * Each check is one TAP line: what a GET and a HEAD of a file answer (the
 * bytes compared with the file read through the filesystem), a directory
 * listed and one redirected to its '/', 404, 400, 405, 414, 431, every
 * way out of the root refused, a request split over many writes,
 * keep-alive and pipelining, 28 connections at once (more than httpd
 * has slots), a slow client and
 * an idle one dropped without holding up the others, a flood of idle
 * connections, a large file streamed whole by a server whose memory is
 * smaller than it, then a crash of the network server (httpd serves again,
 * the same instance) and of httpd itself (its next instance serves).
 * Every wait is bounded (SO_RCVTIMEO, poll's timeout, TRIES). Ends QEMU. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

#define HTTP_PORT 80
#define TRIES     300          /* connects refused while httpd is not listening, 20 ms apart */
#define WAIT_MS   30000        /* the longest any answer may take */
#define BIG_BYTES (4 << 20)    /* /www/big.bin, more than httpd's memory quota */
#define HEAD_MAX  16384        /* a response head the test reads */
#define CONNS     28           /* connections at once: more than httpd's 15 slots */
#define FLOOD     26           /* idle connections: more than httpd's 15 slots */
#define SECRET    "TOP SECRET" /* /secret.txt's text: never in an answer */

static unsigned n, failed;

static void tap(int ok, const char *name, const char *why)
{
	n++;
	failed += !ok;
	printf("%s %u - %s%s%s\n", ok ? "ok" : "not ok", n, name, ok ? "" : ": ", ok ? "" : why);
}

static void nap(unsigned ms)
{
	sleep_ms(glue_pool_slot(), ms);
}

/* A connection to httpd, every recv bounded by WAIT_MS; tried again
 * while nobody listens (a restart). -1 if none came. */
static int dial(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(HTTP_PORT) };
	struct timeval tv = { WAIT_MS / 1000, 0 };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < TRIES; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0)
			return -1;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			return fd;
		close(fd);
		if (errno != ECONNREFUSED && errno != ECONNRESET && errno != ETIMEDOUT)
			return -1;
		nap(20);
	}
	return -1;
}

static int send_text(int fd, const char *text)
{
	size_t len = strlen(text);

	return send(fd, text, len, 0) == (ssize_t)len ? 0 : -1;
}

/* A response as read: its head (NUL-terminated), status, Content-Length
 * (-1: none) and body (in r_body, up to the buffer's size). */
struct response {
	char r_head[HEAD_MAX + 1];
	int r_status;
	long r_length;
	char *r_body;
	size_t r_body_len;
};

/* What arrived on a connection past the responses read so far. */
struct reader {
	int rd_fd;
	char rd_buf[HEAD_MAX];
	size_t rd_len;
};

static ssize_t reader_fill(struct reader *rd)
{
	ssize_t got = recv(rd->rd_fd, rd->rd_buf + rd->rd_len, sizeof(rd->rd_buf) - rd->rd_len, 0);

	if (got > 0)
		rd->rd_len += (size_t)got;
	return got;
}

/* The value of header name in head, or NULL. */
static const char *header(const char *head, const char *name, char *value, size_t len)
{
	size_t nlen = strlen(name);

	for (const char *l = strstr(head, "\r\n"); l && l[2]; l = strstr(l + 2, "\r\n")) {
		if (strncasecmp(l + 2, name, nlen) == 0 && l[2 + nlen] == ':') {
			const char *v = l + 3 + nlen, *end = strstr(v, "\r\n");
			size_t k;

			while (*v == ' ')
				v++;
			k = end ? (size_t)(end - v) : strlen(v);
			k = k < len - 1 ? k : len - 1;
			memcpy(value, v, k);
			value[k] = '\0';
			return value;
		}
	}
	return NULL;
}

/* The end of a head (its CRLF CRLF) in buf[0..len), or NULL. */
static char *head_end(char *buf, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0)
			return buf + i;
	return NULL;
}

/* Reads the next response from rd into r: its body by Content-Length
 * (none after a HEAD), into body (room for cap bytes; the rest is read
 * and dropped). 0, or -1 if it did not come whole. */
static int read_response(struct reader *rd, int head_only, struct response *r, char *body, size_t cap)
{
	char *end, value[32];
	size_t hlen, have = 0;
	long want;

	r->r_status = -1;
	r->r_length = -1;
	r->r_body = body;
	r->r_body_len = 0;
	r->r_head[0] = '\0';
	while (!(end = head_end(rd->rd_buf, rd->rd_len)))
		if (rd->rd_len == sizeof(rd->rd_buf) || reader_fill(rd) <= 0)
			return -1;
	hlen = (size_t)(end - rd->rd_buf) + 4;
	memcpy(r->r_head, rd->rd_buf, hlen);
	r->r_head[hlen] = '\0';
	memmove(rd->rd_buf, rd->rd_buf + hlen, rd->rd_len - hlen);
	rd->rd_len -= hlen;
	if (sscanf(r->r_head, "HTTP/1.1 %d ", &r->r_status) != 1)
		return -1;
	if (header(r->r_head, "Content-Length", value, sizeof(value)))
		r->r_length = strtol(value, NULL, 10);
	want = head_only ? 0 : r->r_length;
	if (want < 0)
		return -1;
	while (have < (size_t)want) {
		size_t take;

		if (!rd->rd_len && reader_fill(rd) <= 0)
			return -1;
		take = rd->rd_len < (size_t)want - have ? rd->rd_len : (size_t)want - have;
		if (have < cap)
			memcpy(body + have, rd->rd_buf, have + take <= cap ? take : cap - have);
		have += take;
		memmove(rd->rd_buf, rd->rd_buf + take, rd->rd_len - take);
		rd->rd_len -= take;
	}
	r->r_body_len = have < cap ? have : cap;
	if (r->r_body_len < cap)
		body[r->r_body_len] = '\0';
	return 0;
}

/* Whether the server closed the connection (end of file, or a reset)
 * with nothing more sent. */
static int closed(struct reader *rd)
{
	return rd->rd_len == 0 && reader_fill(rd) <= 0;
}

static char page[64 << 10];
static struct response resp;

/* One request on a new connection and its response (body into page). */
static int fetch(const char *request, int head_only, struct response *r)
{
	static struct reader rd;
	int fd = dial(), e;

	if (fd < 0)
		return -1;
	rd = (struct reader){ .rd_fd = fd };
	e = send_text(fd, request) < 0 ? -1 : read_response(&rd, head_only, r, page, sizeof(page) - 1);
	close(fd);
	return e;
}

/* The whole of a file under the root, through the filesystem. */
static char *file_bytes(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	off_t size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
	char *b = size < 0 ? NULL : malloc((size_t)size + 1);
	size_t have = 0;

	if (b && lseek(fd, 0, SEEK_SET) == 0)
		while (have < (size_t)size) {
			ssize_t got = read(fd, b + have, (size_t)size - have);

			if (got <= 0)
				break;
			have += (size_t)got;
		}
	if (fd >= 0)
		close(fd);
	if (!b || have != (size_t)size) {
		free(b);
		return NULL;
	}
	b[have] = '\0';
	*len = have;
	return b;
}

/* The response r carries file's bytes with status 200 and type. */
static const char *is_file(const struct response *r, const char *file, const char *type)
{
	static char why[160];
	size_t len;
	char *want = file_bytes(file, &len), value[64];

	if (!want)
		snprintf(why, sizeof(why), "cannot read %s through the filesystem", file);
	else if (r->r_status != 200 || r->r_length != (long)len)
		snprintf(why, sizeof(why), "status %d, length %ld, the file's %zu", r->r_status, r->r_length,
		         len);
	else if (!header(r->r_head, "Content-Type", value, sizeof(value)) || strcmp(value, type) != 0)
		snprintf(why, sizeof(why), "Content-Type '%s', not '%s'", value, type);
	else if (r->r_body_len != len || memcmp(r->r_body, want, len) != 0)
		snprintf(why, sizeof(why), "the body differs from %s", file);
	else
		why[0] = '\0';
	free(want);
	return why[0] ? why : NULL;
}

static void check(const char *name, const char *why)
{
	tap(!why, name, why ? why : "");
}

static const char *status_is(int got, int want)
{
	static char why[64];

	snprintf(why, sizeof(why), "status %d, not %d", got, want);
	return got == want ? NULL : why;
}

/* --- the checks ---------------------------------------------------------- */

static void files(void)
{
	char value[64];
	const char *why;

	why = fetch("GET /hello.txt HTTP/1.0\r\n\r\n", 0, &resp) < 0
	              ? "no response"
	              : is_file(&resp, "/www/hello.txt", "text/plain; charset=utf-8");
	if (!why && !header(resp.r_head, "Date", value, sizeof(value)))
		why = "no Date header";
	check("get_a_file_returns_its_bytes", why);
	why = fetch("GET / HTTP/1.1\r\nHost: kestrel\r\nConnection: close\r\n\r\n", 0, &resp) < 0
	              ? "no response"
	              : is_file(&resp, "/www/index.html", "text/html; charset=utf-8");
	check("get_of_the_root_serves_its_index_html", why);
	{
		int fd = dial();
		struct reader rd = { .rd_fd = fd };
		int e = fd < 0 || send_text(fd, "HEAD /hello.txt HTTP/1.0\r\n\r\n") < 0
		                ? -1
		                : read_response(&rd, 1, &resp, page, sizeof(page));
		size_t len = 0;
		char *want = file_bytes("/www/hello.txt", &len);

		why = e < 0 || !want                                       ? "no response"
		      : resp.r_status != 200 || resp.r_length != (long)len ? "wrong status or length"
		      : !closed(&rd)                                       ? "a body came after the head"
		                                                           : NULL;
		free(want);
		close(fd);
		check("head_has_the_length_and_no_body", why);
	}
}

static void directories(void)
{
	char value[64];
	const char *why = NULL;
	static const char *const want[] = {
		"<title>Index of /dir/</title>",
		"<a href=\"a.txt\">a.txt</a>",
		"<a href=\"sp%20ace.txt\">sp ace.txt</a>",
		"<a href=\"%3Cb%3E.txt\">&lt;b&gt;.txt</a>",
		"<a href=\"sub/\">sub/</a>",
		"<a href=\"../\">../</a>",
	};

	if (fetch("GET /dir/ HTTP/1.0\r\n\r\n", 0, &resp) < 0 || resp.r_status != 200)
		why = "no listing";
	else if (!header(resp.r_head, "Content-Type", value, sizeof(value)) ||
	         strcmp(value, "text/html; charset=utf-8") != 0)
		why = "not text/html";
	else if (strstr(page, "hidden"))
		why = "the dot file is listed";
	for (size_t i = 0; !why && i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(page, want[i]))
			why = want[i];
	check("a_directory_without_index_html_is_listed", why);
	why = fetch("GET /dir/sub/ HTTP/1.0\r\n\r\n", 0, &resp) < 0
	              ? "no response"
	              : is_file(&resp, "/www/dir/sub/index.html", "text/html; charset=utf-8");
	check("a_directory_with_index_html_serves_it", why);
	why = fetch("GET /dir HTTP/1.0\r\n\r\n", 0, &resp) < 0 ? "no response"
	                                                       : status_is(resp.r_status, 301);
	if (!why && (!header(resp.r_head, "Location", value, sizeof(value)) || strcmp(value, "/dir/") != 0))
		why = "no Location: /dir/";
	check("a_directory_without_its_slash_is_redirected", why);
}

static void errors(void)
{
	static char big[12000];
	char value[64];
	const char *why;
	int fd;

	why = fetch("GET /nothing.txt HTTP/1.0\r\n\r\n", 0, &resp) < 0 ? "no response"
	                                                               : status_is(resp.r_status, 404);
	check("a_missing_file_is_404", why);
	why = fetch("GARBAGE\r\n\r\n", 0, &resp) < 0 ? "no response" : status_is(resp.r_status, 400);
	if (!why)
		why = fetch("\x01\x02\xff junk \x7f\r\n\r\n", 0, &resp) < 0 ? "no response to binary junk"
		                                                            : status_is(resp.r_status, 400);
	if (!why)
		why = fetch("GET / HTTP/1.1\r\n\r\n", 0, &resp) < 0 ? "no response without Host"
		                                                    : status_is(resp.r_status, 400);
	check("garbage_is_400", why);
	/* POST with a body on a kept-alive connection: 405, the body dropped,
	 * and the next request on it answered. */
	fd = dial();
	{
		struct reader rd = { .rd_fd = fd };

		why = fd < 0 ||
		                      send_text(fd, "POST /hello.txt HTTP/1.1\r\nHost: k\r\nContent-Length: "
		                                    "3\r\n\r\nabc"
		                                    "DELETE / HTTP/1.1\r\nHost: k\r\n\r\n") < 0 ||
		                      read_response(&rd, 0, &resp, page, sizeof(page)) < 0
		              ? "no response"
		              : status_is(resp.r_status, 405);
		if (!why &&
		    (!header(resp.r_head, "Allow", value, sizeof(value)) || strcmp(value, "GET, HEAD")))
			why = "no Allow: GET, HEAD";
		if (!why)
			why = read_response(&rd, 0, &resp, page, sizeof(page)) < 0
			              ? "no second response"
			              : status_is(resp.r_status, 405);
		close(fd);
	}
	check("other_methods_are_405_and_their_body_skipped", why);
	memcpy(big, "GET /", 5);
	memset(big + 5, 'a', 3000);
	strcpy(big + 3005, " HTTP/1.0\r\n\r\n");
	why = fetch(big, 0, &resp) < 0 ? "no response" : status_is(resp.r_status, 414);
	check("an_overlong_request_line_is_414", why);
	strcpy(big, "GET / HTTP/1.0\r\n");
	for (int i = 0; i < 300; i++)
		strcat(big, "X-Filler: 0123456789012345678901\r\n");
	strcat(big, "\r\n");
	why = fetch(big, 0, &resp) < 0 ? "no response" : status_is(resp.r_status, 431);
	check("overlong_headers_are_431", why);
}

static void escapes(void)
{
	static const struct {
		const char *target;
		int status;
	} ways[] = {
		{ "/../secret.txt", 403 },
		{ "/%2e%2e/secret.txt", 403 },
		{ "/dir/%2E%2E/%2e%2e/secret.txt", 403 },
		{ "/dir/..%2f..%2fsecret.txt", 403 },
		{ "/.%2e/secret.txt", 403 },
		{ "http://kestrel/../secret.txt", 403 },
		{ "/escape", 403 },            /* a symbolic link to /secret.txt */
		{ "/escdir/secret.txt", 403 }, /* through a link to / */
		{ "/escdir/", 403 },
		{ "/secret.txt%00.html", 400 },
		{ "//secret.txt", 404 },
		{ "/secret.txt", 404 },
	};
	char request[256], why[160] = "";

	for (size_t i = 0; i < sizeof(ways) / sizeof(ways[0]) && !why[0]; i++) {
		snprintf(request, sizeof(request), "GET %s HTTP/1.0\r\n\r\n", ways[i].target);
		if (fetch(request, 0, &resp) < 0)
			snprintf(why, sizeof(why), "%s: no response", ways[i].target);
		else if (resp.r_status != ways[i].status || strstr(page, SECRET))
			snprintf(why, sizeof(why), "%s: status %d, not %d%s", ways[i].target, resp.r_status,
			         ways[i].status, strstr(page, SECRET) ? ", with the secret" : "");
	}
	check("no_path_leaves_the_document_root", why[0] ? why : NULL);
}

static void split_and_kept(void)
{
	const char *request = "GET /hello.txt HTTP/1.1\r\nHost: kestrel\r\nUser-Agent: httptest\r\n\r\n";
	char value[64];
	const char *why = NULL;
	int fd = dial();
	struct reader rd = { .rd_fd = fd };

	/* A byte a write, a moment apart: a request trickling in. */
	for (size_t i = 0; fd >= 0 && request[i] && !why; i++) {
		if (send(fd, request + i, 1, 0) != 1)
			why = "a send failed";
		if (i % 8 == 0)
			nap(5);
	}
	if (!why)
		why = fd < 0 || read_response(&rd, 0, &resp, page, sizeof(page)) < 0
		              ? "no response"
		              : is_file(&resp, "/www/hello.txt", "text/plain; charset=utf-8");
	check("a_request_split_over_many_writes", why);
	/* The same connection, kept alive: one request after another, then
	 * three in one write, then Connection: close. */
	for (int i = 0; i < 4 && !why; i++) {
		const char *path = i % 2 ? "/www/index.html" : "/www/hello.txt";
		char req[128];

		snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: k\r\n\r\n", path + 4);
		why = send_text(fd, req) < 0 || read_response(&rd, 0, &resp, page, sizeof(page)) < 0
		              ? "no response on the kept connection"
		              : is_file(&resp, path,
		                        i % 2 ? "text/html; charset=utf-8" : "text/plain; charset=utf-8");
	}
	if (!why && send_text(fd, "GET /hello.txt HTTP/1.1\r\nHost: k\r\n\r\nHEAD /index.html HTTP/1.1\r\n"
	                          "Host: k\r\n\r\nGET /dir/a.txt HTTP/1.1\r\nHost: k\r\n\r\n") < 0)
		why = "the pipelined send failed";
	if (!why)
		why = read_response(&rd, 0, &resp, page, sizeof(page)) < 0
		              ? "no first pipelined response"
		              : is_file(&resp, "/www/hello.txt", "text/plain; charset=utf-8");
	if (!why)
		why = read_response(&rd, 1, &resp, page, sizeof(page)) < 0 ? "no second pipelined response"
		                                                           : status_is(resp.r_status, 200);
	if (!why)
		why = read_response(&rd, 0, &resp, page, sizeof(page)) < 0
		              ? "no third pipelined response"
		              : is_file(&resp, "/www/dir/a.txt", "text/plain; charset=utf-8");
	if (!why)
		why = send_text(fd, "GET /hello.txt HTTP/1.1\r\nHost: k\r\nConnection: close\r\n\r\n") < 0 ||
		                      read_response(&rd, 0, &resp, page, sizeof(page)) < 0
		              ? "no response to Connection: close"
		      : !header(resp.r_head, "Connection", value, sizeof(value)) || strcmp(value, "close")
		              ? "no Connection: close"
		      : !closed(&rd) ? "the connection stayed open"
		                     : NULL;
	close(fd);
	check("keep_alive_pipelining_and_connection_close", why);
	/* HTTP/1.0 asks for keep-alive by name. */
	fd = dial();
	rd = (struct reader){ .rd_fd = fd };
	why = fd < 0 || send_text(fd, "GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") < 0 ||
	                      read_response(&rd, 0, &resp, page, sizeof(page)) < 0
	              ? "no response"
	      : !header(resp.r_head, "Connection", value, sizeof(value)) || strcmp(value, "keep-alive")
	              ? "no Connection: keep-alive"
	      : send_text(fd, "GET /index.html HTTP/1.0\r\n\r\n") < 0 ||
	                      read_response(&rd, 0, &resp, page, sizeof(page)) < 0
	              ? "no second response"
	      : !closed(&rd) ? "a plain HTTP/1.0 request left it open"
	                     : NULL;
	close(fd);
	check("http_1_0_keep_alive_when_asked", why);
}

/* CONNS connections at once, more than httpd's slots, each sending its
 * request as soon as it is connected and reading nothing until all are
 * sent: httpd serves them in turn, dropping none that has a request. */
static void many(void)
{
	int fds[CONNS];
	struct reader *rd = calloc(CONNS, sizeof(*rd));
	const char *why = rd ? NULL : "no memory";

	for (int i = 0; i < CONNS; i++)
		fds[i] = -1;
	for (int i = 0; i < CONNS && !why; i++) {
		if ((fds[i] = dial()) < 0)
			why = "a connection failed";
		else if (send_text(fds[i], i % 2 ? "GET /hello.txt HTTP/1.0\r\n\r\n"
		                                 : "GET /dir/a.txt HTTP/1.0\r\n\r\n"))
			why = "a send failed";
		else
			rd[i].rd_fd = fds[i];
	}
	for (int i = CONNS - 1; i >= 0 && !why; i--)
		why = read_response(&rd[i], 0, &resp, page, sizeof(page)) < 0
		              ? "a response did not come"
		              : is_file(&resp, i % 2 ? "/www/hello.txt" : "/www/dir/a.txt",
		                        "text/plain; charset=utf-8");
	for (int i = 0; i < CONNS; i++)
		close(fds[i]);
	free(rd);
	check("more_connections_at_once_than_httpd_has_slots", why);
}

/* Waits until the server ends fd: what it sent last, in page (empty if
 * it only closed); -1 if it did not end it within WAIT_MS * 2. */
static int ended(int fd, size_t *len)
{
	*len = 0;
	for (int i = 0; i < 2; i++) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t got;

		if (poll(&p, 1, WAIT_MS) != 1)
			continue;
		got = recv(fd, page + *len, sizeof(page) - 1 - *len, 0);
		if (got <= 0) {
			page[*len] = '\0';
			return 0;
		}
		*len += (size_t)got;
		i = -1; /* more came: wait again */
	}
	return -1;
}

/* A client that stops halfway through its request and one that sends
 * nothing: both dropped in time (the first told 408), while another is
 * served meanwhile. */
static void slow(void)
{
	int s = dial(), idle = dial();
	const char *why = s < 0 || idle < 0 || send_text(s, "GET /hello.txt HT") < 0 ? "no connection" : NULL;
	size_t len;

	if (!why)
		why = fetch("GET /hello.txt HTTP/1.0\r\n\r\n", 0, &resp) < 0
		              ? "nobody else was served meanwhile"
		              : is_file(&resp, "/www/hello.txt", "text/plain; charset=utf-8");
	if (!why)
		why = ended(s, &len) < 0                        ? "the slow client was never dropped"
		      : strncmp(page, "HTTP/1.1 408 ", 13) != 0 ? "the slow client was not told 408"
		                                                : NULL;
	if (!why && ended(idle, &len) < 0)
		why = "the idle client was never dropped";
	close(s);
	close(idle);
	check("slow_and_idle_clients_are_dropped_without_holding_up_others", why);
}

/* More idle connections than httpd has slots: the oldest idle ones make
 * room, so a request still gets in; every idle one is ended in time. */
static void flood(void)
{
	int fds[FLOOD], real;
	const char *why = NULL;
	size_t len;

	for (int i = 0; i < FLOOD && !why; i++)
		if ((fds[i] = dial()) < 0)
			why = "a connection of the flood failed";
	if (!why)
		why = fetch("GET /hello.txt HTTP/1.0\r\n\r\n", 0, &resp) < 0
		              ? "a request after the flood got no response"
		              : is_file(&resp, "/www/hello.txt", "text/plain; charset=utf-8");
	for (int i = 0; i < FLOOD && !why; i++)
		if (ended(fds[i], &len) < 0)
			why = "a connection of the flood was never ended";
	for (int i = 0; i < FLOOD; i++)
		close(fds[i]);
	real = dial();
	if (!why)
		why = real < 0 ? "no connection after the flood" : NULL;
	close(real);
	check("a_flood_of_idle_connections_is_bounded", why);
}

/* httpd's entry in the supervisor's list: its generation, and the bytes
 * its instance holds in *bytes. */
static uint64_t httpd_generation(uint64_t *bytes)
{
	struct proto_client sup = { .pc_ep = server_self()->si_sup, .pc_retries = 1 };

	for (uint64_t i = 0;; i++) {
		struct sup_index_req q = { i };
		struct sup_list_rep r;

		if (sup_list(&sup, &q, &r) != E_OK)
			return 0;
		if (strcmp(r.name, "httpd") == 0) {
			if (bytes)
				*bytes = r.mem_used * 4096;
			return r.generation;
		}
	}
}

/* BIG_BYTES, more than httpd's memory: streamed, and compared with the
 * file a piece at a time; a small request is served while it flows. */
static void large(void)
{
	static char want[HEAD_MAX], got[HEAD_MAX];
	int fd = dial(), file = open("/www/big.bin", O_RDONLY);
	struct reader rd = { .rd_fd = fd };
	const char *why = fd < 0 || file < 0 ? "no connection or no file" : NULL;
	uint64_t have = 0, peak = 0, bytes = 0;

	if (!why && (send_text(fd, "GET /big.bin HTTP/1.1\r\nHost: k\r\n\r\n") < 0 ||
	             read_response(&rd, 1, &resp, page, sizeof(page)) < 0))
		why = "no response";
	if (!why && (resp.r_status != 200 || resp.r_length != BIG_BYTES))
		why = "wrong status or length";
	while (!why && have < BIG_BYTES) {
		size_t take = rd.rd_len;

		if (!take) {
			ssize_t r = recv(fd, got, sizeof(got), 0);

			if (r <= 0) {
				why = "the body stopped short";
				break;
			}
			take = (size_t)r;
		} else {
			memcpy(got, rd.rd_buf, take);
			rd.rd_len = 0;
		}
		if (pread(file, want, take, (off_t)have) != (ssize_t)take || memcmp(want, got, take) != 0)
			why = "the body differs from the file";
		have += take;
		if (have >= BIG_BYTES / 2 && !peak) {
			httpd_generation(&bytes);
			peak = bytes ? bytes : 1;
			if (fetch("GET /hello.txt HTTP/1.0\r\n\r\n", 0, &resp) < 0 || resp.r_status != 200)
				why = "a small request was not served while the large one flowed";
		}
	}
	if (!why && peak >= BIG_BYTES)
		why = "httpd held more memory than the file's size";
	if (!why && (send_text(fd, "HEAD /big.bin HTTP/1.1\r\nHost: k\r\n\r\n") < 0 ||
	             read_response(&rd, 1, &resp, page, sizeof(page)) < 0 || resp.r_status != 200))
		why = "the connection was not kept after the large body";
	close(fd);
	close(file);
	check("a_large_file_streams_intact", why);
	printf("# %lu bytes streamed; httpd held %lu bytes meanwhile\n", (unsigned long)have,
	       (unsigned long)peak);
}

static long crash(const char *name)
{
	struct proto_client sup = { .pc_ep = server_self()->si_sup, .pc_retries = 1 };
	struct sup_name_req q = { { 0 } };
	struct sup_generation_rep gen;

	strncpy(q.name, name, sizeof(q.name) - 1);
	return sup_crash(&sup, &q, &gen);
}

/* A request until one is answered (a restart may refuse or reset the
 * first ones): the status, or -1. */
static int get_again(void)
{
	for (int i = 0; i < TRIES / 10; i++) {
		if (fetch("GET /hello.txt HTTP/1.0\r\n\r\n", 0, &resp) == 0)
			return resp.r_status;
		nap(100);
	}
	return -1;
}

static void crashes(void)
{
	uint64_t gen = httpd_generation(NULL);
	int open = dial();
	struct reader rd = { .rd_fd = open };
	long e;

	/* A connection open across the network server's crash is reset; the
	 * listener comes back without httpd doing anything. */
	e = open < 0 ? -1 : crash("net");
	tap(e == E_OK && get_again() == 200 && httpd_generation(NULL) == gen,
	    "httpd_serves_again_after_the_network_server_crashes", "no answer, or httpd restarted");
	tap(send_text(open, "GET / HTTP/1.0\r\n\r\n") < 0 ||
	            read_response(&rd, 0, &resp, page, sizeof(page)) < 0,
	    "a_connection_open_at_that_crash_is_reset", "it answered");
	close(open);
	e = crash("httpd");
	tap(e == E_OK && get_again() == 200 && httpd_generation(NULL) == gen + 1,
	    "httpd_serves_again_after_its_own_crash", "no answer, or not the next generation");
}

int main(void)
{
	printf("httptest: httpd on 127.0.0.1 port %d\n", HTTP_PORT);
	files();
	directories();
	errors();
	escapes();
	split_and_kept();
	many();
	slow();
	flood();
	large();
	crashes();
	printf("1..%u\nhttptest: %u passed, %u failed\n", n, n - failed, failed);
	fflush(stdout);
	outl(QEMU_EXIT_PORT, failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	return 0;
}

/* One connection's work (see conn.h): read a request, answer it from
 * the document root, keep the connection or close it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "files.h"

void conn_open(struct conn *c, int fd, uint64_t now)
{
	c->c_state = CONN_READ;
	c->c_fd = fd;
	c->c_since = now;
	c->c_eof = c->c_close = false;
	c->c_in_len = c->c_in_used = 0;
	c->c_status = 0;
	c->c_body_left = 0;
	c->c_out_off = c->c_out_len = 0;
	c->c_file = -1;
	c->c_file_left = 0;
	c->c_page = NULL;
	c->c_page_off = c->c_page_len = 0;
}

short conn_events(const struct conn *c)
{
	switch (c->c_state) {
	case CONN_READ:
	case CONN_BODY:
	case CONN_LINGER:
		return POLLIN;
	case CONN_SEND:
		return POLLOUT;
	default:
		return 0;
	}
}

uint64_t conn_deadline(const struct conn *c)
{
	switch (c->c_state) {
	case CONN_READ:
		return c->c_since + (c->c_in_len ? HTTPD_REQUEST_MS : HTTPD_IDLE_MS);
	case CONN_BODY:
		return c->c_since + HTTPD_REQUEST_MS;
	case CONN_SEND:
		return c->c_since + HTTPD_SEND_MS;
	case CONN_LINGER:
		return c->c_since + HTTPD_LINGER_MS;
	default:
		return UINT64_MAX;
	}
}

uint64_t conn_idle_from(const struct conn *c)
{
	if (c->c_state == CONN_LINGER)
		return c->c_since;
	if (c->c_state == CONN_READ && c->c_in_len == 0)
		return c->c_since + HTTPD_EVICT_MS;
	return UINT64_MAX;
}

/* The response's body, given up (sent, or not to be sent). */
static void body_release(struct conn *c)
{
	if (c->c_file >= 0)
		close(c->c_file);
	free(c->c_page);
	c->c_file = -1;
	c->c_file_left = 0;
	c->c_page = NULL;
	c->c_page_off = c->c_page_len = 0;
}

void conn_close(struct conn *c)
{
	body_release(c);
	close(c->c_fd);
	c->c_state = CONN_FREE;
}

static time_t wall_now(void)
{
	struct timespec ts;

	return clock_gettime(CLOCK_REALTIME, &ts) == 0 ? ts.tv_sec : 0;
}

/* Starts the response: its head in c_out; the body, if any, is already
 * in c_file or c_page (a HEAD request's is let go here). */
static void respond(struct conn *c, int status, const char *type, uint64_t length, time_t modified,
                    const char *location)
{
	struct http_reply rp = {
		c->c_req.hr_minor, type, length, wall_now(), modified, location, !c->c_close
	};

	c->c_out_off = 0;
	c->c_out_len = http_head_format(c->c_out, sizeof(c->c_out), status, &rp);
	if (c->c_req.hr_method == HTTP_HEAD)
		body_release(c);
	c->c_state = CONN_SEND;
}

/* A small page of our own (an error, a redirection), after the head. */
static void respond_page(struct conn *c, int status, const char *location, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static void respond_page(struct conn *c, int status, const char *location, const char *fmt, ...)
{
	char body[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(body))
		n = 0;
	if (http_status_closes(status))
		c->c_close = true;
	respond(c, status, "text/html; charset=utf-8", (uint64_t)n, 0, location);
	if (c->c_req.hr_method != HTTP_HEAD && c->c_out_len + (size_t)n <= sizeof(c->c_out)) {
		memcpy(c->c_out + c->c_out_len, body, (size_t)n);
		c->c_out_len += (size_t)n;
	}
}

static void respond_error(struct conn *c, int status)
{
	respond_page(c, status, NULL,
	             "<!DOCTYPE html>\n<html><head><title>%d %s</title></head>\n"
	             "<body><h1>%d %s</h1></body></html>\n",
	             status, http_reason(status), status, http_reason(status));
}

/* A directory named without its '/': there, with it, so that the
 * listing's relative links work. */
static int redirect(struct conn *c)
{
	char location[3 * HTTP_PATH_MAX + 2];
	size_t n = http_url_encode(location, sizeof(location) - 1, c->c_req.hr_path, true);

	if (!n)
		return 414;
	strcpy(location + n, "/");
	respond_page(c, 301, location,
	             "<!DOCTYPE html>\n<html><head><title>301 Moved Permanently</title></head>\n"
	             "<body><a href=\"%s\">%s</a></body></html>\n",
	             location, location);
	return 0;
}

static int serve_file(struct conn *c, const char *fspath, const struct stat *st)
{
	int fd = open(fspath, O_RDONLY);

	if (fd < 0)
		return errno == ENOENT ? 404 : 500;
	c->c_file = fd;
	c->c_file_left = (uint64_t)st->st_size;
	respond(c, 200, http_content_type(fspath), (uint64_t)st->st_size, st->st_mtime, NULL);
	return 0;
}

/* A GET or HEAD of a clean path: 0 once the response is started, or
 * the error status to answer with. */
static int serve(struct conn *c)
{
	const struct http_request *r = &c->c_req;
	char fspath[HTTPD_FSPATH_MAX], index[HTTP_PATH_MAX + 16], index_fspath[HTTPD_FSPATH_MAX];
	struct stat st;
	int status = files_lookup(HTTPD_ROOT, r->hr_path, fspath, sizeof(fspath), &st);

	if (status)
		return status;
	if (S_ISREG(st.st_mode))
		return serve_file(c, fspath, &st);
	if (!r->hr_slash)
		return redirect(c);
	snprintf(index, sizeof(index), "%s/index.html", strcmp(r->hr_path, "/") == 0 ? "" : r->hr_path);
	if (files_lookup(HTTPD_ROOT, index, index_fspath, sizeof(index_fspath), &st) == 0 &&
	    S_ISREG(st.st_mode))
		return serve_file(c, index_fspath, &st);
	if (!(c->c_page = files_listing(fspath, r->hr_path, &c->c_page_len)))
		return 500;
	respond(c, 200, "text/html; charset=utf-8", c->c_page_len, 0, NULL);
	return 0;
}

/* The request in c_req (and c_status) is whole, its body dropped. */
static void answer(struct conn *c, uint64_t now)
{
	int status = c->c_status ? c->c_status : serve(c);

	if (status)
		respond_error(c, status);
	c->c_since = now;
}

/* A whole head in c_in[0..end): read it; then its body, or the answer. */
static void request_start(struct conn *c, size_t end)
{
	c->c_in_used = end;
	c->c_status = http_parse(c->c_in, end, &c->c_req);
	c->c_close = !c->c_req.hr_keep_alive || http_status_closes(c->c_status);
	c->c_body_left = http_status_closes(c->c_status) ? 0 : c->c_req.hr_body;
	c->c_state = CONN_BODY;
}

/* An answer that can wait no more (the request's head too long, its time
 * up) to a request read in part: it cannot be parsed. */
static void answer_unread(struct conn *c, int status, uint64_t now)
{
	c->c_req = (struct http_request){ .hr_method = HTTP_GET, .hr_minor = 1, .hr_path = "/" };
	c->c_in_used = c->c_in_len;
	c->c_status = status;
	c->c_close = true;
	answer(c, now);
}

/* The response is sent: the next request, or the close. */
static void response_done(struct conn *c, uint64_t now)
{
	body_release(c);
	c->c_since = now;
	if (c->c_close) {
		shutdown(c->c_fd, SHUT_WR);
		c->c_in_len = c->c_in_used = 0;
		c->c_state = CONN_LINGER;
		return;
	}
	memmove(c->c_in, c->c_in + c->c_in_used, c->c_in_len - c->c_in_used);
	c->c_in_len -= c->c_in_used;
	c->c_in_used = 0;
	c->c_state = CONN_READ;
}

/* The next piece of the body into c_out: false when the body is all sent
 * (or the file can no longer give the length promised: then the
 * connection is closed). */
static bool refill(struct conn *c)
{
	size_t n;

	c->c_out_off = c->c_out_len = 0;
	if (c->c_page_off < c->c_page_len) {
		n = c->c_page_len - c->c_page_off < sizeof(c->c_out) ? c->c_page_len - c->c_page_off
		                                                     : sizeof(c->c_out);
		memcpy(c->c_out, c->c_page + c->c_page_off, n);
		c->c_page_off += n;
		c->c_out_len = n;
		return true;
	}
	if (c->c_file_left) {
		ssize_t got =
		        read(c->c_file, c->c_out,
		             c->c_file_left < sizeof(c->c_out) ? (size_t)c->c_file_left : sizeof(c->c_out));

		if (got <= 0) {
			conn_close(c); /* the file shrank or failed under us */
			return false;
		}
		c->c_out_len = (size_t)got;
		c->c_file_left -= (uint64_t)got;
		return true;
	}
	return false;
}

/* Receives into c_in after what is there: bytes, 0 at the client's end
 * (c_eof), or -1 when it would wait (EAGAIN) or the connection is gone
 * (closed here). */
static ssize_t receive(struct conn *c, uint64_t now)
{
	ssize_t n = recv(c->c_fd, c->c_in + c->c_in_len, sizeof(c->c_in) - c->c_in_len, 0);

	if (n > 0) {
		if (c->c_in_len == 0 && c->c_state == CONN_READ)
			c->c_since = now; /* a request's first byte: its time starts */
		c->c_in_len += (size_t)n;
	} else if (n == 0) {
		c->c_eof = true;
	} else if (errno != EAGAIN && errno != EWOULDBLOCK) {
		conn_close(c);
	}
	return n;
}

/* READ: a request's head, or more of it. false: wait for poll. */
static bool step_read(struct conn *c, uint64_t now)
{
	size_t skip = 0;
	long end;

	/* Empty lines before a request are skipped (RFC 9112, 2.2). */
	while (skip < c->c_in_len && (c->c_in[skip] == '\r' || c->c_in[skip] == '\n'))
		skip++;
	if (skip) {
		memmove(c->c_in, c->c_in + skip, c->c_in_len - skip);
		c->c_in_len -= skip;
	}
	end = http_head_end(c->c_in, c->c_in_len);
	if (end > 0) {
		request_start(c, (size_t)end);
		return true;
	}
	if (end < 0) {
		answer_unread(c, (int)-end, now);
		return true;
	}
	if (c->c_eof) {
		conn_close(c);
		return false;
	}
	return receive(c, now) > 0 || c->c_eof;
}

/* BODY: the request's body read and dropped, then the answer. */
static bool step_body(struct conn *c, uint64_t now)
{
	size_t have = c->c_in_len - c->c_in_used;
	size_t take = c->c_body_left < have ? (size_t)c->c_body_left : have;

	c->c_in_used += take;
	c->c_body_left -= take;
	if (c->c_body_left == 0) {
		answer(c, now);
		return true;
	}
	if (c->c_eof) {
		conn_close(c);
		return false;
	}
	c->c_in_len = c->c_in_used = 0; /* what is there was all body */
	return receive(c, now) > 0 || c->c_eof;
}

/* SEND: as much of the response as the socket takes. */
static bool step_send(struct conn *c, uint64_t now)
{
	ssize_t n;

	if (c->c_out_off == c->c_out_len && !refill(c)) {
		if (c->c_state == CONN_SEND)
			response_done(c, now);
		return c->c_state != CONN_FREE;
	}
	n = send(c->c_fd, c->c_out + c->c_out_off, c->c_out_len - c->c_out_off, 0);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			conn_close(c);
		return false;
	}
	c->c_out_off += (size_t)n;
	c->c_since = now; /* progress: the client reads */
	return true;
}

/* LINGER: the client's bytes dropped until it closes. */
static bool step_linger(struct conn *c, uint64_t now)
{
	ssize_t n;

	c->c_in_len = 0;
	n = receive(c, now);
	if (n == 0)
		conn_close(c);
	return n > 0;
}

void conn_ready(struct conn *c, short revents, uint64_t now)
{
	bool more = true;

	if (revents & POLLNVAL) {
		conn_close(c);
		return;
	}
	/* Until the socket would wait: a kept-alive connection's next
	 * request may be here already (pipelined). The buffers bound it. */
	while (more && c->c_state != CONN_FREE) {
		switch (c->c_state) {
		case CONN_READ:
			more = step_read(c, now);
			break;
		case CONN_BODY:
			more = step_body(c, now);
			break;
		case CONN_SEND:
			more = step_send(c, now);
			break;
		case CONN_LINGER:
			more = step_linger(c, now);
			break;
		default:
			more = false;
		}
	}
}

void conn_expire(struct conn *c, uint64_t now)
{
	if (c->c_state == CONN_FREE || now < conn_deadline(c))
		return;
	if ((c->c_state == CONN_READ && c->c_in_len) || c->c_state == CONN_BODY) {
		answer_unread(c, 408, now);
		conn_ready(c, 0, now);
	} else {
		conn_close(c);
	}
}

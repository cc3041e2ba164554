/* HTTP/1.0 and 1.1 as httpd speaks it: the request's head read and
 * checked, its target turned into a path that cannot leave the document
 * root, and the response's head written. No sockets, files or IPC here:
 * the host tests (tests/servers/test_httpd.c) link it as it is.
 *
 * A request's head is its request line and header lines, each ending in
 * CRLF (a bare LF is taken too), then an empty line. What is refused, and
 * with which status:
 *   400  a malformed line, a header without a name or with a space before
 *        its colon, a folded header, a bad or repeated Content-Length, an
 *        HTTP/1.1 request without Host, a target that is not a path (or
 *        http://host/path), a bad %-escape, a NUL or control byte in the
 *        path
 *   403  a ".." segment in the path, after %-decoding
 *   405  a method other than GET and HEAD (a well-formed token)
 *   413  a body longer than HTTP_BODY_MAX (GET and HEAD take none; a
 *        shorter one is read and dropped)
 *   414  a request line longer than HTTP_LINE_MAX, a path that decodes to
 *        more than HTTP_PATH_MAX bytes
 *   431  a head longer than HTTP_HEAD_MAX
 *   501  a Transfer-Encoding (bodies are read by their Content-Length only)
 *   505  an HTTP major version other than 1 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define HTTP_LINE_MAX      2048  /* bytes of the request line, its CRLF included */
#define HTTP_HEAD_MAX      8192  /* bytes of the whole head, the empty line included */
#define HTTP_PATH_MAX      1024  /* bytes of a decoded path, its NUL included */
#define HTTP_BODY_MAX      65536 /* bytes of a request body read and dropped */
#define HTTP_RESP_HEAD_MAX 1024  /* bytes of a response head http_head_format writes */

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

/* A request as http_parse leaves it. hr_path is decoded and clean: it
 * starts with '/', has no empty, "." or ".." segments and no trailing
 * '/' (but "/" itself); hr_slash says whether the target ended in '/'. */
struct http_request {
	enum http_method hr_method;
	unsigned hr_minor; /* HTTP/1.hr_minor: 0, or 1 for any later 1.x */
	char hr_path[HTTP_PATH_MAX];
	bool hr_slash;
	bool hr_keep_alive; /* what the version and Connection ask for */
	uint64_t hr_body;   /* Content-Length: bytes of body that follow */
};

/* Where the head in buf[0..len) ends: the offset just past its empty
 * line; 0 when it has not ended yet; -414 when the request line is longer
 * than HTTP_LINE_MAX, -431 when the head is longer than HTTP_HEAD_MAX. */
long http_head_end(const char *buf, size_t len);

/* Reads the head buf[0..len) (what http_head_end measured) into r.
 * Returns 0 for a GET or HEAD to serve, else the status to answer with
 * (the list at the top). r->hr_minor and r->hr_keep_alive are set as far
 * as the line could be read, for the answer's own head. */
int http_parse(const char *buf, size_t len, struct http_request *r);

/* Decodes target (NUL-terminated, from a request line) into path (room
 * for HTTP_PATH_MAX): 0, or 400, 403 or 414 as http_parse answers. slash:
 * whether it ended in '/'. */
int http_target_path(const char *target, char *path, bool *slash);

/* The reason phrase of a status ("Not Found"); "" for one not known. */
const char *http_reason(int status);

/* Whether a status's response ends the connection: the request's framing
 * cannot be trusted after it (400, 408, 413, 414, 431, 501, 505). */
bool http_status_closes(int status);

/* The Content-Type of a file, by its name's extension (case ignored);
 * application/octet-stream for one not known. */
const char *http_content_type(const char *name);

/* What a response's head says besides the status. */
struct http_reply {
	unsigned rp_minor;       /* the request's version: the answer's is HTTP/1.1 unless 0 */
	const char *rp_type;     /* Content-Type, or NULL */
	uint64_t rp_length;      /* Content-Length */
	time_t rp_date;          /* Date; 0: none (no clock) */
	time_t rp_modified;      /* Last-Modified; 0: none */
	const char *rp_location; /* Location, or NULL */
	bool rp_keep_alive;      /* Connection: keep-alive (1.0) or nothing (1.1), else close */
};

/* Writes the response head of status and rp into buf (room for len):
 * its length, or 0 if it does not fit. */
size_t http_head_format(char *buf, size_t len, int status, const struct http_reply *rp);

/* Copies s into dst (room for len) %-encoded for a URL path: every byte
 * but letters, digits, "-._~" and, when keep_slash, '/' as %XX. Returns
 * the length, or 0 if it does not fit (s empty: 0 as well). */
size_t http_url_encode(char *dst, size_t len, const char *s, bool keep_slash);

/* Copies s into dst (room for len) with & < > " ' as HTML entities.
 * Returns the length, or 0 if it does not fit. */
size_t http_html_escape(char *dst, size_t len, const char *s);

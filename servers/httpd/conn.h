/* One HTTP connection of httpd: its state, what it waits for, and what
 * each poll result does to it. main.c keeps an array of them and polls
 * their sockets together; nothing here blocks (the sockets are
 * non-blocking; a file read is a call to the filesystem server).
 *
 * A connection goes READ (a request's head) -> BODY (a request body,
 * read and dropped) -> SEND (the response: its head, then a file's bytes
 * read as they go, or a page made in memory) -> READ again for the next
 * request on a kept-alive connection, or LINGER (our side shut, the
 * client's bytes read and dropped until it closes, so that a reset does
 * not overtake the response) -> FREE. Each state has a deadline: a client
 * that sends nothing, sends a request too slowly, or reads a response too
 * slowly is dropped when it passes (conn_expire). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"

#define HTTPD_ROOT       "/www" /* the document root on the filesystem */
#define HTTPD_OUT_MAX    16384  /* bytes of a response buffered to send, a file read a call */
#define HTTPD_IDLE_MS    10000  /* a connection without a request (a kept-alive one too) */
#define HTTPD_REQUEST_MS 10000  /* a request, from its first byte to its last */
#define HTTPD_SEND_MS    10000  /* a response that the client reads nothing of */
#define HTTPD_LINGER_MS  2000   /* the client's close, after ours */
#define HTTPD_EVICT_MS   1000   /* idle before a newcomer may take the slot */

enum conn_state { CONN_FREE, CONN_READ, CONN_BODY, CONN_SEND, CONN_LINGER };

/* Owned by main.c's one thread. c_in[0..c_in_len) holds what arrived;
 * while sending, its first c_in_used bytes are the request being
 * answered and the rest the next one's (pipelined). c_out[c_out_off..
 * c_out_len) waits to be sent; after it, c_file_left bytes of c_file or
 * the page c_page[c_page_off..c_page_len). */
struct conn {
	enum conn_state c_state;
	int c_fd;
	uint64_t c_since; /* ms: the deadline's start (see conn_deadline) */
	bool c_eof;       /* the client shut its side */
	bool c_close;     /* close once this response is sent */
	char c_in[HTTP_HEAD_MAX];
	size_t c_in_len, c_in_used;
	struct http_request c_req;
	int c_status; /* 0: serve c_req; else the error to answer */
	uint64_t c_body_left;
	char c_out[HTTPD_OUT_MAX];
	size_t c_out_off, c_out_len;
	int c_file;
	uint64_t c_file_left;
	char *c_page;
	size_t c_page_off, c_page_len;
};

/* Takes a newly accepted, non-blocking socket. */
void conn_open(struct conn *c, int fd, uint64_t now);

/* The poll events c waits for (0 for a free one). */
short conn_events(const struct conn *c);

/* When c is dropped if nothing happens (ms, the kernel clock). */
uint64_t conn_deadline(const struct conn *c);

/* Works on c after poll said revents; afterwards c may be free. */
void conn_ready(struct conn *c, short revents, uint64_t now);

/* Drops c if its deadline has passed: a request begun gets a 408. */
void conn_expire(struct conn *c, uint64_t now);

/* From when c may be dropped for a new connection (ms; UINT64_MAX:
 * never): once it has waited HTTPD_EVICT_MS for a request of which
 * nothing has come (a client that just connected is about to send one),
 * or at once when it only waits for the client's close. */
uint64_t conn_idle_from(const struct conn *c);

/* Closes c's socket and file and frees it. */
void conn_close(struct conn *c);

/* The workload's shared parts (main.c makes the calls; report.c, pure
 * logic the host tests link, makes the files' bytes and the log's lines).
 * What the lines say is at the top of main.c and in docs/demo.md. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WL_PREFIX "workload: " /* of each of its lines */
#define WL_DIR    "/work"      /* its files, and the stop file /work/stop */
#define WL_KEEP   32           /* files it keeps: round R removes the file of round R - WL_KEEP */

/* The services it calls, in the order its lines list them. */
enum wl_service { WL_FS, WL_HELLO, WL_TIME, WL_SERVICES };

/* The kinds of request it makes: each one operation of a service's
 * protocol, counted apart, since a kind is idempotent or not as its
 * protocol declares it (PROTO_IDEMPOTENT: the stub repeats it across a
 * restart, so a restart should be transparent to it; any other comes
 * back PE_RESTARTED when a restart cuts it off). */
enum wl_kind {
	WL_FS_MKDIR,
	WL_FS_OPEN,
	WL_FS_WRITE,
	WL_FS_READ,
	WL_FS_LOOKUP,
	WL_FS_RENAME,
	WL_FS_UNLINK,
	WL_HELLO_ECHO,
	WL_HELLO_ADD,
	WL_HELLO_COUNT,
	WL_TIME_NOW,
	WL_KINDS
};

struct wl_kind_info {
	const char *wk_name; /* the operation's, in its protocol */
	enum wl_service wk_service;
	bool wk_idempotent; /* its protocol's PROTO_IDEMPOTENT */
};

/* Its requests of one kind, or to one service. Each request is counted once: ok (the
 * answer came from the instance that gave the previous one), retried (it
 * came from a newer instance: the server restarted and the protocol hid
 * it, the stub calling again or the call waiting on the endpoint for the
 * new instance) or errors (the workload saw an error: PE_RESTARTED for a
 * call that is not idempotent, EIO, PE_FAILED ...). wrong counts answers
 * that failed its checks (bytes read back not those written, an echo not
 * what was sent, a count or a time that went back): 0 on a correct
 * system. */
struct wl_counts {
	uint64_t wc_ok;
	uint64_t wc_retried;
	uint64_t wc_errors;
	uint64_t wc_wrong;
};

/* What it carries from round to round, and across its own restart when
 * its manifest block gives it a vault (`vault 1`). */
struct wl_state {
	uint64_t ws_rounds;      /* rounds finished: the next round's number */
	uint64_t ws_acked;       /* ack lines printed */
	uint64_t ws_hello_count; /* hello's count at its last answer: it never goes back */
	uint64_t ws_time_ns;     /* the time server's last answer: it never goes back */
	struct wl_counts ws_counts[WL_KINDS];
};

extern const char *const wl_service_names[WL_SERVICES];
extern const struct wl_kind_info wl_kinds[WL_KINDS];

/* Service s's counts: the sum of its kinds'. */
struct wl_counts wl_service_counts(const struct wl_state *st, enum wl_service s);

/* Round r's file: its length (not a whole number of blocks), and its byte
 * at off. */
uint64_t wl_length(uint64_t r);
uint8_t wl_byte(uint64_t r, uint64_t off);

/* The log's lines, WL_PREFIX, what they say and a newline, into buf (at most size
 * bytes, NUL included). Each returns what snprintf does. */
int wl_line_ack(char *buf, size_t size, const char *path, uint64_t len, uint64_t fnv);
int wl_line_gone(char *buf, size_t size, const char *path);
int wl_line_counts(char *buf, size_t size, const char *what, const struct wl_state *s);
int wl_line_kind(char *buf, size_t size, const struct wl_state *s, enum wl_kind k);

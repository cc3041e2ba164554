/* The chaos service (servers/chaos/): fault injection into running
 * servers, one at a time at a rate, for the shell's chaos command and
 * make chaos (docs/chaos.md). Each kind is one of the faults MINIX 3's
 * SWIFI experiments injected, or a failure a server meets in the field. */
#pragma once

#include <stdint.h>

#include <kestrel/proto/supervisor.h>
#include <kestrel/protocols.h>

/* X(NAME, "name", what it does to the server's first thread or memory) */
#define CHAOS_KINDS(X)                                                                           \
	X(CHAOS_CRASH, "crash", "its rip moved to an unmapped page: a page fault where it is")   \
	X(CHAOS_EXIT, "exit", "it calls thread_exit: rax, rdi set, rip at a syscall of its own") \
	X(CHAOS_HANG, "hang", "suspended for ever: it stops answering, as a deadlock would")     \
	X(CHAOS_DELAY, "delay", "suspended for up to CHAOS_DELAY_MAX_MS ms, then resumed")       \
	X(CHAOS_REGFLIP, "regflip", "one bit of one register (rip, rsp, rflags too) flipped")    \
	X(CHAOS_TEXTFLIP, "textflip", "one bit of its code flipped")                             \
	X(CHAOS_DATAFLIP, "dataflip", "one bit of its data or bss flipped")                      \
	X(CHAOS_STACKFLIP, "stackflip", "one bit of its stack between rsp and the top flipped")

enum chaos_kind {
#define CHAOS_KIND_ENUM(name, text, what) name,
	CHAOS_KINDS(CHAOS_KIND_ENUM)
#undef CHAOS_KIND_ENUM
	        CHAOS_NKINDS
};

#define CHAOS_ANY_KIND     UINT64_MAX /* start's kind: a random one each time */
#define CHAOS_RATE_MAX     1000       /* injections a second */
#define CHAOS_DELAY_MAX_MS 500        /* below every heartbeat deadline */
/* An injection's outcome is known once its server died (restarted), or
 * CHAOS_SETTLE_MS after it with the server still the same instance (no
 * visible effect); a hang's once the supervisor's heartbeat had time to
 * find it, CHAOS_HANG_WAIT_MS (its one thread checks the servers in
 * turn, each hung one costing a deadline), and a delay's CHAOS_SETTLE_MS
 * after it ended. The server gets no other injection meanwhile. */
#define CHAOS_SETTLE_MS    100
#define CHAOS_HANG_WAIT_MS 20000
/* A hang of a server without a heartbeat (nothing would notice it) ends
 * this long after it: the thread is resumed. */
#define CHAOS_UNWATCHED_MS 3000

#define CHAOS_TARGET_LEN 64 /* bytes of a start's target, its end padded with zeros */

struct chaos_start_req {
	char target[CHAOS_TARGET_LEN]; /* a server, "a,b" or "!a,b" (all but): a random one of them */
	                               /* each time; "any": a random one of all */
	uint64_t kind;                 /* enum chaos_kind, or CHAOS_ANY_KIND */
	uint64_t rate;                 /* injections a second: 1 .. CHAOS_RATE_MAX */
	uint64_t seed;                 /* of the choices (0: from the clock) */
	uint64_t count;                /* stop after this many injections (0: never) */
};
struct chaos_start_rep {
	uint64_t seed; /* the one used: the same seed makes the same choices */
};

struct chaos_none {
	uint64_t unused;
};

/* The service's counts, and the row-th row of its table (a server and
 * kind with at least one injection; E_NOT_FOUND past the last). Row
 * CHAOS_STATS_TOTALS: the counts alone. */
#define CHAOS_STATS_TOTALS UINT64_MAX
struct chaos_stats_req {
	uint64_t row;
};
struct chaos_stats_rep {
	uint64_t running;  /* injecting now */
	uint64_t injected; /* since boot, all kinds and servers */
	uint64_t skipped;  /* times the target was not running, or refused */
	uint64_t seed;
	char server[SERVER_NAME_LEN]; /* the row's */
	uint64_t kind;
	uint64_t row_injected;
	uint64_t row_restarted; /* followed by the server's death and restart */
	uint64_t row_no_effect; /* the server still up, same generation, after the wait */
	uint64_t row_unwatched; /* hangs nothing noticed: a server without heartbeat, resumed */
};

/* start: begins injecting (a start while running replaces the last one).
 *   PE_NO_SERVICE for a target that is no server, E_BAD_ARG for a kind
 *   or rate out of range or a target never offered (the supervisor, the
 *   chaos service, a server that is not restarted).
 * stop: no more injections (those under way finish).
 * stats: see above. */
#define CHAOS_OPS(X)                                                                           \
	X(chaos, start, CHAOS_BASE + 1, 0, struct chaos_start_req, struct chaos_start_rep)     \
	X(chaos, stop, CHAOS_BASE + 2, PROTO_IDEMPOTENT, struct chaos_none, struct chaos_none) \
	X(chaos, stats, CHAOS_BASE + 3, PROTO_IDEMPOTENT, struct chaos_stats_req, struct chaos_stats_rep)

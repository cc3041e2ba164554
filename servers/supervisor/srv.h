/* The supervisor's table of servers, shared by main.c (start-up, faults,
 * restarts and the receive loop) and control.c (the control calls: list,
 * kill, crash, restart, log). Only the supervisor's one thread touches it.
 *
 * A server's state (enum sup_state, include/kestrel/proto/supervisor.h):
 * DOWN until first started; STARTING from its start until it says ready;
 * UP; RESTARTING after it died, until s_restart_at; FAILED when its policy
 * leaves it down or it cannot be started. s_sp names its task and thread
 * exactly while it is STARTING or UP (srv_running). A server whose manifest
 * block was refused is FAILED from the start, with no endpoint and no
 * module (s_mod NULL). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/boot.h>
#include <kestrel/proto/supervisor.h>

#include "log.h"
#include "manifest.h"
#include "policy.h"
#include "proto.h"
#include "spawn.h"

/* The badges of the capabilities to our endpoint that a server holds. */
#define BADGE_INDEX   0xFFFFULL    /* its index in srvs */
#define BADGE_SERVER  (1ULL << 40) /* | index: a server's calls to us */
#define BADGE_FAULT   (1ULL << 41) /* | index: its fault messages */
#define BADGE_CONTROL (1ULL << 42) /* with BADGE_SERVER: its block says control */
#define BADGE_CHAOS   (1ULL << 43) /* with BADGE_SERVER: its block says chaos */

struct srv {
	const struct manifest_server *s_ms;
	const struct boot_module_info *s_mod;
	uint64_t s_ep; /* the service endpoint: ours, for ever */
	struct spawned s_sp;
	enum sup_state s_state;
	uint64_t s_generation;
	struct restart_state s_rs;
	uint64_t s_started_ms; /* when the running instance was started */
	uint64_t s_restart_at; /* ms, when RESTARTING */
	uint64_t s_died_tsc;   /* when the last instance died, for the recovery time */
	uint64_t s_ready_tsc;  /* when the running instance said ready (0 before) */
	uint64_t s_died_ms;
	uint64_t s_pid;   /* what the running instance said when ready; 0 before */
	uint64_t s_vault; /* our frame of its vault pages (kept for ever), or CAP_NULL */
	uint64_t s_pool;  /* our copy of the running instance's pool (ps's memory), or CAP_NULL */
	bool s_requested; /* the running instance was started by a restart request */
	/* The last chaos injection into the running instance (target.c): its
	 * number (0: none), when, how long a death after it follows it, and
	 * its kind's name. */
	uint64_t s_inject_number, s_inject_ms, s_inject_window_ms;
	char s_inject_kind[16];
	/* The watch for spinning (heartbeat.c): the instance it is about,
	 * its first thread's ticks and the time at the last sample, and
	 * since when (and from which ticks) it has kept the CPU (0: not). */
	uint64_t s_cpu_gen, s_cpu_ticks, s_cpu_ms, s_busy_since, s_busy_ticks;
};

extern struct srv srvs[MANIFEST_MAX_SERVERS];
extern unsigned srv_count;
extern struct log_ring srv_log_ring;

/* The server named name (by_service: the one providing that service, one
 * of its provides lines), or NULL. name need not be NUL-terminated within
 * SERVER_NAME_LEN bytes. */
struct srv *srv_find(const char *name, bool by_service);

static inline bool srv_running(const struct srv *s)
{
	return s->s_state == SUP_STARTING || s->s_state == SUP_UP;
}

/* Ends the running instance's task (and lets its pool go). */
void srv_stop(struct srv *s);

/* Starts a new instance (generation + 1) of a server that is not running.
 * Returns E_OK or the error of the step that failed. */
long srv_start(struct srv *s);

/* A start of s failed with e: it is left down (FAILED) and the log says
 * which step failed and why, in words. */
void srv_start_failed(struct srv *s, long e);

/* Ends the running instance, logging why (NULL: the caller has), and
 * applies the restart policy: RESTARTING with a delay, or FAILED. */
void srv_end(struct srv *s, const char *why);

/* Prints a line on the kernel console and keeps it in srv_log_ring. */
void srv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* srv_log of "[supervisor T ms] NAME (generation G): what". */
void srv_log_event(const struct srv *s, const char *what);

/* From srv_end, as s dies at now: logs that its death followed a chaos
 * injection, if one hit it within the window the injection gave, and
 * forgets it. */
void srv_log_injection_followed(struct srv *s, uint64_t now);

/* From the main loop: logs that an injection whose window has passed
 * with its server still running had no visible effect, and forgets it. */
void srv_log_injections_quiet(uint64_t now);

PROTO_SERVER(SUP_OPS)

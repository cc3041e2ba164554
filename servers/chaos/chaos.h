/* The chaos service's state, shared by main.c (the protocol and the
 * timer that paces the injections), inject.c (how each kind of fault is
 * done to a server) and table.c (which servers, their outcomes, the
 * random choices). Only the service's one thread touches it.
 *
 * Theory of operation: every 1/rate s the timer picks a server (the one
 * named, or a random one) that has no injection under way, and a kind;
 * inject.c asks the supervisor for the capability it needs (sup_target:
 * the server's first thread, or the frame of one region of its memory),
 * does the fault, deletes the capability and reports the injection
 * (sup_injected, which the supervisor logs). The injection is then
 * pending until its outcome is known (chaos_settle): the server died
 * (its generation changed: "restarted"), or it is still the same
 * instance after the settle time ("no visible effect"). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/proto/chaos.h>

#include "proto.h"

#define CHAOS_MAX_TARGETS 64 /* bits of cs_mask */
#define CHAOS_MAX_REGIONS 8

enum chaos_outcome { CHAOS_RESTARTED, CHAOS_NO_EFFECT, CHAOS_UNWATCHED, CHAOS_NOUTCOMES };

/* A server the supervisor lists. The layout of its memory (the kinds of
 * its regions) and where it has a syscall instruction are the same in
 * every instance (one binary), so they are learnt once. */
struct chaos_target {
	char ct_name[SERVER_NAME_LEN + 1];
	uint64_t ct_index;                             /* in the supervisor's list */
	bool ct_refused;                               /* sup_target said it is never a target */
	unsigned ct_nregions;                          /* 0: not learnt yet */
	uint8_t ct_region_kind[CHAOS_MAX_REGIONS + 1]; /* enum sup_region_kind, by sup_target's what */
	uint64_t ct_syscall_va;                        /* 0: not found yet */
	uint64_t ct_heartbeat_ms;
	/* The pending injection: kind (CHAOS_NKINDS: none), the generation
	 * it hit, and when its outcome is due. */
	uint64_t ct_pending, ct_generation, ct_settle_at;
	/* A suspension to end (delay, a hang nothing watches): the thread
	 * capability, and when. */
	uint64_t ct_suspended, ct_resume_at;
	uint64_t ct_counts[CHAOS_NKINDS]
	                  [CHAOS_NOUTCOMES + 1]; /* [kind][outcome], [kind][CHAOS_NOUTCOMES]: injected */
};

struct chaos_state {
	struct proto_client cs_sup;
	uint64_t cs_self; /* our task, to map a target's frames */
	struct chaos_target cs_targets[CHAOS_MAX_TARGETS];
	unsigned cs_ntargets;
	/* The campaign start asked for. */
	bool cs_running;
	uint64_t cs_mask; /* of cs_targets: those a pick may choose */
	uint64_t cs_kind, cs_interval_ms, cs_count, cs_next_at;
	uint64_t cs_seed, cs_rng;
	uint64_t cs_injected, cs_skipped;
};

/* table.c */
/* A random number below n (n > 0), from the state's generator. */
uint64_t chaos_random(struct chaos_state *cs, uint64_t n);
/* Reads the supervisor's list of servers into cs_targets (kept entries
 * keep what was learnt). Returns E_OK or the error of the list call. */
long chaos_targets_refresh(struct chaos_state *cs);
/* The target named name, or -1. */
int chaos_target_find(const struct chaos_state *cs, const char *name);
/* Settles t's pending injection if its outcome is known by now; ends a
 * suspension that is due. Returns the ms until it must be looked at
 * again (IPC_FOREVER: nothing pending). */
uint64_t chaos_settle(struct chaos_state *cs, struct chaos_target *t, uint64_t now);

/* inject.c */
/* Whether the supervisor offers t as a target: E_OK (also when it is not
 * running just now), E_BAD_ARG (never), or the error of the call. */
long chaos_probe(struct chaos_state *cs, struct chaos_target *t);
/* Does one fault of kind to t now and reports it to the supervisor.
 * Returns E_OK, or an error when nothing was injected: E_BAD_STATE (the
 * server is not running), E_BAD_ARG (never a target), or the failing
 * call's. */
long chaos_inject(struct chaos_state *cs, struct chaos_target *t, uint64_t kind);

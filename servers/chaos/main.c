/* The chaos service: injects faults into running servers at a rate (see
 * chaos.h for how, include/kestrel/proto/chaos.h for the protocol). Its
 * manifest block needs a `chaos` line, which lets it ask the supervisor
 * for other servers' threads and memory. main.c holds the protocol's
 * handlers and the timer that paces the injections. */
#include <stdio.h>
#include <string.h>

#include <kestrel/error.h>

#include "chaos.h"
#include "server.h"
#include "syscalls.h"

PROTO_SERVER(CHAOS_OPS)
PROTO_CLIENT(SUP_OPS)

static struct chaos_state cs;

/* The targets a start's name names, as a mask of cs_targets: "any"
 * (all), a list "a,b", or all but a list "!a,b". Returns E_OK, or the
 * error start returns. */
static long targets_named(const char *name, uint64_t *mask)
{
	char list[CHAOS_TARGET_LEN + 1];
	bool but = name[0] == '!';
	uint64_t named = 0;
	long e;

	if (strcmp(name, "any") == 0) {
		*mask = ~0ULL;
		return E_OK;
	}
	strcpy(list, name + but);
	for (char *n = strtok(list, ","); n; n = strtok(NULL, ",")) {
		int target = chaos_target_find(&cs, n);

		if (strcmp(n, "supervisor") == 0)
			return E_BAD_ARG;
		if (target < 0)
			return PE_NO_SERVICE;
		if (!but && (e = chaos_probe(&cs, &cs.cs_targets[target])) != E_OK)
			return e;
		named |= 1ULL << target;
	}
	*mask = but ? ~named : named;
	return named ? E_OK : PE_NO_SERVICE;
}

long chaos_start_srv(struct proto_ctx *ctx, const struct chaos_start_req *q, struct chaos_start_rep *r)
{
	char name[CHAOS_TARGET_LEN + 1] = { 0 };
	uint64_t mask;
	long e;

	(void)ctx;
	memcpy(name, q->target, CHAOS_TARGET_LEN);
	if (q->rate < 1 || q->rate > CHAOS_RATE_MAX || (q->kind >= CHAOS_NKINDS && q->kind != CHAOS_ANY_KIND))
		return E_BAD_ARG;
	if ((e = chaos_targets_refresh(&cs)) != E_OK)
		return e;
	if ((e = targets_named(name, &mask)) != E_OK)
		return e;
	cs.cs_seed = q->seed ? q->seed : sys_clock_tsc() | 1;
	cs.cs_rng = cs.cs_seed;
	cs.cs_mask = mask;
	cs.cs_kind = q->kind;
	cs.cs_interval_ms = 1000 / q->rate;
	cs.cs_count = q->count ? cs.cs_injected + q->count : 0;
	cs.cs_next_at = sys_clock_ms();
	cs.cs_running = true;
	printf("chaos: %s into %s at %lu a second, seed %lu\n",
	       q->kind == CHAOS_ANY_KIND ? "any kind" : "one kind", name, q->rate, cs.cs_seed);
	r->seed = cs.cs_seed;
	return E_OK;
}

long chaos_stop_srv(struct proto_ctx *ctx, const struct chaos_none *q, struct chaos_none *r)
{
	(void)ctx, (void)q, (void)r;
	cs.cs_running = false;
	return E_OK;
}

long chaos_stats_srv(struct proto_ctx *ctx, const struct chaos_stats_req *q, struct chaos_stats_rep *r)
{
	uint64_t row = 0;

	(void)ctx;
	r->running = cs.cs_running;
	r->injected = cs.cs_injected;
	r->skipped = cs.cs_skipped;
	r->seed = cs.cs_seed;
	for (unsigned i = 0; i < cs.cs_ntargets; i++)
		for (unsigned k = 0; k < CHAOS_NKINDS; k++) {
			const uint64_t *c = cs.cs_targets[i].ct_counts[k];

			if (!c[CHAOS_NOUTCOMES] || row++ != q->row)
				continue;
			memcpy(r->server, cs.cs_targets[i].ct_name, SERVER_NAME_LEN);
			r->kind = k;
			r->row_injected = c[CHAOS_NOUTCOMES];
			r->row_restarted = c[CHAOS_RESTARTED];
			r->row_no_effect = c[CHAOS_NO_EFFECT];
			r->row_unwatched = c[CHAOS_UNWATCHED];
			return E_OK;
		}
	return q->row == CHAOS_STATS_TOTALS ? E_OK : E_NOT_FOUND;
}

/* Whether t may get an injection now: none pending, and up (not
 * restarting after the last one). */
static bool free_now(const struct chaos_target *t)
{
	struct sup_list_rep r;

	return t->ct_pending == CHAOS_NKINDS && !t->ct_refused &&
	       strncmp(t->ct_name, server_self()->si_name, SERVER_NAME_LEN) != 0 &&
	       sup_list(&cs.cs_sup, &(struct sup_index_req){ t->ct_index }, &r) == E_OK && r.state == SUP_UP;
}

/* A target for the next injection: a random one of those named that is
 * free; NULL when none is free now. */
static struct chaos_target *pick(void)
{
	unsigned named[CHAOS_MAX_TARGETS], n = 0;

	for (unsigned i = 0; i < cs.cs_ntargets; i++)
		if (cs.cs_mask & 1ULL << i)
			named[n++] = i;
	/* A few tries: most servers are free most of the time. */
	for (unsigned tries = 0; tries < 8 && n; tries++) {
		struct chaos_target *t = &cs.cs_targets[named[n == 1 ? 0 : chaos_random(&cs, n)]];

		if (free_now(t))
			return t;
	}
	return NULL;
}

/* The server loop's timer: the outcomes due, then the injection due; the
 * ms until the next of either. */
static uint64_t chaos_timer(void *state)
{
	uint64_t now = sys_clock_ms(), wait = IPC_FOREVER;
	struct chaos_target *t;

	(void)state;
	for (unsigned i = 0; i < cs.cs_ntargets; i++) {
		uint64_t w = chaos_settle(&cs, &cs.cs_targets[i], now);

		wait = w < wait ? w : wait;
	}
	if (!cs.cs_running)
		return wait;
	if (now >= cs.cs_next_at) {
		cs.cs_next_at =
		        (now - cs.cs_next_at > cs.cs_interval_ms ? now : cs.cs_next_at) + cs.cs_interval_ms;
		t = pick();
		if (t && chaos_inject(&cs, t,
		                      cs.cs_kind == CHAOS_ANY_KIND ? chaos_random(&cs, CHAOS_NKINDS)
		                                                   : cs.cs_kind) != E_OK)
			cs.cs_skipped++;
		if (cs.cs_count && cs.cs_injected >= cs.cs_count)
			cs.cs_running = false;
	}
	now = sys_clock_ms();
	if (cs.cs_running)
		wait = cs.cs_next_at > now ? (cs.cs_next_at - now < wait ? cs.cs_next_at - now : wait) : 0;
	return wait;
}

static const struct proto_op ops[] = PROTO_TABLE(CHAOS_OPS);

int main(void)
{
	const struct server_info *si = server_self();
	struct server_def d = { ops, sizeof(ops) / sizeof(ops[0]), &cs, NULL, 0, 0 };

	cs.cs_sup = (struct proto_client){ .pc_ep = si->si_sup };
	cs.cs_self = si->si_self;
	return (int)server_loop_timed(&d, chaos_timer);
}

/* The chaos service's calls (SUP_OPS: target, injected): what a server
 * whose manifest block says `chaos` gets to inject faults into another
 * (its first thread, the frames of its code, data and stack, which the
 * loader keeps for us when such a server is in the manifest), and the
 * log of each injection and of the death that followed it. */
#include <stdio.h>
#include <string.h>

#include <kestrel/cap.h>
#include <kestrel/error.h>

#include "slots.h"
#include "srv.h"
#include "syscalls.h"

/* What kind of memory a kept region is: the stack is the last one the
 * loader maps (spawn.c). */
static uint64_t region_kind(const struct spawned *sp, unsigned i)
{
	if (sp->sp_regions[i].rg_rights & R_EXEC)
		return SUP_REGION_TEXT;
	return i + 1 == sp->sp_nregions ? SUP_REGION_STACK : SUP_REGION_DATA;
}

/* The server a chaos request names and may hit, or NULL with why in *e. */
static struct srv *target_named(const struct proto_ctx *ctx, const char *name, long *e)
{
	struct srv *s = srv_find(name, false);

	if (!(ctx->pc_badge & BADGE_CHAOS))
		*e = E_NO_RIGHTS;
	else if (strncmp(name, "supervisor", SERVER_NAME_LEN) == 0)
		*e = E_BAD_ARG;
	else if (!s)
		*e = PE_NO_SERVICE;
	else if (s->s_ms->ms_chaos || s->s_ms->ms_restart == RESTART_NEVER)
		*e = E_BAD_ARG;
	else
		*e = srv_running(s) ? E_OK : E_BAD_STATE;
	return *e == E_OK ? s : NULL;
}

long sup_target_srv(struct proto_ctx *ctx, const struct sup_target_req *q, struct sup_target_rep *r)
{
	long e;
	struct srv *s = target_named(ctx, q->name, &e);
	const struct spawn_region *rg;
	uint64_t copy, from, rights;

	if (!s)
		return e;
	if (q->what > s->s_sp.sp_nregions)
		return E_NOT_FOUND;
	r->generation = s->s_generation;
	r->nregions = s->s_sp.sp_nregions;
	r->heartbeat_ms = s->s_ms->ms_heartbeat_ms;
	if (q->what == SUP_TARGET_THREAD) {
		r->kind = SUP_REGION_THREAD;
		from = s->s_sp.sp_thread;
		rights = R_CONTROL | R_READ | R_WRITE;
	} else {
		rg = &s->s_sp.sp_regions[q->what - 1];
		r->kind = region_kind(&s->s_sp, (unsigned)q->what - 1);
		r->va = rg->rg_va;
		r->pages = rg->rg_pages;
		from = rg->rg_frame;
		rights = R_READ | R_WRITE;
	}
	if ((copy = slot_alloc()) == CAP_NULL)
		return E_LIMIT;
	if ((e = sys_cap_copy(from, BOOT_SLOT_TASK, copy, rights, 0, 0)) != E_OK) {
		slot_free(copy);
		return e;
	}
	ctx->pc_reply_caps[0] = copy; /* moved to the caller, the slot freed */
	return E_OK;
}

/* Logs that the injection s remembers had no visible effect (its server
 * still running after its window, or a new one coming), and forgets it. */
static void injection_quiet(struct srv *s)
{
	char what[SUP_LOG_TEXT];

	snprintf(what, sizeof(what), "no visible effect of chaos injection %lu (%s) in %lu ms",
	         s->s_inject_number, s->s_inject_kind, s->s_inject_window_ms);
	srv_log_event(s, what);
	s->s_inject_number = 0;
}

long sup_injected_srv(struct proto_ctx *ctx, const struct sup_injected_req *q, struct sup_injected_rep *r)
{
	long e;
	struct srv *s = target_named(ctx, q->name, &e);
	char what[SUP_LOG_TEXT];

	(void)r;
	if (!s)
		return e;
	if (q->generation != s->s_generation || q->kind_len >= sizeof(s->s_inject_kind) ||
	    q->kind_len >= SUP_INJECT_TEXT || q->window_ms > SUP_INJECT_WINDOW_MAX_MS)
		return E_BAD_ARG;
	if (s->s_inject_number)
		injection_quiet(s); /* the service settled it before we looked */
	s->s_inject_number = q->number;
	s->s_inject_ms = sys_clock_ms();
	s->s_inject_window_ms = q->window_ms;
	memcpy(s->s_inject_kind, q->what, q->kind_len);
	s->s_inject_kind[q->kind_len] = '\0';
	snprintf(what, sizeof(what), "chaos injection %lu: %.*s", q->number, SUP_INJECT_TEXT, q->what);
	srv_log_event(s, what);
	return E_OK;
}

void srv_log_injection_followed(struct srv *s, uint64_t now)
{
	uint64_t number = s->s_inject_number;
	char what[SUP_LOG_TEXT];

	s->s_inject_number = 0;
	if (!number || now - s->s_inject_ms > s->s_inject_window_ms)
		return;
	snprintf(what, sizeof(what), "died %lu ms after chaos injection %lu (%s)", now - s->s_inject_ms,
	         number, s->s_inject_kind);
	srv_log_event(s, what);
}

void srv_log_injections_quiet(uint64_t now)
{
	for (unsigned i = 0; i < srv_count; i++) {
		struct srv *s = &srvs[i];

		if (s->s_inject_number && srv_running(s) && now - s->s_inject_ms > s->s_inject_window_ms)
			injection_quiet(s);
	}
}

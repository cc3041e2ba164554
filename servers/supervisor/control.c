/* The supervisor's control calls (SUP_OPS in include/kestrel/proto/
 * supervisor.h): what the shell's ps, kill, crash, restart and log ask.
 * Any server may list the servers and read the log; only one whose
 * manifest block says `control` may kill, crash or restart one (the badge
 * of its capability to us carries BADGE_CONTROL); others get E_NO_RIGHTS. */
#include <stdio.h>
#include <string.h>

#include <kestrel/boot.h>

#include "ipc.h"
#include "srv.h"
#include "syscalls.h"

/* The supervisor's own row: its share of the boot pool is what it did not
 * give the servers: their pools, and the memory it loaded them with. */
static long list_self(struct sup_list_rep *r)
{
	const struct boot_info *bi = (const struct boot_info *)BOOT_INFO_VADDR;
	uint64_t left = 0, free_frames, given = 0;

	for (unsigned i = 0; i < srv_count; i++)
		if (srvs[i].s_pool != CAP_NULL)
			given += srvs[i].s_ms->ms_memory_pages + srvs[i].s_sp.sp_pages;
	(void)sys_pool_info_out(BOOT_SLOT_POOL, &left, &free_frames);
	memcpy(r->name, "supervisor", sizeof("supervisor"));
	r->state = SUP_UP;
	r->generation = 1;
	r->uptime_ms = sys_clock_ms();
	r->pid = sys_thread_id();
	r->priority = BOOT_PRIORITY;
	r->mem_quota = bi->bi_pool_pages;
	r->mem_used = bi->bi_pool_pages - left > given ? bi->bi_pool_pages - left - given : 0;
	return E_OK;
}

long sup_list_srv(struct proto_ctx *ctx, const struct sup_index_req *q, struct sup_list_rep *r)
{
	const struct srv *s;
	uint64_t left = 0, free_frames;

	(void)ctx;
	if (q->index == SUP_LIST_SELF)
		return list_self(r);
	if (q->index >= srv_count)
		return E_NOT_FOUND;
	s = &srvs[q->index];
	r->priority = s->s_ms->ms_priority;
	r->mem_quota = s->s_ms->ms_memory_pages;
	/* What its pool holds, and what we loaded it with from ours. */
	if (s->s_pool != CAP_NULL && sys_pool_info_out(s->s_pool, &left, &free_frames) == E_OK)
		r->mem_used = (r->mem_quota > left ? r->mem_quota - left : 0) + s->s_sp.sp_pages;
	memcpy(r->name, s->s_ms->ms_name, strlen(s->s_ms->ms_name));
	r->state = s->s_state;
	r->generation = s->s_generation;
	r->restarts = s->s_rs.rs_restarts;
	r->uptime_ms = srv_running(s) ? sys_clock_ms() - s->s_started_ms : 0;
	r->pid = srv_running(s) ? s->s_pid : 0;
	r->died_tsc = s->s_died_tsc;
	r->ready_tsc = s->s_state == SUP_UP ? s->s_ready_tsc : 0;
	return E_OK;
}

/* The server a control request names, or NULL with why in *e. */
static struct srv *named(const struct proto_ctx *ctx, const struct sup_name_req *q, long *e)
{
	struct srv *s = srv_find(q->name, false);

	*e = !(ctx->pc_badge & BADGE_CONTROL) ? E_NO_RIGHTS : !s ? PE_NO_SERVICE : E_OK;
	return *e == E_OK ? s : NULL;
}

long sup_kill_srv(struct proto_ctx *ctx, const struct sup_name_req *q, struct sup_generation_rep *r)
{
	long e;
	struct srv *s = named(ctx, q, &e);

	if (!s)
		return e;
	if (!srv_running(s))
		return E_BAD_STATE;
	r->generation = s->s_generation;
	/* The caller may be the server itself: then nobody hears the answer. */
	srv_end(s, "killed on request");
	return E_OK;
}

/* The server's first thread jumps to address 0, as a bad function pointer
 * would make it, wherever it is (blocked in a call or a receive, or
 * running): a real page fault, which comes back to us as a fault message
 * like any other crash. */
long sup_crash_srv(struct proto_ctx *ctx, const struct sup_name_req *q, struct sup_generation_rep *r)
{
	long e;
	struct srv *s = named(ctx, q, &e);

	if (!s)
		return e;
	if (!srv_running(s))
		return E_BAD_STATE;
	r->generation = s->s_generation;
	/* The caller may be the server itself: then nobody hears the answer. */
	if ((e = sys_thread_suspend(s->s_sp.sp_thread)) || (e = sys_thread_start(s->s_sp.sp_thread, 0, 0, 0)))
		return e;
	return E_OK;
}

long sup_restart_srv(struct proto_ctx *ctx, const struct sup_name_req *q, struct sup_generation_rep *r)
{
	long e;
	struct srv *s = named(ctx, q, &e);

	if (!s)
		return e;
	if (!s->s_mod)
		return E_BAD_STATE; /* its binary is not among the boot modules */
	if (srv_running(s)) {
		srv_log_event(s, "stopped for a restart on request");
		s->s_died_tsc = sys_clock_tsc();
		s->s_died_ms = sys_clock_ms();
		srv_stop(s);
	}
	/* Asked for, not a crash: the policy's count of crashes in a row
	 * starts afresh. */
	s->s_rs.rs_in_row = 0;
	s->s_rs.rs_restarts++;
	s->s_requested = true;
	if ((e = srv_start(s)) != E_OK) {
		srv_start_failed(s, e);
		return e;
	}
	r->generation = s->s_generation;
	return E_OK;
}

long sup_log_srv(struct proto_ctx *ctx, const struct sup_log_req *q, struct sup_log_rep *r)
{
	(void)ctx;
	if (!log_ring_get(&srv_log_ring, q->from, &r->number, r->text))
		return E_NOT_FOUND;
	r->next = srv_log_ring.lr_next;
	return E_OK;
}

/* The supervisor's chaos calls from a client that may make them (its
 * manifest block has a chaos line; tests/chaos/manifest.txt): what target
 * gives and refuses, and that what it gave belongs to one instance of a
 * server (tests/qemu/chaos-shell.sh checks the lines it prints, then
 * types the shell's chaos command). */
#include <stdio.h>
#include <string.h>

#include <kestrel/boot.h>
#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/proto/supervisor.h>
#include <kestrel/syscall.h>

#include "server.h"
#include "sleep.h"
#include "slots.h"
#include "syscalls.h"
#include "vspace.h"

PROTO_CLIENT(SUP_OPS)

#define COME_BACK_MS 10000

static struct proto_client sup;

static void check(const char *name, bool ok, long got)
{
	printf("chaoser: %s %s%s%s\n", ok ? "ok" : "FAILED", name, ok ? "" : ": ",
	       ok ? "" : proto_error_text(got));
}

static long target(const char *name, uint64_t what, struct sup_target_rep *r, uint64_t *cap)
{
	struct sup_target_req q = { { 0 }, what };
	struct proto_xfer x = { .px_len = 0 };
	long e;

	memcpy(q.name, name, strlen(name));
	e = sup_target_x(&sup, &q, r, &x);
	*cap = e == E_OK ? x.px_caps[0] : CAP_NULL;
	return e;
}

/* hello's generation, once it is up again after generation gen. */
static uint64_t wait_new_generation(uint64_t index, uint64_t gen)
{
	uint64_t until = sys_clock_ms() + COME_BACK_MS;
	struct sup_list_rep r = { 0 };

	while (sys_clock_ms() < until && (sup_list(&sup, &(struct sup_index_req){ index }, &r) != E_OK ||
	                                  r.generation == gen || r.state != SUP_UP))
		sleep_ms(server_self()->si_pool, 20);
	return r.generation;
}

int main(void)
{
	struct sup_target_rep r, rr;
	struct sup_list_rep l;
	uint64_t thread, frame, rip = 0, index = 0, va, unmapped, before;
	long e;

	sup = (struct proto_client){ .pc_ep = server_self()->si_sup, .pc_retries = 1 };
	while (sup_list(&sup, &(struct sup_index_req){ index }, &l) == E_OK && strcmp(l.name, "hello") != 0)
		index++;
	wait_new_generation(index, 0);
	e = target("hello", SUP_TARGET_THREAD, &r, &thread);
	check("target_gives_a_running_servers_thread",
	      e == E_OK && r.kind == SUP_REGION_THREAD && r.nregions >= 3, e);
	e = sys_thread_suspend(thread);
	if (e == E_OK)
		e = sys_thread_regs_out(thread, UREG_RIP, 0, 0, &rip);
	check("its_thread_can_be_stopped_and_its_registers_read",
	      e == E_OK && rip >= 0x400000 && rip < USER_TOP, e);
	sys_thread_resume(thread);
	/* Every region: code, then data, the stack last. */
	e = E_OK;
	for (uint64_t k = 1; e == E_OK && k <= r.nregions; k++) {
		e = target("hello", k, &rr, &frame);
		if (e == E_OK && (va = vspace_alloc(PAGE_SIZE, PAGE_SIZE)) != 0 &&
		    (e = sys_mem_map(server_self()->si_self, frame, va, R_READ, 0, 1)) == E_OK)
			sys_mem_unmap_out(server_self()->si_self, va, 1, &unmapped);
		if (e == E_OK && k == r.nregions && rr.kind != SUP_REGION_STACK)
			e = E_BAD_STATE;
		if (e == E_OK && k == 1 && rr.kind != SUP_REGION_TEXT)
			e = E_BAD_STATE;
		sys_cap_delete(frame);
		slot_free(frame);
	}
	check("its_code_data_and_stack_frames_can_be_mapped", e == E_OK, e);
	e = target("hello", r.nregions + 1, &rr, &frame);
	check("a_region_past_the_last_is_not_found", e == E_NOT_FOUND, e);
	e = target("supervisor", SUP_TARGET_THREAD, &rr, &frame);
	check("the_supervisor_is_no_target", e == E_BAD_ARG, e);
	e = target("chaoser", SUP_TARGET_THREAD, &rr, &frame);
	check("a_server_with_a_chaos_line_is_no_target", e == E_BAD_ARG, e);
	e = target("nosuch", SUP_TARGET_THREAD, &rr, &frame);
	check("an_unknown_server_is_no_target", e == PE_NO_SERVICE, e);
	/* A crash through the capability: the page fault comes back to the
	 * supervisor as any other, which restarts hello. */
	e = sys_thread_suspend(thread);
	if (e == E_OK)
		e = sys_thread_regs_out(thread, UREG_RIP, 0, 1, &before);
	if (e == E_OK)
		e = sys_thread_resume(thread);
	check("a_crash_through_the_thread_restarts_the_server",
	      e == E_OK && wait_new_generation(index, r.generation) > r.generation, e);
	e = sys_thread_suspend(thread);
	check("the_old_instances_thread_is_stale_after_the_restart", e == E_BAD_CAP, e);
	sys_cap_delete(thread);
	slot_free(thread);
	e = sup_injected(&sup, &(struct sup_injected_req){ "hello", r.generation, 1, 5, 0, "crash" },
	                 &(struct sup_injected_rep){ 0 });
	check("a_report_about_an_old_instance_is_refused", e == E_BAD_ARG, e);
	printf("chaoser: done\n");
	return 0;
}

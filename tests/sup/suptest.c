/* The supervisor test's client (see tests/sup/manifest.txt). As "crasher"
 * it faults at once, every start. As "hanger" it stops answering once
 * ready. As "spinner" it keeps the CPU once ready, and "spinwait" below it
 * says when it ran again. As "nosy" (no control line, no devmem) it tries to kill hello and
 * prints what it got, for tests/qemu/supervisor.sh to check. As "suptest"
 * it checks, through hello, that lookup, calls, a crash and the restart
 * work, and that its devmem line gave it the HPET's registers; it prints
 * one TAP line a check, and ends QEMU. As "hog" it makes kernel objects
 * until the kernel refuses, while the supervisor goes on restarting. As
 * "claimer" and "twin" it checks the PCI server's claims (claimer.c). */
#include <stdio.h>
#include <string.h>

#include <kestrel/proto/hello.h>
#include <kestrel/proto/supervisor.h>
#include <kestrel/qemu_exit.h>

#include "claimer.h"
#include "io.h"
#include "ipc.h"
#include "leasy.h"
#include "server.h"
#include "sleep.h"
#include "slots.h"
#include "syscalls.h"
#include "vspace.h"

#define HPET_VENDOR_INTEL 0x8086 /* QEMU's HPET: general capabilities bits 31:16 */
#define BADMEM_TRIES      200

PROTO_CLIENT(HELLO_OPS)
PROTO_CLIENT(SUP_OPS)

static unsigned n, failed;

static void tap(int ok, const char *name, long detail)
{
	n++;
	failed += !ok;
	printf("%s %u - %s%s", ok ? "ok" : "not ok", n, name, ok ? "\n" : ": ");
	if (!ok)
		printf("got %ld\n", detail);
}

#define HOG_BUFFERS 0x0000500000000000ULL /* where the hog's threads get their message buffers */

/* Calls make(i) until it fails; *err: how it failed. */
static long hog_until_refused(long (*make)(const struct server_info *, uint64_t), long *err)
{
	const struct server_info *si = server_self();
	long i = 0;

	while ((*err = make(si, (uint64_t)i)) == E_OK)
		i++;
	return i;
}

static long hog_endpoint(const struct server_info *si, uint64_t i)
{
	(void)i;
	return sys_endpoint_create(si->si_pool, slot_alloc());
}

static long hog_thread(const struct server_info *si, uint64_t i)
{
	return sys_thread_create(si->si_self, si->si_pool, slot_alloc(), HOG_BUFFERS + i * 4096);
}

static long hog_task(const struct server_info *si, uint64_t i)
{
	(void)i;
	return sys_task_create(si->si_pool, slot_alloc());
}

static long hog_share(const struct server_info *si, uint64_t i)
{
	static char lent[4096] __attribute__((aligned(4096)));

	(void)i;
	return sys_share_create(si->si_pool, slot_alloc(), (uint64_t)lent, 1, R_READ);
}

/* As "hog": makes kernel objects from its pool until the kernel refuses
 * each kind, says what it got, and keeps them all. */
static void hog(const struct server_info *si)
{
	long e1, e2, e3, e4,
	        eps = hog_until_refused(hog_endpoint, &e1), threads = hog_until_refused(hog_thread, &e2),
	        tasks = hog_until_refused(hog_task, &e3), lent = hog_until_refused(hog_share, &e4);
	uint64_t left = ~0ULL;
	struct msg m;

	sys_pool_objects_out(si->si_pool, &left);
	printf("hog: generation %lu made %ld endpoints (%s), %ld threads (%s), %ld tasks (%s), %ld shares "
	       "(%s); %#lx left\n",
	       si->si_generation, eps, proto_error_text(e1), threads, proto_error_text(e2), tasks,
	       proto_error_text(e3), lent, proto_error_text(e4), left);
	server_ready();
	for (;;)
		ipc_recv(si->si_ep, IPC_FOREVER, &m); /* nobody calls: it just holds on */
}

/* The entry index of kind is there with first and count, and its slot
 * holds a capability of type. */
static long entry_is(uint64_t kind, unsigned index, uint64_t first, uint64_t count, uint64_t type)
{
	const struct server_res *r = server_resource(kind, index);
	struct cap_info ci;

	if (!r)
		return -1000;
	if (r->sr_first != first || r->sr_count != count)
		return -1001;
	if (sys_cap_identify_out(r->sr_slot, &ci) != E_OK || ci.ci_type != type)
		return -1002;
	return E_OK;
}

/* suptest's block has two ports, irq and devmem lines each, and a memory
 * line: server_info lists each with its slot and range, and each works. */
static void resource_lines(const struct server_info *si)
{
	const struct server_res *r;
	uint64_t va = 0, left = 0, free_frames;
	long e;

	e = entry_is(SERVER_RES_PORTS, 0, 0xf4, 4, CAP_IOPORT);
	if (e == E_OK)
		e = entry_is(SERVER_RES_PORTS, 1, 0x70, 2, CAP_IOPORT);
	if (e == E_OK && server_resource(SERVER_RES_PORTS, 0)->sr_slot != si->si_ioport)
		e = -1003;
	if (e == E_OK && server_resource(SERVER_RES_PORTS, 2))
		e = -1004;
	if (e == E_OK) {
		outb(0x70, 0x0A); /* the second range's ports: a fault if not ours */
		(void)inb(0x71);
	}
	tap(e == E_OK, "several_ports_lines_reach_the_server", e);
	e = entry_is(SERVER_RES_IRQ, 0, 5, 1, CAP_IRQ);
	if (e == E_OK)
		e = entry_is(SERVER_RES_IRQ, 1, 9, 1, CAP_IRQ);
	tap(e == E_OK, "several_irq_lines_reach_the_server", e);
	e = entry_is(SERVER_RES_DEVMEM, 0, 0xfed00000, 4096, CAP_FRAME);
	if (e == E_OK)
		e = entry_is(SERVER_RES_DEVMEM, 1, 0xfed01000, 4096, CAP_FRAME);
	if (e == E_OK)
		e = vspace_map(server_resource(SERVER_RES_DEVMEM, 1)->sr_slot, 1, R_READ, 0, &va);
	tap(e == E_OK && va, "several_devmem_lines_reach_the_server", e);
	r = server_resource(SERVER_RES_POOL, 0);
	e = r && r->sr_slot == si->si_pool && r->sr_count == 2048 ? E_OK : -1000;
	if (e == E_OK)
		e = sys_pool_info_out(si->si_pool, &left, &free_frames);
	tap(e == E_OK && left > 0 && left <= 2048, "memory_line_sets_the_pool_quota", e ? e : (long)left);
}

/* As "census" (tests/qemu/many.sh): waits until every other server of
 * the manifest is up (at most 20 s), says how many are, and ends QEMU. */
static int census(struct proto_client *sup)
{
	struct sup_index_req q;
	struct sup_list_rep r;
	unsigned total = 0, up = 0;

	server_ready();
	for (unsigned tries = 0; tries < 200; tries++) {
		total = up = 0;
		for (q.index = 0; sup_list(sup, &q, &r) == E_OK; q.index++) {
			total++;
			up += r.state == SUP_UP;
		}
		if (up == total)
			break;
		sleep_ms(server_self()->si_pool, 100);
	}
	printf("census: %u of %u servers up\n", up, total);
	fflush(stdout);
	outl(QEMU_EXIT_PORT, up == total ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
	return 0;
}

int main(void)
{
	const struct server_info *si = server_self();
	struct proto_client hello, crashy, sup = { .pc_ep = si->si_sup, .pc_retries = 1 };
	struct hello_echo_req eq = { 42 };
	struct hello_echo_rep er;
	struct hello_add_req aq = { 5 };
	struct hello_count_rep cr;
	struct hello_none none = { 0 };
	struct sup_name_req crash = { "hello" };
	struct sup_generation_rep crep;
	struct sup_name_req badmem = { "badmem" }, hog_name = { "hog" };
	uint64_t t0, t1, va, hpet_caps;
	unsigned i;
	long e, e_crashy;

	if (strcmp(si->si_name, "census") == 0)
		return census(&sup);
	if (strcmp(si->si_name, "leasy") == 0)
		return leasy_serve();
	if (strcmp(si->si_name, "claimer") == 0)
		return claimer_run(tap);
	if (strcmp(si->si_name, "twin") == 0)
		return claimer_twin(tap);
	if (strcmp(si->si_name, "crasher") == 0)
		__asm__ volatile("ud2"); /* dies before it is ready, every time */
	if (strcmp(si->si_name, "spinner") == 0) {
		server_ready();            /* then keeps the CPU: only its ticks can tell */
		sleep_ms(si->si_pool, 50); /* spinwait starts meanwhile, and sleeps */
		for (;;)
			continue;
	}
	if (strcmp(si->si_name, "spinwait") == 0) {
		uint64_t asleep = sys_clock_ms();

		sleep_ms(si->si_pool, 200); /* the spinner starts meanwhile */
		printf("spinwait: asked for 200 ms of sleep, ran again after %lu ms\n",
		       sys_clock_ms() - asleep);
		outl(QEMU_EXIT_PORT, QEMU_EXIT_PASS);
	}
	if (strcmp(si->si_name, "hanger") == 0) {
		server_ready(); /* then never answers anything: only a heartbeat can tell */
		for (;;)
			__asm__ volatile("pause");
	}
	if (strcmp(si->si_name, "hog") == 0)
		hog(si);
	if (strcmp(si->si_name, "nosy") == 0) {
		uint64_t dma = slot_alloc();

		e = sup_kill(&sup, &crash, &crep);
		printf("nosy: kill hello: %s; devmem slot %lu\n", proto_error_text(e), si->si_devmem);
		e = sys_mem_alloc(si->si_pool, dma, 1, MEM_DMA);
		printf("nosy: DMA memory: %s\n", proto_error_text(e));
		/* Nor may it make the supervisor keep frames for it. */
		e = sys_mem_alloc(si->si_pool, dma, 1, 0);
		if (e == E_OK) {
			struct proto_xfer x = { .px_caps = { dma } };

			e = sup_dma_keep_x(&sup, &(struct sup_dma_keep_req){ 0 },
			                   &(struct sup_dma_keep_rep){ 0 }, &x);
		}
		printf("nosy: dma_keep: %s\n", proto_error_text(e));
		e = sup_dma_reset(&sup, &(struct sup_dma_keep_req){ 0 }, &(struct sup_dma_keep_rep){ 0 });
		printf("nosy: dma_reset: %s\n", proto_error_text(e));
		/* Lines that would pass for the kernel's and the supervisor's,
		 * one hiding behind a carriage return and an escape sequence. */
		printf("kernel: forged by nosy\n[supervisor 1 ms] hello (generation 9): up\n");
		printf("innocent\r\033[2Kkernel: forged again\n");
		return 0;
	}
	/* crasher is still being restarted (its backoff takes 150 ms). */
	e_crashy = service_lookup("crashy", &crashy);
	e = service_lookup("hello", &hello);
	tap(e == E_OK, "lookup_finds_hello", e);
	e = hello_echo(&hello, &eq, &er);
	tap(e == E_OK && er.value == 42 && er.generation == 1, "echo_answers_from_first_instance",
	    e ? e : (long)er.value);
	e = hello_add(&hello, &aq, &cr);
	tap(e == E_OK && cr.count == 5, "add_counts", e ? e : (long)cr.count);
	t0 = sys_clock_tsc();
	e = sup_crash(&sup, &crash, &crep);
	tap(e == E_OK && crep.generation == 1, "supervisor_crashes_hello_on_request", e);
	eq.value = 7;
	e = hello_echo(&hello, &eq, &er);
	t1 = sys_clock_tsc();
	tap(e == E_OK && er.value == 7 && er.generation == 2, "same_endpoint_answers_after_restart",
	    e ? e : (long)er.generation);
	e = hello_count(&hello, &none, &cr);
	tap(e == E_OK && cr.count == 5, "restarted_hello_keeps_its_count_in_its_vault",
	    e ? e : (long)cr.count);
	/* Under -icount the time-stamp counter counts guest instructions. */
	printf("suptest: recovery %lu TSC from the crash request to the restarted hello's answer\n", t1 - t0);
	e = si->si_devmem ? vspace_map(si->si_devmem, 1, R_READ, 0, &va) : E_BAD_CAP;
	hpet_caps = e == E_OK ? *(volatile uint64_t *)va : 0;
	tap(e == E_OK && ((hpet_caps >> 16) & 0xFFFF) == HPET_VENDOR_INTEL && (hpet_caps >> 32) != 0,
	    "devmem_line_gives_the_hpet_registers", e ? e : (long)hpet_caps);
	{ /* the dma line: memory whose physical address it may learn */
		uint64_t dma = slot_alloc(), pa = 0, pages = 0;

		e = sys_mem_alloc(si->si_pool, dma, 2, MEM_DMA);
		if (e == E_OK)
			e = sys_mem_phys_out(dma, &pa, &pages);
		tap(e == E_OK && pa && !(pa & 4095) && pages == 2,
		    "dma_line_gives_memory_with_its_physical_address", e ? e : (long)pa);
		/* The supervisor keeps a copy for a driver whose device may
		 * outlive it (libvirtio); a call without the frame is refused. */
		struct proto_xfer x = { .px_caps = { dma } };

		e = sup_dma_keep_x(&sup, &(struct sup_dma_keep_req){ 0 }, &(struct sup_dma_keep_rep){ 0 },
		                   &x);
		x.px_caps[0] = CAP_NULL;
		long none = sup_dma_keep_x(&sup, &(struct sup_dma_keep_req){ 0 },
		                           &(struct sup_dma_keep_rep){ 0 }, &x);
		tap(e == E_OK && none != E_OK, "dma_keep_takes_a_frame_from_a_server_with_a_dma_line",
		    e ? e : none);
		/* dma_drop lets it go by its physical address, once; dma_reset
		 * lets go only of what earlier instances left. */
		struct sup_dma_keep_rep kr;
		long drop1 = sup_dma_drop(&sup, &(struct sup_dma_drop_req){ pa }, &kr);
		long drop2 = sup_dma_drop(&sup, &(struct sup_dma_drop_req){ pa }, &kr);

		x.px_caps[0] = dma;
		e = sup_dma_keep_x(&sup, &(struct sup_dma_keep_req){ 0 }, &kr, &x);
		long reset = sup_dma_reset(&sup, &(struct sup_dma_keep_req){ 0 }, &kr);
		long drop3 = sup_dma_drop(&sup, &(struct sup_dma_drop_req){ pa }, &kr);

		tap(drop1 == E_OK && drop2 == E_NOT_FOUND && e == E_OK && reset == E_OK && drop3 == E_OK,
		    "dma_drop_and_dma_reset_let_go_of_what_they_should",
		    drop1   ? drop1
		    : drop2 ? drop2
		            : drop3);
		/* A full table refuses with E_LIMIT, keeps what it had, and
		 * takes again once entries are dropped. */
		unsigned kept = 0, dropped = 0;

		while (kept < 1000 &&
		       (e = sup_dma_keep_x(&sup, &(struct sup_dma_keep_req){ 0 }, &kr, &x)) == E_OK)
			kept++;
		long full = e;
		while (dropped < 1000 && sup_dma_drop(&sup, &(struct sup_dma_drop_req){ pa }, &kr) == E_OK)
			dropped++;
		tap(full == E_LIMIT && kept > 0 && dropped == kept,
		    "a_full_dma_table_refuses_and_loses_nothing",
		    full == E_LIMIT ? (long)dropped - (long)kept : full);
	}
	/* badmem's start fails part-way (its devmem line names RAM), after
	 * the supervisor made its pool and copies: each failure must give
	 * them all back, or 200 of them would use up the supervisor's 256
	 * slots and the kernel's 64 pools, and hello's restart would fail. */
	for (i = 0, e = E_BAD_ARG; i < BADMEM_TRIES && e == E_BAD_ARG; i++)
		e = sup_restart(&sup, &badmem, &crep);
	tap(e == E_BAD_ARG && i == BADMEM_TRIES, "failed_starts_give_back_what_they_took", e);
	e = sup_restart(&sup, &crash, &crep);
	if (e == E_OK)
		e = hello_echo(&hello, &eq, &er);
	tap(e == E_OK && er.generation == 3, "restart_works_after_the_failed_starts",
	    e ? e : (long)er.generation);
	e = hello_count(&hello, &none, &cr);
	tap(e == E_OK && cr.count == 5, "requested_restart_keeps_the_vault_too", e ? e : (long)cr.count);
	/* The hog holds every object its pool allows; a new generation gets
	 * them all again, so the first one's came back. */
	e = sup_restart(&sup, &hog_name, &crep);
	tap(e == E_OK && crep.generation == 2, "hog_restarts_with_its_whole_share", e);
	sleep_ms(server_self()->si_pool, 1500); /* crasher's backoff: 0, 50, 100 ms, then it is left down */
	/* Its service stays, but calls to it are refused instead of waiting
	 * for ever (any opcode will do: nobody is there to read it), and a
	 * new lookup says it failed. */
	e = e_crashy == E_OK ? hello_echo(&crashy, &eq, &er) : e_crashy;
	tap(e == PE_FAILED, "call_to_server_left_down_says_it_failed", e);
	e = service_lookup("crashy", &crashy);
	tap(e == PE_FAILED, "lookup_of_server_left_down_says_it_failed", e);
	e = service_lookup("broken", &crashy);
	tap(e == PE_FAILED, "lookup_of_a_refused_server_says_it_failed", e);
	resource_lines(si);
	e = service_lookup("hanging", &crashy);
	tap(e == PE_NO_SERVICE, "lookup_of_a_service_not_in_uses_is_refused", e);
	leasy_checks(tap);
	claimer_unclaimed(tap);
	printf("1..%u\nsuptest: %u passed, %u failed\n", n, n - failed, failed);
	fflush(stdout);
	outl(QEMU_EXIT_PORT, failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	return 0;
}

/* The runner's harness: per-test resource tracking and clean-up, the
 * helpers that make objects, helper tasks and fault messages. */
#include "harness.h"

#include <stdarg.h>

/* Instructions that fault on purpose, with labels (see harness.h). */
__asm__(".text\n"
        ".globl kt_store, kt_store_insn\n"
        "kt_store:\n"
        "kt_store_insn: movq %rsi, (%rdi)\n"
        "	ret\n"
        ".globl kt_load, kt_load_insn\n"
        "kt_load:\n"
        "kt_load_insn: movq (%rdi), %rax\n"
        "	ret\n"
        ".globl kt_syscall_nr, kt_syscall_after\n"
        "kt_syscall_nr:\n"
        "	mov %rdi, %rax\n"
        "	syscall\n"
        "kt_syscall_after:\n"
        "	ret\n"
        /* popfq sets TF: the nop after it runs, then the debug trap
         * (#DB) comes with rip at kt_single_step_trap. */
        ".globl kt_single_step, kt_single_step_trap\n"
        "kt_single_step:\n"
        "	pushfq\n"
        "	orq $0x100, (%rsp)\n"
        "	popfq\n"
        "	nop\n"
        "kt_single_step_trap:\n"
        "	pushfq\n"
        "	andq $~0x100, (%rsp)\n"
        "	popfq\n"
        "	xor %eax, %eax\n"
        "	ret\n");

const struct boot_info *kt_bi;
struct elf_file kt_helper;

static char fail_reason[240];
static bool failed;
static bool keep_object[CAP_SLOTS];
static unsigned vspace_at_begin;
static void (*at_end)(void);
static uint64_t sleep_ep;
static uint64_t watchdog_ep;
static volatile uint64_t watchdog_fired;

/* The watchdog: a thread of the runner's own priority that waits for
 * "armed for N ms" / "disarmed" messages. When a test outlives its budget
 * it suspends and resumes the runner's main thread, which cancels whatever
 * IPC that thread is stuck in (the call returns E_BAD_STATE), so one hung
 * test fails instead of stopping the whole run. */
static long __attribute__((noreturn)) watchdog(uint64_t arg)
{
	uint64_t timeout = IPC_FOREVER;
	struct msg m;

	(void)arg;
	for (;;) {
		long e = ipc_recv(watchdog_ep, timeout, &m);

		if (e == E_OK) {
			timeout = m.w[0] ? m.w[0] : IPC_FOREVER;
		} else if (e == E_TIMEOUT) {
			watchdog_fired++;
			sys_thread_suspend(BOOT_SLOT_THREAD);
			sys_thread_resume(BOOT_SLOT_THREAD);
			timeout = 1000; /* and again, until the test is over */
		}
	}
}

void kt_watchdog_arm(uint64_t ms)
{
	struct msg m;

	msg_init(&m, 0, 1);
	m.w[0] = ms;
	ipc_send(watchdog_ep, &m);
}

long kt_harness_init(void)
{
	struct uthread_info ui;
	long e;

	sleep_ep = slot_alloc();
	watchdog_ep = slot_alloc();
	e = sys_endpoint_create(BOOT_SLOT_POOL, sleep_ep);
	if (e == E_OK)
		e = sys_endpoint_create(BOOT_SLOT_POOL, watchdog_ep);
	if (e == E_OK)
		e = uthread_create(watchdog, 0, RUNNER_PRIO, CAP_NULL, BOOT_SLOT_POOL, &ui);
	return e;
}

uint64_t kt_watchdog_fired(void)
{
	return watchdog_fired;
}

int kt_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (failed)
		return -1;
	failed = true;
	n = snprintf(fail_reason, sizeof(fail_reason), "%s:%d: ", file, line);
	if (n > 0 && (unsigned)n < sizeof(fail_reason)) {
		va_start(ap, fmt);
		vsnprintf(fail_reason + n, sizeof(fail_reason) - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* main.c reads the reason after the test. */
const char *kt_reason(void)
{
	return failed ? fail_reason : 0;
}

const char *kt_err(long e)
{
	static char buf[24];

	switch (e) {
#define KT_ERROR_NAME(name, value, text) \
	case value:                      \
		return #name;
		KESTREL_ERRORS(KT_ERROR_NAME)
#undef KT_ERROR_NAME
	}
	snprintf(buf, sizeof(buf), "%ld", e);
	return buf;
}

void kt_begin(void)
{
	failed = false;
	at_end = 0;
	for (int i = 0; i < CAP_SLOTS; i++)
		keep_object[i] = false;
	slots_track_reset();
	vspace_at_begin = vspace_mark();
	kt_watchdog_arm(KT_TEST_BUDGET_MS);
}

void kt_at_end(void (*fn)(void))
{
	at_end = fn;
}

void kt_keep_object(uint64_t slot)
{
	if (slot < CAP_SLOTS)
		keep_object[slot] = true;
}

/* Destroys every tracked object of one type that we may destroy. */
static void destroy_tracked(uint64_t type)
{
	struct cap_info ci;

	for (uint64_t s = slots_tracked_next(0); s != CAP_NULL; s = slots_tracked_next(s))
		if (!keep_object[s] && sys_cap_identify_out(s, &ci) == E_OK && ci.ci_type == type &&
		    (ci.ci_rights & R_CONTROL))
			sys_obj_destroy(s);
}

void kt_end(void)
{
	uint64_t s;

	kt_watchdog_arm(0);
	if (at_end)
		at_end();
	/* Threads first, so none runs on while its stack or task goes away. */
	destroy_tracked(CAP_THREAD);
	destroy_tracked(CAP_TASK);
	destroy_tracked(CAP_ENDPOINT);
	vspace_release(vspace_at_begin);
	while ((s = slots_tracked_next(0)) != CAP_NULL) {
		sys_cap_delete(s);
		slot_free(s);
	}
}

uint64_t kt_slot(void)
{
	return slot_alloc();
}

long kt_recv_forever(uint64_t ep)
{
	struct msg m;

	return ipc_recv(ep, IPC_FOREVER, &m);
}

long kt_endpoint(uint64_t *slot)
{
	*slot = slot_alloc();
	return *slot == CAP_NULL ? E_LIMIT : sys_endpoint_create(BOOT_SLOT_POOL, *slot);
}

long kt_copy(uint64_t src, uint64_t rights, uint64_t badge, uint64_t *slot)
{
	*slot = slot_alloc();
	if (*slot == CAP_NULL)
		return E_LIMIT;
	if (src < kt_bi->bi_first_free_slot || (src < CAP_SLOTS && keep_object[src]))
		kt_keep_object(*slot);
	return sys_cap_copy(src, BOOT_SLOT_TASK, *slot, rights, badge, badge ? CAP_COPY_BADGE : 0);
}

long kt_frame(uint64_t pages, uint64_t *slot)
{
	*slot = slot_alloc();
	return *slot == CAP_NULL ? E_LIMIT : sys_mem_alloc(BOOT_SLOT_POOL, *slot, pages, 0);
}

long kt_map(uint64_t frame, uint64_t pages, uint64_t rights, volatile uint64_t **va)
{
	uint64_t at;
	long e = vspace_map(frame, pages, rights, 0, &at);

	*va = (volatile uint64_t *)at;
	return e;
}

long kt_page(uint64_t pages, uint64_t *frame, volatile uint64_t **va)
{
	long e = kt_frame(pages, frame);

	*va = 0;
	return e != E_OK ? e : kt_map(*frame, pages, R_READ | R_WRITE, va);
}

long kt_thread(long (*fn)(uint64_t), uint64_t arg, unsigned prio, uint64_t fault_ep, uint64_t *slot)
{
	struct uthread_info ui;
	long e = uthread_create(fn, arg, prio, fault_ep, BOOT_SLOT_POOL, &ui);

	*slot = e == E_OK ? ui.ui_slot : CAP_NULL;
	return e;
}

long kt_spawn(long (*fn)(uint64_t), uint64_t arg, unsigned prio, struct kt_joinable *j)
{
	long e = kt_endpoint(&j->kj_fault_ep);

	j->kj_thread = CAP_NULL;
	return e != E_OK ? e : kt_thread(fn, arg, prio, j->kj_fault_ep, &j->kj_thread);
}

long kt_join(const struct kt_joinable *j, long *status)
{
	struct kt_fault f;
	long e = kt_fault_recv(j->kj_fault_ep, KT_WAIT_MS, &f);

	*status = 0;
	if (e != E_OK)
		return e;
	if (f.kf_kind != FAULT_EXIT) {
		printf("# thread faulted: kind %lu addr %#lx ip %#lx code %#lx\n", f.kf_kind, f.kf_addr,
		       f.kf_ip, f.kf_code);
		return E_BAD_STATE;
	}
	*status = (long)f.kf_code;
	return E_OK;
}

long kt_pool_with(uint64_t pages, uint64_t objects, uint64_t *slot)
{
	*slot = slot_alloc();
	return *slot == CAP_NULL ? E_LIMIT : sys_pool_split(BOOT_SLOT_POOL, *slot, pages, objects);
}

long kt_pool(uint64_t pages, uint64_t *slot)
{
	return kt_pool_with(pages, KT_POOL_OBJECTS, slot);
}

uint64_t kt_now(void)
{
	return sys_clock_ms();
}

void kt_sleep(uint64_t ms)
{
	struct msg m;

	ipc_recv(sleep_ep, ms, &m);
}

void kt_pool_state(uint64_t pool, uint64_t *left, uint64_t *free_frames)
{
	*left = *free_frames = 0;
	sys_pool_info_out(pool, left, free_frames);
}

/* Maps one page into the helper at HELPER_SHARED_VADDR and into us. */
static long helper_share(struct kt_helper *h)
{
	uint64_t frame;
	volatile uint64_t *va;
	long e = kt_page(1, &frame, &va);

	if (e == E_OK)
		e = sys_mem_map(h->kh_sp.sp_task, frame, HELPER_SHARED_VADDR, R_READ | R_WRITE, 0, 0);
	h->kh_shared = (volatile struct helper_shared *)va;
	return e;
}

long kt_helper_start(struct kt_helper *h, const struct kt_helper_opts *o)
{
	struct spawn_req r = {
		.sr_image = kt_helper.ef_base,
		.sr_size = kt_helper.ef_size,
		.sr_self = BOOT_SLOT_TASK,
		.sr_pool = o->ho_pool ? o->ho_pool : BOOT_SLOT_POOL,
		.sr_prio = o->ho_prio ? o->ho_prio : HELPER_PRIO,
		.sr_fault_ep = CAP_NULL,
		.sr_caps = o->ho_caps,
		.sr_ncaps = o->ho_ncaps,
	};
	static uint64_t helpers_started;
	long e;

	h->kh_shared = 0;
	h->kh_arg = HELPER_ARG(o->ho_role, o->ho_param);
	h->kh_badge = o->ho_badge ? o->ho_badge : KT_HELPER_BADGE + ++helpers_started;
	if (o->ho_fault_ep != CAP_NULL) {
		e = kt_copy(o->ho_fault_ep, R_WRITE, h->kh_badge, &r.sr_fault_ep);
		if (e != E_OK)
			return e;
	}
	e = spawn_load(&r, &h->kh_sp);
	if (e != E_OK)
		return e;
	/* spawn_load's slots come from the allocator, so kt_end() frees them. */
	if (o->ho_shared) {
		e = helper_share(h);
		if (e != E_OK)
			return e;
	}
	return o->ho_stopped ? E_OK : spawn_start(&h->kh_sp, h->kh_arg);
}

uint64_t kt_helper_sym(const char *name)
{
	return elf_symbol(&kt_helper, name);
}

long kt_fault_recv(uint64_t ep, uint64_t timeout_ms, struct kt_fault *f)
{
	static struct msg m;
	long e = ipc_recv(ep, timeout_ms, &m);

	if (e != E_OK)
		return e;
	f->kf_badge = m.badge;
	f->kf_kind = m.w[FAULT_W_KIND];
	f->kf_addr = m.w[FAULT_W_ADDR];
	f->kf_ip = m.w[FAULT_W_IP];
	f->kf_code = m.w[FAULT_W_CODE];
	f->kf_thread = m.w[FAULT_W_THREAD];
	f->kf_sp = m.w[FAULT_W_SP];
	if (msg_label(&m) != KMSG_FAULT || msg_words(&m) < FAULT_WORDS) {
		printf("# fault endpoint got label %#x with %u words\n", msg_label(&m), msg_words(&m));
		return E_BAD_STATE;
	}
	return E_OK;
}

long kt_fault_resume(void)
{
	struct msg m;

	msg_init(&m, FAULT_RESUME, 0);
	return ipc_reply(&m);
}

long kt_fault_resume_at(uint64_t rip, uint64_t rsp)
{
	struct msg m;

	msg_init(&m, FAULT_RESUME_AT, 2);
	m.w[0] = rip;
	m.w[1] = rsp;
	return ipc_reply(&m);
}

/* Faults as messages: a helper faults in a chosen way and the runner, as
 * its fault handler, checks the kind, address and instruction pointer
 * (against the labels in the helper's symbol table), then resumes it
 * elsewhere or destroys it. Also: memory and ports of other tasks are out
 * of reach, exit statuses arrive, and a thread without a handler stops. */
#include "harness.h"

#define FAULT_BADGE 0x51

/* Starts a helper in role with its fault endpoint badged FAULT_BADGE and
 * waits for its first fault message. */
static long helper_fault(unsigned role, uint64_t param, struct kt_helper *h, uint64_t *ep, struct kt_fault *f,
                         const struct spawn_cap *caps, unsigned ncaps)
{
	long e = kt_endpoint(ep);
	struct kt_helper_opts o = { .ho_role = role,
		                    .ho_param = param,
		                    .ho_fault_ep = *ep,
		                    .ho_badge = FAULT_BADGE,
		                    .ho_caps = caps,
		                    .ho_ncaps = ncaps };

	if (e == E_OK)
		e = kt_helper_start(h, &o);
	return e != E_OK ? e : kt_fault_recv(*ep, KT_WAIT_MS, f);
}

/* Checks a fault's kind, badge, instruction (by helper symbol), stack
 * pointer (inside the helper's stack) and thread id. */
static int check_helper_fault(const struct kt_fault *f, uint64_t kind, const char *insn)
{
	uint64_t ip = kt_helper_sym(insn);

	CHECK_MSG(ip != 0, "the helper has no symbol %s", insn);
	CHECK_EQ(f->kf_kind, kind);
	CHECK_EQ(f->kf_badge, FAULT_BADGE);
	CHECK_EQ(f->kf_ip, ip);
	CHECK_MSG(f->kf_sp < BOOT_STACK_TOP && f->kf_sp >= BOOT_STACK_TOP - BOOT_STACK_PAGES * PAGE_SIZE,
	          "stack pointer %#lx is not in the helper's stack", f->kf_sp);
	CHECK(f->kf_thread != (uint64_t)sys_thread_id());
	return 0;
}

int test_page_fault_reaches_handler_with_address(void)
{
	struct kt_helper h;
	struct kt_fault f;
	struct cap_info ci;
	uint64_t ep;

	CHECK_OK(helper_fault(ROLE_WRITE, 0xDEAD0000, &h, &ep, &f, 0, 0));
	if (check_helper_fault(&f, FAULT_PAGE, "helper_write_insn"))
		return -1;
	CHECK_EQ(f.kf_addr, 0xDEAD0000);
	CHECK_EQ(f.kf_code & (PF_PRESENT | PF_WRITE | PF_USER), PF_WRITE | PF_USER);
	/* The handler may destroy the thread instead of answering. */
	CHECK_OK(sys_obj_destroy(h.kh_sp.sp_thread));
	CHECK_OK(sys_cap_identify_out(h.kh_sp.sp_thread, &ci));
	CHECK_EQ(ci.ci_type, CAP_EMPTY);
	return 0;
}

int test_fault_handler_resumes_thread_elsewhere(void)
{
	struct kt_helper h;
	struct kt_fault f;
	uint64_t ep, back;
	struct msg m;

	CHECK_OK(kt_endpoint(&back));
	struct spawn_cap caps[] = { { back, HSLOT_EP, R_WRITE, 0 } };
	CHECK_OK(helper_fault(ROLE_READ, 0xDEAD0000, &h, &ep, &f, caps, 1));
	if (check_helper_fault(&f, FAULT_PAGE, "helper_read_insn"))
		return -1;
	CHECK_EQ(f.kf_addr, 0xDEAD0000);
	CHECK_EQ(f.kf_code & (PF_PRESENT | PF_WRITE | PF_USER), PF_USER);
	CHECK_OK(kt_fault_resume_at(kt_helper_sym("helper_resumed"), f.kf_sp));
	CHECK_OK(ipc_recv(back, KT_WAIT_MS, &m));
	CHECK_EQ(msg_label(&m), LABEL_RESUMED);
	CHECK_EQ(m.w[0], f.kf_thread);
	CHECK_OK(kt_fault_recv(ep, KT_WAIT_MS, &f));
	CHECK_EQ(f.kf_kind, FAULT_EXIT);
	CHECK_EQ(f.kf_code, 0);
	return 0;
}

int test_privileged_instruction_reaches_handler(void)
{
	struct kt_helper h;
	struct kt_fault f;
	uint64_t ep;

	CHECK_OK(helper_fault(ROLE_PRIVILEGED, 0, &h, &ep, &f, 0, 0));
	return check_helper_fault(&f, FAULT_PROTECTION, "helper_hlt_insn");
}

int test_divide_error_reaches_handler(void)
{
	struct kt_helper h;
	struct kt_fault f;
	uint64_t ep;

	CHECK_OK(helper_fault(ROLE_DIVIDE, 0, &h, &ep, &f, 0, 0));
	return check_helper_fault(&f, FAULT_DIVIDE, "helper_div_insn");
}

int test_invalid_opcode_reaches_handler(void)
{
	struct kt_helper h;
	struct kt_fault f;
	uint64_t ep;

	CHECK_OK(helper_fault(ROLE_OPCODE, 0, &h, &ep, &f, 0, 0));
	if (check_helper_fault(&f, FAULT_OPCODE, "helper_ud_insn"))
		return -1;
	/* Resumed past the two-byte ud2, the helper returns and exits. */
	CHECK_OK(kt_fault_resume_at(f.kf_ip + 2, f.kf_sp));
	CHECK_OK(kt_fault_recv(ep, KT_WAIT_MS, &f));
	CHECK_EQ(f.kf_kind, FAULT_EXIT);
	return 0;
}

/* The runner's page at the same address is not the helper's. */
static int check_other_memory(unsigned role, uint64_t code)
{
	struct kt_helper h;
	struct kt_fault f;
	uint64_t frame, ep;
	volatile uint64_t *secret;

	CHECK_OK(kt_page(1, &frame, &secret));
	secret[0] = 0x5EC12E7;
	CHECK_OK(helper_fault(role, (uint64_t)secret, &h, &ep, &f, 0, 0));
	if (check_helper_fault(&f, FAULT_PAGE, role == ROLE_READ ? "helper_read_insn" : "helper_write_insn"))
		return -1;
	CHECK_EQ(f.kf_addr, (uint64_t)secret);
	CHECK_EQ(f.kf_code & (PF_PRESENT | PF_WRITE | PF_USER), code);
	CHECK_EQ(secret[0], 0x5EC12E7);
	return 0;
}

int test_task_cannot_read_another_tasks_memory(void)
{
	return check_other_memory(ROLE_READ, PF_USER);
}

int test_task_cannot_write_another_tasks_memory(void)
{
	return check_other_memory(ROLE_WRITE, PF_USER | PF_WRITE);
}

int test_task_cannot_use_ports_it_was_not_given(void)
{
	struct kt_helper h;
	struct kt_fault f;
	uint64_t ep;

	CHECK_OK(helper_fault(ROLE_PORT_IN, 0x70, &h, &ep, &f, 0, 0));
	if (check_helper_fault(&f, FAULT_PROTECTION, "helper_in_insn"))
		return -1;
	CHECK_OK(helper_fault(ROLE_PORT_OUT, 0x80, &h, &ep, &f, 0, 0));
	return check_helper_fault(&f, FAULT_PROTECTION, "helper_out_insn");
}

int test_task_uses_exactly_the_ports_it_was_given(void)
{
	struct kt_helper h;
	struct kt_fault f;
	uint64_t ep, port = kt_slot();

	/* 0x7e-0x80: across the bitmap's 64-port word boundary at 0x80. */
	CHECK_OK(sys_ioport_get(BOOT_SLOT_IOPORT, port, 0x7e, 3));
	struct spawn_cap caps[] = { { port, HSLOT_IOPORT, R_ALL, 0 } };
	for (uint64_t p = 0x7e; p <= 0x80; p += 2) {
		CHECK_OK(helper_fault(ROLE_PORT_OUT, p, &h, &ep, &f, caps, 1));
		CHECK_EQ(f.kf_kind, FAULT_EXIT);
		CHECK_EQ(f.kf_code, 0);
	}
	CHECK_OK(helper_fault(ROLE_PORT_OUT, 0x7d, &h, &ep, &f, caps, 1));
	if (check_helper_fault(&f, FAULT_PROTECTION, "helper_out_insn"))
		return 1;
	CHECK_OK(helper_fault(ROLE_PORT_OUT, 0x81, &h, &ep, &f, caps, 1));
	return check_helper_fault(&f, FAULT_PROTECTION, "helper_out_insn");
}

int test_thread_exit_reports_its_status(void)
{
	struct kt_helper h;
	struct kt_fault f;
	uint64_t ep;

	CHECK_OK(helper_fault(ROLE_EXIT, 42, &h, &ep, &f, 0, 0));
	CHECK_EQ(f.kf_kind, FAULT_EXIT);
	CHECK_EQ(f.kf_code, 42);
	CHECK_EQ(f.kf_badge, FAULT_BADGE);
	return 0;
}

/* Any other exception, with its vector: the debug trap (#DB, 1) a thread
 * gets when it sets the trap flag. A trap, so rip is past the instruction
 * it followed. The handler ends the thread. */
int test_debug_trap_reaches_handler_as_other_fault(void)
{
	struct kt_joinable j;
	struct kt_fault f;
	struct cap_info ci;

	CHECK_OK(kt_spawn(kt_single_step, 0, HELPER_PRIO, &j));
	CHECK_OK(kt_fault_recv(j.kj_fault_ep, KT_WAIT_MS, &f));
	CHECK_FAULT(f, FAULT_OTHER, kt_single_step_trap);
	CHECK_EQ(f.kf_code, 1);
	CHECK_OK(sys_obj_destroy(j.kj_thread));
	CHECK_OK(sys_cap_identify_out(j.kj_thread, &ci));
	CHECK_EQ(ci.ci_type, CAP_EMPTY);
	return 0;
}

static volatile int before_fault, after_fault;

static long fault_unhandled(uint64_t addr)
{
	before_fault = 1;
	kt_store(addr, 1);
	after_fault = 1;
	return 0;
}

int test_fault_without_handler_stops_the_thread(void)
{
	uint64_t thread, va = vspace_alloc(PAGE_SIZE, PAGE_SIZE);
	struct cap_info ci;

	before_fault = after_fault = 0;
	CHECK_OK(kt_thread(fault_unhandled, va, HELPER_PRIO, CAP_NULL, &thread));
	kt_sleep(20);
	CHECK(before_fault);
	CHECK(!after_fault);
	CHECK_OK(sys_cap_identify_out(thread, &ci));
	CHECK_EQ(ci.ci_type, CAP_THREAD);
	return 0;
}

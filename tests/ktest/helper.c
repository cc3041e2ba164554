/* The test helper: a second program the runner loads from the second boot
 * module as often as it needs, once per helper task. Its start argument
 * picks a role (ktest.h): serve calls, make calls, fault in a chosen way,
 * spin, or fuzz the system calls. The instructions that fault on purpose
 * carry global labels, which the runner looks up in this program's symbol
 * table to check the instruction pointer a fault message reports. */
#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/ipc.h>

#include "console.h"
#include "ipc.h"
#include "ktest.h"
#include "syscalls.h"

long fuzz_run(uint64_t seed); /* fuzz.c */

void helper_write_at(uint64_t addr);
uint64_t helper_read_at(uint64_t addr);
void helper_hlt(void);
uint64_t helper_div(uint64_t divisor);
void helper_ud(void);
uint8_t helper_in(uint64_t port);
void helper_out(uint64_t port);
void helper_report_resumed(void) __attribute__((noreturn, used));

/* One function per way to fault; *_insn labels the faulting instruction. */
__asm__(".text\n"
        ".globl helper_write_at, helper_write_insn\n"
        "helper_write_at:\n"
        "helper_write_insn: movq $0x5a5a, (%rdi)\n"
        "	ret\n"
        ".globl helper_read_at, helper_read_insn\n"
        "helper_read_at:\n"
        "helper_read_insn: movq (%rdi), %rax\n"
        "	ret\n"
        ".globl helper_hlt, helper_hlt_insn\n"
        "helper_hlt:\n"
        "helper_hlt_insn: hlt\n"
        "	ret\n"
        ".globl helper_div, helper_div_insn\n"
        "helper_div:\n"
        "	xor %edx, %edx\n"
        "	mov $1, %eax\n"
        "helper_div_insn: divq %rdi\n"
        "	ret\n"
        ".globl helper_ud, helper_ud_insn\n"
        "helper_ud:\n"
        "helper_ud_insn: ud2\n"
        "	ret\n"
        ".globl helper_in, helper_in_insn\n"
        "helper_in:\n"
        "	mov %edi, %edx\n"
        "helper_in_insn: inb %dx, %al\n"
        "	ret\n"
        ".globl helper_out, helper_out_insn\n"
        "helper_out:\n"
        "	mov %edi, %edx\n"
        "	xor %eax, %eax\n"
        "helper_out_insn: outb %al, %dx\n"
        "	ret\n"
        /* A fault handler may resume a thread here (FAULT_RESUME_AT) with
         * any stack pointer inside its stack. */
        ".globl helper_resumed\n"
        "helper_resumed:\n"
        "	and $-16, %rsp\n"
        "	call helper_report_resumed\n"
        "	ud2\n");

void helper_report_resumed(void)
{
	struct msg m;

	msg_init(&m, LABEL_RESUMED, 1);
	m.w[0] = (uint64_t)sys_thread_id();
	ipc_send(HSLOT_EP, &m);
	thread_exit(0);
}

static void echo_answer(const struct msg *m, struct msg *r)
{
	unsigned n = msg_words(m) > MSG_MAX_WORDS ? MSG_MAX_WORDS : msg_words(m);

	msg_init(r, msg_label(m) + LABEL_ANSWER, n);
	for (unsigned i = 0; i < n; i++)
		r->w[i] = ECHO_INVERT(m->w[i]);
}

/* Maps the frame it was sent, reads word 0, writes word 1. */
static void echo_map(const struct msg *m, struct msg *r)
{
	volatile uint64_t *page = (volatile uint64_t *)HELPER_MAP_VADDR;
	uint64_t unmapped;
	long e = E_BAD_ARG;

	msg_init(r, LABEL_MAP + LABEL_ANSWER, 2);
	if (MSGINFO_CAPS(m->info) >= 1)
		e = sys_mem_map(HSLOT_SELF, m->caps[0], HELPER_MAP_VADDR, R_READ | R_WRITE, 0, 0);
	r->w[1] = (uint64_t)e;
	if (e != E_OK)
		return;
	r->w[0] = page[0];
	page[1] = m->w[1];
	sys_mem_unmap_out(HSLOT_SELF, HELPER_MAP_VADDR, 1, &unmapped);
	sys_cap_delete(m->caps[0]);
}

/* Describes the capabilities it received. */
static void echo_capinfo(const struct msg *m, struct msg *r)
{
	unsigned n = MSGINFO_CAPS(m->info);
	struct cap_info ci;

	if (n > MSG_MAX_CAPS)
		n = MSG_MAX_CAPS;
	msg_init(r, LABEL_CAPINFO + LABEL_ANSWER, 2 + 4 * n);
	r->w[0] = n;
	r->w[1] = !!(m->info & MSGINFO_CAPS_LOST);
	for (unsigned i = 0; i < n; i++) {
		sys_cap_identify_out(m->caps[i], &ci);
		r->w[2 + 4 * i] = m->caps[i];
		r->w[3 + 4 * i] = ci.ci_type;
		r->w[4 + 4 * i] = ci.ci_rights;
		r->w[5 + 4 * i] = ci.ci_badge;
	}
}

/* Keeps the caller waiting: saves the reply capability (waiting in recv
 * would drop it, answering the caller E_NO_REPLY), tells the runner, then
 * waits for ever. */
static void __attribute__((noreturn)) echo_swallow(void)
{
	struct msg m;

	sys_reply_save(slot_alloc());
	msg_init(&m, LABEL_SWALLOW, 0);
	ipc_send(HSLOT_EP2, &m);
	for (;;)
		ipc_recv(HSLOT_EP3, IPC_FOREVER, &m);
}

static long role_echo(void)
{
	static struct msg m, r;
	long e = ipc_recv(HSLOT_EP, IPC_FOREVER, &m);

	while (e == E_OK) {
		switch (msg_label(&m)) {
		case LABEL_MAP:
			echo_map(&m, &r);
			break;
		case LABEL_CAPINFO:
			echo_capinfo(&m, &r);
			break;
		case LABEL_GIVE:
			msg_init(&r, LABEL_GIVE + LABEL_ANSWER, 0);
			r.info = MSGINFO(LABEL_GIVE + LABEL_ANSWER, 0, 1);
			r.caps[0] = HSLOT_EP2;
			break;
		case LABEL_SWALLOW:
			echo_swallow();
		case LABEL_QUIT:
			msg_init(&r, LABEL_QUIT + LABEL_ANSWER, 0);
			return ipc_reply(&r);
		default:
			echo_answer(&m, &r);
			break;
		}
		m = r;
		e = ipc_reply_recv(HSLOT_EP, &m);
	}
	return e;
}

static long role_client(uint64_t param)
{
	struct msg m;
	long good = 0;

	for (uint64_t i = 0; i < CLIENT_COUNT(param); i++) {
		msg_init(&m, LABEL_CLIENT, 2);
		m.w[0] = i;
		m.w[1] = CLIENT_ID(param);
		if (ipc_call(HSLOT_EP, &m) == E_OK && m.w[0] == i + 1)
			good++;
	}
	return good;
}

static long __attribute__((noreturn)) role_spin(void)
{
	volatile struct helper_shared *s = (volatile struct helper_shared *)HELPER_SHARED_VADDR;

	for (;;)
		s->hs_counter++;
}

static long role_identify(uint64_t slot)
{
	struct cap_info ci;
	long e = sys_cap_identify_out(slot, &ci);

	return e < 0 ? e : (long)ci.ci_type;
}

static long role_forge(void)
{
	struct msg m;
	long e = sys_debug_write((uint64_t)FORGED_HALF, sizeof(FORGED_HALF) - 1);

	msg_init(&m, LABEL_ECHO, 0);
	if (e == E_OK)
		e = ipc_call(HSLOT_EP, &m);
	if (e == E_OK)
		e = sys_debug_write((uint64_t)FORGED_LINE, sizeof(FORGED_LINE) - 1);
	return e;
}

static long role_signal(uint64_t count)
{
	long ok = 0;

	for (uint64_t i = 0; i < count; i++)
		ok += sys_signal(HSLOT_EP) == E_OK;
	return ok;
}

static long role_lend(uint64_t rights)
{
	uint64_t share = slot_alloc();
	long e = sys_share_create(HSLOT_POOL, share, HELPER_SHARED_VADDR, 1, rights);
	struct msg m;

	msg_init(&m, LABEL_LENT, 1);
	m.w[0] = (uint64_t)e;
	if (e == E_OK)
		m.info = MSGINFO(LABEL_LENT, 1, 1);
	m.caps[0] = share;
	e = ipc_send(HSLOT_EP, &m);
	for (;;)
		ipc_recv(HSLOT_EP3, IPC_FOREVER, &m);
	return e;
}

/* Two tasks whose only capabilities are in each other's tables (and one
 * in its own): nothing can reach them once ours go, but they are ours. */
static long role_cycle(void)
{
	uint64_t a = slot_alloc(), b = slot_alloc();
	long e;

	if ((e = sys_task_create(HSLOT_POOL, a)) < 0 || (e = sys_task_create(HSLOT_POOL, b)) < 0 ||
	    (e = sys_cap_copy(a, a, 1, R_ALL, 0, 0)) < 0 || (e = sys_cap_copy(b, a, 2, R_ALL, 0, 0)) < 0 ||
	    (e = sys_cap_copy(a, b, 1, R_ALL, 0, 0)) < 0 || (e = sys_cap_delete(a)) < 0 ||
	    (e = sys_cap_delete(b)) < 0)
		return e;
	return 0;
}

/* Calls make(i) until it fails; returns how many succeeded, or the error
 * if it was not the quota's E_LIMIT. */
static long hog_until_limit(long (*make)(uint64_t))
{
	for (uint64_t i = 0;; i++) {
		long e = make(i);

		if (e != E_OK)
			return e == E_LIMIT ? (long)i : e;
	}
}

static long hog_endpoint(uint64_t i)
{
	(void)i;
	return sys_endpoint_create(HSLOT_POOL, slot_alloc());
}

static long hog_task(uint64_t i)
{
	(void)i;
	return sys_task_create(HSLOT_POOL, slot_alloc());
}

static long hog_thread(uint64_t i)
{
	return sys_thread_create(HSLOT_SELF, HSLOT_POOL, slot_alloc(), HOG_THREAD_BUFFERS + i * 4096);
}

static long role_hog(void)
{
	long eps = hog_until_limit(hog_endpoint), tasks = hog_until_limit(hog_task),
	     threads = hog_until_limit(hog_thread);

	if (eps < 0 || tasks < 0 || threads < 0)
		return eps < 0 ? eps : tasks < 0 ? tasks : threads;
	return (long)HOG_COUNTS(eps, tasks, threads);
}

long main(uint64_t arg)
{
	uint64_t param = HELPER_PARAM(arg);
	struct msg m;

	slots_init(HSLOT_IOPORT + 1); /* the slots the runner may fill */
	switch (HELPER_ROLE(arg)) {
	case ROLE_ECHO:
		return role_echo();
	case ROLE_CLIENT:
		return role_client(param);
	case ROLE_WRITE:
		helper_write_at(param);
		return 0;
	case ROLE_READ:
		return (long)helper_read_at(param);
	case ROLE_PRIVILEGED:
		helper_hlt();
		return 0;
	case ROLE_DIVIDE:
		return (long)helper_div(0);
	case ROLE_OPCODE:
		helper_ud();
		return 0;
	case ROLE_PORT_IN:
		helper_in(param);
		return 0;
	case ROLE_PORT_OUT:
		helper_out(param);
		return 0;
	case ROLE_SEND_SLOT:
		msg_init(&m, LABEL_ECHO, 0);
		return ipc_nbsend(param, &m);
	case ROLE_EXIT:
		return (long)param;
	case ROLE_SPIN:
		return role_spin();
	case ROLE_FUZZ:
		return fuzz_run(param);
	case ROLE_IDENTIFY:
		return role_identify(param);
	case ROLE_CYCLE:
		return role_cycle();
	case ROLE_HOG:
		return role_hog();
	case ROLE_FORGE:
		return role_forge();
	case ROLE_SIGNAL:
		return role_signal(param);
	case ROLE_LEND:
		return role_lend(param);
	}
	printf("helper: unknown role %u\n", HELPER_ROLE(arg));
	return -1;
}

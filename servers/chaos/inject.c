/* How the chaos service does each kind of fault (CHAOS_KINDS) to a
 * server: through its first thread's registers (suspended first:
 * thread_regs needs it) or through the frames of its memory, mapped into
 * our own address space a page at a time. Every capability the
 * supervisor gives us is deleted before we return, but for a suspension
 * still to end (chaos_settle ends it). */
#include <stdio.h>
#include <string.h>

#include <kestrel/boot.h>
#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/syscall.h>

#include "chaos.h"
#include "slots.h"
#include "syscalls.h"
#include "vspace.h"

PROTO_CLIENT(SUP_OPS)

#define CHAOS_CRASH_RIP   0ULL       /* nothing is ever mapped at page 0 */
#define CHAOS_EXIT_STATUS 0xC4A05ULL /* what the supervisor's log shows */
/* The bits of rip, rsp and the FS base a flip may hit: the result stays
 * a user address (but for the last page, which thread_regs refuses). */
#define CHAOS_ADDR_BITS   47
_Static_assert(USER_TOP < 1ULL << CHAOS_ADDR_BITS, "user addresses fit in CHAOS_ADDR_BITS");

static const char *const chaos_kind_names[] = {
#define CHAOS_KIND_NAME(name, text, what) text,
	CHAOS_KINDS(CHAOS_KIND_NAME)
#undef CHAOS_KIND_NAME
};

/* The registers a flip may hit, and their names for the log. */
static const struct {
	uint8_t reg;
	const char *name;
} regs[] = {
	{ UREG_R15, "r15" },       { UREG_R14, "r14" }, { UREG_R13, "r13" },         { UREG_R12, "r12" },
	{ UREG_R11, "r11" },       { UREG_R10, "r10" }, { UREG_R9, "r9" },           { UREG_R8, "r8" },
	{ UREG_RBP, "rbp" },       { UREG_RDI, "rdi" }, { UREG_RSI, "rsi" },         { UREG_RDX, "rdx" },
	{ UREG_RCX, "rcx" },       { UREG_RBX, "rbx" }, { UREG_RAX, "rax" },         { UREG_RIP, "rip" },
	{ UREG_RFLAGS, "rflags" }, { UREG_RSP, "rsp" }, { UREG_FS_BASE, "fs_base" },
};

/* One page of our address space that a target's frame is mapped at. */
static uint64_t scratch;

static void cap_drop(uint64_t cap)
{
	sys_cap_delete(cap);
	slot_free(cap);
}

/* The capability sup_target gives for what (SUP_TARGET_THREAD or a
 * region) of t, in *cap, and what it is in *r. */
static long target_cap(struct chaos_state *cs, struct chaos_target *t, uint64_t what,
                       struct sup_target_rep *r, uint64_t *cap)
{
	struct sup_target_req q = { { 0 }, what };
	struct proto_xfer x = { .px_len = 0 };
	long e;

	memcpy(q.name, t->ct_name, SERVER_NAME_LEN);
	if ((e = sup_target_x(&cs->cs_sup, &q, r, &x)) != E_OK) {
		t->ct_refused |= e == E_BAD_ARG;
		return e;
	}
	*cap = x.px_caps[0];
	t->ct_heartbeat_ms = r->heartbeat_ms;
	return E_OK;
}

long chaos_probe(struct chaos_state *cs, struct chaos_target *t)
{
	struct sup_target_rep r;
	uint64_t cap;
	long e = target_cap(cs, t, SUP_TARGET_THREAD, &r, &cap);

	if (e == E_OK)
		cap_drop(cap);
	return e == E_BAD_STATE ? E_OK : e;
}

/* Learns the kinds of t's regions, once. */
static long learn_regions(struct chaos_state *cs, struct chaos_target *t)
{
	struct sup_target_rep r;
	uint64_t cap;
	long e;

	if (t->ct_nregions)
		return E_OK;
	if ((e = target_cap(cs, t, SUP_TARGET_THREAD, &r, &cap)) != E_OK)
		return e;
	cap_drop(cap);
	if (r.nregions == 0 || r.nregions > CHAOS_MAX_REGIONS)
		return E_BAD_ARG; /* started without its frames kept: no chaos line in the manifest */
	for (uint64_t k = 1; k <= r.nregions; k++) {
		if ((e = target_cap(cs, t, k, &r, &cap)) != E_OK)
			return e;
		cap_drop(cap);
		t->ct_region_kind[k] = (uint8_t)r.kind;
	}
	t->ct_nregions = (unsigned)r.nregions;
	return E_OK;
}

/* A random region of t of kind: its frame in *cap, where it is in *r. */
static long region_cap(struct chaos_state *cs, struct chaos_target *t, uint64_t kind,
                       struct sup_target_rep *r, uint64_t *cap)
{
	unsigned of_kind[CHAOS_MAX_REGIONS], n = 0;
	long e = learn_regions(cs, t);

	if (e != E_OK)
		return e;
	for (unsigned k = 1; k <= t->ct_nregions; k++)
		if (t->ct_region_kind[k] == kind)
			of_kind[n++] = k;
	if (n == 0)
		return E_NOT_FOUND;
	return target_cap(cs, t, of_kind[chaos_random(cs, n)], r, cap);
}

/* Maps the page of frame that holds byte off of it at scratch. */
static long map_page(struct chaos_state *cs, uint64_t frame, uint64_t off, uint8_t **at)
{
	long e = sys_mem_map(cs->cs_self, frame, scratch, R_READ | R_WRITE, off / PAGE_SIZE, 1);

	*at = (uint8_t *)(scratch + off % PAGE_SIZE);
	return e;
}

static void unmap_page(struct chaos_state *cs)
{
	uint64_t unmapped;

	sys_mem_unmap_out(cs->cs_self, scratch, 1, &unmapped);
}

/* Flips bit of the byte at address va of the region r (its frame). */
static long flip(struct chaos_state *cs, uint64_t frame, const struct sup_target_rep *r, uint64_t va,
                 unsigned bit)
{
	uint8_t *at;
	long e = map_page(cs, frame, va - r->va + bit / 8, &at);

	if (e == E_OK) {
		*at ^= (uint8_t)(1u << (bit % 8));
		unmap_page(cs);
	}
	return e;
}

/* The address of a syscall instruction (0f 05) in t's code, once. */
static long find_syscall(struct chaos_state *cs, struct chaos_target *t)
{
	struct sup_target_rep r;
	uint64_t frame;
	uint8_t *at;
	long e;

	if (t->ct_syscall_va)
		return E_OK;
	if ((e = region_cap(cs, t, SUP_REGION_TEXT, &r, &frame)) != E_OK)
		return e;
	for (uint64_t page = 0; page < r.pages && !t->ct_syscall_va; page++) {
		if ((e = map_page(cs, frame, page * PAGE_SIZE, &at)) != E_OK)
			break;
		for (unsigned i = 0; i + 1 < PAGE_SIZE; i++)
			if (at[i] == 0x0f && at[i + 1] == 0x05) {
				t->ct_syscall_va = r.va + page * PAGE_SIZE + i;
				break;
			}
		unmap_page(cs);
	}
	cap_drop(frame);
	return e != E_OK ? e : t->ct_syscall_va ? E_OK : E_NOT_FOUND;
}

static long set_reg(uint64_t thread, uint64_t reg, uint64_t value)
{
	uint64_t before;

	return sys_thread_regs_out(thread, reg, value, 1, &before);
}

/* The kinds done to the suspended thread: what they did goes into what. */
static long thread_fault(struct chaos_state *cs, struct chaos_target *t, uint64_t kind, uint64_t thread,
                         char *what, size_t len)
{
	uint64_t v = 0, bit;
	long e = E_OK;
	unsigned i;

	switch (kind) {
	case CHAOS_CRASH:
		if ((e = sys_thread_regs_out(thread, UREG_RIP, 0, 0, &v)) == E_OK)
			e = set_reg(thread, UREG_RIP, CHAOS_CRASH_RIP);
		snprintf(what, len, "crash at ip %#lx", v);
		break;
	case CHAOS_EXIT:
		if ((e = find_syscall(cs, t)) == E_OK &&
		    (e = set_reg(thread, UREG_RAX, SYS_THREAD_EXIT)) == E_OK &&
		    (e = set_reg(thread, UREG_RDI, CHAOS_EXIT_STATUS)) == E_OK)
			e = set_reg(thread, UREG_RIP, t->ct_syscall_va);
		snprintf(what, len, "exit through the syscall at %#lx", t->ct_syscall_va);
		break;
	case CHAOS_REGFLIP:
		i = (unsigned)chaos_random(cs, sizeof(regs) / sizeof(regs[0]));
		if (regs[i].reg == UREG_RFLAGS) {
			/* Only the bits a write keeps: the others would not flip. */
			do
				bit = chaos_random(cs, 64);
			while (!(UREG_RFLAGS_USER & 1ULL << bit));
		} else {
			bit = chaos_random(cs, regs[i].reg == UREG_RIP || regs[i].reg == UREG_RSP ||
			                                       regs[i].reg == UREG_FS_BASE
			                               ? CHAOS_ADDR_BITS
			                               : 64);
		}
		if ((e = sys_thread_regs_out(thread, regs[i].reg, 0, 0, &v)) == E_OK)
			e = set_reg(thread, regs[i].reg, v ^ 1ULL << bit);
		snprintf(what, len, "regflip %s bit %lu", regs[i].name, bit);
		break;
	}
	return e;
}

/* The kinds done to memory; stackflip reads rsp from the suspended
 * thread. */
static long memory_fault(struct chaos_state *cs, struct chaos_target *t, uint64_t kind, uint64_t thread,
                         char *what, size_t len)
{
	static const uint8_t region_of[] = { [CHAOS_TEXTFLIP] = SUP_REGION_TEXT,
		                             [CHAOS_DATAFLIP] = SUP_REGION_DATA,
		                             [CHAOS_STACKFLIP] = SUP_REGION_STACK };
	struct sup_target_rep r;
	uint64_t frame, from, top, rsp = 0, va;
	unsigned bit;
	long e = region_cap(cs, t, region_of[kind], &r, &frame);

	if (e != E_OK)
		return e;
	from = r.va;
	top = r.va + r.pages * PAGE_SIZE;
	if (kind == CHAOS_STACKFLIP && sys_thread_regs_out(thread, UREG_RSP, 0, 0, &rsp) == E_OK &&
	    rsp >= from && rsp < top)
		from = rsp;
	/* A byte of code, a word of data or stack. */
	if (kind == CHAOS_TEXTFLIP) {
		va = from + chaos_random(cs, top - from);
		bit = (unsigned)chaos_random(cs, 8);
	} else {
		va = (from + chaos_random(cs, top - from)) & ~7ULL;
		bit = (unsigned)chaos_random(cs, 64);
	}
	e = flip(cs, frame, &r, va, bit);
	cap_drop(frame);
	snprintf(what, len, "%s %#lx bit %u", chaos_kind_names[kind], va, bit);
	return e;
}

long chaos_inject(struct chaos_state *cs, struct chaos_target *t, uint64_t kind)
{
	struct sup_injected_req q = { { 0 }, 0, 0, 0, 0, { 0 } };
	struct sup_injected_rep rep;
	struct sup_target_rep r;
	uint64_t thread, now, settle = CHAOS_SETTLE_MS;
	bool keep = false, stop;
	long e;

	if (!scratch && !(scratch = vspace_alloc(PAGE_SIZE, PAGE_SIZE)))
		return E_NO_MEMORY;
	/* The kinds that need the thread's registers stop it first (the
	 * stack's flip reads rsp). That cancels the IPC it was blocked in,
	 * which libipc's loops and idempotent calls take in their stride
	 * (proto_recv_again, proto_call); code and data flips leave it be. */
	stop = kind != CHAOS_TEXTFLIP && kind != CHAOS_DATAFLIP;
	if ((e = target_cap(cs, t, SUP_TARGET_THREAD, &r, &thread)) != E_OK)
		return e;
	if (stop && (e = sys_thread_suspend(thread)) != E_OK) {
		cap_drop(thread);
		return e;
	}
	now = sys_clock_ms();
	switch (kind) {
	case CHAOS_HANG:
		snprintf(q.what, sizeof(q.what), "hang%s",
		         r.heartbeat_ms ? "" : " (no heartbeat watches it)");
		/* Nothing would notice: it is resumed after the wait. */
		keep = !r.heartbeat_ms;
		settle = r.heartbeat_ms ? CHAOS_HANG_WAIT_MS : CHAOS_UNWATCHED_MS;
		break;
	case CHAOS_DELAY:
		settle = 1 + chaos_random(cs, CHAOS_DELAY_MAX_MS);
		snprintf(q.what, sizeof(q.what), "delay %lu ms", settle);
		keep = true;
		break;
	case CHAOS_TEXTFLIP:
	case CHAOS_DATAFLIP:
	case CHAOS_STACKFLIP:
		e = memory_fault(cs, t, kind, thread, q.what, sizeof(q.what));
		break;
	default:
		e = thread_fault(cs, t, kind, thread, q.what, sizeof(q.what));
		break;
	}
	if (e == E_OK) {
		memcpy(q.name, t->ct_name, SERVER_NAME_LEN);
		q.generation = r.generation;
		q.number = ++cs->cs_injected;
		q.kind_len = strlen(chaos_kind_names[kind]);
		q.window_ms = settle + (kind == CHAOS_DELAY ? CHAOS_SETTLE_MS : 0);
		sup_injected(&cs->cs_sup, &q, &rep); /* an instance that died meanwhile is not logged */
		t->ct_pending = kind;
		t->ct_generation = r.generation;
		t->ct_counts[kind][CHAOS_NOUTCOMES]++;
	}
	/* Report first, then let it run: its death cannot come before the
	 * injection in the log. */
	if (e == E_OK && keep) {
		t->ct_suspended = thread;
		t->ct_resume_at = now + settle;
		t->ct_settle_at = t->ct_resume_at + (kind == CHAOS_DELAY ? CHAOS_SETTLE_MS : 0);
		return E_OK;
	}
	t->ct_settle_at = now + settle;
	if (stop && (kind != CHAOS_HANG || e != E_OK))
		sys_thread_resume(thread);
	cap_drop(thread);
	return e;
}

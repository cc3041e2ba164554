/* ROLE_FUZZ: hs_limit system calls with random numbers (some invalid) and
 * random arguments biased towards edge values, from a deterministic
 * generator (xorshift64*, seeded by the runner, which prints the seed). The
 * helper holds only what the runner gave it (a small pool, an endpoint and
 * its own task), so whatever it does stays inside its own objects; the
 * kernel must refuse the rest without harm. Its runner is its fault
 * handler: bad system calls and bad pointers are answered FAULT_RESUME (or
 * now and then FAULT_RESUME_AT a wild address), anything else restarts the
 * loop at helper_fuzz_resume. A fuzzer that wrecked its own task (unmapped
 * its code, destroyed itself) is replaced by a new one that goes on from
 * the same generator state.
 *
 * Half of the calls get arguments of the kind each parameter wants, read
 * from the parameter names in KESTREL_SYSCALLS ("pool, dst, pages, flags"):
 * slots holding a capability of the type the name asks for (every slot a
 * call filled is identified and remembered), small page counts, addresses
 * of a play area. That gets past the first checks often enough to make
 * tasks, threads, mappings and messages. The other half get anything: edge
 * values (edges[]), kernel and non-canonical addresses, random bits.
 *
 * Beside the main thread run FUZZ_BLOCKERS blockers, threads of the same
 * task that sit in blocking IPC on the endpoints the fuzzer has, so that its
 * sends find receivers, its receives find senders and calls, and its
 * destroys, deletes, suspends and capability moves hit objects that threads
 * are waiting on. They fault to an endpoint of the fuzzer, which answers
 * their faults (and those of any thread it configured with it) with a
 * resume, a resume at an edge address, a bogus answer or none.
 *
 * A few calls are steered so the run ends and stays interesting: the pool,
 * the own task and the fault endpoint are never deleted, destroyed or moved
 * away through their own slots, thread_exit is never made, debug_write
 * only gets buffers that are not mapped or that run off the end of the text
 * page (random bytes must not reach the console), and the main thread's
 * blocking IPC calls nearly always become their polling forms. The rare
 * remaining ones may block for ever; the runner unblocks them by
 * suspending and resuming the thread (which cancels the IPC). */
#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/fault.h>
#include <kestrel/ipc.h>

#include "console.h"
#include "ipc.h"
#include "ktest.h"
#include "syscalls.h"
#include "uthread.h"

void fuzz_loop(void) __attribute__((noreturn, used));
void fuzz_blocker(void) __attribute__((noreturn, used));
void fuzz_blocker_entry(void);

#define shared ((volatile struct helper_shared *)HELPER_SHARED_VADDR)

/* Where the runner restarts the loop after a fault it cannot resume, and
 * where a blocker starts (or is resumed at, with its stack pointer at the
 * top of its region). */
__asm__(".text\n"
        ".globl helper_fuzz_resume\n"
        "helper_fuzz_resume:\n"
        "	and $-16, %rsp\n"
        "	call fuzz_loop\n"
        "	ud2\n"
        ".globl fuzz_blocker_entry\n"
        "fuzz_blocker_entry:\n"
        "	and $-16, %rsp\n"
        "	call fuzz_blocker\n"
        "	ud2\n");

/* The parameter names of each call, from the one list. */
static const char *const fuzz_params[SYS_COUNT] = {
#define FUZZ_PARAMS(NAME, name, num, kind, nargs, args, res, desc) [num] = args,
	KESTREL_SYSCALLS(FUZZ_PARAMS)
#undef FUZZ_PARAMS
};

/* Edge values for addresses, lengths, slots and resume points: the ends of
 * user space, the first non-canonical addresses, the kernel's direct map and
 * image, the helper's own message buffer and stack, one past each table. */
static const uint64_t edges[] = {
	0,
	1,
	0xFFF,
	0x1000,
	0x7FFFFFFF,
	0xFFFFFFFF,
	1ULL << 32,
	USER_TOP - 0x1000,
	USER_TOP - 2,
	USER_TOP - 1,
	USER_TOP,
	0x00007FFFFFFFFFFFULL,
	0x0000800000000000ULL,
	1ULL << 63,
	0xFFFF7FFFFFFFF000ULL,
	0xFFFF800000000000ULL,
	0xFFFF800000100000ULL,
	0xFFFFFFFF80000000ULL,
	0xFFFFFFFFFFFFF000ULL,
	~0ULL,
	~0ULL - 1,
	BOOT_IPC_BUFFER,
	BOOT_IPC_BUFFER + 4096 - 8,
	BOOT_STACK_TOP - 8,
	BOOT_INFO_VADDR,
	FUZZ_TEXT_PAGE + 4096 - 1,
	CAP_SLOTS - 1,
	CAP_SLOTS,
	CAP_SLOTS + 1,
	MEM_MAX_PAGES,
	MEM_MAX_PAGES + 1,
};
#define NEDGES (sizeof(edges) / sizeof(edges[0]))

/* What a parameter holds, by its name. */
enum arg_kind {
	ARG_ANY,
	ARG_SLOT,
	ARG_DST,
	ARG_PAGES,
	ARG_FIRST,
	ARG_ADDR,
	ARG_RIGHTS,
	ARG_FLAGS,
	ARG_TIMEOUT
};

static const struct {
	const char *name;
	enum arg_kind kind;
	enum cap_type type; /* ARG_SLOT: the capability it wants (CAP_EMPTY: any) */
} param_kinds[] = {
	{ "ep", ARG_SLOT, CAP_ENDPOINT },
	{ "fault_ep", ARG_SLOT, CAP_ENDPOINT },
	{ "pool", ARG_SLOT, CAP_POOL },
	{ "task", ARG_SLOT, CAP_TASK },
	{ "thread", ARG_SLOT, CAP_THREAD },
	{ "frame", ARG_SLOT, CAP_FRAME },
	{ "irq", ARG_SLOT, CAP_IRQ },
	{ "slot", ARG_SLOT, CAP_EMPTY },
	{ "src", ARG_SLOT, CAP_EMPTY },
	{ "devmem", ARG_SLOT, CAP_DEVMEM },
	{ "irq_control", ARG_SLOT, CAP_IRQ_CONTROL },
	{ "ioport", ARG_SLOT, CAP_IOPORT },
	{ "dst", ARG_DST, CAP_EMPTY },
	{ "pages", ARG_PAGES, CAP_EMPTY },
	{ "count", ARG_PAGES, CAP_EMPTY },
	{ "first", ARG_FIRST, CAP_EMPTY },
	{ "vaddr", ARG_ADDR, CAP_EMPTY },
	{ "ipc_buffer", ARG_ADDR, CAP_EMPTY },
	{ "rip", ARG_ADDR, CAP_EMPTY },
	{ "rsp", ARG_ADDR, CAP_EMPTY },
	{ "buf", ARG_ADDR, CAP_EMPTY },
	{ "rights", ARG_RIGHTS, CAP_EMPTY },
	{ "flags", ARG_FLAGS, CAP_EMPTY },
	{ "timeout_ms", ARG_TIMEOUT, CAP_EMPTY },
};

#define MAX_PARAMS 6
#define CAP_TYPES  (CAP_SHARE + 1)
#define LIVE_SLOTS 8 /* remembered per type */

static unsigned char kinds[SYS_COUNT][MAX_PARAMS];
static unsigned char wants[SYS_COUNT][MAX_PARAMS];

/* Slots known to have held a capability, by its type: a ring per type. */
static uint64_t live[CAP_TYPES][LIVE_SLOTS];
static unsigned live_n[CAP_TYPES];

static uint64_t rng_step(uint64_t x)
{
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	return x;
}

/* The main thread's generator lives in the shared page, so that it goes
 * on where it was after a restart or a new fuzzer. */
static uint64_t rng(void)
{
	uint64_t x = rng_step(shared->hs_rng);

	shared->hs_rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t edge(uint64_t r)
{
	return edges[r % NEDGES];
}

static void remember(uint64_t slot, enum cap_type type)
{
	if (type > CAP_EMPTY && type < CAP_TYPES)
		live[type][live_n[type]++ % LIVE_SLOTS] = slot;
}

/* A slot a call filled: what is in it now? */
static void identify(uint64_t slot)
{
	struct cap_info ci;

	if (slot < CAP_SLOTS && sys_cap_identify_out(slot, &ci) == E_OK)
		remember(slot, (enum cap_type)ci.ci_type);
}

static uint64_t pick_slot(enum cap_type type, uint64_t r, uint64_t v)
{
	if (type == CAP_FRAME && (r & 64) && live_n[CAP_SHARE]) /* mem_map takes either */
		type = CAP_SHARE;
	if (type != CAP_EMPTY && live_n[type] && r % 4)
		return live[type][v % (live_n[type] < LIVE_SLOTS ? live_n[type] : LIVE_SLOTS)];
	if (r % 8) {
		enum cap_type t = (enum cap_type)(1 + v % (CAP_TYPES - 1));

		return live_n[t] ? live[t][(v >> 8) % LIVE_SLOTS] : v % 24;
	}
	return r & 8 ? edge(v) : v % CAP_SLOTS;
}

static void kind_of(const char *name, unsigned len, unsigned char *kind, unsigned char *type)
{
	*kind = ARG_ANY;
	*type = CAP_EMPTY;
	for (unsigned i = 0; i < sizeof(param_kinds) / sizeof(param_kinds[0]); i++)
		if (strlen(param_kinds[i].name) == len && strncmp(param_kinds[i].name, name, len) == 0) {
			*kind = param_kinds[i].kind;
			*type = param_kinds[i].type;
		}
}

/* Splits "pool, dst, pages, flags" into kinds[nr] and wants[nr]. */
static void fuzz_parse_params(void)
{
	for (unsigned nr = 0; nr < SYS_COUNT; nr++) {
		const char *p = fuzz_params[nr];

		for (unsigned i = 0; i < MAX_PARAMS && p && *p; i++) {
			unsigned len = 0;

			while (p[len] && p[len] != ',')
				len++;
			kind_of(p, len, &kinds[nr][i], &wants[nr][i]);
			p += len;
			while (*p == ',' || *p == ' ')
				p++;
		}
	}
}

/* Anything: edges, kernel addresses, small numbers, random bits. */
static uint64_t fuzz_any(void)
{
	uint64_t r = rng(), v = rng();

	switch (r % 9) {
	case 0:
		return 0;
	case 1:
		return v % 300;
	case 2:
		return v;
	case 3:
		return v & 0x00007FFFFFFFF000ULL;
	case 4:
		return 0xFFFF800000000000ULL | (v & 0x00007FFFFFFFF000ULL);
	case 5:
		return ~0ULL - v % 4;
	case 6:
		return v & R_ALL;
	case 7:
		return edge(v);
	default:
		return 1ULL << (v % 64);
	}
}

static uint64_t fuzz_typed(enum arg_kind kind, enum cap_type type)
{
	uint64_t r = rng(), v = rng();

	switch (kind) {
	case ARG_SLOT:
		return pick_slot(type, r, v);
	case ARG_DST:
		return r % 16 ? FSLOT_DST + v % 40 : r & 16 ? edge(v) : v % CAP_SLOTS;
	case ARG_PAGES:
		return r % 8 ? 1 + v % 4 : r & 8 ? edge(v) : v % 200;
	case ARG_FIRST: /* a page of a frame or share: mostly inside small ones */
		return r % 8 ? v % 3 : fuzz_any();
	case ARG_ADDR:
		/* The play area, its ends, or an edge (some pages cross into
		 * nothing, some are the fuzzer's own). */
		if (r % 8)
			return FUZZ_PLAY_BASE + (v % (FUZZ_PLAY_SPAN + 2)) * 0x1000 - 0x1000;
		return r & 8 ? edge(v) : v & 0x00007FFFFFFFF000ULL;
	case ARG_RIGHTS: {
		static const uint64_t usual[] = { R_READ, R_READ | R_WRITE, R_READ | R_EXEC, R_ALL };

		return r % 4 ? usual[v % 4] : v & R_ALL;
	}
	case ARG_FLAGS:
		return v % 4;
	case ARG_TIMEOUT:
		return v % 3;
	default:
		return r % 2 ? v % 64 : fuzz_any();
	}
}

/* Mostly valid numbers, the rest just out of range, huge, or valid with
 * high bits set. */
static uint64_t fuzz_number(void)
{
	uint64_t r = rng(), v = rng();

	if (r % 100 < 85)
		return v % SYS_COUNT;
	switch (r % 5) {
	case 0:
		return SYS_COUNT + v % 64;
	case 1:
		return v;
	case 2:
		return 1ULL << (v % 64);
	case 3:
		return (v << 32) | (v % SYS_COUNT);
	default:
		return ~0ULL - v % 4;
	}
}

static bool kept(uint64_t slot)
{
	return slot == HSLOT_POOL || slot == HSLOT_SELF || slot == FSLOT_FAULTS;
}

/* Turns the calls that would end or block the run into harmless ones. */
static uint64_t fuzz_steer(uint64_t nr, uint64_t *a)
{
	uint64_t r = rng();

	if ((uint32_t)nr == SYS_THREAD_EXIT)
		return SYS_YIELD;
	switch (nr) {
	case SYS_CAP_DELETE:
	case SYS_OBJ_DESTROY:
		return kept(a[0]) ? SYS_CAP_IDENTIFY : nr;
	case SYS_CAP_COPY:
		if (kept(a[0]))
			a[5] &= ~(uint64_t)CAP_COPY_MOVE;
		return nr;
	case SYS_DEBUG_WRITE:
		switch (r % 3) {
		case 0: /* nothing is mapped there */
			a[0] = 0x0000600000000000ULL | (rng() & 0xFFFFFFF000ULL);
			break;
		case 1: { /* the kernel half, or an edge that is never mapped */
			static const uint64_t unmapped[] = { USER_TOP - 8,          USER_TOP,
				                             0x0000800000000000ULL, 1ULL << 63,
				                             0xFFFFFFFF80000000ULL, ~0ULL - 7 };

			a[0] = r & 4 ? 0xFFFF800000000000ULL | (rng() & 0xFFFFFFF000ULL)
			             : unmapped[rng() % (sizeof(unmapped) / sizeof(unmapped[0]))];
			break;
		}
		default: /* the last bytes of the text page, and on past its end */
			a[0] = FUZZ_TEXT_PAGE + 4096 - 1 - rng() % 48;
			break;
		}
		a[1] = rng() % 8 ? rng() % 8192 : edge(rng());
		return nr;
	case SYS_SEND:
	case SYS_CALL:
		return r % 1000 ? SYS_NBSEND : nr;
	case SYS_REPLY_RECV:
		if (r % 1000 == 0)
			return nr;
		a[1] = IPC_POLL;
		return SYS_RECV;
	case SYS_RECV:
		if (r % 1000)
			a[1] = r % 3;
		return nr;
	case SYS_MEM_MAP: /* a share we made, now and then, whole and readable, into the play area */
		if (r % 4 == 0 && live_n[CAP_SHARE]) {
			a[0] = HSLOT_SELF;
			a[1] = live[CAP_SHARE][rng() % (live_n[CAP_SHARE] < LIVE_SLOTS ? live_n[CAP_SHARE]
			                                                               : LIVE_SLOTS)];
			a[2] = FUZZ_PLAY_BASE + rng() % FUZZ_PLAY_SPAN * 0x1000;
			a[3] = R_READ;
			a[4] = a[5] = 0;
		}
		return nr;
	case SYS_SHARE_CREATE: /* half the time from our pool, of a page we map */
		if (r % 2) {
			a[0] = HSLOT_POOL;
			a[2] = r & 2 ? HELPER_SHARED_VADDR : a[2];
			a[3] = r & 2 ? 1 : a[3];
			a[4] = r & 4 ? R_READ : R_READ | R_WRITE;
		}
		return nr;
	}
	return nr;
}

/* The message buffer's capability list, and where received ones landed. */
static void stage_caps(struct ipc_buffer *ib, uint64_t (*pick)(void *), void *st)
{
	ib->ib_cap_move = pick(st) % 4 == 0;
	for (int i = 0; i < MSG_MAX_CAPS; i++) {
		uint64_t v = pick(st);

		ib->ib_caps[i] = v % 2 ? pick_slot(CAP_EMPTY, v >> 1, v >> 8) : v % 40;
		if (kept(ib->ib_caps[i]))
			ib->ib_cap_move = 0; /* keep them */
	}
}

static void landed(const struct ipc_buffer *ib, uint64_t info)
{
	for (unsigned i = 0; i < MSGINFO_CAPS(info) && i < MSG_MAX_CAPS; i++)
		identify(ib->ib_caps[i]);
}

static uint64_t pick_main(void *st)
{
	(void)st;
	return rng();
}

static long fuzz_ipc(uint64_t nr, const uint64_t *a)
{
	struct ipc_buffer *ib = ipc_buffer_self();
	uint64_t rdi = a[0], rsi = a[1], w[MSG_REG_WORDS];
	long r;

	stage_caps(ib, pick_main, 0);
	for (int i = 0; i < MSG_REG_WORDS; i++)
		w[i] = i < 4 ? a[2 + i] : fuzz_any();
	if (nr != SYS_RECV && rng() % 4)
		rsi = MSGINFO(rng(), rng() % 140, rng() % 8); /* plausible lengths more often */
	r = ipc_trap(nr, &rdi, &rsi, w);
	if (r == E_OK && nr != SYS_NBSEND && nr != SYS_SEND && nr != SYS_REPLY)
		landed(ib, rsi);
	return r;
}

/* A fault message on our fault endpoint, from a blocker or from a thread
 * of some task we made: answer it one way or another. */
static long fuzz_serve_fault(void)
{
	uint64_t rdi = FSLOT_FAULTS, rsi = IPC_POLL, w[MSG_REG_WORDS] = { 0 }, r = rng();
	uint64_t sp, region_end = FUZZ_BLOCKER_BASE + FUZZ_BLOCKERS * UTHREAD_STACK_SIZE;
	long e = ipc_trap(SYS_RECV, &rdi, &rsi, w);

	if (e != E_OK || MSGINFO_LABEL(rsi) != KMSG_FAULT)
		return e;
	shared->hs_child_faults++;
	sp = w[FAULT_W_SP];
	if (sp >= FUZZ_BLOCKER_BASE && sp < region_end && r % 2) {
		/* A blocker: back to its loop, at the top of its own region. */
		w[0] = (uint64_t)fuzz_blocker_entry;
		w[1] = (sp | (UTHREAD_STACK_SIZE - 1)) + 1 - sizeof(struct uthread);
		rsi = MSGINFO(FAULT_RESUME_AT, 2, 0);
	} else {
		switch (r % 5) {
		case 0:
		case 1:
			rsi = MSGINFO(FAULT_RESUME, 0, 0);
			break;
		case 2:
			w[0] = edge(rng());
			w[1] = edge(rng());
			rsi = MSGINFO(FAULT_RESUME_AT, 2, 0);
			break;
		case 3: /* a label and length the kernel does not expect */
			w[0] = fuzz_any();
			w[1] = fuzz_any();
			rsi = MSGINFO(rng(), rng() % 9, 0);
			break;
		default: /* no answer: our next receive drops the fault */
			return E_OK;
		}
	}
	return ipc_trap(SYS_REPLY, &rdi, &rsi, w);
}

/* The blockers: threads of ours that wait in IPC on our endpoints. Each is
 * (re)started at fuzz_blocker_entry with its stack at the top of its
 * region, whose uthread record (its message buffer) the main thread wrote. */
static uint64_t pick_blocker(void *st)
{
	uint64_t *x = st;

	*x = rng_step(*x);
	return *x * 0x2545F4914F6CDD1DULL;
}

void fuzz_blocker(void)
{
	static const uint64_t timeouts[] = { IPC_FOREVER, IPC_FOREVER, 1, IPC_POLL };
	struct ipc_buffer *ib = ipc_buffer_self();
	uint64_t x = shared->hs_rng ^ (uint64_t)ib ^ 1;

	for (;;) {
		uint64_t r = pick_blocker(&x), w[MSG_REG_WORDS], nr, rsi;
		uint64_t rdi = pick_slot(CAP_ENDPOINT, r >> 4, pick_blocker(&x));
		long e;

		for (int i = 0; i < MSG_REG_WORDS; i++)
			w[i] = pick_blocker(&x);
		stage_caps(ib, pick_blocker, &x);
		rsi = MSGINFO(r >> 32, (r >> 16) % 80, (r >> 24) % 5);
		switch (r % 8) {
		case 0:
		case 1:
		case 2:
			nr = SYS_RECV;
			rsi = timeouts[(r >> 8) % 4];
			break;
		case 3:
		case 4:
			nr = SYS_CALL;
			break;
		case 5:
			nr = SYS_SEND;
			break;
		case 6:
			nr = SYS_REPLY_RECV;
			break;
		default:
			nr = SYS_REPLY;
			break;
		}
		e = ipc_trap(nr, &rdi, &rsi, w);
		if (e == E_OK && (nr == SYS_RECV || nr == SYS_CALL || nr == SYS_REPLY_RECV))
			landed(ib, rsi);
		shared->hs_blocked++;
	}
}

/* A page of ours at vaddr from the pool (rights R|W); false if not. */
static bool map_own(uint64_t vaddr, uint64_t pages)
{
	bool ok = sys_mem_alloc(HSLOT_POOL, FSLOT_TEMP, pages, 0) == E_OK &&
	          sys_mem_map(HSLOT_SELF, FSLOT_TEMP, vaddr, R_READ | R_WRITE, 0, 0) == E_OK;

	sys_cap_delete(FSLOT_TEMP); /* the mapping keeps the frame */
	return ok;
}

/* Starts blocker i if its thread is gone, resumes it if it was left
 * suspended, and remakes our fault endpoint if it was destroyed. */
static void blockers_check(void)
{
	struct cap_info ci;

	if (sys_cap_identify_out(FSLOT_FAULTS, &ci) != E_OK || ci.ci_type != CAP_ENDPOINT) {
		sys_cap_delete(FSLOT_FAULTS);
		sys_endpoint_create(HSLOT_POOL, FSLOT_FAULTS);
	}
	for (unsigned i = 0; i < FUZZ_BLOCKERS; i++) {
		uint64_t slot = FSLOT_BLOCKER + i, base = FUZZ_BLOCKER_BASE + i * UTHREAD_STACK_SIZE;
		struct uthread *ut = (struct uthread *)(base + UTHREAD_STACK_SIZE - sizeof(*ut));

		if (sys_cap_identify_out(slot, &ci) == E_OK && ci.ci_type == CAP_THREAD) {
			sys_thread_configure(slot, HELPER_PRIO, FSLOT_FAULTS);
			sys_thread_resume(slot); /* E_BAD_STATE unless it was suspended */
			continue;
		}
		sys_cap_delete(slot);
		ut->ut_ipcbuf = (struct ipc_buffer *)base;
		ut->ut_slot = slot;
		if (sys_thread_create(HSLOT_SELF, HSLOT_POOL, slot, base) == E_OK &&
		    sys_thread_configure(slot, HELPER_PRIO, FSLOT_FAULTS) == E_OK)
			sys_thread_start(slot, (uint64_t)fuzz_blocker_entry, (uint64_t)ut, i);
		remember(slot, CAP_THREAD);
	}
}

static void fuzz_one(void)
{
	uint64_t a[MAX_PARAMS], nr = fuzz_number();
	bool typed = nr < SYS_COUNT && rng() % 2, share_map;
	struct cap_info ci;
	long r;

	for (int i = 0; i < MAX_PARAMS; i++)
		a[i] = typed ? fuzz_typed(kinds[nr][i], wants[nr][i]) : fuzz_any();
	nr = fuzz_steer(nr, a);
	share_map = nr == SYS_MEM_MAP && a[1] < CAP_SLOTS && sys_cap_identify_out(a[1], &ci) == E_OK &&
	            ci.ci_type == CAP_SHARE;
	/* The call goes out before it is made (it might not come back), the
	 * result after. */
	if (shared->hs_trace)
		printf("# fuzz call %lu: %#lx (%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)", shared->hs_calls, nr,
		       a[0], a[1], a[2], a[3], a[4], a[5]);
	if (rng() % 16 == 0) {
		r = fuzz_serve_fault();
		nr = SYS_COUNT; /* the call was not made: count nothing */
	} else if (nr >= SYS_SEND && nr <= SYS_REPLY_RECV)
		r = fuzz_ipc(nr, a);
	else
		r = sys_raw(nr, a[0], a[1], a[2], a[3], a[4], a[5], 0);
	if (shared->hs_trace)
		printf(" = %ld\n", r);
	if (r == E_FAULTED) {
		shared->hs_faults++;
	} else if (r < 0) {
		shared->hs_errors++;
	} else if (nr < SYS_COUNT) { /* the call as made: steered, unless a fault was served */
		shared->hs_ok[nr]++;
		shared->hs_share_maps += share_map;
		for (int i = 0; i < MAX_PARAMS; i++)
			if (kinds[nr][i] == ARG_DST)
				identify(a[i]);
	}
}

void fuzz_loop(void)
{
	while (shared->hs_calls < shared->hs_limit) {
		if (shared->hs_calls % 1024 == 0)
			blockers_check();
		fuzz_one();
		shared->hs_calls++;
	}
	shared->hs_done = 1;
	thread_exit(0);
}

/* Also where a new fuzzer starts after the runner replaced a wrecked one:
 * the shared page still has the count and the generator. */
long fuzz_run(uint64_t seed)
{
	static const char text[] = "fuzz text ";
	char *page = (char *)FUZZ_TEXT_PAGE;
	uint64_t sp;

	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	shared->hs_resume_sp = (sp - 256) & ~15ULL;
	if (!shared->hs_rng)
		shared->hs_rng = seed ? seed : 1;
	fuzz_parse_params();
	remember(HSLOT_EP, CAP_ENDPOINT);
	remember(FSLOT_FAULTS, CAP_ENDPOINT);
	remember(HSLOT_POOL, CAP_POOL);
	remember(HSLOT_SELF, CAP_TASK);
	if (map_own(FUZZ_TEXT_PAGE, 1))
		for (unsigned i = 0; i < 4096; i++)
			page[i] = text[i % (sizeof(text) - 1)];
	for (unsigned i = 0; i < FUZZ_BLOCKERS; i++) {
		uint64_t base = FUZZ_BLOCKER_BASE + i * UTHREAD_STACK_SIZE;

		map_own(base + UTHREAD_STACK_SIZE - 2 * 4096, 2); /* thread_create maps the buffer */
	}
	blockers_check();
	fuzz_loop();
}

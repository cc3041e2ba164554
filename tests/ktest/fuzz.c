/* ROLE_FUZZ: FUZZ_CALLS system calls with random numbers (some invalid)
 * and random arguments, from a deterministic generator (xorshift64*, seeded
 * by the runner, which prints the seed). The helper holds only what the
 * runner gave it (a small pool and an endpoint in its own table), so
 * whatever it does stays inside its own objects; the kernel must refuse
 * the rest without harm. Its runner is its fault handler: bad system calls
 * and bad pointers are answered FAULT_RESUME, anything else restarts the
 * loop at helper_fuzz_resume.
 *
 * Half of the calls get arguments of the kind each parameter wants, read
 * from the parameter names in KESTREL_SYSCALLS ("pool, dst, pages, flags"):
 * slots mostly from those known to hold something (a successful call's dst
 * is remembered), small page counts, page-aligned addresses. That gets past
 * the first checks often enough to make tasks, threads, mappings and
 * messages. The other half get anything.
 *
 * A few calls are steered so the run ends and stays interesting: the pool
 * it was given is never deleted, destroyed or moved away (nothing could be
 * made after that), thread_exit is never made,
 * debug_write only gets buffers that are not mapped (random bytes must not
 * reach the console, where they could look like test results), and the
 * blocking IPC calls nearly always become their polling forms. The rare
 * remaining ones may block for ever; the runner unblocks them by
 * suspending and resuming the thread (which cancels the IPC). */
#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/ipc.h>

#include "console.h"
#include "ipc.h"
#include "ktest.h"
#include "syscalls.h"

void fuzz_loop(void) __attribute__((noreturn, used));

#define shared ((volatile struct helper_shared *)HELPER_SHARED_VADDR)

/* Where the runner restarts the loop after a fault it cannot resume. */
__asm__(".text\n"
        ".globl helper_fuzz_resume\n"
        "helper_fuzz_resume:\n"
        "	and $-16, %rsp\n"
        "	call fuzz_loop\n"
        "	ud2\n");

/* The parameter names of each call, from the one list. */
static const char *const fuzz_params[SYS_COUNT] = {
#define FUZZ_PARAMS(NAME, name, num, kind, nargs, args, res, desc) [num] = args,
	KESTREL_SYSCALLS(FUZZ_PARAMS)
#undef FUZZ_PARAMS
};

/* What a parameter holds, by its name. */
enum arg_kind { ARG_ANY, ARG_SLOT, ARG_DST, ARG_PAGES, ARG_ADDR, ARG_RIGHTS, ARG_FLAGS, ARG_TIMEOUT };

static const struct {
	const char *name;
	enum arg_kind kind;
} param_kinds[] = {
	{ "ep", ARG_SLOT },
	{ "pool", ARG_SLOT },
	{ "task", ARG_SLOT },
	{ "thread", ARG_SLOT },
	{ "frame", ARG_SLOT },
	{ "slot", ARG_SLOT },
	{ "src", ARG_SLOT },
	{ "irq", ARG_SLOT },
	{ "fault_ep", ARG_SLOT },
	{ "dst", ARG_DST },
	{ "pages", ARG_PAGES },
	{ "count", ARG_PAGES },
	{ "vaddr", ARG_ADDR },
	{ "ipc_buffer", ARG_ADDR },
	{ "rip", ARG_ADDR },
	{ "rsp", ARG_ADDR },
	{ "rights", ARG_RIGHTS },
	{ "flags", ARG_FLAGS },
	{ "timeout_ms", ARG_TIMEOUT },
};

#define MAX_PARAMS 6
#define LIVE_SLOTS 16

static unsigned char kinds[SYS_COUNT][MAX_PARAMS];
static uint64_t live[LIVE_SLOTS] = { HSLOT_EP, HSLOT_POOL };
static unsigned live_next = 2;

static uint64_t rng(void)
{
	uint64_t x = shared->hs_rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	shared->hs_rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static enum arg_kind kind_of(const char *name, unsigned len)
{
	for (unsigned i = 0; i < sizeof(param_kinds) / sizeof(param_kinds[0]); i++)
		if (strlen(param_kinds[i].name) == len && strncmp(param_kinds[i].name, name, len) == 0)
			return param_kinds[i].kind;
	return ARG_ANY;
}

/* Splits "pool, dst, pages, flags" into kinds[nr]. */
static void fuzz_parse_params(void)
{
	for (unsigned nr = 0; nr < SYS_COUNT; nr++) {
		const char *p = fuzz_params[nr];

		for (unsigned i = 0; i < MAX_PARAMS && p && *p; i++) {
			unsigned len = 0;

			while (p[len] && p[len] != ',')
				len++;
			kinds[nr][i] = kind_of(p, len);
			p += len;
			while (*p == ',' || *p == ' ')
				p++;
		}
	}
}

/* Anything: extremes, kernel addresses, small numbers, random bits. */
static uint64_t fuzz_any(void)
{
	uint64_t r = rng(), v = rng();

	switch (r % 8) {
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
	default:
		return 1ULL << (v % 64);
	}
}

static uint64_t fuzz_typed(enum arg_kind kind)
{
	uint64_t r = rng(), v = rng();

	switch (kind) {
	case ARG_SLOT:
		return r % 4 ? live[v % LIVE_SLOTS] : v % 24;
	case ARG_DST:
		return r % 4 ? 6 + v % 40 : v % CAP_SLOTS;
	case ARG_PAGES:
		return r % 8 ? 1 + v % 4 : v % 200;
	case ARG_ADDR:
		return r % 8 ? 0x1000000 + (v % 64) * 0x1000 : v & 0x00007FFFFFFFF000ULL;
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

/* Turns the calls that would end or block the run into harmless ones. */
static uint64_t fuzz_steer(uint64_t nr, uint64_t *a)
{
	uint64_t r = rng();

	if ((uint32_t)nr == SYS_THREAD_EXIT)
		return SYS_YIELD;
	switch (nr) {
	case SYS_CAP_DELETE:
	case SYS_OBJ_DESTROY:
		if (a[0] == HSLOT_POOL)
			return SYS_CAP_IDENTIFY;
		return nr;
	case SYS_CAP_COPY:
		if (a[0] == HSLOT_POOL)
			a[5] &= ~(uint64_t)CAP_COPY_MOVE;
		return nr;
	case SYS_DEBUG_WRITE:
		/* Nothing is mapped there, or it is the kernel half. */
		a[0] = (r & 1 ? 0x0000600000000000ULL : 0xFFFF800000000000ULL) | (rng() & 0xFFFFFFF000ULL);
		a[1] = rng() % 8192;
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
	}
	return nr;
}

static long fuzz_ipc(uint64_t nr, const uint64_t *a)
{
	struct ipc_buffer *ib = ipc_buffer_self();
	uint64_t rdi = a[0], rsi = a[1], w[MSG_REG_WORDS];

	ib->ib_cap_move = rng() & 1;
	for (int i = 0; i < MSG_MAX_CAPS; i++) {
		ib->ib_caps[i] = rng() % 2 ? live[rng() % LIVE_SLOTS] : rng() % 40;
		if (ib->ib_caps[i] == HSLOT_POOL)
			ib->ib_cap_move = 0; /* keep the pool */
	}
	for (int i = 0; i < MSG_REG_WORDS; i++)
		w[i] = i < 4 ? a[2 + i] : fuzz_any();
	if (nr != SYS_RECV && rng() % 4)
		rsi = MSGINFO(rng(), rng() % 140, rng() % 8); /* plausible lengths more often */
	return ipc_trap(nr, &rdi, &rsi, w);
}

static void fuzz_one(void)
{
	uint64_t a[MAX_PARAMS], nr = fuzz_number();
	bool typed = nr < SYS_COUNT && rng() % 2;
	long r;

	for (int i = 0; i < MAX_PARAMS; i++)
		a[i] = typed ? fuzz_typed(kinds[nr][i]) : fuzz_any();
	nr = fuzz_steer(nr, a);
	/* The call goes out before it is made (it might not come back), the
	 * result after. */
	if (shared->hs_trace)
		printf("# fuzz call %lu: %#lx (%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)", shared->hs_calls, nr,
		       a[0], a[1], a[2], a[3], a[4], a[5]);
	if (nr >= SYS_SEND && nr <= SYS_REPLY_RECV)
		r = fuzz_ipc(nr, a);
	else
		r = sys_raw(nr, a[0], a[1], a[2], a[3], a[4], a[5], 0);
	if (shared->hs_trace)
		printf(" = %ld\n", r);
	if (r == E_FAULTED) {
		shared->hs_faults++;
	} else if (r < 0) {
		shared->hs_errors++;
	} else if (nr < SYS_COUNT) {
		shared->hs_ok[nr]++;
		for (int i = 0; i < MAX_PARAMS; i++)
			if (kinds[nr][i] == ARG_DST)
				live[live_next++ % LIVE_SLOTS] = a[i];
	}
}

void fuzz_loop(void)
{
	while (shared->hs_calls < FUZZ_CALLS) {
		fuzz_one();
		shared->hs_calls++;
	}
	shared->hs_done = 1;
	thread_exit(0);
}

long fuzz_run(uint64_t seed)
{
	uint64_t sp;

	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	shared->hs_resume_sp = (sp - 256) & ~15ULL;
	shared->hs_rng = seed ? seed : 1;
	fuzz_parse_params();
	fuzz_loop();
}

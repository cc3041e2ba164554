/* The IPC benchmark: the first task of a boot of its own (scripts/bench.sh
 * starts it twice, with the fast path on and off). Every figure is the
 * median, 99th percentile and minimum of single timed iterations after a
 * warm-up, each timed with lfence; rdtsc at both ends exactly as
 * bench/linux/linuxbench.c does, so the two systems are measured alike.
 * Under QEMU TCG with -icount shift=0 rdtsc counts guest instructions.
 *
 * The same program is the server: loaded again from the second boot
 * module into a task of its own (the address-space crossing case), or run
 * as a thread of this task (the same-address-space case). */
#include <kestrel/boot.h>
#include <kestrel/qemu_exit.h>

#include "../common/sort.h"

#include "console.h"
#include "io.h"
#include "ipc.h"
#include "slots.h"
#include "spawn.h"
#include "syscalls.h"
#include "uthread.h"
#include "vspace.h"

#define ROLE_SERVER 0x5E
#define SRV_EP      1 /* the server's slots */
#define SRV_SELF    2
#define LABEL_PAGE  0x77 /* map the frame that came along, read it, unmap it */
#define SRV_SHARE   3    /* the shared buffer's frame, mapped at SHARE_VA at start */
#define SHARE_VA    0x0000500000100000ULL
#define SHARE_PAGES 16 /* 64 KiB */
#define PAGE_VA     0x0000500000000000ULL
#define MAX_ITERS   10000
#define WARMUP      1000

static uint64_t samples[MAX_ITERS];
static unsigned iters = MAX_ITERS;

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/* Answers every call with the same number of words, until told to map. */
static long serve(uint64_t ep, uint64_t self)
{
	uint64_t rdi = ep, rsi = IPC_FOREVER, w[MSG_REG_WORDS] = { 0 };
	long rax = ipc_trap(SYS_RECV, &rdi, &rsi, w);
	struct ipc_buffer *ib = ipc_buffer_self();

	for (;;) {
		if (rax != E_OK)
			return rax;
		if (MSGINFO_LABEL(rsi) == LABEL_PAGE && MSGINFO_CAPS(rsi) == 1) {
			uint64_t frame = ib->ib_caps[0], unmapped;

			sys_mem_map(self, frame, PAGE_VA, R_READ | R_WRITE, 0, 0);
			w[0] = *(volatile uint64_t *)PAGE_VA;
			sys_mem_unmap_out(self, PAGE_VA, 1, &unmapped);
			sys_cap_delete(frame);
			rsi = MSGINFO(0, 1, 0);
		} else {
			rsi = MSGINFO(0, MSGINFO_WORDS(rsi), 0); /* buffer words stay where they are */
		}
		rdi = ep;
		rax = ipc_trap(SYS_REPLY_RECV, &rdi, &rsi, w);
	}
}

static long server_thread(uint64_t ep)
{
	return serve(ep, BOOT_SLOT_TASK);
}

/* Notifications: a thread of priority 100 waits on an endpoint; one of
 * priority 99 signals it and is preempted at once. Timed from before the
 * signal to the woken thread running again in user mode. */
static volatile uint64_t signal_t0, signal_t1;

static long notify_waiter(uint64_t ep)
{
	for (;;) {
		uint64_t rdi = ep, rsi = IPC_FOREVER, w[MSG_REG_WORDS] = { 0 };

		if (ipc_trap(SYS_RECV, &rdi, &rsi, w) != E_OK)
			return -1;
		signal_t1 = tsc();
	}
}

static void report(const char *name);

static long notify_signaller(uint64_t tx)
{
	for (unsigned i = 0; i < WARMUP + iters; i++) {
		signal_t0 = tsc();
		sys_signal(tx);
		samples[i < WARMUP ? 0 : i - WARMUP] = signal_t1 - signal_t0;
	}
	report("notify_wake");
	return 0;
}

static void report(const char *name)
{
	sort_u64(samples, iters);
	printf("kbench %s median=%lu p99=%lu min=%lu iters=%u\n", name, samples[iters / 2],
	       samples[(iters * 99 + 99) / 100 - 1], samples[0], iters);
}

static void time_null_syscall(void)
{
	for (unsigned i = 0; i < WARMUP + iters; i++) {
		uint64_t t0 = tsc();
		long r = SYS_THREAD_ID;

		__asm__ volatile("syscall" : "+a"(r) : : "rcx", "r11", "memory");
		samples[i < WARMUP ? 0 : i - WARMUP] = tsc() - t0;
	}
	report("null_syscall");
}

static void time_empty(void)
{
	for (unsigned i = 0; i < WARMUP + iters; i++) {
		uint64_t t0 = tsc();

		samples[i < WARMUP ? 0 : i - WARMUP] = tsc() - t0;
	}
	report("rdtsc_overhead");
}

/* One call of n words: registers only up to MSG_REG_WORDS, the rest are
 * already in the message buffer (as a real client would have put them). */
static void time_calls(const char *name, uint64_t ep, unsigned n)
{
	uint64_t w[MSG_REG_WORDS] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	for (unsigned i = 0; i < WARMUP + iters; i++) {
		uint64_t rdi = ep, rsi = MSGINFO(1, n, 0), t0 = tsc();

		ipc_trap(SYS_CALL, &rdi, &rsi, w);
		samples[i < WARMUP ? 0 : i - WARMUP] = tsc() - t0;
	}
	report(name);
}

/* A page to the server and back: the capability goes along, the server
 * maps it, reads it, unmaps it and drops the capability. */
static void time_page_map(const char *name, uint64_t ep, uint64_t frame)
{
	struct ipc_buffer *ib = ipc_buffer_self();
	uint64_t w[MSG_REG_WORDS] = { 0 };

	for (unsigned i = 0; i < WARMUP + iters; i++) {
		uint64_t rdi = ep, rsi = MSGINFO(LABEL_PAGE, 0, 1), t0 = tsc();

		ib->ib_caps[0] = frame;
		ib->ib_cap_move = 0;
		ipc_trap(SYS_CALL, &rdi, &rsi, w);
		samples[i < WARMUP ? 0 : i - WARMUP] = tsc() - t0;
	}
	report(name);
}

/* 4 KiB through the message buffer: four calls of 128 words, each copied
 * into the buffer from a source page first, as a client would. */
static void time_page_copy(const char *name, uint64_t ep)
{
	static uint64_t page[512];
	struct ipc_buffer *ib = ipc_buffer_self();
	uint64_t w[MSG_REG_WORDS];

	for (unsigned i = 0; i < WARMUP + iters; i++) {
		uint64_t t0 = tsc();

		for (unsigned part = 0; part < 4; part++) {
			uint64_t rdi = ep, rsi = MSGINFO(1, MSG_MAX_WORDS, 0);
			const uint64_t *src = &page[part * MSG_MAX_WORDS];

			memcpy(w, src, sizeof(w));
			memcpy(&ib->ib_msg[MSG_REG_WORDS], src + MSG_REG_WORDS,
			       (MSG_MAX_WORDS - MSG_REG_WORDS) * sizeof(uint64_t));
			ipc_trap(SYS_CALL, &rdi, &rsi, w);
		}
		samples[i < WARMUP ? 0 : i - WARMUP] = tsc() - t0;
	}
	report(name);
}

/* Bulk data through a buffer both tasks map: the client writes bytes
 * into it and calls with their length, once per transfer; the kernel
 * copies nothing. The server got the frame when it was loaded (SRV_SHARE)
 * and mapped it before it began to serve. */
static long time_shared_buffer(uint64_t ep, uint64_t frame)
{
	static uint64_t src[SHARE_PAGES * 512];
	static const unsigned sizes[] = { 4096, SHARE_PAGES * 4096 };
	static const char *const names[] = { "share_4k", "share_64k" };
	uint64_t va = vspace_alloc(SHARE_PAGES * 4096, 4096);
	uint64_t w[MSG_REG_WORDS] = { 0 }, rdi, rsi;
	long e;

	if ((e = sys_mem_map(BOOT_SLOT_TASK, frame, va, R_READ | R_WRITE, 0, 0)))
		return e;
	for (unsigned s = 0; s < 2; s++) {
		for (unsigned i = 0; i < WARMUP + iters; i++) {
			uint64_t t0 = tsc();

			rdi = ep;
			rsi = MSGINFO(1, 1, 0);
			memcpy((void *)va, src, sizes[s]);
			w[0] = sizes[s];
			ipc_trap(SYS_CALL, &rdi, &rsi, w);
			samples[i < WARMUP ? 0 : i - WARMUP] = tsc() - t0;
		}
		report(names[s]);
	}
	return E_OK;
}

static void time_round_trips(const char *where, uint64_t ep)
{
	static const unsigned sizes[] = { 0, 1, 4, MSG_REG_WORDS, 64 };
	char name[48];

	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(name, sizeof(name), "ipc_rt_%s_%uw", where, sizes[i]);
		time_calls(name, ep, sizes[i]);
	}
}

/* Runs notify_signaller at priority 99 beside notify_waiter at 100 and
 * waits for the signaller's exit message. */
static long time_notify(void)
{
	uint64_t ep = slot_alloc(), tx = slot_alloc(), done = slot_alloc();
	struct uthread_info waiter, signaller;
	struct msg m;
	long e;

	if ((e = sys_endpoint_create(BOOT_SLOT_POOL, ep)) ||
	    (e = sys_endpoint_create(BOOT_SLOT_POOL, done)) ||
	    (e = sys_cap_copy(ep, BOOT_SLOT_TASK, tx, R_WRITE, 1, CAP_COPY_BADGE)) ||
	    (e = uthread_create(notify_waiter, ep, 100, CAP_NULL, BOOT_SLOT_POOL, &waiter)) ||
	    (e = uthread_create(notify_signaller, tx, 99, done, BOOT_SLOT_POOL, &signaller)))
		return e;
	return ipc_recv(done, IPC_FOREVER, &m);
}

static unsigned parse_uint(const char *s)
{
	unsigned v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned)(*s++ - '0');
	return v;
}

/* kbench.iters=N on the kernel command line: fewer iterations (the smoke
 * run in make test). */
static unsigned option(const struct boot_info *bi, const char *key, unsigned dflt)
{
	const char *c = bi->bi_cmdline;
	size_t n = strlen(key);

	for (; *c; c++)
		if ((c == bi->bi_cmdline || c[-1] == ' ') && strncmp(c, key, n) == 0 && c[n] == '=')
			return parse_uint(c + n + 1);
	return dflt;
}

static long run(const struct boot_info *bi)
{
	const struct boot_module_info *self_image = &bi->bi_modules[0];
	uint64_t ep = slot_alloc(), frame = slot_alloc(), tep = slot_alloc(), tep_sleep = slot_alloc();
	uint64_t share = slot_alloc();
	struct spawn_cap caps[] = { { ep, SRV_EP, R_READ | R_WRITE, 0 },
		                    { SPAWN_OWN_TASK, SRV_SELF, R_ALL, 0 },
		                    { share, SRV_SHARE, R_READ, 0 } };
	struct spawn_req req = { .sr_image = (const void *)self_image->bm_vaddr,
		                 .sr_size = self_image->bm_size,
		                 .sr_self = BOOT_SLOT_TASK,
		                 .sr_pool = BOOT_SLOT_POOL,
		                 .sr_prio = 100,
		                 .sr_fault_ep = CAP_NULL,
		                 .sr_caps = caps,
		                 .sr_ncaps = 3 };
	struct uthread_info ui;
	struct spawned sp;
	long e;

	iters = option(bi, "kbench.iters", MAX_ITERS);
	if (iters < 100 || iters > MAX_ITERS)
		iters = MAX_ITERS;
	if (bi->bi_nmodules < 1)
		return printf("kbench: boot me with my own image as the second module\n"), -1;
	if ((e = sys_endpoint_create(BOOT_SLOT_POOL, ep)) || (e = sys_endpoint_create(BOOT_SLOT_POOL, tep)) ||
	    (e = sys_endpoint_create(BOOT_SLOT_POOL, tep_sleep)) ||
	    (e = sys_mem_alloc(BOOT_SLOT_POOL, frame, 1, 0)) ||
	    (e = sys_mem_alloc(BOOT_SLOT_POOL, share, SHARE_PAGES, 0)) || (e = spawn_load(&req, &sp)) ||
	    (e = spawn_start(&sp, ROLE_SERVER)) ||
	    (e = uthread_create(server_thread, tep, 100, CAP_NULL, BOOT_SLOT_POOL, &ui)))
		return printf("kbench: set-up failed with error %ld\n", e), e;

	/* Let both servers reach their receive before anything is timed: a
	 * server still in the run queue would change the paths measured. */
	{
		struct msg m;

		ipc_recv(tep_sleep, 20, &m);
	}
	time_empty();
	time_null_syscall();
	time_round_trips("inter", ep);
	time_round_trips("intra", tep);
	time_page_map("page_map_inter", ep, frame);
	time_page_copy("page_copy_inter", ep);
	if ((e = time_shared_buffer(ep, share)) != E_OK)
		return printf("kbench: shared buffer set-up failed with error %ld\n", e), e;
	if ((e = time_notify()) != E_OK)
		return printf("kbench: notification set-up failed with error %ld\n", e), e;
	printf("kbench done\n");
	return 0;
}

long main(uint64_t arg)
{
	long e;

	if (arg == ROLE_SERVER) {
		slots_init(SRV_SHARE + 1);
		sys_mem_map(SRV_SELF, SRV_SHARE, SHARE_VA, R_READ, 0, 0);
		return serve(SRV_EP, SRV_SELF);
	}
	slots_init(((const struct boot_info *)arg)->bi_first_free_slot);
	vspace_init(BOOT_SLOT_TASK);
	e = run((const struct boot_info *)arg);
	outl(QEMU_EXIT_PORT, e ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	for (;;)
		sys_yield();
}

/* The runner's test harness: checks that fail a test with a reason, and
 * helpers that make the objects a test needs. Everything a test makes goes
 * into slots from the slot allocator and addresses from vspace, and after
 * the test kt_end() destroys and deletes all of it (threads first, then
 * tasks, then endpoints, then unmaps, then deletes every slot), so a
 * failing test leaves nothing behind for the next one.
 *
 * A test is `int test_NAME(void)` returning 0 for a pass; the CHECK macros
 * return from it with a reason when a check fails. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/boot.h>
#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/fault.h>
#include <kestrel/ipc.h>

#include "console.h"
#include "elf.h"
#include "ipc.h"
#include "ktest.h"
#include "spawn.h"
#include "syscalls.h"
#include "uthread.h"
#include "vspace.h"

#define RUNNER_PRIO       100   /* what the kernel gives the first task */
#define KT_WAIT_MS        2000  /* how long a test waits for something that should come at once */
#define KT_TEST_BUDGET_MS 20000 /* the watchdog's limit for one test */

/* Records why the current test failed (the first reason counts) and
 * returns -1. */
int kt_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *kt_err(long e); /* "E_BAD_CAP" for -1, a number for the rest */

#define CHECK(cond)                                                      \
	do {                                                             \
		if (!(cond))                                             \
			return kt_fail(__FILE__, __LINE__, "%s", #cond); \
	} while (0)

#define CHECK_MSG(cond, ...)                                             \
	do {                                                             \
		if (!(cond))                                             \
			return kt_fail(__FILE__, __LINE__, __VA_ARGS__); \
	} while (0)

#define CHECK_EQ(a, b)                                                                                    \
	do {                                                                                              \
		long long a_ = (long long)(a), b_ = (long long)(b);                                       \
		if (a_ != b_)                                                                             \
			return kt_fail(__FILE__, __LINE__, "%s is %lld (%#llx), expected %s (%#llx)", #a, \
			               a_, (unsigned long long)a_, #b, (unsigned long long)b_);           \
	} while (0)

/* e must be the error code code (E_OK for success). */
#define CHECK_ERR(e, code)                                                                                \
	do {                                                                                              \
		long e_ = (long)(e), c_ = (long)(code);                                                   \
		if (e_ != c_)                                                                             \
			return kt_fail(__FILE__, __LINE__, "%s returned %s, expected %s", #e, kt_err(e_), \
			               kt_err(c_));                                                       \
	} while (0)

#define CHECK_OK(e) CHECK_ERR(e, E_OK)

/* For failures whose error code the contract does not pin down. */
#define CHECK_FAILS(e)                                                                                    \
	do {                                                                                              \
		long e_ = (long)(e);                                                                      \
		if (e_ >= 0)                                                                              \
			return kt_fail(__FILE__, __LINE__, "%s returned %ld, expected an error", #e, e_); \
	} while (0)

/* Set up once by main.c. */
extern const struct boot_info *kt_bi;
extern struct elf_file kt_helper; /* the helper program's image */

/* Once, before the first test: the endpoints and the watchdog thread that
 * live for the whole run. */
long kt_harness_init(void);
/* Per test: kt_begin() before, kt_end() after (main.c). A test that runs
 * longer than KT_TEST_BUDGET_MS is interrupted by the watchdog; the count
 * of such interruptions only grows. */
void kt_begin(void);
void kt_end(void);
uint64_t kt_watchdog_fired(void);
/* Gives the current test ms from now instead (0: no limit). */
void kt_watchdog_arm(uint64_t ms);
/* A function kt_end() calls first (e.g. to switch a device's interrupt off
 * again), or 0. */
void kt_at_end(void (*fn)(void));
/* Marks a slot that holds a copy of something the test did not make (a
 * boot capability): kt_end() deletes it but never destroys the object. */
void kt_keep_object(uint64_t slot);

uint64_t kt_slot(void); /* a free slot, released after the test */
long kt_endpoint(uint64_t *slot);
long kt_recv_forever(uint64_t ep); /* a thread body: waits on ep until it dies */
/* Copies src into a new slot of ours with rights and, if badge, a badge. */
long kt_copy(uint64_t src, uint64_t rights, uint64_t badge, uint64_t *slot);
long kt_frame(uint64_t pages, uint64_t *slot);
/* Maps a frame into our task at fresh addresses (unmapped after the test). */
long kt_map(uint64_t frame, uint64_t pages, uint64_t rights, volatile uint64_t **va);
/* A fresh frame of pages, mapped readable and writable. */
long kt_page(uint64_t pages, uint64_t *frame, volatile uint64_t **va);
/* A thread in our task running fn(arg); fault_ep may be CAP_NULL. */
long kt_thread(long (*fn)(uint64_t), uint64_t arg, unsigned prio, uint64_t fault_ep, uint64_t *slot);
/* A pool with pages of quota split from the boot pool, and objects
 * (POOL_OBJECTS) or KT_POOL_OBJECTS of kernel objects. */
long kt_pool(uint64_t pages, uint64_t *slot);
long kt_pool_with(uint64_t pages, uint64_t objects, uint64_t *slot);
#define KT_POOL_OBJECTS POOL_OBJECTS(16, 64, 64, 8, 8)

uint64_t kt_now(void); /* milliseconds since boot */
void kt_sleep(uint64_t ms);
/* The boot pool's quota and the system's free frames. */
void kt_pool_state(uint64_t pool, uint64_t *left, uint64_t *free_frames);

/* A helper task (helper.c) in one role. */
struct kt_helper_opts {
	unsigned ho_role;
	uint64_t ho_param;
	uint64_t ho_fault_ep; /* our unbadged endpoint, or CAP_NULL */
	uint64_t ho_badge;    /* badge of its fault endpoint capability; 0: a new one */
	unsigned ho_prio;     /* 0: HELPER_PRIO */
	uint64_t ho_pool;     /* 0: the boot pool */
	const struct spawn_cap *ho_caps;
	unsigned ho_ncaps;
	bool ho_shared;  /* map a shared page at HELPER_SHARED_VADDR */
	bool ho_stopped; /* load it but do not start it yet */
};

#define KT_HELPER_BADGE 0x4B000000 /* default badges count up from here */

struct kt_helper {
	struct spawned kh_sp;
	uint64_t kh_arg;
	uint64_t kh_badge;                        /* of its fault endpoint capability */
	volatile struct helper_shared *kh_shared; /* our view of the shared page */
};

long kt_helper_start(struct kt_helper *h, const struct kt_helper_opts *o);
/* The address of a symbol of the helper program; 0 if it has none. */
uint64_t kt_helper_sym(const char *name);

/* A thread of ours with a fault endpoint of its own, so that the test can
 * wait for it to end and learn fn's return value (its exit status). */
struct kt_joinable {
	uint64_t kj_thread;
	uint64_t kj_fault_ep;
};
long kt_spawn(long (*fn)(uint64_t), uint64_t arg, unsigned prio, struct kt_joinable *j);
/* Waits for the thread's FAULT_EXIT; E_BAD_STATE if it faulted instead. */
long kt_join(const struct kt_joinable *j, long *status);

/* Instructions that fault on purpose, at labels a test can compare with a
 * fault message's instruction pointer. */
void kt_store(uint64_t addr, uint64_t value); /* at kt_store_insn */
uint64_t kt_load(uint64_t addr);              /* at kt_load_insn */
long kt_syscall_nr(uint64_t nr);              /* syscall with only rax set; returns to kt_syscall_after */
long kt_single_step(uint64_t arg); /* sets the trap flag: a debug trap follows, at kt_single_step_trap */
extern char kt_store_insn[], kt_load_insn[], kt_syscall_after[], kt_single_step_trap[];

/* A fault message (fault.h), as the handler receives it. */
struct kt_fault {
	uint64_t kf_badge;
	uint64_t kf_kind;
	uint64_t kf_addr;
	uint64_t kf_ip;
	uint64_t kf_code;
	uint64_t kf_thread;
	uint64_t kf_sp;
};

/* Waits for a fault message on ep. Returns E_OK, the recv error, or
 * E_BAD_STATE when a message with another label or length came instead. */
long kt_fault_recv(uint64_t ep, uint64_t timeout_ms, struct kt_fault *f);
long kt_fault_resume(void);
long kt_fault_resume_at(uint64_t rip, uint64_t rsp);

/* Checks a fault message's kind and instruction pointer. */
#define CHECK_FAULT(f, kind, ip)                     \
	do {                                         \
		CHECK_EQ((f).kf_kind, (kind));       \
		CHECK_EQ((f).kf_ip, (uint64_t)(ip)); \
	} while (0)

/* x86 page-fault error code bits. */
#define PF_PRESENT 1
#define PF_WRITE   2
#define PF_USER    4
#define PF_FETCH   16

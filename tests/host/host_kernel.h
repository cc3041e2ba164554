/* A small booted kernel for the host tests of the kernel's object files
 * (KERNEL_OBJECT_SRCS): a heap arena is physical memory, the root pool
 * holds all of it, and each test starts with a first task built as
 * roottask.c builds it (the capabilities of include/kestrel/boot.h) whose
 * one thread is running. Tests act as user threads by making system calls
 * through the kernel's own syscall_dispatch; each kernel entry ends in the
 * stand-in for arch/ (tests/host/standin/), which reports the thread the
 * scheduler chose instead of switching to it.
 *
 * A group runs with hk_boot/hk_shutdown around it and hk_setup/hk_teardown
 * around each test. hk_teardown destroys the first task, which takes with
 * it everything made by system calls, and checks that every page, object
 * and quota came back: a test that leaks fails there. */
#pragma once

#include <stdint.h>

#include <kestrel/boot.h>
#include <kestrel/cap.h>
#include <kestrel/ipc.h>
#include <kestrel/syscall.h>

#include "endpoint.h"
#include "pool.h"
#include "sched.h"
#include "task.h"
#include "thread.h"

#define HK_ARENA_FRAMES 2048 /* 8 MiB of RAM */
#define HK_LOW_FRAMES   16   /* kept out, as the kernel keeps the first MiB: no page at 0 */
#define HK_PRIO         200  /* the first thread's priority: room above and below */

/* Where threads made by hk_thread_new have their message buffers and
 * start: nothing runs there, but the addresses must be user addresses. */
#define HK_BUF_BASE 0x0000000010000000ULL
#define HK_ENTRY    0x0000000000400000ULL
#define HK_STACK    0x0000000020000000ULL

/* The first task and its thread, made by hk_setup. */
extern struct task *hk_task;
extern struct thread *hk_thread;

/* Free frames and the root pool's quota once booted. */
extern uint64_t hk_boot_free_frames;

int hk_boot(void **state);
int hk_shutdown(void **state);
int hk_setup(void **state);
int hk_teardown(void **state);

/* Makes t the running thread, as if the scheduler had chosen it: t must be
 * ready; the thread it replaces, if ready, goes back to the front of its
 * queue as a preempted thread would. */
void hk_become(struct thread *t);

/* System call nr by thread t (made current first) with arguments in rdi,
 * rsi, rdx, r10, r8, r9. Returns the thread the kernel returns to (NULL:
 * none, the CPU halts). t's result is hk_result(t). */
struct thread *hk_syscall(struct thread *t, uint64_t nr, const uint64_t args[6]);
#define hk_sys(t, nr, ...) hk_syscall((t), (nr), (const uint64_t[6]){ __VA_ARGS__ })

static inline int64_t hk_result(const struct thread *t)
{
	return (int64_t)t->t_frame.rax;
}

/* hk_sys, then t's result: for calls that do not block t. */
#define hk_call(t, nr, ...) (hk_sys((t), (nr), __VA_ARGS__), hk_result(t))

/* Thread t's id, or -1 for none (the CPU halts): what assert_thread
 * compares, so that a failure names threads, not addresses. */
static inline int64_t hk_tid(const struct thread *t)
{
	return t ? (int64_t)thread_index(t) : -1;
}

#define assert_thread(got, want) assert_int_equal(hk_tid(got), hk_tid(want))

/* The scheduler's choice on the way out of the kernel (NULL: halt). */
struct thread *hk_schedule(void);

/* A timer interrupt: the clock ticks, then the scheduler chooses. */
struct thread *hk_tick(void);

/* The capability in slot of task t. */
static inline struct cap *hk_cap(struct task *t, uint64_t slot)
{
	return &t->t_caps[slot];
}

/* A new thread in the first task, capability in slot, priority prio
 * (at most HK_PRIO), started: ready and queued. */
struct thread *hk_thread_new(uint64_t slot, uint8_t prio);

/* A new endpoint, its capability (all rights, no badge) in slot of the
 * first task. Returns the endpoint. */
struct endpoint *hk_endpoint_new(uint64_t slot);

/* Message word i (syscall.h's registers, then the message buffer) of t. */
uint64_t *hk_word(struct thread *t, unsigned i);

/* t's message buffer. */
struct ipc_buffer *hk_ipcbuf(struct thread *t);

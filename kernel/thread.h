/* Threads: the unit of execution. A thread's user registers live in its
 * struct thread (t_frame): the CPU and the entry code save them there on
 * every entry from user mode and restore them from there on the way out,
 * so switching threads only changes which frame the kernel returns to. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/trap.h"
#include "cap.h"
#include "frame.h"

#define MAX_THREADS 1024

enum thread_state {
	TS_FREE = 0,  /* table entry unused */
	TS_INACTIVE,  /* created, not started */
	TS_READY,     /* in a run queue, or running */
	TS_SEND,      /* queued on t_ep to send (or call) */
	TS_RECV,      /* queued on t_ep to receive */
	TS_REPLY,     /* waiting for the answer to a call or a fault */
	TS_SUSPENDED, /* stopped by thread_suspend or after a fault nobody handles */
	TS_EXITED,    /* thread_exit; waits to be destroyed */
};

struct fxsave_area {
	uint8_t bytes[512];
} __attribute__((aligned(16)));

/* Invariants: t_frame is first (entry code reaches it from the TSS and from
 * the per-CPU frame pointer). A thread is in at most one queue through
 * t_next/t_prev: a run queue when TS_READY and not running, or t_ep's queue
 * when TS_SEND/TS_RECV. t_timeout_next links it into the timeout list when
 * it waits with a deadline. Kernel only, interrupts off. */
struct thread {
	struct trap_frame t_frame;
	uint64_t t_fs_base; /* loaded whenever the CPU switches to the thread (arch_switch) */
	struct kobj t_obj;
	/* Side by side, so that the fast path tests two in one compare. */
	bool t_timed;    /* in the timeout list */
	uint8_t t_state; /* enum thread_state */
	bool t_in_fault; /* TS_SEND/TS_REPLY on behalf of a fault: registers are not the message */
	uint8_t t_prio;
	uint32_t t_slice; /* ticks left in this time slice */
	uint64_t t_ticks; /* ticks it was running at (cap_identify tells a holder: a watchdog of spinning) */
	struct task *t_task;
	uint32_t t_index; /* in threads[], kept so the fast path need not divide */
	uint32_t t_pool;  /* charged for the thread and its message buffer */
	struct thread *t_next, *t_prev;
	struct endpoint *t_ep;

	/* A blocked sender's message goes out from its registers; these say
	 * how. t_fault holds a kernel-made fault message instead. */
	uint64_t t_send_badge;
	bool t_send_grant;
	bool t_send_call;
	bool t_fpu_used; /* has state in t_fpu (here, where it fills a hole) */
	uint64_t t_fault[6];

	/* Calls: t_call_seq numbers this thread's calls, so that a reply
	 * capability answers only the call it was made for. t_caller is the
	 * call this thread received and has not answered (its implicit reply
	 * capability), as a CAP_REPLY (c_type CAP_EMPTY if none). */
	uint32_t t_call_seq;
	struct cap t_caller;

	uint64_t t_deadline; /* clock tick to time out at, when t_timed */
	struct thread *t_timeout_next;

	struct cap t_fault_ep; /* CAP_EMPTY: faults suspend the thread */
	paddr_t t_ipcbuf_pa;   /* the message buffer page (one frame reference) */
	uint64_t t_ipcbuf_va;  /* where it is mapped in t_task */

	struct fxsave_area t_fpu;
};

extern struct thread threads[MAX_THREADS];

static inline uint32_t thread_index(const struct thread *t)
{
	return t->t_index;
}

/* Allocates a stopped thread in task, charged to pool, whose message
 * buffer is a new page from pool mapped at buf_va. Returns E_OK,
 * E_BAD_ARG, E_LIMIT (the pool's quota of threads is used up),
 * E_NO_MEMORY or E_EXISTS. */
int thread_create_in(struct task *task, uint32_t pool, uint64_t buf_va, uint8_t prio, struct thread **out);

/* Takes t out of any queue or wait and ends it: the caller it owed an
 * answer gets E_DEAD; its capabilities' references go. */
void thread_destroy(struct thread *t);

/* Makes t runnable at rip/rsp with rdi = arg. rip and rsp must be user
 * addresses (checked by the caller). */
void thread_start(struct thread *t, uint64_t rip, uint64_t rsp, uint64_t arg);

/* Stops any wait t is in; the interrupted call (or system call that
 * faulted) returns err when t runs. Returns false if t was sending its exit
 * message: then it is TS_EXITED and must never run again. */
bool thread_cancel_wait(struct thread *t, int err);

/* Sets t's syscall result register. */
static inline void thread_set_result(struct thread *t, int64_t v)
{
	t->t_frame.rax = (uint64_t)v;
}

/* The user-mode fault t just took: send it to t's fault endpoint, or
 * suspend t if it has none. kind/addr/code as in fault.h. */
void thread_fault(struct thread *t, uint64_t kind, uint64_t addr, uint64_t code);

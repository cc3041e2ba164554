/* Threads of a user task and how each finds its own message buffer.
 *
 * Every thread's stack lives in its own UTHREAD_STACK_SIZE region aligned
 * to that size, and the topmost bytes of the region hold the thread's
 * struct uthread. A thread finds its record from its stack pointer alone
 * (round rsp up to the region's end), so the IPC stubs need no
 * thread-local storage and no argument: uthread_self()->ut_ipcbuf is the
 * buffer the kernel maps for this thread.
 *
 * A task's first thread: the kernel (or the loader, spawn.c) starts it with
 * rsp at the top of a 64 KiB-aligned stack (BOOT_STACK_TOP) and its buffer
 * at BOOT_IPC_BUFFER; crt0 fills the record. Further threads of a task are
 * made by uthread_create(), which fills the record before the thread runs. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <kestrel/boot.h>
#include <kestrel/ipc.h>

#define UTHREAD_STACK_SIZE  0x10000ULL /* 64 KiB, also the alignment */
#define UTHREAD_STACK_PAGES 8          /* mapped at the top of the region for uthread_create's threads */

struct uthread {
	struct ipc_buffer *ut_ipcbuf; /* this thread's message buffer */
	long (*ut_fn)(uint64_t arg);  /* uthread_create: what the thread runs */
	uint64_t ut_arg;
	uint64_t ut_slot;  /* its thread capability in the task's table (0: the first thread) */
	void *ut_libc;     /* the C library's TLS block of this thread (libc-glue); 0 if none */
	uint64_t ut_reply; /* a slot holding the reply capability of the call this thread has not
	                    * answered, put aside while it slept on a lock (libc-glue); 0 if none */
	uint64_t ut_spare[2];
};

_Static_assert(sizeof(struct uthread) % 16 == 0, "the stack below the record stays 16-byte aligned");
_Static_assert(BOOT_STACK_TOP % UTHREAD_STACK_SIZE == 0, "the first thread's stack is a uthread region");
_Static_assert(BOOT_STACK_PAGES * 4096 <= UTHREAD_STACK_SIZE, "the first thread's stack fits its region");

static inline struct uthread *uthread_self(void)
{
	uint64_t sp;

	__asm__("mov %%rsp, %0" : "=r"(sp));
	return (struct uthread *)((sp | (UTHREAD_STACK_SIZE - 1)) + 1 - sizeof(struct uthread));
}

static inline struct ipc_buffer *ipc_buffer_self(void)
{
	return uthread_self()->ut_ipcbuf;
}

/* Where uthread_create() put a thread. */
struct uthread_info {
	uint64_t ui_slot;   /* thread capability */
	uint64_t ui_region; /* base of its region: the message buffer page */
	uint64_t ui_stack;  /* lowest mapped stack address */
	struct uthread *ui_ut;
};

/* Defined by the C library (libc-glue/threads.c), if the program has one:
 * a uthread_create() thread first sets aside uthread_tls_size() bytes of
 * its stack and calls uthread_start_hook() with them, which makes them its
 * thread-local storage (ut_libc records where), before fn runs. */
size_t uthread_tls_size(void) __attribute__((weak));
void uthread_start_hook(struct uthread *ut, void *tls) __attribute__((weak));

/* Before a wait that receives (and so would drop the call this thread
 * has not answered): moves that call's reply capability, if there is one,
 * into a slot that ut_reply names; ipc_reply(), ipc_reply_recv() and
 * proto_defer() answer or hand on that call then. */
void uthread_reply_aside(void);
/* The slot uthread_reply_aside() filled, now the caller's; 0 if none. */
uint64_t uthread_reply_take(void);
/* Drops the call put aside (its caller gets E_NO_REPLY), as a receive or
 * the thread's end would drop it. */
void uthread_reply_drop(void);

/* Called, if a program defines it, by a uthread_create() thread whose fn
 * has returned, just before it exits. A thread that calls thread_exit()
 * itself skips it. */
void uthread_exit_hook(struct uthread *ut) __attribute__((weak));

/* Creates and starts a thread in the caller's own task running fn(arg),
 * with priority prio and fault endpoint fault_ep (a slot of ours, or
 * CAP_NULL). Its stack frame is charged to pool and mapped into our task;
 * vspace_release() unmaps it. When fn returns, the thread exits with its
 * return value as the status. Returns E_OK or the failing call's error;
 * on failure nothing is left behind except what the slot allocator frees. */
long uthread_create(long (*fn)(uint64_t), uint64_t arg, unsigned prio, uint64_t fault_ep, uint64_t pool,
                    struct uthread_info *out);

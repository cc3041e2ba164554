/* The IPC fast path (fastpath.c). */
#pragma once

#include "arch/x86_64/trap.h"

struct thread;

/* entry.asm's way on for each system call, by number (syscall.c). */
extern const void *syscall_entries[];

/* Points call and reply_recv at the fast path. Left out with the boot
 * option fastpath=off: then everything takes ipc.c's path. */
void fastpath_init(void);

/* The general path of every system call (syscall.c): runs the call of the
 * current thread, whose frame is f, and leaves for user mode. */
__attribute__((noreturn)) void syscall_dispatch(struct trap_frame *f);

/* Called by the syscall entry (entry.asm) with the current thread, whose
 * frame holds the call. Each either makes the partner current, ready to
 * enter with the message, and returns it, or hands the call to
 * syscall_dispatch having changed nothing. */
struct thread *fastpath_call(struct thread *t);
struct thread *fastpath_reply_recv(struct thread *t);

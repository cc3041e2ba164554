/* The IPC fast path (fastpath.c). */
#pragma once

#include <stdbool.h>

#include "arch/x86_64/trap.h"

struct thread;

/* Off with the boot option fastpath=off: everything takes ipc.c's path. */
extern bool fastpath_enabled;

/* Called by the syscall entry (entry.asm) with the current thread's frame,
 * which is the thread itself (t_frame comes first). Each either switches
 * to the partner and never returns, or returns having changed nothing, for
 * the general path to take over. */
void fastpath_call(struct trap_frame *f);
void fastpath_reply_recv(struct trap_frame *f);

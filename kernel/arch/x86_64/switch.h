/* Switching the CPU between threads and address spaces. */
#pragma once

#include <stdint.h>

struct thread;
struct task;

/* Loads t's address space, kernel entry frame, FPU access, I/O ports and
 * segments. Returns t. */
struct thread *arch_switch(struct thread *t);

/* arch_switch, and returns to user mode in t. Never returns. */
__attribute__((noreturn)) void arch_return_to_user(struct thread *t);

/* The CPU must stop using t's page tables and I/O bitmap (t is going away
 * or its bitmap changed). */
void task_switch_away(struct task *t);

/* Drops the TLB entry for va if t's address space is loaded. */
void tlb_flush_user(struct task *t, uint64_t va);

/* Lazy FPU switching: CR0.TS is set whenever the running thread is not the
 * one whose state is in the FPU; its first FPU instruction traps (#NM) and
 * fpu_trap() swaps the state in. */
void fpu_init(void);
void fpu_trap(struct thread *t);
void fpu_forget(struct thread *t);

/* Interrupt and exception entry (entry.asm) and dispatch (trap.c). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <kestrel/ipc.h>

/* The stack on entry to trap_dispatch: general registers pushed by
 * trap_common, then vector and error code pushed by the stub, then what the
 * CPU pushed. The registers of an IPC message's words (syscall.h) lie in
 * word order, so that the words can be copied as one array. */
struct trap_frame {
	uint64_t rax, rbx, rcx, rbp, r11, rdi, rsi;
	union {
		struct {
			uint64_t rdx, r10, r8, r9, r12, r13, r14, r15;
		};
		uint64_t msg[MSG_REG_WORDS];
	};
	uint64_t vector;
	uint64_t error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* The layout entry.asm relies on: its F_ offsets, the 15 registers it
 * pushes, and the saved CS at [rsp + 24] while only vector and error code
 * lie above it. */
#define FRAME_AT(field, slot) (offsetof(struct trap_frame, field) == (slot)*8)
_Static_assert(FRAME_AT(rbx, 1) && FRAME_AT(rbp, 3) && FRAME_AT(rdi, 5) && FRAME_AT(rsi, 6) &&
                       FRAME_AT(vector, 15) && FRAME_AT(rip, 17) && FRAME_AT(cs, 18) &&
                       FRAME_AT(rflags, 19) && FRAME_AT(rsp, 20) && sizeof(struct trap_frame) == 22 * 8,
               "entry.asm: the frame's layout");

enum {
	VEC_DE = 0,
	VEC_NMI = 2,
	VEC_BP = 3,
	VEC_UD = 6,
	VEC_NM = 7,
	VEC_DF = 8,
	VEC_GP = 13,
	VEC_PF = 14,
	VEC_MC = 18,
	VEC_FIRST_IRQ = 32,
	VEC_PIC_BASE = 32,   /* the 8259s, remapped here and masked */
	VEC_IRQ_BASE = 0x30, /* IOAPIC line or MSI vector n (irq.h) arrives at VEC_IRQ_BASE + n */
	VEC_TIMER = 0xF0,
	VEC_SPURIOUS = 0xFF,
	/* Not a CPU vector: marks a frame saved by the syscall entry, which
	 * can go back with sysret (rcx and r11 are not live there). */
	VEC_SYSCALL = 0x100,
};

/* Flags a user thread starts with: interrupts on, the always-one bit. */
#define RFLAGS_USER 0x202ULL

void trap_init(void);
/* Entry from kernel mode (the idle loop, or a kernel bug). Returns. */
void trap_dispatch(struct trap_frame *tf);

/* Entry from user mode: tf is the current thread's own frame. Ends by
 * returning to user mode in whichever thread runs next. */
__attribute__((noreturn)) void trap_dispatch_user(struct trap_frame *tf);

/* Prints rip, then the return addresses found by following saved rbp,
 * each with the kernel function it is in. */
void trap_backtrace(uintptr_t rip, uintptr_t rbp);

/* The kernel's functions by address, for the backtrace: the kernel keeps
 * no symbol table, so the build makes this one from the kernel's ELF
 * (scripts/gen-ksyms.py, kernel/build.mk). */
struct ksym {
	uintptr_t ks_addr;
	uintptr_t ks_size;
	const char *ks_name;
};
extern const struct ksym ksyms[];
extern const unsigned ksym_count;

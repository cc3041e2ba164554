/* Fault messages. When a user thread faults (or exits), the kernel calls
 * the thread's fault endpoint on its behalf: label KMSG_FAULT, badge of the
 * fault endpoint capability, and these words. The thread waits for the
 * answer: a reply with label FAULT_RESUME retries the faulting instruction
 * (after the handler fixed the cause); FAULT_RESUME_AT continues at word 0
 * (rip) with stack word 1 (rsp). An exited thread is never resumed. With no
 * fault endpoint, or if it is gone, the thread is suspended.
 *
 * The handler must answer before it receives again: like any call, a fault
 * the handler received and did not answer is dropped by its next receive,
 * which leaves the faulting thread suspended. reply_save keeps it for later. */
#pragma once

enum fault_word {
	FAULT_W_KIND = 0,   /* enum fault_kind */
	FAULT_W_ADDR = 1,   /* the faulting address (page faults, bad pointers) */
	FAULT_W_IP = 2,     /* instruction pointer of the fault */
	FAULT_W_CODE = 3,   /* CPU error code, exception vector, syscall number or exit status */
	FAULT_W_THREAD = 4, /* kernel-wide thread id (also what thread_id returns) */
	FAULT_W_SP = 5,     /* stack pointer at the fault */
	FAULT_WORDS = 6,
};

enum fault_kind {
	FAULT_PAGE = 1,        /* page fault; CODE = CPU error code */
	FAULT_PROTECTION = 2,  /* general protection (privileged instruction, port, ...) */
	FAULT_DIVIDE = 3,      /* divide error */
	FAULT_OPCODE = 4,      /* invalid opcode */
	FAULT_OTHER = 5,       /* another CPU exception; CODE = vector */
	FAULT_BAD_SYSCALL = 6, /* unknown system call; CODE = its number */
	FAULT_BAD_POINTER = 7, /* a system call was given an unmapped buffer; ADDR = it */
	FAULT_EXIT = 8,        /* thread_exit; CODE = exit status */
};

enum fault_reply {
	FAULT_RESUME = 0,
	FAULT_RESUME_AT = 1,
};

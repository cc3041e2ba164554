/* What the stand-in for kernel/arch/ (arch.c) did, for the host tests of
 * the kernel's object files to set and check. */
#pragma once

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "irq.h"

struct thread;

/* Where leaving the kernel jumps: to the test that entered it
 * (tests/host/host_kernel.c sets it around each entry). */
extern jmp_buf *host_exit;

/* The thread the last exit to user mode would have run, or NULL if the
 * CPU halted because nothing could run. */
extern struct thread *host_ran;

/* The time-stamp counter (rdtsc in the stand-in cpu.h). */
extern uint64_t host_tsc;

/* Physical memory from here up is not RAM (paging_device_allowed). */
extern paddr_t host_ram_top;

/* The I/O APIC's mask bit of each line. */
extern bool host_irq_masked[IRQ_LINES];

/* Everything written to the serial port, NUL-terminated. */
extern char host_serial[8192];
extern size_t host_serial_len;

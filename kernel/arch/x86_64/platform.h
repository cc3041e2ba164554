/* The machine around the CPU: the serial console, and how to stop. */
#pragma once

enum platform_halt_reason {
	PLATFORM_HALT_PASS,  /* a boot self-test passed */
	PLATFORM_HALT_FAIL,  /* a boot self-test failed */
	PLATFORM_HALT_PANIC, /* kernel bug or fatal exception */
};

/* 16550 UART on COM1, 115200 8N1, polled output. */
#define PLATFORM_CONSOLE_PORT 0x3F8
void serial_init(void);
void serial_putc(char c);

/* Ends QEMU with a status through isa-debug-exit where the device exists
 * (tests add it); otherwise halts this CPU for good with interrupts off,
 * leaving the screen for the user and the state for gdb. */
__attribute__((noreturn)) void platform_halt(enum platform_halt_reason why);

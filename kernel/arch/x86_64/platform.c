/* COM1 serial console and machine stop. */
#include "platform.h"

#include <kestrel/qemu_exit.h>

#include "cpu.h"

#define COM1 PLATFORM_CONSOLE_PORT

enum {
	UART_DATA = 0,
	UART_IER = 1,
	UART_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_LSR_THRE = 0x20,
	UART_LCR_DLAB = 0x80,
	UART_LCR_8N1 = 0x03,
};

void serial_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, UART_LCR_DLAB);
	outb(COM1 + UART_DATA, 1); /* divisor 1: 115200 baud */
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, UART_LCR_8N1);
	outb(COM1 + UART_FCR, 0xC7); /* enable and clear FIFOs, 14-byte threshold */
	outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

void serial_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE))
		cpu_relax();
	outb(COM1 + UART_DATA, (uint8_t)c);
}

void platform_halt(enum platform_halt_reason why)
{
	static const uint32_t code[] = {
		[PLATFORM_HALT_PASS] = QEMU_EXIT_PASS,
		[PLATFORM_HALT_FAIL] = QEMU_EXIT_FAIL,
		[PLATFORM_HALT_PANIC] = QEMU_EXIT_PANIC,
	};

	irq_disable();
	outl(QEMU_EXIT_PORT, code[why]);
	for (;;)
		cpu_halt();
}

/* A 16550 UART at a base port (see uart.h). */
#include "uart.h"

#include "io.h"
#include "syscalls.h"

enum {
	UART_DATA = 0,
	UART_IER = 1,
	UART_FCR = 2,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_IER_RX = 0x01,     /* interrupt when a byte arrives */
	UART_FCR_ENABLE = 0x01, /* FIFOs on, 1-byte trigger; no reset bits: keep what was typed */
	UART_MCR_DTR = 0x01,
	UART_MCR_RTS = 0x02,
	UART_MCR_OUT2 = 0x08, /* on a PC, gates the UART's interrupt onto its IRQ line */
	UART_LSR_DR = 0x01,
	UART_LSR_THRE = 0x20,
};

void uart_init(uint16_t base)
{
	outb(base + UART_FCR, UART_FCR_ENABLE);
	outb(base + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	outb(base + UART_IER, UART_IER_RX);
}

int uart_getc(uint16_t base)
{
	if (!(inb(base + UART_LSR) & UART_LSR_DR))
		return -1;
	return inb(base + UART_DATA);
}

bool uart_putc(uint16_t base, char c)
{
	uint64_t deadline = 0;

	for (unsigned spins = 0; !(inb(base + UART_LSR) & UART_LSR_THRE); spins++) {
		uint64_t now;

		if (spins < UART_TX_SPINS)
			continue;
		now = sys_clock_ms();
		if (!deadline)
			deadline = now + UART_TX_WAIT_MS;
		else if (now >= deadline)
			return false;
		sys_yield();
	}
	outb(base + UART_DATA, (uint8_t)c);
	return true;
}

/* The 16550 UART on COM1: the console server is the only task that holds
 * its ports. The kernel also prints there (kprintf, SYS_DEBUG_WRITE) with
 * the line settings it chose at boot (115200 baud, 8N1), so the driver
 * leaves those alone: reprogramming the divisor would need the divisor
 * latch switched on, and a kernel print in that window would land in the
 * latch instead of on the line. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define UART_COM1       0x3F8
#define UART_PORTS      8
#define UART_IRQ        4
#define UART_TX_SPINS   256 /* status reads before the wait for a busy transmitter yields */
#define UART_TX_WAIT_MS 50  /* longest wait for room for one byte */

/* Turns on the receive interrupt and the FIFOs (1-byte trigger, so each
 * key is seen at once), keeping any bytes already received. */
void uart_init(void);

/* The next received byte, or -1 if none waits. */
int uart_getc(void);

/* Writes c once the transmitter has room, waiting at most UART_TX_WAIT_MS
 * (yielding the CPU between status reads). Returns false, having written
 * nothing, if it never had room: the caller reports a short write rather
 * than hang on a stuck line. */
bool uart_putc(char c);

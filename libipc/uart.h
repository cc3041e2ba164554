/* A 16550 UART at a base port (COM1, COM2): what the console server
 * drives (COM1, whose ports only it holds), and where the workload writes
 * its log when its manifest block gives it COM2's ports. The caller must
 * hold the 8 ports from base.
 *
 * The kernel also prints on COM1 (kprintf, SYS_DEBUG_WRITE) with the line
 * settings it chose at boot (115200 baud, 8N1), so nothing here touches
 * them: reprogramming the divisor would need the divisor latch switched
 * on, and a kernel print in that window would land in the latch instead
 * of on the line. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define UART_COM1       0x3F8
#define UART_COM2       0x2F8
#define UART_PORTS      8
#define UART_TX_SPINS   256 /* status reads before the wait for a busy transmitter yields */
#define UART_TX_WAIT_MS 50  /* longest wait for room for one byte */

/* Turns on the receive interrupt and the FIFOs (1-byte trigger, so each
 * key is seen at once), keeping any bytes already received. */
void uart_init(uint16_t base);

/* The next received byte, or -1 if none waits. */
int uart_getc(uint16_t base);

/* Writes c once the transmitter has room, waiting at most UART_TX_WAIT_MS
 * (yielding the CPU between status reads). Returns false, having written
 * nothing, if it never had room: the caller reports a short write rather
 * than hang on a stuck line. */
bool uart_putc(uint16_t base, char c);

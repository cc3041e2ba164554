/* console: the serial terminal driver (COM1), the only task that holds its
 * ports. Start-up; the handlers are in console_srv.c, the line editing in
 * line.c, the port access in libipc's uart.c.
 *
 * libipc's server loop serves CONSOLE_OPS, including the read that waits
 * for a line (its handler defers the answer), and hands the UART's
 * interrupts, notifications with CONSOLE_IRQ_BADGE, to uart_interrupt. */
#include <stdio.h>

#include <kestrel/proto/console.h>

#include "console_srv.h"
#include "ipc.h"
#include "server.h"
#include "syscalls.h"
#include "uart.h"

static struct console con;
static const struct proto_op ops[] = PROTO_TABLE(CONSOLE_OPS);

static void uart_interrupt(void *state, uint64_t bits)
{
	(void)bits;
	console_irq(state);
}

static const struct server_notify irqs[] = { { CONSOLE_IRQ_BADGE, uart_interrupt } };

int main(void)
{
	const struct server_info *si = server_self();
	struct server_def def = { ops, sizeof(ops) / sizeof(ops[0]), &con, irqs, 1, 0 };
	long e;

	if (!si || !si->si_ioport || !si->si_irq) {
		printf("console: the manifest must give ports 0x3f8 8 and irq 4\n");
		return (int)PE_BAD_REQUEST;
	}
	/* Bound before the UART may interrupt, so no edge is missed; a line
	 * still pending from a previous instance arrives as our first message. */
	if ((e = sys_irq_bind(si->si_irq, si->si_ep, CONSOLE_IRQ_BADGE)) != E_OK)
		return (int)e;
	console_init(&con, si->si_irq);
	return (int)server_loop(&def);
}

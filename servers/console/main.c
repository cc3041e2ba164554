/* console: the serial terminal driver (COM1), the only task that holds its
 * ports. Start-up and the receive loop; the handlers are in console_srv.c,
 * the line editing in line.c, the port access in uart.c.
 *
 * The loop is proto_serve's with one addition: the endpoint also brings
 * the UART's interrupts, which are kernel messages, not requests, and get
 * no answer. Everything else goes through proto_dispatch and the
 * CONSOLE_OPS table, including the read that waits for a line (its
 * handler defers the answer, so there is nothing to send at once). */
#include <stdio.h>

#include <kestrel/proto/console.h>

#include "console_srv.h"
#include "ipc.h"
#include "server.h"
#include "syscalls.h"
#include "uart.h"

static struct console con;
static const struct proto_op ops[] = PROTO_TABLE(CONSOLE_OPS);

static bool is_irq(const struct msg *m)
{
	return msg_label(m) == KMSG_NOTIFY && (m->badge & CONSOLE_IRQ_BADGE);
}

int main(void)
{
	const struct server_info *si = server_self();
	struct msg m;
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
	if ((e = server_ready()) != E_OK)
		return (int)e;
	e = ipc_recv(si->si_ep, IPC_FOREVER, &m);
	while (e == E_OK) {
		bool answer = false;

		if (is_irq(&m))
			console_irq(&con);
		else
			answer = proto_dispatch(ops, sizeof(ops) / sizeof(ops[0]), &con, &m);
		e = answer ? proto_reply_recv(si->si_ep, &m) : ipc_recv(si->si_ep, IPC_FOREVER, &m);
	}
	return (int)e;
}

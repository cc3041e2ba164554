/* The console server's state and handlers, shared by main.c (start-up and
 * the receive loop) and console_srv.c (what each message does).
 *
 * Theory of operation. One thread, one endpoint: the service endpoint the
 * supervisor keeps also receives the UART's interrupt (bound with badge
 * CONSOLE_IRQ_BADGE; the kernel's KMSG_NOTIFY label and that badge tell it
 * from a client's call, whose badges are small numbers). Each interrupt
 * drains the receive FIFO through the line discipline (line.h), echoing
 * as it goes. A read that finds no finished line is deferred: its reply
 * capability is kept (proto_defer) and answered when Enter completes a
 * line; several readers wait in turn. Output is written polled, with a bounded wait for room (uart.h),
 * so a stuck line makes short writes, never a hung server. */
#pragma once

#include <stdint.h>

#include <kestrel/proto/console.h>

#include "line.h"
#include "proto.h"
#include "vault.h"

#define CONSOLE_IRQ_BADGE (1ULL << 63) /* above every client's badge */

/* The reads waiting for a line are libipc's waiters (proto_defer), each
 * with the most bytes it takes in pw_data[0], answered oldest first.
 * c_line is saved to c_vault (when the manifest gives one) after every
 * change, so a restarted console keeps what was typed and not yet read:
 * the finished lines and the one being edited. Bytes drained from the
 * UART by an instance that dies before it saves them are lost. */
struct console {
	struct line c_line;
	uint64_t c_irq; /* our interrupt line capability */
	struct vault c_vault;
	bool c_kept; /* c_vault is open */
};

#define CONSOLE_VAULT_VERSION 2 /* of struct line: change it with the layout */

PROTO_SERVER(CONSOLE_OPS)

/* Sets up the UART and takes in whatever was typed before: what the last
 * instance kept in the vault, then the UART's FIFO. The interrupt must
 * already be bound to the endpoint. */
void console_init(struct console *c, uint64_t irq);

/* The UART interrupted: drain its receive FIFO, acknowledge the line, and
 * answer a waiting reader if a line is now finished. */
void console_irq(struct console *c);

/* The console server's handlers: write, read (deferred until a line is
 * typed), ready and the UART interrupt. See console_srv.h for how they fit. */
#include "console_srv.h"

#include <stdio.h>

#include "ipc.h"
#include "server.h"
#include "syscalls.h"
#include "uart.h"

/* Echo is best effort: a byte the UART had no room for is not shown, but
 * it is still in the line. */
static void echo(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!uart_putc(UART_COM1, s[i]))
			return;
}

/* The line changed: keep it for the next instance. */
static void keep(struct console *c)
{
	if (c->c_kept)
		vault_save(&c->c_vault, CONSOLE_VAULT_VERSION, &c->c_line, sizeof(c->c_line));
}

static void drain(struct console *c)
{
	char out[LINE_ECHO_MAX];
	bool fed = false;
	int ch;

	while ((ch = uart_getc(UART_COM1)) >= 0) {
		echo(out, line_feed(&c->c_line, (char)ch, out));
		fed = true;
	}
	if (fed)
		keep(c);
}

#define READER 1 /* the waiters' tag: readers waiting for a line */

/* Gives typed lines to the readers waiting, oldest first (a reader that
 * died is skipped: it keeps no line from the next one). */
static void answer_readers(struct console *c)
{
	struct console_read_rep r;
	struct proto_waiter *w;

	while (line_has_input(&c->c_line) && (w = proto_waiter_next(NULL, READER))) {
		r.len = line_take(&c->c_line, r.data, w->pw_data[0]);
		keep(c);
		proto_answer(w, 0, &r);
	}
}

void console_init(struct console *c, uint64_t irq)
{
	size_t bytes;
	void *base = server_vault(&bytes);

	c->c_kept = base && vault_open(&c->c_vault, base, bytes) == E_OK;
	if (!c->c_kept ||
	    vault_load(&c->c_vault, CONSOLE_VAULT_VERSION, &c->c_line, sizeof(c->c_line)) != E_OK) {
		line_init(&c->c_line);
	} else if (!line_valid(&c->c_line)) {
		/* Saved whole but wrong (a flipped bit before the save): kept,
		 * it would end every instance to come. */
		printf("console: the line kept across the restart is damaged (%zu bytes typed, %zu ready): "
		       "dropped\n",
		       c->c_line.l_edit_len, c->c_line.l_ready_len);
		line_init(&c->c_line);
	}
	c->c_irq = irq;
	uart_init(UART_COM1);
	drain(c);
}

/* The line is edge-triggered at the I/O APIC and masked from the
 * interrupt until irq_ack: a byte that arrives after the first drain but
 * before the ack raises no new edge, so the FIFO is drained once more
 * after the ack. Bytes after that raise a fresh interrupt. */
void console_irq(struct console *c)
{
	drain(c);
	sys_irq_ack(c->c_irq);
	drain(c);
	answer_readers(c);
}

long console_write_srv(struct proto_ctx *ctx, const struct console_write_req *q, struct console_write_rep *r)
{
	size_t n = q->len < CONSOLE_DATA_MAX ? q->len : CONSOLE_DATA_MAX, i;

	(void)ctx;
	/* '\n' goes out as "\r\n": the terminal on the other side is raw. A
	 * short write stops before the whole pair, so a retry repeats at most
	 * the '\r'. */
	for (i = 0; i < n; i++)
		if ((q->data[i] == '\n' && !uart_putc(UART_COM1, '\r')) || !uart_putc(UART_COM1, q->data[i]))
			break;
	r->written = i;
	return 0;
}

long console_read_srv(struct proto_ctx *ctx, const struct console_read_req *q, struct console_read_rep *r)
{
	struct console *c = ctx->pc_state;
	size_t max = q->max < CONSOLE_DATA_MAX ? q->max : CONSOLE_DATA_MAX;
	struct proto_waiter *w;

	if (max == 0)
		return PE_BAD_REQUEST;
	if (line_has_input(&c->c_line) && !proto_waiter_next(NULL, READER)) {
		r->len = line_take(&c->c_line, r->data, max);
		keep(c);
		return 0;
	}
	w = proto_defer(ctx, READER);
	if (!w)
		return PE_BUSY;
	w->pw_data[0] = max;
	return PROTO_DEFERRED;
}

long console_mode_srv(struct proto_ctx *ctx, const struct console_mode_req *q, struct console_mode_rep *r)
{
	struct console *c = ctx->pc_state;

	if (q->mode != CONSOLE_MODE_LINE && q->mode != CONSOLE_MODE_RAW)
		return PE_BAD_REQUEST;
	r->previous = c->c_line.l_raw ? CONSOLE_MODE_RAW : CONSOLE_MODE_LINE;
	line_set_raw(&c->c_line, q->mode == CONSOLE_MODE_RAW);
	keep(c);
	answer_readers(c); /* raw: what was being typed is there to read */
	return 0;
}

long console_ready_srv(struct proto_ctx *ctx, const struct console_ready_req *q, struct console_ready_rep *r)
{
	struct console *c = ctx->pc_state;

	(void)q;
	r->ready = line_has_input(&c->c_line) && !proto_waiter_next(NULL, READER);
	return 0;
}

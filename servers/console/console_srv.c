/* The console server's handlers: write, read (deferred until a line is
 * typed) and the UART interrupt. See console_srv.h for how they fit. */
#include "console_srv.h"

#include "ipc.h"
#include "server.h"
#include "syscalls.h"
#include "uart.h"

/* Echo is best effort: a byte the UART had no room for is not shown, but
 * it is still in the line. */
static void echo(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!uart_putc(s[i]))
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

	while ((ch = uart_getc()) >= 0) {
		echo(out, line_feed(&c->c_line, (char)ch, out));
		fed = true;
	}
	if (fed)
		keep(c);
}

/* Whether the saved reply capability still names a waiting caller: a
 * caller that died leaves it stale, and it reads as empty. */
static bool reader_alive(uint64_t slot)
{
	struct cap_info ci;

	return sys_cap_identify_out(slot, &ci) == E_OK && ci.ci_type == CAP_REPLY;
}

/* Forgets a waiting reader. */
static void drop_reader(struct console *c)
{
	sys_cap_delete(c->c_reader);
	slot_free(c->c_reader);
	c->c_reader = CAP_NULL;
}

static void answer_reader(struct console *c)
{
	struct console_read_rep r;

	if (c->c_reader == CAP_NULL || !line_has_input(&c->c_line))
		return;
	/* A reader that died keeps no line from the next one. */
	if (!reader_alive(c->c_reader)) {
		drop_reader(c);
		return;
	}
	r.len = line_take(&c->c_line, r.data, c->c_reader_max);
	keep(c);
	proto_answer(c->c_reader, 0, &r, sizeof(r));
	c->c_reader = CAP_NULL;
}

void console_init(struct console *c, uint64_t irq)
{
	size_t bytes;
	void *base = server_vault(&bytes);

	c->c_kept = base && vault_open(&c->c_vault, base, bytes) == E_OK;
	if (!c->c_kept ||
	    vault_load(&c->c_vault, CONSOLE_VAULT_VERSION, &c->c_line, sizeof(c->c_line)) != E_OK)
		line_init(&c->c_line);
	c->c_irq = irq;
	c->c_reader = CAP_NULL;
	uart_init();
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
	answer_reader(c);
}

long console_write_srv(struct proto_ctx *ctx, const struct console_write_req *q, struct console_write_rep *r)
{
	size_t n = q->len < CONSOLE_DATA_MAX ? q->len : CONSOLE_DATA_MAX, i;

	(void)ctx;
	/* '\n' goes out as "\r\n": the terminal on the other side is raw. A
	 * short write stops before the whole pair, so a retry repeats at most
	 * the '\r'. */
	for (i = 0; i < n; i++)
		if ((q->data[i] == '\n' && !uart_putc('\r')) || !uart_putc(q->data[i]))
			break;
	r->written = i;
	return 0;
}

long console_read_srv(struct proto_ctx *ctx, const struct console_read_req *q, struct console_read_rep *r)
{
	struct console *c = ctx->pc_state;
	size_t max = q->max < CONSOLE_DATA_MAX ? q->max : CONSOLE_DATA_MAX;

	if (max == 0)
		return PE_BAD_REQUEST;
	if (line_has_input(&c->c_line)) {
		r->len = line_take(&c->c_line, r->data, max);
		keep(c);
		return 0;
	}
	if (c->c_reader != CAP_NULL) {
		if (reader_alive(c->c_reader))
			return E_BAD_STATE;
		drop_reader(c);
	}
	c->c_reader = proto_defer();
	if (c->c_reader == CAP_NULL)
		return E_LIMIT;
	c->c_reader_max = max;
	return PROTO_DEFERRED;
}

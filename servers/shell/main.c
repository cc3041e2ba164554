/* shell: the command line on the console. Start-up, console input and
 * output, and the prompt loop; the commands are in commands.c.
 *
 * The supervisor starts it like a server (it is a client only, but says
 * ready so ps shows it up). Its console and hello capabilities name
 * endpoints the supervisor keeps, so when either server restarts the shell
 * goes on with the same capabilities: idempotent calls (console writes,
 * hello echo and count) are repeated by the stubs; a read cut off by a
 * console restart makes it prompt again. */
#include <stdarg.h>

#include <kestrel/proto/console.h>

#include "console.h"
#include "ipc.h"
#include "server.h"
#include "shell.h"
#include "slots.h"
#include "syscalls.h"

PROTO_CLIENT(CONSOLE_OPS)

#define WRITE_TRIES 20 /* writes in a row that make no progress before output is dropped */

static struct shell shell;

void shell_write(struct shell *sh, const char *s, size_t n)
{
	struct console_write_req q;
	struct console_write_rep r;
	unsigned stuck = 0;

	while (n && stuck < WRITE_TRIES) {
		q.len = n < CONSOLE_DATA_MAX ? n : CONSOLE_DATA_MAX;
		memcpy(q.data, s, q.len);
		if (console_write(&sh->sh_console, &q, &r) != E_OK || r.written == 0) {
			stuck++;
			continue;
		}
		stuck = 0;
		s += r.written;
		n -= r.written;
	}
}

void shell_printf(struct shell *sh, const char *fmt, ...)
{
	char buf[CONSOLE_LINE];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	shell_write(sh, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* Reads one line into buf (without its '\n', cut to size - 1 bytes).
 * Returns its length or an error (PE_RESTARTED: the console restarted). */
static long read_line(struct shell *sh, char *buf, size_t size)
{
	struct console_read_req q = { CONSOLE_DATA_MAX };
	struct console_read_rep r;
	size_t len = 0;

	for (;;) {
		long e = console_read(&sh->sh_console, &q, &r);

		if (e != E_OK)
			return e;
		for (size_t i = 0; i < r.len && i < CONSOLE_DATA_MAX; i++) {
			if (r.data[i] == '\n') {
				buf[len] = '\0';
				return (long)len;
			}
			if (len + 1 < size)
				buf[len++] = r.data[i];
		}
	}
}

static void sleep_ms(uint64_t ms)
{
	uint64_t ep = slot_alloc();
	struct msg m;

	if (sys_endpoint_create(shell.sh_pool, ep) == E_OK)
		ipc_recv(ep, ms, &m);
	sys_cap_delete(ep);
	slot_free(ep);
}

long main(uint64_t arg)
{
	const struct server_info *si;
	char line[SHELL_LINE_MAX + 1];
	long e = server_attach(arg);

	if (e != E_OK)
		return e;
	si = server_self();
	shell.sh_sup = (struct proto_client){ si->si_sup, 1 };
	shell.sh_pool = si->si_pool;
	shell.sh_ioport = si->si_ioport;
	if ((e = service_lookup("console", &shell.sh_console)) != E_OK) {
		printf("shell: no console service: %s\n", proto_error_text(e));
		return e;
	}
	if (service_lookup("hello", &shell.sh_hello) != E_OK)
		shell.sh_hello.pc_ep = CAP_NULL;
	if ((e = server_ready()) != E_OK)
		return e;
	shell_printf(&shell, "\nKestrel shell (generation %lu); help lists the commands.\n",
	             si->si_generation);
	for (;;) {
		shell_printf(&shell, "kestrel> ");
		e = read_line(&shell, line, sizeof(line));
		if (e == PE_RESTARTED) {
			shell_printf(&shell, "\n(the console restarted)\n");
		} else if (e < 0) {
			/* Another reader holds the console: wait for it. */
			shell_printf(&shell, "\nshell: reading the console: %s\n", proto_error_text(e));
			sleep_ms(1000);
		} else {
			shell_run(&shell, line);
		}
	}
}

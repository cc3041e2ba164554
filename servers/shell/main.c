/* shell: the command line on the console. Start-up, console input and
 * output, and the prompt loop; the commands are in commands.c.
 *
 * The supervisor starts it like a server (it is a client only, but says
 * ready so ps shows it up). It reads and prints with the C library: its
 * manifest block says `uses console`, so stdin and stdout go to the
 * console server (libc-glue/console_glue.c). The console and hello
 * capabilities name endpoints the supervisor keeps, so when either server
 * restarts the shell goes on with the same capabilities: idempotent calls
 * (console writes, hello echo and count) are repeated by the stubs; a read
 * cut off by a console restart (EINTR) makes it prompt again. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"
#include "server.h"
#include "shell.h"
#include "slots.h"
#include "syscalls.h"

static struct shell shell;

/* Reads one line into buf (without its '\n', cut to size - 1 bytes).
 * Returns its length, or -1 with errno set (EINTR: the console
 * restarted). */
static long read_line(char *buf, size_t size)
{
	char in[128];
	size_t len = 0;

	for (;;) {
		ssize_t n = read(0, in, sizeof(in));

		if (n <= 0)
			return n == 0 ? (errno = EIO, -1) : -1;
		for (ssize_t i = 0; i < n; i++) {
			if (in[i] == '\n') {
				buf[len] = '\0';
				return (long)len;
			}
			if (len + 1 < size)
				buf[len++] = in[i];
		}
	}
}

void shell_sleep_ms(uint64_t ms)
{
	uint64_t ep = slot_alloc();
	struct msg m;

	if (sys_endpoint_create(shell.sh_pool, ep) == E_OK)
		ipc_recv(ep, ms, &m);
	sys_cap_delete(ep);
	slot_free(ep);
}

int main(void)
{
	const struct server_info *si = server_self();
	char line[SHELL_LINE_MAX + 1];
	long e;

	if (!si) {
		fprintf(stderr, "shell: the supervisor starts the shell (servers/manifest.txt)\n");
		return 1;
	}
	shell.sh_sup = (struct proto_client){ si->si_sup, 1 };
	shell.sh_pool = si->si_pool;
	shell.sh_ioport = si->si_ioport;
	if (service_lookup("hello", &shell.sh_hello) != E_OK)
		shell.sh_hello.pc_ep = CAP_NULL;
	if ((e = server_ready()) != E_OK)
		return (int)e;
	printf("\nKestrel shell (generation %lu); help lists the commands.\n", si->si_generation);
	for (;;) {
		printf("kestrel> ");
		fflush(stdout);
		if (read_line(line, sizeof(line)) >= 0) {
			shell_run(&shell, line);
		} else if (errno == EINTR) {
			printf("\n(the console restarted)\n");
		} else {
			/* No console, or another reader holds it: wait. */
			printf("\nshell: reading the console: %s\n", strerror(errno));
			shell_sleep_ms(1000);
		}
	}
}

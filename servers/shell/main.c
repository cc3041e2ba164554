/* shell: the command line on the console. Start-up, the line editor on
 * the console's raw bytes, the history kept in the vault, and the prompt
 * loop; the commands are in commands.c.
 *
 * The supervisor starts it like a server (it is a client only, but says
 * ready so ps shows it up). It reads and prints with the C library: its
 * manifest block says `uses console`, so stdin and stdout go to the
 * console server (libc-glue/console_glue.c), which it asks for the bytes
 * as typed (console_mode, raw) so that its own editor (edit.c) does the
 * echo, the cursor keys, the history and completion. The console and
 * hello capabilities name endpoints the supervisor keeps, so when either
 * server restarts the shell goes on with the same capabilities: idempotent
 * calls (console writes, hello echo and count) are repeated by the stubs;
 * a read cut off by a console restart (EINTR) makes it prompt again.
 *
 * Ctrl-D on an empty line and `exit` end the shell; its restart policy
 * (`restart always` in servers/manifest.txt) brings the next one, which
 * finds the history where this one left it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <kestrel/proto/console.h>

#include "edit.h"
#include "ipc.h"
#include "server.h"
#include "shell.h"
#include "sleep.h"
#include "slots.h"
#include "syscalls.h"
#include "vault.h"

PROTO_CLIENT(CONSOLE_OPS)

#define PROMPT          "kestrel> "
#define HISTORY_VERSION 1
#define HISTORY_BYTES   4000 /* the newest lines that fit, NUL-separated */

static struct shell shell;
static struct edit ed;
static struct proto_client console;

/* The history as the vault keeps it: lines oldest first, each ending in
 * a NUL, as many of the newest as fit. */
static struct {
	char h_text[HISTORY_BYTES];
} kept;
static struct vault vault;
static bool vault_ok;

static void history_load(void)
{
	size_t bytes;
	void *base = server_vault(&bytes);

	vault_ok = base && vault_open(&vault, base, bytes) == E_OK && vault_capacity(&vault) >= sizeof(kept);
	if (!vault_ok || vault_load(&vault, HISTORY_VERSION, &kept, sizeof(kept)) != E_OK)
		return;
	kept.h_text[HISTORY_BYTES - 1] = '\0';
	for (size_t at = 0; at < HISTORY_BYTES && kept.h_text[at];) {
		size_t n = strnlen(kept.h_text + at, HISTORY_BYTES - at);

		edit_history_add(&ed, kept.h_text + at);
		at += n + 1;
	}
}

static void history_save(void)
{
	size_t at = 0;
	unsigned first = ed.e_hist_n;

	if (!vault_ok)
		return;
	/* The newest lines that fit, written oldest first. */
	for (size_t need = 0; first > 0; first--) {
		need += strlen(ed.e_hist[first - 1]) + 1;
		if (need >= HISTORY_BYTES)
			break;
	}
	memset(&kept, 0, sizeof(kept));
	for (unsigned i = first; i < ed.e_hist_n; i++) {
		size_t n = strlen(ed.e_hist[i]) + 1;

		memcpy(kept.h_text + at, ed.e_hist[i], n);
		at += n;
	}
	vault_save(&vault, HISTORY_VERSION, &kept, sizeof(kept));
}

static void draw(void)
{
	if (ed.e_out_len) {
		fwrite(ed.e_out, 1, ed.e_out_len, stdout);
		fflush(stdout);
	}
}

/* Raw bytes from the console while the editor reads a line (its echo,
 * not the console's); the console's own lines while a command runs, so
 * what is typed ahead meanwhile shows at once, as a terminal's line
 * discipline shows it, and reaches the editor when the next line is read.
 * A console without the mode leaves its lines, which the editor takes as
 * typed keys all the same. */
void shell_console_mode(uint64_t mode)
{
	struct console_mode_rep r;

	if (console.pc_ep != CAP_NULL)
		(void)console_mode(&console, &(struct console_mode_req){ mode }, &r);
}

/* Bytes read after the Enter that ended a line: the next line's first
 * keys, typed ahead. */
static unsigned char ahead[128];
static size_t ahead_len;

/* Feeds keys to the editor until it has a verdict; keeps what follows. */
static int feed(const unsigned char *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum edit_result r = edit_key(&ed, in[i]);

		if (r == EDIT_MORE) {
			draw();
			continue;
		}
		/* The console echoes again before the Enter shows: whatever
		 * is typed once it is seen (while the command runs) shows at
		 * once. */
		shell_console_mode(CONSOLE_MODE_LINE);
		draw();
		memmove(ahead, in + i + 1, n - i - 1);
		ahead_len = n - i - 1;
		return (int)r;
	}
	return EDIT_MORE;
}

/* Reads and edits one line into ed.e_line. Returns the editor's verdict,
 * or -1 with errno set when the console cannot be read (EINTR: it
 * restarted). */
static int read_line(void)
{
	unsigned char in[sizeof(ahead)];
	size_t n = ahead_len;
	int r;

	shell_console_mode(CONSOLE_MODE_RAW);
	edit_start(&ed, PROMPT);
	draw();
	memcpy(in, ahead, n);
	ahead_len = 0;
	if ((r = feed(in, n)) != EDIT_MORE)
		return r;
	for (;;) {
		ssize_t got = read(0, in, sizeof(in));

		if (got <= 0)
			return got == 0 ? (errno = EIO, -1) : -1;
		if ((r = feed(in, (size_t)got)) != EDIT_MORE)
			return r;
	}
}

void shell_cmd_exit(struct shell *sh, int argc, char **argv)
{
	(void)argc, (void)argv;
	sh->sh_exit = true;
}

int main(void)
{
	const struct server_info *si = server_self();
	char line[EDIT_MAX + 1];
	long e;

	if (!si) {
		fprintf(stderr, "shell: the supervisor starts the shell (servers/manifest.txt)\n");
		return 1;
	}
	shell.sh_sup = (struct proto_client){ .pc_ep = si->si_sup, .pc_retries = 1 };
	shell.sh_pool = si->si_pool;
	if (service_lookup("hello", &shell.sh_hello) != E_OK)
		shell.sh_hello.pc_ep = CAP_NULL;
	if (service_lookup("console", &console) != E_OK)
		console.pc_ep = CAP_NULL;
	edit_init(&ed, 80, shell_complete, &shell);
	history_load();
	if ((e = server_ready()) != E_OK)
		return (int)e;
	printf("\nKestrel shell (generation %lu); help lists the commands.\n", si->si_generation);
	while (!shell.sh_exit) {
		int r = read_line();

		switch (r) {
		case EDIT_LINE:
			history_save();
			strcpy(line, ed.e_line);
			shell_run(&shell, line);
			break;
		case EDIT_TOO_LONG:
			printf("shell: line too long (at most %d bytes): not run\n", EDIT_MAX);
			break;
		case EDIT_EOF:
			shell.sh_exit = true;
			break;
		case EDIT_CANCEL:
			break;
		default:
			if (errno == EINTR) {
				printf("\n(the console restarted)\n");
			} else {
				/* No console, or another reader holds it: wait. */
				printf("\nshell: reading the console: %s\n", strerror(errno));
				sleep_ms(shell.sh_pool, 1000);
			}
		}
	}
	printf("exit\n");
	fflush(stdout);
	return 0;
}

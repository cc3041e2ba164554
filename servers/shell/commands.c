/* The shell's commands. Each gets the words of its line; errors are
 * printed as "command: what went wrong" and the prompt comes back. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kestrel/proto/hello.h>
#include <kestrel/proto/supervisor.h>
#include <kestrel/qemu_exit.h>

#include "args.h"
#include "io.h"
#include "num.h"
#include "ipc.h"
#include "server.h"
#include "shell.h"
#include "sleep.h"
#include "syscalls.h"
#include "tscrate.h"

PROTO_CLIENT(HELLO_OPS)
PROTO_CLIENT(SUP_OPS)

#define LOG_DEFAULT 10

struct command {
	const char *c_name;
	int c_min, c_max; /* words after the name */
	const char *c_usage;
	const char *c_help; /* NULL: not listed by help */
	void (*c_fn)(struct shell *sh, int argc, char **argv);
};

static void fail(const char *what, long e)
{
	printf("%s: %s\n", what, proto_error_text(e));
}

bool shell_number(const char *cmd, const char *word, uint64_t *n)
{
	size_t digits = 0;

	if (num_parse_word(word, n))
		return true;
	while (word[digits] >= '0' && word[digits] <= '9')
		digits++;
	if (digits && !word[digits])
		printf("%s: %s is too big (at most %lu)\n", cmd, word, (unsigned long)UINT64_MAX);
	else
		printf("%s: '%s' is not a number\n", cmd, word);
	return false;
}

void shell_cmd_echo(struct shell *sh, int argc, char **argv)
{
	char out[SHELL_LINE_MAX + 1];
	size_t n = 0;

	(void)sh;
	/* One write: the words came in one line, so they fit in one. */
	for (int i = 1; i < argc; i++) {
		size_t len = strlen(argv[i]);

		if (n + len + 1 > sizeof(out))
			break;
		memcpy(out + n, argv[i], len);
		n += len;
		out[n++] = ' ';
	}
	if (n)
		n--;
	out[n++] = '\n';
	fwrite(out, 1, n, stdout);
}

/* hello echo N | hello add N | hello count */
void shell_cmd_hello(struct shell *sh, int argc, char **argv)
{
	struct hello_echo_rep er;
	struct hello_count_rep cr;
	uint64_t n = 0;
	long e;

	if (sh->sh_hello.pc_ep == CAP_NULL) {
		printf("hello: no hello service in the manifest\n");
		return;
	}
	if (argc == 3 && (strcmp(argv[1], "echo") == 0 || strcmp(argv[1], "add") == 0) &&
	    !shell_number("hello", argv[2], &n))
		return;
	if (argc == 3 && strcmp(argv[1], "echo") == 0) {
		e = hello_echo(&sh->sh_hello, &(struct hello_echo_req){ n }, &er);
		if (e == E_OK)
			printf("%lu (from generation %lu)\n", er.value, er.generation);
	} else if (argc == 3 && strcmp(argv[1], "add") == 0) {
		e = hello_add(&sh->sh_hello, &(struct hello_add_req){ n }, &cr);
		if (e == E_OK)
			printf("count %lu\n", cr.count);
	} else if (argc == 2 && strcmp(argv[1], "count") == 0) {
		e = hello_count(&sh->sh_hello, &(struct hello_none){ 0 }, &cr);
		if (e == E_OK)
			printf("count %lu\n", cr.count);
	} else {
		printf("usage: hello echo N | hello add N | hello count\n");
		return;
	}
	if (e != E_OK)
		fail("hello", e);
}

#define BENCH_CALLS 1000

static uint64_t bench_samples[BENCH_CALLS];

static inline uint64_t bench_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

static uint64_t bench_median(void)
{
	for (unsigned gap = BENCH_CALLS / 2; gap; gap /= 2)
		for (unsigned i = gap; i < BENCH_CALLS; i++)
			for (unsigned j = i; j >= gap && bench_samples[j - gap] > bench_samples[j];
			     j -= gap) {
				uint64_t t = bench_samples[j];

				bench_samples[j] = bench_samples[j - gap];
				bench_samples[j - gap] = t;
			}
	return bench_samples[BENCH_CALLS / 2];
}

/* counts as microseconds with three decimals, at per_ms counts a
 * millisecond, or the raw count when the rate is not known. */
static void print_us(const char *what, uint64_t counts, uint64_t per_ms, const char *more)
{
	if (!per_ms) {
		printf("%s: median %lu time-stamp counts%s\n", what, counts, more);
		return;
	}
	uint64_t ns = tsc_to_ns(counts, per_ms);

	printf("%s: median %lu.%03lu us%s\n", what, ns / 1000, ns % 1000, more);
}

/* bench: what a call costs from here, in microseconds (make bench, in a
 * boot of its own, bench/kestrel/kbench.c, counts guest instructions). */
void shell_cmd_bench(struct shell *sh, int argc, char **argv)
{
	struct hello_echo_rep er;
	struct tsc_rate rate;
	uint64_t per_ms;
	char more[96];
	long e = E_OK;

	(void)argc;
	(void)argv;
	/* The counter's rate over 50 ms of the kernel clock (to 2%). */
	tsc_rate_start(&rate);
	sleep_ms(sh->sh_pool, 50);
	per_ms = tsc_rate_per_ms(&rate);
	for (unsigned i = 0; i < BENCH_CALLS; i++) {
		uint64_t t0 = bench_tsc();

		sys_thread_id();
		bench_samples[i] = bench_tsc() - t0;
	}
	snprintf(more, sizeof(more), " over %u calls", BENCH_CALLS);
	print_us("null system call", bench_median(), per_ms, more);
	if (sh->sh_hello.pc_ep == CAP_NULL) {
		printf("bench: no hello service to call\n");
		return;
	}
	for (unsigned i = 0; i < BENCH_CALLS && e == E_OK; i++) {
		uint64_t t0 = bench_tsc();

		e = hello_echo(&sh->sh_hello, &(struct hello_echo_req){ i }, &er);
		bench_samples[i] = bench_tsc() - t0;
	}
	if (e != E_OK) {
		fail("bench", e);
		return;
	}
	print_us("hello echo round trip", bench_median(), per_ms, more);
	printf("(the time-stamp counter runs %lu counts a microsecond here; make bench counts guest "
	       "instructions under -icount, beside Linux)\n",
	       per_ms / 1000);
}

void shell_cmd_uptime(struct shell *sh, int argc, char **argv)
{
	uint64_t ms = sys_clock_ms();

	(void)sh;
	(void)argc;
	(void)argv;
	printf("up %lu.%03lu s\n", ms / 1000, ms % 1000);
}

/* The time of day from the C library (the time service, through
 * clock_gettime), in UTC: Kestrel has no time zones. To the millisecond:
 * a reading alone is the start of the kernel clock's millisecond (the
 * finer fraction separates only readings close together). */
void shell_cmd_date(struct shell *sh, int argc, char **argv)
{
	struct timespec ts;
	struct tm tm;
	char text[40];

	(void)sh;
	(void)argv;
	if (argc != 1) {
		printf("usage: date\n");
		return;
	}
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
		printf("date: no time of day: %s\n", strerror(errno));
		return;
	}
	strftime(text, sizeof(text), "%a %Y-%m-%d %H:%M:%S", gmtime_r(&ts.tv_sec, &tm));
	printf("%s.%03ld UTC\n", text, ts.tv_nsec / 1000000);
}

void shell_cmd_mem(struct shell *sh, int argc, char **argv)
{
	uint64_t left, free_frames;
	long e = sys_pool_info_out(sh->sh_pool, &left, &free_frames);

	(void)argc;
	(void)argv;
	if (e != E_OK) {
		fail("mem", e);
		return;
	}
	printf("free: %lu frames (%lu KiB) in the system; this shell's pool has %lu pages (%lu KiB) left\n",
	       free_frames, free_frames * 4, left, left * 4);
}

/* One row of ps: memory as used/quota in KiB. */
static void ps_row(const struct sup_list_rep *r, const char *const *states, size_t nstates)
{
	char pid[24] = "-", mem[48];

	if (r->pid || r->state == SUP_UP)
		snprintf(pid, sizeof(pid), "%lu", r->pid);
	snprintf(mem, sizeof(mem), "%luK/%luK", r->mem_used * 4, r->mem_quota * 4);
	printf("%-16s %-10s %5s %4lu %8lu %4lu %16s %8lu.%03lu s\n", r->name,
	       r->state < nstates ? states[r->state] : "?", pid, r->generation, r->restarts, r->priority, mem,
	       r->uptime_ms / 1000, r->uptime_ms % 1000);
}

void shell_cmd_ps(struct shell *sh, int argc, char **argv)
{
	static const char *const states[] = {
#define STATE_TEXT(name, text) [name] = text,
		SUP_STATES(STATE_TEXT)
#undef STATE_TEXT
	};
	size_t nstates = sizeof(states) / sizeof(states[0]);
	struct sup_list_rep r;
	long e;

	(void)argc;
	(void)argv;
	printf("%-16s %-10s %5s %4s %8s %4s %16s %14s\n", "NAME", "STATE", "PID", "GEN", "RESTARTS", "PRI",
	       "MEM USED/QUOTA", "UPTIME");
	memset(&r, 0, sizeof(r));
	if (sup_list(&sh->sh_sup, &(struct sup_index_req){ SUP_LIST_SELF }, &r) == E_OK)
		ps_row(&r, states, nstates);
	for (uint64_t i = 0; (e = sup_list(&sh->sh_sup, &(struct sup_index_req){ i }, &r)) == E_OK; i++) {
		r.name[SERVER_NAME_LEN - 1] = '\0';
		ps_row(&r, states, nstates);
		memset(&r, 0, sizeof(r));
	}
	if (e != E_NOT_FOUND)
		fail("ps", e);
}

/* kill, crash and restart: the same request, different calls. */
static void control(struct shell *sh, int argc, char **argv,
                    long (*call)(struct proto_client *, const struct sup_name_req *,
                                 struct sup_generation_rep *),
                    const char *done)
{
	struct sup_name_req q = { { 0 } };
	struct sup_generation_rep r;
	size_t n;
	long e;

	if (argc != 2 || (n = strlen(argv[1])) >= SERVER_NAME_LEN) {
		printf("usage: %s NAME (ps lists the names)\n", argv[0]);
		return;
	}
	if (strcmp(argv[1], "supervisor") == 0) {
		printf("%s: the supervisor cannot be stopped: it is what restarts the others, and the "
		       "system's first task\n",
		       argv[0]);
		return;
	}
	memcpy(q.name, argv[1], n);
	e = call(&sh->sh_sup, &q, &r);
	if (e == E_OK)
		printf("%s %s (generation %lu)\n", done, argv[1], r.generation);
	else if (e == PE_NO_SERVICE)
		printf("%s: %s: no such server (ps lists them)\n", argv[0], argv[1]);
	else if (e == E_BAD_STATE)
		printf("%s: %s: not running\n", argv[0], argv[1]);
	else if (e == E_NO_RIGHTS)
		printf("%s: not allowed: the shell's manifest block has no control line\n", argv[0]);
	else
		fail(argv[0], e);
}

void shell_cmd_kill(struct shell *sh, int argc, char **argv)
{
	control(sh, argc, argv, sup_kill, "killed");
}

/* crash NAME MS waits first, so that one can type at the console (or
 * load the server) while the crash comes. */
void shell_cmd_crash(struct shell *sh, int argc, char **argv)
{
	uint64_t ms = 0;

	if (argc == 3 && !shell_number("crash", argv[2], &ms))
		return;
	if (argc == 3) {
		sleep_ms(sh->sh_pool, ms);
		argc = 2;
	}
	control(sh, argc, argv, sup_crash, "crashed");
}

void shell_cmd_restart(struct shell *sh, int argc, char **argv)
{
	control(sh, argc, argv, sup_restart, "restarted");
}

/* The last N lines, oldest first: ask for line 0 to learn the newest
 * number, then walk from N before it. */
void shell_cmd_log(struct shell *sh, int argc, char **argv)
{
	struct sup_log_rep r;
	uint64_t want = LOG_DEFAULT, from;
	long e;

	if (argc == 2 && !shell_number("log", argv[1], &want))
		return;
	e = sup_log(&sh->sh_sup, &(struct sup_log_req){ 0 }, &r);
	if (e != E_OK) {
		fail("log", e);
		return;
	}
	from = r.next > want ? r.next - want : 0;
	while ((e = sup_log(&sh->sh_sup, &(struct sup_log_req){ from }, &r)) == E_OK) {
		r.text[SUP_LOG_TEXT - 1] = '\0';
		printf("%4lu %s\n", r.number, r.text);
		from = r.number + 1;
	}
	if (e != E_NOT_FOUND)
		fail("log", e);
}

/* Not listed: the QEMU tests end the machine with it. Only the test
 * manifest gives the shell the isa-debug-exit port. */
/* The machine's power and reset ports (QEMU's q35: the ICH9's ACPI
 * PM1a control register at the PM base SeaBIOS sets, 0x600 + 4, and its
 * reset control register). */
#define ACPI_PM1A_CNT  0x604
#define ACPI_SLP_EN    (1u << 13) /* with sleep type 0: soft off (S5) on QEMU */
#define RESET_CONTROL  0xCF9
#define RESET_FULL_CPU 0x06 /* system reset, CPU reset */

/* Whether the manifest gave us ports [first, first + count). */
static bool have_ports(uint64_t first, uint64_t count)
{
	const struct server_res *r;

	for (unsigned i = 0; (r = server_resource(SERVER_RES_PORTS, i)); i++)
		if (first >= r->sr_first && first + count <= r->sr_first + r->sr_count)
			return true;
	return false;
}

/* Ends the system: through the isa-debug-exit port when the manifest
 * gives it (the tests: QEMU's status says the run passed), else ACPI's
 * soft off. Either way QEMU exits. */
void shell_cmd_poweroff(struct shell *sh, int argc, char **argv)
{
	(void)sh, (void)argc, (void)argv;
	if (have_ports(QEMU_EXIT_PORT, 4)) {
		printf("poweroff\n");
		fflush(stdout);
		outl(QEMU_EXIT_PORT, QEMU_EXIT_PASS);
	}
	if (have_ports(ACPI_PM1A_CNT, 2)) {
		printf("poweroff\n");
		fflush(stdout);
		outw(ACPI_PM1A_CNT, ACPI_SLP_EN);
		sleep_ms(sh->sh_pool, 500);
		printf("poweroff: the machine did not turn off (no ACPI power management at 0x%x)\n",
		       ACPI_PM1A_CNT);
		return;
	}
	printf("poweroff: the manifest gives the shell no power port (ports 0x%x 2)\n", ACPI_PM1A_CNT);
}

void shell_cmd_reboot(struct shell *sh, int argc, char **argv)
{
	(void)argc, (void)argv;
	if (!have_ports(RESET_CONTROL, 1)) {
		printf("reboot: the manifest gives the shell no reset port (ports 0x%x 1)\n", RESET_CONTROL);
		return;
	}
	printf("reboot\n");
	fflush(stdout);
	outb(RESET_CONTROL, RESET_FULL_CPU);
	sleep_ms(sh->sh_pool, 500);
	printf("reboot: the machine did not reset\n");
}

static const struct command commands[] = {
#define SHELL_COMMAND_ENTRY(name, min, max, usage, help) { #name, min, max, usage, help, shell_cmd_##name },
	SHELL_COMMANDS(SHELL_COMMAND_ENTRY)
#undef SHELL_COMMAND_ENTRY
	        { NULL, 0, 0, NULL, NULL, NULL },
};

const char *shell_command_name(unsigned i)
{
	return i < sizeof(commands) / sizeof(commands[0]) ? commands[i].c_name : NULL;
}

static const struct command *command_named(const char *name)
{
	for (const struct command *c = commands; c->c_name; c++)
		if (c->c_fn && strcmp(c->c_name, name) == 0)
			return c;
	return NULL;
}

void shell_usage(const char *name)
{
	const struct command *c = command_named(name);

	printf("usage: %s\n", c ? c->c_usage : name);
}

void shell_cmd_help(struct shell *sh, int argc, char **argv)
{
	const struct command *c;

	(void)sh;
	if (argc == 2) {
		if (!(c = command_named(argv[1])))
			printf("help: %s: no such command (help lists them)\n", argv[1]);
		else
			printf("usage: %s\n  %s\n", c->c_usage, c->c_help ? c->c_help : "");
		return;
	}
	printf("commands (help COMMAND for one):\n");
	for (const struct command *c = commands; c->c_name; c++)
		if (c->c_help)
			printf("  %-16s %s\n", c->c_usage, c->c_help);
}

/* Finds "> FILE" or ">> FILE" (or ">FILE", ">>FILE") among the words and
 * takes it out of them. Returns the argument count left, or -1 for a
 * redirection without a file name or more than one; *path NULL when
 * there is none. */
static int redirect_parse(int argc, char **argv, const char **path, bool *append)
{
	int out = 0;

	*path = NULL;
	for (int i = 0; i < argc; i++) {
		char *w = argv[i];

		if (w[0] != '>') {
			argv[out++] = w;
			continue;
		}
		if (*path)
			return -1;
		*append = w[1] == '>';
		w += *append ? 2 : 1;
		if (!*w && (w = i + 1 < argc ? argv[++i] : NULL) == NULL)
			return -1;
		*path = w;
	}
	return out;
}

/* Runs c with its output sent to path: a descriptor of the file over 1
 * (dup2) for the command's duration, the console's put back after. */
static void run_redirected(const struct command *c, struct shell *sh, int argc, char **argv, const char *path,
                           bool append)
{
	int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
	int saved;

	if (fd < 0) {
		printf("%s: %s: %s\n", argv[0], path, strerror(errno));
		return;
	}
	fflush(stdout);
	if ((saved = dup(1)) < 0 || dup2(fd, 1) < 0) {
		printf("%s: %s: %s\n", argv[0], path, strerror(errno));
		if (saved >= 0)
			close(saved);
		close(fd);
		return;
	}
	close(fd);
	c->c_fn(sh, argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
}

void shell_run(struct shell *sh, char *line)
{
	char *argv[ARGS_MAX];
	int argc = args_split(line, argv, ARGS_MAX);
	const char *path;
	bool append = false;

	if (argc == 0)
		return;
	if (argc < 0) {
		printf("too many words (at most %d)\n", ARGS_MAX);
		return;
	}
	if ((argc = redirect_parse(argc, argv, &path, &append)) <= 0) {
		printf("%s\n", argc < 0 ? "redirection: > FILE or >> FILE, once" : "nothing to run");
		return;
	}
	const struct command *c = command_named(argv[0]);

	if (!c) {
		printf("%s: unknown command (help lists them)\n", argv[0]);
		return;
	}
	/* Every command's words counted alike, before it runs. */
	if (argc - 1 < c->c_min) {
		printf("%s: missing %s\nusage: %s\n", argv[0], argc == 1 ? "arguments" : "an argument",
		       c->c_usage);
		return;
	}
	if (argc - 1 > c->c_max) {
		printf("%s: unexpected word '%s'\nusage: %s\n", argv[0], argv[c->c_max + 1], c->c_usage);
		return;
	}
	if (path)
		run_redirected(c, sh, argc, argv, path, append);
	else
		c->c_fn(sh, argc, argv);
}

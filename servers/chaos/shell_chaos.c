/* The shell's chaos command (SHELL_COMMANDS in servers/shell/shell.h):
 * linked into the shell, a client of the chaos service. */
#include <stdio.h>
#include <string.h>

#include <kestrel/error.h>
#include <kestrel/proto/chaos.h>

#include "server.h"
#include "../shell/shell.h"

PROTO_CLIENT(CHAOS_OPS)

#define CHAOS_RATE_DEFAULT 1

static const char *const kind_names[] = {
#define CHAOS_SHELL_KIND(name, text, what) text,
	CHAOS_KINDS(CHAOS_SHELL_KIND)
#undef CHAOS_SHELL_KIND
};

/* The kind named word ("any": CHAOS_ANY_KIND); false after saying it is
 * none. */
static bool kind_named(const char *word, uint64_t *kind)
{
	*kind = CHAOS_ANY_KIND;
	if (strcmp(word, "any") == 0)
		return true;
	for (*kind = 0; *kind < CHAOS_NKINDS; (*kind)++)
		if (strcmp(word, kind_names[*kind]) == 0)
			return true;
	printf("chaos: no kind of fault called '%s' (any", word);
	for (unsigned k = 0; k < CHAOS_NKINDS; k++)
		printf(", %s", kind_names[k]);
	printf(")\n");
	return false;
}

/* What the service did: its counts, and a row for each server and kind. */
static void chaos_print_stats(struct proto_client *c)
{
	struct chaos_stats_rep r;
	long e;

	if ((e = chaos_stats(c, &(struct chaos_stats_req){ CHAOS_STATS_TOTALS }, &r)) != E_OK) {
		printf("chaos: %s\n", proto_error_text(e));
		return;
	}
	printf("chaos: %s, %lu injected, %lu skipped, seed %lu\n", r.running ? "running" : "stopped",
	       r.injected, r.skipped, r.seed);
	for (uint64_t row = 0; chaos_stats(c, &(struct chaos_stats_req){ row }, &r) == E_OK; row++) {
		if (row == 0)
			printf("%-12s %-9s %9s %9s %9s %9s\n", "server", "kind", "injected", "restarted",
			       "no effect", "unwatched");
		r.server[SERVER_NAME_LEN - 1] = '\0';
		printf("%-12s %-9s %9lu %9lu %9lu %9lu\n", r.server, kind_names[r.kind], r.row_injected,
		       r.row_restarted, r.row_no_effect, r.row_unwatched);
	}
}

/* chaos SERVER KIND [RATE] | chaos stop | chaos */
void shell_cmd_chaos(struct shell *sh, int argc, char **argv)
{
	static struct proto_client chaos; /* looked up on first use */
	struct chaos_start_req q = { { 0 }, 0, CHAOS_RATE_DEFAULT, 0, 0 };
	struct chaos_start_rep r;
	long e;

	(void)sh;
	if (argc == 2 && strcmp(argv[1], "stop") != 0) {
		shell_usage("chaos");
		return;
	}
	if (argc >= 3 && strlen(argv[1]) > CHAOS_TARGET_LEN) {
		printf("chaos: no server called '%s'\n", argv[1]);
		return;
	}
	if (argc >= 3 && !kind_named(argv[2], &q.kind))
		return;
	if (argc == 4 && !shell_number("chaos", argv[3], &q.rate))
		return;
	if (argc == 4 && (q.rate < 1 || q.rate > CHAOS_RATE_MAX)) {
		printf("chaos: a rate of 1 to %d faults a second\n", CHAOS_RATE_MAX);
		return;
	}
	if (!chaos.pc_ep && (e = service_lookup("chaos", &chaos)) != E_OK) {
		printf("chaos: no chaos service: %s\n", proto_error_text(e));
		return;
	}
	if (argc == 1) {
		chaos_print_stats(&chaos);
		return;
	}
	if (argc == 2) {
		e = chaos_stop(&chaos, &(struct chaos_none){ 0 }, &(struct chaos_none){ 0 });
		printf(e == E_OK ? "chaos: stopped\n" : "chaos: %s\n", proto_error_text(e));
		return;
	}
	memcpy(q.target, argv[1], strlen(argv[1]));
	e = chaos_start(&chaos, &q, &r);
	if (e == E_OK)
		printf("chaos: %s into %s, %lu a second (seed %lu)\n", argv[2], argv[1], q.rate, r.seed);
	else if (e == PE_NO_SERVICE)
		printf("chaos: no server called '%s'\n", argv[1]);
	else if (e == E_BAD_ARG)
		printf("chaos: %s is not a target (the supervisor, the chaos service, and servers never "
		       "restarted are not)\n",
		       argv[1]);
	else
		printf("chaos: %s\n", proto_error_text(e));
}

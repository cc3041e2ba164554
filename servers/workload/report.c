/* The workload's files and lines (see workload.h): no IPC here, so the
 * host tests link it (tests/servers/test_workload.c). */
#include <stdio.h>

#include "workload.h"

const char *const wl_service_names[WL_SERVICES] = { "fs", "hello", "time" };

uint64_t wl_length(uint64_t r)
{
	return 1000 + r * 2654435761u % 11000;
}

uint8_t wl_byte(uint64_t r, uint64_t off)
{
	return (uint8_t)((r * 131 + off + off / 251) % 251);
}

int wl_line_ack(char *buf, size_t size, const char *path, uint64_t len, uint64_t fnv)
{
	return snprintf(buf, size, WL_PREFIX "ack %s %lu fnv1a=%016lx\n", path, len, fnv);
}

int wl_line_gone(char *buf, size_t size, const char *path)
{
	return snprintf(buf, size, WL_PREFIX "ack %s gone\n", path);
}

/* "workload: WHAT rounds=N fs ok=.. retried=.. errors=.. wrong=.. hello
 * ... time ... acked=N", WHAT "" for the line after each round. */
int wl_line_counts(char *buf, size_t size, const char *what, const struct wl_state *s)
{
	int n = snprintf(buf, size, WL_PREFIX "%s%srounds=%lu", what, *what ? " " : "", s->ws_rounds);

	for (unsigned i = 0; i < WL_SERVICES && n >= 0 && (size_t)n < size; i++) {
		const struct wl_counts *c = &s->ws_counts[i];

		n += snprintf(buf + n, size - (size_t)n, " %s ok=%lu retried=%lu errors=%lu wrong=%lu",
		              wl_service_names[i], c->wc_ok, c->wc_retried, c->wc_errors, c->wc_wrong);
	}
	if (n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " acked=%lu\n", s->ws_acked);
	return n;
}

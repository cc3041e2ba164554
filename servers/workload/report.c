/* The workload's files and lines (see workload.h): no IPC here, so the
 * host tests link it (tests/servers/test_workload.c). */
#include <stdio.h>

#include <kestrel/proto/fs.h>
#include <kestrel/proto/hello.h>
#include <kestrel/proto/time.h>

#include "workload.h"

const char *const wl_service_names[WL_SERVICES] = { "fs", "hello", "time" };

/* Each operation's flags from its protocol's list, WL_FLAGS_fs_read and
 * so on, so that whether a kind is idempotent is said once, there. */
#define WL_FLAGS(proto, name, opcode, flags, req_t, rep_t) WL_FLAGS_##proto##_##name = (flags),
enum { FS_OPS(WL_FLAGS) HELLO_OPS(WL_FLAGS) TIME_OPS(WL_FLAGS) };
#undef WL_FLAGS
#define WL_KIND(service, proto, name)                                               \
	{                                                                           \
#name, service, (WL_FLAGS_##proto##_##name & PROTO_IDEMPOTENT) != 0 \
	}

const struct wl_kind_info wl_kinds[WL_KINDS] = {
	[WL_FS_MKDIR] = WL_KIND(WL_FS, fs, mkdir),      [WL_FS_OPEN] = WL_KIND(WL_FS, fs, open),
	[WL_FS_WRITE] = WL_KIND(WL_FS, fs, write),      [WL_FS_READ] = WL_KIND(WL_FS, fs, read),
	[WL_FS_LOOKUP] = WL_KIND(WL_FS, fs, lookup),    [WL_FS_RENAME] = WL_KIND(WL_FS, fs, rename),
	[WL_FS_UNLINK] = WL_KIND(WL_FS, fs, unlink),    [WL_HELLO_ECHO] = WL_KIND(WL_HELLO, hello, echo),
	[WL_HELLO_ADD] = WL_KIND(WL_HELLO, hello, add), [WL_HELLO_COUNT] = WL_KIND(WL_HELLO, hello, count),
	[WL_TIME_NOW] = WL_KIND(WL_TIME, time, now),
};

struct wl_counts wl_service_counts(const struct wl_state *st, enum wl_service s)
{
	struct wl_counts sum = { 0 };

	for (unsigned k = 0; k < WL_KINDS; k++) {
		const struct wl_counts *c = &st->ws_counts[k];

		if (wl_kinds[k].wk_service != s)
			continue;
		sum.wc_ok += c->wc_ok;
		sum.wc_retried += c->wc_retried;
		sum.wc_errors += c->wc_errors;
		sum.wc_wrong += c->wc_wrong;
	}
	return sum;
}

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
		struct wl_counts c = wl_service_counts(s, i);

		n += snprintf(buf + n, size - (size_t)n, " %s ok=%lu retried=%lu errors=%lu wrong=%lu",
		              wl_service_names[i], c.wc_ok, c.wc_retried, c.wc_errors, c.wc_wrong);
	}
	if (n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " acked=%lu\n", s->ws_acked);
	return n;
}

/* "workload: requests SERVICE OP idempotent|non-idempotent ok=..
 * retried=.. errors=.. wrong=..": kind k's counts. */
int wl_line_kind(char *buf, size_t size, const struct wl_state *s, enum wl_kind k)
{
	const struct wl_counts *c = &s->ws_counts[k];

	return snprintf(buf, size, WL_PREFIX "requests %s %s %s ok=%lu retried=%lu errors=%lu wrong=%lu\n",
	                wl_service_names[wl_kinds[k].wk_service], wl_kinds[k].wk_name,
	                wl_kinds[k].wk_idempotent ? "idempotent" : "non-idempotent", c->wc_ok, c->wc_retried,
	                c->wc_errors, c->wc_wrong);
}

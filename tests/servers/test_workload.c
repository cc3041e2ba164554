/* The workload's files and lines (servers/workload/report.c) and the
 * FNV-1a they are checked with (libipc/fnv.h): what
 * scripts/workload-check.sh reads must be what the workload prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fnv.h"
#include "../../servers/workload/workload.h"

static void fnv1a_gives_the_published_values(void **state)
{
	(void)state;
	assert_true(fnv1a(FNV1A_INIT, "", 0) == 0xcbf29ce484222325ULL);
	assert_true(fnv1a(FNV1A_INIT, "a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(fnv1a(FNV1A_INIT, "foobar", 6) == 0x85944171f73967e8ULL);
	/* In pieces, the same as at once. */
	assert_true(fnv1a(fnv1a(FNV1A_INIT, "foo", 3), "bar", 3) == 0x85944171f73967e8ULL);
}

static void files_are_1000_to_11999_bytes_and_differ_from_round_to_round(void **state)
{
	unsigned whole_blocks = 0;

	(void)state;
	for (uint64_t r = 0; r < 10000; r++) {
		uint64_t len = wl_length(r);

		assert_true(len >= 1000 && len < 12000);
		whole_blocks += len % 1024 == 0;
		assert_true(wl_byte(r, 0) != wl_byte(r + 1, 0) || wl_byte(r, 1) != wl_byte(r + 1, 1));
	}
	assert_true(whole_blocks < 20);
	assert_int_equal(wl_byte(7, 300), wl_byte(7, 300));
}

static void ack_lines_are_what_the_checker_reads(void **state)
{
	char line[128];

	(void)state;
	wl_line_ack(line, sizeof(line), "/work/f7", 4761, 0x1de35cde2ad29a24ULL);
	assert_string_equal(line, "workload: ack /work/f7 4761 fnv1a=1de35cde2ad29a24\n");
	wl_line_ack(line, sizeof(line), "/work/f8", 5, 0xfULL);
	assert_string_equal(line, "workload: ack /work/f8 5 fnv1a=000000000000000f\n");
	wl_line_gone(line, sizeof(line), "/work/f0");
	assert_string_equal(line, "workload: ack /work/f0 gone\n");
}

static void count_lines_list_every_service_in_order(void **state)
{
	struct wl_state s = { .ws_rounds = 12, .ws_acked = 20 };
	char line[512];

	(void)state;
	s.ws_counts[WL_FS_READ] = (struct wl_counts){ 60, 2, 0, 0 };
	s.ws_counts[WL_FS_RENAME] = (struct wl_counts){ 10, 0, 1, 0 };
	s.ws_counts[WL_HELLO_ECHO] = (struct wl_counts){ 35, 1, 0, 0 };
	s.ws_counts[WL_TIME_NOW] = (struct wl_counts){ 12, 0, 0, 3 };
	wl_line_counts(line, sizeof(line), "", &s);
	assert_string_equal(line,
	                    "workload: rounds=12 fs ok=70 retried=2 errors=1 wrong=0 hello ok=35 retried=1 "
	                    "errors=0 wrong=0 time ok=12 retried=0 errors=0 wrong=3 acked=20\n");
	wl_line_counts(line, sizeof(line), "done", &s);
	assert_true(strncmp(line, "workload: done rounds=12 fs ok=70 ", 34) == 0);
	/* Cut short, never past the buffer. */
	assert_true(wl_line_counts(line, 40, "done", &s) >= 40);
	assert_int_equal(strlen(line), 39);
}

static void each_kind_is_idempotent_as_its_protocol_says(void **state)
{
	(void)state;
	assert_true(wl_kinds[WL_FS_READ].wk_idempotent && wl_kinds[WL_FS_WRITE].wk_idempotent);
	assert_true(wl_kinds[WL_FS_LOOKUP].wk_idempotent && wl_kinds[WL_HELLO_ECHO].wk_idempotent);
	assert_true(wl_kinds[WL_HELLO_COUNT].wk_idempotent && wl_kinds[WL_TIME_NOW].wk_idempotent);
	assert_false(wl_kinds[WL_FS_OPEN].wk_idempotent || wl_kinds[WL_FS_MKDIR].wk_idempotent);
	assert_false(wl_kinds[WL_FS_RENAME].wk_idempotent || wl_kinds[WL_FS_UNLINK].wk_idempotent);
	assert_false(wl_kinds[WL_HELLO_ADD].wk_idempotent);
	for (unsigned k = 0; k < WL_KINDS; k++)
		assert_non_null(wl_kinds[k].wk_name);
}

static void kind_lines_say_the_service_the_operation_and_its_counts(void **state)
{
	struct wl_state s = { .ws_rounds = 3 };
	char line[256];

	(void)state;
	s.ws_counts[WL_FS_READ] = (struct wl_counts){ 60, 2, 1, 0 };
	s.ws_counts[WL_HELLO_ADD] = (struct wl_counts){ 5, 0, 1, 0 };
	wl_line_kind(line, sizeof(line), &s, WL_FS_READ);
	assert_string_equal(line, "workload: requests fs read idempotent ok=60 retried=2 errors=1 wrong=0\n");
	wl_line_kind(line, sizeof(line), &s, WL_HELLO_ADD);
	assert_string_equal(line,
	                    "workload: requests hello add non-idempotent ok=5 retried=0 errors=1 wrong=0\n");
	wl_line_kind(line, sizeof(line), &s, WL_TIME_NOW);
	assert_string_equal(line, "workload: requests time now idempotent ok=0 retried=0 errors=0 wrong=0\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fnv1a_gives_the_published_values),
		cmocka_unit_test(files_are_1000_to_11999_bytes_and_differ_from_round_to_round),
		cmocka_unit_test(ack_lines_are_what_the_checker_reads),
		cmocka_unit_test(count_lines_list_every_service_in_order),
		cmocka_unit_test(each_kind_is_idempotent_as_its_protocol_says),
		cmocka_unit_test(kind_lines_say_the_service_the_operation_and_its_counts),
	};

	return cmocka_run_group_tests_name("workload", tests, NULL, NULL);
}

/* The supervisor's log ring (servers/supervisor/log.c): numbering,
 * forgetting the oldest, cutting long lines, and reading from a number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../servers/supervisor/log.h"

static struct log_ring ring;

static int reset(void **state)
{
	(void)state;
	memset(&ring, 0, sizeof(ring));
	return 0;
}

static void empty_ring_has_no_line(void **state)
{
	uint64_t n = 99;
	char text[SUP_LOG_TEXT];

	(void)state;
	assert_false(log_ring_get(&ring, 0, &n, text));
	assert_int_equal(n, 99);
}

static void lines_are_numbered_from_zero_without_their_newline(void **state)
{
	uint64_t n;
	char text[SUP_LOG_TEXT];

	(void)state;
	log_ring_put(&ring, "first\n");
	log_ring_put(&ring, "second");
	assert_true(log_ring_get(&ring, 0, &n, text));
	assert_int_equal(n, 0);
	assert_string_equal(text, "first");
	assert_true(log_ring_get(&ring, 1, &n, text));
	assert_string_equal(text, "second");
	assert_false(log_ring_get(&ring, 2, &n, text));
	assert_int_equal(ring.lr_next, 2);
}

static void full_ring_forgets_the_oldest(void **state)
{
	uint64_t n;
	char text[SUP_LOG_TEXT], want[32];

	(void)state;
	for (int i = 0; i < SUP_LOG_LINES + 5; i++) {
		snprintf(want, sizeof(want), "line %d", i);
		log_ring_put(&ring, want);
	}
	/* Asking for a forgotten line gives the oldest kept one. */
	assert_true(log_ring_get(&ring, 0, &n, text));
	assert_int_equal(n, 5);
	assert_string_equal(text, "line 5");
	assert_true(log_ring_get(&ring, SUP_LOG_LINES + 4, &n, text));
	assert_string_equal(text, "line 68");
	assert_false(log_ring_get(&ring, SUP_LOG_LINES + 5, &n, text));
}

static void long_lines_are_cut_to_fit(void **state)
{
	char longer[SUP_LOG_TEXT * 2], text[SUP_LOG_TEXT];
	uint64_t n;

	(void)state;
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	log_ring_put(&ring, longer);
	assert_true(log_ring_get(&ring, 0, &n, text));
	assert_int_equal(strlen(text), SUP_LOG_TEXT - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(empty_ring_has_no_line, reset),
		cmocka_unit_test_setup(lines_are_numbered_from_zero_without_their_newline, reset),
		cmocka_unit_test_setup(full_ring_forgets_the_oldest, reset),
		cmocka_unit_test_setup(long_lines_are_cut_to_fit, reset),
	};

	return cmocka_run_group_tests_name("sup_log", tests, NULL, NULL);
}

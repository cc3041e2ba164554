/* The shell's command-line words and numbers (servers/shell/args.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../servers/shell/args.h"

static void words_split_at_runs_of_spaces_and_tabs(void **state)
{
	char line[] = "  hello \t add   5  ";
	char *argv[ARGS_MAX];

	(void)state;
	assert_int_equal(args_split(line, argv, ARGS_MAX), 3);
	assert_string_equal(argv[0], "hello");
	assert_string_equal(argv[1], "add");
	assert_string_equal(argv[2], "5");
}

static void blank_line_has_no_words(void **state)
{
	char empty[] = "", blank[] = " \t ";
	char *argv[ARGS_MAX];

	(void)state;
	assert_int_equal(args_split(empty, argv, ARGS_MAX), 0);
	assert_int_equal(args_split(blank, argv, ARGS_MAX), 0);
}

static void too_many_words_is_an_error(void **state)
{
	char line[] = "a b c";
	char *argv[2];

	(void)state;
	assert_int_equal(args_split(line, argv, 2), -1);
}

static void numbers_are_decimal_or_hex_and_fit_64_bits(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_true(args_number("0", &v));
	assert_int_equal(v, 0);
	assert_true(args_number("18446744073709551615", &v));
	assert_true(v == UINT64_MAX);
	assert_true(args_number("0xfF", &v));
	assert_int_equal(v, 255);
	v = 7;
	assert_false(args_number("18446744073709551616", &v));
	assert_false(args_number("", &v));
	assert_false(args_number("0x", &v));
	assert_false(args_number("12a", &v));
	assert_false(args_number("-1", &v));
	assert_int_equal(v, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words_split_at_runs_of_spaces_and_tabs),
		cmocka_unit_test(blank_line_has_no_words),
		cmocka_unit_test(too_many_words_is_an_error),
		cmocka_unit_test(numbers_are_decimal_or_hex_and_fit_64_bits),
	};

	return cmocka_run_group_tests_name("shell_args", tests, NULL, NULL);
}

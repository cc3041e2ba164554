/* The shell's command-line words (servers/shell/args.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words_split_at_runs_of_spaces_and_tabs),
		cmocka_unit_test(blank_line_has_no_words),
		cmocka_unit_test(too_many_words_is_an_error),
	};

	return cmocka_run_group_tests_name("shell_args", tests, NULL, NULL);
}

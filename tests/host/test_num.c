/* libipc's number parser (libipc/num.c), which the supervisor's manifest
 * and the shell's commands read numbers with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../libipc/num.h"

static void numbers_are_decimal_or_hex_and_fit_64_bits(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_true(num_parse_word("0", &v));
	assert_int_equal(v, 0);
	assert_true(num_parse_word("18446744073709551615", &v));
	assert_true(v == UINT64_MAX);
	assert_true(num_parse_word("0xfF", &v));
	assert_int_equal(v, 255);
	v = 7;
	assert_false(num_parse_word("18446744073709551616", &v));
	assert_false(num_parse_word("", &v));
	assert_false(num_parse_word("0x", &v));
	assert_false(num_parse_word("12a", &v));
	assert_false(num_parse_word("-1", &v));
	assert_int_equal(v, 7);
}

static void only_the_given_length_is_read(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_true(num_parse("12 34", 2, &v));
	assert_int_equal(v, 12);
	assert_true(num_parse("0x1fz", 4, &v));
	assert_int_equal(v, 31);
	v = 7;
	assert_false(num_parse("0x10", 2, &v));
	assert_false(num_parse("5", 0, &v));
	assert_int_equal(v, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_are_decimal_or_hex_and_fit_64_bits),
		cmocka_unit_test(only_the_given_length_is_read),
	};

	return cmocka_run_group_tests_name("num", tests, NULL, NULL);
}

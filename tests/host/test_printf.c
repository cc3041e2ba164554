/* ksnprintf against the host C library's snprintf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "printf.h"

#define SAME(...)                                                   \
	do {                                                        \
		char want[128], got[128];                           \
		int nw = snprintf(want, sizeof(want), __VA_ARGS__); \
		int ng = ksnprintf(got, sizeof(got), __VA_ARGS__);  \
		assert_string_equal(got, want);                     \
		assert_int_equal(ng, nw);                           \
	} while (0)

static void integers_match_libc(void **state)
{
	(void)state;
	SAME("%d %i %u", 0, -1, 4000000000u);
	SAME("%d", INT32_MIN);
	SAME("%ld %lu", INT64_MIN, UINT64_MAX);
	SAME("%lld %llu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
	SAME("%hhd %hhu %hd %hu", -1, 255, -2, 65535);
	SAME("%zu %zx", (size_t)123456, (size_t)0xabcdef);
	SAME("%x %X %o", 0xdeadbeefu, 0xdeadbeefu, 0777u);
	SAME("%lx", 0xffffffff80000000ul);
}

static void width_flags_and_precision_match_libc(void **state)
{
	(void)state;
	SAME("[%5d] [%-5d] [%05d]", 42, 42, 42);
	SAME("[%5d] [%05d]", -42, -42);
	SAME("[%016lx] [%#x] [%#lx] [%#X]", 0x1234ul, 0xffu, 0x0ul + 1, 0xabu);
	SAME("[%#014lx]", 0x9fc00ul);
	SAME("[%.3d] [%8.3d] [%.0d]", 7, 7, 0);
	SAME("[%*d] [%-*d]", 6, 1, 6, 1);
	SAME("[%*d]", -6, 1);
}

static void strings_and_chars_match_libc(void **state)
{
	(void)state;
	SAME("[%s] [%10s] [%-10s] [%.2s]", "abc", "abc", "abc", "abc");
	SAME("[%c%c] [%3c] [%-3c]", 'o', 'k', 'x', 'y');
	SAME("100%% sure");
	SAME("%p", (void *)0x1234);
}

static void null_string_prints_null(void **state)
{
	char buf[32];
	const char *volatile null = NULL;

	(void)state;
	ksnprintf(buf, sizeof(buf), "%s", null);
	assert_string_equal(buf, "(null)");
}

static void output_is_truncated_and_terminated(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(ksnprintf(buf, sizeof(buf), "%s", "0123456789"), 10);
	assert_string_equal(buf, "0123456");
	assert_int_equal(ksnprintf(buf, 1, "abc"), 3);
	assert_string_equal(buf, "");
	buf[0] = 'x';
	assert_int_equal(ksnprintf(buf, 0, "abc"), 3);
	assert_int_equal(buf[0], 'x'); /* size 0 writes nothing */
}

/* The compiler rightly rejects these formats; the kernel must not crash on
 * them all the same. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
static void unknown_conversion_is_shown_verbatim(void **state)
{
	char buf[32];

	(void)state;
	ksnprintf(buf, sizeof(buf), "a%qb");
	assert_string_equal(buf, "a%qb");
	ksnprintf(buf, sizeof(buf), "end%");
	assert_string_equal(buf, "end");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(integers_match_libc),
		cmocka_unit_test(width_flags_and_precision_match_libc),
		cmocka_unit_test(strings_and_chars_match_libc),
		cmocka_unit_test(null_string_prints_null),
		cmocka_unit_test(output_is_truncated_and_terminated),
		cmocka_unit_test(unknown_conversion_is_shown_verbatim),
	};

	return cmocka_run_group_tests_name("printf", tests, NULL, NULL);
}

/* Both formatters against the host C library's snprintf: libipc's, which
 * user programs print with and has every feature, and the kernel's, which
 * has what the kernel's messages use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../libipc/fmt.h"
#include "printf.h"

static int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

struct kbuf {
	char *buf;
	size_t size, len;
};

static void kbuf_putc(char c, void *arg)
{
	struct kbuf *b = arg;

	if (b->len + 1 < b->size)
		b->buf[b->len++] = c;
	b->buf[b->len] = '\0';
}

/* The kernel's formatter into a buffer (the kernel itself only prints). */
static int kernel_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	struct kbuf b = { buf, size, 0 };
	va_list ap;
	int n;

	buf[0] = '\0';
	va_start(ap, fmt);
	n = kvformat(kbuf_putc, &b, fmt, ap);
	va_end(ap);
	return n;
}

#define SAME_WITH(fn, ...)                                          \
	do {                                                        \
		char want[128], got[128];                           \
		int nw = snprintf(want, sizeof(want), __VA_ARGS__); \
		int ng = fn(got, sizeof(got), __VA_ARGS__);         \
		assert_string_equal(got, want);                     \
		assert_int_equal(ng, nw);                           \
	} while (0)
#define SAME(...)  SAME_WITH(fmt_snprintf, __VA_ARGS__)
#define KSAME(...) SAME_WITH(kernel_snprintf, __VA_ARGS__)

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
	fmt_snprintf(buf, sizeof(buf), "%s", null);
	assert_string_equal(buf, "(null)");
}

static void output_is_truncated_and_terminated(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%s", "0123456789"), 10);
	assert_string_equal(buf, "0123456");
	assert_int_equal(fmt_snprintf(buf, 1, "abc"), 3);
	assert_string_equal(buf, "");
	buf[0] = 'x';
	assert_int_equal(fmt_snprintf(buf, 0, "abc"), 3);
	assert_int_equal(buf[0], 'x'); /* size 0 writes nothing */
}

static void kernel_formats_its_messages_like_libc(void **state)
{
	(void)state;
	KSAME("%d %d %u %lu %zu", 0, -42, 4000000000u, UINT64_MAX, (size_t)123456);
	KSAME("%d %ld %lld %llu", INT32_MIN, INT64_MIN, (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
	KSAME("[%016lx] [%04lx] [%#lx] [%#014lx] [%#llx] [%x]", 0x1234ul, 0x2bul, 0xffffffff80000000ul,
	      0x9fc00ul, 0xabcull, 0xdeadbeefu);
	KSAME("[%5d] [%05d] [%5u] [%3lu]", -42, -42, 7u, 123456ul);
	KSAME("%s \"%s\" %p 100%%", "kernel", "", (void *)0x1234);
}

/* The compiler rightly rejects these formats; neither formatter may crash
 * on them all the same. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
static void unknown_conversion_is_shown_verbatim(void **state)
{
	char buf[32];

	(void)state;
	fmt_snprintf(buf, sizeof(buf), "a%qb");
	assert_string_equal(buf, "a%qb");
	fmt_snprintf(buf, sizeof(buf), "end%");
	assert_string_equal(buf, "end");
	kernel_snprintf(buf, sizeof(buf), "a%qb %s", (const char *)NULL);
	assert_string_equal(buf, "a%qb (null)");
	kernel_snprintf(buf, sizeof(buf), "%-5d|end%");
	assert_string_equal(buf, "%-5d|end");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(integers_match_libc),
		cmocka_unit_test(width_flags_and_precision_match_libc),
		cmocka_unit_test(strings_and_chars_match_libc),
		cmocka_unit_test(null_string_prints_null),
		cmocka_unit_test(output_is_truncated_and_terminated),
		cmocka_unit_test(kernel_formats_its_messages_like_libc),
		cmocka_unit_test(unknown_conversion_is_shown_verbatim),
	};

	return cmocka_run_group_tests_name("printf", tests, NULL, NULL);
}

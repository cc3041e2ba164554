/* The C library's test program: the first task of its own boot, an
 * ordinary picolibc program (libc-glue). Each check prints one TAP line; a
 * few lines are also compared as text by tests/qemu/libc.sh. main returns
 * the number of failures, and the summary and QEMU's exit come from an
 * atexit handler, so the run only ends well if exit() runs the handlers
 * and flushes stdio the way it should. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/fault.h>
#include <kestrel/ipc.h>
#include <kestrel/qemu_exit.h>

#include "fd.h"
#include "glue.h"
#include "io.h"
#include "ipc.h"
#include "slots.h"
#include "server.h"
#include "syscalls.h"
#include "uthread.h"

#define FIRST_TASK_PRIO 100 /* what the kernel gives the first task (kernel/roottask.c) */

/* The priority new threads get: ours, which the supervisor's server_info
 * says when it started us, and the first task's otherwise. */
static unsigned own_priority(void)
{
	return server_self() ? (unsigned)server_self()->si_priority : FIRST_TASK_PRIO;
}

static unsigned tests_run, tests_failed;
static char why[200];

/* Records why a check failed (the first reason wins) and returns 0. */
static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	if (!why[0]) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	return 0;
}

static void check(const char *name, int (*fn)(void))
{
	int ok;

	why[0] = '\0';
	ok = fn() && !why[0];
	tests_run++;
	if (ok) {
		printf("ok %u - %s\n", tests_run, name);
	} else {
		tests_failed++;
		printf("not ok %u - %s: %s\n", tests_run, name, why[0] ? why : "failed");
	}
}

/* s must equal want. */
static int same(const char *what, const char *s, const char *want)
{
	return strcmp(s, want) == 0 ? 1 : fail("%s: \"%s\", expected \"%s\"", what, s, want);
}

/* Not constants, so the compiler does not refuse what is tried on purpose. */
static volatile size_t huge_count = SIZE_MAX / 2;
static const char *volatile long_text = "abcdefgh";

static volatile int constructed;

static void __attribute__((constructor)) libctest_constructor(void)
{
	constructed = 42;
}

static int constructor_ran(void)
{
	return constructed == 42 ? 1 : fail("constructor did not run (%d)", constructed);
}

static int printf_integers(void)
{
	char b[128];
	int n = snprintf(b, sizeof(b), "%d %s %x %llu %5d|%-5d|%05d %ld %zu %hhd %#o", -42, "kestrel",
	                 0xbeefu, 18446744073709551615ULL, 7, 7, -7, LONG_MIN, (size_t)12345,
	                 (signed char)200, 8u);

	same("integers", b,
	     "-42 kestrel beef 18446744073709551615     7|7    |-0007 -9223372036854775808 12345 -56 010");
	return n == (int)strlen(b) ? 1 : fail("snprintf returned %d for %zu characters", n, strlen(b));
}

/* Every double printed with 17 significant digits reads back as itself.
 * (picolibc's printf gives the shortest digits that do that, so %.17g of
 * 0.1 is "0.1" where glibc pads to "0.10000000000000001": docs/libc.md.) */
static int floats_round_trip(void)
{
	static const double values[] = {
		0.1,        1.0 / 3, 2.0 / 3,           1e-300,       1.7976931348623157e308, 5e-324,
		123456.789, -0.0,    3.141592653589793, 6.02214076e23
	};
	char b[64];

	for (unsigned i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		snprintf(b, sizeof(b), "%.17g", values[i]);
		if (strtod(b, NULL) != values[i] || (values[i] == 0 && b[0] != '-'))
			return fail("%.17g printed as \"%s\", which reads back as %.17g", values[i], b,
			            strtod(b, NULL));
		snprintf(b, sizeof(b), "%a", values[i]);
		if (strtod(b, NULL) != values[i])
			return fail("%a printed as \"%s\"", values[i], b);
	}
	return 1;
}

static int printf_floats(void)
{
	char b[160];

	snprintf(b, sizeof(b), "%5.2f %e %g %g %g %.3f %10.4e %G %.0f %a", 3.14159, 123456.789, 0.0001, 1e20,
	         100000.0, -2.0005, 6.02214076e23, 1.5e-10, 2.5, 1.0);
	same("floats", b, " 3.14 1.234568e+05 0.0001 1e+20 100000 -2.001 6.0221e+23 1.5E-10 2 0x1p+0");
	snprintf(b, sizeof(b), "%f %f %f %.1f %.2f", (double)INFINITY, -(double)INFINITY, (double)NAN, 0.05,
	         1.005);
	if (!same("special floats", b, "inf -inf nan 0.1 1.00"))
		return 0;
	return floats_round_trip();
}

/* The same line is read back by tests/qemu/libc.sh. */
static int printf_to_stdout(void)
{
	const char *want =
	        "libctest: printf -42 kestrel beef 18446744073709551615  3.14 1.234568e+05 0.0001\n";
	int n = printf("libctest: printf %d %s %x %llu %5.2f %e %g\n", -42, "kestrel", 0xbeef,
	               18446744073709551615ULL, 3.14159, 123456.789, 0.0001);

	return n == (int)strlen(want) ? 1 : fail("printf returned %d, expected %zu", n, strlen(want));
}

static int snprintf_truncates(void)
{
	char b[8];
	int n = snprintf(b, sizeof(b), "%s-%d", long_text, 12345);

	if (n != 14)
		return fail("returned %d, expected 14", n);
	if (snprintf(NULL, 0, "%d", 123456) != 6)
		return fail("snprintf(NULL, 0) does not measure");
	return same("truncated", b, "abcdefg");
}

static unsigned char pattern(size_t block, size_t i)
{
	return (unsigned char)(block * 131 + i * 7 + (i >> 9));
}

static int filled(const unsigned char *p, size_t block, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != pattern(block, i))
			return fail("block %zu byte %zu is %#x, expected %#x", block, i, p[i],
			            pattern(block, i));
	return 1;
}

static int malloc_many_sizes(void)
{
	static const size_t sizes[] = { 1,       2,       3,     8,     15,    16,      17,
		                        31,      64,      100,   255,   256,   1000,    4095,
		                        4096,    4097,    10000, 65536, 99999, 1 << 20, (1 << 20) + 1,
		                        3 << 20, 5000000, 24 };
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	unsigned char *p[N];
	int ok = 1;

	for (size_t b = 0; b < N; b++) {
		p[b] = malloc(sizes[b]);
		if (!p[b])
			return fail("malloc(%zu) failed: %s", sizes[b], strerror(errno));
		if ((uintptr_t)p[b] % 16)
			return fail("malloc(%zu) = %p is not 16-byte aligned", sizes[b], (void *)p[b]);
		for (size_t i = 0; i < sizes[b]; i++)
			p[b][i] = pattern(b, i);
	}
	/* Every block intact after all were written: none overlaps another. */
	for (size_t b = 0; b < N && ok; b++)
		ok = filled(p[b], b, sizes[b]);
	for (size_t b = 0; b < N; b += 2)
		free(p[b]);
	for (size_t b = 1; b < N && ok; b += 2)
		ok = filled(p[b], b, sizes[b]);
	for (size_t b = 1; b < N; b += 2)
		free(p[b]);
	return ok;
}

static int realloc_keeps_contents(void)
{
	unsigned char *p = malloc(16), *q;
	size_t len = 16;

	if (!p)
		return fail("malloc(16) failed");
	for (size_t i = 0; i < len; i++)
		p[i] = pattern(1, i);
	/* Grow to 2 MiB, each time with a small block in between, so that
	 * realloc has to move the block now and then. */
	while (len < (2 << 20)) {
		void *spacer = malloc(24);

		q = realloc(p, len * 2);
		free(spacer);
		if (!q)
			return fail("realloc to %zu failed", len * 2);
		p = q;
		if (!filled(p, 1, len))
			return 0;
		for (size_t i = len; i < len * 2; i++)
			p[i] = pattern(1, i);
		len *= 2;
	}
	q = realloc(p, 100);
	if (!q)
		return fail("shrinking realloc failed");
	if (!filled(q, 1, 100))
		return 0;
	free(q);
	return 1;
}

static int calloc_zeroes(void)
{
	size_t n = 3 << 20;
	unsigned char *p = malloc(n), *z;

	if (!p)
		return fail("malloc failed");
	memset(p, 0xA5, n);
	free(p);
	z = calloc(n / 8, 8);
	if (!z)
		return fail("calloc failed");
	for (size_t i = 0; i < n; i++)
		if (z[i])
			return fail("calloc'd byte %zu is %#x", i, z[i]);
	free(z);
	if (calloc(huge_count, 4) != NULL)
		return fail("calloc with an overflowing size succeeded");
	return 1;
}

static int malloc_huge_fails(void)
{
	void *p;

	errno = 0;
	p = malloc((size_t)2 << 30); /* more than the 1 GiB heap window */
	if (p)
		return fail("malloc(2 GiB) succeeded");
	return errno == ENOMEM ? 1 : fail("errno %d, expected ENOMEM", errno);
}

/* free() of a large block at the top of the heap hands its pages back to
 * the pool (malloc trims the heap with a negative sbrk). */
static int free_returns_pages(void)
{
	uint64_t before, during, after, free_frames;
	size_t n = 8 << 20;
	unsigned char *p;

	sys_pool_info_out(glue_pool_slot(), &before, &free_frames);
	p = malloc(n);
	if (!p)
		return fail("malloc(8 MiB) failed");
	memset(p, 1, n);
	sys_pool_info_out(glue_pool_slot(), &during, &free_frames);
	free(p);
	sys_pool_info_out(glue_pool_slot(), &after, &free_frames);
	if (before - during < n / 4096)
		return fail("the pool lost %lu pages for 8 MiB", before - during);
	if (before - after > 64)
		return fail("%lu of %lu pages not returned", before - after, before - during);
	return 1;
}

/* A malloc bigger than the pool (but inside the heap's window) fails
 * with ENOMEM and leaves the pool as it found it: the pages mapped while
 * trying go back. The page tables made for them stay with the task (one
 * for every 512 pages; docs/kernel.md, Memory). */
static int failed_malloc_gives_pages_back(void)
{
	uint64_t before, after, free_frames;
	size_t n;
	void *p;

	sys_pool_info_out(glue_pool_slot(), &before, &free_frames);
	n = (before + 1024) * 4096;
	if (n > (900u << 20))
		n = 900u << 20;
	errno = 0;
	p = malloc(n);
	if (p) {
		free(p);
		return fail("malloc(%zu) with %lu pages in the pool succeeded", n, before);
	}
	if (errno != ENOMEM)
		return fail("errno %d, expected ENOMEM", errno);
	sys_pool_info_out(glue_pool_slot(), &after, &free_frames);
	if (before - after > before / 512 + 64)
		return fail("the failed malloc kept %lu of %lu pages", before - after, before);
	p = malloc(64);
	free(p);
	return p ? 1 : fail("malloc(64) failed after a failed malloc");
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int qsort_10000(void)
{
	enum { N = 10000 };
	int *v = malloc(N * sizeof(int));
	long long sum = 0, sum2 = 0;
	uint32_t x = 12345;

	if (!v)
		return fail("malloc failed");
	for (int i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		v[i] = i == 17 ? INT_MIN : i == 42 ? INT_MAX : (int)(x >> 1) - (1 << 30);
		sum += v[i];
	}
	qsort(v, N, sizeof(int), cmp_int);
	for (int i = 0; i < N; i++) {
		sum2 += v[i];
		if (i && v[i - 1] > v[i])
			return fail("v[%d] = %d > v[%d] = %d", i - 1, v[i - 1], i, v[i]);
	}
	if (v[0] != INT_MIN || v[N - 1] != INT_MAX || sum != sum2)
		return fail("ends %d and %d, sum %lld, expected %lld", v[0], v[N - 1], sum2, sum);
	free(v);
	return 1;
}

static int strtol_edges(void)
{
	char *end;
	long v;

	errno = 0;
	if (strtol("2147483647", &end, 10) != 2147483647L || *end)
		return fail("2147483647");
	if (strtol("-9223372036854775808", &end, 10) != LONG_MIN || errno)
		return fail("LONG_MIN");
	v = strtol("9223372036854775808", &end, 10);
	if (v != LONG_MAX || errno != ERANGE)
		return fail("overflow gave %ld, errno %d", v, errno);
	errno = 0;
	v = strtol("-9223372036854775809", &end, 10);
	if (v != LONG_MIN || errno != ERANGE)
		return fail("underflow gave %ld, errno %d", v, errno);
	if (strtol("  -0x1F", &end, 0) != -31 || *end)
		return fail("-0x1F with base 0");
	if (strtol("0755", &end, 0) != 493)
		return fail("0755 with base 0");
	if (strtol("12abc", &end, 10) != 12 || strcmp(end, "abc"))
		return fail("12abc stops at \"%s\"", end);
	if (strtol("zz", &end, 36) != 1295)
		return fail("zz in base 36");
	v = strtol("xyz", &end, 10);
	if (v != 0 || strcmp(end, "xyz"))
		return fail("no digits: %ld, end \"%s\"", v, end);
	return 1;
}

static int strtoul_edges(void)
{
	char *end;
	unsigned long v;

	errno = 0;
	if (strtoul("18446744073709551615", &end, 10) != ULONG_MAX || errno)
		return fail("ULONG_MAX");
	v = strtoul("18446744073709551616", &end, 10);
	if (v != ULONG_MAX || errno != ERANGE)
		return fail("overflow gave %lu, errno %d", v, errno);
	errno = 0;
	if (strtoul("-1", &end, 10) != ULONG_MAX || errno)
		return fail("-1 is not ULONG_MAX");
	if (strtoul("0b101", &end, 0) != 0 || strcmp(end, "b101"))
		return fail("0b101 is not octal 0 then \"b101\"");
	if (strtoull("0xFFFFFFFFFFFFFFFF", &end, 16) != ULLONG_MAX)
		return fail("strtoull 0xFFFFFFFFFFFFFFFF");
	return 1;
}

static int strtod_edges(void)
{
	char *end;
	double d;

	errno = 0;
	if (strtod("3.5e2", &end) != 350.0 || *end)
		return fail("3.5e2");
	if (strtod("0x1p-2", &end) != 0.25)
		return fail("0x1p-2");
	if (strtod("  -1.5xyz", &end) != -1.5 || strcmp(end, "xyz"))
		return fail("-1.5xyz stops at \"%s\"", end);
	d = strtod("1e400", &end);
	if (d != HUGE_VAL || errno != ERANGE)
		return fail("1e400 gave %g, errno %d", d, errno);
	errno = 0;
	d = strtod("1e-400", &end);
	if (d != 0.0 || errno != ERANGE)
		return fail("1e-400 gave %g, errno %d", d, errno);
	if (!isinf(strtod("-inf", &end)) || !isnan(strtod("nan", &end)))
		return fail("inf or nan");
	d = strtod("-0.0", &end);
	if (d != 0.0 || !signbit(d))
		return fail("-0.0 lost its sign");
	if (strtod("0.1", &end) != 0.1 || strtod("2.2250738585072014e-308", &end) != 2.2250738585072014e-308)
		return fail("not correctly rounded");
	if (strtof("3.4028235e38", &end) != 3.4028235e38f)
		return fail("strtof FLT_MAX");
	return 1;
}

static int libm_works(void)
{
	char b[128];

	snprintf(b, sizeof(b), "%.15f %.15f %.15f %.15f %.6f", sqrt(2.0), sin(0.5), exp(1.0),
	         atan2(1.0, 1.0) * 4, pow(2.0, 0.5) * log10(1000.0));
	return same("libm", b,
	            "1.414213562373095 0.479425538604203 2.718281828459045 3.141592653589793 4.242641");
}

static int open_fails_enosys(void)
{
	FILE *f;

	errno = 0;
	if (open("/etc/motd", O_RDONLY) != -1 || errno != ENOSYS)
		return fail("open: errno %d, expected ENOSYS", errno);
	errno = 0;
	f = fopen("/etc/motd", "r");
	if (f || errno != ENOSYS)
		return fail("fopen: %p, errno %d", (void *)f, errno);
	return 1;
}

static int descriptors(void)
{
	struct stat st;
	char c;

	errno = 0;
	if (write(5, "x", 1) != -1 || errno != EBADF)
		return fail("write(5): errno %d, expected EBADF", errno);
	/* Without the console server, input is at end of file; with it, a
	 * read waits for a typed line (tests/qemu/shell.sh types at it). */
	if (!server_self() && read(0, &c, 1) != 0)
		return fail("read(0) is not end of file");
	if (!server_self() && (getchar() != EOF || !feof(stdin)))
		return fail("getchar() is not EOF");
	if (fstat(1, &st) != 0 || !S_ISCHR(st.st_mode))
		return fail("fstat(1) is not a character device");
	errno = 0;
	if (lseek(1, 0, SEEK_SET) != -1 || errno != ESPIPE)
		return fail("lseek(1): errno %d, expected ESPIPE", errno);
	if (write(2, "", 0) != 0)
		return fail("write(2, \"\", 0)");
	return 1;
}

/* The descriptor table: dup shares the console, close ends only that
 * descriptor, the lowest free one is taken, and the table has an end. */
static int descriptor_table(void)
{
	int fds[FD_MAX], n = 0, d;

	errno = 0;
	if ((d = dup(1)) != 3 || write(d, "", 0) != 0 || !isatty(d))
		return fail("dup(1) = %d, errno %d", d, errno);
	if (close(d) != 0 || write(d, "x", 1) != -1 || errno != EBADF)
		return fail("descriptor %d still writes after close", d);
	if (close(d) != -1 || errno != EBADF)
		return fail("second close of %d: errno %d", d, errno);
	if (dup2(2, 40) != 40 || !isatty(40) || dup2(40, 40) != 40 || close(40) != 0)
		return fail("dup2(2, 40): errno %d", errno);
	if (dup2(2, FD_MAX) != -1 || errno != EBADF || dup(-1) != -1 || errno != EBADF)
		return fail("dup2 past the table: errno %d", errno);
	if ((d = fcntl(1, F_DUPFD, 20)) != 20 || close(20) != 0)
		return fail("fcntl(1, F_DUPFD, 20) = %d", d);
	while ((d = dup(0)) >= 0)
		fds[n++] = d;
	if (errno != EMFILE || n != FD_MAX - 3)
		return fail("dup until full: %d more, errno %d", n, errno);
	while (n)
		close(fds[--n]);
	if ((d = dup(0)) != 3 || close(d) != 0)
		return fail("after closing them all, dup(0) = %d", d);
	/* Stdout through a descriptor made by dup2 over it. */
	if ((d = dup(1)) < 0 || close(1) != 0 || dup2(d, 1) != 1 || close(d) != 0)
		return fail("stdout moved: errno %d", errno);
	if (write(1, "", 0) != 0)
		return fail("stdout after dup2");
	return 1;
}

static int isatty_console(void)
{
	if (isatty(0) != 1 || isatty(1) != 1 || isatty(2) != 1)
		return fail("isatty(0..2) = %d %d %d", isatty(0), isatty(1), isatty(2));
	errno = 0;
	if (isatty(7) != 0 || errno != EBADF)
		return fail("isatty(7): errno %d", errno);
	return 1;
}

static int getpid_and_kill(void)
{
	pid_t me = getpid();

	if (me <= 0)
		return fail("getpid() = %d", (int)me);
	if (kill(me, 0) != 0)
		return fail("kill(getpid(), 0) failed: %s", strerror(errno));
	errno = 0;
	if (kill(me + 1000, SIGTERM) != -1 || errno != ESRCH)
		return fail("kill(other, SIGTERM): errno %d, expected ESRCH", errno);
	return 1;
}

static int time_advances(void)
{
	struct timeval t0, t1;
	clock_t c0 = clock(), c1;
	volatile double x = 1.0;
	long waited_us;

	gettimeofday(&t0, NULL);
	do {
		for (int i = 0; i < 10000; i++)
			x = x * 1.0000001 + 1e-9;
		gettimeofday(&t1, NULL);
		waited_us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_usec - t0.tv_usec);
	} while (waited_us < 20000 && waited_us >= 0);
	c1 = clock();
	if (waited_us < 20000)
		return fail("gettimeofday went back: %ld us", waited_us);
	if (c1 - c0 < 20 * CLOCKS_PER_SEC / 1000)
		return fail("clock() advanced %ld ticks in %ld us", (long)(c1 - c0), waited_us);
	if (time(NULL) != t1.tv_sec && time(NULL) != t1.tv_sec + 1)
		return fail("time() is %lld, gettimeofday %lld", (long long)time(NULL), (long long)t1.tv_sec);
	return 1;
}

/* The time of day. Under the supervisor the manifest gives libctest the
 * time service: every way of reading it agrees, in a year from 2024 on.
 * As the first task there is none: CLOCK_REALTIME fails with ENODEV, and
 * time() counts the seconds since boot. */
static int time_of_day(void)
{
	struct timespec ts, res;
	struct timeval tv;
	struct tm utc, local;
	char text[32];
	uint64_t ms;
	time_t t;

	errno = 0;
	if (!server_self()) {
		if (clock_gettime(CLOCK_REALTIME, &ts) != -1 || errno != ENODEV)
			return fail("clock_gettime(CLOCK_REALTIME) without the service: errno %d", errno);
		errno = 0;
		if (clock_getres(CLOCK_REALTIME, &res) != -1 || errno != ENODEV)
			return fail("clock_getres(CLOCK_REALTIME) without the service: errno %d", errno);
		t = time(NULL);
		ms = sys_clock_ms();
		if (t > (time_t)(ms / 1000) || t + 1 < (time_t)(ms / 1000))
			return fail("time() is %lld, %llu ms since boot", (long long)t,
			            (unsigned long long)ms);
		return 1;
	}
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return fail("clock_gettime(CLOCK_REALTIME): %s", strerror(errno));
	gettimeofday(&tv, NULL);
	t = time(NULL);
	if (tv.tv_sec < ts.tv_sec || tv.tv_sec > ts.tv_sec + 1 || t < tv.tv_sec || t > tv.tv_sec + 1)
		return fail("clock_gettime %lld, gettimeofday %lld, time %lld", (long long)ts.tv_sec,
		            (long long)tv.tv_sec, (long long)t);
	if (ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return fail("fractions out of range: %ld ns, %ld us", ts.tv_nsec, (long)tv.tv_usec);
	if (!gmtime_r(&t, &utc) || utc.tm_year + 1900 < 2024)
		return fail("the year is %d", utc.tm_year + 1900);
	if (!localtime_r(&t, &local) || memcmp(&utc, &local, sizeof(utc)) != 0)
		return fail("localtime is not UTC without TZ");
	if (strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &local) != 19)
		return fail("strftime gave '%s'", text);
	printf("# the time of day: %s UTC\n", text);
	if (clock_getres(CLOCK_REALTIME, &res) != 0 || res.tv_sec != 0 || res.tv_nsec != 1)
		return fail("clock_getres(CLOCK_REALTIME): %ld ns", res.tv_nsec);
	return 1;
}

/* CLOCK_MONOTONIC is the kernel clock; the time of day moves with it and
 * never goes back. Other clocks are EINVAL. */
static int clocks_move_together(void)
{
	struct timespec a, b, res;
	uint64_t m0 = sys_clock_ms(), m1, mono_ns, real_ns;
	long long prev = 0;

	if (clock_gettime(CLOCK_MONOTONIC, &a) != 0)
		return fail("clock_gettime(CLOCK_MONOTONIC): %s", strerror(errno));
	m1 = sys_clock_ms();
	if (a.tv_sec * 1000 + a.tv_nsec / 1000000 < (long long)m0 ||
	    a.tv_sec * 1000 + a.tv_nsec / 1000000 > (long long)m1)
		return fail("CLOCK_MONOTONIC %lld.%09ld s, kernel clock %llu-%llu ms", (long long)a.tv_sec,
		            a.tv_nsec, (unsigned long long)m0, (unsigned long long)m1);
	if (clock_getres(CLOCK_MONOTONIC, &res) != 0 || res.tv_sec != 0 || res.tv_nsec != 1000000)
		return fail("clock_getres(CLOCK_MONOTONIC): %ld ns", res.tv_nsec);
	errno = 0;
	if (clock_gettime(99, &a) != -1 || errno != EINVAL)
		return fail("clock_gettime(99): errno %d, expected EINVAL", errno);
	errno = 0;
	if (clock_getres(99, &res) != -1 || errno != EINVAL)
		return fail("clock_getres(99): errno %d, expected EINVAL", errno);
	if (!server_self())
		return 1;
	for (int i = 0; i < 200; i++) {
		long long ns;

		clock_gettime(CLOCK_REALTIME, &a);
		ns = a.tv_sec * 1000000000LL + a.tv_nsec;
		if (ns < prev)
			return fail("the time of day went back by %lld ns", prev - ns);
		prev = ns;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_REALTIME, &b);
	mono_ns = (uint64_t)a.tv_sec * 1000000000ULL + (uint64_t)a.tv_nsec;
	real_ns = (uint64_t)b.tv_sec * 1000000000ULL + (uint64_t)b.tv_nsec;
	for (m0 = sys_clock_ms(); sys_clock_ms() - m0 < 20;)
		;
	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_REALTIME, &b);
	mono_ns = (uint64_t)a.tv_sec * 1000000000ULL + (uint64_t)a.tv_nsec - mono_ns;
	real_ns = (uint64_t)b.tv_sec * 1000000000ULL + (uint64_t)b.tv_nsec - real_ns;
	/* Both count the kernel clock's milliseconds: one apart at most, and
	 * one more for where in its millisecond each reading fell. */
	if (real_ns + 2000000 < mono_ns || real_ns > mono_ns + 2000000)
		return fail("in %llu ns of CLOCK_MONOTONIC the time of day moved %llu ns",
		            (unsigned long long)mono_ns, (unsigned long long)real_ns);
	return 1;
}

/* Two threads format floating-point numbers at once, each with its own
 * thread-local storage (errno, the formatter's state) and its own FPU
 * registers; both check every result against a table made beforehand by
 * one thread. */
#define FP_VALUES 64
#define FP_ROUNDS 40
static char fp_expected[FP_VALUES][64];

static double fp_value(int i)
{
	return (i % 2 ? -1 : 1) * pow(10.0, i % 37 - 18) * (1.0 + i / 7.0) + sqrt((double)i);
}

static void fp_format(char *b, size_t n, int i)
{
	double v = fp_value(i);

	snprintf(b, n, "%.17g %e %.3f", v, v / 3, v * 1e-3);
}

/* Returns the number of mismatches. */
static long fp_run(uint64_t who)
{
	char b[64];
	long bad = 0;

	for (int r = 0; r < FP_ROUNDS; r++) {
		for (int i = 0; i < FP_VALUES; i++) {
			fp_format(b, sizeof(b), i);
			if (strcmp(b, fp_expected[i])) {
				if (!bad)
					printf("# %s thread: \"%s\", expected \"%s\"\n",
					       who ? "second" : "first", b, fp_expected[i]);
				bad++;
			}
		}
		if (r % 10 == 0)
			printf("# %s thread: round %d, %.4f\n", who ? "second" : "first", r, sqrt(r + 0.5));
	}
	return bad;
}

static int second_errno, second_tls_differs;
static int *first_errno_at;

static long second_thread(uint64_t arg)
{
	long bad;

	(void)arg;
	errno = EDOM; /* the first thread's errno must not see this */
	second_tls_differs = &errno != first_errno_at && uthread_self()->ut_libc != 0;
	bad = fp_run(1);
	second_errno = errno;
	return bad;
}

/* Waits for the thread's FAULT_EXIT on its fault endpoint. */
static int join(uint64_t ep, long *status)
{
	struct msg m;
	long e = ipc_recv(ep, 30000, &m);

	if (e != E_OK)
		return fail("no word from the second thread: error %ld", e);
	if (msg_label(&m) != KMSG_FAULT || m.w[FAULT_W_KIND] != FAULT_EXIT)
		return fail("the second thread faulted: kind %lu at %#lx (address %#lx)", m.w[FAULT_W_KIND],
		            m.w[FAULT_W_IP], m.w[FAULT_W_ADDR]);
	*status = (long)m.w[FAULT_W_CODE];
	return 1;
}

/* Runs fn(arg) in a thread of our priority and waits for its end: 1 with
 * its exit status in *status, or 0 with the reason recorded. */
static int run_in_thread(long (*fn)(uint64_t), uint64_t arg, long *status)
{
	uint64_t ep = slot_alloc();
	struct uthread_info ui;
	int ok;

	if (ep == CAP_NULL || sys_endpoint_create(glue_pool_slot(), ep) != E_OK)
		return fail("cannot make the fault endpoint");
	if (uthread_create(fn, arg, own_priority(), ep, glue_pool_slot(), &ui) != E_OK) {
		sys_cap_delete(ep);
		slot_free(ep);
		return fail("uthread_create failed");
	}
	ok = join(ep, status);
	sys_obj_destroy(ui.ui_slot);
	sys_cap_delete(ui.ui_slot);
	slot_free(ui.ui_slot);
	sys_cap_delete(ep);
	slot_free(ep);
	return ok;
}

static int threads_format_floats(void)
{
	uint64_t ep = slot_alloc();
	struct uthread_info ui;
	long e, mine, theirs = -1;

	for (int i = 0; i < FP_VALUES; i++)
		fp_format(fp_expected[i], sizeof(fp_expected[i]), i);
	if (ep == CAP_NULL || sys_endpoint_create(glue_pool_slot(), ep) != E_OK)
		return fail("cannot make the fault endpoint");
	first_errno_at = &errno;
	e = uthread_create(second_thread, 0, own_priority(), ep, glue_pool_slot(), &ui);
	if (e != E_OK)
		return fail("uthread_create: error %ld", e);
	errno = 0;
	mine = fp_run(0);
	if (!join(ep, &theirs))
		return 0;
	sys_obj_destroy(ui.ui_slot);
	sys_cap_delete(ui.ui_slot);
	slot_free(ui.ui_slot);
	sys_cap_delete(ep);
	slot_free(ep);
	if (mine || theirs)
		return fail("%ld mismatches here, %ld in the second thread", mine, theirs);
	if (errno != 0 || second_errno != EDOM)
		return fail("errno is shared: here %d, there %d", errno, second_errno);
	return second_tls_differs ? 1 : fail("the second thread used the first one's errno");
}

/* A lock held by a thread of lower priority: the waiter of higher
 * priority must sleep, not spin, or the holder never runs to give it back
 * (a waiter that only yields lets nothing of lower priority run). The
 * low thread takes stdout's lock, wakes the high one (which preempts it
 * and blocks in printf), works for 20 ms and lets go. */
static volatile int low_released, high_saw_release;

/* Keeps the CPU for ms milliseconds (a lower-priority thread's work). */
static void spin_ms(uint64_t ms)
{
	for (uint64_t t0 = sys_clock_ms(); sys_clock_ms() - t0 < ms;)
		;
}

static long high_printer(uint64_t go)
{
	struct msg m;

	if (ipc_recv(go, 10000, &m) != E_OK)
		return 2;
	printf("# high-priority thread: printing through stdout, which a lower one holds\n");
	high_saw_release = low_released;
	return 0;
}

static long low_holder(uint64_t go)
{
	struct msg m;

	flockfile(stdout);
	msg_init(&m, 0, 0);
	if (ipc_nbsend(go, &m) != E_OK) {
		funlockfile(stdout);
		return 2;
	}
	spin_ms(20);
	low_released = 1;
	funlockfile(stdout);
	return 0;
}

static int lock_wait_lets_lower_priority_run(void)
{
	uint64_t ep = slot_alloc(), go = slot_alloc();
	unsigned prio = own_priority();
	struct uthread_info hi, lo;
	long s1 = -1, s2 = -1;
	int ok;

	if (prio < 20 || ep == CAP_NULL || go == CAP_NULL ||
	    sys_endpoint_create(glue_pool_slot(), ep) != E_OK ||
	    sys_endpoint_create(glue_pool_slot(), go) != E_OK)
		return fail("cannot make the endpoints (priority %u)", prio);
	if (uthread_create(high_printer, go, prio - 5, ep, glue_pool_slot(), &hi) != E_OK ||
	    uthread_create(low_holder, go, prio - 10, ep, glue_pool_slot(), &lo) != E_OK)
		return fail("uthread_create failed");
	ok = join(ep, &s1) && join(ep, &s2);
	sys_obj_destroy(hi.ui_slot);
	sys_obj_destroy(lo.ui_slot);
	sys_cap_delete(hi.ui_slot);
	sys_cap_delete(lo.ui_slot);
	slot_free(hi.ui_slot);
	slot_free(lo.ui_slot);
	sys_obj_destroy(go);
	sys_obj_destroy(ep);
	slot_free(go);
	slot_free(ep);
	if (!ok)
		return 0;
	if (s1 || s2)
		return fail("the threads ended with %ld and %ld", s1, s2);
	return high_saw_release ? 1 : fail("the high-priority thread printed while the low one held stdout");
}

/* A server thread that waits for a lock while it owes a caller an
 * answer: the wait receives on the park endpoint, which would drop the
 * call; the glue puts its reply capability aside first, and ipc_reply
 * answers through it. */
static volatile long owed_reply = -12345;

static long owing_server(uint64_t srv)
{
	struct msg m;

	if (ipc_recv(srv, 10000, &m) != E_OK)
		return 2;
	printf("# a server thread prints while it owes an answer and stdout is held\n");
	msg_init(&m, 0, 1);
	m.w[0] = 4242;
	owed_reply = ipc_reply(&m);
	return 0;
}

/* The same, but the server thread then ends without answering: its
 * caller hears E_NO_REPLY, not nothing for ever. */
static long silent_server(uint64_t srv)
{
	struct msg m;

	if (ipc_recv(srv, 10000, &m) != E_OK)
		return 2;
	printf("# a server thread prints while it owes an answer, then ends without one\n");
	return 0;
}

static long stdout_holder(uint64_t held)
{
	struct msg m;

	flockfile(stdout);
	msg_init(&m, 0, 0);
	ipc_send(held, &m); /* the first thread waits for this */
	spin_ms(20);        /* hold stdout meanwhile */
	funlockfile(stdout);
	return 0;
}

static int owed_call(long (*server)(uint64_t), long *answer, uint64_t *word);

static int lock_wait_keeps_the_call_owed(void)
{
	long e;
	uint64_t w;

	if (!owed_call(owing_server, &e, &w))
		return 0;
	if (e != E_OK || w != 4242)
		return fail("the call returned %ld with %lu (the server's reply: %ld)", e, w, owed_reply);
	return 1;
}

static int caller_hears_when_the_owing_server_ends(void)
{
	long e;
	uint64_t w;

	if (!owed_call(silent_server, &e, &w))
		return 0;
	return e == E_NO_REPLY ? 1 : fail("the call returned %ld, expected E_NO_REPLY", e);
}

/* Calls a server thread (server) while a third thread holds stdout, so
 * that the server waits for it while it owes the call. */
static int owed_call(long (*server)(uint64_t), long *answer, uint64_t *word)
{
	uint64_t ep = slot_alloc(), srv = slot_alloc(), held = slot_alloc();
	unsigned prio = own_priority();
	struct uthread_info s, h;
	long s1 = -1, s2 = -1, e;
	struct msg m;
	int ok;

	if (sys_endpoint_create(glue_pool_slot(), ep) != E_OK ||
	    sys_endpoint_create(glue_pool_slot(), srv) != E_OK ||
	    sys_endpoint_create(glue_pool_slot(), held) != E_OK)
		return fail("cannot make the endpoints");
	if (uthread_create(server, srv, prio - 5, ep, glue_pool_slot(), &s) != E_OK ||
	    uthread_create(stdout_holder, held, prio - 10, ep, glue_pool_slot(), &h) != E_OK)
		return fail("uthread_create failed");
	if (ipc_recv(held, 5000, &m) != E_OK)
		return fail("the holder did not take stdout");
	msg_init(&m, 1, 1);
	m.w[0] = 0;
	e = ipc_call(srv, &m);
	*answer = e;
	*word = m.w[0];
	ok = join(ep, &s1) && join(ep, &s2);
	sys_obj_destroy(s.ui_slot);
	sys_obj_destroy(h.ui_slot);
	sys_cap_delete(s.ui_slot);
	sys_cap_delete(h.ui_slot);
	slot_free(s.ui_slot);
	slot_free(h.ui_slot);
	sys_obj_destroy(ep);
	sys_obj_destroy(srv);
	sys_obj_destroy(held);
	slot_free(ep);
	slot_free(srv);
	slot_free(held);
	if (!ok)
		return 0;
	return s1 || s2 ? fail("the threads ended with %ld and %ld", s1, s2) : 1;
}

/* A realloc past INT_MAX fails with ENOMEM and leaves the library lock
 * free (picolibc's kept it): another thread can still malloc. */
static long malloc_in_a_thread(uint64_t arg)
{
	void *p = malloc(100);

	(void)arg;
	free(p);
	return p ? 0 : 1;
}

static int huge_realloc_leaves_malloc_working(void)
{
	long status = -1;
	char *p = malloc(16), *q;

	if (!p)
		return fail("malloc(16) failed");
	errno = 0;
	q = realloc(p, (size_t)3 << 30);
	if (q || errno != ENOMEM)
		return fail("realloc(p, 3 GiB) gave %p, errno %d", (void *)q, errno);
	free(p);
	if (!run_in_thread(malloc_in_a_thread, 0, &status))
		return 0;
	return status == 0 ? 1 : fail("the other thread's malloc: status %ld", status);
}

/* Thread-local variables of the program's own, no more than 4-byte
 * aligned (as errno is): each thread starts with their initial values. A
 * thread pointer placed by other rules than the linker's %fs offsets
 * showed 0 for tls_five (user.ld's .tbss alignment). */
static __thread int tls_five = 5;
static __thread int tls_zero;

static long tls_values_of_a_thread(uint64_t arg)
{
	(void)arg;
	return tls_five == 5 && tls_zero == 0 ? 0 : 1000 + tls_five;
}

static int thread_locals_start_with_their_values(void)
{
	long status = -1;

	if (tls_five != 5 || tls_zero != 0)
		return fail("first thread: tls_five %d, tls_zero %d", tls_five, tls_zero);
	tls_five = 6;
	if (!run_in_thread(tls_values_of_a_thread, 0, &status))
		return 0;
	if (status)
		return fail("second thread: tls_five %ld", status - 1000);
	return tls_five == 6 ? 1 : fail("the first thread's tls_five changed to %d", tls_five);
}

/* kill() of our own pid is raise(): a handler runs and the program goes
 * on, SIG_IGN ignores the signal (SIG_DFL ends it: exit_statuses). */
static volatile int handled;

static void on_usr1(int sig)
{
	handled = sig;
}

static int kill_self_runs_the_handler(void)
{
	if (signal(SIGUSR1, on_usr1) == SIG_ERR)
		return fail("signal() refused SIGUSR1");
	if (kill(getpid(), SIGUSR1) != 0 || handled != SIGUSR1)
		return fail("kill(getpid(), SIGUSR1): handler saw %d", handled);
	signal(SIGUSR2, SIG_IGN);
	if (kill(getpid(), SIGUSR2) != 0 || raise(SIGUSR2) != 0)
		return fail("an ignored signal was not ignored");
	signal(SIGUSR2, SIG_DFL);
	/* SIGKILL and SIGSTOP cannot be blocked. */
	sigset_t all, now;
	sigfillset(&all);
	if (sigprocmask(SIG_BLOCK, &all, NULL) || sigprocmask(SIG_SETMASK, NULL, &now) ||
	    sigismember(&now, SIGKILL) || sigismember(&now, SIGSTOP) || !sigismember(&now, SIGUSR1))
		return fail("sigprocmask blocked SIGKILL or SIGSTOP, or not SIGUSR1");
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	/* Ignored by default: nothing happens. */
	if (raise(SIGCHLD) != 0 || kill(getpid(), SIGURG) != 0 || raise(SIGWINCH) != 0)
		return fail("a signal ignored by default was not ignored");
	return 1;
}

/* fflush(NULL) flushes every output stream; picolibc's own faulted. */
static int fflush_null_flushes_everything(void)
{
	printf("# fflush(NULL) flushes this line");
	if (fflush(NULL) != 0)
		return fail("fflush(NULL) failed");
	printf("\n");
	return fflush(stdout) == 0 ? 1 : fail("fflush(stdout) failed");
}

/* How a program ends, as its fault endpoint hears it: each runs in a thread
 * of its own, whose exit status join() reads. exit() itself is not tried:
 * it would run finish(). */
static long ends_with_exit_7(uint64_t arg)
{
	(void)arg;
	_exit(7);
}

static long ends_with_sigterm(uint64_t arg)
{
	(void)arg;
	kill(getpid(), SIGTERM);
	return 1;
}

static long ends_with_abort(uint64_t arg)
{
	(void)arg;
	abort();
}

static long ends_with_abort_though_ignored(uint64_t arg)
{
	(void)arg;
	signal(SIGABRT, SIG_IGN);
	abort();
}

static int exit_statuses(void)
{
	static long (*const fns[])(uint64_t) = { ends_with_exit_7, ends_with_sigterm, ends_with_abort,
		                                 ends_with_abort_though_ignored };
	static const long want[] = { 7, 128 + SIGTERM, 128 + SIGABRT, 128 + SIGABRT };
	int ok = 1;

	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]) && ok; i++) {
		long status = -1;

		ok = run_in_thread(fns[i], 0, &status);
		if (ok && status != want[i])
			ok = fail("thread %u ended with %ld, expected %ld", i, status, want[i]);
	}
	signal(SIGABRT, SIG_DFL); /* the last thread ignored it */
	return ok;
}

/* atexit handlers run in the reverse order of their registration, after
 * main returns; finish(), registered first, runs last and checks. */
static char exit_order[8];

static void at_exit_first(void)
{
	strcat(exit_order, "1");
}

static void at_exit_second(void)
{
	strcat(exit_order, "2");
}

static int atexit_handlers_ran(void)
{
	return same("atexit order", exit_order, "21");
}

static void finish(void)
{
	check("atexit_handlers_run_in_reverse_order", atexit_handlers_ran);
	printf("1..%u\n", tests_run);
	printf("libctest: %u passed, %u failed\n", tests_run - tests_failed, tests_failed);
	fflush(stdout);
	outl(QEMU_EXIT_PORT, tests_failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
}

int main(void)
{
	printf("# libctest: picolibc %s, pid %d, start argument %#lx\n", __PICOLIBC_VERSION__, (int)getpid(),
	       glue_start_arg());
	atexit(finish);
	if (atexit(at_exit_first) || atexit(at_exit_second))
		printf("# atexit refused a handler\n");
	check("constructor_ran", constructor_ran);
	check("printf_integers", printf_integers);
	check("printf_floats", printf_floats);
	check("printf_to_stdout", printf_to_stdout);
	check("snprintf_truncates", snprintf_truncates);
	check("malloc_many_sizes", malloc_many_sizes);
	check("realloc_keeps_contents", realloc_keeps_contents);
	check("calloc_zeroes", calloc_zeroes);
	check("malloc_huge_fails_with_enomem", malloc_huge_fails);
	check("free_returns_pages_to_the_pool", free_returns_pages);
	check("failed_malloc_gives_pages_back", failed_malloc_gives_pages_back);
	check("qsort_10000_ints", qsort_10000);
	check("strtol_edges", strtol_edges);
	check("strtoul_edges", strtoul_edges);
	check("strtod_edges", strtod_edges);
	check("libm_works", libm_works);
	check("open_fails_with_enosys", open_fails_enosys);
	check("console_descriptors", descriptors);
	check("descriptor_table", descriptor_table);
	check("isatty_console", isatty_console);
	check("getpid_and_kill", getpid_and_kill);
	check("time_advances", time_advances);
	check("time_of_day", time_of_day);
	check("clocks_move_together", clocks_move_together);
	check("threads_format_floats", threads_format_floats);
	check("thread_locals_start_with_their_values", thread_locals_start_with_their_values);
	check("exit_kill_and_abort_statuses", exit_statuses);
	check("lock_wait_lets_lower_priority_run", lock_wait_lets_lower_priority_run);
	check("lock_wait_keeps_the_call_owed", lock_wait_keeps_the_call_owed);
	check("caller_hears_when_the_owing_server_ends", caller_hears_when_the_owing_server_ends);
	check("kill_self_runs_the_handler", kill_self_runs_the_handler);
	check("huge_realloc_leaves_malloc_working", huge_realloc_leaves_malloc_working);
	check("fflush_null_flushes_everything", fflush_null_flushes_everything);
	return (int)tests_failed;
}

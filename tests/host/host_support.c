/* What the kernel provides to its core files, for the host tests: panic()
 * reports to cmocka, so expect_assert_failure() can check that bad calls do
 * panic; the direct map is whatever buffer a test stands in for physical
 * memory (test_vm.c sets it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "panic.h"
#include "vm.h"

uintptr_t direct_map_offset;

void panic(const char *fmt, ...)
{
	static char msg[256]; /* cmocka prints it after leaving this frame */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mock_assert(0, msg, __FILE__, __LINE__);
	abort(); /* not reached: mock_assert jumps out of the test */
}

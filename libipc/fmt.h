/* The formatter behind printf and snprintf in user programs (console.c).
 * Plain C with no system calls, so the host tests link this same file. The
 * kernel has a smaller one of its own (kernel/printf.c). */
#pragma once

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_putc_fn)(char c, void *arg);

/* Formats fmt into putc. Supports %d %i %u %x %X %o %p %s %c %%, the length
 * modifiers hh h l ll z, field width (or * for an int argument), the flags
 * '-', '0' and '#' (0x for %x), and precision (for %s, the maximum length;
 * for integers, the minimum digits). Returns the number of characters
 * produced. */
int fmt_vformat(fmt_putc_fn putc, void *arg, const char *fmt, va_list ap);

/* Like vsnprintf: writes at most size - 1 characters and a NUL, returns the
 * length the whole output would have had. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

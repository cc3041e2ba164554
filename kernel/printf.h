/* Kernel formatted output. The formatter is plain C with no hardware access,
 * so the host tests link this same file. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

typedef void (*putc_fn)(char c, void *arg);

/* Formats fmt into putc. Supports %d %i %u %x %X %o %p %s %c %%, the length
 * modifiers hh h l ll z, field width, the flags '-', '0' and '#' (0x for %x),
 * and precision (for %s, the
 * maximum length; for integers, the minimum digits). Returns the number of
 * characters produced. */
int kvformat(putc_fn putc, void *arg, const char *fmt, va_list ap);

/* Like snprintf: writes at most size - 1 characters and a NUL, returns the
 * length the whole output would have had. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Prints on the kernel console (console.c). */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

/* Writes n bytes as they are on the kernel console. */
void console_write(const char *buf, size_t n);

/* Kernel formatted output. The formatter is plain C with no hardware access,
 * so the host tests link this same file. User programs have their own
 * (libipc/fmt.h), with everything the kernel does not print. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef void (*putc_fn)(char c, void *arg);

/* Formats fmt into putc. Supports %d %u %x %p %s %%, the length modifiers
 * l ll z, a field width, and the flags '0' and '#' (0x for %x): what the
 * kernel's messages use. Anything else is printed as it stands. Returns the
 * number of characters produced. */
int kvformat(putc_fn putc, void *arg, const char *fmt, va_list ap);

/* Prints on the kernel console (console.c). */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

/* Writes n bytes as they are on the kernel console for who (a task), or
 * formats them (console.c). A line another writer left open is closed
 * first. */
void console_write(const void *who, const char *buf, size_t n);
int kprintf_as(const void *who, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether who's next character starts a line. */
bool console_line_start(const void *who);

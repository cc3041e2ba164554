/* Kernel formatted output. The formatter is plain C with no hardware access,
 * so the host tests link this same file. User programs have their own
 * (libipc/fmt.h), with everything the kernel does not print. */
#pragma once

#include <stdarg.h>
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

/* Writes n bytes as they are on the kernel console. */
void console_write(const char *buf, size_t n);

/* Debug output for user programs: the kernel console through
 * SYS_DEBUG_WRITE, and printf on top of libipc's formatter (fmt.h).
 * Programs that talk to people use the console server instead
 * (servers/shell/). */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/* Writes len bytes as they are, in pieces of at most 4096. (Not
 * console_write: that is the console server's protocol,
 * include/kestrel/proto/console.h.) */
void debug_write(const char *s, size_t len);

/* Formats into one buffer and writes it with one system call when it fits
 * (CONSOLE_LINE bytes), so lines of different threads and tasks do not mix.
 * Returns the length of the formatted text. */
#define CONSOLE_LINE 512
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* The kernel console: kprintf onto the serial port. */
#include <stdbool.h>

#include "arch/x86_64/platform.h"
#include "printf.h"

/* One console for every writer: a line that one writer left open is
 * closed before another writes, so no writer's text ends up on a line that
 * another began. who is the writing task, or NULL for the kernel. */
static const void *line_owner;
static bool line_open;

static void console_putc(char c, void *who)
{
	if (line_open && line_owner != who) {
		serial_putc('\r');
		serial_putc('\n');
	}
	line_owner = who;
	line_open = c != '\n';
	if (c == '\n')
		serial_putc('\r');
	serial_putc(c);
}

bool console_line_start(const void *who)
{
	return !line_open || line_owner != who;
}

void console_write(const void *who, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		console_putc(buf[i], (void *)who);
}

int kprintf_as(const void *who, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvformat(console_putc, (void *)who, fmt, ap);
	va_end(ap);
	return n;
}

int kvprintf(const char *fmt, va_list ap)
{
	return kvformat(console_putc, NULL, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

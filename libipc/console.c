/* printf and friends over fmt_vformat (fmt.c). */
#include "console.h"

#include <stdint.h>

#include "fmt.h"
#include "syscalls.h"

void debug_write(const char *s, size_t len)
{
	while (len) {
		size_t n = len > 4096 ? 4096 : len;

		sys_debug_write((uint64_t)s, n);
		s += n;
		len -= n;
	}
}

struct line_sink {
	char buf[CONSOLE_LINE];
	size_t len;
};

static void line_putc(char c, void *arg)
{
	struct line_sink *l = arg;

	if (l->len == sizeof(l->buf)) {
		debug_write(l->buf, l->len);
		l->len = 0;
	}
	l->buf[l->len++] = c;
}

int vprintf(const char *fmt, va_list ap)
{
	struct line_sink l;
	int n;

	l.len = 0;
	n = fmt_vformat(line_putc, &l, fmt, ap);
	debug_write(l.buf, l.len);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return fmt_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

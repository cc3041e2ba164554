/* The kernel console: kprintf onto the serial port. */
#include "arch/x86_64/platform.h"
#include "printf.h"

static void console_putc(char c, void *arg)
{
	(void)arg;
	if (c == '\n')
		serial_putc('\r');
	serial_putc(c);
}

void console_write(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		console_putc(buf[i], NULL);
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

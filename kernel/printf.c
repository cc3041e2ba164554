/* The kernel's printf formatter: only the conversions its own messages use
 * (printf.h), no allocation, no floating point. User programs format with
 * libipc's fuller one (libipc/fmt.c). */
#include "printf.h"

#include <stdbool.h>
#include <stdint.h>

struct out {
	putc_fn putc;
	void *arg;
	int count;
};

static void emit(struct out *o, char c)
{
	o->putc(c, o->arg);
	o->count++;
}

static void emit_string(struct out *o, const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		emit(o, *s++);
}

/* prefix ("", "-" or "0x") and v's digits, right-aligned in width: zeros
 * pad between the two when zero is set, else spaces before both. */
static void emit_number(struct out *o, uint64_t v, unsigned base, const char *prefix, int width, bool zero)
{
	char digits[24];
	int n = 0, pad;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	pad = width - n;
	for (const char *p = prefix; *p; p++)
		pad--;
	for (; !zero && pad > 0; pad--)
		emit(o, ' ');
	emit_string(o, prefix);
	for (; pad > 0; pad--)
		emit(o, '0');
	while (n)
		emit(o, digits[--n]);
}

/* The next integer argument: an int without a length modifier, else a
 * long (l, z) or a long long (ll). */
static uint64_t next_int(va_list *ap, int longs, bool is_signed)
{
	if (longs >= 2)
		return is_signed ? (uint64_t)va_arg(*ap, long long) : va_arg(*ap, unsigned long long);
	if (longs == 1)
		return is_signed ? (uint64_t)va_arg(*ap, long) : va_arg(*ap, unsigned long);
	return is_signed ? (uint64_t)(int64_t)va_arg(*ap, int) : va_arg(*ap, unsigned);
}

int kvformat(putc_fn putc, void *arg, const char *fmt, va_list ap_in)
{
	struct out o = { putc, arg, 0 };
	va_list ap;

	va_copy(ap, ap_in);
	for (const char *p = fmt; *p; p++) {
		bool alt = false, zero = false;
		int width = 0, longs = 0;
		uint64_t v;

		if (*p != '%') {
			emit(&o, *p);
			continue;
		}
		for (p++; *p == '#' || *p == '0'; p++) {
			alt |= *p == '#';
			zero |= *p == '0';
		}
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		for (; *p == 'l' || *p == 'z'; p++)
			longs++; /* z: size_t, a long here */
		switch (*p) {
		case 'd':
			v = next_int(&ap, longs, true);
			emit_number(&o, (int64_t)v < 0 ? -v : v, 10, (int64_t)v < 0 ? "-" : "", width, zero);
			break;
		case 'u':
			emit_number(&o, next_int(&ap, longs, false), 10, "", width, zero);
			break;
		case 'x':
			emit_number(&o, next_int(&ap, longs, false), 16, alt ? "0x" : "", width, zero);
			break;
		case 'p':
			emit_number(&o, (uintptr_t)va_arg(ap, void *), 16, "0x", width, zero);
			break;
		case 's':
			emit_string(&o, va_arg(ap, const char *));
			break;
		case '%':
			emit(&o, '%');
			break;
		case '\0':
			p--; /* a lone '%' at the end: print nothing more */
			break;
		default: /* unknown conversion: show it rather than guess */
			emit(&o, '%');
			emit(&o, *p);
			break;
		}
	}
	va_end(ap);
	return o.count;
}

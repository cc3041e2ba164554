/* The printf formatter of user programs (printf and snprintf in
 * console.c): no allocation, no floating point. */
#include "fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct fmt_spec {
	bool alt;
	bool left;
	bool zero;
	int width;
	int precision; /* -1: none given */
};

struct out {
	fmt_putc_fn putc;
	void *arg;
	int count;
};

static void emit(struct out *o, char c)
{
	o->putc(c, o->arg);
	o->count++;
}

static void emit_padding(struct out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

static void emit_string(struct out *o, const struct fmt_spec *s, const char *str)
{
	int len = 0;

	if (!str)
		str = "(null)";
	while (str[len] && (s->precision < 0 || len < s->precision))
		len++;
	if (!s->left)
		emit_padding(o, ' ', s->width - len);
	for (int i = 0; i < len; i++)
		emit(o, str[i]);
	if (s->left)
		emit_padding(o, ' ', s->width - len);
}

static void emit_number(struct out *o, const struct fmt_spec *s, uint64_t v, bool negative, unsigned base,
                        bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int n = 0, plen = 0, zeros = 0, pad;

	do {
		buf[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (s->precision == 0 && n == 1 && buf[0] == '0')
		n = 0;
	if (negative)
		prefix = "-";
	while (prefix[plen])
		plen++;
	if (s->precision > n)
		zeros = s->precision - n;
	pad = s->width - n - zeros - plen;
	if (s->zero && !s->left && s->precision < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!s->left)
		emit_padding(o, ' ', pad);
	for (int i = 0; i < plen; i++)
		emit(o, prefix[i]);
	emit_padding(o, '0', zeros);
	while (n)
		emit(o, buf[--n]);
	if (s->left)
		emit_padding(o, ' ', pad);
}

static const char *parse_int(const char *p, int *v)
{
	*v = 0;
	while (*p >= '0' && *p <= '9')
		*v = *v * 10 + (*p++ - '0');
	return p;
}

/* Reads an argument of the size the length modifier names. */
static uint64_t fetch(va_list *ap, int lmod, bool is_signed, bool *negative)
{
	int64_t sv;

	*negative = false;
	if (!is_signed) {
		if (lmod >= 2)
			return va_arg(*ap, unsigned long long);
		if (lmod == 1)
			return va_arg(*ap, unsigned long);
		unsigned v = va_arg(*ap, unsigned);
		return lmod == -1 ? (uint16_t)v : lmod == -2 ? (uint8_t)v : v;
	}
	if (lmod >= 2)
		sv = va_arg(*ap, long long);
	else if (lmod == 1)
		sv = va_arg(*ap, long);
	else {
		int v = va_arg(*ap, int);
		sv = lmod == -1 ? (int16_t)v : lmod == -2 ? (int8_t)v : v;
	}
	if (sv < 0) {
		*negative = true;
		return -(uint64_t)sv;
	}
	return (uint64_t)sv;
}

int fmt_vformat(fmt_putc_fn putc, void *arg, const char *fmt, va_list ap_in)
{
	struct out o = { putc, arg, 0 };
	va_list ap;

	va_copy(ap, ap_in);
	for (const char *p = fmt; *p; p++) {
		struct fmt_spec s = { false, false, false, 0, -1 };
		int lmod = 0; /* -2 hh, -1 h, 0 int, 1 l, 2 ll/z */
		bool negative;
		uint64_t v;

		if (*p != '%') {
			emit(&o, *p);
			continue;
		}
		for (p++; *p == '-' || *p == '0' || *p == '#'; p++) {
			if (*p == '-')
				s.left = true;
			else if (*p == '#')
				s.alt = true;
			else
				s.zero = true;
		}
		if (*p == '*') {
			s.width = va_arg(ap, int);
			if (s.width < 0) {
				s.left = true;
				s.width = -s.width;
			}
			p++;
		} else {
			p = parse_int(p, &s.width);
		}
		if (*p == '.')
			p = parse_int(p + 1, &s.precision);
		for (; *p == 'h'; p++)
			lmod--;
		for (; *p == 'l'; p++)
			lmod++;
		if (*p == 'z') {
			lmod = 1;
			p++;
		}
		switch (*p) {
		case 'd':
		case 'i':
			v = fetch(&ap, lmod, true, &negative);
			emit_number(&o, &s, v, negative, 10, false, "");
			break;
		case 'u':
			v = fetch(&ap, lmod, false, &negative);
			emit_number(&o, &s, v, false, 10, false, "");
			break;
		case 'x':
		case 'X':
			v = fetch(&ap, lmod, false, &negative);
			emit_number(&o, &s, v, false, 16, *p == 'X', s.alt ? (*p == 'X' ? "0X" : "0x") : "");
			break;
		case 'o':
			v = fetch(&ap, lmod, false, &negative);
			emit_number(&o, &s, v, false, 8, false, "");
			break;
		case 'p':
			v = (uintptr_t)va_arg(ap, void *);
			emit_number(&o, &s, v, false, 16, false, "0x");
			break;
		case 's':
			emit_string(&o, &s, va_arg(ap, const char *));
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };
			s.precision = 1;
			emit_string(&o, &s, c);
			break;
		}
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

struct buf_sink {
	char *buf;
	size_t size;
	size_t len;
};

static void buf_putc(char c, void *arg)
{
	struct buf_sink *b = arg;

	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink b = { buf, size, 0 };
	int n = fmt_vformat(buf_putc, &b, fmt, ap);

	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return n;
}

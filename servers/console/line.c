/* The console's line discipline (see line.h). */
#include "line.h"

#define CTRL(c) ((c)&0x1F)
#define DEL     0x7F
#define ESC     0x1B

void line_init(struct line *l)
{
	l->l_edit_len = 0;
	l->l_ready_len = 0;
	l->l_esc = LINE_ESC_NONE;
	l->l_after_cr = false;
	l->l_raw = false;
}

void line_set_raw(struct line *l, bool raw)
{
	if (raw && !l->l_raw) {
		size_t n = l->l_edit_len < LINE_READY_MAX - l->l_ready_len ? l->l_edit_len
		                                                           : LINE_READY_MAX - l->l_ready_len;

		for (size_t i = 0; i < n; i++)
			l->l_ready[l->l_ready_len++] = l->l_edit[i];
		l->l_edit_len = 0;
	}
	l->l_raw = raw;
	l->l_esc = LINE_ESC_NONE;
}

/* Erases n characters (a UTF-8 sequence is one). */
static size_t erase(struct line *l, size_t n, char *echo)
{
	size_t e = 0;

	for (; n && l->l_edit_len; n--) {
		while (l->l_edit_len > 1 && ((unsigned char)l->l_edit[l->l_edit_len - 1] & 0xC0) == 0x80)
			l->l_edit_len--;
		l->l_edit_len--;
		echo[e++] = '\b';
		echo[e++] = ' ';
		echo[e++] = '\b';
	}
	return e;
}

/* Finishes the line being typed, if the ready buffer has room for it. */
static size_t finish(struct line *l, char *echo)
{
	if (l->l_ready_len + l->l_edit_len + 1 > LINE_READY_MAX) {
		echo[0] = '\a';
		return 1;
	}
	for (size_t i = 0; i < l->l_edit_len; i++)
		l->l_ready[l->l_ready_len++] = l->l_edit[i];
	l->l_ready[l->l_ready_len++] = '\n';
	l->l_edit_len = 0;
	echo[0] = '\r';
	echo[1] = '\n';
	return 2;
}

/* Inside an escape sequence: true while c still belongs to it. ESC [
 * takes parameter bytes up to a final byte in 0x40-0x7E; ESC O takes one
 * byte; ESC and any other byte is a two-byte sequence. */
static bool in_escape(struct line *l, char c)
{
	switch (l->l_esc) {
	case LINE_ESC_START:
		l->l_esc = c == '[' ? LINE_ESC_CSI : c == 'O' ? LINE_ESC_SS3 : LINE_ESC_NONE;
		return true;
	case LINE_ESC_CSI:
		if (c < 0x20 || c > 0x3F)
			l->l_esc = LINE_ESC_NONE;
		return true;
	case LINE_ESC_SS3:
		l->l_esc = LINE_ESC_NONE;
		return true;
	case LINE_ESC_NONE:
		break;
	}
	return false;
}

size_t line_feed(struct line *l, char c, char *echo)
{
	bool after_cr = l->l_after_cr;

	if (l->l_raw) {
		if (l->l_ready_len == LINE_READY_MAX) {
			echo[0] = '\a';
			return 1;
		}
		l->l_ready[l->l_ready_len++] = c;
		return 0;
	}
	l->l_after_cr = c == '\r';
	if (in_escape(l, c))
		return 0;
	switch (c) {
	case '\n':
		return after_cr ? 0 : finish(l, echo);
	case '\r':
		return finish(l, echo);
	case '\b':
	case DEL:
		return erase(l, 1, echo);
	case CTRL('U'):
		return erase(l, LINE_EDIT_MAX, echo);
	case CTRL('C'): {
		size_t e = erase(l, LINE_EDIT_MAX, echo);

		echo[e++] = '^';
		echo[e++] = 'C';
		return e + finish(l, echo + e);
	}
	case ESC:
		l->l_esc = LINE_ESC_START;
		return 0;
	case '\t':
		c = ' ';
		break;
	}
	if ((unsigned char)c < 0x20 || c == DEL)
		return 0;
	if (l->l_edit_len == LINE_EDIT_MAX) {
		echo[0] = '\a';
		return 1;
	}
	l->l_edit[l->l_edit_len++] = c;
	echo[0] = c;
	return 1;
}

bool line_valid(const struct line *l)
{
	return l->l_edit_len <= LINE_EDIT_MAX && l->l_ready_len <= LINE_READY_MAX && l->l_esc <= LINE_ESC_SS3;
}

bool line_has_input(const struct line *l)
{
	return l->l_ready_len > 0;
}

size_t line_take(struct line *l, char *dst, size_t max)
{
	size_t n = 0;

	while (n < max && n < l->l_ready_len) {
		dst[n] = l->l_ready[n];
		if (dst[n++] == '\n' && !l->l_raw)
			break;
	}
	for (size_t i = n; i < l->l_ready_len; i++)
		l->l_ready[i - n] = l->l_ready[i];
	l->l_ready_len -= n;
	return n;
}

/* The shell's line editor (see edit.h). */
#include <stdio.h>
#include <string.h>

#include "edit.h"

#define CTRL(c) ((c)&0x1F)
#define DEL     0x7F
#define ESC     0x1B

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };

static bool is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* East Asian wide and fullwidth ranges (Unicode's EastAsianWidth W and F,
 * the blocks that matter at a shell prompt). */
static unsigned cp_width(unsigned long cp)
{
	static const unsigned long wide[][2] = {
		{ 0x1100, 0x115F },   { 0x2E80, 0x303E },   { 0x3041, 0x33FF },   { 0x3400, 0x4DBF },
		{ 0x4E00, 0x9FFF },   { 0xA000, 0xA4CF },   { 0xAC00, 0xD7A3 },   { 0xF900, 0xFAFF },
		{ 0xFE30, 0xFE4F },   { 0xFF00, 0xFF60 },   { 0xFFE0, 0xFFE6 },   { 0x1F300, 0x1F64F },
		{ 0x1F900, 0x1F9FF }, { 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
	};

	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

size_t edit_width(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t w = 0;

	for (size_t i = 0; i < n;) {
		unsigned need = s[i] >= 0xF0 ? 3 : s[i] >= 0xE0 ? 2 : s[i] >= 0xC0 ? 1 : 0;
		unsigned long cp = need == 3 ? s[i] & 0x07u : need == 2 ? s[i] & 0x0Fu : s[i] & 0x1Fu;
		size_t k = 1;

		if (is_cont(s[i])) { /* a stray continuation byte takes no column */
			i++;
			continue;
		}
		for (; need && k <= need && i + k < n && is_cont(s[i + k]); k++)
			cp = cp << 6 | (s[i + k] & 0x3Fu);
		w += need && k == need + 1 ? cp_width(cp) : 1;
		i += need && k == need + 1 ? k : 1;
	}
	return w;
}

static void out(struct edit *e, const char *s, size_t n)
{
	if (n > EDIT_OUT_MAX - e->e_out_len)
		n = EDIT_OUT_MAX - e->e_out_len;
	memcpy(e->e_out + e->e_out_len, s, n);
	e->e_out_len += n;
}

static void outs(struct edit *e, const char *s)
{
	out(e, s, strlen(s));
}

/* ESC [ n X: a cursor move of n (n > 0). */
static void out_move(struct edit *e, size_t n, char dir)
{
	char seq[24];

	if (n)
		out(e, seq, (size_t)snprintf(seq, sizeof(seq), "\x1b[%zu%c", n, dir));
}

/* Draws the prompt and the line again from the prompt's row, and puts the
 * cursor where e_cur says. */
static void refresh(struct edit *e)
{
	size_t plen = edit_width(e->e_prompt, strlen(e->e_prompt));
	size_t total = plen + edit_width(e->e_line, e->e_len);
	size_t at = plen + edit_width(e->e_line, e->e_cur);
	size_t end_row = total / e->e_cols, row = at / e->e_cols;

	out_move(e, e->e_cur_rows, 'A');
	outs(e, "\r");
	outs(e, e->e_prompt);
	out(e, e->e_line, e->e_len);
	outs(e, "\x1b[J");
	/* A line that ends at the right edge leaves the cursor waiting
	 * there: put it at the next row's start, where the count says. */
	if (total && total % e->e_cols == 0)
		outs(e, "\r\n");
	out_move(e, end_row - row, 'A');
	outs(e, "\r");
	out_move(e, at % e->e_cols, 'C');
	e->e_cur_rows = (unsigned)row;
}

/* The columns before the cursor, the prompt's included. */
static size_t cursor_col(const struct edit *e)
{
	return edit_width(e->e_prompt, strlen(e->e_prompt)) + edit_width(e->e_line, e->e_cur);
}

/* The cursor at the end of the line, as a caller that prints next wants. */
static void to_end(struct edit *e)
{
	if (e->e_cur != e->e_len) {
		e->e_cur = e->e_len;
		refresh(e);
	}
}

void edit_history_add(struct edit *e, const char *line)
{
	if (!line[0] || strlen(line) > EDIT_MAX ||
	    (e->e_hist_n && strcmp(e->e_hist[e->e_hist_n - 1], line) == 0))
		return;
	if (e->e_hist_n == EDIT_HISTORY) {
		memmove(e->e_hist[0], e->e_hist[1], sizeof(e->e_hist[0]) * (EDIT_HISTORY - 1));
		e->e_hist_n--;
	}
	strcpy(e->e_hist[e->e_hist_n++], line);
}

void edit_init(struct edit *e, unsigned cols, edit_complete_fn complete, void *ctx)
{
	memset(e, 0, sizeof(*e));
	e->e_cols = cols ? cols : 80;
	e->e_complete = complete;
	e->e_ctx = ctx;
	e->e_prompt = "";
}

void edit_start(struct edit *e, const char *prompt)
{
	e->e_line[0] = '\0';
	e->e_len = e->e_cur = 0;
	e->e_too_long = false;
	e->e_esc = ESC_NONE;
	e->e_browse = e->e_hist_n;
	e->e_prompt = prompt;
	e->e_cur_rows = 0;
	e->e_out_len = 0;
	outs(e, prompt);
}

/* Replaces the line with s, the cursor at its end (history). */
static void set_line(struct edit *e, const char *s)
{
	e->e_len = e->e_cur = strlen(s);
	memcpy(e->e_line, s, e->e_len + 1);
	refresh(e);
}

/* Erases bytes [from, to) of the line and draws the change. */
static void erase(struct edit *e, size_t from, size_t to)
{
	size_t col = cursor_col(e), w = edit_width(e->e_line + from, to - from);

	if (from >= to) {
		outs(e, "\a"); /* nothing there to erase */
		return;
	}
	memmove(e->e_line + from, e->e_line + to, e->e_len - to + 1);
	e->e_len -= to - from;
	/* Erasing at the end of the line, within one row: "\b \b" a column,
	 * as a terminal's own line discipline echoes it. */
	if (to == e->e_cur && e->e_cur == e->e_len + (to - from) && col % e->e_cols >= w) {
		e->e_cur = from;
		for (size_t i = 0; i < w; i++)
			outs(e, "\b \b");
		return;
	}
	if (e->e_cur >= to)
		e->e_cur -= to - from;
	else if (e->e_cur > from)
		e->e_cur = from;
	refresh(e);
}

static size_t prev_char(const struct edit *e, size_t at)
{
	if (at > 0)
		at--;
	while (at > 0 && is_cont((unsigned char)e->e_line[at]))
		at--;
	return at;
}

static size_t next_char(const struct edit *e, size_t at)
{
	if (at < e->e_len)
		at++;
	while (at < e->e_len && is_cont((unsigned char)e->e_line[at]))
		at++;
	return at;
}

/* Whether the bytes before at end a whole character (not a lead byte
 * still waiting for its continuation bytes). */
static bool char_complete(const struct edit *e, size_t at)
{
	size_t lead = prev_char(e, at);
	unsigned char c = (unsigned char)e->e_line[lead];
	size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;

	return at - lead >= need || c < 0x80 || is_cont(c);
}

/* Inserts s[0..n) at the cursor. Typed at the end, the bytes themselves
 * are the echo (so a log of the terminal reads as what was typed). */
static void insert(struct edit *e, const char *s, size_t n)
{
	bool at_end = e->e_cur == e->e_len;

	if (e->e_too_long || n > EDIT_MAX - e->e_len) {
		if (!e->e_too_long)
			outs(e, "\a");
		e->e_too_long = true;
		return;
	}
	memmove(e->e_line + e->e_cur + n, e->e_line + e->e_cur, e->e_len - e->e_cur + 1);
	memcpy(e->e_line + e->e_cur, s, n);
	e->e_len += n;
	e->e_cur += n;
	if (!char_complete(e, e->e_cur))
		return; /* drawn with the rest of its character */
	if (at_end) {
		size_t col = cursor_col(e),
		       w = edit_width(e->e_line + prev_char(e, e->e_cur), e->e_cur - prev_char(e, e->e_cur));

		out(e, e->e_line + prev_char(e, e->e_cur), e->e_cur - prev_char(e, e->e_cur));
		if (col % e->e_cols == 0 || col % e->e_cols < w) {
			refresh(e); /* it reached or crossed the right edge */
			return;
		}
		e->e_cur_rows = (unsigned)(col / e->e_cols);
		return;
	}
	refresh(e);
}

static void history_move(struct edit *e, int dir)
{
	if (dir < 0 && e->e_browse > 0) {
		if (e->e_browse == e->e_hist_n)
			strcpy(e->e_saved, e->e_line);
		set_line(e, e->e_hist[--e->e_browse]);
	} else if (dir > 0 && e->e_browse < e->e_hist_n) {
		e->e_browse++;
		set_line(e, e->e_browse == e->e_hist_n ? e->e_saved : e->e_hist[e->e_browse]);
	} else {
		outs(e, "\a");
	}
}

/* Tab: the matches' common part inserted; none to insert, the matches
 * listed under the line and the line drawn again. */
static void complete(struct edit *e)
{
	struct edit_matches *m = &e->e_matches;
	size_t have, common;

	if (!e->e_complete)
		return;
	m->m_count = 0;
	m->m_start = e->e_cur;
	e->e_complete(e->e_ctx, e->e_line, e->e_cur, m);
	if (m->m_count == 0 || m->m_start > e->e_cur) {
		outs(e, "\a");
		return;
	}
	have = e->e_cur - m->m_start;
	common = strlen(m->m_word[0]);
	for (unsigned i = 1; i < m->m_count; i++) {
		size_t k = 0;

		while (k < common && m->m_word[i][k] == m->m_word[0][k])
			k++;
		common = k;
	}
	while (common > have && is_cont((unsigned char)m->m_word[0][common]))
		common--; /* never half a character */
	if (common > have) {
		insert(e, m->m_word[0] + have, common - have);
		if (m->m_count == 1 && m->m_word[0][common - 1] != '/')
			insert(e, " ", 1);
		return;
	}
	if (m->m_count == 1) {
		if (m->m_word[0][common - 1] != '/')
			insert(e, " ", 1);
		return;
	}
	to_end(e);
	outs(e, "\r\n");
	for (unsigned i = 0; i < m->m_count; i++) {
		outs(e, m->m_word[i]);
		outs(e, i + 1 < m->m_count ? "  " : "\r\n");
	}
	e->e_cur_rows = 0;
	refresh(e);
}

/* The end of an escape sequence: ESC [ params final, or ESC O final. */
static void escape_done(struct edit *e, unsigned char final)
{
	const char *p = e->e_seq;

	switch (final) {
	case 'A':
		history_move(e, -1);
		break;
	case 'B':
		history_move(e, 1);
		break;
	case 'C':
		e->e_cur = next_char(e, e->e_cur);
		refresh(e);
		break;
	case 'D':
		e->e_cur = prev_char(e, e->e_cur);
		refresh(e);
		break;
	case 'H':
		e->e_cur = 0;
		refresh(e);
		break;
	case 'F':
		e->e_cur = e->e_len;
		refresh(e);
		break;
	case '~': /* 1 and 7 Home, 4 and 8 End, 3 Delete */
		if (strcmp(p, "1") == 0 || strcmp(p, "7") == 0)
			escape_done(e, 'H');
		else if (strcmp(p, "4") == 0 || strcmp(p, "8") == 0)
			escape_done(e, 'F');
		else if (strcmp(p, "3") == 0)
			erase(e, e->e_cur, next_char(e, e->e_cur));
		break;
	}
}

/* Inside an escape sequence: true while c belongs to it. */
static bool in_escape(struct edit *e, unsigned char c)
{
	switch (e->e_esc) {
	case ESC_START:
		e->e_seq_len = 0;
		e->e_seq[0] = '\0';
		e->e_esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		return true;
	case ESC_CSI:
		if (c >= 0x20 && c <= 0x3F) { /* parameter and intermediate bytes */
			if (e->e_seq_len + 1 < sizeof(e->e_seq)) {
				e->e_seq[e->e_seq_len++] = (char)c;
				e->e_seq[e->e_seq_len] = '\0';
			}
			return true;
		}
		e->e_esc = ESC_NONE;
		escape_done(e, c);
		return true;
	case ESC_SS3:
		e->e_esc = ESC_NONE;
		escape_done(e, c);
		return true;
	}
	return false;
}

enum edit_result edit_key(struct edit *e, unsigned char c)
{
	size_t from;

	bool after_cr = e->e_after_cr;

	e->e_out_len = 0;
	e->e_after_cr = c == '\r';
	if (in_escape(e, c))
		return EDIT_MORE;
	switch (c) {
	case '\n':
		if (after_cr)
			return EDIT_MORE; /* "\r\n" is one Enter */
		                          /* fall through */
	case '\r':
		to_end(e);
		outs(e, "\r\n");
		if (e->e_too_long)
			return EDIT_TOO_LONG;
		edit_history_add(e, e->e_line);
		return EDIT_LINE;
	case ESC:
		e->e_esc = ESC_START;
		return EDIT_MORE;
	case CTRL('A'):
		escape_done(e, 'H');
		return EDIT_MORE;
	case CTRL('E'):
		escape_done(e, 'F');
		return EDIT_MORE;
	case CTRL('B'):
		escape_done(e, 'D');
		return EDIT_MORE;
	case CTRL('F'):
		escape_done(e, 'C');
		return EDIT_MORE;
	case CTRL('P'):
		history_move(e, -1);
		return EDIT_MORE;
	case CTRL('N'):
		history_move(e, 1);
		return EDIT_MORE;
	case '\b':
	case DEL:
		erase(e, prev_char(e, e->e_cur), e->e_cur);
		return EDIT_MORE;
	case CTRL('D'):
		if (e->e_len == 0) {
			outs(e, "\r\n");
			return EDIT_EOF;
		}
		erase(e, e->e_cur, next_char(e, e->e_cur));
		return EDIT_MORE;
	case CTRL('K'):
		erase(e, e->e_cur, e->e_len);
		return EDIT_MORE;
	case CTRL('U'):
		erase(e, 0, e->e_cur);
		return EDIT_MORE;
	case CTRL('W'):
		from = e->e_cur;
		while (from > 0 && e->e_line[from - 1] == ' ')
			from--;
		while (from > 0 && e->e_line[from - 1] != ' ')
			from--;
		erase(e, from, e->e_cur);
		return EDIT_MORE;
	case CTRL('L'):
		outs(e, "\x1b[H\x1b[2J");
		e->e_cur_rows = 0;
		refresh(e);
		return EDIT_MORE;
	case CTRL('C'):
		to_end(e);
		outs(e, "^C\r\n");
		return EDIT_CANCEL;
	case '\t':
		complete(e);
		return EDIT_MORE;
	}
	if (c < 0x20)
		return EDIT_MORE; /* other control keys: nothing */
	insert(e, (const char *)&c, 1);
	return EDIT_MORE;
}

/* The shell's line editor (servers/shell/edit.c): keys in, the line and
 * what it draws out. A small terminal model replays what the editor drew
 * (text, \r, \n, \b, ESC [ n A/C, ESC [ J) on a screen of cells, so the
 * tests check what a user would see, wrapping included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../servers/shell/edit.h"

#define ROWS 16
#define COLS 20

static struct edit ed;
static char drawn[1 << 16]; /* everything drawn since the line started */
static size_t drawn_len;

/* The terminal: cells of single bytes (UTF-8 bytes of a cell kept as
 * typed, a wide character's second cell marked '*'). */
static char screen[ROWS][COLS * 4 + 1];
static int row, col;

static void term_reset(void)
{
	memset(screen, 0, sizeof(screen));
	row = col = 0;
}

static void term_put(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r') {
			col = 0;
		} else if (c == '\n') {
			row++;
		} else if (c == '\b') {
			if (col > 0)
				col--;
		} else if (c == '\a') {
		} else if (c == 0x1B && i + 1 < n && s[i + 1] == '[') {
			unsigned v = 0;
			size_t k = i + 2;

			while (k < n && s[k] >= '0' && s[k] <= '9')
				v = v * 10 + (unsigned)(s[k++] - '0');
			if (k < n && s[k] == 'A')
				row -= (int)v;
			else if (k < n && s[k] == 'C')
				col += (int)v;
			else if (k < n && s[k] == 'J') {
				memset(screen[row] + col, 0, sizeof(screen[0]) - (size_t)col);
				for (int r = row + 1; r < ROWS; r++)
					memset(screen[r], 0, sizeof(screen[0]));
			} else if (k < n && s[k] == 'H') {
				row = col = 0;
			}
			i = k;
		} else if ((c & 0xC0) == 0x80) {
		} else {
			size_t w = edit_width(s + i, n - i > 4 ? 4 : n - i);

			if (c < 0x80)
				w = 1;
			if (col + (int)w > COLS) {
				row++;
				col = 0;
			}
			screen[row][col] = c < 0x80 ? (char)c : '#';
			if (w == 2)
				screen[row][col + 1] = '*';
			col += (int)w;
		}
		assert_true(row >= 0 && row < ROWS);
	}
}

static void feed(const char *keys)
{
	for (const char *k = keys; *k; k++) {
		(void)edit_key(&ed, (unsigned char)*k);
		memcpy(drawn + drawn_len, ed.e_out, ed.e_out_len);
		drawn_len += ed.e_out_len;
		term_put(ed.e_out, ed.e_out_len);
	}
}

static enum edit_result key(unsigned char k)
{
	enum edit_result r = edit_key(&ed, k);

	term_put(ed.e_out, ed.e_out_len);
	return r;
}

/* The screen's row r as text ('\0' cells as nothing, trailing blanks
 * dropped). */
static const char *line_at(int r)
{
	static char buf[COLS * 4 + 1];
	size_t n = 0;

	for (int c = 0; c < COLS; c++)
		if (screen[r][c])
			buf[n++] = screen[r][c];
	while (n > 0 && buf[n - 1] == ' ') /* what "\b \b" leaves looks empty */
		n--;
	buf[n] = '\0';
	return buf;
}

static void start(void)
{
	edit_start(&ed, "> ");
	drawn_len = 0;
	term_reset();
	term_put(ed.e_out, ed.e_out_len);
}

static int setup(void **state)
{
	(void)state;
	edit_init(&ed, COLS, NULL, NULL);
	start();
	return 0;
}

static void typing_echoes_exactly_what_was_typed(void **state)
{
	(void)state;
	feed("hello add 5");
	assert_string_equal(ed.e_line, "hello add 5");
	assert_int_equal(drawn_len, 11);
	assert_memory_equal(drawn, "hello add 5", 11);
	assert_int_equal(key('\r'), EDIT_LINE);
	assert_string_equal(ed.e_line, "hello add 5");
	assert_string_equal(line_at(0), "> hello add 5");
}

static void cursor_keys_edit_in_the_middle(void **state)
{
	(void)state;
	feed("helo");
	feed("\x1b[D"); /* Left */
	feed("l");      /* hel|lo */
	feed("\x01"
	     "X"); /* Ctrl-A: at the start */
	feed("\x05"
	     "Y");             /* Ctrl-E: at the end */
	feed("\x1b[H\x1b[3~"); /* Home, Delete */
	assert_string_equal(ed.e_line, "helloY");
	assert_string_equal(line_at(0), "> helloY");
	assert_int_equal(col, 2);
	feed("\x1b[F\x1bOD\x7f"); /* End, Left (SS3), Backspace */
	assert_string_equal(ed.e_line, "hellY");
	assert_string_equal(line_at(0), "> hellY");
	assert_int_equal(col, 6);
}

static void kill_keys_cut_to_the_end_the_start_and_the_word(void **state)
{
	(void)state;
	feed("ls -l /dir/sub");
	feed("\x17"); /* Ctrl-W */
	assert_string_equal(ed.e_line, "ls -l ");
	feed("\x1b[D\x1b[D\x1b[D\x0b"); /* three left, Ctrl-K */
	assert_string_equal(ed.e_line, "ls ");
	feed("\x1b[D\x15"); /* left, Ctrl-U */
	assert_string_equal(ed.e_line, " ");
	assert_string_equal(line_at(0), ">"); /* "> " and the space left */
	assert_int_equal(col, 2);
	feed("\x04"); /* Ctrl-D on a character: Delete */
	assert_string_equal(ed.e_line, "");
	assert_int_equal(key(0x04), EDIT_EOF); /* and on an empty line: the end */
}

static void history_goes_back_and_returns_the_line_being_typed(void **state)
{
	(void)state;
	feed("one\r");
	start();
	feed("two\r");
	start();
	feed("two\r"); /* the same again: kept once */
	start();
	feed("thr");
	feed("\x1b[A");
	assert_string_equal(ed.e_line, "two");
	feed("\x1b[A");
	assert_string_equal(ed.e_line, "one");
	feed("\x1b[A"); /* nothing older: a bell, the line stays */
	assert_string_equal(ed.e_line, "one");
	feed("\x1b[B\x1b[B");
	assert_string_equal(ed.e_line, "thr");
	assert_string_equal(line_at(0), "> thr");
	assert_int_equal(ed.e_hist_n, 2);
}

static void utf8_passes_through_and_moves_by_character(void **state)
{
	(void)state;
	feed("echo h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac");
	assert_string_equal(ed.e_line, "echo h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac");
	assert_int_equal(edit_width(ed.e_line, ed.e_len), 15); /* two wide characters */
	feed("\x1b[D\x7f"); /* left over one character, erase the one before */
	assert_string_equal(ed.e_line, "echo h\xc3\xa9llo \xe6\x9c\xac");
	feed("\x1b[D\x1b[D\x1b[D\x1b[D\x7f"); /* erase the é */
	assert_string_equal(ed.e_line, "echo hllo \xe6\x9c\xac");
	assert_int_equal(key('\r'), EDIT_LINE);
}

static void a_line_too_long_is_refused_whole(void **state)
{
	(void)state;
	for (int i = 0; i < 5000; i++)
		(void)edit_key(&ed, 'x');
	assert_int_equal(ed.e_len, EDIT_MAX);
	assert_int_equal(edit_key(&ed, '\r'), EDIT_TOO_LONG);
	start();
	feed("ok\r");
	assert_string_equal(ed.e_line, "ok");
	assert_int_equal(ed.e_hist_n, 1);
}

/* The prompt and 30 characters on 20 columns: two rows, and editing the
 * first row from the end of the second draws both right. */
static void a_long_line_wraps_and_redraws_across_rows(void **state)
{
	(void)state;
	feed("abcdefghijklmnopqrstuvwxyz0123");
	assert_string_equal(line_at(0), "> abcdefghijklmnopqr");
	assert_string_equal(line_at(1), "stuvwxyz0123");
	assert_int_equal(row, 1);
	feed("\x01"
	     "_");
	assert_string_equal(line_at(0), "> _abcdefghijklmnopq");
	assert_string_equal(line_at(1), "rstuvwxyz0123");
	assert_int_equal(row, 0);
	assert_int_equal(col, 3);
	feed("\x05\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f");
	assert_int_equal(row, 1); /* the prompt and 18 fill the row: the cursor below */
	assert_int_equal(col, 0);
	assert_string_equal(ed.e_line, "_abcdefghijklmnopq");
	assert_string_equal(line_at(0), "> _abcdefghijklmnopq");
	assert_string_equal(line_at(1), "");
	feed("\x0c"); /* Ctrl-L: the screen cleared, the line drawn at its top */
	assert_string_equal(line_at(0), "> _abcdefghijklmnopq");
}

static void complete_words(void *ctx, const char *line, size_t cur, struct edit_matches *m)
{
	static const char *words[] = { "hello", "help", "hexdump", "ls" };
	size_t start = cur;

	(void)ctx;
	while (start > 0 && line[start - 1] != ' ')
		start--;
	m->m_start = start;
	for (size_t i = 0; i < 4; i++)
		if (strncmp(words[i], line + start, cur - start) == 0)
			strcpy(m->m_word[m->m_count++], words[i]);
}

static void tab_completes_the_common_part_and_lists_the_rest(void **state)
{
	(void)state;
	edit_init(&ed, COLS, complete_words, NULL);
	start();
	feed("l\t");
	assert_string_equal(ed.e_line, "ls ");
	feed("he\t");
	assert_string_equal(ed.e_line, "ls he"); /* three candidates share nothing more */
	assert_string_equal(line_at(1), "hello  help  hexdump");
	assert_string_equal(line_at(2), "> ls he");
	feed("l\t");
	assert_string_equal(ed.e_line, "ls hel"); /* hello, help */
	feed("l\t");
	assert_string_equal(ed.e_line, "ls hello ");
	feed("zz\t");
	assert_string_equal(ed.e_line, "ls hello zz");
}

static void ctrl_c_abandons_the_line(void **state)
{
	(void)state;
	feed("rm everything");
	feed("\x1b[D\x1b[D");
	assert_int_equal(key(0x03), EDIT_CANCEL);
	assert_string_equal(line_at(0), "> rm everything^C");
	assert_int_equal(ed.e_hist_n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup(name, setup)
		T(typing_echoes_exactly_what_was_typed),
		T(cursor_keys_edit_in_the_middle),
		T(kill_keys_cut_to_the_end_the_start_and_the_word),
		T(history_goes_back_and_returns_the_line_being_typed),
		T(utf8_passes_through_and_moves_by_character),
		T(a_line_too_long_is_refused_whole),
		T(a_long_line_wraps_and_redraws_across_rows),
		T(tab_completes_the_common_part_and_lists_the_rest),
		T(ctrl_c_abandons_the_line),
#undef T
	};

	return cmocka_run_group_tests_name("edit", tests, NULL, NULL);
}

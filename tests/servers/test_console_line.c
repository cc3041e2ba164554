/* The console's line discipline (servers/console/line.c): echo, erasing,
 * Enter in its three spellings, escape sequences, full buffers, and
 * readers taking lines whole or in pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../servers/console/line.h"

/* Feeds keys; returns everything echoed, NUL-terminated, in a static buffer. */
static const char *type(struct line *l, const char *keys, size_t n)
{
	static char echoed[64 * LINE_ECHO_MAX];
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += line_feed(l, keys[i], echoed + len);
	echoed[len] = '\0';
	return echoed;
}
#define TYPE(l, s) type(l, s, sizeof(s) - 1)

static const char *take(struct line *l, size_t max)
{
	static char got[LINE_READY_MAX + 1];

	got[line_take(l, got, max)] = '\0';
	return got;
}

static void printable_keys_echo_and_enter_finishes_the_line(void **state)
{
	struct line l;

	(void)state;
	line_init(&l);
	assert_string_equal(TYPE(&l, "ls -l"), "ls -l");
	assert_false(line_has_input(&l));
	assert_string_equal(TYPE(&l, "\r"), "\r\n");
	assert_true(line_has_input(&l));
	assert_string_equal(take(&l, 100), "ls -l\n");
	assert_false(line_has_input(&l));
}

static void cr_lf_is_one_enter_and_lf_alone_is_one_too(void **state)
{
	struct line l;

	(void)state;
	line_init(&l);
	TYPE(&l, "a\r\nb\nc\r\r");
	assert_string_equal(take(&l, 100), "a\n");
	assert_string_equal(take(&l, 100), "b\n");
	assert_string_equal(take(&l, 100), "c\n");
	assert_string_equal(take(&l, 100), "\n");
	assert_false(line_has_input(&l));
}

static void backspace_and_del_erase_one_byte(void **state)
{
	struct line l;

	(void)state;
	line_init(&l);
	assert_string_equal(TYPE(&l, "abx\x7f"), "abx\b \b");
	assert_string_equal(TYPE(&l, "c\bd\r"), "c\b \bd\r\n");
	assert_string_equal(take(&l, 100), "abd\n");
}

static void erasing_an_empty_line_echoes_nothing(void **state)
{
	struct line l;

	(void)state;
	line_init(&l);
	assert_string_equal(TYPE(&l, "\x7f\b\x15"), "");
	TYPE(&l, "\r");
	assert_string_equal(take(&l, 100), "\n");
}

static void ctrl_u_erases_the_line_and_ctrl_c_drops_it(void **state)
{
	struct line l;

	(void)state;
	line_init(&l);
	assert_string_equal(TYPE(&l, "ab\x15"), "ab\b \b\b \b");
	assert_string_equal(TYPE(&l, "x\x03"), "x\b \b^C\r\n");
	assert_string_equal(take(&l, 100), "\n");
}

static void escape_sequences_and_control_bytes_are_skipped(void **state)
{
	struct line l;

	(void)state;
	line_init(&l);
	/* up arrow, F1 (ESC O P), a CSI with parameters, alt-x, a NUL, a bell */
	assert_string_equal(TYPE(&l, "a\x1b[Ab\x1bOPc\x1b[1;5Dd\x1bxe"), "abcde");
	assert_string_equal(type(&l, "\0\a\t\r", 4), " \r\n");
	assert_string_equal(take(&l, 100), "abcde \n");
}

static void full_line_rings_the_bell_and_keeps_what_fits(void **state)
{
	struct line l;
	char echo[LINE_ECHO_MAX];

	(void)state;
	line_init(&l);
	for (int i = 0; i < LINE_EDIT_MAX; i++)
		assert_int_equal(line_feed(&l, 'x', echo), 1);
	assert_int_equal(line_feed(&l, 'y', echo), 1);
	assert_int_equal(echo[0], '\a');
	assert_int_equal(line_feed(&l, '\x15', echo), 3 * LINE_EDIT_MAX);
	assert_int_equal(l.l_edit_len, 0);
}

static void enter_with_no_room_rings_and_keeps_the_line(void **state)
{
	struct line l;
	char big[LINE_EDIT_MAX];

	(void)state;
	line_init(&l);
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\r';
	for (int i = 0; i < LINE_READY_MAX / LINE_EDIT_MAX; i++)
		type(&l, big, sizeof(big));
	assert_int_equal(l.l_ready_len, LINE_READY_MAX);
	assert_string_equal(TYPE(&l, "q\r"), "q\a");
	take(&l, LINE_READY_MAX);
	assert_string_equal(TYPE(&l, "\r"), "\r\n");
	take(&l, LINE_READY_MAX);
	take(&l, LINE_READY_MAX);
	take(&l, LINE_READY_MAX);
	assert_string_equal(take(&l, 100), "q\n");
}

static void short_reads_take_a_line_in_pieces(void **state)
{
	struct line l;

	(void)state;
	line_init(&l);
	TYPE(&l, "hello\rworld\r");
	assert_string_equal(take(&l, 3), "hel");
	assert_string_equal(take(&l, 3), "lo\n");
	assert_string_equal(take(&l, 100), "world\n");
	assert_int_equal(line_take(&l, (char[4]){ 0 }, 4), 0);
}

static void utf8_is_kept_and_erased_a_character_at_a_time(void **state)
{
	struct line l;

	(void)state;
	line_init(&l);
	assert_string_equal(TYPE(&l, "h\xc3\xa9 \xe6\x97\xa5"), "h\xc3\xa9 \xe6\x97\xa5");
	assert_string_equal(TYPE(&l, "\x7f"), "\b \b"); /* the three bytes of 日 */
	assert_string_equal(TYPE(&l, "\x7f\x7f\r"), "\b \b\b \b\r\n");
	assert_string_equal(take(&l, 100), "h\n");
}

static void raw_mode_hands_over_bytes_as_typed(void **state)
{
	struct line l;

	(void)state;
	line_init(&l);
	TYPE(&l, "ab");
	line_set_raw(&l, true);
	assert_true(line_has_input(&l));                       /* the line being typed, handed over */
	assert_string_equal(TYPE(&l, "c\x1b[A\x7f\r\nd"), ""); /* no echo, nothing edited */
	assert_string_equal(take(&l, 3), "abc");
	assert_string_equal(take(&l, 100), "\x1b[A\x7f\r\nd");
	assert_false(line_has_input(&l));
	line_set_raw(&l, false);
	assert_string_equal(TYPE(&l, "e\r"), "e\r\n");
	assert_string_equal(take(&l, 100), "e\n");
}

static void only_a_state_within_its_buffers_is_valid(void **state)
{
	struct line l;

	(void)state;
	line_init(&l);
	TYPE(&l, "ls\rab");
	assert_true(line_valid(&l));
	l.l_ready_len = LINE_READY_MAX;
	assert_true(line_valid(&l));
	l.l_ready_len = LINE_READY_MAX + 1;
	assert_false(line_valid(&l));
	l.l_ready_len = (size_t)1 << 40; /* one flipped bit */
	assert_false(line_valid(&l));
	line_init(&l);
	l.l_edit_len = LINE_EDIT_MAX + 1;
	assert_false(line_valid(&l));
	line_init(&l);
	l.l_esc = (enum line_escape)(LINE_ESC_SS3 + 1);
	assert_false(line_valid(&l));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(printable_keys_echo_and_enter_finishes_the_line),
		cmocka_unit_test(cr_lf_is_one_enter_and_lf_alone_is_one_too),
		cmocka_unit_test(backspace_and_del_erase_one_byte),
		cmocka_unit_test(erasing_an_empty_line_echoes_nothing),
		cmocka_unit_test(ctrl_u_erases_the_line_and_ctrl_c_drops_it),
		cmocka_unit_test(escape_sequences_and_control_bytes_are_skipped),
		cmocka_unit_test(full_line_rings_the_bell_and_keeps_what_fits),
		cmocka_unit_test(enter_with_no_room_rings_and_keeps_the_line),
		cmocka_unit_test(short_reads_take_a_line_in_pieces),
		cmocka_unit_test(utf8_is_kept_and_erased_a_character_at_a_time),
		cmocka_unit_test(raw_mode_hands_over_bytes_as_typed),
		cmocka_unit_test(only_a_state_within_its_buffers_is_valid),
	};

	return cmocka_run_group_tests_name("console_line", tests, NULL, NULL);
}

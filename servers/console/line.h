/* The console's line discipline: what each typed byte does to the line
 * being edited, what to echo for it, and the finished lines that wait for
 * a reader. No hardware or IPC here: the host tests link it as it is.
 *
 *   printable bytes   appended and echoed (a tab counts as a space); UTF-8
 *                     bytes too, a character erased whole
 *   Enter             '\r', '\n' or "\r\n": the line, with '\n', is finished
 *   Backspace / DEL   erase the last byte ("\b \b")
 *   Ctrl-U            erase the whole line
 *   Ctrl-C            drop the line; an empty line is finished instead, so
 *                     a shell prompts again
 *   ESC [ ... / ESC O x   terminal escape sequences (arrow keys) are skipped
 *   anything else     ignored
 *
 * A full line, or an Enter while the finished lines fill their buffer,
 * rings the bell instead: nothing typed is lost without the typist
 * hearing of it.
 *
 * In raw mode (l_raw) every byte goes to the ready buffer as it is, with
 * no echo, and line_take takes whatever is there. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define LINE_EDIT_MAX  256                 /* bytes of the line being typed */
#define LINE_READY_MAX 1024                /* finished lines not yet read */
#define LINE_ECHO_MAX  (3 * LINE_EDIT_MAX) /* echo of one byte at most: Ctrl-U of a full line */

enum line_escape { LINE_ESC_NONE, LINE_ESC_START, LINE_ESC_CSI, LINE_ESC_SS3 };

/* Owned by the console's single thread. l_edit[0..l_edit_len) is the line
 * on the screen; l_ready[0..l_ready_len) holds finished lines, each ending
 * in '\n', oldest first. */
struct line {
	char l_edit[LINE_EDIT_MAX];
	size_t l_edit_len;
	char l_ready[LINE_READY_MAX];
	size_t l_ready_len;
	enum line_escape l_esc;
	bool l_after_cr; /* a '\n' right after a '\r' is the same Enter */
	bool l_raw;      /* bytes as typed, no editing */
};

void line_init(struct line *l);

/* Whether l is a state line_feed and line_take can work on: what the
 * vault gives back after a restart was saved from a server that may have
 * had a flipped bit (a length past its buffer would crash every new
 * instance at its first read). */
bool line_valid(const struct line *l);

/* Feeds one typed byte. Writes what to echo into echo (room for
 * LINE_ECHO_MAX bytes) and returns its length. */
size_t line_feed(struct line *l, char c, char *echo);

/* Raw mode on or off (the line being typed becomes raw bytes). */
void line_set_raw(struct line *l, bool raw);

/* Whether a finished line waits. */
bool line_has_input(const struct line *l);

/* Moves the oldest finished line, or its first max bytes, to dst. Returns
 * how many bytes it moved (0 if no line waits). */
size_t line_take(struct line *l, char *dst, size_t max);

/* The shell's line editor: what each byte typed at a terminal does to the
 * line, and what to send back to the terminal for it. The console gives
 * the shell the bytes as they are typed (console_mode, raw); this decides
 * everything else. No hardware or IPC here: the host tests
 * (tests/host/test_edit.c) feed it keys and read what it draws.
 *
 *   printable bytes, UTF-8     inserted at the cursor
 *   Left, Right, Ctrl-B/F      move by one character (a UTF-8 sequence)
 *   Home, End, Ctrl-A/E        to the start, to the end
 *   Backspace, Delete, Ctrl-D  erase before, under the cursor (Ctrl-D on
 *                              an empty line: end of input, EDIT_EOF)
 *   Ctrl-K, Ctrl-U, Ctrl-W     erase to the end, to the start, the word
 *                              before the cursor
 *   Up, Down, Ctrl-P/N         the history, newest first; Down past the
 *                              newest gives back the line being typed
 *   Tab                        completion (the caller's, e_complete)
 *   Ctrl-L                     clear the screen, draw the line again
 *   Ctrl-C                     abandon the line (EDIT_CANCEL)
 *   Enter                      the line is done (EDIT_LINE): '\r', '\n'
 *                              or "\r\n" 
 *
 * A line longer than EDIT_MAX bytes is not cut: the editor rings the bell,
 * takes nothing more, and Enter gives EDIT_TOO_LONG, so the caller refuses
 * the line rather than run the part that fit.
 *
 * Drawing: the line may wrap on a terminal e_cols wide; each change draws
 * the prompt and the line again from the prompt's row (ESC [ n A up, then
 * \r), clears what is below (ESC [ J) and puts the cursor back, counting
 * columns by character width (East Asian wide characters take two). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define EDIT_MAX       256  /* bytes of a line */
#define EDIT_HISTORY   64   /* lines remembered */
#define EDIT_OUT_MAX   4096 /* bytes one key may draw (a full redraw, or a completion list) */
#define EDIT_MATCH_MAX 64   /* completions offered at once */

enum edit_result { EDIT_MORE, EDIT_LINE, EDIT_CANCEL, EDIT_EOF, EDIT_TOO_LONG };

/* Completion: the caller finds the words that could complete the one the
 * cursor ends (line[start..cur)); the editor inserts what they share and
 * lists them when that is nothing. */
struct edit_matches {
	size_t m_start; /* where the word being completed starts */
	unsigned m_count;
	char m_word[EDIT_MATCH_MAX][EDIT_MAX + 1]; /* each whole, a trailing '/' for a directory */
};
typedef void (*edit_complete_fn)(void *ctx, const char *line, size_t cur, struct edit_matches *m);

struct edit {
	char e_line[EDIT_MAX + 1]; /* NUL-terminated */
	size_t e_len, e_cur;       /* bytes, and the cursor's byte offset */
	bool e_too_long;
	bool e_after_cr; /* a '\n' right after a '\r' is the same Enter */
	unsigned e_esc;  /* escape sequence state */
	char e_seq[8];
	size_t e_seq_len;
	/* The history, oldest first; e_browse: the entry shown (e_hist_n:
	 * the line being typed, kept in e_saved). */
	char e_hist[EDIT_HISTORY][EDIT_MAX + 1];
	unsigned e_hist_n, e_browse;
	char e_saved[EDIT_MAX + 1];
	const char *e_prompt;
	unsigned e_cols;     /* the terminal's width */
	unsigned e_cur_rows; /* rows from the prompt's to the cursor's, as drawn */
	edit_complete_fn e_complete;
	void *e_ctx;
	struct edit_matches e_matches;
	/* What to send to the terminal after each key. */
	char e_out[EDIT_OUT_MAX];
	size_t e_out_len;
};

/* Sets up an editor with an empty history. */
void edit_init(struct edit *e, unsigned cols, edit_complete_fn complete, void *ctx);

/* Starts a new line after prompt (drawn into e_out). */
void edit_start(struct edit *e, const char *prompt);

/* Feeds one byte typed. e_out then holds what to draw (e_out_len bytes).
 * On EDIT_LINE e_line is the line (added to the history); on
 * EDIT_CANCEL, EDIT_EOF and EDIT_TOO_LONG it is to be ignored. */
enum edit_result edit_key(struct edit *e, unsigned char c);

/* Adds a line to the history (as Enter does): not an empty one, nor the
 * same as the newest. For a history restored from elsewhere. */
void edit_history_add(struct edit *e, const char *line);

/* The display width of the UTF-8 bytes s[0..n): a column each, two for an
 * East Asian wide character, none for a continuation byte. */
size_t edit_width(const char *s, size_t n);

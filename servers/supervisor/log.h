/* The supervisor's log: besides printing each line on the kernel console,
 * it keeps the last SUP_LOG_LINES of them, numbered from 0 at boot, for
 * the control protocol's log call (the shell's `log`). No hardware or IPC
 * here: the host tests link it as it is. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/proto/supervisor.h>

/* Line n is lr_text[n % SUP_LOG_LINES] while n >= lr_next - SUP_LOG_LINES. */
struct log_ring {
	char lr_text[SUP_LOG_LINES][SUP_LOG_TEXT];
	uint64_t lr_next; /* the number the next line gets */
};

/* Keeps text (cut to SUP_LOG_TEXT - 1 bytes, without a trailing newline)
 * as the next line, forgetting the oldest when the ring is full. */
void log_ring_put(struct log_ring *r, const char *text);

/* Copies the first kept line numbered from or later into text (room for
 * SUP_LOG_TEXT bytes) and its number into *number. Returns false if there
 * is none (from is past the newest line). */
bool log_ring_get(const struct log_ring *r, uint64_t from, uint64_t *number, char *text);

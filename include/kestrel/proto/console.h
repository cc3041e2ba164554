/* The console service: the serial terminal (servers/console/). Programs
 * write bytes to it and read lines typed at it; the server does the echo
 * and the line editing, so readers get whole, edited lines.
 *
 * write sends up to CONSOLE_DATA_MAX bytes packed in the request's words
 * and answers how many it wrote: fewer than asked only when the UART stayed
 * busy too long (the client writes the rest again; nothing is dropped).
 * Repeating a write after a restart can at worst show some bytes twice,
 * which a terminal prefers to losing them, so the stub may retry it.
 *
 * read answers with the next line typed (ending in '\n'), or its first max
 * bytes (the rest stays for the next read). With no line yet the call
 * stays blocked until one is entered: the server keeps the caller's reply
 * capability and answers later (PROTO_DEFERRED in libipc/proto.h). One
 * reader after another waits its turn (PE_BUSY past libipc's limit). A read is not
 * repeated after a restart (PE_RESTARTED): what was being typed went with
 * the old server, and the reader should say so (the shell prompts again).
 *
 * mode chooses between those edited lines (CONSOLE_MODE_LINE, the mode a
 * console starts in) and the bytes as they are typed (CONSOLE_MODE_RAW:
 * no echo, no editing, a read answers with whatever was typed, at least
 * one byte), for a reader that edits lines itself (the shell's editor).
 * Switching to raw hands over the line being typed as raw bytes; the mode
 * is the console's, kept across its restarts with what was typed.
 *
 * ready answers at once whether a read would: a finished line is waiting
 * and no reader is before it (poll and select in the C library). */
#pragma once

#include <stdint.h>

#include <kestrel/protocols.h>

#define CONSOLE_DATA_WORDS (PROTO_MAX_WORDS - 1)
#define CONSOLE_DATA_MAX   (CONSOLE_DATA_WORDS * 8) /* bytes one write or read carries */

struct console_write_req {
	uint64_t len; /* bytes of data used */
	char data[CONSOLE_DATA_MAX];
};
struct console_write_rep {
	uint64_t written;
};
struct console_read_req {
	uint64_t max; /* 1..CONSOLE_DATA_MAX */
};
#define CONSOLE_MODE_LINE 0
#define CONSOLE_MODE_RAW  1

struct console_mode_req {
	uint64_t mode; /* CONSOLE_MODE_* */
};
struct console_mode_rep {
	uint64_t previous;
};
struct console_read_rep {
	uint64_t len;
	char data[CONSOLE_DATA_MAX];
};
struct console_ready_req {
	uint64_t unused;
};
struct console_ready_rep {
	uint64_t ready; /* 1: a read would answer at once */
};

#define CONSOLE_OPS(X)                                                                          \
	X(console, write, CONSOLE_BASE + 1, PROTO_IDEMPOTENT, struct console_write_req,         \
	  struct console_write_rep)                                                             \
	X(console, read, CONSOLE_BASE + 2, 0, struct console_read_req, struct console_read_rep) \
	X(console, mode, CONSOLE_BASE + 3, PROTO_IDEMPOTENT, struct console_mode_req,           \
	  struct console_mode_rep)                                                              \
	X(console, ready, CONSOLE_BASE + 4, PROTO_IDEMPOTENT, struct console_ready_req,         \
	  struct console_ready_rep)

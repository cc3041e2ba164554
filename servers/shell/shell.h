/* The shell: what main.c (start-up, the console and the prompt loop) and
 * commands.c (the commands) share. The shell talks to people only through
 * the console service, never SYS_DEBUG_WRITE, so what it prints and what
 * is typed at it go through the same driver. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define SHELL_LINE_MAX 256 /* the console's longest line (LINE_EDIT_MAX) */

/* The services it uses besides the console (stdin and stdout, through the
 * C library); pc_ep CAP_NULL when the manifest has none. */
struct shell {
	struct proto_client sh_hello;
	struct proto_client sh_sup;
	uint64_t sh_pool;   /* its memory pool, for mem */
	uint64_t sh_ioport; /* ports 0xf4-0xf7 in the test manifest (poweroff), or CAP_NULL */
};

/* Waits ms milliseconds. */
void shell_sleep_ms(uint64_t ms);

/* Runs one command line (modified in place). */
void shell_run(struct shell *sh, char *line);

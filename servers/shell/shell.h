/* The shell: what main.c (start-up, the console and the prompt loop) and
 * commands.c (the commands) share. The shell talks to people only through
 * the console service, never SYS_DEBUG_WRITE, so what it prints and what
 * is typed at it go through the same driver. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define SHELL_LINE_MAX 256 /* the editor's longest line (EDIT_MAX) */

/* The services it uses besides the console (stdin and stdout, through the
 * C library); pc_ep CAP_NULL when the manifest has none. */
struct shell {
	struct proto_client sh_hello;
	struct proto_client sh_sup;
	uint64_t sh_pool;   /* its memory pool, for mem */
	uint64_t sh_ioport; /* ports 0xf4-0xf7 in the test manifest (poweroff), or CAP_NULL */
	bool sh_exit;       /* exit was typed: the prompt loop ends */
};

/* Runs one command line (modified in place): CMD ... > FILE or >> FILE
 * sends what it prints to FILE (truncated, or appended to). */
void shell_run(struct shell *sh, char *line);

/* The i-th command's name, in help's order; NULL past the last. */
const char *shell_command_name(unsigned i);

/* Tab completion for the line editor (complete.c): a command's name in
 * the first word, a server's after kill, crash and restart, a file's
 * anywhere else. */
struct edit_matches;
void shell_complete(void *sh, const char *line, size_t cur, struct edit_matches *m);

/* The commands, in the order help lists them: X(NAME, USAGE, HELP), each
 * run by shell_cmd_NAME(sh, argc, argv), which gets the words of its line
 * and prints errors as "NAME: what went wrong". HELP NULL: not listed. A
 * server's command lives in its own directory (servers/kv/shell_kv.c) and
 * joins with one line here and its file among the shell's sources. */
#define SHELL_COMMANDS(X)                                                                                 \
	X(help, "help", "this list")                                                                      \
	X(echo, "echo WORDS...", "print the words")                                                       \
	X(hello, "hello echo N|add N|count", "call hello: echo N (and its generation), add N, its count") \
	X(kv, "kv put KEY N|get KEY", "the kv server: store N under KEY, or read it")                     \
	X(lspci, "lspci", "the PCI devices: IDs, class, BARs, interrupts, driver")                        \
	X(uptime, "uptime", "time since boot")                                                            \
	X(date, "date", "the time of day (UTC), from the time service")                                   \
	X(mem, "mem", "free memory: the system's and this shell's pool")                                  \
	X(ps, "ps", "the servers: state, pid, generation, restarts, uptime")                              \
	X(kill, "kill NAME", "end a server as a crash would; its restart policy applies")                 \
	X(crash, "crash NAME [MS]", "make a server fault on purpose (after MS ms)")                       \
	X(restart, "restart NAME", "stop a server and start it again now")                                \
	X(log, "log [N]", "the supervisor's last N log lines (10)")                                       \
	X(bench, "bench", "time a null system call and a call to hello")                                  \
	X(ls, "ls [-l] [PATH...]", "list a directory (-l: type, mode, links, size, time)")                \
	X(cat, "cat FILE...", "print the files")                                                          \
	X(cp, "cp SRC DST", "copy a file (into DST if it is a directory)")                                \
	X(mv, "mv SRC DST", "rename a file or directory (into DST if it is a directory)")                 \
	X(rm, "rm FILE...", "remove the files")                                                           \
	X(mkdir, "mkdir DIR...", "make the directories")                                                  \
	X(rmdir, "rmdir DIR...", "remove the empty directories")                                          \
	X(touch, "touch FILE...", "create the files if they do not exist")                                \
	X(stat, "stat FILE", "a file's type, size, blocks, links, inode, mode, times")                    \
	X(hexdump, "hexdump FILE", "a file's bytes in hex and as text")                                   \
	X(df, "df", "the filesystem's blocks and inodes, used and free")                                  \
	X(cd, "cd [DIR]", "change the working directory (/ without DIR)")                                 \
	X(pwd, "pwd", "print the working directory")                                                      \
	X(exit, "exit", "leave the shell (the supervisor starts a new one)")                              \
	X(poweroff, "poweroff", NULL)

#define SHELL_COMMAND_DECLARE(name, usage, help) \
	void shell_cmd_##name(struct shell *sh, int argc, char **argv);
SHELL_COMMANDS(SHELL_COMMAND_DECLARE)
#undef SHELL_COMMAND_DECLARE

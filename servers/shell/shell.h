/* The shell: what main.c (start-up, the console and the prompt loop) and
 * commands.c (the commands) share. The shell talks to people only through
 * the console service, never SYS_DEBUG_WRITE, so what it prints and what
 * is typed at it go through the same driver. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "args.h"
#include "proto.h"

#define SHELL_LINE_MAX 256 /* the editor's longest line (EDIT_MAX) */

/* The services it uses besides the console (stdin and stdout, through the
 * C library); pc_ep CAP_NULL when the manifest has none. */
struct shell {
	struct proto_client sh_hello;
	struct proto_client sh_sup;
	uint64_t sh_pool; /* its memory pool, for mem */
	bool sh_exit;     /* exit was typed: the prompt loop ends */
};

/* Runs one command line (modified in place): CMD ... > FILE or >> FILE
 * sends what it prints to FILE (truncated, or appended to). */
void shell_run(struct shell *sh, char *line);

/* The i-th command's name, in help's order; NULL past the last. */
const char *shell_command_name(unsigned i);

/* Reads word as a number (decimal, or hex after 0x) for command cmd:
 * false after saying what is wrong with it ("cmd: 'x' is not a number",
 * "cmd: 99999999999999999999 is too big"). */
bool shell_number(const char *cmd, const char *word, uint64_t *n);

/* Prints "usage: " and the command's usage as SHELL_COMMANDS gives it,
 * for a command that finds its words wrong. */
void shell_usage(const char *name);

/* The console's mode (CONSOLE_MODE_RAW: the bytes as typed, for an
 * editor of the shell's own; CONSOLE_MODE_LINE: its edited lines, while
 * a command runs). A command that sets raw puts line back. */
void shell_console_mode(uint64_t mode);

/* Tab completion for the line editor (complete.c): a command's name in
 * the first word, a server's after kill, crash and restart, a file's
 * anywhere else. */
struct edit_matches;
void shell_complete(void *sh, const char *line, size_t cur, struct edit_matches *m);

/* The commands, in the order help lists them: X(NAME, MIN, MAX, USAGE,
 * HELP), each run by shell_cmd_NAME(sh, argc, argv), which gets the words
 * of its line and prints errors as "NAME: what went wrong". MIN and MAX
 * bound the words after NAME: shell_run refuses a line with fewer or more,
 * in the same words for every command, before the command runs. HELP NULL:
 * not listed. A server's command lives in its own directory
 * (servers/kv/shell_kv.c) and joins with one line here and its file among
 * the shell's sources. */
#define SHELL_COMMANDS(X)                                                                               \
	X(help, 0, 1, "help [COMMAND]", "this list, or one command's usage")                            \
	X(echo, 0, ARGS_MAX, "echo WORDS...", "print the words")                                        \
	X(hello, 1, 2, "hello echo N|add N|count",                                                      \
	  "call hello: echo N (and its generation), add N, its count")                                  \
	X(kv, 2, 3, "kv put KEY N|get KEY", "the kv server: store N under KEY, or read it")             \
	X(lspci, 0, 0, "lspci", "the PCI devices: IDs, class, BARs, interrupts, driver")                \
	X(ifconfig, 0, 0, "ifconfig", "the network interfaces: addresses, MAC, MTU, counters")          \
	X(ping, 1, 2, "ping HOST [COUNT]", "COUNT (4) ICMP echo requests to HOST, and the replies")     \
	X(netstat, 0, 0, "netstat", "every socket: protocol, addresses, state, queues, owner")          \
	X(uptime, 0, 0, "uptime", "time since boot")                                                    \
	X(date, 0, 0, "date", "the time of day (UTC), from the time service")                           \
	X(mem, 0, 0, "mem", "free memory: the system's and this shell's pool")                          \
	X(ps, 0, 0, "ps",                                                                               \
	  "the supervisor and the servers: state, pid, generation, restarts, priority, memory, uptime") \
	X(kill, 1, 1, "kill NAME", "end a server as a crash would; its restart policy applies")         \
	X(crash, 1, 2, "crash NAME [MS]", "make a server fault on purpose (after MS ms)")               \
	X(restart, 1, 1, "restart NAME", "stop a server and start it again now")                        \
	X(log, 0, 1, "log [N]", "the supervisor's last N log lines (10)")                               \
	X(chaos, 0, 3, "chaos [SERVER KIND [RATE]|stop]",                                               \
	  "inject faults of KIND into SERVER (any: random) at RATE a second (1); alone: what it did")   \
	X(bench, 0, 0, "bench", "time a null system call and a call to hello")                          \
	X(ls, 0, ARGS_MAX, "ls [-l] [PATH...]", "list a directory (-l: type, mode, links, size, time)") \
	X(cat, 1, ARGS_MAX, "cat FILE...", "print the files")                                           \
	X(cp, 2, 2, "cp SRC DST", "copy a file (into DST if it is a directory)")                        \
	X(mv, 2, 2, "mv SRC DST", "rename a file or directory (into DST if it is a directory)")         \
	X(rm, 1, ARGS_MAX, "rm FILE...", "remove the files")                                            \
	X(mkdir, 1, ARGS_MAX, "mkdir DIR...", "make the directories")                                   \
	X(rmdir, 1, ARGS_MAX, "rmdir DIR...", "remove the empty directories")                           \
	X(touch, 1, ARGS_MAX, "touch FILE...", "create the files if they do not exist")                 \
	X(stat, 1, 1, "stat FILE", "a file's type, size, blocks, links, inode, mode, times")            \
	X(hexdump, 1, 1, "hexdump FILE", "a file's bytes in hex and as text")                           \
	X(df, 0, 0, "df", "the filesystem's blocks and inodes, used and free")                          \
	X(cd, 0, 1, "cd [DIR]", "change the working directory (/ without DIR)")                         \
	X(pwd, 0, 0, "pwd", "print the working directory")                                              \
	X(nc, 2, 3, "nc [-u] HOST PORT|-l [-u] PORT",                                                   \
	  "talk to a TCP (or UDP) peer, or wait for one (-l); Ctrl-D or Ctrl-C ends it")                \
	X(host, 1, 1, "host NAME", "the addresses of a name (getaddrinfo)")                             \
	X(exit, 0, 0, "exit", "leave the shell (the supervisor starts a new one)")                      \
	X(poweroff, 0, 0, "poweroff", "turn the machine off (QEMU exits)")                              \
	X(reboot, 0, 0, "reboot", "reset the machine (it boots again)")

#define SHELL_COMMAND_DECLARE(name, min, max, usage, help) \
	void shell_cmd_##name(struct shell *sh, int argc, char **argv);
SHELL_COMMANDS(SHELL_COMMAND_DECLARE)
#undef SHELL_COMMAND_DECLARE

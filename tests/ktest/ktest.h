/* What the test runner (main.c, the first task) and its helper program
 * (helper.c, the second module) agree on: the helper's roles, chosen by its
 * start argument, the slots where it finds its capabilities, the message
 * labels, and the layout of the page they may share. */
#pragma once

#include <stdint.h>

#include <kestrel/boot.h>
#include <kestrel/cap.h>
#include <kestrel/syscall.h>

/* The start argument: the role in the low 8 bits, a parameter above. */
#define HELPER_ARG(role, param) ((uint64_t)(role) | ((uint64_t)(param) << 8))
#define HELPER_ROLE(arg)        ((unsigned)((arg)&0xFF))
#define HELPER_PARAM(arg)       ((arg) >> 8)

enum helper_role {
	ROLE_ECHO = 1,   /* serves HSLOT_EP with recv/reply_recv (enum helper_label) */
	ROLE_CLIENT,     /* calls HSLOT_EP CLIENT_COUNT(param) times; exits with the good replies */
	ROLE_WRITE,      /* writes to address param (at helper_write_insn) */
	ROLE_READ,       /* reads address param (at helper_read_insn) */
	ROLE_PRIVILEGED, /* executes hlt (at helper_hlt_insn) */
	ROLE_DIVIDE,     /* divides by zero (at helper_div_insn) */
	ROLE_OPCODE,     /* executes ud2 (at helper_ud_insn) */
	ROLE_PORT_IN,    /* inb from port param (at helper_in_insn), then exits with 0 */
	ROLE_PORT_OUT,   /* outb to port param (at helper_out_insn), then exits with 0 */
	ROLE_SEND_SLOT,  /* nbsend on slot param; exits with the result */
	ROLE_EXIT,       /* exits with status param */
	ROLE_SPIN,       /* counts in the shared page forever */
	ROLE_FUZZ,       /* FUZZ_CALLS random system calls, seed param */
	ROLE_IDENTIFY,   /* exits with the type cap_identify reports for slot param */
	ROLE_CYCLE,      /* makes two tasks from HSLOT_POOL that hold each other, drops its own
	                  * capabilities to them, exits with 0 (or the first error) */
	ROLE_HOG,        /* makes endpoints, tasks and threads (in HSLOT_SELF) from HSLOT_POOL until
	                  * each fails; exits with HOG_COUNTS of them, or the error if not E_LIMIT */
	ROLE_FORGE,      /* debug_write: half a line, a call on HSLOT_EP, then FORGED_LINE; exits 0 */
	ROLE_SIGNAL,     /* signals HSLOT_EP param times; exits with the number that succeeded */
	ROLE_LEND,       /* lends its shared page (from HSLOT_POOL) with rights param: sends
	                  * LABEL_LENT on HSLOT_EP, w0 = the error, caps[0] = the share; then waits */
};

#define HELPER_PRIO 50 /* helpers and test threads: below the runner (100) */

/* Slots of the helper's table (filled by the runner as the role needs). */
enum helper_slot {
	HSLOT_EP = 1,     /* the endpoint the role serves or calls */
	HSLOT_EP2 = 2,    /* ROLE_ECHO: where it reports a swallowed call */
	HSLOT_EP3 = 3,    /* ROLE_ECHO: where it then waits forever */
	HSLOT_SELF = 4,   /* its own task, for roles that map memory */
	HSLOT_POOL = 5,   /* ROLE_FUZZ: a pool to play with */
	HSLOT_IOPORT = 6, /* ports it was given */
};

/* ROLE_CLIENT's parameter: an id to send along and a number of calls. */
#define CLIENT_PARAM(id, count) (((uint64_t)(id) << 16) | (count))
#define CLIENT_ID(param)        ((param) >> 16)
#define CLIENT_COUNT(param)     ((param)&0xFFFF)

/* Labels of the test protocol; answers carry LABEL_ANSWER added. */
enum helper_label {
	LABEL_ECHO = 0x100, /* answer: the same number of words, each inverted */
	LABEL_MAP =
	        0x101, /* caps[0]: a frame; maps it, answer w0 = its word 0, then writes w1 to its word 1 */
	LABEL_CAPINFO =
	        0x102, /* answer w0 = caps received, w1 = lost flag, then slot, type, rights, badge each */
	LABEL_SWALLOW = 0x103, /* no answer: reports on HSLOT_EP2, then waits on HSLOT_EP3 forever */
	LABEL_QUIT = 0x104,    /* answer, then exit with status 0 */
	LABEL_CLIENT = 0x105,  /* ROLE_CLIENT's calls: w0 = sequence number, w1 = id; answer w0 + 1 */
	LABEL_RESUMED = 0x106, /* sent by a helper resumed at helper_resumed */
	LABEL_GIVE = 0x107,    /* answer carries caps[0] = its HSLOT_EP2 capability */
	LABEL_LENT = 0x108,    /* ROLE_LEND's message */
	LABEL_ANSWER = 0x1000,
};

/* What ROLE_FORGE writes after another writer's line came between its
 * first half line and this: it must appear as the task's, never at the
 * start of a line (tests/qemu/ktest.sh checks the log). */
#define FORGED_HALF "unfinished "
#define FORGED_LINE "kernel: forged after a partial line\n"

#define HELPER_SHARED_VADDR 0x10000000ULL /* the page shared with the runner, if any */
#define HELPER_MAP_VADDR    0x20000000ULL /* where LABEL_MAP maps the frame */
#define ECHO_INVERT(w)      (~(w))

#define FUZZ_CALLS 100000 /* per run in make test; ktest.fuzzcalls=N changes it */

/* ROLE_FUZZ's own table, above the runner's slots. */
enum fuzz_slot {
	FSLOT_FAULTS = 7,  /* an endpoint it makes: the fault endpoint of its blockers */
	FSLOT_BLOCKER = 8, /* FUZZ_BLOCKERS thread capabilities from here */
	FSLOT_TEMP = 12,   /* frames while they are mapped */
	FSLOT_DST = 16,    /* random calls create into FSLOT_DST.. FSLOT_DST + 39 */
};

#define FUZZ_BLOCKERS 2 /* threads of the fuzzer that block in IPC while it runs */
#define FUZZ_BLOCKER_BASE \
	0x40000000ULL                /* blocker i's 64 KiB region (uthread.h) starts at
                                         * + i * UTHREAD_STACK_SIZE: message buffer first */
#define FUZZ_PLAY_BASE 0x01000000ULL /* where typed addresses mostly point */
#define FUZZ_PLAY_SPAN 64            /* pages */
#define FUZZ_TEXT_PAGE 0x50000000ULL /* one page of text with nothing mapped after it */

#define HOG_COUNTS(endpoints, tasks, threads) \
	((uint64_t)(endpoints) | (uint64_t)(tasks) << 16 | (uint64_t)(threads) << 32)
#define HOG_THREAD_BUFFERS 0x30000000ULL /* where ROLE_HOG's threads get their message buffers */

/* The shared page. */
struct helper_shared {
	volatile uint64_t hs_counter;       /* ROLE_SPIN: iterations */
	volatile uint64_t hs_calls;         /* ROLE_FUZZ: system calls made */
	volatile uint64_t hs_done;          /* ROLE_FUZZ: finished */
	volatile uint64_t hs_resume_sp;     /* ROLE_FUZZ: stack pointer for helper_fuzz_resume */
	volatile uint64_t hs_rng;           /* ROLE_FUZZ: generator state, survives a resume */
	volatile uint64_t hs_faults;        /* ROLE_FUZZ: calls that returned E_FAULTED */
	volatile uint64_t hs_errors;        /* ROLE_FUZZ: calls that returned an error */
	volatile uint64_t hs_trace;         /* ROLE_FUZZ: print each call before making it */
	volatile uint64_t hs_limit;         /* ROLE_FUZZ: how many calls to make */
	volatile uint64_t hs_blocked;       /* ROLE_FUZZ: IPC calls its blockers made */
	volatile uint64_t hs_child_faults;  /* ROLE_FUZZ: fault messages it answered */
	volatile uint64_t hs_ok[SYS_COUNT]; /* ROLE_FUZZ: calls that succeeded, by number */
	volatile uint64_t hs_share_maps;    /* ROLE_FUZZ: of hs_ok[SYS_MEM_MAP], those of a share */
};

_Static_assert(sizeof(struct helper_shared) <= 4096, "the shared page");

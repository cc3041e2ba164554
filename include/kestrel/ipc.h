/* IPC message layout. A message is a label, up to MSG_MAX_WORDS words and
 * up to MSG_MAX_CAPS capabilities. Words 0..MSG_REG_WORDS-1 travel in
 * registers (see syscall.h); the rest are read from and written to the
 * same index of the thread's message buffer, whose address each thread
 * chooses when it is created. */
#pragma once

#include <stdint.h>

#define MSG_REG_WORDS 8
#define MSG_MAX_WORDS 128
#define MSG_MAX_CAPS  4

/* msginfo: label in bits 32-63, caps in bits 8-10, length in bits 0-7. */
#define MSGINFO(label, words, caps) \
	(((uint64_t)(uint32_t)(label) << 32) | ((uint64_t)((caps)&7) << 8) | ((uint64_t)(words)&0xFF))
#define MSGINFO_LABEL(info) ((uint32_t)((info) >> 32))
#define MSGINFO_WORDS(info) ((unsigned)((info)&0xFF))
#define MSGINFO_CAPS(info)  ((unsigned)(((info) >> 8) & 7))
/* Set by the kernel on a received message when capabilities could not all
 * be placed (the receiver's table was full, or the endpoint lacks R_GRANT). */
#define MSGINFO_CAPS_LOST   (1ULL << 11)

/* The per-thread message buffer: one page in the thread's task. */
struct ipc_buffer {
	uint64_t ib_msg[MSG_MAX_WORDS]; /* words >= MSG_REG_WORDS of a message */
	uint64_t ib_caps[MSG_MAX_CAPS]; /* send: slots to transfer; receive: slots they landed in */
	uint64_t ib_cap_move;           /* send: nonzero moves the caps instead of copying them */
	uint64_t ib_user[512 - MSG_MAX_WORDS - MSG_MAX_CAPS - 1]; /* free for the thread's own use */
};

_Static_assert(sizeof(struct ipc_buffer) == 4096, "message buffer is one page");

/* Labels from 0xFFFF0000 up are the kernel's own messages; protocols use
 * labels below (each protocol its own range, see libipc). */
#define KMSG_FIRST  0xFFFF0000u
#define KMSG_FAULT  0xFFFF0001u /* a thread faulted or exited: see fault.h */
/* Notifications: the endpoint's word, the OR of the badges of every signal
 * (SYS_SIGNAL) and interrupt (irq_bind) since the last one was received,
 * is delivered as this label with that word as the badge, and cleared. */
#define KMSG_NOTIFY 0xFFFF0002u

/* Timeout values for recv (in milliseconds of the kernel clock). */
#define IPC_POLL    0ULL
#define IPC_FOREVER (~0ULL)

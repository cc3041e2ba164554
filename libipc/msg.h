/* struct msg, the message the IPC stubs (ipc.h) send and receive, and its
 * helpers: no system calls here, so host tests can use it as it is. */
#pragma once

#include <stdint.h>

#include <kestrel/cap.h>
#include <kestrel/ipc.h>

struct msg {
	uint64_t badge;              /* receive: badge of the capability the sender used */
	uint64_t info;               /* MSGINFO(label, words, caps) */
	uint64_t caps[MSG_MAX_CAPS]; /* send: slots to transfer; receive: slots they landed in */
	uint64_t cap_move;           /* send: nonzero moves the caps instead of copying them */
	uint64_t w[MSG_MAX_WORDS];
};

/* Sets m to an empty message with a label and a length. */
static inline void msg_init(struct msg *m, uint32_t label, unsigned words)
{
	m->badge = 0;
	m->info = MSGINFO(label, words, 0);
	m->cap_move = 0;
	for (unsigned i = 0; i < MSG_MAX_CAPS; i++)
		m->caps[i] = CAP_NULL;
	for (unsigned i = 0; i < MSG_REG_WORDS; i++)
		m->w[i] = 0;
}

static inline uint32_t msg_label(const struct msg *m)
{
	return MSGINFO_LABEL(m->info);
}

static inline unsigned msg_words(const struct msg *m)
{
	return MSGINFO_WORDS(m->info);
}

/* Host stand-in for libipc/ipc.h, so the host tests can link libipc's
 * proto.c as it is: the same struct msg and helpers, and IPC calls that a
 * test answers in-process (test_proto.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/ipc.h>

struct msg {
	uint64_t badge;
	uint64_t info;
	uint64_t caps[MSG_MAX_CAPS];
	uint64_t cap_move;
	uint64_t w[MSG_MAX_WORDS];
};

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

/* Implemented by the test. */
long ipc_call(uint64_t ep, struct msg *m);
long ipc_recv(uint64_t ep, uint64_t timeout_ms, struct msg *m);
long ipc_reply_recv(uint64_t ep, struct msg *m);
long ipc_send(uint64_t ep, const struct msg *m);

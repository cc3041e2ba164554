/* Host stand-in for libipc/ipc.h, so the host tests can link libipc's
 * proto.c as it is: libipc's struct msg (msg.h), and IPC calls that a test
 * answers in-process (test_proto.c) over a fake kernel (shim.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/ipc.h>

#include "msg.h" /* libipc's own */

/* Implemented by the test. */
uint64_t uthread_reply_take(void);
long ipc_call(uint64_t ep, struct msg *m);
long ipc_recv(uint64_t ep, uint64_t timeout_ms, struct msg *m);
long ipc_reply_recv(uint64_t ep, struct msg *m);
long ipc_send(uint64_t ep, const struct msg *m);
long ipc_reply(const struct msg *m);
void slot_free(uint64_t slot);

/* As libipc/ipc.h's: answers a saved reply, frees its slot. */
static inline long ipc_answer(uint64_t slot, const struct msg *m)
{
	long e = ipc_send(slot, m);

	slot_free(slot);
	return e;
}

/* Endpoints and IPC. An endpoint is a queue of threads waiting to send or
 * waiting to receive (never both), plus interrupts that fired with nobody
 * waiting. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/ipc.h>

#include "cap.h"
#include "thread.h"

#define MAX_ENDPOINTS 1024

struct thread;

/* Invariants: ep_head..ep_tail (linked through t_next/t_prev) are all in
 * TS_SEND or all in TS_RECV, in arrival order. */
struct endpoint {
	struct kobj ep_obj;
	struct thread *ep_head, *ep_tail;
	uint64_t ep_notify; /* OR of the badges of undelivered signals and interrupts */
	uint32_t ep_pool;   /* charged for it */
};

extern struct endpoint endpoints[MAX_ENDPOINTS];

/* A new endpoint charged to pool, or NULL when its quota of endpoints is
 * used up. */
struct endpoint *endpoint_alloc(uint32_t pool);

/* Wakes every queued thread with E_DEAD and unbinds interrupts. */
void endpoint_destroy(struct endpoint *ep);

/* Appends t to ep's queue. Inline: the fast path queues a server here. */
static inline void endpoint_enqueue(struct endpoint *ep, struct thread *t)
{
	t->t_ep = ep;
	t->t_next = NULL;
	t->t_prev = ep->ep_tail;
	if (ep->ep_tail)
		ep->ep_tail->t_next = t;
	else
		ep->ep_head = t;
	ep->ep_tail = t;
}

/* Removes t from ep's queue. Inline: the fast path takes a receiver off. */
static inline void endpoint_dequeue(struct endpoint *ep, struct thread *t)
{
	if (t->t_prev)
		t->t_prev->t_next = t->t_next;
	else
		ep->ep_head = t->t_next;
	if (t->t_next)
		t->t_next->t_prev = t->t_prev;
	else
		ep->ep_tail = t->t_prev;
	t->t_next = t->t_prev = NULL;
	t->t_ep = NULL;
}

/* Whether msginfo's length and capability count are within the limits. */
static inline bool ipc_message_fits(uint64_t info)
{
	return MSGINFO_WORDS(info) <= MSG_MAX_WORDS && MSGINFO_CAPS(info) <= MSG_MAX_CAPS;
}

/* The IPC operations on the current thread, with the endpoint capability
 * (send: R_WRITE) or endpoint (recv: R_READ) syscall.c looked up; the
 * message and results are in t's frame (syscall.h's register convention).
 * They may block it. */
void ipc_send(struct thread *t, const struct cap *ep, bool block, bool call);
void ipc_recv(struct thread *t, struct endpoint *ep, uint64_t timeout);

/* Answers, with t's message, the call that the reply capability in slot
 * names (&t->t_caller: the last call t received), emptying the slot.
 * Returns E_OK, or E_NO_REPLY if there is no such call (any more). */
int ipc_reply(struct thread *t, struct cap *slot);

/* A notification (a signal or an interrupt) with badge to ep: delivered
 * to a waiting receiver at once, or OR-ed into ep_notify for the next
 * one. Never blocks, never allocates. */
void ipc_notify(struct endpoint *ep, uint64_t badge);

/* Sends t's fault message (t_fault) to ep as a call (or, for an exit, a
 * send). */
void ipc_send_fault(struct thread *t, struct endpoint *ep);

/* Drops the call a reply capability names, if it is still waiting: its
 * caller gets err. */
void ipc_drop_reply(struct cap *reply, int err);

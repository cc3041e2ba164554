/* IPC stubs: send, nbsend, recv, call, reply and reply_recv over the
 * message registers of include/kestrel/syscall.h.
 *
 * A message is a struct msg. Words 0..7 travel in registers; words 8 and
 * up, and the capabilities, go through the calling thread's message buffer
 * (found with uthread_self(), see uthread.h): the stubs copy them there
 * before the call and back after it, so callers never touch the buffer.
 * Received capabilities land in slots the kernel chooses; the stubs report
 * them in m->caps[] and claim them in the slot allocator (slots.h) so that
 * it never hands them out again. */
#pragma once

#include <stdint.h>

#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/ipc.h>
#include <kestrel/syscall.h>

#include "msg.h"
#include "slots.h"
#include "ustring.h"
#include "uthread.h"

/* The raw trap: rdi, rsi and the eight register words in, the same out. */
static inline long ipc_trap(uint64_t nr, uint64_t *rdi_io, uint64_t *rsi_io, uint64_t *w)
{
	register uint64_t r10 __asm__("r10") = w[1];
	register uint64_t r8 __asm__("r8") = w[2];
	register uint64_t r9 __asm__("r9") = w[3];
	register uint64_t r12 __asm__("r12") = w[4];
	register uint64_t r13 __asm__("r13") = w[5];
	register uint64_t r14 __asm__("r14") = w[6];
	register uint64_t r15 __asm__("r15") = w[7];
	uint64_t rax = nr, rdi = *rdi_io, rsi = *rsi_io, rdx = w[0];

	__asm__ volatile("syscall"
	                 : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8), "+r"(r9),
	                   "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
	                 :
	                 : "rcx", "r11", "memory");
	*rdi_io = rdi;
	*rsi_io = rsi;
	w[0] = rdx;
	w[1] = r10;
	w[2] = r8;
	w[3] = r9;
	w[4] = r12;
	w[5] = r13;
	w[6] = r14;
	w[7] = r15;
	return (long)rax;
}

/* Puts the parts of m that do not fit in registers into the buffer. A
 * length beyond MSG_MAX_WORDS is passed on as it is (the kernel refuses
 * it); only the words that exist are copied. */
static inline void ipc_stage(const struct msg *m)
{
	struct ipc_buffer *ib = ipc_buffer_self();
	unsigned words = MSGINFO_WORDS(m->info), caps = MSGINFO_CAPS(m->info);

	if (words > MSG_MAX_WORDS)
		words = MSG_MAX_WORDS;
	if (words > MSG_REG_WORDS)
		memcpy(&ib->ib_msg[MSG_REG_WORDS], &m->w[MSG_REG_WORDS],
		       (words - MSG_REG_WORDS) * sizeof(uint64_t));
	if (caps > MSG_MAX_CAPS)
		caps = MSG_MAX_CAPS;
	for (unsigned i = 0; i < caps; i++)
		ib->ib_caps[i] = m->caps[i];
	ib->ib_cap_move = m->cap_move;
}

/* Completes a received message from the registers and the buffer. */
static inline void ipc_unstage(struct msg *m, uint64_t badge, uint64_t info, const uint64_t *regs)
{
	struct ipc_buffer *ib = ipc_buffer_self();
	unsigned words = MSGINFO_WORDS(info), caps = MSGINFO_CAPS(info);

	m->badge = badge;
	m->info = info;
	memcpy(m->w, regs, MSG_REG_WORDS * sizeof(uint64_t));
	if (words > MSG_MAX_WORDS)
		words = MSG_MAX_WORDS;
	if (words > MSG_REG_WORDS)
		memcpy(&m->w[MSG_REG_WORDS], &ib->ib_msg[MSG_REG_WORDS],
		       (words - MSG_REG_WORDS) * sizeof(uint64_t));
	if (caps > MSG_MAX_CAPS)
		caps = MSG_MAX_CAPS;
	for (unsigned i = 0; i < caps; i++) {
		m->caps[i] = ib->ib_caps[i];
		slot_claim(m->caps[i]);
	}
}

/* Sends without waiting for an answer. nr: SYS_SEND, SYS_NBSEND, SYS_REPLY. */
static inline long ipc_send_nr(uint64_t nr, uint64_t cap, const struct msg *m)
{
	uint64_t rdi = cap, rsi = m->info, regs[MSG_REG_WORDS];

	memcpy(regs, m->w, sizeof(regs));
	ipc_stage(m);
	return ipc_trap(nr, &rdi, &rsi, regs);
}

/* Sends (or not, for recv) and then receives into m. */
static inline long ipc_recv_nr(uint64_t nr, uint64_t cap, uint64_t rsi, struct msg *m)
{
	uint64_t rdi = cap, regs[MSG_REG_WORDS] = { 0 };
	long r;

	/* recv sends nothing: m may hold no message yet. */
	if (nr != SYS_RECV) {
		memcpy(regs, m->w, sizeof(regs));
		ipc_stage(m);
	}
	r = ipc_trap(nr, &rdi, &rsi, regs);
	if (r >= 0)
		ipc_unstage(m, rdi, rsi, regs);
	return r;
}

/* Blocks until a receiver on ep takes m. */
static inline long ipc_send(uint64_t ep, const struct msg *m)
{
	return ipc_send_nr(SYS_SEND, ep, m);
}

/* E_WOULD_BLOCK unless a receiver is already waiting on ep. */
static inline long ipc_nbsend(uint64_t ep, const struct msg *m)
{
	return ipc_send_nr(SYS_NBSEND, ep, m);
}

/* Waits up to timeout_ms (IPC_POLL, IPC_FOREVER) for a message on ep. */
static inline long ipc_recv(uint64_t ep, uint64_t timeout_ms, struct msg *m)
{
	/* A receive drops the call this thread has not answered: one put
	 * aside (uthread_reply_aside) too. */
	if (__builtin_expect(uthread_self()->ut_reply != 0, 0))
		uthread_reply_drop();
	return ipc_recv_nr(SYS_RECV, ep, timeout_ms, m);
}

/* Sends m on ep and waits for the answer, which replaces m. */
static inline long ipc_call(uint64_t ep, struct msg *m)
{
	return ipc_recv_nr(SYS_CALL, ep, m->info, m);
}

/* Answers the call whose reply capability reply_save put in slot (a send
 * on it answers that call and empties the slot), and frees the slot. */
static inline long ipc_answer(uint64_t slot, const struct msg *m)
{
	long e = ipc_send(slot, m);

	slot_free(slot);
	return e;
}

/* A receive drops the call a thread has not answered, so a thread that
 * must wait by receiving (the C library's locks) first moves that call's
 * reply capability into a slot (reply_save) and leaves the slot in
 * ut_reply; the calls below answer through it then. */
long ipc_reply_saved(const struct msg *m); /* ipc.c: answers ut_reply's call */

/* Answers the call this thread received last. */
static inline long ipc_reply(const struct msg *m)
{
	if (__builtin_expect(uthread_self()->ut_reply != 0, 0))
		return ipc_reply_saved(m);
	return ipc_send_nr(SYS_REPLY, 0, m);
}

/* Answers the last call with m, then waits on ep; the next message
 * replaces m. */
static inline long ipc_reply_recv(uint64_t ep, struct msg *m)
{
	if (__builtin_expect(uthread_self()->ut_reply != 0, 0)) {
		ipc_reply_saved(m); /* failures are ignored, as reply_recv's are */
		return ipc_recv_nr(SYS_RECV, ep, IPC_FOREVER, m);
	}
	return ipc_recv_nr(SYS_REPLY_RECV, ep, m->info, m);
}

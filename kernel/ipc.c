/* Synchronous IPC, the general path.
 *
 * Theory of operation. A message goes from a sender's registers (and, past
 * MSG_REG_WORDS, its message buffer) straight into the receiver's saved
 * registers and buffer, at the moment both are there (rendezvous). A thread
 * that arrives first waits in the endpoint's queue with its message still
 * in its own registers. call = send + wait for the answer: the receiver
 * gets an implicit one-shot reply capability (t_caller) naming the caller
 * and the caller's call sequence number; answering, dropping it, or the
 * receiver dying ends the call, and a stale reply capability never matches
 * a later call. Faults travel the same way with a kernel-made message.
 * Interrupts that find nobody receiving are kept as pending badges on the
 * endpoint. Nothing here blocks in the kernel: a waiting thread's result
 * is written into its frame by whoever completes its operation. */
#include <kestrel/boot.h>
#include <kestrel/error.h>
#include <kestrel/fault.h>
#include <kestrel/ipc.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "clock.h"
#include "endpoint.h"
#include "sched.h"
#include "task.h"
#include "thread.h"
#include "vm.h"

static struct ipc_buffer *ipc_buffer(struct thread *t)
{
	return pa_to_va(t->t_ipcbuf_pa);
}

/* Moves or copies the capabilities a message carries into free slots of
 * the receiver. Returns how many arrived; the rest are lost. */
static unsigned transfer_caps(struct thread *s, struct thread *r, unsigned n)
{
	struct ipc_buffer *sb = ipc_buffer(s), *rb = ipc_buffer(r);
	unsigned done = 0;

	for (unsigned i = 0; i < n; i++) {
		struct cap *c = cap_slot(s->t_task, sb->ib_caps[i]);
		uint64_t dst = cap_free_slot(r->t_task);

		if (!c || !cap_is_live(c) || !dst || (c->c_type == CAP_REPLY && !sb->ib_cap_move))
			continue;
		if (sb->ib_cap_move)
			cap_move(&r->t_task->t_caps[dst], c, R_ALL);
		else
			cap_install(&r->t_task->t_caps[dst], c);
		if (r->t_task->t_caps[dst].c_type == CAP_IOPORT) {
			task_update_iomap(r->t_task);
			task_update_iomap(s->t_task);
		}
		rb->ib_caps[done++] = dst;
	}
	return done;
}

/* Copies s's message into r's registers and buffer, as received with
 * badge; capabilities go along when grant is set. Lengths were checked
 * when s started to send. */
static void transfer(struct thread *s, struct thread *r, uint64_t badge, bool grant)
{
	uint64_t info;
	unsigned words, caps = 0;

	if (s->t_in_fault) {
		info = MSGINFO(KMSG_FAULT, FAULT_WORDS, 0);
		copy_words(r->t_frame.msg, s->t_fault, FAULT_WORDS);
		fill_words(r->t_frame.msg + FAULT_WORDS, 0, MSG_REG_WORDS - FAULT_WORDS);
	} else {
		info = s->t_frame.rsi;
		words = MSGINFO_WORDS(info);
		copy_words(r->t_frame.msg, s->t_frame.msg, words < MSG_REG_WORDS ? words : MSG_REG_WORDS);
		if (words < MSG_REG_WORDS)
			fill_words(r->t_frame.msg + words, 0, MSG_REG_WORDS - words);
		if (words > MSG_REG_WORDS)
			copy_words(&ipc_buffer(r)->ib_msg[MSG_REG_WORDS],
			           &ipc_buffer(s)->ib_msg[MSG_REG_WORDS], words - MSG_REG_WORDS);
		if (MSGINFO_CAPS(info) && grant)
			caps = transfer_caps(s, r, MSGINFO_CAPS(info));
		info = MSGINFO(MSGINFO_LABEL(info), words, caps) |
		       (caps < MSGINFO_CAPS(info) ? MSGINFO_CAPS_LOST : 0);
	}
	r->t_frame.rdi = badge;
	r->t_frame.rsi = info;
	thread_set_result(r, E_OK);
}

/* r has taken s's message: r runs, s waits for the answer if it called. */
static void rendezvous(struct thread *s, struct thread *r)
{
	transfer(s, r, s->t_send_badge, s->t_send_grant);
	if (s->t_send_call) {
		s->t_call_seq++;
		s->t_state = TS_REPLY;
		r->t_caller = (struct cap){ .c_type = CAP_REPLY,
			                    .c_rights = R_WRITE,
			                    .c_obj = thread_index(s),
			                    .c_gen = s->t_call_seq };
	} else if (s->t_in_fault) {
		s->t_in_fault = false;
		s->t_state = TS_EXITED;
	} else {
		thread_set_result(s, E_OK);
		sched_make_ready(s, false);
	}
	sched_make_ready(r, true);
}

/* Answers caller c with s's message (or, for a fault, resumes c as the
 * answer says). */
static void answer(struct thread *s, struct thread *c)
{
	c->t_call_seq++;
	if (c->t_in_fault) {
		uint64_t rip = s->t_frame.msg[0], rsp = s->t_frame.msg[1];

		c->t_in_fault = false;
		if (c->t_frame.vector == VEC_SYSCALL)
			thread_set_result(c, E_FAULTED);
		if (MSGINFO_LABEL(s->t_frame.rsi) == FAULT_RESUME_AT) {
			if (rip >= USER_TOP || rsp >= USER_TOP) {
				c->t_state = TS_SUSPENDED; /* nowhere sane to go */
				return;
			}
			c->t_frame.rip = rip;
			c->t_frame.rsp = rsp;
			c->t_frame.cs = SEL_UCODE; /* 64-bit mode, whatever it faulted in */
			c->t_frame.ss = SEL_UDATA;
			c->t_frame.vector = VEC_FIRST_IRQ; /* iretq: keep rcx and r11 */
		}
		sched_make_ready(c, false);
		return;
	}
	transfer(s, c, 0, true); /* a server may hand its client capabilities */
	sched_make_ready(c, true);
}

void ipc_drop_reply(struct cap *reply, int err)
{
	struct thread *c;

	if (reply->c_type != CAP_REPLY || !cap_is_live(reply))
		return; /* type first: recv drops its mostly empty t_caller every time */
	c = &threads[reply->c_obj];
	c->t_call_seq++;
	if (c->t_in_fault) {
		c->t_in_fault = false;
		c->t_state = TS_SUSPENDED;
		if (c->t_frame.vector == VEC_SYSCALL) /* the call that faulted fails */
			thread_set_result(c, err);
		return;
	}
	thread_set_result(c, err);
	sched_make_ready(c, false);
}

int ipc_reply(struct thread *t, struct cap *slot)
{
	struct cap reply = *slot;

	*slot = (struct cap){ 0 };
	if (reply.c_type != CAP_REPLY || !cap_is_live(&reply))
		return E_NO_REPLY;
	answer(t, &threads[reply.c_obj]);
	return E_OK;
}

static void send_to(struct thread *t, struct endpoint *ep, bool block)
{
	struct thread *r = ep->ep_head;

	if (r && r->t_state == TS_RECV) {
		endpoint_dequeue(ep, r);
		sched_timeout_remove(r);
		if (!t->t_in_fault) /* a faulting thread's rax is its own */
			thread_set_result(t, E_OK);
		rendezvous(t, r);
	} else if (!block) {
		thread_set_result(t, E_WOULD_BLOCK);
	} else {
		t->t_state = TS_SEND;
		endpoint_enqueue(ep, t);
	}
}

void ipc_send(struct thread *t, const struct cap *ep, bool block, bool call)
{
	t->t_send_badge = ep->c_word;
	t->t_send_grant = (ep->c_rights & R_GRANT) != 0;
	t->t_send_call = call;
	t->t_in_fault = false;
	send_to(t, &endpoints[ep->c_obj], block);
}

void ipc_send_fault(struct thread *t, struct endpoint *ep)
{
	send_to(t, ep, true);
}

void ipc_recv(struct thread *t, struct endpoint *ep, uint64_t timeout)
{
	struct thread *s;

	ipc_drop_reply(&t->t_caller, E_NO_REPLY); /* the call it did not answer */
	t->t_caller = (struct cap){ 0 };
	if (ep->ep_notify) {
		t->t_frame.rdi = ep->ep_notify;
		t->t_frame.rsi = MSGINFO(KMSG_NOTIFY, 0, 0);
		ep->ep_notify = 0;
		thread_set_result(t, E_OK);
		return;
	}
	s = ep->ep_head;
	if (s && s->t_state == TS_SEND) {
		endpoint_dequeue(ep, s);
		rendezvous(s, t);
	} else if (timeout == IPC_POLL) {
		thread_set_result(t, E_WOULD_BLOCK);
	} else {
		t->t_state = TS_RECV;
		endpoint_enqueue(ep, t);
		/* A deadline past the end of time is no deadline. */
		if (timeout != IPC_FOREVER && clock_ticks() + timeout > clock_ticks())
			sched_timeout_add(t, clock_ticks() + timeout);
	}
}

void ipc_notify(struct endpoint *ep, uint64_t badge)
{
	struct thread *r = ep->ep_head;

	if (!r || r->t_state != TS_RECV) {
		ep->ep_notify |= badge;
		return;
	}
	endpoint_dequeue(ep, r);
	sched_timeout_remove(r);
	r->t_frame.rdi = badge;
	r->t_frame.rsi = MSGINFO(KMSG_NOTIFY, 0, 0);
	thread_set_result(r, E_OK);
	sched_make_ready(r, true);
}

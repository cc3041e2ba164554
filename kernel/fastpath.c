/* The IPC fast path: call and reply_recv with a register-sized message, no
 * capabilities, and the partner already waiting. It does what the general
 * path (ipc.c) does for that case, with identical results, but switches
 * straight to the partner: no queue of the scheduler is touched, nothing
 * goes through memory but the registers saved in the two threads' frames.
 * Anything it does not handle (a capability, a long message, nobody
 * waiting, a pending interrupt, a partner that should not run next) falls
 * back to the general path before any state has changed.
 *
 * It assumes: interrupts are off (they are in the kernel); t is current
 * and in a system call, so its frame holds the arguments; a thread waiting
 * in recv has no unanswered call (recv drops it) and sits in no run queue. */
#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/ipc.h>
#include <kestrel/syscall.h>

#include "arch/x86_64/switch.h"
#include "endpoint.h"
#include "fastpath.h"
#include "sched.h"
#include "task.h"
#include "thread.h"

bool fastpath_enabled = true;

_Static_assert(offsetof(struct thread, t_frame) == 0, "entry.asm passes the frame as the thread");
_Static_assert(SYS_CALL == 7 && SYS_REPLY_RECV == 9, "entry.asm: the fast path's call numbers");

/* Copies the message's n words from frame s to frame r and zeros the
 * rest, as the general path does; label and length into msginfo. The
 * switches fall through: n words copied, 8 - n zeroed, one jump each. */
static inline __attribute__((always_inline)) void copy_message(struct trap_frame *r,
                                                               const struct trap_frame *s, unsigned n)
{
	/* One register of zeros for every word: left alone, the compiler
	 * clears a register afresh for each store. */
	uint64_t zero = 0;

	__asm__("" : "+r"(zero));
	r->rsi = MSGINFO(MSGINFO_LABEL(s->rsi), n, 0);
	r->rax = E_OK;
	switch (n) {
	case 8:
		r->r15 = s->r15; /* fall through */
	case 7:
		r->r14 = s->r14; /* fall through */
	case 6:
		r->r13 = s->r13; /* fall through */
	case 5:
		r->r12 = s->r12; /* fall through */
	case 4:
		r->r9 = s->r9; /* fall through */
	case 3:
		r->r8 = s->r8; /* fall through */
	case 2:
		r->r10 = s->r10; /* fall through */
	case 1:
		r->rdx = s->rdx; /* fall through */
	default:
		break;
	}
	switch (n) {
	case 0:
		r->rdx = zero; /* fall through */
	case 1:
		r->r10 = zero; /* fall through */
	case 2:
		r->r8 = zero; /* fall through */
	case 3:
		r->r9 = zero; /* fall through */
	case 4:
		r->r12 = zero; /* fall through */
	case 5:
		r->r13 = zero; /* fall through */
	case 6:
		r->r14 = zero; /* fall through */
	case 7:
		r->r15 = zero; /* fall through */
	default:
		break;
	}
}

/* The endpoint capability in slot with rights, or NULL. */
static inline struct endpoint *endpoint_of(struct thread *t, uint64_t slot, unsigned rights)
{
	const struct cap *c;
	struct endpoint *ep;

	if (slot - 1 >= CAP_SLOTS - 1)
		return NULL;
	c = &t->t_task->t_caps[slot];
	if (c->c_type != CAP_ENDPOINT || (c->c_rights & rights) != rights)
		return NULL;
	ep = &endpoints[c->c_obj];
	return ep->ep_obj.ko_live && ep->ep_obj.ko_gen == c->c_gen ? ep : NULL;
}

static inline __attribute__((noreturn)) void switch_to(struct thread *r)
{
	r->t_state = TS_READY;
	if (r->t_slice == 0)
		r->t_slice = SCHED_SLICE_TICKS;
	current = r;
	arch_return_to_user(r);
}

/* call: t sends to the receiver waiting on the endpoint and waits for the
 * answer. Returns only if the general path must do it. */
void fastpath_call(struct trap_frame *f)
{
	struct thread *t = (struct thread *)f;
	unsigned n = MSGINFO_WORDS(f->rsi);
	struct endpoint *ep;
	struct thread *r;

	if (!fastpath_enabled || MSGINFO_CAPS(f->rsi) || n > MSG_REG_WORDS ||
	    !(ep = endpoint_of(t, f->rdi, R_WRITE)))
		return;
	r = ep->ep_head;
	if (!r || r->t_state != TS_RECV || r->t_timed || r->t_prio < sched_top)
		return;

	ep->ep_head = r->t_next;
	if (r->t_next)
		r->t_next->t_prev = NULL;
	else
		ep->ep_tail = NULL;
	r->t_next = NULL;
	r->t_ep = NULL;
	t->t_call_seq++;
	t->t_state = TS_REPLY;
	/* Field by field: a reply capability's other fields are always 0, and
	 * a struct assignment would cost a string store. */
	r->t_caller.c_type = CAP_REPLY;
	r->t_caller.c_rights = R_WRITE;
	r->t_caller.c_obj = t->t_index;
	r->t_caller.c_gen = t->t_call_seq;
	r->t_frame.rdi = t->t_task->t_caps[f->rdi].c_word; /* the badge */
	copy_message(&r->t_frame, f, n);
	switch_to(r);
}

/* reply_recv: t answers its caller, which runs next, and waits on the
 * endpoint. Returns only if the general path must do it. */
void fastpath_reply_recv(struct trap_frame *f)
{
	struct thread *t = (struct thread *)f;
	unsigned n = MSGINFO_WORDS(f->rsi);
	struct endpoint *ep;
	struct thread *c;

	if (!fastpath_enabled || MSGINFO_CAPS(f->rsi) || n > MSG_REG_WORDS ||
	    t->t_caller.c_type != CAP_REPLY || !(ep = endpoint_of(t, f->rdi, R_READ)))
		return;
	c = &threads[t->t_caller.c_obj];
	if (c->t_state != TS_REPLY || c->t_call_seq != t->t_caller.c_gen || c->t_in_fault || ep->ep_notify ||
	    (ep->ep_head && ep->ep_head->t_state == TS_SEND) || c->t_prio < sched_top)
		return;

	t->t_caller.c_type = CAP_EMPTY;
	c->t_call_seq++;
	c->t_frame.rdi = 0;
	copy_message(&c->t_frame, f, n);
	t->t_state = TS_RECV;
	endpoint_enqueue(ep, t);
	switch_to(c);
}

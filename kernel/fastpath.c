/* The IPC fast path: call and reply_recv with a register-sized message, no
 * capabilities, and the partner already waiting. It does what the general
 * path (ipc.c) does for that case, with identical results, but switches
 * straight to the partner: no queue of the scheduler is touched, and the
 * message never goes through memory: entry.asm enters the partner with
 * the sender's registers (fast_exit). Anything it does not handle (a
 * capability, a long message, nobody waiting, a pending interrupt, a
 * partner that should not run next) falls back to the general path before
 * any state has changed.
 *
 * It assumes: interrupts are off (they are in the kernel); t is current
 * and in a system call, its frame whole, so it holds the arguments; a
 * thread waiting in recv has no unanswered call (recv drops it) and sits
 * in no run queue. */
#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/ipc.h>
#include <kestrel/syscall.h>

#include "arch/x86_64/switch.h"
#include "endpoint.h"
#include "fastpath.h"
#include "printf.h"
#include "sched.h"
#include "task.h"
#include "thread.h"

_Static_assert(offsetof(struct thread, t_frame) == 0, "entry.asm passes the frame as the thread");
_Static_assert(E_OK == 0, "entry.asm: fast_exit's result");

/* entry.asm's ways in for the two calls. */
extern const char syscall_fast_call[], syscall_fast_reply_recv[];

void fastpath_init(void)
{
	kprintf("kernel: IPC fast path on\n");
	syscall_entries[SYS_CALL] = syscall_fast_call;
	syscall_entries[SYS_REPLY_RECV] = syscall_fast_reply_recv;
}

/* The endpoint of t's call if the fast path may take it, or NULL. The low
 * half of msginfo must be a length alone (no capabilities, no other bits)
 * of at most MSG_REG_WORDS: then it is also what the partner receives
 * (ipc.c's transfer), and fast_exit reads the length from it. Slot 0 is
 * always empty; an endpoint's generation changes when it dies (kobj.h),
 * so a capability of the current generation names a live endpoint. */
static inline struct endpoint *fast_endpoint(struct thread *t, unsigned rights)
{
	const struct cap *c = &t->t_task->t_caps[t->t_frame.rdi];
	struct endpoint *ep;

	if ((uint32_t)t->t_frame.rsi > MSG_REG_WORDS || t->t_frame.rdi >= CAP_SLOTS ||
	    c->c_type != CAP_ENDPOINT || (c->c_rights & rights) != rights)
		return NULL;
	ep = &endpoints[c->c_obj];
	return ep->ep_obj.ko_gen == c->c_gen ? ep : NULL;
}

static inline struct thread *switch_to(struct thread *r)
{
	r->t_state = TS_READY;
	if (r->t_slice == 0)
		r->t_slice = SCHED_SLICE_TICKS;
	current = r;
	return arch_switch(r);
}

/* call: t sends to the receiver waiting on the endpoint and waits for the
 * answer. */
struct thread *fastpath_call(struct thread *t)
{
	struct endpoint *ep = fast_endpoint(t, R_WRITE);
	struct thread *r = ep ? ep->ep_head : NULL;

	__asm__("" : "+r"(ep)); /* in a register: gcc would compute it again after each store */
	if (!r || r->t_state != TS_RECV || r->t_timed || r->t_prio < sched_top)
		syscall_dispatch(&t->t_frame);

	endpoint_dequeue(ep, r);
	t->t_call_seq++;
	t->t_state = TS_REPLY;
	/* Field by field: a reply capability's other fields are always 0. */
	r->t_caller.c_type = CAP_REPLY;
	r->t_caller.c_rights = R_WRITE;
	r->t_caller.c_obj = t->t_index;
	r->t_caller.c_gen = t->t_call_seq;
	r->t_frame.rdi = t->t_task->t_caps[t->t_frame.rdi].c_word; /* the badge */
	return switch_to(r);
}

/* reply_recv: t answers its caller, which runs next, and waits on the
 * endpoint. */
struct thread *fastpath_reply_recv(struct thread *t)
{
	struct endpoint *ep = t->t_caller.c_type == CAP_REPLY ? fast_endpoint(t, R_READ) : NULL;
	struct thread *c = &threads[t->t_caller.c_obj];

	__asm__("" : "+r"(c), "+r"(ep)); /* in registers: gcc would compute them again after each store */
	if (!ep || c->t_state != TS_REPLY || c->t_in_fault || c->t_call_seq != t->t_caller.c_gen ||
	    ep->ep_notify || (ep->ep_head && ep->ep_head->t_state == TS_SEND) || c->t_prio < sched_top)
		syscall_dispatch(&t->t_frame);

	t->t_caller.c_type = CAP_EMPTY;
	c->t_call_seq++;
	c->t_frame.rdi = 0;
	t->t_state = TS_RECV;
	endpoint_enqueue(ep, t);
	return switch_to(c);
}

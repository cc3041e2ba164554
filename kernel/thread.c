/* Threads: allocation, start, destruction, and faults turned into
 * messages. */
#include "thread.h"

#include <kestrel/boot.h>
#include <kestrel/error.h>
#include <kestrel/fault.h>
#include <kestrel/ipc.h>

#include "arch/x86_64/percpu.h"
#include "arch/x86_64/pte.h"
#include "arch/x86_64/switch.h"
#include "endpoint.h"
#include "panic.h"
#include "pool.h"
#include "printf.h"
#include "sched.h"
#include "task.h"

struct thread threads[MAX_THREADS];

/* A new thread in task (charged to pool by the caller). */
static struct thread *thread_alloc(struct task *task, uint32_t pool, uint8_t prio)
{
	for (size_t i = 0; i < MAX_THREADS; i++) {
		struct thread *t = &threads[i];
		uint32_t seq = t->t_call_seq;

		if (t->t_state != TS_FREE || t->t_obj.ko_live)
			continue;
		/* Keep the generation and call sequence: stale capabilities
		 * and reply capabilities must not match the new thread. */
		struct kobj obj = t->t_obj;
		*t = (struct thread){ 0 };
		t->t_obj = obj;
		t->t_call_seq = seq + 1;
		kobj_init(&t->t_obj, CAP_THREAD);
		t->t_state = TS_INACTIVE;
		t->t_prio = prio;
		t->t_task = task;
		t->t_index = (uint32_t)i;
		t->t_pool = pool;
		return t;
	}
	panic("thread: table full, though pools' quotas of threads add up to it");
}

int thread_create_in(struct task *task, uint32_t pool, uint64_t buf_va, uint8_t prio, struct thread **out)
{
	struct thread *nt;
	paddr_t pa;
	int err;

	if (buf_va & (FRAME_SIZE - 1) || buf_va == 0 || buf_va >= USER_TOP)
		return E_BAD_ARG;
	if (pool_take_object(pool, POOL_OBJ_THREAD) != E_OK)
		return E_LIMIT;
	nt = thread_alloc(task, pool, prio);
	err = pool_alloc_page(pool, &pa);
	if (err == E_OK) {
		err = task_map(task, buf_va, pa, NULL, 1, PTE_W | PTE_NX, true);
		if (err != E_OK)
			frame_unref(pa);
	}
	if (err != E_OK) {
		thread_destroy(nt);
		return err;
	}
	nt->t_ipcbuf_pa = pa;
	nt->t_ipcbuf_va = buf_va;
	*out = nt;
	return E_OK;
}

bool thread_cancel_wait(struct thread *t, int err)
{
	bool waiting = t->t_state == TS_SEND || t->t_state == TS_RECV || t->t_state == TS_REPLY;
	bool exiting = waiting && t->t_in_fault && t->t_fault[FAULT_W_KIND] == FAULT_EXIT;

	if (t->t_state == TS_SEND || t->t_state == TS_RECV)
		endpoint_dequeue(t->t_ep, t);
	else if (t->t_state == TS_REPLY)
		t->t_call_seq++; /* the reply capability no longer matches */
	else if (t->t_state == TS_READY)
		sched_dequeue(t);
	sched_timeout_remove(t);
	/* Only an interrupted system call has a result; a thread that was
	 * preempted or took an exception keeps its registers. */
	if (waiting && (!t->t_in_fault || t->t_frame.vector == VEC_SYSCALL))
		thread_set_result(t, err);
	t->t_in_fault = false;
	if (exiting)
		t->t_state = TS_EXITED;
	return !exiting;
}

void thread_destroy(struct thread *t)
{
	kobj_kill(&t->t_obj);
	thread_cancel_wait(t, E_DEAD);
	ipc_drop_reply(&t->t_caller, E_DEAD);
	t->t_caller = (struct cap){ 0 };
	t->t_fault_ep = (struct cap){ 0 };
	if (t->t_ipcbuf_pa) {
		/* The buffer goes with the thread, so another can be made there. */
		if (t->t_task->t_obj.ko_live)
			task_unmap_if(t->t_task, t->t_ipcbuf_va, t->t_ipcbuf_pa);
		frame_unref(t->t_ipcbuf_pa);
	}
	t->t_ipcbuf_pa = 0;
	fpu_forget(t);
	t->t_state = TS_FREE;
	if (t == current)
		current = NULL;
	pool_put_object(t->t_pool, POOL_OBJ_THREAD);
}

void thread_start(struct thread *t, uint64_t rip, uint64_t rsp, uint64_t arg)
{
	/* vector: not a syscall's frame, so the way out is iretq */
	t->t_frame = (struct trap_frame){ .rip = rip,
		                          .rsp = rsp,
		                          .rdi = arg,
		                          .cs = SEL_UCODE,
		                          .ss = SEL_UDATA,
		                          .rflags = RFLAGS_USER,
		                          .vector = VEC_FIRST_IRQ };
	t->t_fs_base = 0;
	t->t_state = TS_READY;
	t->t_slice = SCHED_SLICE_TICKS;
	sched_enqueue(t, 0);
}

void thread_fault(struct thread *t, uint64_t kind, uint64_t addr, uint64_t code)
{
	struct cap *ep = &t->t_fault_ep;

	t->t_fault[FAULT_W_KIND] = kind;
	t->t_fault[FAULT_W_ADDR] = addr;
	t->t_fault[FAULT_W_IP] = t->t_frame.rip;
	t->t_fault[FAULT_W_CODE] = code;
	t->t_fault[FAULT_W_THREAD] = thread_index(t);
	t->t_fault[FAULT_W_SP] = t->t_frame.rsp;
	if (ep->c_type != CAP_ENDPOINT || !cap_is_live(ep)) {
		if (kind != FAULT_EXIT)
			kprintf("kernel: thread %u faulted (kind %lu at %#lx, ip %#lx) with no handler; "
			        "suspended\n",
			        thread_index(t), kind, addr, t->t_frame.rip);
		t->t_state = kind == FAULT_EXIT ? TS_EXITED : TS_SUSPENDED;
		return;
	}
	t->t_in_fault = true;
	t->t_send_badge = ep->c_word;
	t->t_send_grant = false;
	t->t_send_call = kind != FAULT_EXIT;
	ipc_send_fault(t, &endpoints[ep->c_obj]);
}

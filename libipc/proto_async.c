/* Calls outstanding (proto_start/proto_finish: call workers make the
 * calls) and page-aligned lease buffers. Apart from proto.c, which the
 * host tests compile against stand-ins for the IPC calls. */
#include "proto.h"

#include "ipc.h"
#include "syscalls.h"
#include "uthread.h"
#include "vspace.h"

#define WORK_LABEL 0x0F02 /* proto_start's messages: a system label, no protocol's */

static uint64_t work_ep; /* where proto_start hands calls to the workers */
static uint64_t async_pool;

static long worker(uint64_t arg)
{
	struct msg m;

	(void)arg;
	while (ipc_recv(work_ep, IPC_FOREVER, &m) == E_OK) {
		struct proto_pending *p = (struct proto_pending *)m.w[0];

		if (msg_label(&m) != WORK_LABEL || msg_words(&m) != 1)
			continue; /* only proto_start sends here */
		p->pp_result = proto_call(p->pp_client, p->pp_op, p->pp_flags, p->pp_req, p->pp_req_size,
		                          p->pp_rep, p->pp_rep_size, p->pp_xfer);
		__atomic_store_n(&p->pp_done, 1, __ATOMIC_RELEASE);
		if (p->pp_notify != CAP_NULL)
			sys_signal(p->pp_notify);
	}
	return 0;
}

long proto_async_init(unsigned workers, unsigned prio, uint64_t pool, uint64_t fault_ep)
{
	struct uthread_info ui;
	long e;

	if (work_ep != CAP_NULL)
		return E_EXISTS;
	work_ep = slot_alloc();
	if (work_ep == CAP_NULL)
		return E_LIMIT;
	if ((e = sys_endpoint_create(pool, work_ep)) != E_OK) {
		slot_free(work_ep);
		work_ep = CAP_NULL;
		return e;
	}
	async_pool = pool;
	for (unsigned i = 0; i < workers; i++)
		if ((e = uthread_create(worker, 0, prio, fault_ep, pool, &ui)) != E_OK)
			return e;
	return E_OK;
}

long proto_start(struct proto_pending *p)
{
	struct msg m;

	if (work_ep == CAP_NULL)
		return E_BAD_STATE;
	p->pp_done = 0;
	p->pp_result = 0;
	msg_init(&m, WORK_LABEL, 1);
	m.w[0] = (uint64_t)p;
	return ipc_send(work_ep, &m);
}

long proto_finish(struct proto_pending *p, uint64_t wait_ep)
{
	struct msg m;
	long e;

	while (!__atomic_load_n(&p->pp_done, __ATOMIC_ACQUIRE))
		if ((e = ipc_recv(wait_ep, IPC_FOREVER, &m)) != E_OK)
			return e;
	return p->pp_result;
}

void *proto_lease_alloc(size_t bytes)
{
	uint64_t pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE, frame = slot_alloc(), va;

	if (frame == CAP_NULL)
		return NULL;
	va = vspace_alloc(pages * PAGE_SIZE, PAGE_SIZE);
	if (!pages || !va || sys_mem_alloc(async_pool ? async_pool : proto_pool(), frame, pages, 0) != E_OK ||
	    sys_mem_map(vspace_self(), frame, va, R_READ | R_WRITE, 0, 0) != E_OK)
		va = 0;
	sys_cap_delete(frame); /* the mapping holds the pages */
	slot_free(frame);
	return (void *)va;
}

void proto_lease_free(void *buf, size_t bytes)
{
	if (buf)
		sys_mem_unmap(vspace_self(), (uint64_t)buf, (bytes + PAGE_SIZE - 1) / PAGE_SIZE);
}

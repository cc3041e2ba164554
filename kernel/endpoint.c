/* Endpoint objects and their wait queues. */
#include "endpoint.h"

#include <kestrel/error.h>

#include "irq.h"
#include "panic.h"
#include "pool.h"
#include "sched.h"
#include "thread.h"

struct endpoint endpoints[MAX_ENDPOINTS];

struct endpoint *endpoint_alloc(uint32_t pool)
{
	if (pool_take_object(pool, POOL_OBJ_ENDPOINT) != E_OK)
		return NULL;
	for (size_t i = 0; i < MAX_ENDPOINTS; i++) {
		struct endpoint *ep = &endpoints[i];

		if (ep->ep_obj.ko_live)
			continue;
		kobj_init(&ep->ep_obj, CAP_ENDPOINT);
		ep->ep_head = ep->ep_tail = NULL;
		ep->ep_notify = 0;
		ep->ep_pool = pool;
		return ep;
	}
	panic("endpoint: table full, though pools' quotas of endpoints add up to it");
}

void endpoint_destroy(struct endpoint *ep)
{
	kobj_kill(&ep->ep_obj);
	while (ep->ep_head) {
		struct thread *t = ep->ep_head;

		if (thread_cancel_wait(t, E_DEAD))
			sched_make_ready(t, false);
	}
	irq_unbind_endpoint((uint32_t)(ep - endpoints));
	ep->ep_notify = 0;
	pool_put_object(ep->ep_pool, POOL_OBJ_ENDPOINT);
}

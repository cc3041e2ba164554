/* Object incarnations and the reap list. */
#include "kobj.h"

#include <kestrel/cap.h>

#include "endpoint.h"
#include "panic.h"
#include "pool.h"
#include "share.h"
#include "task.h"
#include "thread.h"

#define container_of(p, type, member) ((type *)((char *)(p) - __builtin_offsetof(type, member)))

static struct kobj *reap_head;

void kobj_init(struct kobj *o, unsigned type)
{
	kassert(!o->ko_live);
	o->ko_type = (uint8_t)type;
	o->ko_refs = 0;
	o->ko_live = true;
	o->ko_forced = false;
	o->ko_owner = NO_OWNER;
	/* ko_doomed stays: it says whether o is on the reap list, which a
	 * new incarnation may still be (kobj_reap skips live referenced ones). */
}

void kobj_set_owner(struct kobj *o, uint32_t task, uint32_t gen)
{
	o->ko_owner = task;
	o->ko_owner_gen = gen;
}

static void doom_if_owned(struct kobj *o, uint32_t task, uint32_t gen)
{
	if (o->ko_live && o->ko_owner == task && o->ko_owner_gen == gen) {
		o->ko_forced = true;
		kobj_doom(o);
	}
}

void kobj_doom_owned(uint32_t task, uint32_t gen)
{
	for (size_t i = 0; i < MAX_TASKS; i++)
		doom_if_owned(&tasks[i].t_obj, task, gen);
	for (size_t i = 0; i < MAX_ENDPOINTS; i++)
		doom_if_owned(&endpoints[i].ep_obj, task, gen);
	for (size_t i = 0; i < MAX_POOLS; i++)
		doom_if_owned(&pools[i].p_obj, task, gen);
	for (size_t i = 0; i < MAX_SHARES; i++)
		doom_if_owned(&shares[i].s_obj, task, gen);
}

void kobj_kill(struct kobj *o)
{
	o->ko_live = false;
	o->ko_gen++;
	o->ko_refs = 0;
}

void kobj_doom(struct kobj *o)
{
	if (o->ko_doomed)
		return;
	o->ko_doomed = true;
	o->ko_reap_next = reap_head;
	reap_head = o;
}

void kobj_destroy(struct kobj *o)
{
	switch (o->ko_type) {
	case CAP_TASK:
		task_destroy(container_of(o, struct task, t_obj));
		break;
	case CAP_THREAD:
		thread_destroy(container_of(o, struct thread, t_obj));
		break;
	case CAP_ENDPOINT:
		endpoint_destroy(container_of(o, struct endpoint, ep_obj));
		break;
	case CAP_POOL:
		pool_release(container_of(o, struct pool, p_obj));
		break;
	case CAP_SHARE:
		share_destroy(container_of(o, struct share, s_obj));
		break;
	default:
		panic("kobj: destroy of type %u", o->ko_type);
	}
}

void kobj_reap(void)
{
	while (reap_head) {
		struct kobj *o = reap_head;

		reap_head = o->ko_reap_next;
		o->ko_doomed = false;
		if (o->ko_live && (o->ko_refs == 0 || o->ko_forced))
			kobj_destroy(o); /* else destroyed meanwhile, or a capability came back */
	}
}

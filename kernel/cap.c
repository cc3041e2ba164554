/* Capability tables: lookup, install, clear. */
#include "cap.h"

#include <kestrel/error.h>

#include "endpoint.h"
#include "panic.h"
#include "pool.h"
#include "share.h"
#include "task.h"
#include "thread.h"

struct cap *cap_slot(struct task *t, uint64_t slot)
{
	if (slot == CAP_NULL || slot >= CAP_SLOTS)
		return NULL;
	return &t->t_caps[slot];
}

struct kobj *cap_kobj(const struct cap *c)
{
	switch (c->c_type) {
	case CAP_TASK:
		return c->c_obj < MAX_TASKS ? &tasks[c->c_obj].t_obj : NULL;
	case CAP_THREAD:
		return c->c_obj < MAX_THREADS ? &threads[c->c_obj].t_obj : NULL;
	case CAP_ENDPOINT:
		return c->c_obj < MAX_ENDPOINTS ? &endpoints[c->c_obj].ep_obj : NULL;
	case CAP_POOL:
		return c->c_obj < MAX_POOLS ? &pools[c->c_obj].p_obj : NULL;
	case CAP_SHARE:
		return c->c_obj < MAX_SHARES ? &shares[c->c_obj].s_obj : NULL;
	default:
		return NULL;
	}
}

bool cap_is_live(const struct cap *c)
{
	const struct kobj *o = cap_kobj(c);

	if (c->c_type == CAP_EMPTY)
		return false;
	if (c->c_type == CAP_REPLY) {
		const struct thread *caller = &threads[c->c_obj];

		return c->c_obj < MAX_THREADS && caller->t_state == TS_REPLY &&
		       caller->t_call_seq == c->c_gen;
	}
	return !o || (o->ko_live && o->ko_gen == c->c_gen);
}

void cap_install(struct cap *slot, const struct cap *c)
{
	struct kobj *o = cap_kobj(c);

	kassert(slot->c_type == CAP_EMPTY);
	*slot = *c;
	if (o)
		o->ko_refs++;
	if (c->c_type == CAP_FRAME && (c->c_flags & FRAME_COUNTED))
		for (uint64_t i = 0; i < c->c_count; i++)
			frame_ref(c->c_word + i * FRAME_SIZE);
}

void cap_install_obj(struct cap *slot, const struct kobj *o, uint32_t index, unsigned rights)
{
	cap_install(slot, &(struct cap){ .c_type = o->ko_type,
	                                 .c_rights = (uint8_t)rights,
	                                 .c_obj = index,
	                                 .c_gen = o->ko_gen });
}

void cap_move(struct cap *dst, struct cap *src, unsigned rights)
{
	kassert(dst->c_type == CAP_EMPTY);
	*dst = *src;
	dst->c_rights &= (uint8_t)rights;
	*src = (struct cap){ 0 };
}

void cap_clear(struct cap *slot, int reply_error)
{
	struct cap c = *slot;
	struct kobj *o = cap_kobj(&c);

	*slot = (struct cap){ 0 };
	if (c.c_type == CAP_REPLY) {
		ipc_drop_reply(&c, reply_error);
	} else if (c.c_type == CAP_FRAME && (c.c_flags & FRAME_COUNTED)) {
		for (uint64_t i = 0; i < c.c_count; i++)
			frame_unref(c.c_word + i * FRAME_SIZE);
	} else if (o && o->ko_gen == c.c_gen && o->ko_live) {
		kassert(o->ko_refs > 0);
		if (--o->ko_refs == 0)
			kobj_doom(o);
	}
}

uint64_t cap_free_slot(struct task *t)
{
	for (uint64_t i = 1; i < CAP_SLOTS; i++)
		if (t->t_caps[i].c_type == CAP_EMPTY)
			return i;
	return 0;
}

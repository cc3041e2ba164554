/* Capabilities and capability tables. A capability names an object by its
 * index in that object type's table plus the generation the object had
 * when the capability was made: destroying an object bumps its generation,
 * so every capability to it stops working at once without being found. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/cap.h>
#include <kestrel/error.h>

#include "kobj.h"

/* Invariants: c_type CAP_EMPTY means every other field is zero. For
 * counted objects (task, thread, endpoint, pool, share) a live capability holds
 * one reference (kobj.ko_refs). For RAM frames it holds one reference on
 * each page (pool.c). Only the kernel, interrupts off, touches these. */
struct cap {
	uint8_t c_type;
	uint8_t c_rights;
	uint16_t c_flags; /* frame: FRAME_* */
	uint32_t c_obj;   /* object index; irq: line; reply: caller thread index */
	uint32_t c_gen;   /* object generation; reply: the caller's call sequence */
	uint32_t c_count; /* frame: pages; ioport: ports */
	uint64_t c_word;  /* endpoint: badge; frame: physical address; ioport: first port */
};

_Static_assert(sizeof(struct cap) == 24, "cap layout");

/* c_flags of frame capabilities. */
enum {
	FRAME_COUNTED = 1 << 0, /* RAM from a pool: the capability holds page references */
	FRAME_DEVICE = 1 << 1,  /* device registers: mapped uncached */
};

struct task;

/* The slot of task t, or NULL if slot is out of range. const: only
 * arithmetic on its arguments (t_caps is inside the task), so the compiler
 * merges two lookups of one slot, as send's reply test and cap_lookup. */
__attribute__((const)) struct cap *cap_slot(struct task *t, uint64_t slot);

/* Whether the object a capability names still exists. */
bool cap_is_live(const struct cap *c);

/* Finds a live capability of the given type with at least the given
 * rights in t's slot. Returns E_OK and the capability, or E_BAD_CAP (empty,
 * out of range, stale), E_WRONG_TYPE or E_NO_RIGHTS. Inline: every system
 * call on a capability starts here, and out stays in a register. */
static inline int cap_lookup(struct task *t, uint64_t slot, unsigned type, unsigned rights, struct cap **out)
{
	struct cap *c = cap_slot(t, slot);

	if (!c || !cap_is_live(c))
		return E_BAD_CAP;
	if (c->c_type != type)
		return E_WRONG_TYPE;
	if ((c->c_rights & rights) != rights)
		return E_NO_RIGHTS;
	*out = c;
	return E_OK;
}

/* Writes c into an empty slot, taking the references a capability holds. */
void cap_install(struct cap *slot, const struct cap *c);

/* Installs a capability with rights to the counted object o, which is
 * entry index of its type's table. */
void cap_install_obj(struct cap *slot, const struct kobj *o, uint32_t index, unsigned rights);

/* Moves the capability in src into the empty slot dst with rights masked
 * by rights: the references (and a reply capability's call) go with it. */
void cap_move(struct cap *dst, struct cap *src, unsigned rights);

/* Empties a slot, dropping its references: the last reference destroys
 * the object. A reply capability being dropped wakes its caller with
 * reply_error. */
void cap_clear(struct cap *slot, int reply_error);

/* Index of the lowest empty slot of t at or above 1, or 0 if none. */
uint64_t cap_free_slot(struct task *t);

/* The object header a counted capability refers to (task, thread,
 * endpoint, pool, share), or NULL for other types. */
struct kobj *cap_kobj(const struct cap *c);

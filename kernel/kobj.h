/* The header every counted kernel object (task, thread, endpoint, pool)
 * starts with: generation, capability references, and the reap list that
 * destroys objects whose last capability went, one at a time, so that
 * destroying a task that held the last capability to another task does not
 * recurse. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* ko_gen changes on destruction, so capabilities made before it stop
 * matching. ko_refs counts live capabilities to this incarnation. */
struct kobj {
	uint32_t ko_gen;
	uint32_t ko_refs;
	uint8_t ko_type; /* enum cap_type */
	bool ko_live;
	bool ko_doomed; /* on the reap list */
	struct kobj *ko_reap_next;
};

/* Starts a new incarnation in a free table entry. */
void kobj_init(struct kobj *o, unsigned type);

/* Ends the incarnation: every capability to it goes stale. */
void kobj_kill(struct kobj *o);

/* The last capability to o went: destroy it at the next kobj_reap(). */
void kobj_doom(struct kobj *o);

/* Destroys every doomed object, including those doomed meanwhile. */
void kobj_reap(void);

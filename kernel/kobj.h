/* The header every counted kernel object (task, thread, endpoint, pool)
 * starts with: generation, capability references, owner, and the reap list
 * that destroys objects one at a time, so that destroying a task that held
 * the last capability to another task does not recurse.
 *
 * An object dies when its last capability goes, when it is destroyed
 * explicitly, or when the task that created it (its owner) dies. The last
 * rule is what frees objects that only hold each other (two tasks with
 * capabilities to each other, a task with one to itself): whoever made
 * them can always be destroyed, and everything it made goes with it. */
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
	bool ko_doomed;    /* on the reap list */
	bool ko_forced;    /* destroy even if capabilities remain (its owner died) */
	uint32_t ko_owner; /* index of the task that made it, or NO_OWNER */
	uint32_t ko_owner_gen;
	struct kobj *ko_reap_next;
};

#define NO_OWNER 0xFFFFFFFFu

/* Starts a new incarnation in a free table entry, owned by nobody. */
void kobj_init(struct kobj *o, unsigned type);

/* Records the task (index, generation) that made o. */
void kobj_set_owner(struct kobj *o, uint32_t task, uint32_t gen);

/* Dooms, forcibly, every object owned by the task incarnation given. */
void kobj_doom_owned(uint32_t task, uint32_t gen);

/* Ends the incarnation: every capability to it goes stale. */
void kobj_kill(struct kobj *o);

/* The last capability to o went: destroy it at the next kobj_reap(). */
void kobj_doom(struct kobj *o);

/* Destroys o now, by its type's own destructor (a pool gives its quota
 * back to its parent instead). */
void kobj_destroy(struct kobj *o);

/* Destroys every doomed object, including those doomed meanwhile. */
void kobj_reap(void);

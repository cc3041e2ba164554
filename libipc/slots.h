/* The task's capability slots: which are in use, as far as this task
 * knows. The kernel fills slots on its own when a message carries
 * capabilities; the IPC stubs claim those (slot_claim), so that they are
 * never handed out twice.
 *
 * slot_alloc() takes the highest free slot. The kernel puts received
 * capabilities in the lowest empty slots, so handing out from the other end
 * keeps a slot we reserved but have not filled yet from being taken by a
 * receive in the meantime. Safe to call from several threads of the task
 * (atomic bit operations). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Slots below first_free (boot_info.bi_first_free_slot) stay in use. */
void slots_init(uint64_t first_free);

/* A free slot, now in use; CAP_NULL when the table is full. */
uint64_t slot_alloc(void);

/* Returns a slot to the allocator. The caller empties it first. */
void slot_free(uint64_t slot);

/* Marks a slot the kernel filled as in use. */
void slot_claim(uint64_t slot);

bool slot_in_use(uint64_t slot);

/* Tracking for whoever wants to release everything a stretch of work
 * allocated (the test harness): slots_track_reset() forgets, and
 * slots_tracked_next(after) returns the lowest slot above after that was
 * allocated or claimed since and not freed, CAP_NULL when none. */
void slots_track_reset(void);
uint64_t slots_tracked_next(uint64_t after);

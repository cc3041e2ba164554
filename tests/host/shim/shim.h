/* The fake kernel of the protocol layer's host test (shim.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "ipc.h"
#include "syscalls.h"

#define SHIM_SLOTS 128

struct fake_cap {
	int fc_type; /* enum cap_type */
	unsigned fc_rights;
	unsigned fc_obj; /* a share's index */
	bool fc_live;
};

extern struct fake_cap fake_caps[SHIM_SLOTS];
extern uint64_t shim_clock; /* ms: what sys_clock_ms answers; tests move it */

/* Empties the table and forgets every share, buffer and mapping. */
void shim_reset(void);
/* A buffer of pages that share_create accepts (memfd pages). */
uint8_t *shim_buffer(uint64_t pages);
/* A capability of type with rights in a fresh slot. */
uint64_t shim_cap(int type, unsigned rights);
unsigned shim_live_caps(void);
unsigned shim_mappings(void);
unsigned shim_live_shares(void);
/* What the kernel does to a message's capabilities on the way: copies
 * (or moves) each into a fresh slot of the receiver (the same table). */
void shim_transfer(struct msg *m, bool move);

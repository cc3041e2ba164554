/* The rings of the NIC protocol (include/kestrel/proto/nic.h), for both
 * of its sides: the driver and its client use this same code. Each side
 * keeps the index it owns here and never reads it back from the shared
 * page, where the other side could have changed it; the other side's
 * index is read once a call and checked before anything is taken or
 * written, so a broken or hostile peer can make a ring look empty or
 * full, never make one side read or write outside it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/proto/nic.h>

/* One side's end of a ring: the producer's or the consumer's. */
struct nic_ring_end {
	volatile struct nic_ring *re_ring;
	uint32_t re_index; /* the producer's entries put, or the consumer's entries taken */
	bool re_producer;
};

/* Takes one end of ring r from index 0, and writes that index to the
 * ring (the producer's nr_head, the consumer's nr_tail). */
void nic_ring_open(struct nic_ring_end *e, volatile struct nic_ring *r, bool producer);

/* The producer's room: entries it may put now (0 when the consumer's
 * index is not within the ring's last NIC_RING_SIZE entries put). */
unsigned nic_ring_room(const struct nic_ring_end *e);

/* The producer puts x. False, and nothing written, when there is no
 * room. */
bool nic_ring_put(struct nic_ring_end *e, struct nic_entry x);

/* The consumer takes the next entry into *x: NIC_RING_TOOK, NIC_RING_EMPTY,
 * or NIC_RING_BROKEN when the producer's index claims more than
 * NIC_RING_SIZE entries waiting (nothing is taken). */
enum nic_ring_got { NIC_RING_TOOK = 1, NIC_RING_EMPTY = 0, NIC_RING_BROKEN = -1 };
enum nic_ring_got nic_ring_get(struct nic_ring_end *e, struct nic_entry *x);

/* The consumer: entries waiting (0 for a broken ring). */
unsigned nic_ring_waiting(const struct nic_ring_end *e);

/* The NIC protocol's rings (see nic_ring.h). Each index the other side
 * reads is published with a release store after the entry it shows (the
 * producer's) or after the entry was read (the consumer's, so that the
 * producer does not write over it first); the other side's index is read
 * with an acquire load, then its entry once. */
#include "nic_ring.h"

void nic_ring_open(struct nic_ring_end *e, volatile struct nic_ring *r, bool producer)
{
	*e = (struct nic_ring_end){ r, 0, producer };
	__atomic_store_n(producer ? &r->nr_head : &r->nr_tail, 0, __ATOMIC_RELEASE);
}

unsigned nic_ring_room(const struct nic_ring_end *e)
{
	uint32_t taken = __atomic_load_n(&e->re_ring->nr_tail, __ATOMIC_ACQUIRE);
	uint32_t used = e->re_index - taken; /* modulo 2^32, as the indexes wrap */

	return used > NIC_RING_SIZE ? 0 : NIC_RING_SIZE - used;
}

bool nic_ring_put(struct nic_ring_end *e, struct nic_entry x)
{
	volatile struct nic_entry *slot = &e->re_ring->nr_entry[e->re_index % NIC_RING_SIZE];

	if (nic_ring_room(e) == 0)
		return false;
	slot->ne_buf = x.ne_buf;
	slot->ne_len = x.ne_len;
	e->re_index++;
	__atomic_store_n(&e->re_ring->nr_head, e->re_index, __ATOMIC_RELEASE);
	return true;
}

unsigned nic_ring_waiting(const struct nic_ring_end *e)
{
	uint32_t waiting = __atomic_load_n(&e->re_ring->nr_head, __ATOMIC_ACQUIRE) - e->re_index;

	return waiting > NIC_RING_SIZE ? 0 : waiting;
}

enum nic_ring_got nic_ring_get(struct nic_ring_end *e, struct nic_entry *x)
{
	uint32_t waiting = __atomic_load_n(&e->re_ring->nr_head, __ATOMIC_ACQUIRE) - e->re_index;
	volatile struct nic_entry *slot = &e->re_ring->nr_entry[e->re_index % NIC_RING_SIZE];

	if (waiting > NIC_RING_SIZE)
		return NIC_RING_BROKEN;
	if (waiting == 0)
		return NIC_RING_EMPTY;
	/* Read once: what the producer writes there later changes nothing. */
	x->ne_buf = slot->ne_buf;
	x->ne_len = slot->ne_len;
	e->re_index++;
	__atomic_store_n(&e->re_ring->nr_tail, e->re_index, __ATOMIC_RELEASE);
	return NIC_RING_TOOK;
}

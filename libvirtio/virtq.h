/* A split virtqueue (virtio 1.x, 2.6): the descriptor table, the driver's
 * (available) ring and the device's (used) ring, in memory both the
 * driver and the device reach. No hardware here: the host tests drive it
 * against memory with a simulated device (tests/host/test_virtq.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTQ_DESC_F_NEXT  1
#define VIRTQ_DESC_F_WRITE 2 /* the device writes this buffer */

struct virtq_desc {
	uint64_t addr; /* physical */
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* size entries, then used_event */
};

struct virtq_used_elem {
	uint32_t id;  /* head of the chain */
	uint32_t len; /* bytes the device wrote */
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[]; /* size entries, then avail_event */
};

/* One buffer of a request: where, how long, and whether the device writes
 * it (else reads it). */
struct virtq_buf {
	uint64_t vb_addr;
	uint32_t vb_len;
	bool vb_device_writes;
};

/* Invariants: the free descriptors form a list from vq_free through
 * next, vq_nfree long; vq_avail_idx is the driver's next avail index and
 * vq_last_used the next used entry to look at (both count up, wrapping at
 * 2^16 as the rings' indexes do). */
struct virtq {
	uint16_t vq_size; /* a power of two */
	volatile struct virtq_desc *vq_desc;
	volatile struct virtq_avail *vq_avail;
	volatile struct virtq_used *vq_used;
	uint64_t vq_desc_pa, vq_avail_pa, vq_used_pa;
	uint16_t vq_free, vq_nfree;
	uint16_t vq_avail_idx, vq_last_used;
};

/* Bytes of memory a queue of size entries takes (virtq_init lays it out:
 * the table, the available ring, the used ring at a 4-byte boundary). */
size_t virtq_bytes(uint16_t size);

/* Lays out a queue of size entries (a power of two, at most 32768) in
 * mem, whose physical address is pa, all of it zeroed, every descriptor
 * free. */
void virtq_init(struct virtq *q, uint16_t size, void *mem, uint64_t pa);

/* Makes the n buffers one chain and offers it to the device: returns the
 * head descriptor's index (what virtq_next_used reports when the device is
 * done), or -1 when fewer than n descriptors are free (nothing changed).
 * The caller then notifies the device. */
int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned n);

/* The next chain the device finished, if any: its head and the bytes it
 * wrote. Its descriptors are free again. A used entry naming no
 * descriptor of the queue reports VIRTQ_NO_HEAD (and frees nothing). */
#define VIRTQ_NO_HEAD 0xFFFF
bool virtq_next_used(struct virtq *q, uint16_t *head, uint32_t *len);

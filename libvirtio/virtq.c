/* The split virtqueue (see virtq.h). The device reads the descriptors and
 * the available ring and writes the used ring at any moment: every index
 * the other side reads is published with a release store after what it
 * names, and the device's index is read with an acquire load. */
#include "virtq.h"

#include <string.h>

size_t virtq_bytes(uint16_t size)
{
	size_t avail = sizeof(struct virtq_avail) + (size + 1) * sizeof(uint16_t);
	size_t used = sizeof(struct virtq_used) + size * sizeof(struct virtq_used_elem) + sizeof(uint16_t);

	return ((size * sizeof(struct virtq_desc) + avail + 3) & ~(size_t)3) + used;
}

void virtq_init(struct virtq *q, uint16_t size, void *mem, uint64_t pa)
{
	size_t desc = size * sizeof(struct virtq_desc);
	size_t used_at = (desc + sizeof(struct virtq_avail) + (size + 1) * sizeof(uint16_t) + 3) & ~(size_t)3;

	memset(mem, 0, virtq_bytes(size));
	q->vq_size = size;
	q->vq_desc = mem;
	q->vq_avail = (void *)((char *)mem + desc);
	q->vq_used = (void *)((char *)mem + used_at);
	q->vq_desc_pa = pa;
	q->vq_avail_pa = pa + desc;
	q->vq_used_pa = pa + used_at;
	for (uint16_t i = 0; i < size; i++)
		q->vq_desc[i].next = (uint16_t)(i + 1);
	q->vq_free = 0;
	q->vq_nfree = size;
	q->vq_avail_idx = q->vq_last_used = 0;
}

int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned n)
{
	uint16_t head = q->vq_free, d = head;

	if (n == 0 || n > q->vq_nfree)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		volatile struct virtq_desc *e = &q->vq_desc[d];

		e->addr = bufs[i].vb_addr;
		e->len = bufs[i].vb_len;
		e->flags = (uint16_t)((bufs[i].vb_device_writes ? VIRTQ_DESC_F_WRITE : 0) |
		                      (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		if (i + 1 < n)
			d = e->next;
	}
	q->vq_free = q->vq_desc[d].next;
	q->vq_nfree = (uint16_t)(q->vq_nfree - n);
	q->vq_avail->ring[q->vq_avail_idx & (q->vq_size - 1)] = head;
	q->vq_avail_idx++;
	/* The entry, and the chain it names, before the index that shows it. */
	__atomic_store_n(&q->vq_avail->idx, q->vq_avail_idx, __ATOMIC_RELEASE);
	return head;
}

bool virtq_next_used(struct virtq *q, uint16_t *head, uint32_t *len)
{
	uint16_t done = __atomic_load_n(&q->vq_used->idx, __ATOMIC_ACQUIRE), d, n = 1;
	volatile struct virtq_used_elem *e;

	if (done == q->vq_last_used)
		return false;
	e = &q->vq_used->ring[q->vq_last_used & (q->vq_size - 1)];
	*head = (uint16_t)e->id;
	*len = e->len;
	q->vq_last_used++;
	if (e->id >= q->vq_size) { /* not a chain of ours: a broken device */
		*head = VIRTQ_NO_HEAD;
		return true;
	}
	/* Its chain goes back on the free list as it was made. */
	for (d = *head; (q->vq_desc[d].flags & VIRTQ_DESC_F_NEXT) && n < q->vq_size; d = q->vq_desc[d].next)
		n++;
	q->vq_desc[d].next = q->vq_free;
	q->vq_free = *head;
	q->vq_nfree = (uint16_t)(q->vq_nfree + n);
	return true;
}

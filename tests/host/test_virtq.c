/* The split virtqueue (libvirtio/virtq.c) against memory, with
 * the device played by the test: the layout the virtio spec gives, chains
 * built from the free list and given back, exhaustion, the 16-bit
 * indexes wrapping, and a used entry that names no chain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../libvirtio/virtq.h"

#define SIZE 8
#define PA   0x100000ULL

static struct virtq q;
static void *mem;

static int setup(void **state)
{
	(void)state;
	mem = aligned_alloc(4096, 4096);
	memset(mem, 0xA5, 4096);
	virtq_init(&q, SIZE, mem, PA);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

/* The device: takes the next available chain and reports it used. */
static uint16_t device_take(uint16_t *taken)
{
	uint16_t head = q.vq_avail->ring[*taken % SIZE];

	(*taken)++;
	return head;
}

static void device_done(uint16_t *used, uint16_t head, uint32_t len)
{
	q.vq_used->ring[*used % SIZE].id = head;
	q.vq_used->ring[*used % SIZE].len = len;
	(*used)++;
	q.vq_used->idx = *used;
}

static void layout_follows_the_spec(void **state)
{
	(void)state;
	/* 16-byte descriptors, then the available ring, then the used ring at
	 * a 4-byte boundary (virtio 1.x, 2.6). */
	assert_int_equal(sizeof(struct virtq_desc), 16);
	assert_int_equal(q.vq_desc_pa, PA);
	assert_int_equal(q.vq_avail_pa, PA + SIZE * 16);
	assert_int_equal(q.vq_used_pa, (PA + SIZE * 16 + 4 + 2 * SIZE + 2 + 3) & ~3ULL);
	assert_int_equal(virtq_bytes(SIZE), q.vq_used_pa - PA + 4 + 8 * SIZE + 2);
	assert_int_equal(q.vq_avail->idx, 0);
	assert_int_equal(q.vq_used->idx, 0); /* zeroed, junk before */
	assert_int_equal(q.vq_nfree, SIZE);
}

static void a_chain_is_offered_and_given_back(void **state)
{
	struct virtq_buf b[3] = { { 0x1000, 16, false }, { 0x2000, 4096, true }, { 0x3000, 1, true } };
	uint16_t taken = 0, used = 0, head, d;
	uint32_t len;
	int h;

	(void)state;
	assert_false(virtq_next_used(&q, &head, &len));
	h = virtq_add(&q, b, 3);
	assert_true(h >= 0);
	assert_int_equal(q.vq_avail->idx, 1);
	assert_int_equal(q.vq_nfree, SIZE - 3);
	/* The device follows the chain: addresses, lengths, who writes. */
	d = device_take(&taken);
	assert_int_equal(d, h);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(q.vq_desc[d].addr, b[i].vb_addr);
		assert_int_equal(q.vq_desc[d].len, b[i].vb_len);
		assert_int_equal(!!(q.vq_desc[d].flags & VIRTQ_DESC_F_WRITE), b[i].vb_device_writes);
		assert_int_equal(!!(q.vq_desc[d].flags & VIRTQ_DESC_F_NEXT), i < 2);
		d = q.vq_desc[d].next;
	}
	device_done(&used, (uint16_t)h, 4097);
	assert_true(virtq_next_used(&q, &head, &len));
	assert_int_equal(head, h);
	assert_int_equal(len, 4097);
	assert_int_equal(q.vq_nfree, SIZE);
	assert_false(virtq_next_used(&q, &head, &len));
}

static void a_full_queue_refuses_and_changes_nothing(void **state)
{
	struct virtq_buf b[3] = { { 1, 1, false }, { 2, 2, true }, { 3, 3, true } };
	uint16_t avail;

	(void)state;
	assert_true(virtq_add(&q, b, 3) >= 0);
	assert_true(virtq_add(&q, b, 3) >= 0);
	avail = q.vq_avail->idx;
	assert_int_equal(virtq_add(&q, b, 3), -1); /* 2 left */
	assert_int_equal(virtq_add(&q, b, 0), -1);
	assert_int_equal(q.vq_avail->idx, avail);
	assert_int_equal(q.vq_nfree, 2);
	assert_true(virtq_add(&q, b, 2) >= 0);
	assert_int_equal(q.vq_nfree, 0);
}

/* Completions out of order, for 70,000 requests: the indexes wrap at
 * 2^16 and every descriptor keeps coming back. */
static void indexes_wrap_and_nothing_leaks(void **state)
{
	struct virtq_buf b[2] = { { 0x1000, 8, false }, { 0x2000, 8, true } };
	uint16_t taken = 0, used = 0, pending[4], head;
	uint32_t len, seen = 0;

	(void)state;
	for (uint32_t round = 0; round < 70000 / 4; round++) {
		for (int i = 0; i < 4; i++) {
			int h = virtq_add(&q, b, 2);

			assert_true(h >= 0);
			assert_int_equal(device_take(&taken), h);
			pending[i] = (uint16_t)h;
		}
		for (int i = 3; i >= 0; i--) /* last first */
			device_done(&used, pending[i], 8);
		for (int i = 3; i >= 0; i--) {
			assert_true(virtq_next_used(&q, &head, &len));
			assert_int_equal(head, pending[i]);
			seen++;
		}
		assert_int_equal(q.vq_nfree, SIZE);
	}
	assert_int_equal(seen, 70000 / 4 * 4);
	assert_int_equal(q.vq_avail->idx, (uint16_t)(70000 / 4 * 4));
}

static void a_used_entry_naming_no_chain_frees_nothing(void **state)
{
	struct virtq_buf b[1] = { { 0x1000, 8, true } };
	uint16_t used = 0, head;
	uint32_t len;

	(void)state;
	assert_true(virtq_add(&q, b, 1) >= 0);
	device_done(&used, 999, 8);
	assert_true(virtq_next_used(&q, &head, &len));
	assert_int_equal(head, VIRTQ_NO_HEAD);
	assert_int_equal(q.vq_nfree, SIZE - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(layout_follows_the_spec),
		T(a_chain_is_offered_and_given_back),
		T(a_full_queue_refuses_and_changes_nothing),
		T(indexes_wrap_and_nothing_leaks),
		T(a_used_entry_naming_no_chain_frees_nothing),
#undef T
	};

	return cmocka_run_group_tests_name("virtq", tests, NULL, NULL);
}

/* The NIC protocol's rings (libipc/nic_ring.c) with both ends in one
 * process: entries go through in order, a full ring refuses, the indexes
 * wrap at 2^32, and indexes a hostile peer wrote make a ring look empty,
 * full or broken, never make an end read or write outside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nic_ring.h"

static struct nic_ring ring;
static struct nic_ring_end prod, cons;

static int setup(void **state)
{
	(void)state;
	memset(&ring, 0xA5, sizeof(ring)); /* junk: open must publish its own index */
	nic_ring_open(&prod, &ring, true);
	nic_ring_open(&cons, &ring, false);
	return 0;
}

static struct nic_entry entry(unsigned buf, unsigned len)
{
	return (struct nic_entry){ (uint16_t)buf, (uint16_t)len };
}

static void open_publishes_zero_and_the_ring_is_empty(void **state)
{
	struct nic_entry x;

	(void)state;
	assert_int_equal(ring.nr_head, 0);
	assert_int_equal(ring.nr_tail, 0);
	assert_int_equal(nic_ring_room(&prod), NIC_RING_SIZE);
	assert_int_equal(nic_ring_waiting(&cons), 0);
	assert_int_equal(nic_ring_get(&cons, &x), NIC_RING_EMPTY);
}

static void entries_arrive_in_order(void **state)
{
	struct nic_entry x;

	(void)state;
	for (unsigned i = 0; i < 10; i++)
		assert_true(nic_ring_put(&prod, entry(i, 100 + i)));
	assert_int_equal(ring.nr_head, 10);
	assert_int_equal(nic_ring_waiting(&cons), 10);
	for (unsigned i = 0; i < 10; i++) {
		assert_int_equal(nic_ring_get(&cons, &x), NIC_RING_TOOK);
		assert_int_equal(x.ne_buf, i);
		assert_int_equal(x.ne_len, 100 + i);
	}
	assert_int_equal(ring.nr_tail, 10);
	assert_int_equal(nic_ring_get(&cons, &x), NIC_RING_EMPTY);
	assert_int_equal(nic_ring_room(&prod), NIC_RING_SIZE);
}

static void a_full_ring_refuses_and_changes_nothing(void **state)
{
	struct nic_entry x;

	(void)state;
	for (unsigned i = 0; i < NIC_RING_SIZE; i++)
		assert_true(nic_ring_put(&prod, entry(i, 1)));
	assert_int_equal(nic_ring_room(&prod), 0);
	assert_false(nic_ring_put(&prod, entry(999, 1)));
	assert_int_equal(ring.nr_head, NIC_RING_SIZE);
	assert_int_equal(nic_ring_get(&cons, &x), NIC_RING_TOOK);
	assert_int_equal(x.ne_buf, 0); /* not overwritten by the refused put */
	assert_true(nic_ring_put(&prod, entry(7, 7)));
}

/* Both ends start just below 2^32 (as after four billion entries): the
 * indexes wrap and nothing is lost or doubled. */
static void indexes_wrap_at_2_to_the_32(void **state)
{
	struct nic_entry x;
	unsigned seen = 0;

	(void)state;
	prod.re_index = cons.re_index = ring.nr_head = ring.nr_tail = UINT32_MAX - 100;
	for (unsigned round = 0; round < 300; round++) {
		for (unsigned i = 0; i < 3; i++)
			assert_true(nic_ring_put(&prod, entry(round * 3 + i, 60)));
		for (unsigned i = 0; i < 3; i++) {
			assert_int_equal(nic_ring_get(&cons, &x), NIC_RING_TOOK);
			assert_int_equal(x.ne_buf, (uint16_t)(round * 3 + i));
			seen++;
		}
	}
	assert_int_equal(seen, 900);
	assert_int_equal(ring.nr_head, (uint32_t)(UINT32_MAX - 100 + 900));
	assert_int_equal(nic_ring_room(&prod), NIC_RING_SIZE);
}

/* A producer that claims more than the ring holds, or moved its index
 * back: the consumer takes nothing and says so, until it is sane. */
static void a_producer_index_out_of_range_breaks_only_its_ring(void **state)
{
	struct nic_entry x;

	(void)state;
	assert_true(nic_ring_put(&prod, entry(1, 1)));
	ring.nr_head = 1 + NIC_RING_SIZE + 1;
	assert_int_equal(nic_ring_get(&cons, &x), NIC_RING_BROKEN);
	assert_int_equal(nic_ring_waiting(&cons), 0);
	assert_int_equal(cons.re_index, 0);
	ring.nr_head = UINT32_MAX; /* behind the consumer */
	assert_int_equal(nic_ring_get(&cons, &x), NIC_RING_BROKEN);
	ring.nr_head = NIC_RING_SIZE; /* exactly full: legal */
	assert_int_equal(nic_ring_waiting(&cons), NIC_RING_SIZE);
	assert_int_equal(nic_ring_get(&cons, &x), NIC_RING_TOOK);
	assert_int_equal(x.ne_buf, 1);
	/* The consumer never trusts its own index in the page. */
	ring.nr_tail = 12345;
	assert_int_equal(nic_ring_get(&cons, &x), NIC_RING_TOOK);
	assert_int_equal(cons.re_index, 2);
	assert_int_equal(ring.nr_tail, 2);
}

/* A consumer whose index is ahead of the producer's, or far behind:
 * the producer sees no room and writes nothing. */
static void a_consumer_index_out_of_range_leaves_no_room(void **state)
{
	(void)state;
	assert_true(nic_ring_put(&prod, entry(1, 1)));
	ring.nr_tail = 5; /* took entries never put */
	assert_int_equal(nic_ring_room(&prod), 0);
	assert_false(nic_ring_put(&prod, entry(2, 2)));
	ring.nr_tail = 1u - NIC_RING_SIZE - 1; /* more than a ring behind */
	assert_false(nic_ring_put(&prod, entry(2, 2)));
	assert_int_equal(ring.nr_head, 1);
	assert_int_equal(prod.re_index, 1);
	ring.nr_tail = 1;
	assert_int_equal(nic_ring_room(&prod), NIC_RING_SIZE);
	/* The producer never trusts its own index in the page either. */
	ring.nr_head = 77;
	assert_true(nic_ring_put(&prod, entry(3, 3)));
	assert_int_equal(ring.nr_head, 2);
}

/* The entry is read once: changed after the get, the copy stands. */
static void an_entry_is_read_once(void **state)
{
	struct nic_entry x;

	(void)state;
	assert_true(nic_ring_put(&prod, entry(4, 64)));
	assert_int_equal(nic_ring_get(&cons, &x), NIC_RING_TOOK);
	ring.nr_entry[0] = entry(9999, 9999);
	assert_int_equal(x.ne_buf, 4);
	assert_int_equal(x.ne_len, 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup(name, setup)
		T(open_publishes_zero_and_the_ring_is_empty),
		T(entries_arrive_in_order),
		T(a_full_ring_refuses_and_changes_nothing),
		T(indexes_wrap_at_2_to_the_32),
		T(a_producer_index_out_of_range_breaks_only_its_ring),
		T(a_consumer_index_out_of_range_leaves_no_room),
		T(an_entry_is_read_once),
#undef T
	};

	return cmocka_run_group_tests_name("nic_ring", tests, NULL, NULL);
}

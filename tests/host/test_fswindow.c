/* The filesystem server's window table (servers/fs/window.c, compiled as
 * it is against the fake kernel of tests/host/shim/): a client's share
 * mapped on attach and found again by its badge, every refusal, a revoked
 * share forgotten at its next use, and the least recently used window let
 * go when a new client finds the table full. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <kestrel/proto/fs.h>

#include "shim.h"
#include "../../servers/fs/window.h"

#define PAGE   4096
#define CLIENT 7 /* a badge */

static uint8_t *buf; /* the clients' memory: one page per client */

/* A share of client i's page, and the copy of it the server received. */
static uint64_t lend(unsigned i, unsigned rights, uint64_t *copy)
{
	uint64_t share = slot_alloc();

	assert_int_equal(sys_share_create(0, share, (uint64_t)(buf + i * PAGE), 1, rights), E_OK);
	*copy = slot_alloc();
	fake_caps[*copy] = fake_caps[share];
	fake_caps[*copy].fc_rights &= ~R_CONTROL;
	return share;
}

/* Client i's window attached as badge; its share's slot. */
static uint64_t attach(unsigned i, uint64_t badge)
{
	uint64_t copy, share = lend(i, R_READ | R_WRITE, &copy);

	assert_int_equal(window_attach(badge, copy, PAGE), E_OK);
	return share;
}

static int reset(void **state)
{
	(void)state;
	shim_reset();
	buf = shim_buffer(FS_WINDOWS + 4);
	return 0;
}

/* Every window forgotten (each share revoked, then used), before the fake
 * kernel's region of mappings goes. */
static int forget(void **state)
{
	uint8_t *p;

	(void)state;
	for (uint64_t slot = 1; slot < SHIM_SLOTS; slot++)
		if (fake_caps[slot].fc_live && fake_caps[slot].fc_type == CAP_SHARE &&
		    (fake_caps[slot].fc_rights & R_CONTROL))
			sys_obj_destroy(slot);
	for (uint64_t badge = 0; badge < 256; badge++)
		window_get(badge, 0, 0, &p);
	assert_int_equal(window_count(), 0);
	return 0;
}

static void attached_window_is_the_clients_memory(void **state)
{
	uint8_t *p;

	(void)state;
	attach(0, CLIENT);
	assert_int_equal(window_get(CLIENT, 100, 10, &p), E_OK);
	memcpy(p, "from fs", 8);
	assert_memory_equal(buf + 100, "from fs", 8);
	assert_int_equal(window_get(CLIENT, 0, PAGE, &p), E_OK);
	assert_int_equal(window_get(CLIENT, PAGE, 0, &p), E_OK);
	assert_int_equal(window_count(), 1);
}

static void no_window_is_detached(void **state)
{
	uint8_t *p;

	(void)state;
	assert_int_equal(window_get(CLIENT, 0, 1, &p), PE_DETACHED);
	attach(0, CLIENT);
	assert_int_equal(window_get(CLIENT + 1, 0, 1, &p), PE_DETACHED);
}

static void attach_refuses_what_is_not_a_writable_share_of_that_size(void **state)
{
	uint64_t copy, frame = shim_cap(CAP_FRAME, R_READ | R_WRITE), ep = shim_cap(CAP_ENDPOINT, R_WRITE);

	(void)state;
	assert_int_equal(window_attach(CLIENT, frame, PAGE), E_WRONG_TYPE);
	assert_int_equal(window_attach(CLIENT, ep, PAGE), E_WRONG_TYPE);
	assert_int_equal(window_attach(CLIENT, 0, PAGE), E_WRONG_TYPE);
	lend(0, R_READ, &copy);
	assert_int_equal(window_attach(CLIENT, copy, PAGE), E_NO_RIGHTS);
	lend(1, R_READ | R_WRITE, &copy);
	assert_int_equal(window_attach(0, copy, PAGE), E_NO_RIGHTS); /* badge 0 names no one client */
	assert_int_equal(window_attach(CLIENT, copy, 0), E_BAD_ARG);
	assert_int_equal(window_attach(CLIENT, copy, 100), E_BAD_ARG);
	assert_int_equal(window_attach(CLIENT, copy, 2 * PAGE), E_BAD_ARG); /* not the share's size */
	assert_int_equal(window_attach(CLIENT, copy, FS_WINDOW_MAX + PAGE), E_BAD_ARG);
	/* Nothing was kept: the capabilities are still the caller's. */
	assert_true(fake_caps[copy].fc_live && fake_caps[frame].fc_live && fake_caps[ep].fc_live);
	assert_int_equal(window_count(), 0);
	assert_int_equal(shim_mappings(), 0);
}

static void ranges_outside_the_window_are_refused(void **state)
{
	uint8_t *p = NULL;

	(void)state;
	attach(0, CLIENT);
	assert_int_equal(window_get(CLIENT, PAGE + 1, 0, &p), E_BAD_ARG);
	assert_int_equal(window_get(CLIENT, 1, PAGE, &p), E_BAD_ARG);
	assert_int_equal(window_get(CLIENT, 8, UINT64_MAX - 4, &p), E_BAD_ARG); /* at + count wraps */
	assert_null(p);
	assert_int_equal(window_count(), 1);
}

static void revoked_share_is_forgotten_at_its_next_use(void **state)
{
	unsigned caps;
	uint8_t *p;
	uint64_t share;

	(void)state;
	share = attach(0, CLIENT);
	caps = shim_live_caps();
	assert_int_equal(sys_obj_destroy(share), E_OK);
	assert_int_equal(shim_mappings(), 0); /* the kernel unmapped it */
	assert_int_equal(window_get(CLIENT, 0, 1, &p), PE_DETACHED);
	assert_int_equal(window_count(), 0);
	assert_int_equal(shim_live_caps(), caps - 1); /* our copy went */
	assert_int_equal(window_get(CLIENT, 0, 1, &p), PE_DETACHED);
	attach(1, CLIENT); /* and attaching again works */
	assert_int_equal(window_get(CLIENT, 0, 1, &p), E_OK);
	p[0] = 0x77;
	assert_int_equal(buf[PAGE], 0x77);
}

static void attaching_again_replaces_the_window(void **state)
{
	uint8_t *p;

	(void)state;
	attach(0, CLIENT);
	attach(1, CLIENT);
	assert_int_equal(window_count(), 1);
	assert_int_equal(shim_mappings(), 1); /* the first is unmapped */
	assert_int_equal(window_get(CLIENT, 0, 1, &p), E_OK);
	*p = 0x5A;
	assert_int_equal(buf[PAGE], 0x5A);
	assert_int_equal(buf[0], 0);
}

static void full_table_lets_the_least_recently_used_go(void **state)
{
	uint8_t *p;

	(void)state;
	for (unsigned i = 0; i < FS_WINDOWS; i++)
		attach(i, 100 + i);
	for (unsigned i = 0; i < FS_WINDOWS; i++)
		if (i != 3)
			assert_int_equal(window_get(100 + i, 0, 1, &p), E_OK);
	attach(FS_WINDOWS, 200); /* 103 was used least recently */
	assert_int_equal(window_count(), FS_WINDOWS);
	assert_int_equal(window_get(103, 0, 1, &p), PE_DETACHED);
	assert_int_equal(window_get(200, 0, 1, &p), E_OK);
	*p = 0x33;
	assert_int_equal(buf[FS_WINDOWS * PAGE], 0x33);
	for (unsigned i = 0; i < FS_WINDOWS; i++)
		if (i != 3)
			assert_int_equal(window_get(100 + i, 0, 1, &p), E_OK);
	/* 103 comes back in the place of the least recently used now: 200. */
	attach(3, 103);
	assert_int_equal(window_get(200, 0, 1, &p), PE_DETACHED);
	assert_int_equal(window_get(103, 0, 1, &p), E_OK);
	assert_int_equal(shim_mappings(), FS_WINDOWS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(attached_window_is_the_clients_memory, reset, forget),
		cmocka_unit_test_setup_teardown(no_window_is_detached, reset, forget),
		cmocka_unit_test_setup_teardown(attach_refuses_what_is_not_a_writable_share_of_that_size,
		                                reset, forget),
		cmocka_unit_test_setup_teardown(ranges_outside_the_window_are_refused, reset, forget),
		cmocka_unit_test_setup_teardown(revoked_share_is_forgotten_at_its_next_use, reset, forget),
		cmocka_unit_test_setup_teardown(attaching_again_replaces_the_window, reset, forget),
		cmocka_unit_test_setup_teardown(full_table_lets_the_least_recently_used_go, reset, forget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

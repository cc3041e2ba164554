/* The network server's client and socket tables (servers/net/table.c):
 * handles, their generations and serial numbers, owners, and the bounds
 * on sockets per client, sockets and clients. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../servers/net/table.h"

#define GEN 3

static struct net_table t;

static int setup(void **state)
{
	(void)state;
	table_init(&t, GEN);
	return 0;
}

static struct net_client *client(uint64_t badge)
{
	struct net_client *c = table_client(&t, badge);

	if (!c)
		assert_int_equal(table_client_add(&t, badge, 1, &c), 0);
	return c;
}

static struct net_sock *sock(struct net_client *c)
{
	struct net_sock *s;

	assert_int_equal(table_sock_alloc(&t, c, NET_TCP, &s), 0);
	return s;
}

static void a_handle_names_its_socket_for_its_client(void **state)
{
	struct net_client *c = client(5);
	struct net_sock *s = sock(c), *got = NULL;
	uint64_t h = table_handle(&t, s);

	(void)state;
	assert_int_equal(NET_HANDLE_GENERATION(h), GEN);
	assert_int_equal(table_sock_get(&t, 5, h, &got), 0);
	assert_ptr_equal(got, s);
	assert_ptr_equal(table_owner(&t, s), c);
	assert_int_equal(s->ns_type, NET_TCP);
}

static void another_clients_handle_is_ebadf(void **state)
{
	struct net_sock *s = sock(client(5)), *got;

	(void)state;
	client(6);
	assert_int_equal(table_sock_get(&t, 6, table_handle(&t, s), &got), NET_ERROR(EBADF));
}

static void a_handle_of_a_freed_slot_never_names_its_next_use(void **state)
{
	struct net_client *c = client(5);
	struct net_sock *s = sock(c), *keep = sock(c), *again, *got;
	uint64_t old = table_handle(&t, s);

	(void)state;
	table_sock_free(&t, s);
	again = sock(c);
	assert_ptr_equal(again, s); /* the same slot */
	assert_int_equal(table_sock_get(&t, 5, old, &got), NET_ERROR(EBADF));
	assert_null(table_sock_by_handle(&t, old));
	assert_int_equal(table_sock_get(&t, 5, table_handle(&t, again), &got), 0);
	(void)keep;
}

static void a_handle_of_another_generation_is_estale(void **state)
{
	struct net_sock *s = sock(client(5)), *got;
	uint64_t h = table_handle(&t, s);

	(void)state;
	h = (h & 0xFFFFFFFFULL) | (uint64_t)(GEN - 1) << 32;
	assert_int_equal(table_sock_get(&t, 5, h, &got), NET_ERROR(ESTALE));
	assert_null(table_sock_by_handle(&t, h));
}

static void garbage_handles_name_nothing(void **state)
{
	struct net_sock *got;
	uint64_t bad[] = { 0, (uint64_t)GEN << 32, (uint64_t)GEN << 32 | 0xFFFF,
		           (uint64_t)GEN << 32 | 1 << 16 | 7, ~0ULL };

	(void)state;
	client(5);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long e = table_sock_get(&t, 5, bad[i], &got);

		assert_true(e == NET_ERROR(EBADF) || e == NET_ERROR(ESTALE));
		assert_null(table_sock_by_handle(&t, bad[i]));
	}
}

static void a_client_holds_at_most_its_share(void **state)
{
	struct net_client *c = client(5);
	struct net_sock *s;

	(void)state;
	for (int i = 0; i < NET_SOCKETS_PER_CLIENT; i++)
		sock(c);
	assert_int_equal(table_sock_alloc(&t, c, NET_UDP, &s), NET_ERROR(EMFILE));
	assert_int_equal(c->nc_sockets, NET_SOCKETS_PER_CLIENT);
}

static void the_socket_table_fills_up(void **state)
{
	struct net_sock *s;
	int made = 0;

	(void)state;
	for (uint64_t badge = 1; made < NET_SOCKETS; badge++)
		for (int i = 0; i < NET_SOCKETS_PER_CLIENT && made < NET_SOCKETS; i++, made++)
			sock(client(badge));
	assert_int_equal(table_sock_alloc(&t, client(100), NET_TCP, &s), NET_ERROR(ENFILE));
}

static void the_client_table_fills_up(void **state)
{
	struct net_client *c;

	(void)state;
	for (uint64_t badge = 1; badge <= NET_CLIENTS; badge++)
		sock(client(badge));
	assert_int_equal(table_client_add(&t, NET_CLIENTS + 1, 1, &c), NET_ERROR(ENFILE));
}

static void the_last_socket_takes_the_clients_entry(void **state)
{
	struct net_client *c = client(5), *again;
	struct net_sock *a = sock(c), *b = sock(c);

	(void)state;
	table_sock_free(&t, a);
	assert_ptr_equal(table_client(&t, 5), c);
	table_sock_free(&t, b);
	assert_null(table_client(&t, 5));
	assert_int_equal(table_client_add(&t, 5, 2, &again), 0);
	assert_int_equal(again->nc_session, 2);
	assert_int_equal(again->nc_sockets, 0);
}

static void a_client_without_a_badge_is_refused(void **state)
{
	struct net_client *c;

	(void)state;
	assert_int_equal(table_client_add(&t, 0, 1, &c), NET_ERROR(EACCES));
	assert_null(table_client(&t, 0));
}

static void next_walks_one_clients_sockets(void **state)
{
	struct net_client *c = client(5), *d = client(6);
	struct net_sock *mine[3], *s;
	int seen = 0;

	(void)state;
	mine[0] = sock(c);
	sock(d);
	mine[1] = sock(c);
	sock(d);
	mine[2] = sock(c);
	for (s = table_sock_next(&t, c, NULL); s; s = table_sock_next(&t, c, s))
		assert_ptr_equal(s, mine[seen++]);
	assert_int_equal(seen, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(a_handle_names_its_socket_for_its_client, setup),
		cmocka_unit_test_setup(another_clients_handle_is_ebadf, setup),
		cmocka_unit_test_setup(a_handle_of_a_freed_slot_never_names_its_next_use, setup),
		cmocka_unit_test_setup(a_handle_of_another_generation_is_estale, setup),
		cmocka_unit_test_setup(garbage_handles_name_nothing, setup),
		cmocka_unit_test_setup(a_client_holds_at_most_its_share, setup),
		cmocka_unit_test_setup(the_socket_table_fills_up, setup),
		cmocka_unit_test_setup(the_client_table_fills_up, setup),
		cmocka_unit_test_setup(the_last_socket_takes_the_clients_entry, setup),
		cmocka_unit_test_setup(a_client_without_a_badge_is_refused, setup),
		cmocka_unit_test_setup(next_walks_one_clients_sockets, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

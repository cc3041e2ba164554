/* The supervisor's restart policy (servers/supervisor/policy.c): never,
 * always with a minimum run time, and backoff with its limit, driven by a
 * simulated clock in ms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../servers/supervisor/policy.h"

/* UBSan only logs by default, so an overflowing shift would still pass;
 * make it fail the test. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

static struct manifest_server server(enum restart_policy policy, unsigned limit)
{
	struct manifest_server s;

	memset(&s, 0, sizeof(s));
	s.ms_restart = policy;
	s.ms_limit = limit;
	return s;
}

/* The server runs `ran` ms from *now and dies; if the policy says so, it
 * is started again after the delay. Returns the delay, or -1. */
static int64_t run_and_die(const struct manifest_server *s, struct restart_state *rs, uint64_t *now,
                           uint64_t ran)
{
	int64_t delay;

	*now += ran;
	delay = policy_after_death(s, rs, *now);
	if (delay >= 0) {
		*now += (uint64_t)delay;
		policy_started(rs, *now);
	}
	return delay;
}

static void never_leaves_down_at_once(void **state)
{
	struct manifest_server s = server(RESTART_NEVER, 5);
	struct restart_state rs = { 0 };
	uint64_t now = 1000;

	(void)state;
	policy_started(&rs, now);
	assert_int_equal(run_and_die(&s, &rs, &now, 60000), -1);
	assert_int_equal(rs.rs_restarts, 0);
}

static void always_restarts_at_once_after_a_long_run(void **state)
{
	struct manifest_server s = server(RESTART_ALWAYS, 0);
	struct restart_state rs = { 0 };
	uint64_t now = 1000;

	(void)state;
	policy_started(&rs, now);
	assert_int_equal(run_and_die(&s, &rs, &now, POLICY_MIN_RUN_MS), 0);
	assert_int_equal(run_and_die(&s, &rs, &now, POLICY_MIN_RUN_MS + 1), 0);
	assert_int_equal(run_and_die(&s, &rs, &now, 3600000), 0);
	assert_int_equal(rs.rs_restarts, 3);
}

static void always_waits_out_the_minimum_run_after_a_short_one(void **state)
{
	struct manifest_server s = server(RESTART_ALWAYS, 0);
	struct restart_state rs = { 0 };
	uint64_t now = 1000;

	(void)state;
	policy_started(&rs, now);
	/* The first crash in a row comes back at once, the next ones wait. */
	assert_int_equal(run_and_die(&s, &rs, &now, 0), 0);
	assert_int_equal(run_and_die(&s, &rs, &now, 0), POLICY_MIN_RUN_MS);
	assert_int_equal(run_and_die(&s, &rs, &now, 100), POLICY_MIN_RUN_MS - 100);
	assert_int_equal(run_and_die(&s, &rs, &now, POLICY_MIN_RUN_MS - 1), 1);
	/* always has no limit, however many crashes come in a row. */
	for (int i = 0; i < 100; i++)
		assert_int_equal(run_and_die(&s, &rs, &now, 10), POLICY_MIN_RUN_MS - 10);
	assert_int_equal(rs.rs_restarts, 104);
}

static void backoff_doubles_while_crashes_come_in_a_row(void **state)
{
	struct manifest_server s = server(RESTART_BACKOFF, 10);
	struct restart_state rs = { 0 };
	uint64_t now = 1000;

	(void)state;
	policy_started(&rs, now);
	assert_int_equal(run_and_die(&s, &rs, &now, 10), 0);
	assert_int_equal(run_and_die(&s, &rs, &now, 10), POLICY_BACKOFF_MS);
	assert_int_equal(run_and_die(&s, &rs, &now, 10), 2 * POLICY_BACKOFF_MS);
	assert_int_equal(run_and_die(&s, &rs, &now, 10), 4 * POLICY_BACKOFF_MS);
	assert_int_equal(run_and_die(&s, &rs, &now, 10), 8 * POLICY_BACKOFF_MS);
	assert_int_equal(rs.rs_in_row, 5);
	assert_int_equal(rs.rs_restarts, 5);
}

static void backoff_is_capped(void **state)
{
	struct manifest_server s = server(RESTART_BACKOFF, 1000);
	struct restart_state rs = { 0 };
	uint64_t now = 1000, want = POLICY_BACKOFF_MS;
	bool capped = false;

	(void)state;
	policy_started(&rs, now);
	assert_int_equal(run_and_die(&s, &rs, &now, 0), 0);
	/* Far past where 50 << n overflows 32 and 64 bits. */
	for (unsigned i = 2; i <= 100; i++) {
		int64_t got = run_and_die(&s, &rs, &now, 0);

		assert_int_equal(got, want);
		capped |= got == POLICY_BACKOFF_MAX_MS;
		want = want * 2 > POLICY_BACKOFF_MAX_MS ? POLICY_BACKOFF_MAX_MS : want * 2;
	}
	assert_true(capped);
	assert_int_equal(rs.rs_restarts, 100);
}

static void backoff_past_its_limit_leaves_down(void **state)
{
	struct manifest_server s = server(RESTART_BACKOFF, 5);
	struct restart_state rs = { 0 };
	uint64_t now = 1000;

	(void)state;
	policy_started(&rs, now);
	/* limit 5: five crashes in a row are restarted, the sixth is not. */
	for (unsigned i = 0; i < 5; i++)
		assert_true(run_and_die(&s, &rs, &now, 10) >= 0);
	assert_int_equal(rs.rs_restarts, 5);
	assert_int_equal(run_and_die(&s, &rs, &now, 10), -1);
	assert_int_equal(rs.rs_restarts, 5); /* giving up is not a restart */
}

static void backoff_with_limit_zero_never_restarts(void **state)
{
	struct manifest_server s = server(RESTART_BACKOFF, 0);
	struct restart_state rs = { 0 };
	uint64_t now = 1000;

	(void)state;
	policy_started(&rs, now);
	assert_int_equal(run_and_die(&s, &rs, &now, 10), -1);
	assert_int_equal(rs.rs_restarts, 0);
}

static void long_run_resets_the_backoff_count(void **state)
{
	struct manifest_server s = server(RESTART_BACKOFF, 3);
	struct restart_state rs = { 0 };
	uint64_t now = 1000;

	(void)state;
	policy_started(&rs, now);
	assert_int_equal(run_and_die(&s, &rs, &now, 10), 0);
	assert_int_equal(run_and_die(&s, &rs, &now, 10), POLICY_BACKOFF_MS);
	assert_int_equal(run_and_die(&s, &rs, &now, 10), 2 * POLICY_BACKOFF_MS);
	/* Just short of the minimum run: still in a row. */
	assert_int_equal(run_and_die(&s, &rs, &now, POLICY_MIN_RUN_MS - 1), -1);

	rs = (struct restart_state){ 0 };
	policy_started(&rs, now);
	for (int round = 0; round < 10; round++) {
		assert_int_equal(run_and_die(&s, &rs, &now, 60000), 0);
		assert_int_equal(run_and_die(&s, &rs, &now, 10), POLICY_BACKOFF_MS);
		assert_int_equal(run_and_die(&s, &rs, &now, 10), 2 * POLICY_BACKOFF_MS);
		/* A run of exactly the minimum counts as a good one. */
		assert_int_equal(run_and_die(&s, &rs, &now, POLICY_MIN_RUN_MS), 0);
		assert_int_equal(rs.rs_in_row, 1);
		/* The next crash in a row continues from that fresh count. */
		assert_int_equal(run_and_die(&s, &rs, &now, 10), POLICY_BACKOFF_MS);
		assert_int_equal(run_and_die(&s, &rs, &now, 10), 2 * POLICY_BACKOFF_MS);
	}
	assert_int_equal(rs.rs_restarts, 60);
}

static void clock_going_backwards_counts_as_a_short_run(void **state)
{
	struct manifest_server always = server(RESTART_ALWAYS, 0);
	struct manifest_server backoff = server(RESTART_BACKOFF, 5);
	struct restart_state rs = { 0 };

	(void)state;
	policy_started(&rs, 10000);
	assert_int_equal(policy_after_death(&always, &rs, 4000), 0); /* first in a row: at once */
	policy_started(&rs, 10000);
	assert_int_equal(policy_after_death(&always, &rs, 4000), POLICY_MIN_RUN_MS);
	policy_started(&rs, UINT64_MAX);
	assert_int_equal(policy_after_death(&always, &rs, 0), POLICY_MIN_RUN_MS);

	rs = (struct restart_state){ 0 };
	policy_started(&rs, 10000);
	assert_int_equal(policy_after_death(&backoff, &rs, 20000), 0);
	policy_started(&rs, 10000);
	assert_int_equal(policy_after_death(&backoff, &rs, 9999), POLICY_BACKOFF_MS);
	policy_started(&rs, UINT64_MAX);
	assert_int_equal(policy_after_death(&backoff, &rs, 0), 2 * POLICY_BACKOFF_MS);
	assert_int_equal(rs.rs_in_row, 3);
	assert_int_equal(rs.rs_restarts, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(never_leaves_down_at_once),
		cmocka_unit_test(always_restarts_at_once_after_a_long_run),
		cmocka_unit_test(always_waits_out_the_minimum_run_after_a_short_one),
		cmocka_unit_test(backoff_doubles_while_crashes_come_in_a_row),
		cmocka_unit_test(backoff_is_capped),
		cmocka_unit_test(backoff_past_its_limit_leaves_down),
		cmocka_unit_test(backoff_with_limit_zero_never_restarts),
		cmocka_unit_test(long_run_resets_the_backoff_count),
		cmocka_unit_test(clock_going_backwards_counts_as_a_short_run),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}

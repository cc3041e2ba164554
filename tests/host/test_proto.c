/* libipc's protocol layer (libipc/proto.c, compiled as it is against the
 * host stand-ins in tests/host/shim/): the client stubs that the hello
 * protocol's one declaration expands into, the server's dispatch, errors,
 * and the retry of idempotent calls across a server restart. ipc_call is
 * answered in-process by proto_dispatch, after the server "dies" as many
 * times as a test asks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <kestrel/proto/hello.h>

#include "ipc.h"
#include "proto.h"

PROTO_CLIENT(HELLO_OPS)
PROTO_SERVER(HELLO_OPS)

static uint64_t count;
static unsigned calls, deaths_to_come;
static long handler_status;

long hello_echo_srv(struct proto_ctx *ctx, const struct hello_echo_req *q, struct hello_echo_rep *r)
{
	r->value = q->value;
	r->generation = ctx->pc_badge;
	return handler_status;
}

long hello_add_srv(struct proto_ctx *ctx, const struct hello_add_req *q, struct hello_count_rep *r)
{
	(void)ctx;
	count += q->amount;
	r->count = count;
	return 0;
}

long hello_count_srv(struct proto_ctx *ctx, const struct hello_none *q, struct hello_count_rep *r)
{
	(void)ctx;
	(void)q;
	r->count = count;
	return 0;
}

static const struct proto_op ops[] = PROTO_TABLE(HELLO_OPS);

long ipc_call(uint64_t ep, struct msg *m)
{
	calls++;
	if (deaths_to_come) {
		deaths_to_come--;
		return E_DEAD; /* the server died holding the call */
	}
	m->badge = ep; /* the badge the server sees */
	proto_dispatch(ops, sizeof(ops) / sizeof(ops[0]), NULL, m);
	return E_OK;
}

long ipc_recv(uint64_t ep, uint64_t timeout_ms, struct msg *m)
{
	(void)ep, (void)timeout_ms, (void)m;
	return E_BAD_CAP;
}

/* No reply is ever put aside here (libc-glue does that around lock waits). */
uint64_t uthread_reply_take(void)
{
	return 0;
}

long ipc_reply_recv(uint64_t ep, struct msg *m)
{
	(void)ep, (void)m;
	return E_BAD_CAP;
}

long ipc_send(uint64_t ep, const struct msg *m)
{
	(void)ep, (void)m;
	return E_BAD_CAP;
}

long sys_reply_save(uint64_t slot)
{
	(void)slot;
	return E_NO_REPLY;
}

uint64_t slot_alloc(void)
{
	return 9;
}

void slot_free(uint64_t slot)
{
	(void)slot;
}

static int reset(void **state)
{
	(void)state;
	count = 0;
	calls = deaths_to_come = 0;
	handler_status = 0;
	return 0;
}

static void stub_reaches_its_handler_and_back(void **state)
{
	struct proto_client c = { 7, 0 };
	struct hello_echo_req q = { 1234 };
	struct hello_echo_rep r = { 0, 0 };
	struct hello_add_req a = { 5 };
	struct hello_count_rep cr = { 0 };

	(void)state;
	assert_int_equal(hello_echo(&c, &q, &r), 0);
	assert_int_equal(r.value, 1234);
	assert_int_equal(r.generation, 7); /* the badge reached the handler */
	assert_int_equal(hello_add(&c, &a, &cr), 0);
	assert_int_equal(hello_add(&c, &a, &cr), 0);
	assert_int_equal(cr.count, 10);
	assert_int_equal(calls, 3);
}

static void handler_error_comes_back_without_a_reply(void **state)
{
	struct proto_client c = { 1, 0 };
	struct hello_echo_req q = { 9 };
	struct hello_echo_rep r = { 77, 77 };

	(void)state;
	handler_status = PE_BAD_REQUEST;
	assert_int_equal(hello_echo(&c, &q, &r), PE_BAD_REQUEST);
	assert_int_equal(r.value, 77); /* untouched */
}

static void unknown_opcode_gets_bad_op(void **state)
{
	struct proto_client c = { 1, 0 };
	uint64_t q = 0, r = 0;

	(void)state;
	assert_int_equal(proto_call(&c, HELLO_BASE + 99, 0, &q, 8, &r, 8), PE_BAD_OP);
	assert_int_equal(proto_call(&c, PROTO_FIRST + 5 * PROTO_RANGE, 0, &q, 8, &r, 8), PE_BAD_OP);
}

static void wrong_sizes_get_bad_size(void **state)
{
	struct proto_client c = { 1, 0 };
	uint64_t q[2] = { 1, 2 }, r[3];

	(void)state;
	/* The echo request is one word; two are refused by the server. */
	assert_int_equal(proto_call(&c, HELLO_BASE + 1, 0, q, 16, r, 16), PE_BAD_SIZE);
	/* A reply of two words where the caller expects three. */
	assert_int_equal(proto_call(&c, HELLO_BASE + 1, 0, q, 8, r, 24), PE_BAD_SIZE);
}

static void heartbeat_is_answered_by_the_loop(void **state)
{
	struct msg m;

	(void)state;
	msg_init(&m, PROTO_HEARTBEAT, 0);
	assert_true(proto_dispatch(ops, sizeof(ops) / sizeof(ops[0]), NULL, &m));
	assert_int_equal(msg_label(&m), 0);
	assert_int_equal(msg_words(&m), 0);
}

static void capabilities_in_a_request_are_refused(void **state)
{
	struct msg m;

	(void)state;
	msg_init(&m, HELLO_BASE + 1, 1);
	m.info |= MSGINFO(0, 0, 1);
	proto_dispatch(ops, sizeof(ops) / sizeof(ops[0]), NULL, &m);
	assert_int_equal((int32_t)msg_label(&m), PE_BAD_SIZE);
}

static void idempotent_call_is_repeated_after_a_restart(void **state)
{
	struct proto_client c = { 3, 0 };
	struct hello_echo_req q = { 5 };
	struct hello_echo_rep r = { 0, 0 };

	(void)state;
	deaths_to_come = 2;
	assert_int_equal(hello_echo(&c, &q, &r), 0);
	assert_int_equal(r.value, 5);
	assert_int_equal(calls, 3);
}

static void idempotent_call_gives_up_after_its_retries(void **state)
{
	struct proto_client c = { 3, 2 };
	struct hello_echo_req q = { 5 };
	struct hello_echo_rep r;

	(void)state;
	deaths_to_come = 10;
	assert_int_equal(hello_echo(&c, &q, &r), PE_RESTARTED);
	assert_int_equal(calls, 3); /* the call and its 2 retries */
}

static void other_calls_report_the_restart(void **state)
{
	struct proto_client c = { 3, 0 };
	struct hello_add_req q = { 5 };
	struct hello_count_rep r;

	(void)state;
	deaths_to_come = 1;
	assert_int_equal(hello_add(&c, &q, &r), PE_RESTARTED);
	assert_int_equal(calls, 1); /* never repeated: it may have happened */
	assert_int_equal(count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(stub_reaches_its_handler_and_back, reset),
		cmocka_unit_test_setup(handler_error_comes_back_without_a_reply, reset),
		cmocka_unit_test_setup(unknown_opcode_gets_bad_op, reset),
		cmocka_unit_test_setup(wrong_sizes_get_bad_size, reset),
		cmocka_unit_test_setup(heartbeat_is_answered_by_the_loop, reset),
		cmocka_unit_test_setup(capabilities_in_a_request_are_refused, reset),
		cmocka_unit_test_setup(idempotent_call_is_repeated_after_a_restart, reset),
		cmocka_unit_test_setup(idempotent_call_gives_up_after_its_retries, reset),
		cmocka_unit_test_setup(other_calls_report_the_restart, reset),
	};

	return cmocka_run_group_tests_name("proto", tests, NULL, NULL);
}

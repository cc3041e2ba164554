/* libipc's protocol layer (libipc/proto.c, compiled as it is against the
 * host stand-ins in tests/host/shim/): the client stubs that the hello and
 * prototest protocols' declarations expand into, the server's dispatch,
 * errors, the retry of idempotent calls across a server restart, leases
 * and capabilities both ways, the generation in every answer, and the
 * waiters of deferred calls. ipc_call is answered in-process by
 * proto_dispatch over a fake kernel (shim.c), after the server "dies" as
 * many times as a test asks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <kestrel/proto/hello.h>
#include <kestrel/proto/prototest.h>

#include "proto.h"
#include "shim.h"
#include "vspace.h"

PROTO_CLIENT(HELLO_OPS)
PROTO_SERVER(HELLO_OPS)
PROTO_CLIENT(PROTOTEST_OPS)
PROTO_SERVER(PROTOTEST_OPS)

static uint64_t count;
static uint64_t death_ms; /* the clock moves on this much a death */
static unsigned calls, deaths_to_come, cancels_to_come, recvs, recv_cancels_to_come;
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

long pt_fill_srv(struct proto_ctx *ctx, const struct pt_fill_req *q, struct pt_value_rep *r)
{
	if (ctx->pc_lease)
		memset(ctx->pc_lease, (int)q->byte, ctx->pc_lease_len);
	r->value = ctx->pc_lease_len;
	return 0;
}

long pt_sum_srv(struct proto_ctx *ctx, const struct pt_none *q, struct pt_value_rep *r)
{
	(void)q;
	r->value = 0;
	for (size_t i = 0; i < ctx->pc_lease_len; i++)
		r->value += ctx->pc_lease[i];
	return 0;
}

long pt_gather_srv(struct proto_ctx *ctx, const struct pt_gather_req *q, struct pt_value_rep *r)
{
	struct proto_waiter *w = proto_defer(ctx, q->group);
	uint64_t n = 0;

	(void)r;
	if (!w)
		return PE_BUSY;
	for (w = proto_waiter_next(NULL, q->group); w; w = proto_waiter_next(w, q->group))
		n++;
	if (n < q->count)
		return PROTO_DEFERRED;
	n = 0;
	while ((w = proto_waiter_next(NULL, q->group))) {
		struct pt_value_rep a = { n++ };

		proto_answer(w, 0, &a);
	}
	return PROTO_DEFERRED;
}

static uint64_t kept_cap; /* take: the capability a handler kept, if told to */
static bool keep_caps;

long pt_give_srv(struct proto_ctx *ctx, const struct pt_none *q, struct pt_none *r)
{
	(void)q, (void)r;
	ctx->pc_reply_caps[0] = shim_cap(CAP_ENDPOINT, R_WRITE);
	return 0;
}

long pt_take_srv(struct proto_ctx *ctx, const struct pt_none *q, struct pt_value_rep *r)
{
	struct cap_info ci;

	(void)q;
	sys_cap_identify_out(ctx->pc_caps[0], &ci);
	r->value = ci.ci_type;
	if (keep_caps) {
		kept_cap = ctx->pc_caps[0];
		ctx->pc_caps[0] = CAP_NULL;
	}
	return 0;
}

long pt_peek_srv(struct proto_ctx *ctx, const struct pt_none *q, struct pt_value_rep *r)
{
	(void)ctx, (void)q;
	r->value = 0;
	return 0;
}

long pt_rings_srv(struct proto_ctx *ctx, const struct pt_none *q, struct pt_rings_rep *r)
{
	(void)ctx, (void)q, (void)r;
	return 0;
}

long pt_nap_srv(struct proto_ctx *ctx, const struct pt_nap_req *q, struct pt_none *r)
{
	(void)ctx, (void)q, (void)r;
	return 0;
}

static const struct proto_op ops[] = { HELLO_OPS(PROTO_OP_ENTRY) PROTOTEST_OPS(PROTO_OP_ENTRY) };
#define NOPS (sizeof(ops) / sizeof(ops[0]))

/* What the kernel and the server's loop do with a call: the request's
 * capabilities are copied to the server, the answer's moved back and the
 * server's slots for them freed. A deferred call is answered later
 * through the saved reply (ipc_send below); here it returns E_TIMEOUT. */
long ipc_call(uint64_t ep, struct msg *m)
{
	uint64_t moved[MSG_MAX_CAPS];
	unsigned n;

	calls++;
	if (deaths_to_come) {
		deaths_to_come--;
		shim_clock += death_ms;
		return E_DEAD; /* the server died holding the call */
	}
	if (cancels_to_come) {
		cancels_to_come--;
		return E_BAD_STATE; /* our thread was suspended during the call */
	}
	m->badge = ep; /* the badge the server sees */
	shim_transfer(m, false);
	if (!proto_dispatch(ops, NOPS, NULL, m))
		return E_TIMEOUT;
	n = m->cap_move ? MSGINFO_CAPS(m->info) : 0;
	memcpy(moved, m->caps, sizeof(moved));
	shim_transfer(m, m->cap_move);
	for (unsigned i = 0; i < n; i++)
		slot_free(moved[i]);
	return E_OK;
}

long ipc_recv(uint64_t ep, uint64_t timeout_ms, struct msg *m)
{
	(void)ep, (void)timeout_ms, (void)m;
	recvs++;
	if (recv_cancels_to_come) {
		recv_cancels_to_come--;
		return E_BAD_STATE; /* suspended while it waited */
	}
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

long ipc_reply(const struct msg *m)
{
	(void)m;
	return E_BAD_CAP;
}

/* Answers to deferred calls, through their saved reply capabilities. */
static struct msg answers[8];
static unsigned nanswers;

long ipc_send(uint64_t ep, const struct msg *m)
{
	struct cap_info ci;

	if (sys_cap_identify_out(ep, &ci) != E_OK || ci.ci_type != CAP_REPLY)
		return E_NO_REPLY;
	sys_cap_delete(ep); /* one-shot */
	if (nanswers < 8)   /* the test keeps the first 8 */
		answers[nanswers] = *m;
	nanswers++;
	return E_OK;
}

long sys_reply_save(uint64_t slot)
{
	fake_caps[slot] = (struct fake_cap){ CAP_REPLY, 0, 0, true };
	return E_OK;
}

static int reset(void **state)
{
	(void)state;
	count = 0;
	calls = deaths_to_come = cancels_to_come = recvs = recv_cancels_to_come = 0;
	shim_clock = death_ms = 0;
	handler_status = 0;
	keep_caps = false;
	kept_cap = 0;
	nanswers = 0;
	shim_reset();
	proto_identity(1, 2, 0);
	return 0;
}

static void stub_reaches_its_handler_and_back(void **state)
{
	struct proto_client c = { .pc_ep = 7, .pc_retries = 0 };
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
	struct proto_client c = { .pc_ep = 1, .pc_retries = 0 };
	struct hello_echo_req q = { 9 };
	struct hello_echo_rep r = { 77, 77 };

	(void)state;
	handler_status = PE_BAD_REQUEST;
	assert_int_equal(hello_echo(&c, &q, &r), PE_BAD_REQUEST);
	assert_int_equal(r.value, 77); /* untouched */
}

static void unknown_opcode_gets_bad_op(void **state)
{
	struct proto_client c = { .pc_ep = 1, .pc_retries = 0 };
	uint64_t q = 0, r = 0;

	(void)state;
	assert_int_equal(proto_call(&c, HELLO_BASE + 99, 0, &q, 8, &r, 8, NULL), PE_BAD_OP);
	assert_int_equal(proto_call(&c, PROTO_FIRST + 5 * PROTO_RANGE, 0, &q, 8, &r, 8, NULL), PE_BAD_OP);
}

static void wrong_sizes_get_bad_size(void **state)
{
	struct proto_client c = { .pc_ep = 1, .pc_retries = 0 };
	uint64_t q[2] = { 1, 2 }, r[3];

	(void)state;
	/* The echo request is one word; two are refused by the server. */
	assert_int_equal(proto_call(&c, HELLO_BASE + 1, 0, q, 16, r, 16, NULL), PE_BAD_SIZE);
	/* A reply of two words where the caller expects three. */
	assert_int_equal(proto_call(&c, HELLO_BASE + 1, 0, q, 8, r, 24, NULL), PE_BAD_SIZE);
}

static void heartbeat_is_answered_by_the_loop(void **state)
{
	struct msg m;

	(void)state;
	msg_init(&m, PROTO_HEARTBEAT, 0);
	proto_identity(1, 2, 4);
	assert_true(proto_dispatch(ops, NOPS, NULL, &m));
	assert_int_equal(msg_label(&m), 0);
	assert_int_equal(msg_words(&m), 1);
	assert_int_equal(m.w[0], 4); /* the generation */
}

static void capabilities_an_operation_does_not_declare_are_refused(void **state)
{
	struct msg m;

	(void)state;
	msg_init(&m, HELLO_BASE + 1, 1);
	m.info |= MSGINFO(0, 0, 2);
	m.caps[0] = shim_cap(CAP_ENDPOINT, R_WRITE);
	m.caps[1] = shim_cap(CAP_FRAME, R_READ);
	proto_dispatch(ops, NOPS, NULL, &m);
	assert_int_equal((int32_t)msg_label(&m), PE_BAD_SIZE);
	assert_int_equal(shim_live_caps(), 0); /* deleted, not kept */
}

static void idempotent_call_is_repeated_after_a_restart(void **state)
{
	struct proto_client c = { .pc_ep = 3, .pc_retries = 0 };
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
	struct proto_client c = { .pc_ep = 3, .pc_retries = 2 };
	struct hello_echo_req q = { 5 };
	struct hello_echo_rep r;

	(void)state;
	deaths_to_come = 10;
	assert_int_equal(hello_echo(&c, &q, &r), PE_RESTARTED);
	assert_int_equal(calls, 3); /* the call and its 2 retries */
}

static void idempotent_call_waits_out_restarts_for_its_patience(void **state)
{
	struct proto_client c = { .pc_ep = 3, .pc_retries = 2, .pc_patience_ms = 1000 };
	struct hello_echo_req q = { 5 };
	struct hello_echo_rep r;

	(void)state;
	deaths_to_come = 10;
	death_ms = 50; /* ten deaths in 500 ms: more than its retries, within its patience */
	assert_int_equal(hello_echo(&c, &q, &r), 0);
	assert_int_equal(r.value, 5);
	assert_int_equal(calls, 11);
}

static void idempotent_call_gives_up_when_its_patience_runs_out(void **state)
{
	struct proto_client c = { .pc_ep = 3, .pc_retries = 2, .pc_patience_ms = 1000 };
	struct hello_echo_req q = { 5 };
	struct hello_echo_rep r;
	struct hello_add_req a = { 5 };
	struct hello_count_rep cr;

	(void)state;
	deaths_to_come = 100;
	death_ms = 200;
	assert_int_equal(hello_echo(&c, &q, &r), PE_RESTARTED);
	/* Cut off first at 200 ms; its 2 retries, then calls until 1200 ms. */
	assert_int_equal(calls, 6);
	assert_int_equal(shim_clock, 1200);
	/* Patience never repeats a call that is not idempotent. */
	calls = 0;
	assert_int_equal(hello_add(&c, &a, &cr), PE_RESTARTED);
	assert_int_equal(calls, 1);
}

static void other_calls_report_the_restart(void **state)
{
	struct proto_client c = { .pc_ep = 3, .pc_retries = 0 };
	struct hello_add_req q = { 5 };
	struct hello_count_rep r;

	(void)state;
	deaths_to_come = 1;
	assert_int_equal(hello_add(&c, &q, &r), PE_RESTARTED);
	assert_int_equal(calls, 1); /* never repeated: it may have happened */
	assert_int_equal(count, 0);
}

static void a_call_cut_off_by_a_suspension_is_repeated_if_idempotent(void **state)
{
	struct proto_client c = { .pc_ep = 3, .pc_retries = 0 };
	struct hello_echo_req q = { 5 };
	struct hello_echo_rep r = { 0, 0 };
	struct hello_add_req a = { 5 };
	struct hello_count_rep cr;

	(void)state;
	cancels_to_come = 1;
	assert_int_equal(hello_echo(&c, &q, &r), 0);
	assert_int_equal(r.value, 5);
	assert_int_equal(calls, 2);
	cancels_to_come = 1;
	assert_int_equal(hello_add(&c, &a, &cr), PE_RESTARTED);
	assert_int_equal(calls, 3); /* not repeated: it may have happened */
}

static void a_receive_cut_off_by_a_suspension_is_received_again(void **state)
{
	struct msg m;

	(void)state;
	assert_int_equal(proto_recv_again(E_OK, 3, &m), E_OK);
	assert_int_equal(recvs, 0);
	recv_cancels_to_come = 2;
	/* Two more cancelled receives, then the fake's E_BAD_CAP, which
	 * is a failure and comes back. */
	assert_int_equal(proto_recv_again(E_BAD_STATE, 3, &m), E_BAD_CAP);
	assert_int_equal(recvs, 3);
}

static void write_lease_lets_the_server_fill_the_clients_buffer(void **state)
{
	struct proto_client c = { .pc_ep = 1 };
	uint8_t *buf = shim_buffer(3);
	struct pt_fill_req q = { 0xAB };
	struct pt_value_rep r;
	struct proto_xfer x = { .px_buf = buf + 100, .px_len = 5000 };

	(void)state;
	memset(buf, 0, 3 * 4096);
	assert_int_equal(pt_fill_x(&c, &q, &r, &x), 0);
	assert_int_equal(r.value, 5000); /* the server saw the range, not the pages */
	for (size_t i = 0; i < 3 * 4096; i++)
		assert_int_equal(buf[i], i >= 100 && i < 5100 ? 0xAB : 0);
	/* Taken back: no share left, no mapping left in the server. */
	assert_int_equal(shim_live_shares(), 0);
	assert_int_equal(shim_mappings(), 0);
	assert_int_equal(shim_live_caps(), 0);
}

static void read_lease_is_lent_read_only(void **state)
{
	struct proto_client c = { .pc_ep = 1 };
	uint8_t *buf = shim_buffer(1);
	struct pt_none q = { 0 };
	struct pt_value_rep r;
	struct proto_xfer x = { .px_buf = buf, .px_len = 10 };

	(void)state;
	for (unsigned i = 0; i < 10; i++)
		buf[i] = (uint8_t)(i + 1);
	assert_int_equal(pt_sum_x(&c, &q, &r, &x), 0);
	assert_int_equal(r.value, 55);
	/* The server may not map a read lease writable. */
	assert_int_equal(shim_live_shares(), 0);
	{
		uint64_t share = slot_alloc();

		assert_int_equal(sys_share_create(1, share, (uint64_t)buf, 1, R_READ), E_OK);
		assert_int_equal(sys_mem_map(2, share, vspace_alloc(4096, 4096), R_READ | R_WRITE, 0, 0),
		                 E_NO_RIGHTS);
		sys_obj_destroy(share);
		sys_cap_delete(share);
		slot_free(share);
	}
}

static void leased_calls_need_their_lease(void **state)
{
	struct proto_client c = { .pc_ep = 1 };
	struct pt_fill_req q = { 1 };
	struct pt_value_rep r = { 99 };
	struct proto_xfer x = { .px_buf = NULL, .px_len = 0 };
	uint8_t stack_buf[16];

	(void)state;
	assert_int_equal(pt_fill(&c, &q, &r), PE_BAD_REQUEST); /* the plain stub cannot lend */
	assert_int_equal(calls, 0);
	/* A lease of nothing is allowed: the handler sees no buffer. */
	assert_int_equal(pt_fill_x(&c, &q, &r, &x), 0);
	assert_int_equal(r.value, 0);
	assert_int_equal(shim_live_caps(), 0);
	/* Memory the kernel will not lend fails before any call. */
	x = (struct proto_xfer){ .px_buf = stack_buf, .px_len = sizeof(stack_buf) };
	assert_int_equal(pt_fill_x(&c, &q, &r, &x), E_NOT_FOUND);
	assert_int_equal(calls, 1);
}

static void a_forged_lease_is_refused(void **state)
{
	struct msg m;
	uint64_t frame = shim_cap(CAP_FRAME, R_READ | R_WRITE);
	uint8_t *buf = shim_buffer(1);
	uint64_t share = slot_alloc();

	(void)state;
	/* A frame where the share should be. */
	msg_init(&m, PROTOTEST_BASE + 1, 3);
	m.w[0] = 7;
	m.w[1] = 0;
	m.w[2] = 100;
	m.info = MSGINFO(PROTOTEST_BASE + 1, 3, 1);
	m.caps[0] = frame;
	proto_dispatch(ops, NOPS, NULL, &m);
	assert_int_equal((int32_t)msg_label(&m), PE_BAD_REQUEST);
	/* A length past the share's pages, and a read-only share for a write. */
	assert_int_equal(sys_share_create(1, share, (uint64_t)buf, 1, R_READ | R_WRITE), E_OK);
	msg_init(&m, PROTOTEST_BASE + 1, 3);
	m.w[1] = 4000;
	m.w[2] = 200;
	m.info = MSGINFO(PROTOTEST_BASE + 1, 3, 1);
	m.caps[0] = share;
	shim_transfer(&m, false);
	proto_dispatch(ops, NOPS, NULL, &m);
	assert_int_equal((int32_t)msg_label(&m), PE_BAD_REQUEST);
	sys_obj_destroy(share);
	assert_int_equal(shim_live_caps(), 1); /* ours; the server's copy went */
	assert_int_equal(shim_mappings(), 0);
	/* A lease length with no share, and a share with length 0. */
	msg_init(&m, PROTOTEST_BASE + 1, 3);
	m.w[2] = 10;
	proto_dispatch(ops, NOPS, NULL, &m);
	assert_int_equal((int32_t)msg_label(&m), PE_BAD_SIZE);
}

static void capabilities_travel_both_ways(void **state)
{
	struct proto_client c = { .pc_ep = 1 };
	struct pt_none q = { 0 }, none;
	struct pt_value_rep r;
	struct proto_xfer x = { .px_caps = { shim_cap(CAP_FRAME, R_READ) } };

	(void)state;
	assert_int_equal(pt_take(&c, &q, &r), PE_BAD_REQUEST);
	assert_int_equal(pt_take_x(&c, &q, &r, &x), 0);
	assert_int_equal(r.value, CAP_FRAME);
	assert_int_equal(shim_live_caps(), 1); /* ours only: the server's copy was deleted */
	keep_caps = true;
	assert_int_equal(pt_take_x(&c, &q, &r, &x), 0);
	assert_true(fake_caps[kept_cap].fc_live); /* kept by the handler */
	/* A reply's capability lands in the client's xfer. */
	x.px_caps[0] = CAP_NULL;
	assert_int_equal(pt_give_x(&c, &q, &none, &x), 0);
	assert_true(x.px_caps[0] != CAP_NULL);
	assert_int_equal(fake_caps[x.px_caps[0]].fc_type, CAP_ENDPOINT);
	assert_int_equal(shim_live_caps(),
	                 3); /* ours, the kept one, the new one: the server's slot is free */
}

static void answers_carry_the_servers_generation(void **state)
{
	struct proto_client c = { .pc_ep = 1 };
	struct hello_echo_req q = { 1 };
	struct hello_echo_rep r;

	(void)state;
	proto_identity(1, 2, 3);
	assert_int_equal(hello_echo(&c, &q, &r), 0);
	assert_int_equal(c.pc_generation, 3);
	assert_false(proto_restarted(&c));
	proto_identity(1, 2, 4); /* restarted between calls */
	handler_status = PE_BAD_REQUEST;
	assert_int_equal(hello_echo(&c, &q, &r), PE_BAD_REQUEST); /* errors carry it too */
	assert_int_equal(c.pc_generation, 4);
	assert_true(proto_restarted(&c));
	assert_false(proto_restarted(&c)); /* once */
}

/* Calls handed straight to the dispatcher, as the server loop would, with
 * reply capabilities saved by proto_defer. */
static void gather(uint64_t group, uint64_t count)
{
	struct msg m;

	msg_init(&m, PROTOTEST_BASE + 3, 2);
	m.w[0] = group;
	m.w[1] = count;
	assert_false(proto_dispatch(ops, NOPS, NULL, &m));
}

static void deferred_calls_wait_and_are_answered_in_order(void **state)
{
	(void)state;
	gather(1, 3);
	gather(2, 2);
	gather(1, 3);
	assert_int_equal(nanswers, 0);
	gather(2, 2);
	assert_int_equal(nanswers, 2); /* group 2's, in arrival order */
	assert_int_equal(answers[0].w[0], 0);
	assert_int_equal(answers[1].w[0], 1);
	assert_int_equal(msg_words(&answers[0]), 2); /* the reply and the generation */
	/* The first caller of group 1 dies: the rest do not wait for it. */
	{
		struct proto_waiter *w = proto_waiter_next(NULL, 1);

		assert_non_null(w);
		sys_cap_delete(w->pw_reply);
	}
	gather(1, 2);
	assert_int_equal(nanswers, 4);
	assert_int_equal(answers[2].w[0], 0);
	assert_int_equal(answers[3].w[0], 1);
	assert_null(proto_waiter_next(NULL, PROTO_ANY_TAG));
	assert_int_equal(shim_live_caps(), 0);
}

static void waiters_are_limited_and_come_back(void **state)
{
	struct msg m;

	(void)state;
	for (unsigned i = 0; i < PROTO_MAX_WAITERS; i++)
		gather(9, 1000);
	msg_init(&m, PROTOTEST_BASE + 3, 2);
	m.w[0] = 9;
	m.w[1] = 1000;
	assert_true(proto_dispatch(ops, NOPS, NULL, &m));
	assert_int_equal((int32_t)msg_label(&m), PE_BUSY);
	for (struct proto_waiter *w; (w = proto_waiter_next(NULL, 9));)
		assert_int_equal(proto_answer(w, PE_BAD_REQUEST, NULL), E_OK);
	assert_int_equal(nanswers, PROTO_MAX_WAITERS);
	assert_int_equal((int32_t)msg_label(&answers[0]), PE_BAD_REQUEST);
	gather(9, 1);
	assert_null(proto_waiter_next(NULL, PROTO_ANY_TAG));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(stub_reaches_its_handler_and_back, reset),
		cmocka_unit_test_setup(handler_error_comes_back_without_a_reply, reset),
		cmocka_unit_test_setup(unknown_opcode_gets_bad_op, reset),
		cmocka_unit_test_setup(wrong_sizes_get_bad_size, reset),
		cmocka_unit_test_setup(heartbeat_is_answered_by_the_loop, reset),
		cmocka_unit_test_setup(capabilities_an_operation_does_not_declare_are_refused, reset),
		cmocka_unit_test_setup(idempotent_call_is_repeated_after_a_restart, reset),
		cmocka_unit_test_setup(idempotent_call_gives_up_after_its_retries, reset),
		cmocka_unit_test_setup(idempotent_call_waits_out_restarts_for_its_patience, reset),
		cmocka_unit_test_setup(idempotent_call_gives_up_when_its_patience_runs_out, reset),
		cmocka_unit_test_setup(other_calls_report_the_restart, reset),
		cmocka_unit_test_setup(a_call_cut_off_by_a_suspension_is_repeated_if_idempotent, reset),
		cmocka_unit_test_setup(a_receive_cut_off_by_a_suspension_is_received_again, reset),
		cmocka_unit_test_setup(write_lease_lets_the_server_fill_the_clients_buffer, reset),
		cmocka_unit_test_setup(read_lease_is_lent_read_only, reset),
		cmocka_unit_test_setup(leased_calls_need_their_lease, reset),
		cmocka_unit_test_setup(a_forged_lease_is_refused, reset),
		cmocka_unit_test_setup(capabilities_travel_both_ways, reset),
		cmocka_unit_test_setup(answers_carry_the_servers_generation, reset),
		cmocka_unit_test_setup(deferred_calls_wait_and_are_answered_in_order, reset),
		cmocka_unit_test_setup(waiters_are_limited_and_come_back, reset),
	};

	return cmocka_run_group_tests_name("proto", tests, NULL, NULL);
}

/* The protocol layer through the real kernel: suptest started as "leasy"
 * serves the prototest protocol (include/kestrel/proto/prototest.h), and
 * suptest as the client lends it buffers, passes capabilities both ways
 * and keeps several calls outstanding. */
#include <stdlib.h>
#include <string.h>

#include <kestrel/proto/prototest.h>

#include "ipc.h"
#include "leasy.h"
#include "proto.h"
#include "server.h"
#include "syscalls.h"

PROTO_CLIENT(PROTOTEST_OPS)
PROTO_SERVER(PROTOTEST_OPS)

static const uint8_t *last_lease; /* peek: where the last lease was mapped */

long pt_fill_srv(struct proto_ctx *ctx, const struct pt_fill_req *q, struct pt_value_rep *r)
{
	if (ctx->pc_lease)
		memset(ctx->pc_lease, (int)q->byte, ctx->pc_lease_len);
	last_lease = ctx->pc_lease;
	r->value = ctx->pc_lease_len;
	return 0;
}

long pt_sum_srv(struct proto_ctx *ctx, const struct pt_none *q, struct pt_value_rep *r)
{
	(void)q;
	r->value = 0;
	for (size_t i = 0; i < ctx->pc_lease_len; i++)
		r->value += ctx->pc_lease[i];
	last_lease = ctx->pc_lease;
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

long pt_give_srv(struct proto_ctx *ctx, const struct pt_none *q, struct pt_none *r)
{
	const struct server_info *si = server_self();
	uint64_t bell = slot_alloc();
	long e = sys_cap_copy(si->si_ep, si->si_self, bell, R_WRITE, PT_DOORBELL, CAP_COPY_BADGE);

	(void)q, (void)r;
	if (e != E_OK) {
		slot_free(bell);
		return e;
	}
	ctx->pc_reply_caps[0] = bell;
	return 0;
}

static volatile uint64_t rings, ring_bits;

static void doorbell(void *state, uint64_t bits)
{
	(void)state;
	rings++;
	ring_bits = bits;
}

long pt_rings_srv(struct proto_ctx *ctx, const struct pt_none *q, struct pt_rings_rep *r)
{
	(void)ctx, (void)q;
	r->rings = rings;
	r->bits = ring_bits;
	return 0;
}

long pt_nap_srv(struct proto_ctx *ctx, const struct pt_nap_req *q, struct pt_none *r)
{
	uint64_t ep = slot_alloc();
	struct msg m;

	(void)ctx, (void)r;
	/* Put aside, the call being handled survives the receive (ipc_recv
	 * would drop it: that is what a receive means). */
	uthread_reply_aside();
	if (sys_endpoint_create(server_self()->si_pool, ep) == E_OK)
		ipc_recv_nr(SYS_RECV, ep, q->ms, &m); /* nobody sends: a timeout */
	sys_cap_delete(ep);
	slot_free(ep);
	return 0;
}

long pt_take_srv(struct proto_ctx *ctx, const struct pt_none *q, struct pt_value_rep *r)
{
	struct cap_info ci;
	long e = sys_cap_identify_out(ctx->pc_caps[0], &ci);

	(void)q;
	r->value = ci.ci_type;
	return e;
}

long pt_peek_srv(struct proto_ctx *ctx, const struct pt_none *q, struct pt_value_rep *r)
{
	(void)ctx, (void)q;
	r->value = last_lease ? *(volatile const uint8_t *)last_lease : 0; /* faults if it was taken back */
	return 0;
}

int leasy_serve(void)
{
	static const struct proto_op ops[] = PROTO_TABLE(PROTOTEST_OPS);
	static const struct server_notify bells[] = { { PT_DOORBELL, doorbell } };
	struct server_def d = { ops, sizeof(ops) / sizeof(ops[0]), NULL, bells, 1, 1 };

	return (int)server_loop(&d);
}

void leasy_checks(void (*tap)(int ok, const char *name, long detail))
{
	struct proto_client c;
	struct pt_fill_req fq = { 0x5A };
	struct pt_none none = { 0 };
	struct pt_value_rep r = { 0 };
	struct proto_xfer x = { 0 };
	uint8_t *page = proto_lease_alloc(3 * 4096), *heap = malloc(10000);
	struct proto_pending p[3];
	struct pt_gather_req gq = { 7, 3 };
	struct pt_value_rep gr[3];
	uint64_t wait = slot_alloc(), notify = slot_alloc(), seen = 0;
	long e, ok;

	e = service_lookup("leasy", &c);
	tap(e == E_OK, "lookup_finds_leasy", e);
	/* The server writes into the client's buffer, and only its range. */
	memset(page, 0, 3 * 4096);
	x = (struct proto_xfer){ .px_buf = page + 4000, .px_len = 5000 };
	e = pt_fill_x(&c, &fq, &r, &x);
	ok = e == E_OK && r.value == 5000 && page[3999] == 0 && page[4000] == 0x5A && page[8999] == 0x5A &&
	     page[9000] == 0;
	tap(ok, "server_writes_into_a_leased_buffer", e ? e : (long)r.value);
	/* It reads a buffer on the heap (not page-aligned) lent read-only. */
	for (int i = 0; i < 10000; i++)
		heap[i] = (uint8_t)(i % 7);
	x = (struct proto_xfer){ .px_buf = heap, .px_len = 10000 };
	e = pt_sum_x(&c, &none, &r, &x);
	tap(e == E_OK && r.value == 29994, "server_reads_a_leased_heap_buffer", e ? e : (long)r.value);
	/* Capabilities both ways. */
	x = (struct proto_xfer){ .px_caps = { wait } };
	sys_endpoint_create(server_self()->si_pool, wait);
	e = pt_take_x(&c, &none, &r, &x);
	tap(e == E_OK && r.value == CAP_ENDPOINT, "server_receives_a_capability", e ? e : (long)r.value);
	x = (struct proto_xfer){ 0 };
	e = pt_give_x(&c, &none, &none, &x);
	{
		struct cap_info ci = { 0 };

		if (e == E_OK)
			e = sys_cap_identify_out(x.px_caps[0], &ci);
		tap(e == E_OK && ci.ci_type == CAP_ENDPOINT && ci.ci_badge == PT_DOORBELL,
		    "server_answers_with_a_capability", e ? e : (long)ci.ci_type);
	}
	/* The doorbell it gave reaches its loop's notification handler; a
	 * client's own badge (an ordinary call) never does. */
	{
		struct pt_rings_rep rr = { 0 };

		for (unsigned i = 0; i < 3; i++)
			sys_signal(x.px_caps[0]);
		e = pt_rings(&c, &none, &rr);
		tap(e == E_OK && rr.rings >= 1 && rr.rings <= 3 && rr.bits == PT_DOORBELL,
		    "server_loop_hands_notifications_to_their_handler", e ? e : (long)rr.rings);
		/* A client that forges the kernel's label (a send, not a signal)
		 * reaches no handler: it carries its own badge, not the doorbell's. */
		{
			struct pt_rings_rep after = { 0 };
			struct msg forged;
			long sent;

			msg_init(&forged, KMSG_NOTIFY, 0);
			sent = ipc_send(c.pc_ep, &forged);
			e = pt_rings(&c, &none, &after);
			tap(sent == E_OK && e == E_OK && after.rings == rr.rings,
			    "a_forged_notification_reaches_no_handler",
			    sent ? sent
			    : e  ? e
			         : (long)after.rings);
		}
	}
	/* A handler waits 3 heartbeat periods: the second thread answers the
	 * supervisor meanwhile, so the server is not taken for hung. */
	{
		struct pt_nap_req nq = { 700 };
		uint64_t gen = c.pc_generation;

		e = pt_nap(&c, &nq, &none);
		if (e == E_OK)
			e = pt_sum_x(&c, &none, &r, &(struct proto_xfer){ .px_buf = heap, .px_len = 7 });
		tap(e == E_OK && c.pc_generation == gen && !proto_restarted(&c),
		    "a_server_waiting_in_a_handler_still_answers_heartbeats", e ? e : (long)c.pc_generation);
	}
	/* Three calls outstanding from this one thread: the server answers
	 * none until all three wait. */
	sys_cap_copy(wait, server_self()->si_self, notify, R_WRITE, 1, CAP_COPY_BADGE);
	e = proto_async_init(3, (unsigned)server_self()->si_priority, server_self()->si_pool,
	                     server_self()->si_fault);
	for (unsigned i = 0; i < 3 && e == E_OK; i++) {
		pt_gather_pending(&p[i], &c, &gq, &gr[i], NULL, notify);
		e = proto_start(&p[i]);
	}
	for (unsigned i = 0; i < 3 && e == E_OK; i++)
		if ((e = proto_finish(&p[i], wait)) == E_OK)
			seen |= 1ULL << gr[i].value;
	tap(e == E_OK && seen == 7, "client_keeps_three_calls_outstanding", e ? e : (long)seen);
	/* After the call the lease is gone: the server faults on it, and the
	 * next answer shows the restart. */
	e = pt_peek(&c, &none, &r);
	tap(e == PE_RESTARTED, "a_lease_is_taken_back_after_its_call", e);
	e = pt_sum_x(&c, &none, &r, &(struct proto_xfer){ .px_buf = page, .px_len = 1 });
	tap(e == E_OK && proto_restarted(&c) && c.pc_generation == 2, "answers_show_the_servers_restart",
	    e ? e : (long)c.pc_generation);
	proto_lease_free(page, 3 * 4096);
	free(heap);
}

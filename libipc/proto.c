/* The client call and the server loop behind every protocol. */
#include "proto.h"

#include "ipc.h"

long proto_call(struct proto_client *c, uint32_t op, unsigned flags, const void *req, size_t req_size,
                void *rep, size_t rep_size)
{
	unsigned retries = c->pc_retries ? c->pc_retries : PROTO_RETRIES;
	struct msg m;
	long e, status;

	for (unsigned attempt = 0;; attempt++) {
		msg_init(&m, op, (unsigned)(req_size / 8));
		memcpy(m.w, req, req_size);
		e = ipc_call(c->pc_ep, &m);
		if (e != E_DEAD && e != E_NO_REPLY)
			break;
		/* The server died holding the call, or dropped it. */
		if (!(flags & PROTO_IDEMPOTENT) || attempt >= retries)
			return PE_RESTARTED;
	}
	if (e != E_OK)
		return e;
	status = (int32_t)msg_label(&m);
	if (status < 0)
		return status;
	if (msg_words(&m) * 8 != rep_size)
		return PE_BAD_SIZE;
	memcpy(rep, m.w, rep_size);
	return status;
}

static const struct proto_op *find_op(const struct proto_op *ops, size_t nops, uint32_t op)
{
	for (size_t i = 0; i < nops; i++)
		if (ops[i].po_op == op)
			return &ops[i];
	return NULL;
}

/* Runs the handler for the request in m and leaves the answer in m. */
static void dispatch(const struct proto_op *ops, size_t nops, void *state, struct msg *m)
{
	const struct proto_op *op = find_op(ops, nops, msg_label(m));
	struct proto_ctx ctx = { m->badge, state };
	uint64_t req[PROTO_MAX_WORDS];
	long status;

	if (msg_label(m) == PROTO_HEARTBEAT) {
		msg_init(m, 0, 0);
		return;
	}
	if (msg_label(m) == PROTO_CRASH && m->badge == 0)
		*(volatile uint64_t *)0 = 0; /* a real page fault, as a bug would make */
	if (!op || msg_words(m) * 8 != op->po_req_size || MSGINFO_CAPS(m->info)) {
		msg_init(m, (uint32_t)(op ? PE_BAD_SIZE : PE_BAD_OP), 0);
		return;
	}
	memcpy(req, m->w, op->po_req_size);
	memset(m->w, 0, op->po_rep_size);
	status = op->po_fn(&ctx, req, m->w);
	/* Not msg_init: it would clear the reply the handler just wrote. */
	m->info = MSGINFO((uint32_t)status, status < 0 ? 0 : op->po_rep_size / 8, 0);
}

long proto_serve(uint64_t ep, const struct proto_op *ops, size_t nops, void *state)
{
	struct msg m;
	long e = ipc_recv(ep, IPC_FOREVER, &m);

	while (e == E_OK) {
		dispatch(ops, nops, state, &m);
		m.cap_move = 0;
		e = ipc_reply_recv(ep, &m);
	}
	return e;
}

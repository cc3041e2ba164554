/* The client call and the server loop behind every protocol. */
#include "proto.h"

#include "ipc.h"
#include "syscalls.h"

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

bool proto_dispatch(const struct proto_op *ops, size_t nops, void *state, struct msg *m)
{
	const struct proto_op *op = find_op(ops, nops, msg_label(m));
	struct proto_ctx ctx = { m->badge, state };
	uint64_t req[PROTO_MAX_WORDS];
	long status;

	m->cap_move = 0;
	if (msg_label(m) == PROTO_HEARTBEAT) {
		msg_init(m, 0, 0);
		return true;
	}
	if (!op || msg_words(m) * 8 != op->po_req_size || MSGINFO_CAPS(m->info)) {
		msg_init(m, (uint32_t)(op ? PE_BAD_SIZE : PE_BAD_OP), 0);
		return true;
	}
	memcpy(req, m->w, op->po_req_size);
	memset(m->w, 0, op->po_rep_size);
	status = op->po_fn(&ctx, req, m->w);
	if (status == PROTO_DEFERRED)
		return false;
	/* Not msg_init: it would clear the reply the handler just wrote. */
	m->info = MSGINFO((uint32_t)status, status < 0 ? 0 : op->po_rep_size / 8, 0);
	return true;
}

long proto_serve(uint64_t ep, const struct proto_op *ops, size_t nops, void *state)
{
	struct msg m;
	long e = ipc_recv(ep, IPC_FOREVER, &m);

	while (e == E_OK)
		e = proto_dispatch(ops, nops, state, &m) ? ipc_reply_recv(ep, &m)
		                                         : ipc_recv(ep, IPC_FOREVER, &m);
	return e;
}

uint64_t proto_defer(void)
{
	uint64_t slot = uthread_reply_take(); /* already put aside? */

	if (slot)
		return slot;
	slot = slot_alloc();

	if (slot != CAP_NULL && sys_reply_save(slot) != E_OK) {
		slot_free(slot);
		slot = CAP_NULL;
	}
	return slot;
}

long proto_answer(uint64_t slot, long status, const void *rep, size_t rep_size)
{
	struct msg m;

	msg_init(&m, (uint32_t)status, status < 0 ? 0 : (unsigned)(rep_size / 8));
	if (status >= 0)
		memcpy(m.w, rep, rep_size);
	return ipc_answer(slot, &m);
}

const char *proto_error_text(long e)
{
	switch (e) {
#define ERROR_TEXT_CASE(name, value, text) \
	case value:                        \
		return text;
		KESTREL_ERRORS(ERROR_TEXT_CASE)
		PROTO_ERRORS(ERROR_TEXT_CASE)
#undef ERROR_TEXT_CASE
	}
	return "error";
}

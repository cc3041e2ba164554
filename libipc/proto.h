/* Protocols: the client stubs and the server loop that a protocol's one
 * declaration (see include/kestrel/proto.h) expands into.
 *
 *   PROTO_CLIENT(HELLO_OPS)      static inline stubs: hello_echo(c, &q, &r)
 *   PROTO_SERVER(HELLO_OPS)      declares the handlers: hello_echo_srv(...)
 *   PROTO_TABLE(HELLO_OPS)       the dispatch table for proto_serve()
 *
 * A client stub returns the handler's result (0 or a negative error), a
 * kernel error, or a PE_* error. If the server dies during the call, the
 * stub of an idempotent operation calls again (the endpoint belongs to the
 * supervisor, so the call waits for the restarted server); any other
 * operation returns PE_RESTARTED, since it may or may not have happened. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/proto.h>

struct msg;

/* What a client holds to use a service. */
struct proto_client {
	uint64_t pc_ep;      /* the service's endpoint (a badged capability) */
	unsigned pc_retries; /* restarts an idempotent call waits through (0: PROTO_RETRIES) */
};

#define PROTO_RETRIES 3

/* What a handler learns about the call it serves. */
struct proto_ctx {
	uint64_t pc_badge; /* of the capability the client called through */
	void *pc_state;    /* the server's own, from proto_serve() */
};

typedef long (*proto_handler_fn)(struct proto_ctx *ctx, const void *req, void *rep);

struct proto_op {
	uint32_t po_op;
	uint16_t po_req_size;
	uint16_t po_rep_size;
	proto_handler_fn po_fn;
};

long proto_call(struct proto_client *c, uint32_t op, unsigned flags, const void *req, size_t req_size,
                void *rep, size_t rep_size);

/* Handles the request received in m with its handler from ops, and
 * answers heartbeats and the supervisor's crash order itself. Unknown
 * opcodes get PE_BAD_OP, requests of the wrong size PE_BAD_SIZE. Leaves
 * the answer in m and returns true, or returns false when the handler
 * deferred its answer (there is nothing to send now). */
bool proto_dispatch(const struct proto_op *ops, size_t nops, void *state, struct msg *m);

/* Receives on ep for ever, answering each request with proto_dispatch.
 * Returns only if receiving fails. For servers that also take kernel
 * messages (interrupts) on their endpoint, main.c runs its own loop around
 * proto_dispatch instead (servers/console/main.c). */
long proto_serve(uint64_t ep, const struct proto_op *ops, size_t nops, void *state);

/* Answering later. A handler that cannot answer yet (a read waiting for a
 * line, a write waiting for the disk) calls proto_defer(), keeps the slot
 * it returns with whatever it needs to finish the request, and returns
 * PROTO_DEFERRED; the loop then sends nothing. Later the server answers
 * with proto_answer(). The caller stays blocked in its call meanwhile; if
 * the server dies first, the call fails (E_DEAD) as any call would.
 * PROTO_DEFERRED is never sent: it only tells the loop. */
#define PROTO_DEFERRED 0x7FFFFFFF

/* Moves the reply capability of the call being handled into a fresh slot.
 * Returns the slot, or CAP_NULL (0) if there is no call to keep or no slot. */
uint64_t proto_defer(void);

/* Answers a deferred call with status and, when status >= 0, the rep_size
 * bytes at rep (the size the protocol declares for the operation), and
 * frees the slot. Returns E_OK, or E_NO_REPLY if the caller is gone. */
long proto_answer(uint64_t slot, long status, const void *rep, size_t rep_size);

/* What an error code means, for messages to people: the text of a kernel
 * error (E_*) or a protocol error (PE_*); "error" for anything else. */
const char *proto_error_text(long e);

#define PROTO_SIZE_OK(t) (sizeof(t) % 8 == 0 && sizeof(t) / 8 <= PROTO_MAX_WORDS)

#define PROTO_CLIENT_STUB(proto, name, opcode, flags, req_t, rep_t)                                      \
	_Static_assert(PROTO_SIZE_OK(req_t) && PROTO_SIZE_OK(rep_t), #proto "_" #name ": message size"); \
	static inline long proto##_##name(struct proto_client *c, const req_t *q, rep_t *r)              \
	{                                                                                                \
		return proto_call(c, opcode, flags, q, sizeof(req_t), r, sizeof(rep_t));                 \
	}
#define PROTO_SERVER_DECL(proto, name, opcode, flags, req_t, rep_t) \
	long proto##_##name##_srv(struct proto_ctx *ctx, const req_t *q, rep_t *r);
#define PROTO_OP_ENTRY(proto, name, opcode, flags, req_t, rep_t) \
	{ opcode, sizeof(req_t), sizeof(rep_t), (proto_handler_fn)proto##_##name##_srv },

#define PROTO_CLIENT(OPS) OPS(PROTO_CLIENT_STUB)
#define PROTO_SERVER(OPS) OPS(PROTO_SERVER_DECL)
#define PROTO_TABLE(OPS)            \
	{                           \
		OPS(PROTO_OP_ENTRY) \
	}

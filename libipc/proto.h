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

#include <stddef.h>
#include <stdint.h>

#include <kestrel/proto.h>

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

/* Receives on ep for ever, answering each request with its handler from
 * ops (and heartbeats itself). Unknown opcodes get PE_BAD_OP, requests of
 * the wrong size PE_BAD_SIZE. Returns only if receiving fails. */
long proto_serve(uint64_t ep, const struct proto_op *ops, size_t nops, void *state);

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

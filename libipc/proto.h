/* Protocols: the client stubs and the server loop that a protocol's one
 * declaration (see include/kestrel/proto.h) expands into.
 *
 *   PROTO_CLIENT(HELLO_OPS)      static inline stubs: hello_echo(c, &q, &r),
 *                                hello_echo_x(c, &q, &r, &xfer) with
 *                                capabilities and a lease, and
 *                                hello_echo_pending(&p, c, &q, &r, &xfer, notify)
 *                                for proto_start()
 *   PROTO_SERVER(HELLO_OPS)      declares the handlers: hello_echo_srv(...)
 *   PROTO_TABLE(HELLO_OPS)       the dispatch table for proto_serve()
 *
 * A client stub returns the handler's result (0 or a negative error), a
 * kernel error, or a PE_* error. If the server dies during the call (or
 * the calling thread is suspended, which cancels the call), the stub of an
 * idempotent operation calls again (the endpoint belongs to the
 * supervisor, so the call waits for the restarted server): pc_retries
 * times, and after those for as long as the client's patience lasts
 * (pc_patience_ms from the first time a call was cut off), so that a
 * server dying again and again under a fault storm is waited out while a
 * server the supervisor gave up on still ends the call. Any other
 * operation returns PE_RESTARTED, since it may or may not have happened. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/proto.h>

struct msg;

/* What a client holds to use a service. */
struct proto_client {
	uint64_t pc_ep;          /* the service's endpoint (a badged capability) */
	unsigned pc_retries;     /* restarts an idempotent call waits through (0: PROTO_RETRIES) */
	unsigned pc_patience_ms; /* and more after those, until this long after the first (0: none) */
	uint64_t pc_generation;  /* the server's, from its last answer (0: none yet) */
	uint64_t pc_restarts;    /* times an answer came from a newer generation than the one before */
};

#define PROTO_RETRIES 3

/* What a call hands over besides its request and reply: for an operation
 * declared with PROTO_CAPS_IN/PROTO_CAPS_OUT or a lease, the _x stub takes
 * one (the plain stub of such an operation fails with PE_BAD_REQUEST).
 *
 * The lease lends the server the pages under [px_buf, px_buf + px_len)
 * for the call alone: read-only for PROTO_LEASE_READ, read-write with
 * PROTO_LEASE_WRITE. The pages are taken back when the call returns,
 * whatever the server did. The server is shown only that range, but a
 * hostile server can read the rest of the first and last page: lend
 * page-aligned buffers (proto_lease_alloc) to servers you do not trust
 * with your neighbouring data. */
struct proto_xfer {
	uint64_t px_caps[PROTO_MAX_CAPS]; /* in: slots to send (copied); out: slots the reply's arrived in */
	void *px_buf;                     /* the lease */
	size_t px_len;
};

struct proto_waiter;

/* What a handler learns about the call it serves, and gives back. */
struct proto_ctx {
	uint64_t pc_badge; /* of the capability the client called through */
	void *pc_state;    /* the server's own, from proto_serve() */
	/* The capabilities the request carried (PROTO_CAPS_IN of them). A
	 * handler that keeps one sets its entry to CAP_NULL; the loop deletes
	 * the others after the handler returns. */
	uint64_t pc_caps[PROTO_MAX_CAPS];
	/* The client's lease, mapped for the call (NULL when it lent nothing). */
	uint8_t *pc_lease;
	size_t pc_lease_len;
	/* The capabilities of the reply (PROTO_CAPS_OUT of them): slots the
	 * handler fills; they are moved to the client, and the slots freed. */
	uint64_t pc_reply_caps[PROTO_MAX_CAPS];
	/* Internal: the operation, and the lease's mapping and share, handed
	 * to a waiter. */
	const struct proto_op *pc_op;
	uint64_t pc_lease_va, pc_lease_pages, pc_lease_share;
};

typedef long (*proto_handler_fn)(struct proto_ctx *ctx, const void *req, void *rep);

struct proto_op {
	uint32_t po_op;
	uint16_t po_req_size;
	uint16_t po_rep_size;
	unsigned po_flags;
	proto_handler_fn po_fn;
};

long proto_call(struct proto_client *c, uint32_t op, unsigned flags, const void *req, size_t req_size,
                void *rep, size_t rep_size, struct proto_xfer *x);

/* Whether the server restarted since this client's previous answer, once:
 * a client that keeps state in the server (open files) sets it up again. */
bool proto_restarted(struct proto_client *c);

/* Who we are, for the protocol layer: the pool that leases are charged to
 * and our own task (for mapping leases we are lent), and the generation
 * our answers carry. server_attach() sets them for a server. */
void proto_identity(uint64_t pool, uint64_t task, uint64_t generation);
uint64_t proto_pool(void);

/* Handles the request received in m with its handler from ops, and
 * answers heartbeats and the supervisor's crash order itself. Unknown
 * opcodes get PE_BAD_OP, requests of the wrong size or with the wrong
 * capabilities PE_BAD_SIZE. Leaves the answer in m and returns true, or
 * returns false when the handler deferred its answer (there is nothing to
 * send now). */
bool proto_dispatch(const struct proto_op *ops, size_t nops, void *state, struct msg *m);

/* Send the answer proto_dispatch left in m (ipc_reply, ipc_reply_recv on
 * ep), then free the slots of the capabilities it moved to the client. */
long proto_reply(struct msg *m);
long proto_reply_recv(uint64_t ep, struct msg *m);

/* A receive that a suspension cancelled (thread_suspend, by a debugger or
 * the chaos service: it returns E_BAD_STATE once the thread runs again)
 * is no failure of the receiver's: a server loop passes e, what its
 * receive returned, through this, which receives on ep again after such
 * a cancel. */
long proto_recv_again(long e, uint64_t ep, struct msg *m);

/* Receives on ep for ever, answering each request with proto_dispatch.
 * Returns only if receiving fails. Servers that also take notifications
 * use server_loop (server.h). */
long proto_serve(uint64_t ep, const struct proto_op *ops, size_t nops, void *state);

/* Answering later. A handler that cannot answer yet (a read waiting for a
 * line, a write waiting for the disk) calls proto_defer(), keeps the
 * waiter it returns (or finds it again with proto_waiter_next), and
 * returns PROTO_DEFERRED; the loop then sends nothing. Later the server
 * answers with proto_answer(). The caller stays blocked in its call
 * meanwhile, and its lease stays mapped (pw_lease); if the server dies
 * first, the call fails (E_DEAD) as any call would. PROTO_DEFERRED is
 * never sent: it only tells the loop. Up to PROTO_MAX_WAITERS calls wait
 * at once in a server; thread-safe. */
#define PROTO_DEFERRED    0x7FFFFFFF
#define PROTO_MAX_WAITERS 64

struct proto_waiter {
	uint64_t pw_reply; /* slot of the caller's reply capability (0: free entry) */
	uint64_t pw_seq;   /* arrival order */
	uint64_t pw_tag;   /* the server's: what the caller waits for */
	uint64_t pw_badge; /* the caller's badge */
	uint32_t pw_op;    /* the operation, for its reply size */
	uint16_t pw_rep_size;
	uint8_t *pw_lease; /* the caller's lease, still mapped (NULL: none) */
	size_t pw_lease_len;
	uint64_t pw_data[4]; /* the server's */
	uint64_t pw_lease_va, pw_lease_pages, pw_lease_share;
};

/* Defers the call being handled, tagged tag. NULL when PROTO_MAX_WAITERS
 * calls wait already or no slot is left (the handler returns PE_BUSY). */
struct proto_waiter *proto_defer(struct proto_ctx *ctx, uint64_t tag);

/* The first waiter with tag (any tag: PROTO_ANY_TAG) that arrived after
 * after (NULL: the oldest), in arrival order; NULL when none. A waiter
 * whose caller has gone is dropped on the way. */
#define PROTO_ANY_TAG (~0ULL)
struct proto_waiter *proto_waiter_next(const struct proto_waiter *after, uint64_t tag);

/* Answers a waiter with status and, when status >= 0, its reply (the size
 * the protocol declares for its operation), takes its lease back and
 * frees the entry. Returns E_OK, or E_NO_REPLY if the caller is gone. */
long proto_answer(struct proto_waiter *w, long status, const void *rep);

/* Several calls outstanding from one thread. proto_start() hands the call
 * in p to one of the task's call workers (threads started by
 * proto_async_init, with priority prio, memory from pool and fault_ep
 * for their faults: a server passes server_self()->si_fault) and returns
 * at once; the worker makes the call, stores
 * the result in p->pp_result, sets p->pp_done and signals p->pp_notify (a
 * badged capability of an endpoint of the caller's), so that a server loop
 * learns it with its other notifications. proto_finish(p, wait_ep)
 * receives on wait_ep (the endpoint pp_notify names, which must carry
 * nothing but these signals) until p is done, and returns its result; one
 * signal for several finished calls is enough, since each is checked
 * first. With every worker busy, proto_start() waits for one. */
struct proto_pending {
	struct proto_client *pp_client;
	uint32_t pp_op;
	unsigned pp_flags;
	const void *pp_req;
	size_t pp_req_size;
	void *pp_rep;
	size_t pp_rep_size;
	struct proto_xfer *pp_xfer;
	uint64_t pp_notify;
	volatile long pp_result;
	volatile int pp_done;
};

long proto_async_init(unsigned workers, unsigned prio, uint64_t pool, uint64_t fault_ep);
long proto_start(struct proto_pending *p);
long proto_finish(struct proto_pending *p, uint64_t wait_ep);

#define PROTO_ASYNC_STUB(proto, name, opcode, flags, req_t, rep_t)                                   \
	static inline void proto##_##name##_pending(struct proto_pending *p, struct proto_client *c, \
	                                            const req_t *q, rep_t *r, struct proto_xfer *x,  \
	                                            uint64_t notify)                                 \
	{                                                                                            \
		*p = (struct proto_pending){ c, opcode, flags, q, sizeof(req_t), r, sizeof(rep_t),   \
			                     x, notify, 0,     0 };                                  \
	}

/* A page-aligned buffer of pages for leases, from our pool and mapped;
 * NULL if there is no memory. proto_lease_free() gives it back. */
void *proto_lease_alloc(size_t bytes);
void proto_lease_free(void *buf, size_t bytes);

/* What an error code means, for messages to people: the text of a kernel
 * error (E_*) or a protocol error (PE_*); "error" for anything else. */
const char *proto_error_text(long e);

#define PROTO_SIZE_OK(t) (sizeof(t) % 8 == 0 && sizeof(t) / 8 <= PROTO_MAX_WORDS)

#define PROTO_CLIENT_STUB(proto, name, opcode, flags, req_t, rep_t)                                      \
	_Static_assert(PROTO_SIZE_OK(req_t) && PROTO_SIZE_OK(rep_t), #proto "_" #name ": message size"); \
	static inline long proto##_##name(struct proto_client *c, const req_t *q, rep_t *r)              \
	{                                                                                                \
		return proto_call(c, opcode, flags, q, sizeof(req_t), r, sizeof(rep_t), NULL);           \
	}                                                                                                \
	static inline long proto##_##name##_x(struct proto_client *c, const req_t *q, rep_t *r,          \
	                                      struct proto_xfer *x)                                      \
	{                                                                                                \
		return proto_call(c, opcode, flags, q, sizeof(req_t), r, sizeof(rep_t), x);              \
	}                                                                                                \
	PROTO_ASYNC_STUB(proto, name, opcode, flags, req_t, rep_t)
#define PROTO_SERVER_DECL(proto, name, opcode, flags, req_t, rep_t) \
	long proto##_##name##_srv(struct proto_ctx *ctx, const req_t *q, rep_t *r);
#define PROTO_OP_ENTRY(proto, name, opcode, flags, req_t, rep_t) \
	{ opcode, sizeof(req_t), sizeof(rep_t), flags, (proto_handler_fn)proto##_##name##_srv },

#define PROTO_CLIENT(OPS) OPS(PROTO_CLIENT_STUB)
#define PROTO_SERVER(OPS) OPS(PROTO_SERVER_DECL)
#define PROTO_TABLE(OPS)            \
	{                           \
		OPS(PROTO_OP_ENTRY) \
	}

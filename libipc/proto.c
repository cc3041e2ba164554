/* The client call and the server dispatch behind every protocol: the
 * transfer of capabilities and leases, the generation in every answer, and
 * the calls that wait for a later answer. */
#include "proto.h"

#include "ipc.h"
#include "syscalls.h"
#include "vspace.h"

#define PAGE 4096ULL

static uint64_t my_pool, my_task, my_generation;

void proto_identity(uint64_t pool, uint64_t task, uint64_t generation)
{
	my_pool = pool;
	my_task = task;
	my_generation = generation;
}

uint64_t proto_pool(void)
{
	return my_pool;
}

/* Gives back a slot a capability arrived in or was made in. */
static void drop_slot(uint64_t slot)
{
	if (slot == CAP_NULL)
		return;
	sys_cap_delete(slot);
	slot_free(slot);
}

/* The client's side of a lease: a share of the pages under the buffer. */
struct lease {
	uint64_t l_share; /* slot, or CAP_NULL for no lease */
	uint64_t l_offset;
};

static long lease_lend(const struct proto_xfer *x, unsigned flags, struct lease *l)
{
	uint64_t start = (uint64_t)x->px_buf & ~(PAGE - 1), end;
	unsigned rights = flags & PROTO_LEASE_WRITE ? R_READ | R_WRITE : R_READ;
	long e;

	*l = (struct lease){ CAP_NULL, (uint64_t)x->px_buf - start };
	if (x->px_len == 0)
		return E_OK;
	end = (uint64_t)x->px_buf + x->px_len;
	if (end < (uint64_t)x->px_buf)
		return E_BAD_ARG;
	end = (end + PAGE - 1) & ~(PAGE - 1);
	l->l_share = slot_alloc();
	if (l->l_share == CAP_NULL)
		return E_LIMIT;
	e = sys_share_create(my_pool, l->l_share, start, (end - start) / PAGE, rights);
	if (e != E_OK) {
		slot_free(l->l_share);
		l->l_share = CAP_NULL;
	}
	return e;
}

/* Takes the pages back: the server's mapping goes whatever it did. */
static void lease_end(struct lease *l)
{
	if (l->l_share != CAP_NULL) {
		sys_obj_destroy(l->l_share);
		drop_slot(l->l_share);
	}
}

/* Builds the request of a call in m. */
static void request(struct msg *m, uint32_t op, unsigned flags, const void *req, size_t req_size,
                    const struct proto_xfer *x, const struct lease *l)
{
	unsigned words = (unsigned)(req_size / 8), caps = PROTO_NCAPS_IN(flags);

	msg_init(m, op, words);
	memcpy(m->w, req, req_size);
	for (unsigned i = 0; i < caps; i++)
		m->caps[i] = x->px_caps[i];
	if (PROTO_LEASED(flags)) {
		m->w[words++] = l->l_offset;
		m->w[words++] = x->px_len;
		if (l->l_share != CAP_NULL)
			m->caps[caps++] = l->l_share;
	}
	m->info = MSGINFO(op, words, caps);
}

/* Takes an answer apart: the generation, the reply's capabilities (into
 * x, or deleted when the caller wants none), the reply. */
static long answer(struct proto_client *c, unsigned flags, struct msg *m, void *rep, size_t rep_size,
                   struct proto_xfer *x)
{
	long status = (int32_t)msg_label(m);
	unsigned words = msg_words(m), want = status < 0 ? 0 : (unsigned)(rep_size / 8);

	/* An error may come from a loop that knows no generation (the
	 * supervisor refusing calls for a server that failed): no words. */
	unsigned ncaps = MSGINFO_CAPS(m->info), out = status < 0 ? 0 : PROTO_NCAPS_OUT(flags);

	if (words == want + 1) {
		uint64_t gen = m->w[want];

		if (gen && c->pc_generation && gen != c->pc_generation)
			c->pc_restarts++;
		if (gen)
			c->pc_generation = gen;
	}
	for (unsigned i = 0; i < ncaps; i++) {
		if (i < out && x)
			x->px_caps[i] = m->caps[i];
		else
			drop_slot(m->caps[i]);
	}
	if (status < 0)
		return status;
	if (words != want + 1 || ncaps != out)
		return PE_BAD_SIZE;
	memcpy(rep, m->w, rep_size);
	return status;
}

/* Whether an idempotent call cut off attempt + 1 times, the first at
 * first_cut_ms, is made again: its retries, then its patience. */
static bool call_again(const struct proto_client *c, unsigned attempt, uint64_t first_cut_ms)
{
	unsigned retries = c->pc_retries ? c->pc_retries : PROTO_RETRIES;

	return attempt < retries || (c->pc_patience_ms && sys_clock_ms() - first_cut_ms < c->pc_patience_ms);
}

long proto_call(struct proto_client *c, uint32_t op, unsigned flags, const void *req, size_t req_size,
                void *rep, size_t rep_size, struct proto_xfer *x)
{
	struct lease l = { CAP_NULL, 0 };
	uint64_t first_cut_ms = 0;
	struct msg m;
	long e;

	if ((PROTO_NCAPS_IN(flags) || PROTO_NCAPS_OUT(flags) || PROTO_LEASED(flags)) && !x)
		return PE_BAD_REQUEST;
	if (PROTO_LEASED(flags) && (e = lease_lend(x, flags, &l)) != E_OK)
		return e;
	for (unsigned attempt = 0;; attempt++) {
		request(&m, op, flags, req, req_size, x, &l);
		e = ipc_call(c->pc_ep, &m);
		if (e != E_DEAD && e != E_NO_REPLY && e != E_BAD_STATE)
			break;
		/* The server died holding the call, or dropped it, or our
		 * thread was suspended during the call (a debugger, the chaos
		 * service), which cancelled it: it may or may not have been
		 * done. */
		if (attempt == 0 && c->pc_patience_ms)
			first_cut_ms = sys_clock_ms();
		if (!(flags & PROTO_IDEMPOTENT) || !call_again(c, attempt, first_cut_ms)) {
			e = PE_RESTARTED;
			break;
		}
	}
	lease_end(&l);
	return e == E_OK ? answer(c, flags, &m, rep, rep_size, x) : e;
}

bool proto_restarted(struct proto_client *c)
{
	bool r = c->pc_restarts != 0;

	c->pc_restarts = 0;
	return r;
}

static const struct proto_op *find_op(const struct proto_op *ops, size_t nops, uint32_t op)
{
	/* A protocol's list usually numbers its operations in order from the
	 * first: look where that puts op before searching. */
	size_t guess = nops ? (size_t)(op - ops[0].po_op) : 0;

	if (guess < nops && ops[guess].po_op == op)
		return &ops[guess];
	for (size_t i = 0; i < nops; i++)
		if (ops[i].po_op == op)
			return &ops[i];
	return NULL;
}

/* Maps the lease a request carries (the share in its last capability
 * slot) into our task for the handler. */
static long lease_map(const struct proto_op *op, const struct msg *m, unsigned words, struct proto_ctx *ctx)
{
	uint64_t offset = m->w[words - 2], len = m->w[words - 1], pages, va;
	unsigned rights = op->po_flags & PROTO_LEASE_WRITE ? R_READ | R_WRITE : R_READ;
	struct cap_info ci;

	if (len == 0)
		return E_OK;
	ctx->pc_lease_share = m->caps[PROTO_NCAPS_IN(op->po_flags)];
	if (sys_cap_identify_out(ctx->pc_lease_share, &ci) != E_OK || ci.ci_type != CAP_SHARE ||
	    (ci.ci_rights & rights) != rights)
		return PE_BAD_REQUEST;
	pages = ci.ci_badge;
	if (offset >= PAGE || len > pages * PAGE - offset)
		return PE_BAD_REQUEST;
	va = vspace_alloc(pages * PAGE, PAGE);
	if (!va || sys_mem_map(my_task, ctx->pc_lease_share, va, rights, 0, 0) != E_OK)
		return E_NO_MEMORY;
	ctx->pc_lease_va = va;
	ctx->pc_lease_pages = pages;
	ctx->pc_lease = (uint8_t *)(va + offset);
	ctx->pc_lease_len = len;
	return E_OK;
}

static void lease_unmap(uint64_t va, uint64_t pages, uint64_t share)
{
	if (va)
		sys_mem_unmap(my_task, va, pages);
	drop_slot(share);
}

/* The words of an answer: the reply's, then our generation. */
static void reply_info(struct msg *m, long status, size_t rep_size, unsigned caps)
{
	unsigned words = status < 0 ? 0 : (unsigned)(rep_size / 8);

	m->w[words] = my_generation;
	m->info = MSGINFO((uint32_t)status, words + 1, caps);
}

/* A request the loop refuses: its capabilities go, the answer is err. */
static bool refuse(struct msg *m, long err)
{
	for (unsigned i = 0; i < MSGINFO_CAPS(m->info) && i < MSG_MAX_CAPS; i++)
		drop_slot(m->caps[i]);
	msg_init(m, 0, 0);
	reply_info(m, err, 0, 0);
	return true;
}

bool proto_dispatch(const struct proto_op *ops, size_t nops, void *state, struct msg *m)
{
	const struct proto_op *op = find_op(ops, nops, msg_label(m));
	struct proto_ctx ctx = { .pc_badge = m->badge, .pc_state = state, .pc_op = op };
	uint64_t req[PROTO_MAX_WORDS];
	unsigned words, caps, nin;
	long status;

	m->cap_move = 0;
	if (msg_label(m) == PROTO_HEARTBEAT)
		return refuse(m, 0);
	if (!op)
		return refuse(m, PE_BAD_OP);
	nin = PROTO_NCAPS_IN(op->po_flags);
	words = op->po_req_size / 8 + (PROTO_LEASED(op->po_flags) ? 2 : 0);
	caps = MSGINFO_CAPS(m->info);
	if (msg_words(m) != words || (caps != nin && !(PROTO_LEASED(op->po_flags) && caps == nin + 1)) ||
	    (PROTO_LEASED(op->po_flags) && (caps == nin + 1) != (m->w[words - 1] != 0)))
		return refuse(m, PE_BAD_SIZE);
	if (PROTO_LEASED(op->po_flags) && (status = lease_map(op, m, words, &ctx)) != E_OK) {
		lease_unmap(ctx.pc_lease_va, ctx.pc_lease_pages, CAP_NULL);
		return refuse(m, status);
	}
	memcpy(ctx.pc_caps, m->caps, nin * sizeof(uint64_t));
	memcpy(req, m->w, op->po_req_size);
	memset(m->w, 0, op->po_rep_size);
	status = op->po_fn(&ctx, req, m->w);
	for (unsigned i = 0; i < nin; i++)
		drop_slot(ctx.pc_caps[i]);
	if (status == PROTO_DEFERRED)
		return false; /* the waiter holds the lease now */
	lease_unmap(ctx.pc_lease_va, ctx.pc_lease_pages, ctx.pc_lease_share);
	caps = 0;
	if (status >= 0)
		for (caps = 0; caps < PROTO_NCAPS_OUT(op->po_flags); caps++)
			m->caps[caps] = ctx.pc_reply_caps[caps];
	m->cap_move = caps != 0;
	/* Not msg_init: it would clear the reply the handler just wrote. */
	reply_info(m, status, op->po_rep_size, caps);
	return true;
}

/* Sends the answer in m with send (ipc_reply or ipc_reply_recv), then
 * frees the slots whose capabilities it moved to the client. */
static long send_answer(long (*send)(uint64_t, struct msg *), uint64_t ep, struct msg *m)
{
	uint64_t moved[MSG_MAX_CAPS];
	unsigned n = m->cap_move ? MSGINFO_CAPS(m->info) : 0;
	long e;

	memcpy(moved, m->caps, sizeof(moved));
	e = send(ep, m);
	for (unsigned i = 0; i < n && i < MSG_MAX_CAPS; i++) {
		if (e != E_OK)
			sys_cap_delete(moved[i]); /* not sent: still ours */
		slot_free(moved[i]);
	}
	return e;
}

static long reply_to_caller(uint64_t ep, struct msg *m)
{
	(void)ep;
	return ipc_reply(m);
}

long proto_reply(struct msg *m)
{
	return send_answer(reply_to_caller, CAP_NULL, m);
}

long proto_reply_recv(uint64_t ep, struct msg *m)
{
	return send_answer(ipc_reply_recv, ep, m);
}

long proto_recv_again(long e, uint64_t ep, struct msg *m)
{
	while (e == E_BAD_STATE)
		e = ipc_recv(ep, IPC_FOREVER, m);
	return e;
}

long proto_serve(uint64_t ep, const struct proto_op *ops, size_t nops, void *state)
{
	struct msg m;
	long e = proto_recv_again(ipc_recv(ep, IPC_FOREVER, &m), ep, &m);

	while (e == E_OK)
		e = proto_recv_again(proto_dispatch(ops, nops, state, &m) ? proto_reply_recv(ep, &m)
		                                                          : ipc_recv(ep, IPC_FOREVER, &m),
		                     ep, &m);
	return e;
}

/* The calls waiting for an answer, and a lock for servers with several
 * threads (held only for a few instructions; a waiter yields). */
static struct proto_waiter waiters[PROTO_MAX_WAITERS];
static uint64_t waiter_seq;
static volatile char waiter_lock;

static void lock(void)
{
	while (__atomic_test_and_set(&waiter_lock, __ATOMIC_ACQUIRE))
		sys_yield();
}

static void unlock(void)
{
	__atomic_clear(&waiter_lock, __ATOMIC_RELEASE);
}

struct proto_waiter *proto_defer(struct proto_ctx *ctx, uint64_t tag)
{
	struct proto_waiter *w = NULL;
	uint64_t slot;

	lock();
	for (size_t i = 0; i < PROTO_MAX_WAITERS && !w; i++)
		if (waiters[i].pw_reply == CAP_NULL)
			w = &waiters[i];
	if (w)
		w->pw_reply = ~0ULL; /* taken */
	unlock();
	if (!w)
		return NULL;
	slot = uthread_reply_take(); /* already put aside? */
	if (slot == CAP_NULL) {
		slot = slot_alloc();
		if (slot != CAP_NULL && sys_reply_save(slot) != E_OK) {
			slot_free(slot);
			slot = CAP_NULL;
		}
	}
	if (slot == CAP_NULL) {
		w->pw_reply = CAP_NULL;
		return NULL;
	}
	*w = (struct proto_waiter){ .pw_tag = tag,
		                    .pw_badge = ctx->pc_badge,
		                    .pw_op = ctx->pc_op ? ctx->pc_op->po_op : 0,
		                    .pw_rep_size = ctx->pc_op ? ctx->pc_op->po_rep_size : 0,
		                    .pw_lease = ctx->pc_lease,
		                    .pw_lease_len = ctx->pc_lease_len,
		                    .pw_lease_va = ctx->pc_lease_va,
		                    .pw_lease_pages = ctx->pc_lease_pages,
		                    .pw_lease_share = ctx->pc_lease_share };
	lock();
	w->pw_seq = ++waiter_seq;
	w->pw_reply = slot;
	unlock();
	return w;
}

/* Whether a saved reply capability still names a waiting caller: one
 * that died leaves it stale, and it reads as empty. */
static bool caller_waits(uint64_t slot)
{
	struct cap_info ci;

	return sys_cap_identify_out(slot, &ci) == E_OK && ci.ci_type == CAP_REPLY;
}

static void waiter_free(struct proto_waiter *w)
{
	lease_unmap(w->pw_lease_va, w->pw_lease_pages, w->pw_lease_share);
	lock();
	w->pw_reply = CAP_NULL;
	unlock();
}

struct proto_waiter *proto_waiter_next(const struct proto_waiter *after, uint64_t tag)
{
	uint64_t from = after ? after->pw_seq : 0;

	for (;;) {
		struct proto_waiter *best = NULL;

		lock();
		for (size_t i = 0; i < PROTO_MAX_WAITERS; i++) {
			struct proto_waiter *w = &waiters[i];

			if (w->pw_reply != CAP_NULL && w->pw_reply != ~0ULL && w->pw_seq > from &&
			    (tag == PROTO_ANY_TAG || w->pw_tag == tag) && (!best || w->pw_seq < best->pw_seq))
				best = w;
		}
		unlock();
		if (!best || caller_waits(best->pw_reply))
			return best;
		drop_slot(best->pw_reply); /* its caller has gone */
		waiter_free(best);
	}
}

long proto_answer(struct proto_waiter *w, long status, const void *rep)
{
	struct msg m;
	size_t rep_size = status < 0 ? 0 : w->pw_rep_size;
	long e;

	msg_init(&m, 0, 0);
	if (rep_size)
		memcpy(m.w, rep, rep_size);
	reply_info(&m, status, rep_size, 0);
	e = ipc_answer(w->pw_reply, &m); /* frees the slot */
	waiter_free(w);
	return e;
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

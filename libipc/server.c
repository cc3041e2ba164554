/* Server start-up, the ready handshake and service lookup. */
#include "server.h"

#include "ipc.h"
#include "slots.h"
#include "syscalls.h"
#include "vspace.h"

PROTO_CLIENT(SUP_OPS)

static const struct server_info *self;
static uint64_t self_thread; /* the first thread's id, for the pid */

const struct server_info *server_self(void)
{
	return self;
}

const struct server_res *server_resource(uint64_t kind, unsigned index)
{
	for (uint64_t i = 0; self && i < self->si_nres && i < SERVER_INFO_MAX_RES; i++)
		if (self->si_res[i].sr_kind == kind && index-- == 0)
			return &self->si_res[i];
	return NULL;
}

void *server_vault(size_t *bytes)
{
	const struct server_res *r = server_resource(SERVER_RES_VAULT, 0);

	if (!r)
		return NULL;
	*bytes = r->sr_count * 4096;
	return (void *)r->sr_first;
}

long server_attach(uint64_t arg)
{
	const struct server_info *si = (const struct server_info *)arg;

	if (arg != SERVER_INFO_VADDR || si->si_magic != SERVER_INFO_MAGIC)
		return PE_BAD_REQUEST;
	self = si;
	self_thread = sys_thread_id(); /* attach runs on the first thread */
	slots_init(self->si_first_free_slot);
	vspace_init(self->si_self);
	proto_identity(self->si_pool, self->si_self, self->si_generation);
	return E_OK;
}

long server_ready(void)
{
	struct proto_client sup = { .pc_ep = self ? self->si_sup : CAP_NULL, .pc_retries = 1 };
	struct sup_ready_req q = { pid_of_thread(self_thread) };
	struct sup_ready_rep r;

	if (!self)
		return PE_BAD_REQUEST; /* the supervisor did not start us */
	return sup_ready(&sup, &q, &r);
}

/* Gives a notification's bits to the handlers that take them. */
static void notify(const struct server_def *d, uint64_t word)
{
	for (size_t i = 0; i < d->sd_nnotify; i++)
		if (word & d->sd_notify[i].sn_bits)
			d->sd_notify[i].sn_fn(d->sd_state, word & d->sd_notify[i].sn_bits);
}

/* What every thread of the server runs. A message labelled KMSG_NOTIFY
 * with no words is the kernel's notification; one from a client (who may
 * choose any label) carries the client's badge, which no handler takes. */
static long serve(const struct server_def *d)
{
	uint64_t ep = self->si_ep;
	struct msg m;
	long e = proto_recv_again(ipc_recv(ep, IPC_FOREVER, &m), ep, &m);

	while (e == E_OK) {
		if (msg_label(&m) == KMSG_NOTIFY && msg_words(&m) == 0) {
			notify(d, m.badge);
			e = ipc_recv(ep, IPC_FOREVER, &m); /* a client that sent it waits for ever */
		} else if (proto_dispatch(d->sd_ops, d->sd_nops, d->sd_state, &m)) {
			e = proto_reply_recv(ep, &m);
		} else {
			e = ipc_recv(ep, IPC_FOREVER, &m);
		}
		e = proto_recv_again(e, ep, &m);
	}
	return e;
}

/* serve() for the first thread of a server with a timer: the timer runs
 * before every receive and bounds its wait. */
static long serve_timed(const struct server_def *d, uint64_t (*timer)(void *state))
{
	uint64_t ep = self->si_ep;
	struct msg m;
	long e;

	for (;;) {
		e = ipc_recv(ep, timer(d->sd_state), &m);
		/* A timer that returns 0 (more work due at once) makes the
		 * receive a poll, which finds no message as E_WOULD_BLOCK; a
		 * suspension cancels a receive (proto_recv_again). */
		if (e == E_TIMEOUT || e == E_WOULD_BLOCK || e == E_BAD_STATE)
			continue;
		if (e != E_OK)
			return e;
		if (msg_label(&m) == KMSG_NOTIFY && msg_words(&m) == 0)
			notify(d, m.badge);
		else if (proto_dispatch(d->sd_ops, d->sd_nops, d->sd_state, &m))
			proto_reply(&m); /* a caller that has gone is no matter */
	}
}

static long worker(uint64_t def)
{
	return serve((const struct server_def *)def);
}

/* Starts the workers and tells the supervisor we are ready. */
static long loop_start(const struct server_def *d)
{
	struct uthread_info ui;
	long e;

	if (!self)
		return PE_BAD_REQUEST;
	for (unsigned i = 0; i < d->sd_workers; i++)
		if ((e = uthread_create(worker, (uint64_t)d, (unsigned)self->si_priority, self->si_fault,
		                        self->si_pool, &ui)) != E_OK)
			return e;
	return server_ready();
}

long server_loop(const struct server_def *d)
{
	long e = loop_start(d);

	return e == E_OK ? serve(d) : e;
}

long server_loop_timed(const struct server_def *d, uint64_t (*timer)(void *state))
{
	long e = loop_start(d);

	return e == E_OK ? serve_timed(d, timer) : e;
}

long server_run(const struct proto_op *ops, size_t nops, void *state)
{
	struct server_def d = { ops, nops, state, NULL, 0, 0 };

	return server_loop(&d);
}

long service_lookup(const char *name, struct proto_client *c)
{
	struct proto_client sup = { .pc_ep = self ? self->si_sup : CAP_NULL, .pc_retries = 1 };
	struct sup_name_req q = { { 0 } };
	struct sup_lookup_rep r;
	struct proto_xfer x = { .px_len = 0 };
	size_t n = strlen(name);
	long e;

	if (!self || n >= SERVER_NAME_LEN)
		return PE_NO_SERVICE;
	memcpy(q.name, name, n);
	if ((e = sup_lookup_x(&sup, &q, &r, &x)) != E_OK)
		return e;
	*c = (struct proto_client){ .pc_ep = x.px_caps[0] };
	return E_OK;
}

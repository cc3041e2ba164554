/* hello: the example server. A counter and an echo; see docs/servers.md
 * for how it is built and started. */
#include <kestrel/proto/hello.h>

#include "server.h"

PROTO_SERVER(HELLO_OPS)

static uint64_t count;

long hello_echo_srv(struct proto_ctx *ctx, const struct hello_echo_req *q, struct hello_echo_rep *r)
{
	(void)ctx;
	r->value = q->value;
	r->generation = server_self()->si_generation;
	return 0;
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

int main(void)
{
	return (int)server_run(ops, sizeof(ops) / sizeof(ops[0]), NULL);
}

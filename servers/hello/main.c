/* hello: the example server. A counter and an echo; see docs/servers.md
 * for how it is built and started. The count is kept in the vault its
 * manifest block's `vault 1` line gives, so it survives a crash: each
 * change is saved before the answer goes out (libipc/vault.h). */
#include <kestrel/error.h>
#include <kestrel/proto/hello.h>

#include "server.h"
#include "vault.h"

PROTO_SERVER(HELLO_OPS)

#define HELLO_VAULT_VERSION 1 /* of struct hello_state: change it with the layout */

struct hello_state {
	uint64_t hs_count;
};

static struct hello_state state;
static struct vault vault;
static bool kept; /* the manifest gave a vault, and state is saved there */

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
	state.hs_count += q->amount;
	if (kept)
		vault_save(&vault, HELLO_VAULT_VERSION, &state, sizeof(state));
	r->count = state.hs_count;
	return 0;
}

long hello_count_srv(struct proto_ctx *ctx, const struct hello_none *q, struct hello_count_rep *r)
{
	(void)ctx;
	(void)q;
	r->count = state.hs_count;
	return 0;
}

static const struct proto_op ops[] = PROTO_TABLE(HELLO_OPS);

int main(void)
{
	size_t bytes;
	void *base = server_vault(&bytes);

	/* What the last instance saved, if anything; else a count of 0. */
	kept = base && vault_open(&vault, base, bytes) == E_OK;
	if (kept && vault_load(&vault, HELLO_VAULT_VERSION, &state, sizeof(state)) != E_OK)
		state.hs_count = 0;
	return (int)server_run(ops, sizeof(ops) / sizeof(ops[0]), NULL);
}

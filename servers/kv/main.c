/* kv: the example server of docs/servers.md. A table of numbers by name,
 * lost when the server restarts. */
#include <string.h>

#include <kestrel/error.h>
#include <kestrel/proto/kv.h>

#include "server.h"

PROTO_SERVER(KV_OPS)

#define KV_ENTRIES 32

static struct kv_put_req table[KV_ENTRIES]; /* key[0] == 0: free */

static struct kv_put_req *kv_find(const char *key)
{
	for (int i = 0; i < KV_ENTRIES; i++)
		if (strncmp(table[i].key, key, KV_KEY_MAX) == 0)
			return &table[i];
	return NULL;
}

long kv_put_srv(struct proto_ctx *ctx, const struct kv_put_req *q, struct kv_value_rep *r)
{
	struct kv_put_req *e = kv_find(q->key);

	(void)ctx;
	if (!q->key[0])
		return E_BAD_ARG;
	if (!e && !(e = kv_find("")))
		return E_NO_MEMORY;
	*e = *q;
	r->value = q->value;
	return 0;
}

long kv_get_srv(struct proto_ctx *ctx, const struct kv_get_req *q, struct kv_value_rep *r)
{
	struct kv_put_req *e = q->key[0] ? kv_find(q->key) : NULL;

	(void)ctx;
	if (!e)
		return E_NOT_FOUND;
	r->value = e->value;
	return 0;
}

static const struct proto_op ops[] = PROTO_TABLE(KV_OPS);

int main(void)
{
	return (int)server_run(ops, sizeof(ops) / sizeof(ops[0]), NULL);
}

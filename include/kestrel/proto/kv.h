/* The kv service: the example of docs/servers.md (servers/kv/). Numbers
 * stored under short names, kept while the server runs. */
#pragma once

#include <stdint.h>

#include <kestrel/protocols.h>

#define KV_KEY_MAX 16 /* bytes of a key, its NUL included */

struct kv_put_req {
	char key[KV_KEY_MAX];
	uint64_t value;
};
struct kv_get_req {
	char key[KV_KEY_MAX];
};
struct kv_value_rep {
	uint64_t value;
};

/* Both idempotent: putting the same value twice is harmless. get of a key
 * never put answers E_NOT_FOUND; put when the store is full, E_NO_MEMORY. */
#define KV_OPS(X)                                                                         \
	X(kv, put, KV_BASE + 1, PROTO_IDEMPOTENT, struct kv_put_req, struct kv_value_rep) \
	X(kv, get, KV_BASE + 2, PROTO_IDEMPOTENT, struct kv_get_req, struct kv_value_rep)

/* The shell's kv command (SHELL_COMMANDS in servers/shell/shell.h): linked
 * into the shell, a client of the kv server. */
#include <stdio.h>
#include <string.h>

#include <kestrel/error.h>
#include <kestrel/proto/kv.h>

#include "server.h"
#include "../shell/shell.h"

PROTO_CLIENT(KV_OPS)

/* kv put KEY N | kv get KEY */
void shell_cmd_kv(struct shell *sh, int argc, char **argv)
{
	static struct proto_client kv; /* looked up on first use */
	struct kv_put_req q = { { 0 }, 0 };
	struct kv_value_rep r;
	long e;

	(void)sh;
	if (argc < 3 || strlen(argv[2]) >= KV_KEY_MAX ||
	    !(argc == 4 ? strcmp(argv[1], "put") == 0 : argc == 3 && strcmp(argv[1], "get") == 0)) {
		printf("usage: kv put KEY N | kv get KEY (KEY: at most %d bytes)\n", KV_KEY_MAX - 1);
		return;
	}
	if (argc == 4 && !shell_number("kv", argv[3], &q.value))
		return;
	if (!kv.pc_ep && (e = service_lookup("kv", &kv)) != E_OK) {
		printf("kv: no kv service: %s\n", proto_error_text(e));
		return;
	}
	strcpy(q.key, argv[2]);
	if (argc == 4) {
		e = kv_put(&kv, &q, &r);
	} else {
		struct kv_get_req g;

		memcpy(g.key, q.key, KV_KEY_MAX);
		e = kv_get(&kv, &g, &r);
	}
	if (e == E_OK)
		printf("%s = %lu\n", q.key, r.value);
	else
		printf("kv: %s: %s\n", q.key, e == E_NOT_FOUND ? "no such key" : proto_error_text(e));
}

/* The chaos service's targets and the outcomes of its injections (see
 * chaos.h), and its random choices. */
#include <string.h>

#include <kestrel/error.h>

#include "chaos.h"
#include "ipc.h"
#include "slots.h"
#include "syscalls.h"

PROTO_CLIENT(SUP_OPS)

/* xorshift64*: small, and the same seed gives the same sequence. */
uint64_t chaos_random(struct chaos_state *cs, uint64_t n)
{
	uint64_t x = cs->cs_rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	cs->cs_rng = x;
	return (x * 0x2545F4914F6CDD1DULL) % n;
}

long chaos_targets_refresh(struct chaos_state *cs)
{
	struct sup_list_rep r;
	long e;
	unsigned i;

	for (i = 0; i < CHAOS_MAX_TARGETS; i++) {
		struct chaos_target *t = &cs->cs_targets[i];

		if ((e = sup_list(&cs->cs_sup, &(struct sup_index_req){ i }, &r)) != E_OK)
			break;
		if (i >= cs->cs_ntargets || strncmp(t->ct_name, r.name, SERVER_NAME_LEN) != 0) {
			memset(t, 0, sizeof(*t));
			memcpy(t->ct_name, r.name, SERVER_NAME_LEN);
			t->ct_pending = CHAOS_NKINDS;
		}
		t->ct_index = i;
	}
	cs->cs_ntargets = i;
	return e == E_NOT_FOUND ? E_OK : e;
}

int chaos_target_find(const struct chaos_state *cs, const char *name)
{
	if (strnlen(name, SERVER_NAME_LEN + 1) > SERVER_NAME_LEN)
		return -1; /* no name is that long: a prefix must not match */
	for (unsigned i = 0; i < cs->cs_ntargets; i++)
		if (strncmp(cs->cs_targets[i].ct_name, name, SERVER_NAME_LEN) == 0)
			return (int)i;
	return -1;
}

static void settled(struct chaos_target *t, enum chaos_outcome o)
{
	t->ct_counts[t->ct_pending][o]++;
	t->ct_pending = CHAOS_NKINDS;
}

uint64_t chaos_settle(struct chaos_state *cs, struct chaos_target *t, uint64_t now)
{
	struct sup_list_rep r;
	bool died;

	if (t->ct_pending == CHAOS_NKINDS)
		return IPC_FOREVER;
	if (sup_list(&cs->cs_sup, &(struct sup_index_req){ t->ct_index }, &r) != E_OK)
		return 1;
	died = r.generation != t->ct_generation || (r.state != SUP_UP && r.state != SUP_STARTING);
	if (t->ct_suspended != CAP_NULL && (died || now >= t->ct_resume_at)) {
		/* A thread of an instance that died is gone: resuming it fails,
		 * and the capability goes all the same. */
		sys_thread_resume(t->ct_suspended);
		sys_cap_delete(t->ct_suspended);
		slot_free(t->ct_suspended);
		t->ct_suspended = CAP_NULL;
		if (!died && t->ct_pending == CHAOS_HANG) {
			settled(t, CHAOS_UNWATCHED);
			return IPC_FOREVER;
		}
	}
	if (died)
		settled(t, CHAOS_RESTARTED);
	else if (now >= t->ct_settle_at && t->ct_suspended == CAP_NULL)
		settled(t, CHAOS_NO_EFFECT);
	else
		return (t->ct_suspended != CAP_NULL ? t->ct_resume_at : t->ct_settle_at) - now;
	return IPC_FOREVER;
}

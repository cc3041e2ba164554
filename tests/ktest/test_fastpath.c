/* The IPC fast path (kernel/fastpath.c) must give exactly what the general
 * path gives. The same nine calls, with 0 to 8 register words, go once to
 * a server waiting in a plain receive that answers with reply_recv (both
 * directions can take the fast path) and once to a server that waits with
 * a timeout and answers with reply then receive (the fast path takes
 * neither). Everything each side receives is compared register by
 * register, the words past the message's length included: both paths must
 * zero them, never pass on the sender's leftovers. */
#include "harness.h"

#define FP_MSGS            (MSG_REG_WORDS + 1)
#define FP_BADGE           0xFA57
#define FP_GENERAL_TIMEOUT 10000 /* ms: long enough never to expire */

struct fp_regs {
	long rax;
	uint64_t badge, info, w[MSG_REG_WORDS];
};

static struct fp_regs fp_server_saw[2][FP_MSGS], fp_client_saw[2][FP_MSGS];

static void fp_fill(uint64_t *w, unsigned i, uint64_t base)
{
	for (unsigned j = 0; j < MSG_REG_WORDS; j++)
		w[j] = j < i ? base | (uint64_t)i << 8 | j : 0xDEAD0000 | j; /* junk past the length */
}

/* arg: the endpoint, and bit 32 set for the general path. */
static long fp_server(uint64_t arg)
{
	uint64_t ep = arg & 0xFFFFFFFF, general = arg >> 32, rdi = ep, w[MSG_REG_WORDS] = { 0 };
	uint64_t rsi = general ? FP_GENERAL_TIMEOUT : IPC_FOREVER;
	long rax = ipc_trap(SYS_RECV, &rdi, &rsi, w);

	for (unsigned i = 0; i < FP_MSGS; i++) {
		struct fp_regs *saw = &fp_server_saw[general][i];
		unsigned n = MSG_REG_WORDS - i;

		*saw = (struct fp_regs){ rax, rdi, rsi, { 0 } };
		memcpy(saw->w, w, sizeof(w));
		fp_fill(w, n, 0xA5500000);
		rdi = ep;
		rsi = MSGINFO(0x400 + i, n, 0);
		if (i == FP_MSGS - 1 || general) {
			rax = ipc_trap(SYS_REPLY, &rdi, &rsi, w);
			if (rax != E_OK || i == FP_MSGS - 1)
				return rax;
			rdi = ep;
			rsi = FP_GENERAL_TIMEOUT;
			rax = ipc_trap(SYS_RECV, &rdi, &rsi, w);
		} else {
			rax = ipc_trap(SYS_REPLY_RECV, &rdi, &rsi, w);
		}
	}
	return 0;
}

static int fp_run(uint64_t ep, uint64_t badged, uint64_t general)
{
	uint64_t th;

	CHECK_OK(kt_thread(fp_server, ep | general << 32, HELPER_PRIO, CAP_NULL, &th));
	kt_sleep(10); /* it waits on ep now */
	for (unsigned i = 0; i < FP_MSGS; i++) {
		struct fp_regs *saw = &fp_client_saw[general][i];
		uint64_t rdi = badged, rsi = MSGINFO(0x300 + i, i, 0), w[MSG_REG_WORDS];

		fp_fill(w, i, 0x5AA00000);
		saw->rax = ipc_trap(SYS_CALL, &rdi, &rsi, w);
		saw->badge = rdi;
		saw->info = rsi;
		memcpy(saw->w, w, sizeof(w));
	}
	return 0;
}

static int fp_check_one(const struct fp_regs *r, uint64_t badge, uint32_t label, unsigned n, uint64_t base)
{
	uint64_t want[MSG_REG_WORDS];

	fp_fill(want, n, base);
	CHECK_ERR(r->rax, E_OK);
	CHECK_EQ(r->badge, badge);
	CHECK_EQ(r->info, MSGINFO(label, n, 0));
	for (unsigned j = 0; j < MSG_REG_WORDS; j++)
		CHECK_EQ(r->w[j], j < n ? want[j] : 0);
	return 0;
}

int test_fast_and_general_paths_deliver_the_same_messages(void)
{
	uint64_t ep, badged;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_copy(ep, R_ALL, FP_BADGE, &badged));
	memset(fp_server_saw, 0, sizeof(fp_server_saw));
	memset(fp_client_saw, 0, sizeof(fp_client_saw));
	if (fp_run(ep, badged, 0) || fp_run(ep, badged, 1))
		return -1;
	for (unsigned i = 0; i < FP_MSGS; i++) {
		CHECK_MSG(memcmp(&fp_server_saw[0][i], &fp_server_saw[1][i], sizeof(struct fp_regs)) == 0,
		          "call %u: the server received different registers on the two paths", i);
		CHECK_MSG(memcmp(&fp_client_saw[0][i], &fp_client_saw[1][i], sizeof(struct fp_regs)) == 0,
		          "call %u: the client received different answers on the two paths", i);
		if (fp_check_one(&fp_server_saw[0][i], FP_BADGE, 0x300 + i, i, 0x5AA00000) ||
		    fp_check_one(&fp_client_saw[0][i], 0, 0x400 + i, MSG_REG_WORDS - i, 0xA5500000))
			return -1;
	}
	return 0;
}

/* IPC between two tasks: call/reply and reply_recv with each size of
 * message, badges, capability and page transfer, a server that dies, and
 * an endpoint a task was never given. The other task is a helper (helper.c)
 * serving or calling through the slots of ktest.h. */
#include "harness.h"

/* An echo helper and the endpoints it uses. */
struct echo {
	struct kt_helper e_h;
	uint64_t e_ep;    /* it serves calls here */
	uint64_t e_ep2;   /* it reports a swallowed call here */
	uint64_t e_ep3;   /* it then waits here */
	uint64_t e_fault; /* its fault endpoint */
};

static long echo_start(struct echo *e)
{
	long r = kt_endpoint(&e->e_ep);

	if (r == E_OK)
		r = kt_endpoint(&e->e_ep2);
	if (r == E_OK)
		r = kt_endpoint(&e->e_ep3);
	if (r == E_OK)
		r = kt_endpoint(&e->e_fault);
	if (r != E_OK)
		return r;
	struct spawn_cap caps[] = {
		{ e->e_ep, HSLOT_EP, R_READ | R_WRITE | R_GRANT, 0 },
		{ e->e_ep2, HSLOT_EP2, R_WRITE, 0 },
		{ e->e_ep3, HSLOT_EP3, R_READ, 0 },
		{ SPAWN_OWN_TASK, HSLOT_SELF, R_ALL, 0 },
	};
	struct kt_helper_opts o = {
		.ho_role = ROLE_ECHO,
		.ho_fault_ep = e->e_fault,
		.ho_badge = 0xEC,
		.ho_caps = caps,
		.ho_ncaps = 4,
	};
	return kt_helper_start(&e->e_h, &o);
}

static uint64_t pattern(unsigned i, unsigned n)
{
	return (0x0101010101010101ULL * (i + 1)) ^ ((uint64_t)n << 56) ^ 0x5A;
}

/* One call with n words; the echo answers each word inverted. */
static int echo_words(uint64_t ep, unsigned n)
{
	static struct msg m;

	msg_init(&m, LABEL_ECHO, n);
	for (unsigned i = 0; i < n; i++)
		m.w[i] = pattern(i, n);
	CHECK_OK(ipc_call(ep, &m));
	CHECK_EQ(msg_label(&m), LABEL_ECHO + LABEL_ANSWER);
	CHECK_EQ(msg_words(&m), n);
	CHECK_EQ(MSGINFO_CAPS(m.info), 0);
	for (unsigned i = 0; i < n; i++)
		CHECK_MSG(m.w[i] == ECHO_INVERT(pattern(i, n)), "word %u of %u is %#lx, expected %#lx", i, n,
		          m.w[i], ECHO_INVERT(pattern(i, n)));
	return 0;
}

static int echo_sizes(const unsigned *sizes, unsigned count)
{
	struct echo e;

	CHECK_OK(echo_start(&e));
	for (unsigned i = 0; i < count; i++)
		if (echo_words(e.e_ep, sizes[i]))
			return -1;
	return 0;
}

int test_call_and_answer_with_no_words(void)
{
	static const unsigned sizes[] = { 0, 0 };

	return echo_sizes(sizes, 2);
}

int test_call_and_answer_with_register_words(void)
{
	static const unsigned sizes[] = { 1, 4, MSG_REG_WORDS };

	return echo_sizes(sizes, 3);
}

int test_call_and_answer_with_buffer_words(void)
{
	static const unsigned sizes[] = { MSG_REG_WORDS + 1, 64, 100, MSG_MAX_WORDS, 3 };

	return echo_sizes(sizes, 5);
}

/* The runner serves a client helper with reply_recv. The client's fault
 * endpoint is the same endpoint with another badge, so its exit message
 * ends the loop even if calls went missing. */
int test_server_answers_repeated_calls_with_reply_recv(void)
{
	struct kt_helper h;
	uint64_t ep;
	struct msg m;
	long e;
	unsigned i;

	CHECK_OK(kt_endpoint(&ep));
	struct spawn_cap caps[] = { { ep, HSLOT_EP, R_WRITE, 0x11 } };
	struct kt_helper_opts o = { .ho_role = ROLE_CLIENT,
		                    .ho_param = CLIENT_PARAM(7, 20),
		                    .ho_fault_ep = ep,
		                    .ho_badge = 0xF0,
		                    .ho_caps = caps,
		                    .ho_ncaps = 1 };
	CHECK_OK(kt_helper_start(&h, &o));
	e = ipc_recv(ep, KT_WAIT_MS, &m);
	for (i = 0; e == E_OK && msg_label(&m) == LABEL_CLIENT; i++) {
		uint64_t next = m.w[0] + 1;

		CHECK_EQ(m.badge, 0x11);
		CHECK_EQ(m.w[0], i);
		CHECK_EQ(m.w[1], 7);
		msg_init(&m, LABEL_CLIENT + LABEL_ANSWER, 1);
		m.w[0] = next;
		e = ipc_reply_recv(ep, &m);
	}
	CHECK_OK(e);
	CHECK_EQ(i, 20);
	CHECK_EQ(msg_label(&m), KMSG_FAULT);
	CHECK_EQ(m.badge, 0xF0);
	CHECK_EQ(m.w[FAULT_W_KIND], FAULT_EXIT);
	CHECK_EQ(m.w[FAULT_W_CODE], 20);
	return 0;
}

/* Two clients call through capabilities with different badges. */
int test_badges_identify_clients(void)
{
	struct kt_helper h1, h2;
	unsigned calls[3] = { 0, 0, 0 }, exits = 0;
	uint64_t ep;
	struct msg m;

	CHECK_OK(kt_endpoint(&ep));
	struct spawn_cap c1[] = { { ep, HSLOT_EP, R_WRITE, 0xA1 } },
	                 c2[] = { { ep, HSLOT_EP, R_WRITE, 0xA2 } };
	struct kt_helper_opts o1 = { .ho_role = ROLE_CLIENT,
		                     .ho_param = CLIENT_PARAM(1, 3),
		                     .ho_fault_ep = ep,
		                     .ho_badge = 0xF1,
		                     .ho_caps = c1,
		                     .ho_ncaps = 1 };
	struct kt_helper_opts o2 = { .ho_role = ROLE_CLIENT,
		                     .ho_param = CLIENT_PARAM(2, 3),
		                     .ho_fault_ep = ep,
		                     .ho_badge = 0xF2,
		                     .ho_caps = c2,
		                     .ho_ncaps = 1 };
	CHECK_OK(kt_helper_start(&h1, &o1));
	CHECK_OK(kt_helper_start(&h2, &o2));
	msg_init(&m, 0, 0);
	while (exits < 2) {
		CHECK_OK(ipc_recv(ep, KT_WAIT_MS, &m));
		if (msg_label(&m) == KMSG_FAULT) {
			CHECK(m.badge == 0xF1 || m.badge == 0xF2);
			CHECK_EQ(m.w[FAULT_W_KIND], FAULT_EXIT);
			CHECK_EQ(m.w[FAULT_W_CODE], 3);
			exits++;
			continue;
		}
		CHECK_EQ(msg_label(&m), LABEL_CLIENT);
		CHECK(m.w[1] == 1 || m.w[1] == 2);
		CHECK_EQ(m.badge, m.w[1] == 1 ? 0xA1 : 0xA2);
		calls[m.w[1]]++;
		m.w[0]++;
		m.info = MSGINFO(LABEL_CLIENT + LABEL_ANSWER, 1, 0);
		CHECK_OK(ipc_reply(&m));
	}
	CHECK_EQ(calls[1], 3);
	CHECK_EQ(calls[2], 3);
	return 0;
}

/* Sends caps to the echo's LABEL_CAPINFO and returns its answer in m. */
static long capinfo_call(uint64_t ep, struct msg *m, const uint64_t *caps, unsigned n, int move)
{
	msg_init(m, LABEL_CAPINFO, 0);
	m->info = MSGINFO(LABEL_CAPINFO, 0, n);
	for (unsigned i = 0; i < n; i++)
		m->caps[i] = caps[i];
	m->cap_move = move;
	return ipc_call(ep, m);
}

int test_capabilities_travel_with_a_call(void)
{
	struct echo e;
	uint64_t caps[2], frame;
	struct msg m;
	struct cap_info ci;

	CHECK_OK(echo_start(&e));
	CHECK_OK(kt_frame(1, &frame));
	CHECK_OK(kt_copy(e.e_ep3, R_READ | R_WRITE, 0x77, &caps[0]));
	caps[1] = frame;
	CHECK_OK(capinfo_call(e.e_ep, &m, caps, 2, 0));
	CHECK_EQ(msg_label(&m), LABEL_CAPINFO + LABEL_ANSWER);
	CHECK_EQ(m.w[0], 2);
	CHECK_EQ(m.w[1], 0);
	CHECK(m.w[2] != CAP_NULL && m.w[2] < CAP_SLOTS && m.w[6] != CAP_NULL && m.w[6] < CAP_SLOTS);
	CHECK(m.w[2] != m.w[6] && m.w[2] > HSLOT_SELF && m.w[6] > HSLOT_SELF);
	CHECK_EQ(m.w[3], CAP_ENDPOINT);
	CHECK_EQ(m.w[4], R_READ | R_WRITE);
	CHECK_EQ(m.w[5], 0x77);
	CHECK_EQ(m.w[7], CAP_FRAME);
	CHECK_EQ(m.w[8], R_READ | R_WRITE | R_EXEC | R_GRANT);
	/* Copied, not moved: ours are still there. */
	CHECK_OK(sys_cap_identify_out(caps[0], &ci));
	CHECK_EQ(ci.ci_type, CAP_ENDPOINT);
	return 0;
}

int test_moved_capability_leaves_the_sender(void)
{
	struct echo e;
	uint64_t cap;
	struct msg m;
	struct cap_info ci;

	CHECK_OK(echo_start(&e));
	CHECK_OK(kt_copy(e.e_ep3, R_WRITE, 0, &cap));
	CHECK_OK(capinfo_call(e.e_ep, &m, &cap, 1, 1));
	CHECK_EQ(m.w[0], 1);
	CHECK_EQ(m.w[3], CAP_ENDPOINT);
	CHECK_OK(sys_cap_identify_out(cap, &ci));
	CHECK_EQ(ci.ci_type, CAP_EMPTY);
	return 0;
}

/* Without R_GRANT on the sender's capability no capability may arrive:
 * the send is refused (E_NO_RIGHTS) or the message arrives without them,
 * marked MSGINFO_CAPS_LOST. */
int test_capabilities_need_the_grant_right(void)
{
	struct echo e;
	uint64_t no_grant, frame;
	struct msg m;
	long r;

	CHECK_OK(echo_start(&e));
	CHECK_OK(kt_copy(e.e_ep, R_READ | R_WRITE, 0, &no_grant));
	CHECK_OK(kt_frame(1, &frame));
	r = capinfo_call(no_grant, &m, &frame, 1, 0);
	if (r == E_NO_RIGHTS)
		return 0;
	CHECK_OK(r);
	CHECK_EQ(m.w[0], 0);
	CHECK_EQ(m.w[1], 1);
	return 0;
}

int test_receiver_maps_a_sent_frame_and_sees_its_data(void)
{
	struct echo e;
	uint64_t frame;
	volatile uint64_t *page;
	struct msg m;

	CHECK_OK(echo_start(&e));
	CHECK_OK(kt_page(1, &frame, &page));
	page[0] = 0xC0FFEE;
	msg_init(&m, LABEL_MAP, 2);
	m.info = MSGINFO(LABEL_MAP, 2, 1);
	m.caps[0] = frame;
	m.w[1] = 0xBEEF;
	CHECK_OK(ipc_call(e.e_ep, &m));
	CHECK_ERR(m.w[1], E_OK);
	CHECK_EQ(m.w[0], 0xC0FFEE);
	CHECK_EQ(page[1], 0xBEEF);
	return 0;
}

/* A server may hand its client a capability in the answer. */
int test_answer_can_carry_a_capability(void)
{
	struct echo e;
	struct cap_info ci;
	struct msg m;

	CHECK_OK(echo_start(&e));
	msg_init(&m, LABEL_GIVE, 0);
	CHECK_OK(ipc_call(e.e_ep, &m));
	CHECK_EQ(msg_label(&m), LABEL_GIVE + LABEL_ANSWER);
	CHECK_EQ(MSGINFO_CAPS(m.info), 1);
	CHECK(!(m.info & MSGINFO_CAPS_LOST));
	CHECK(m.caps[0] != CAP_NULL && slot_in_use(m.caps[0]));
	CHECK_OK(sys_cap_identify_out(m.caps[0], &ci));
	CHECK_EQ(ci.ci_type, CAP_ENDPOINT);
	CHECK_EQ(ci.ci_rights, R_WRITE);
	return 0;
}

static long call_swallowed(uint64_t ep)
{
	struct msg m;

	msg_init(&m, LABEL_SWALLOW, 0);
	return ipc_call(ep, &m);
}

/* The server takes the call, then its task is destroyed. */
int test_call_to_destroyed_server_fails_with_dead(void)
{
	struct echo e;
	struct kt_joinable j;
	struct msg m;
	long status;

	CHECK_OK(echo_start(&e));
	CHECK_OK(kt_spawn(call_swallowed, e.e_ep, HELPER_PRIO, &j));
	CHECK_OK(ipc_recv(e.e_ep2, KT_WAIT_MS, &m));
	CHECK_EQ(msg_label(&m), LABEL_SWALLOW);
	spawn_destroy(&e.e_h.kh_sp);
	CHECK_OK(kt_join(&j, &status));
	CHECK_ERR(status, E_DEAD);
	return 0;
}

int test_task_cannot_use_an_endpoint_it_was_not_given(void)
{
	struct kt_helper h;
	struct kt_fault f;
	uint64_t ep, fault;
	struct msg m;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_endpoint(&fault));
	struct kt_helper_opts send = { .ho_role = ROLE_SEND_SLOT, .ho_param = ep, .ho_fault_ep = fault };
	CHECK_OK(kt_helper_start(&h, &send));
	CHECK_OK(kt_fault_recv(fault, KT_WAIT_MS, &f));
	CHECK_EQ(f.kf_kind, FAULT_EXIT);
	CHECK_ERR(f.kf_code, E_BAD_CAP);
	CHECK_ERR(ipc_recv(ep, IPC_POLL, &m), E_WOULD_BLOCK);
	struct kt_helper_opts look = { .ho_role = ROLE_IDENTIFY, .ho_param = ep, .ho_fault_ep = fault };
	CHECK_OK(kt_helper_start(&h, &look));
	CHECK_OK(kt_fault_recv(fault, KT_WAIT_MS, &f));
	CHECK_EQ(f.kf_kind, FAULT_EXIT);
	CHECK_EQ(f.kf_code, CAP_EMPTY);
	return 0;
}

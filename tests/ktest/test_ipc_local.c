/* IPC semantics between threads of the runner's own task: non-blocking
 * send and receive, timeouts, the checks on capabilities and lengths, the
 * reply capability, and endpoints destroyed under waiting threads. */
#include "harness.h"

static long recv_label(uint64_t ep)
{
	struct msg m;
	long e = ipc_recv(ep, KT_WAIT_MS, &m);

	return e != E_OK ? e : (long)msg_label(&m);
}

static long send_label(uint64_t ep)
{
	struct msg m;

	msg_init(&m, LABEL_ECHO, 0);
	return ipc_send(ep, &m);
}

static long call_label(uint64_t ep)
{
	struct msg m;
	long e;

	msg_init(&m, LABEL_ECHO, 1);
	m.w[0] = 5;
	e = ipc_call(ep, &m);
	return e != E_OK ? e : (long)m.w[0];
}

int test_nbsend_without_receiver_would_block(void)
{
	uint64_t ep;
	struct msg m;

	CHECK_OK(kt_endpoint(&ep));
	msg_init(&m, LABEL_ECHO, 0);
	CHECK_ERR(ipc_nbsend(ep, &m), E_WOULD_BLOCK);
	CHECK_ERR(ipc_recv(ep, IPC_POLL, &m), E_WOULD_BLOCK);
	return 0;
}

int test_nbsend_reaches_a_waiting_receiver(void)
{
	uint64_t ep;
	struct kt_joinable j;
	struct msg m;
	long status;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_spawn(recv_label, ep, HELPER_PRIO, &j));
	kt_sleep(10); /* the thread waits on ep now */
	msg_init(&m, 0x42, 0);
	CHECK_OK(ipc_nbsend(ep, &m));
	CHECK_OK(kt_join(&j, &status));
	CHECK_EQ(status, 0x42);
	return 0;
}

int test_recv_poll_takes_a_waiting_sender(void)
{
	uint64_t ep;
	struct kt_joinable j;
	struct msg m;
	long status;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_spawn(send_label, ep, HELPER_PRIO, &j));
	kt_sleep(10); /* the thread waits in send now */
	CHECK_OK(ipc_recv(ep, IPC_POLL, &m));
	CHECK_EQ(msg_label(&m), LABEL_ECHO);
	CHECK_OK(kt_join(&j, &status));
	CHECK_OK(status);
	return 0;
}

int test_recv_timeout_expires_on_time(void)
{
	uint64_t ep, t0, dt;
	struct msg m;

	CHECK_OK(kt_endpoint(&ep));
	t0 = kt_now();
	CHECK_ERR(ipc_recv(ep, 50, &m), E_TIMEOUT);
	dt = kt_now() - t0;
	CHECK_MSG(dt >= 50 && dt <= 200, "a 50 ms timeout took %lu ms", dt);
	t0 = kt_now();
	CHECK_ERR(ipc_recv(ep, 1, &m), E_TIMEOUT);
	dt = kt_now() - t0;
	CHECK_MSG(dt >= 1 && dt <= 100, "a 1 ms timeout took %lu ms", dt);
	return 0;
}

int test_ipc_checks_capability_type_and_rights(void)
{
	uint64_t ep, frame, read_only, write_only, empty = kt_slot();
	struct msg m;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_frame(1, &frame));
	CHECK_OK(kt_copy(ep, R_READ, 0, &read_only));
	CHECK_OK(kt_copy(ep, R_WRITE, 0, &write_only));
	msg_init(&m, LABEL_ECHO, 0);
	CHECK_ERR(ipc_send(empty, &m), E_BAD_CAP);
	CHECK_ERR(ipc_send(CAP_SLOTS, &m), E_BAD_CAP);
	CHECK_ERR(ipc_send(frame, &m), E_WRONG_TYPE);
	CHECK_ERR(ipc_send(read_only, &m), E_NO_RIGHTS);
	CHECK_ERR(ipc_nbsend(read_only, &m), E_NO_RIGHTS);
	CHECK_ERR(ipc_call(empty, &m), E_BAD_CAP);
	CHECK_ERR(ipc_call(read_only, &m), E_NO_RIGHTS);
	CHECK_ERR(ipc_recv(write_only, IPC_POLL, &m), E_NO_RIGHTS);
	CHECK_ERR(ipc_recv(frame, IPC_POLL, &m), E_WRONG_TYPE);
	CHECK_ERR(ipc_recv(empty, IPC_POLL, &m), E_BAD_CAP);
	CHECK_ERR(ipc_reply_recv(empty, &m), E_BAD_CAP);
	return 0;
}

/* A receiver waits, so only the length can be what is refused. */
int test_oversized_messages_are_refused(void)
{
	uint64_t ep;
	struct kt_joinable j;
	static struct msg m;
	long status;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_spawn(recv_label, ep, HELPER_PRIO, &j));
	kt_sleep(10);
	msg_init(&m, 0x51, 0);
	m.info = MSGINFO(0x51, MSG_MAX_WORDS + 1, 0);
	CHECK_ERR(ipc_nbsend(ep, &m), E_BAD_LENGTH);
	m.info = MSGINFO(0x52, 255, 0);
	CHECK_ERR(ipc_nbsend(ep, &m), E_BAD_LENGTH);
	m.info = MSGINFO(0x53, 0, MSG_MAX_CAPS + 1);
	CHECK_ERR(ipc_nbsend(ep, &m), E_BAD_LENGTH);
	m.info = MSGINFO(0x54, MSG_MAX_WORDS + 1, 0);
	CHECK_ERR(ipc_call(ep, &m), E_BAD_LENGTH);
	m.info = MSGINFO(0x55, MSG_MAX_WORDS, 0);
	CHECK_OK(ipc_nbsend(ep, &m));
	CHECK_OK(kt_join(&j, &status));
	CHECK_EQ(status, 0x55);
	return 0;
}

static long reply_alone(uint64_t arg)
{
	struct msg m;

	(void)arg;
	msg_init(&m, LABEL_ECHO, 0);
	return ipc_reply(&m);
}

static long reply_save_alone(uint64_t slot)
{
	return sys_reply_save(slot);
}

int test_reply_without_a_caller_fails(void)
{
	struct kt_joinable j;
	long status;

	CHECK_OK(kt_spawn(reply_alone, 0, HELPER_PRIO, &j));
	CHECK_OK(kt_join(&j, &status));
	CHECK_ERR(status, E_NO_REPLY);
	CHECK_OK(kt_spawn(reply_save_alone, kt_slot(), HELPER_PRIO, &j));
	CHECK_OK(kt_join(&j, &status));
	CHECK_FAILS(status);
	return 0;
}

int test_reply_save_lets_a_later_send_answer(void)
{
	uint64_t ep, other, saved = kt_slot();
	struct kt_joinable j;
	struct cap_info ci;
	struct msg m;
	long status;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_endpoint(&other));
	CHECK_OK(kt_spawn(call_label, ep, HELPER_PRIO, &j));
	CHECK_OK(ipc_recv(ep, KT_WAIT_MS, &m));
	CHECK_EQ(m.w[0], 5);
	CHECK_ERR(sys_reply_save(other), E_SLOT_FULL);
	CHECK_OK(sys_reply_save(saved));
	CHECK_OK(sys_cap_identify_out(saved, &ci));
	CHECK_EQ(ci.ci_type, CAP_REPLY);
	/* Saved away, it no longer answers through reply. */
	msg_init(&m, LABEL_ECHO + LABEL_ANSWER, 1);
	m.w[0] = 99;
	CHECK_ERR(ipc_reply(&m), E_NO_REPLY);
	m.w[0] = 6;
	CHECK_OK(ipc_send(saved, &m));
	CHECK_OK(kt_join(&j, &status));
	CHECK_EQ(status, 6);
	/* One answer only. */
	CHECK_OK(sys_cap_identify_out(saved, &ci));
	CHECK_EQ(ci.ci_type, CAP_EMPTY);
	return 0;
}

int test_dropped_reply_capability_gives_no_reply(void)
{
	uint64_t ep, saved = kt_slot();
	struct kt_joinable j;
	struct msg m;
	long status;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_spawn(call_label, ep, HELPER_PRIO, &j));
	CHECK_OK(ipc_recv(ep, KT_WAIT_MS, &m));
	CHECK_OK(sys_reply_save(saved));
	CHECK_OK(sys_cap_delete(saved));
	CHECK_OK(kt_join(&j, &status));
	CHECK_ERR(status, E_NO_REPLY);
	return 0;
}

/* A receiver, a sender and a caller all wait on the endpoint. */
int test_destroyed_endpoint_wakes_waiters_with_dead(void)
{
	uint64_t rx, tx;
	struct kt_joinable r, s, c;
	long status;

	CHECK_OK(kt_endpoint(&rx));
	CHECK_OK(kt_endpoint(&tx));
	CHECK_OK(kt_spawn(kt_recv_forever, rx, HELPER_PRIO, &r));
	CHECK_OK(kt_spawn(send_label, tx, HELPER_PRIO, &s));
	CHECK_OK(kt_spawn(call_label, tx, HELPER_PRIO, &c));
	kt_sleep(10);
	CHECK_OK(sys_obj_destroy(rx));
	CHECK_OK(sys_obj_destroy(tx));
	CHECK_OK(kt_join(&r, &status));
	CHECK_ERR(status, E_DEAD);
	CHECK_OK(kt_join(&s, &status));
	CHECK_ERR(status, E_DEAD);
	CHECK_OK(kt_join(&c, &status));
	CHECK_ERR(status, E_DEAD);
	return 0;
}

int test_suspend_cancels_a_blocked_ipc(void)
{
	uint64_t ep;
	struct kt_joinable j;
	long status;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_spawn(kt_recv_forever, ep, HELPER_PRIO, &j));
	kt_sleep(10);
	CHECK_OK(sys_thread_suspend(j.kj_thread));
	CHECK_OK(sys_thread_resume(j.kj_thread));
	CHECK_OK(kt_join(&j, &status));
	CHECK_ERR(status, E_BAD_STATE);
	return 0;
}

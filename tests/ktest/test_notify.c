/* Notifications: signal ORs a capability's badge into its endpoint's
 * notification word without ever blocking; a receive on the endpoint
 * gets the word as KMSG_NOTIFY (before any message) and clears it, so a
 * thread waits for requests, interrupts and signals in one place. */
#include "harness.h"

#define NOTIFY_BADGE 0x4

/* Receives once and returns the badge of a notification, -1 otherwise. */
static long receive_notification(uint64_t ep)
{
	struct msg m;
	long e = ipc_recv(ep, IPC_FOREVER, &m);

	return e == E_OK && msg_label(&m) == KMSG_NOTIFY ? (long)m.badge : -1;
}

int test_signal_wakes_a_waiting_receiver(void)
{
	uint64_t ep, tx;
	struct kt_joinable j;
	long status;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_copy(ep, R_WRITE, NOTIFY_BADGE, &tx));
	CHECK_OK(kt_spawn(receive_notification, ep, HELPER_PRIO, &j));
	kt_sleep(5); /* it waits in recv */
	CHECK_OK(sys_signal(tx));
	CHECK_OK(kt_join(&j, &status));
	CHECK_EQ(status, NOTIFY_BADGE);
	return 0;
}

/* With nobody waiting, signals accumulate: one receive gets them all,
 * and the word is clear after it. */
int test_signals_merge_until_received(void)
{
	uint64_t ep, one, two;
	struct msg m;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_copy(ep, R_WRITE, 0x1, &one));
	CHECK_OK(kt_copy(ep, R_WRITE, 0x2, &two));
	CHECK_OK(sys_signal(one));
	CHECK_OK(sys_signal(two));
	CHECK_OK(sys_signal(one));
	CHECK_OK(ipc_recv(ep, IPC_POLL, &m));
	CHECK_EQ(msg_label(&m), KMSG_NOTIFY);
	CHECK_EQ(m.badge, 0x3);
	CHECK_EQ(msg_words(&m), 0);
	CHECK_ERR(ipc_recv(ep, IPC_POLL, &m), E_WOULD_BLOCK);
	return 0;
}

/* A notification is received before a message that waits already; the
 * message comes next. */
static long send_one(uint64_t ep)
{
	struct msg m;

	msg_init(&m, LABEL_ECHO, 1);
	m.w[0] = 0x5E;
	return ipc_send(ep, &m);
}

int test_notification_and_message_share_one_receive(void)
{
	uint64_t ep, tx;
	struct kt_joinable sender;
	struct msg m;
	long status;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_copy(ep, R_WRITE, NOTIFY_BADGE, &tx));
	CHECK_OK(kt_spawn(send_one, ep, HELPER_PRIO, &sender));
	kt_sleep(5); /* it waits to send */
	CHECK_OK(sys_signal(tx));
	CHECK_OK(ipc_recv(ep, KT_WAIT_MS, &m));
	CHECK_EQ(msg_label(&m), KMSG_NOTIFY);
	CHECK_EQ(m.badge, NOTIFY_BADGE);
	CHECK_OK(ipc_recv(ep, KT_WAIT_MS, &m));
	CHECK_EQ(msg_label(&m), LABEL_ECHO);
	CHECK_EQ(m.w[0], 0x5E);
	CHECK_OK(kt_join(&sender, &status));
	CHECK_OK(status);
	return 0;
}

int test_signal_refuses_what_it_must(void)
{
	uint64_t ep, ro, unbadged, gone, frame;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_copy(ep, R_READ, NOTIFY_BADGE, &ro));
	CHECK_OK(kt_copy(ep, R_WRITE, 0, &unbadged));
	CHECK_ERR(sys_signal(ro), E_NO_RIGHTS);
	CHECK_ERR(sys_signal(unbadged), E_BAD_ARG);
	CHECK_OK(kt_endpoint(&gone));
	CHECK_OK(kt_copy(gone, R_WRITE, NOTIFY_BADGE, &ro));
	CHECK_OK(sys_obj_destroy(gone));
	CHECK_ERR(sys_signal(ro), E_BAD_CAP);
	CHECK_OK(kt_frame(1, &frame));
	CHECK_ERR(sys_signal(frame), E_WRONG_TYPE);
	CHECK_ERR(sys_signal(CAP_SLOTS + 5), E_BAD_CAP);
	return 0;
}

/* Another task signals a thousand times while nobody receives: it never
 * blocks, and one receive afterwards gets its bit. */
int test_signals_from_another_task_never_block(void)
{
	uint64_t ep, fault;
	struct kt_helper h;
	struct kt_fault f;
	struct msg m;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_endpoint(&fault));
	struct spawn_cap caps[] = { { ep, HSLOT_EP, R_WRITE, 0x80 } };
	struct kt_helper_opts o = {
		.ho_role = ROLE_SIGNAL, .ho_param = 1000, .ho_fault_ep = fault, .ho_caps = caps, .ho_ncaps = 1
	};
	CHECK_OK(kt_helper_start(&h, &o));
	CHECK_OK(kt_fault_recv(fault, KT_WAIT_MS, &f));
	CHECK_EQ(f.kf_kind, FAULT_EXIT);
	CHECK_EQ(f.kf_code, 1000);
	CHECK_OK(ipc_recv(ep, IPC_POLL, &m));
	CHECK_EQ(msg_label(&m), KMSG_NOTIFY);
	CHECK_EQ(m.badge, 0x80);
	return 0;
}

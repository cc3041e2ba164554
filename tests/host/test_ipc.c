/* Endpoints, IPC and notifications (endpoint.c, ipc.c, irq.c) in the
 * booted host kernel (host_kernel.h), driven through the system calls:
 * rendezvous in either order, call and reply through reply capabilities,
 * capabilities in messages, faults as messages, endpoint and partner
 * death, and the notification word that signals and interrupts OR into. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <kestrel/fault.h>

#include "host_kernel.h"
#include "standin/host_arch.h"

#define EP    10 /* the endpoint, all rights, no badge */
#define EPB   11 /* the same, R_WRITE | R_GRANT, badge BADGE */
#define EP2   12
#define SAVED 13 /* a saved reply capability */
#define SRV   21 /* thread capabilities */
#define CLI   22
#define CLI2  23
#define IRQ   24

#define BADGE 0x55
#define LABEL 7

static struct endpoint *ep;
static struct thread *srv, *cli, *cli2;

/* hk_setup, then an endpoint and three more threads of the first task at
 * its priority, queued behind it. */
static int ipc_setup(void **state)
{
	hk_setup(state);
	ep = hk_endpoint_new(EP);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_COPY, EP, BOOT_SLOT_TASK, EPB, R_WRITE | R_GRANT, BADGE,
	                         CAP_COPY_BADGE),
	                 E_OK);
	srv = hk_thread_new(SRV, HK_PRIO);
	cli = hk_thread_new(CLI, HK_PRIO);
	cli2 = hk_thread_new(CLI2, HK_PRIO);
	return 0;
}

/* t makes IPC call nr on slot with a message of n words: first, first+1,
 * ... Words 4 and up go where syscall.h says, in r12-r15 and the buffer. */
static struct thread *msg(struct thread *t, uint64_t nr, uint64_t slot, unsigned n, uint64_t first)
{
	for (unsigned i = 4; i < n; i++)
		*hk_word(t, i) = first + i;
	return hk_sys(t, nr, slot, MSGINFO(LABEL, n, 0), first, first + 1, first + 2, first + 3);
}

static struct thread *recv(struct thread *t, uint64_t slot, uint64_t timeout)
{
	return hk_sys(t, SYS_RECV, slot, timeout);
}

/* r received n words from first on, and zeros in the registers past them. */
static void assert_words(struct thread *r, unsigned n, uint64_t first)
{
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(*hk_word(r, i), first + i);
	for (unsigned i = n; i < MSG_REG_WORDS; i++)
		assert_int_equal(*hk_word(r, i), 0);
}

static void send_to_waiting_receiver_delivers_words_and_badge(void **state)
{
	(void)state;
	srv->t_frame.r15 = 0xdead; /* word 7: must read 0 after a short message */
	recv(srv, EP, IPC_FOREVER);
	assert_int_equal(srv->t_state, TS_RECV);
	assert_thread(ep->ep_head, srv);
	/* Ten words: eight in registers, two through the message buffers. */
	assert_thread(msg(cli, SYS_SEND, EPB, 10, 100), cli);
	assert_int_equal(hk_result(cli), E_OK);
	assert_int_equal(srv->t_state, TS_READY);
	assert_int_equal(hk_result(srv), E_OK);
	assert_int_equal(srv->t_frame.rdi, BADGE);
	assert_int_equal(srv->t_frame.rsi, MSGINFO(LABEL, 10, 0));
	assert_words(srv, 10, 100);
	assert_null(ep->ep_head);

	recv(srv, EP, IPC_FOREVER);
	msg(cli, SYS_SEND, EP, 2, 200); /* the unbadged capability */
	assert_int_equal(srv->t_frame.rdi, 0);
	assert_int_equal(srv->t_frame.rsi, MSGINFO(LABEL, 2, 0));
	assert_words(srv, 2, 200);
}

static void send_with_no_receiver_blocks_senders_in_order(void **state)
{
	(void)state;
	msg(cli, SYS_SEND, EPB, 1, 10);
	msg(cli2, SYS_SEND, EP, 1, 20);
	assert_int_equal(cli->t_state, TS_SEND);
	assert_int_equal(cli2->t_state, TS_SEND);
	assert_thread(ep->ep_head, cli);
	assert_thread(ep->ep_tail, cli2);
	/* Each receive takes the first waiting sender without blocking. */
	assert_thread(recv(srv, EP, IPC_FOREVER), srv);
	assert_int_equal(hk_result(srv), E_OK);
	assert_int_equal(srv->t_frame.rdi, BADGE);
	assert_words(srv, 1, 10);
	assert_int_equal(cli->t_state, TS_READY);
	assert_int_equal(hk_result(cli), E_OK);
	assert_int_equal(cli2->t_state, TS_SEND);
	recv(srv, EP, IPC_FOREVER);
	assert_int_equal(srv->t_frame.rdi, 0);
	assert_words(srv, 1, 20);
	assert_int_equal(cli2->t_state, TS_READY);
	assert_null(ep->ep_head);
}

static void nbsend_and_poll_fail_without_a_partner(void **state)
{
	(void)state;
	msg(cli, SYS_NBSEND, EP, 1, 1);
	assert_int_equal(hk_result(cli), E_WOULD_BLOCK);
	assert_int_equal(cli->t_state, TS_READY);
	assert_null(ep->ep_head);
	assert_int_equal(hk_call(srv, SYS_RECV, EP, IPC_POLL), E_WOULD_BLOCK);
	assert_null(ep->ep_head);
	/* Too long a message is refused before anything happens. */
	assert_int_equal(hk_call(cli, SYS_SEND, EP, MSGINFO(0, MSG_MAX_WORDS + 1, 0)), E_BAD_LENGTH);
	assert_int_equal(hk_call(cli, SYS_SEND, EP, MSGINFO(0, 0, MSG_MAX_CAPS + 1)), E_BAD_LENGTH);
	assert_null(ep->ep_head);
}

static void call_waits_for_the_reply_through_the_reply_capability(void **state)
{
	(void)state;
	recv(srv, EP, IPC_FOREVER);
	msg(cli, SYS_CALL, EPB, 3, 30);
	assert_int_equal(cli->t_state, TS_REPLY);
	assert_int_equal(srv->t_state, TS_READY);
	assert_words(srv, 3, 30);
	assert_int_equal(srv->t_caller.c_type, CAP_REPLY);
	/* The server runs next: the call handed it the rest of the slice. */
	assert_thread(hk_schedule(), srv);
	msg(srv, SYS_REPLY, 0, 2, 300);
	assert_int_equal(hk_result(srv), E_OK);
	assert_int_equal(cli->t_state, TS_READY);
	assert_int_equal(hk_result(cli), E_OK);
	assert_int_equal(cli->t_frame.rdi, 0);
	assert_int_equal(cli->t_frame.rsi, MSGINFO(LABEL, 2, 0));
	assert_words(cli, 2, 300);
	/* One-shot: nothing left to answer. */
	assert_int_equal(srv->t_caller.c_type, CAP_EMPTY);
	assert_int_equal(hk_call(srv, SYS_REPLY, 0, 0), E_NO_REPLY);
}

static void reply_recv_answers_and_takes_the_next_caller(void **state)
{
	(void)state;
	msg(cli, SYS_CALL, EP, 1, 1);
	msg(cli2, SYS_CALL, EP, 1, 2);
	recv(srv, EP, IPC_FOREVER);
	assert_words(srv, 1, 1);
	msg(srv, SYS_REPLY_RECV, EP, 1, 11);
	assert_words(cli, 1, 11);
	assert_int_equal(cli->t_state, TS_READY);
	/* ...and has the second call already. */
	assert_words(srv, 1, 2);
	assert_int_equal(cli2->t_state, TS_REPLY);
	msg(srv, SYS_REPLY_RECV, EP, 1, 22);
	assert_words(cli2, 1, 22);
	assert_int_equal(srv->t_state, TS_RECV);
}

static void saved_reply_answers_later_and_a_stale_one_never_matches(void **state)
{
	(void)state;
	recv(srv, EP, IPC_FOREVER);
	msg(cli, SYS_CALL, EP, 1, 5);
	assert_int_equal(hk_call(srv, SYS_REPLY_SAVE, SAVED), E_OK);
	assert_int_equal(hk_cap(hk_task, SAVED)->c_type, CAP_REPLY);
	/* It can move but not be copied. */
	assert_int_equal(hk_call(srv, SYS_CAP_COPY, SAVED, BOOT_SLOT_TASK, 30, R_ALL, 0, 0), E_BAD_ARG);
	/* Receiving again does not drop a saved call. */
	assert_int_equal(hk_call(srv, SYS_RECV, EP, IPC_POLL), E_WOULD_BLOCK);
	assert_int_equal(cli->t_state, TS_REPLY);
	/* The client is stopped and restarted: its call is over, and a new
	 * call is not answered through the old capability. */
	assert_int_equal(hk_call(hk_thread, SYS_THREAD_SUSPEND, CLI), E_OK);
	assert_int_equal(hk_result(cli), E_BAD_STATE);
	assert_int_equal(hk_call(hk_thread, SYS_THREAD_RESUME, CLI), E_OK);
	recv(srv, EP, IPC_FOREVER);
	msg(cli, SYS_CALL, EP, 1, 6);
	assert_int_equal(cli->t_state, TS_REPLY);
	assert_false(cap_is_live(hk_cap(hk_task, SAVED)));
	assert_int_equal(hk_call(srv, SYS_SEND, SAVED, MSGINFO(0, 0, 0)), E_NO_REPLY);
	assert_int_equal(cli->t_state, TS_REPLY);
	/* The current call's capability, saved, does answer it. */
	assert_int_equal(hk_call(srv, SYS_REPLY_SAVE, SAVED), E_OK);
	assert_int_equal(hk_call(srv, SYS_SEND, SAVED, MSGINFO(9, 1, 0), 77), E_OK);
	assert_int_equal(cli->t_state, TS_READY);
	assert_int_equal(cli->t_frame.rsi, MSGINFO(9, 1, 0));
	assert_int_equal(*hk_word(cli, 0), 77);
	assert_int_equal(hk_cap(hk_task, SAVED)->c_type, CAP_EMPTY);
}

static void unanswered_call_fails_with_no_reply_on_the_next_receive(void **state)
{
	(void)state;
	recv(srv, EP, IPC_FOREVER);
	msg(cli, SYS_CALL, EP, 1, 1);
	assert_int_equal(cli->t_state, TS_REPLY);
	recv(srv, EP, IPC_FOREVER);
	assert_int_equal(cli->t_state, TS_READY);
	assert_int_equal(hk_result(cli), E_NO_REPLY);
	/* Deleting a saved reply capability does the same. */
	msg(cli, SYS_CALL, EP, 1, 2);
	assert_int_equal(hk_call(srv, SYS_REPLY_SAVE, SAVED), E_OK);
	assert_int_equal(hk_call(srv, SYS_CAP_DELETE, SAVED), E_OK);
	assert_int_equal(cli->t_state, TS_READY);
	assert_int_equal(hk_result(cli), E_NO_REPLY);
}

static void destroyed_endpoint_wakes_every_waiter_with_dead(void **state)
{
	struct endpoint *ep2 = hk_endpoint_new(EP2);

	(void)state;
	msg(cli, SYS_SEND, EP, 1, 1);
	msg(cli2, SYS_CALL, EP, 1, 2);
	recv(srv, EP2, IPC_FOREVER);
	assert_int_equal(hk_call(hk_thread, SYS_OBJ_DESTROY, EP), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_OBJ_DESTROY, EP2), E_OK);
	assert_int_equal(cli->t_state, TS_READY);
	assert_int_equal(hk_result(cli), E_DEAD);
	assert_int_equal(cli2->t_state, TS_READY);
	assert_int_equal(hk_result(cli2), E_DEAD);
	assert_int_equal(srv->t_state, TS_READY);
	assert_int_equal(hk_result(srv), E_DEAD);
	assert_null(ep->ep_head);
	assert_null(ep2->ep_head);
	/* Sending through a capability to it now fails at once. */
	assert_int_equal(hk_call(cli, SYS_SEND, EPB, MSGINFO(0, 0, 0)), E_BAD_CAP);
}

static void server_death_fails_the_call_with_dead(void **state)
{
	(void)state;
	recv(srv, EP, IPC_FOREVER);
	msg(cli, SYS_CALL, EP, 1, 1);
	assert_int_equal(cli->t_state, TS_REPLY);
	assert_int_equal(hk_call(hk_thread, SYS_OBJ_DESTROY, SRV), E_OK);
	assert_int_equal(srv->t_state, TS_FREE);
	assert_int_equal(cli->t_state, TS_READY);
	assert_int_equal(hk_result(cli), E_DEAD);
}

static void capabilities_travel_only_through_grant(void **state)
{
	struct ipc_buffer *cb = hk_ipcbuf(cli), *sb = hk_ipcbuf(srv);
	uint64_t slot, refs = ep->ep_obj.ko_refs;

	(void)state;
	/* EPB has R_GRANT: the capability in EP2's slot arrives in the
	 * receiver's lowest free slot, a copy of it. */
	hk_endpoint_new(EP2);
	slot = cap_free_slot(hk_task);
	cb->ib_caps[0] = EP;
	cb->ib_cap_move = 0;
	recv(srv, EP, IPC_FOREVER);
	hk_sys(cli, SYS_SEND, EPB, MSGINFO(LABEL, 0, 1));
	assert_int_equal(srv->t_frame.rsi, MSGINFO(LABEL, 0, 1));
	assert_int_equal(sb->ib_caps[0], slot);
	assert_int_equal(hk_cap(hk_task, slot)->c_obj, hk_cap(hk_task, EP)->c_obj);
	assert_int_equal(ep->ep_obj.ko_refs, refs + 1);
	/* Moved: the sender's slot is emptied, no reference is added. */
	cb->ib_caps[0] = slot;
	cb->ib_cap_move = 1;
	recv(srv, EP, IPC_FOREVER);
	hk_sys(cli, SYS_SEND, EPB, MSGINFO(LABEL, 0, 1));
	assert_int_equal(hk_cap(hk_task, slot)->c_type, CAP_EMPTY);
	assert_int_equal(sb->ib_caps[0], slot + 1); /* the lowest free while it was in slot */
	assert_int_equal(hk_cap(hk_task, slot + 1)->c_obj, hk_cap(hk_task, EP)->c_obj);
	assert_int_equal(ep->ep_obj.ko_refs, refs + 1);
	/* Through EP2 copied without R_GRANT, nothing travels and the
	 * receiver is told. */
	assert_int_equal(hk_call(hk_thread, SYS_CAP_COPY, EP2, BOOT_SLOT_TASK, 30, R_READ | R_WRITE, 0, 0),
	                 E_OK);
	cb->ib_caps[0] = EP;
	cb->ib_cap_move = 0;
	recv(srv, EP2, IPC_FOREVER);
	hk_sys(cli, SYS_SEND, 30, MSGINFO(LABEL, 0, 1));
	assert_int_equal(srv->t_frame.rsi, MSGINFO(LABEL, 0, 0) | MSGINFO_CAPS_LOST);
	assert_int_equal(ep->ep_obj.ko_refs, refs + 1);
}

static void fault_is_a_call_to_the_fault_endpoint(void **state)
{
	(void)state;
	assert_int_equal(hk_call(hk_thread, SYS_THREAD_CONFIGURE, CLI, HK_PRIO, EPB), E_OK);
	recv(srv, EP, IPC_FOREVER);
	cli->t_frame.rip = 0x401000;
	cli->t_frame.rsp = 0x7000;
	hk_sys(cli, 999, 0); /* no such system call */
	assert_int_equal(cli->t_state, TS_REPLY);
	assert_int_equal(srv->t_frame.rdi, BADGE);
	assert_int_equal(srv->t_frame.rsi, MSGINFO(KMSG_FAULT, FAULT_WORDS, 0));
	assert_int_equal(*hk_word(srv, FAULT_W_KIND), FAULT_BAD_SYSCALL);
	assert_int_equal(*hk_word(srv, FAULT_W_CODE), 999);
	assert_int_equal(*hk_word(srv, FAULT_W_IP), 0x401000);
	assert_int_equal(*hk_word(srv, FAULT_W_SP), 0x7000);
	assert_int_equal(*hk_word(srv, FAULT_W_THREAD), thread_index(cli));
	/* The handler answers where to go on. */
	hk_sys(srv, SYS_REPLY, 0, MSGINFO(FAULT_RESUME_AT, 2, 0), 0x402000, 0x8000);
	assert_int_equal(hk_result(srv), E_OK);
	assert_int_equal(cli->t_state, TS_READY);
	assert_int_equal(cli->t_frame.rip, 0x402000);
	assert_int_equal(cli->t_frame.rsp, 0x8000);
	assert_int_equal(hk_result(cli), E_FAULTED);
}

static void fault_without_a_handler_suspends_and_says_so(void **state)
{
	(void)state;
	hk_sys(cli, 999, 0);
	assert_int_equal(cli->t_state, TS_SUSPENDED);
	assert_non_null(strstr(host_serial, "faulted"));
	/* An exit with nobody to hear it ends the thread quietly. */
	host_serial_len = 0;
	host_serial[0] = '\0';
	hk_sys(cli2, SYS_THREAD_EXIT, 3);
	assert_int_equal(cli2->t_state, TS_EXITED);
	assert_int_equal(host_serial_len, 0);
}

static void signal_wakes_a_waiting_receiver_at_once(void **state)
{
	(void)state;
	recv(srv, EP, IPC_FOREVER);
	assert_thread(hk_sys(hk_thread, SYS_SIGNAL, EPB), hk_thread);
	assert_int_equal(hk_result(hk_thread), E_OK);
	assert_int_equal(srv->t_state, TS_READY);
	assert_int_equal(hk_result(srv), E_OK);
	assert_int_equal(srv->t_frame.rdi, BADGE);
	assert_int_equal(srv->t_frame.rsi, MSGINFO(KMSG_NOTIFY, 0, 0));
	assert_int_equal(ep->ep_notify, 0);
}

static void signals_accumulate_until_the_next_receive_which_clears_them(void **state)
{
	(void)state;
	assert_int_equal(
	        hk_call(hk_thread, SYS_CAP_COPY, EP, BOOT_SLOT_TASK, EP2, R_WRITE, 0x4, CAP_COPY_BADGE),
	        E_OK);
	assert_int_equal(hk_call(cli, SYS_SIGNAL, EPB), E_OK);
	assert_int_equal(hk_call(cli, SYS_SIGNAL, EP2), E_OK);
	assert_int_equal(hk_call(cli, SYS_SIGNAL, EPB), E_OK);
	assert_int_equal(ep->ep_notify, BADGE | 0x4);
	assert_int_equal(cli->t_state, TS_READY); /* never blocks */
	assert_int_equal(hk_call(srv, SYS_RECV, EP, IPC_POLL), E_OK);
	assert_int_equal(srv->t_frame.rdi, BADGE | 0x4);
	assert_int_equal(srv->t_frame.rsi, MSGINFO(KMSG_NOTIFY, 0, 0));
	assert_int_equal(ep->ep_notify, 0);
	assert_int_equal(hk_call(srv, SYS_RECV, EP, IPC_POLL), E_WOULD_BLOCK);
}

static void notification_comes_before_a_waiting_sender(void **state)
{
	(void)state;
	msg(cli, SYS_SEND, EP, 1, 1);
	assert_int_equal(hk_call(hk_thread, SYS_SIGNAL, EPB), E_OK);
	assert_int_equal(cli->t_state, TS_SEND); /* a sender is no receiver */
	assert_int_equal(hk_call(srv, SYS_RECV, EP, IPC_FOREVER), E_OK);
	assert_int_equal(srv->t_frame.rsi, MSGINFO(KMSG_NOTIFY, 0, 0));
	assert_int_equal(cli->t_state, TS_SEND);
	assert_int_equal(hk_call(srv, SYS_RECV, EP, IPC_FOREVER), E_OK);
	assert_int_equal(srv->t_frame.rsi, MSGINFO(LABEL, 1, 0));
	assert_int_equal(cli->t_state, TS_READY);
}

static void signal_needs_a_badge_and_the_write_right(void **state)
{
	(void)state;
	assert_int_equal(hk_call(hk_thread, SYS_SIGNAL, EP), E_BAD_ARG);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_COPY, EPB, BOOT_SLOT_TASK, EP2, R_GRANT, 0, 0), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_SIGNAL, EP2), E_NO_RIGHTS);
	assert_int_equal(ep->ep_notify, 0);
}

static void signal_to_a_higher_priority_receiver_runs_it_at_once(void **state)
{
	struct thread *low = hk_thread_new(30, HK_PRIO - 50);

	(void)state;
	recv(srv, EP, IPC_FOREVER);
	recv(cli, EP, IPC_FOREVER);
	recv(cli2, EP, IPC_FOREVER);
	assert_int_equal(hk_call(hk_thread, SYS_THREAD_SUSPEND, BOOT_SLOT_THREAD), E_OK);
	assert_thread(hk_schedule(), low);
	/* The first receiver in line gets it, and preempts the signaller. */
	assert_thread(hk_sys(low, SYS_SIGNAL, EPB), srv);
	assert_int_equal(hk_result(low), E_OK);
	assert_int_equal(low->t_state, TS_READY);
	assert_int_equal(cli->t_state, TS_RECV);
	assert_int_equal(hk_call(srv, SYS_THREAD_RESUME, BOOT_SLOT_THREAD), E_OK);
	assert_int_equal(hk_thread->t_state, TS_READY);
}

static void interrupt_is_masked_signalled_and_unmasked_by_ack(void **state)
{
	(void)state;
	assert_int_equal(hk_call(hk_thread, SYS_IRQ_GET, BOOT_SLOT_IRQ_CONTROL, IRQ, 5), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_IRQ_BIND, IRQ, EP, 0x100), E_OK);
	assert_false(host_irq_masked[5]);
	irq_fire(5);
	assert_true(host_irq_masked[5]);
	assert_int_equal(ep->ep_notify, 0x100);
	assert_int_equal(hk_call(hk_thread, SYS_SIGNAL, EPB), E_OK);
	assert_int_equal(hk_call(srv, SYS_RECV, EP, IPC_POLL), E_OK);
	assert_int_equal(srv->t_frame.rdi, 0x100 | BADGE);
	assert_int_equal(srv->t_frame.rsi, MSGINFO(KMSG_NOTIFY, 0, 0));
	assert_int_equal(hk_call(srv, SYS_IRQ_ACK, IRQ), E_OK);
	assert_false(host_irq_masked[5]);
	/* Another endpoint may not take the line; its death frees it. */
	hk_endpoint_new(EP2);
	assert_int_equal(hk_call(hk_thread, SYS_IRQ_BIND, IRQ, EP2, 0x1), E_EXISTS);
	assert_int_equal(hk_call(hk_thread, SYS_OBJ_DESTROY, EP), E_OK);
	assert_true(host_irq_masked[5]);
	assert_int_equal(hk_call(hk_thread, SYS_IRQ_ACK, IRQ), E_BAD_STATE);
	assert_int_equal(hk_call(hk_thread, SYS_IRQ_BIND, IRQ, EP2, 0x1), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_IRQ_BIND, IRQ, CAP_NULL, 0), E_EXISTS);
	assert_int_equal(hk_call(hk_thread, SYS_IRQ_BIND, IRQ, EP2, 0), E_OK);
	assert_true(host_irq_masked[5]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, ipc_setup, hk_teardown)
		T(send_to_waiting_receiver_delivers_words_and_badge),
		T(send_with_no_receiver_blocks_senders_in_order),
		T(nbsend_and_poll_fail_without_a_partner),
		T(call_waits_for_the_reply_through_the_reply_capability),
		T(reply_recv_answers_and_takes_the_next_caller),
		T(saved_reply_answers_later_and_a_stale_one_never_matches),
		T(unanswered_call_fails_with_no_reply_on_the_next_receive),
		T(destroyed_endpoint_wakes_every_waiter_with_dead),
		T(server_death_fails_the_call_with_dead),
		T(capabilities_travel_only_through_grant),
		T(fault_is_a_call_to_the_fault_endpoint),
		T(fault_without_a_handler_suspends_and_says_so),
		T(signal_wakes_a_waiting_receiver_at_once),
		T(signals_accumulate_until_the_next_receive_which_clears_them),
		T(notification_comes_before_a_waiting_sender),
		T(signal_needs_a_badge_and_the_write_right),
		T(signal_to_a_higher_priority_receiver_runs_it_at_once),
		T(interrupt_is_masked_signalled_and_unmasked_by_ack),
#undef T
	};

	return cmocka_run_group_tests_name("ipc", tests, hk_boot, hk_shutdown);
}

/* net: the network server. lwIP's raw API in one thread (NO_SYS=1): the
 * server loop receives the socket protocol's calls (net_srv.c) and the
 * NIC driver's signals (frames came in, buffers came back), and its
 * timer, run before every receive, drives lwIP: the loopback interface's
 * packets, the NIC's frames, lwIP's timers, then the calls that can be
 * answered now, and last the driver is signalled for the frames lwIP
 * sent meanwhile. The receive waits no longer than lwIP's next timer,
 * the next call's deadline or the next look at the driver (nic_check). */
#include <stdio.h>

#include <kestrel/error.h>

#include <kestrel/ipc.h>
#include <kestrel/proto/net.h>

#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"

#include "ethif.h"
#include "net_srv.h"
#include "nic.h"
#include "server.h"
#include "syscalls.h"

/* Loopback rounds a timer call runs before it lets a message in: each
 * round delivers what the one before sent (a segment, its ACK, ...). */
#define LOOP_ROUNDS 16

/* Whether a loopback packet waits: with NO_SYS, lwIP queues what an
 * interface sends to itself until netif_poll. */
static bool loopback_pending(void)
{
	struct netif *n;

	NETIF_FOREACH(n)
	if (n->loop_first)
		return true;
	return false;
}

/* The server loop's timer (server_loop_timed): lwIP's work, then the
 * answers; the ms the next receive may wait. */
static uint64_t net_timer(void *state)
{
	uint64_t now, until, nic_next;
	u32_t lwip_ms;

	(void)state;
	for (unsigned i = 0; i < LOOP_ROUNDS; i++) {
		ethif_poll();
		netif_poll_all();
		sys_check_timeouts();
		now = sys_clock_ms();
		until = net_srv_work(now); /* reading data opens windows: more to send */
		if (!loopback_pending())
			break;
	}
	nic_next = nic_check(now);
	if (nic_next < until)
		until = nic_next;
	nic_next = ethif_retry(now);
	if (nic_next < until)
		until = nic_next;
	nic_flush();
	if (loopback_pending())
		return 0;
	lwip_ms = sys_timeouts_sleeptime();
	if (lwip_ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE && now + lwip_ms < until)
		until = now + lwip_ms;
	return until == NET_WAIT_FOREVER ? IPC_FOREVER : until > now ? until - now : 0;
}

/* The driver's signal: frames came in, or buffers came back. */
static void nic_signalled(void *state, uint64_t bits)
{
	(void)state;
	(void)bits;
	ethif_poll();
}

int main(void)
{
	static const struct server_notify notes[] = { { NIC_NOTIFY_BADGE, nic_signalled } };
	const struct server_info *si = server_self();
	struct server_def d = { net_ops, net_nops, NULL, notes, 1, 0 };
	long e;

	lwip_init(); /* the loopback interface, 127.0.0.1, comes with it */
	net_srv_init(si->si_generation);
	if ((e = ethif_start()) != E_OK)
		printf("net: no NIC (%s): loopback (127.0.0.1) only%s\n", proto_error_text(e),
		       ethif_retry(sys_clock_ms()) == NET_WAIT_FOREVER ? "" : "; trying again each second");
	return (int)server_loop_timed(&d, net_timer);
}

/* net: the network server. lwIP's raw API in one thread (NO_SYS=1): the
 * server loop receives the socket protocol's calls (net_srv.c), and its
 * timer, run before every receive, drives lwIP: the loopback interface's
 * packets, the NIC's frames, lwIP's timers, then the calls that can be
 * answered now. The receive waits no longer than lwIP's next timer or the
 * next call's deadline. */
#include <stdio.h>

#include <kestrel/ipc.h>
#include <kestrel/proto/net.h>

#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"

#include "ethif.h"
#include "net_srv.h"
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
	uint64_t now, until;
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
	if (loopback_pending())
		return 0;
	lwip_ms = sys_timeouts_sleeptime();
	if (lwip_ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE && now + lwip_ms < until)
		until = now + lwip_ms;
	return until == NET_WAIT_FOREVER ? IPC_FOREVER : until > now ? until - now : 0;
}

int main(void)
{
	const struct server_info *si = server_self();
	struct server_def d = { net_ops, net_nops, NULL, NULL, 0, 0 };

	lwip_init(); /* the loopback interface, 127.0.0.1, comes with it */
	net_srv_init(si->si_generation);
	if (!ethif_start())
		printf("net: no NIC yet: loopback (127.0.0.1) only\n");
	return (int)server_loop_timed(&d, net_timer);
}

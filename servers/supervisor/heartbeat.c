/* Hang detection. A thread of the supervisor calls each running server
 * with PROTO_HEARTBEAT every ms_heartbeat_ms; libipc's server loop answers
 * at once. The call can block for ever on a hung server, so the thread
 * only records when it started waiting (hb_waiting_since), and the
 * supervisor's main loop, which never blocks on a server, declares the
 * server hung once that is older than the deadline, ends it, and cancels
 * the thread's call (a suspension does), freeing it for the next server.
 * A server with a heartbeat that is not ready HEARTBEAT_START_DEADLINE_MS
 * after its start is hung too: stuck in its start-up, waiting on
 * something that will never answer. The two threads share only these
 * words, each written by one side (but for the main loop's clearing of a
 * wait it gave up on).
 *
 * A heartbeat cannot tell a server that spins: one without a heartbeat
 * (httpd, the shell: they provide nothing), or one whose heartbeat
 * another of its threads answers. Spinning at its priority, it starves
 * every thread below it, clients and watchdogs alike. So the main loop
 * also samples the clock ticks each server's first thread has run (the
 * kernel counts them; cap_identify tells them) and ends one that ran
 * SPIN_PERCENT of every sample for its manifest's spin time. */
#include <kestrel/proto/supervisor.h>

#include <stdio.h>

#include "heartbeat.h"
#include "ipc.h"
#include "sleep.h"
#include "syscalls.h"
#include "uthread.h"

static struct uthread_info hb_info;                              /* the heartbeat thread */
static volatile uint64_t hb_waiting_since[MANIFEST_MAX_SERVERS]; /* ms, 0: not waiting */
static volatile uint64_t hb_waiting_gen[MANIFEST_MAX_SERVERS];
static uint64_t hb_next[MANIFEST_MAX_SERVERS];
static __attribute__((noreturn)) long hb_thread(uint64_t arg)
{
	(void)arg;
	for (;;) {
		uint64_t now = sys_clock_ms();

		for (unsigned i = 0; i < srv_count; i++) {
			struct srv *s = &srvs[i];
			struct msg m;

			if (s->s_state != SUP_UP || !s->s_ms->ms_heartbeat_ms || now < hb_next[i])
				continue;
			hb_waiting_gen[i] = s->s_generation;
			/* Not the loop's now: a call before this one may have
			 * waited a deadline long, and this server is not late. */
			hb_waiting_since[i] = sys_clock_ms();
			msg_init(&m, PROTO_HEARTBEAT, 0);
			ipc_call(s->s_ep, &m); /* E_DEAD if the supervisor ends it meanwhile */
			hb_waiting_since[i] = 0;
			hb_next[i] = sys_clock_ms() + s->s_ms->ms_heartbeat_ms;
		}
		sleep_ms(BOOT_SLOT_POOL, HEARTBEAT_TICK_MS);
	}
}

long heartbeat_start(void)
{
	long e;

	e = sleep_ms(BOOT_SLOT_POOL, 0); /* makes its endpoint now: the thread's sleeps cannot fail */
	return e ? e : uthread_create(hb_thread, 0, HEARTBEAT_PRIORITY, CAP_NULL, BOOT_SLOT_POOL, &hb_info);
}

/* Samples s's first thread's ticks; ends s if it kept the CPU for its
 * spin time. */
static void spin_check(struct srv *s, uint64_t now)
{
	static char why[96];
	struct cap_info ci;
	uint64_t ran;

	if (s->s_state != SUP_UP || !s->s_ms->ms_spin_ms ||
	    sys_cap_identify_out(s->s_sp.sp_thread, &ci) != E_OK || ci.ci_type != CAP_THREAD)
		return;
	if (s->s_cpu_gen != s->s_generation) { /* a new instance: its first sample */
		s->s_cpu_gen = s->s_generation;
		s->s_cpu_ticks = ci.ci_badge;
		s->s_cpu_ms = now;
		s->s_busy_since = 0;
		return;
	}
	if (now - s->s_cpu_ms < SPIN_SAMPLE_MS)
		return;
	ran = ci.ci_badge - s->s_cpu_ticks; /* ticks are ms (the kernel's clock runs at 1000 Hz) */
	if (ran * 100 < (now - s->s_cpu_ms) * SPIN_PERCENT) {
		s->s_busy_since = 0;
	} else if (!s->s_busy_since) {
		s->s_busy_since = s->s_cpu_ms;
		s->s_busy_ticks = s->s_cpu_ticks;
	}
	s->s_cpu_ticks = ci.ci_badge;
	s->s_cpu_ms = now;
	if (s->s_busy_since && now - s->s_busy_since >= s->s_ms->ms_spin_ms) {
		snprintf(why, sizeof(why), "spinning: ran %lu of the last %lu ms",
		         ci.ci_badge - s->s_busy_ticks, now - s->s_busy_since);
		s->s_busy_since = 0;
		srv_end(s, why);
	}
}

void heartbeat_check(void)
{
	uint64_t now = sys_clock_ms();

	for (unsigned i = 0; i < srv_count; i++) {
		struct srv *s = &srvs[i];
		uint64_t since = hb_waiting_since[i];

		spin_check(s, now);

		if (since && now - since > heartbeat_deadline(s)) {
			hb_waiting_since[i] = 0;
			if (s->s_state == SUP_UP && hb_waiting_gen[i] == s->s_generation)
				srv_end(s, "hung: no answer to a heartbeat in time");
			/* Ending the server does not end the call: it waits on
			 * the endpoint we keep for the next instance, which may
			 * never be ready (its start waiting on another server
			 * that only this thread would find hung). A suspension
			 * cancels the call, and the thread goes on to the next
			 * server. */
			sys_thread_suspend(hb_info.ui_slot);
			sys_thread_resume(hb_info.ui_slot);
		} else if (s->s_state == SUP_STARTING && s->s_ms->ms_heartbeat_ms &&
		           now - s->s_started_ms > HEARTBEAT_START_DEADLINE_MS) {
			srv_end(s, "hung: not ready in time after its start");
		}
	}
}

uint64_t heartbeat_deadline(const struct srv *s)
{
	uint64_t d = s->s_ms->ms_heartbeat_ms;

	return d < HEARTBEAT_MIN_DEADLINE_MS ? HEARTBEAT_MIN_DEADLINE_MS : d;
}

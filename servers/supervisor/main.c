/* The supervisor: the first user task. It reads the manifest from the boot
 * modules, starts every server it names in dependency order with only the
 * rights its block gives, and keeps each service's endpoint itself, so a
 * restarted server takes over the same endpoint and clients keep their
 * capabilities. It hears of every crash and exit as a fault message (it is
 * every server's fault handler) and restarts per policy (policy.c). */
#include <kestrel/boot.h>
#include <kestrel/fault.h>
#include <kestrel/proto/supervisor.h>

#include "console.h"
#include "ipc.h"
#include "manifest.h"
#include "policy.h"
#include "slots.h"
#include "spawn.h"
#include "syscalls.h"
#include "vspace.h"

#define BADGE_SERVER      (1ULL << 40) /* | index: a server's calls to us */
#define BADGE_FAULT       (1ULL << 41) /* | index: its fault messages */
#define SERVER_POOL_PAGES 4096         /* 16 MiB of quota for each server */

enum srv_state { SRV_DOWN, SRV_STARTING, SRV_UP, SRV_WAITING, SRV_FAILED };

struct srv {
	const struct manifest_server *s_ms;
	const struct boot_module_info *s_mod;
	uint64_t s_ep; /* the service endpoint: ours, for ever */
	struct spawned s_sp;
	enum srv_state s_state;
	uint64_t s_generation;
	struct restart_state s_rs;
	uint64_t s_restart_at; /* ms, when SRV_WAITING */
	uint64_t s_died_tsc;   /* when the last instance died, for the recovery time */
	uint64_t s_died_ms;
};

static const struct boot_info *bi;
static struct manifest manifest;
static struct srv srvs[MANIFEST_MAX_SERVERS];
static uint64_t sep; /* our endpoint: servers' calls and faults */

static const struct boot_module_info *find_module(const char *suffix)
{
	size_t n = strlen(suffix);

	for (uint64_t i = 0; i < bi->bi_nmodules; i++) {
		const char *name = bi->bi_modules[i].bm_name;
		size_t len = strlen(name);

		if (len >= n && strcmp(name + len - n, suffix) == 0 && (len == n || name[len - n - 1] == '/'))
			return &bi->bi_modules[i];
	}
	return NULL;
}

#define INFO_SCRATCH 0x0000600000000000ULL /* where we fill a server_info page */

/* The server_info page, mapped read-only into the child; the mapping is
 * its only reference, so the page goes with the child. */
static long give_info(struct srv *s, const struct server_info *si)
{
	uint64_t frame = slot_alloc(), unmapped;
	long e = sys_mem_alloc(BOOT_SLOT_POOL, frame, 1, 0);

	if (e == E_OK)
		e = sys_mem_map(BOOT_SLOT_TASK, frame, INFO_SCRATCH, R_READ | R_WRITE);
	if (e == E_OK) {
		memcpy((void *)INFO_SCRATCH, si, sizeof(*si));
		sys_mem_unmap_out(BOOT_SLOT_TASK, INFO_SCRATCH, 1, &unmapped);
		e = sys_mem_map(s->s_sp.sp_task, frame, SERVER_INFO_VADDR, R_READ);
	}
	sys_cap_delete(frame);
	slot_free(frame);
	return e;
}

static long start(struct srv *s)
{
	const struct manifest_server *ms = s->s_ms;
	uint64_t pool = slot_alloc(), fault = slot_alloc(), ports = slot_alloc(), irq = slot_alloc();
	/* Slots 1-4 always; 5 ports and 6 the interrupt line when the
	 * manifest gives them. */
	struct spawn_cap caps[6] = {
		{ s->s_ep, 1, R_READ | R_WRITE | R_GRANT, 0 },
		{ sep, 2, R_WRITE | R_GRANT, BADGE_SERVER | (uint64_t)(s - srvs) },
		{ SPAWN_OWN_TASK, 3, R_ALL, 0 },
		{ pool, 4, R_READ | R_WRITE, 0 },
	};
	unsigned ncaps = 4;
	struct spawn_req req = { (const void *)s->s_mod->bm_vaddr,
		                 s->s_mod->bm_size,
		                 BOOT_SLOT_TASK,
		                 BOOT_SLOT_POOL,
		                 ms->ms_priority,
		                 fault,
		                 caps,
		                 0 };
	struct server_info si = { .si_magic = SERVER_INFO_MAGIC,
		                  .si_ep = 1,
		                  .si_sup = 2,
		                  .si_self = 3,
		                  .si_pool = 4,
		                  .si_ioport = ms->ms_port_count ? 5 : 0,
		                  .si_irq = ms->ms_irq >= 0 ? 6 : 0,
		                  .si_first_free_slot = 6 };
	long e;

	if (ms->ms_port_count)
		caps[ncaps++] = (struct spawn_cap){ ports, 5, R_ALL, 0 };
	if (ms->ms_irq >= 0)
		caps[ncaps++] = (struct spawn_cap){ irq, 6, R_ALL, 0 };
	req.sr_ncaps = ncaps;
	if ((e = sys_pool_split(BOOT_SLOT_POOL, pool, SERVER_POOL_PAGES)) ||
	    (e = sys_cap_copy(sep, BOOT_SLOT_TASK, fault, R_WRITE, BADGE_FAULT | (uint64_t)(s - srvs),
	                      CAP_COPY_BADGE)) ||
	    (ms->ms_port_count &&
	     (e = sys_ioport_get(BOOT_SLOT_IOPORT, ports, ms->ms_port_first, ms->ms_port_count))) ||
	    (ms->ms_irq >= 0 && (e = sys_irq_get(BOOT_SLOT_IRQ_CONTROL, irq, (uint64_t)ms->ms_irq))) ||
	    (e = spawn_load(&req, &s->s_sp)))
		return e;
	/* The child's copies are the only ones: they go with the child. */
	sys_cap_delete(pool);
	sys_cap_delete(fault);
	if (ms->ms_port_count)
		sys_cap_delete(ports);
	if (ms->ms_irq >= 0)
		sys_cap_delete(irq);
	slot_free(pool);
	slot_free(fault);
	slot_free(ports);
	slot_free(irq);
	memcpy(si.si_name, ms->ms_name, strlen(ms->ms_name));
	si.si_generation = ++s->s_generation;
	if ((e = give_info(s, &si)) || (e = spawn_start(&s->s_sp, SERVER_INFO_VADDR)))
		return e;
	s->s_state = SRV_STARTING;
	policy_started(&s->s_rs, sys_clock_ms());
	return E_OK;
}

static void log_event(const struct srv *s, const char *what)
{
	printf("[supervisor %lu ms] %s (generation %lu): %s\n", sys_clock_ms(), s->s_ms->ms_name,
	       s->s_generation, what);
}

static void died(struct srv *s, const struct msg *m)
{
	static const char *const kinds[] = {
		"?",         "page fault",      "protection fault", "divide error", "invalid opcode",
		"exception", "bad system call", "bad pointer",      "exit"
	};
	uint64_t kind = m->w[FAULT_W_KIND], now = sys_clock_ms();
	char what[96];
	int64_t delay;

	snprintf(what, sizeof(what), "%s (address %#lx, ip %#lx, code %ld)", kind < 9 ? kinds[kind] : "?",
	         m->w[FAULT_W_ADDR], m->w[FAULT_W_IP], (long)m->w[FAULT_W_CODE]);
	log_event(s, what);
	s->s_died_tsc = sys_clock_tsc();
	s->s_died_ms = now;
	spawn_destroy(&s->s_sp);
	delay = policy_after_death(s->s_ms, &s->s_rs, now);
	if (delay < 0) {
		s->s_state = SRV_FAILED;
		log_event(s, "left down (restart policy)");
		return;
	}
	s->s_state = SRV_WAITING;
	s->s_restart_at = now + (uint64_t)delay;
}

static void answer(struct msg *m, long status, unsigned words)
{
	m->info = MSGINFO((uint32_t)status, words, 0);
	m->cap_move = 0;
	ipc_reply(m);
}

static void ready(struct srv *s, struct msg *m)
{
	char what[96];

	if (s->s_generation > 1) {
		snprintf(what, sizeof(what), "up again, %lu guest instructions (%lu ms) after it died",
		         sys_clock_tsc() - s->s_died_tsc, sys_clock_ms() - s->s_died_ms);
		log_event(s, what);
	} else {
		log_event(s, "up");
	}
	s->s_state = SRV_UP;
	memset(m->w, 0, 8);
	answer(m, E_OK, 1);
}

static struct srv *by_name(const char *name, int provides)
{
	for (unsigned i = 0; i < manifest.m_count; i++)
		if (strncmp(provides ? srvs[i].s_ms->ms_provides : srvs[i].s_ms->ms_name, name,
		            SERVER_NAME_LEN) == 0)
			return &srvs[i];
	return NULL;
}

/* SUP_LOOKUP: a copy of the service's endpoint, badged for the caller. */
static void lookup(struct msg *m, uint64_t caller)
{
	char name[SERVER_NAME_LEN + 1] = { 0 };
	struct srv *s;
	uint64_t copy = slot_alloc();

	memcpy(name, m->w, SERVER_NAME_LEN);
	s = by_name(name, 1);
	if (!s || sys_cap_copy(s->s_ep, BOOT_SLOT_TASK, copy, R_WRITE, caller + 1, CAP_COPY_BADGE) != E_OK) {
		answer(m, PE_NO_SERVICE, 0);
		return;
	}
	m->info = MSGINFO(0, 0, 1);
	m->caps[0] = copy;
	m->cap_move = 1;
	ipc_reply(m);
	slot_free(copy);
}

/* SUP_CRASH: tell the named server to fault (it must be waiting). */
static void crash(struct msg *m)
{
	struct srv *s = by_name((const char *)m->w, 0);
	struct msg c;

	if (!s || s->s_state != SRV_UP) {
		answer(m, PE_NO_SERVICE, 0);
		return;
	}
	msg_init(&c, PROTO_CRASH, 0);
	m->w[0] = s->s_generation;
	answer(m, ipc_nbsend(s->s_ep, &c), 1);
}

static uint64_t next_timeout(void)
{
	uint64_t now = sys_clock_ms(), best = IPC_FOREVER;

	for (unsigned i = 0; i < manifest.m_count; i++)
		if (srvs[i].s_state == SRV_WAITING) {
			uint64_t t = srvs[i].s_restart_at > now ? srvs[i].s_restart_at - now : 1;

			if (t < best)
				best = t;
		}
	return best;
}

static void restart_due(void)
{
	uint64_t now = sys_clock_ms();

	for (unsigned i = 0; i < manifest.m_count; i++)
		if (srvs[i].s_state == SRV_WAITING && srvs[i].s_restart_at <= now && start(&srvs[i]) != E_OK)
			srvs[i].s_state = SRV_FAILED;
}

static long setup(void)
{
	const struct boot_module_info *mf = find_module("manifest.txt");
	unsigned order[MANIFEST_MAX_SERVERS], line;
	char err[96];
	long e;

	if (!mf)
		return printf("supervisor: no manifest.txt module\n"), PE_BAD_REQUEST;
	line = manifest_parse((const char *)mf->bm_vaddr, mf->bm_size, &manifest, err, sizeof(err));
	if (line)
		return printf("supervisor: manifest line %u: %s\n", line, err), PE_BAD_REQUEST;
	if (manifest_order(&manifest, order, err, sizeof(err)))
		return printf("supervisor: manifest: %s\n", err), PE_BAD_REQUEST;
	sep = slot_alloc();
	if ((e = sys_endpoint_create(BOOT_SLOT_POOL, sep)))
		return e;
	for (unsigned k = 0; k < manifest.m_count; k++) {
		struct srv *s = &srvs[order[k]];

		s->s_ms = &manifest.m_servers[order[k]];
		s->s_mod = find_module(s->s_ms->ms_binary);
		s->s_ep = slot_alloc();
		if (!s->s_mod || (e = sys_endpoint_create(BOOT_SLOT_POOL, s->s_ep)) || (e = start(s))) {
			printf("supervisor: cannot start %s (binary %s): error %ld\n", s->s_ms->ms_name,
			       s->s_ms->ms_binary, s->s_mod ? e : -1L);
			s->s_state = SRV_FAILED;
		}
	}
	printf("supervisor: %u servers started\n", manifest.m_count);
	return E_OK;
}

long main(uint64_t arg)
{
	struct msg m;
	long e;

	bi = (const struct boot_info *)arg;
	slots_init(bi->bi_first_free_slot);
	vspace_init(BOOT_SLOT_TASK);
	if ((e = setup()))
		return e;
	for (;;) {
		uint64_t i;

		e = ipc_recv(sep, next_timeout(), &m);
		if (e == E_TIMEOUT) {
			restart_due();
			continue;
		}
		i = m.badge & 0xFFFF;
		if (e != E_OK || i >= manifest.m_count)
			continue;
		if ((m.badge & BADGE_FAULT) && msg_label(&m) == KMSG_FAULT)
			died(&srvs[i], &m);
		else if ((m.badge & BADGE_SERVER) && msg_label(&m) == SUP_BASE + 1)
			ready(&srvs[i], &m);
		else if ((m.badge & BADGE_SERVER) && msg_label(&m) == SUP_LOOKUP)
			lookup(&m, i);
		else if ((m.badge & BADGE_SERVER) && msg_label(&m) == SUP_BASE + 3)
			crash(&m);
		else
			answer(&m, PE_BAD_OP, 0);
		restart_due();
	}
}

/* The supervisor: the first user task. It reads the manifest from the boot
 * modules, starts every server it names in dependency order with only the
 * rights its block gives, and keeps each service's endpoint itself, so a
 * restarted server takes over the same endpoint and clients keep their
 * capabilities. It hears of every crash and exit as a fault message (it is
 * every server's fault handler) and restarts per policy (policy.c). The
 * control calls the shell uses (ps, kill, crash, restart, log) are in
 * control.c; every log line is also kept for them (log.c). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <kestrel/boot.h>
#include <kestrel/fault.h>
#include <kestrel/proto/pci.h>
#include <kestrel/proto/supervisor.h>

#include "elf.h"
#include "heartbeat.h"
#include "ipc.h"
#include "slots.h"
#include "srv.h"
#include "syscalls.h"
#include "tscrate.h"
#include "vspace.h"

/* The kernel objects each server may make from its pool; the server's own
 * task and first thread come from ours. Sized so that 64 servers fit the
 * kernel's tables (kernel/task.h, thread.h, endpoint.h, share.h): 2 tasks,
 * 9 threads, 13 endpoints and 4 shares a server. */
#define SERVER_POOL_OBJECTS POOL_OBJECTS(1, 8, 12, 0, 4)

struct srv srvs[MANIFEST_MAX_SERVERS];
unsigned srv_count;
struct log_ring srv_log_ring;

static const struct boot_info *bi;
static struct tsc_rate tsc_rate; /* from our start, to tell time-stamp counts in microseconds */
static struct manifest manifest;
static uint64_t sep; /* our endpoint: servers' calls and faults */
/* A server may inject faults: keep every server's code, data and stack
 * frames for it (sup_target). Up to SPAWN_MAX_REGIONS slots more a server,
 * so not always. */
static bool chaos_in_manifest;

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

void srv_log(const char *fmt, ...)
{
	char line[256]; /* the console gets it all, the ring SUP_LOG_TEXT bytes */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("%s\n", line);
	log_ring_put(&srv_log_ring, line);
}

void srv_log_event(const struct srv *s, const char *what)
{
	srv_log("[supervisor %lu ms] %s (generation %lu): %s", sys_clock_ms(), s->s_ms->ms_name,
	        s->s_generation, what);
}

struct srv *srv_find(const char *name, bool by_service)
{
	for (unsigned i = 0; i < srv_count; i++) {
		const struct manifest_server *ms = srvs[i].s_ms;

		if (!by_service && strncmp(ms->ms_name, name, SERVER_NAME_LEN) == 0)
			return &srvs[i];
		for (unsigned p = 0; by_service && p < ms->ms_nprovides; p++)
			if (strncmp(ms->ms_provides[p], name, SERVER_NAME_LEN) == 0)
				return &srvs[i];
	}
	return NULL;
}

#define INFO_SCRATCH 0x0000600000000000ULL /* where we fill a server_info page */

/* The server_info page, mapped read-only into the child; the mapping is
 * its only reference, so the page goes with the child. */
static long give_info(struct srv *s, const struct server_info *si)
{
	return mem_map_fresh(&(struct mem_fresh){ .mf_pool = BOOT_SLOT_POOL,
	                                          .mf_pages = 1,
	                                          .mf_task = s->s_sp.sp_task,
	                                          .mf_va = SERVER_INFO_VADDR,
	                                          .mf_rights = R_READ,
	                                          .mf_src = si,
	                                          .mf_len = sizeof(*si),
	                                          .mf_self = BOOT_SLOT_TASK,
	                                          .mf_scratch = INFO_SCRATCH },
	                     NULL);
}

/* Where a server finds what it is given: slots 1-5 always, then one slot
 * for each irq, ports, devmem and devrange line of its block, in the
 * block's order.
 * struct server_info lists them all. */
enum {
	CHILD_EP = 1,
	CHILD_SUP,
	CHILD_SELF,
	CHILD_POOL,
	CHILD_FAULT,
	CHILD_FIRST_RES,
};

/* What srv_start was doing when it failed, for the log. */
static char start_step[64];

static void info_add(struct server_info *si, uint64_t kind, uint64_t slot, uint64_t first, uint64_t count)
{
	si->si_res[si->si_nres++] = (struct server_res){ kind, slot, first, count };
}

/* Makes our copy of an irq, ports, devmem or devrange line's capability in slot
 * ours; tells the child's entry in *r. */
static long grant_resource(const struct manifest_resource *mr, uint64_t ours, struct server_res *r)
{
	uint64_t msi_address = 0, msi_data = 0;
	long e = E_BAD_ARG;

	*r = (struct server_res){ 0, 0, mr->mr_first, mr->mr_count };
	switch (mr->mr_kind) {
	case MANIFEST_PORTS:
		r->sr_kind = SERVER_RES_PORTS;
		e = sys_ioport_get(BOOT_SLOT_IOPORT, ours, mr->mr_first, mr->mr_count);
		break;
	case MANIFEST_IRQ:
		/* An MSI vector: the driver programs its device with the
		 * address and data, so the entry carries them instead. */
		r->sr_kind = mr->mr_first >= IRQ_MSI_FIRST ? SERVER_RES_MSI : SERVER_RES_IRQ;
		e = sys_irq_get_out(BOOT_SLOT_IRQ_CONTROL, ours, mr->mr_first, &msi_address, &msi_data);
		if (r->sr_kind == SERVER_RES_MSI)
			*r = (struct server_res){ SERVER_RES_MSI, 0, msi_address, msi_data };
		break;
	case MANIFEST_DEVMEM:
		r->sr_kind = SERVER_RES_DEVMEM;
		e = sys_mem_device(BOOT_SLOT_DEVMEM, ours, mr->mr_first, mr->mr_count / 4096);
		break;
	case MANIFEST_DEVRANGE:
		r->sr_kind = SERVER_RES_DEVRANGE;
		e = sys_devmem_get(BOOT_SLOT_DEVMEM, ours, mr->mr_first, mr->mr_count / 4096);
		break;
	}
	return e;
}

/* Makes our copies of what the manifest gives the server: the pool in
 * ours[0], the k-th resource line's capability in ours[1 + k] (allocated,
 * empty); lists them in caps and in the server_info table. Returns E_OK
 * or the error of the step that failed (start_step says which). */
static long grant(const struct srv *s, const uint64_t *ours, struct spawn_cap *caps, unsigned *ncaps,
                  struct server_info *si)
{
	const struct manifest_server *ms = s->s_ms;
	long e;

	snprintf(start_step, sizeof(start_step), "its pool of %lu pages", ms->ms_memory_pages);
	if ((e = sys_pool_split(BOOT_SLOT_POOL, ours[0], ms->ms_memory_pages, SERVER_POOL_OBJECTS)))
		return e;
	caps[(*ncaps)++] =
	        (struct spawn_cap){ ours[0], CHILD_POOL, R_READ | R_WRITE | (ms->ms_dma ? R_DMA : 0), 0 };
	info_add(si, SERVER_RES_POOL, CHILD_POOL, 0, ms->ms_memory_pages);
	for (unsigned k = 0; k < ms->ms_nres; k++) {
		const struct manifest_resource *mr = &ms->ms_res[k];
		struct server_res r;

		static const char *const keys[] = { "ports", "irq", "devmem", "devrange" };

		snprintf(start_step, sizeof(start_step), "line %u (%s)", mr->mr_line, keys[mr->mr_kind]);
		if ((e = grant_resource(mr, ours[1 + k], &r)))
			return e;
		r.sr_slot = CHILD_FIRST_RES + k;
		/* Device memory: map and unmap it, not hand it on or learn its
		 * address. A device-memory range (a bus server's) keeps
		 * R_CONTROL: frames and narrower ranges are made from it. */
		caps[(*ncaps)++] =
		        (struct spawn_cap){ ours[1 + k], r.sr_slot,
			                    r.sr_kind == SERVER_RES_DEVMEM ? R_READ | R_WRITE : R_ALL, 0 };
		info_add(si, r.sr_kind, r.sr_slot, r.sr_first, r.sr_count);
	}
	return E_OK;
}

/* The slot of the first entry of kind in si's table, or 0. */
static uint64_t first_slot(const struct server_info *si, uint64_t kind)
{
	for (uint64_t i = 0; i < si->si_nres; i++)
		if (si->si_res[i].sr_kind == kind)
			return si->si_res[i].sr_slot;
	return 0;
}

/* Maps the vault the supervisor keeps for the server into the new
 * instance, read and write. */
static long give_vault(struct srv *s, struct server_info *si)
{
	long e;

	if (s->s_vault == CAP_NULL)
		return E_OK;
	snprintf(start_step, sizeof(start_step), "mapping its vault");
	e = sys_mem_map(s->s_sp.sp_task, s->s_vault, SERVER_VAULT_VADDR, R_READ | R_WRITE, 0, 0);
	if (e == E_OK)
		info_add(si, SERVER_RES_VAULT, 0, SERVER_VAULT_VADDR, s->s_ms->ms_vault_pages);
	return e;
}

void srv_stop(struct srv *s)
{
	spawn_destroy(&s->s_sp);
	if (s->s_pool != CAP_NULL) {
		sys_cap_delete(s->s_pool);
		slot_free(s->s_pool);
		s->s_pool = CAP_NULL;
	}
}

long srv_start(struct srv *s)
{
	const struct manifest_server *ms = s->s_ms;
	uint64_t badge = (uint64_t)(s - srvs) | (ms->ms_control ? BADGE_CONTROL : 0) |
	                 (ms->ms_chaos ? BADGE_CHAOS : 0);
	uint64_t fault = slot_alloc(), ours[1 + MANIFEST_MAX_RESOURCES];
	unsigned nours = 1 + ms->ms_nres;
	struct spawn_cap caps[5 + MANIFEST_MAX_RESOURCES] = {
		{ s->s_ep, CHILD_EP, R_READ | R_WRITE | R_GRANT, 0 },
		{ sep, CHILD_SUP, R_WRITE | R_GRANT, BADGE_SERVER | badge },
		{ SPAWN_OWN_TASK, CHILD_SELF, R_ALL, 0 },
		/* For the threads it makes: their faults end it, as its first
		 * thread's do. */
		{ sep, CHILD_FAULT, R_WRITE, BADGE_FAULT | (uint64_t)(s - srvs) },
	};
	struct spawn_req req = { (const void *)s->s_mod->bm_vaddr,
		                 s->s_mod->bm_size,
		                 BOOT_SLOT_TASK,
		                 BOOT_SLOT_POOL,
		                 ms->ms_priority,
		                 fault,
		                 caps,
		                 4,
		                 chaos_in_manifest };
	static struct server_info si; /* a page's worth: not on the stack */
	long e;

	memset(&si, 0, sizeof(si));
	si.si_magic = SERVER_INFO_MAGIC;
	si.si_priority = ms->ms_priority;
	si.si_fault = CHILD_FAULT;
	si.si_first_free_slot = CHILD_FIRST_RES + ms->ms_nres;
	info_add(&si, SERVER_RES_EP, CHILD_EP, 0, 0);
	info_add(&si, SERVER_RES_SUP, CHILD_SUP, 0, 0);
	info_add(&si, SERVER_RES_SELF, CHILD_SELF, 0, 0);
	for (unsigned k = 0; k < nours; k++)
		ours[k] = slot_alloc();
	e = grant(s, ours, caps, &req.sr_ncaps, &si);

	if (e == E_OK)
		e = sys_cap_copy(sep, BOOT_SLOT_TASK, fault, R_WRITE, BADGE_FAULT | (uint64_t)(s - srvs),
		                 CAP_COPY_BADGE);
	if (e == E_OK) {
		snprintf(start_step, sizeof(start_step), "loading %s", ms->ms_binary);
		e = spawn_load(&req, &s->s_sp);
	}
	/* Whatever happened, the child's copies are the only ones kept: they
	 * go with the child. But for the pool: ours tells ps what the
	 * instance holds, and goes with it (srv_stop). */
	sys_cap_delete(fault);
	slot_free(fault);
	for (unsigned k = e == E_OK ? 1 : 0; k < nours; k++) {
		sys_cap_delete(ours[k]);
		slot_free(ours[k]);
	}
	if (e != E_OK)
		return e;
	s->s_pool = ours[0];
	si.si_ep = CHILD_EP;
	si.si_sup = CHILD_SUP;
	si.si_self = CHILD_SELF;
	si.si_pool = CHILD_POOL;
	si.si_ioport = first_slot(&si, SERVER_RES_PORTS);
	si.si_irq = first_slot(&si, SERVER_RES_IRQ);
	si.si_devmem = first_slot(&si, SERVER_RES_DEVMEM);
	memcpy(si.si_name, ms->ms_name, strlen(ms->ms_name));
	si.si_generation = ++s->s_generation;
	if ((e = give_vault(s, &si)) == E_OK) {
		snprintf(start_step, sizeof(start_step), "starting its thread");
		e = give_info(s, &si);
	}
	if (e != E_OK || (e = spawn_start(&s->s_sp, SERVER_INFO_VADDR))) {
		srv_stop(s);
		return e;
	}
	s->s_state = SUP_STARTING;
	s->s_pid = 0;
	s->s_inject_number = 0;
	s->s_started_ms = sys_clock_ms();
	policy_started(&s->s_rs, s->s_started_ms);
	return E_OK;
}

void srv_start_failed(struct srv *s, long e)
{
	char what[160];

	s->s_state = SUP_FAILED;
	if (!s->s_mod)
		snprintf(what, sizeof(what), "cannot start: no boot module named %s", s->s_ms->ms_binary);
	else
		snprintf(what, sizeof(what), "cannot start: %s: %s", start_step, proto_error_text(e));
	srv_log_event(s, what);
}

void srv_end(struct srv *s, const char *why)
{
	uint64_t now = sys_clock_ms();
	int64_t delay;

	if (why)
		srv_log_event(s, why);
	srv_log_injection_followed(s, now);
	s->s_died_tsc = sys_clock_tsc();
	s->s_died_ms = now;
	srv_stop(s);
	delay = policy_after_death(s->s_ms, &s->s_rs, now);
	if (delay < 0) {
		s->s_state = SUP_FAILED;
		srv_log_event(s, "left down (restart policy)");
		return;
	}
	s->s_state = SUP_RESTARTING;
	s->s_restart_at = now + (uint64_t)delay;
	if (delay > 0) {
		char what[120];

		policy_explain(s->s_ms, &s->s_rs, delay, what, sizeof(what));
		srv_log_event(s, what);
	}
}

static bool in_code(const struct elf_file *f, uint64_t ip)
{
	struct elf_segment seg;

	for (unsigned i = 0; i < elf_phnum(f); i++)
		if (elf_segment(f, i, &seg) && (seg.es_flags & PF_X) && ip - seg.es_vaddr < seg.es_memsz)
			return true;
	return false;
}

/* Where ip is in the server's program, from the ELF it was loaded from
 * (its symbol table, and its DWARF line table when it has one): "ip 0x...
 * is function+0x..., file:line", or nothing outside its functions. The
 * tables are searched only for an ip in the program's code (a crash
 * request's jump to 0 costs the restart nothing). */
static void log_place(const struct srv *s, uint64_t ip)
{
	struct elf_file f;
	char function[48], file[64], what[SUP_LOG_TEXT];
	uint64_t off;
	unsigned line;
	int n;

	if (elf_open(&f, (const void *)s->s_mod->bm_vaddr, s->s_mod->bm_size, USER_TOP) != E_OK ||
	    !in_code(&f, ip) || !elf_function(&f, ip, function, sizeof(function), &off))
		return;
	n = snprintf(what, sizeof(what), "ip %#lx is %s+0x%lx", ip, function, off);
	if (elf_line(&f, ip, file, sizeof(file), &line))
		snprintf(what + n, sizeof(what) - (size_t)n, ", %s:%u", file, line);
	srv_log_event(s, what);
}

static void died(struct srv *s, const struct msg *m)
{
	static const char *const kinds[] = {
		"?",         "page fault",      "protection fault", "divide error", "invalid opcode",
		"exception", "bad system call", "bad pointer",      "exit"
	};
	uint64_t kind = m->w[FAULT_W_KIND];
	char what[96];

	snprintf(what, sizeof(what), "%s (address %#lx, ip %#lx, code %ld)", kind < 9 ? kinds[kind] : "?",
	         m->w[FAULT_W_ADDR], m->w[FAULT_W_IP], (long)m->w[FAULT_W_CODE]);
	if (kind == FAULT_EXIT) {
		srv_end(s, what);
		return;
	}
	srv_log_event(s, what);
	log_place(s, m->w[FAULT_W_IP]);
	srv_end(s, NULL);
}

static void answer(struct msg *m, long status, unsigned words)
{
	m->info = MSGINFO((uint32_t)status, words, 0);
	m->cap_move = 0;
	ipc_reply(m);
}

/* The caller's index: the badge of its capability to us. */
static struct srv *caller(const struct proto_ctx *ctx)
{
	return &srvs[ctx->pc_badge & BADGE_INDEX];
}

/* The frames devices may use (dma_keep): whose, of which instance, our
 * slot (CAP_NULL: a free entry) and the frame's physical address. Room
 * for the drivers' rings and their clients' attached frames, for the
 * dead instances whose device no later one has reset yet, too. */
#define DMA_KEPT 320
static struct {
	struct srv *dk_srv;
	uint64_t dk_generation, dk_frame, dk_pa;
} dma_kept[DMA_KEPT];

static void dma_let_go(unsigned i)
{
	sys_cap_delete(dma_kept[i].dk_frame);
	slot_free(dma_kept[i].dk_frame);
	dma_kept[i].dk_frame = CAP_NULL;
}

long sup_dma_keep_srv(struct proto_ctx *ctx, const struct sup_dma_keep_req *q, struct sup_dma_keep_rep *r)
{
	struct srv *s = caller(ctx);
	uint64_t pa, pages;

	(void)q, (void)r;
	if (!s->s_ms->ms_dma)
		return E_NO_RIGHTS;
	if (ctx->pc_caps[0] == CAP_NULL || sys_mem_phys_out(ctx->pc_caps[0], &pa, &pages) != E_OK)
		return E_BAD_ARG;
	for (unsigned i = 0; i < DMA_KEPT; i++)
		if (dma_kept[i].dk_frame == CAP_NULL) {
			dma_kept[i].dk_srv = s;
			dma_kept[i].dk_generation = s->s_generation;
			dma_kept[i].dk_frame = ctx->pc_caps[0];
			dma_kept[i].dk_pa = pa;
			ctx->pc_caps[0] = CAP_NULL; /* ours now */
			return E_OK;
		}
	return E_LIMIT;
}

long sup_dma_drop_srv(struct proto_ctx *ctx, const struct sup_dma_drop_req *q, struct sup_dma_keep_rep *r)
{
	struct srv *s = caller(ctx);

	(void)r;
	if (!s->s_ms->ms_dma)
		return E_NO_RIGHTS;
	for (unsigned i = 0; i < DMA_KEPT; i++)
		if (dma_kept[i].dk_frame != CAP_NULL && dma_kept[i].dk_srv == s &&
		    dma_kept[i].dk_generation == s->s_generation && dma_kept[i].dk_pa == q->pa) {
			dma_let_go(i);
			return E_OK;
		}
	return E_NOT_FOUND;
}

long sup_dma_reset_srv(struct proto_ctx *ctx, const struct sup_dma_keep_req *q, struct sup_dma_keep_rep *r)
{
	struct srv *s = caller(ctx);

	(void)q, (void)r;
	if (!s->s_ms->ms_dma)
		return E_NO_RIGHTS;
	for (unsigned i = 0; i < DMA_KEPT; i++)
		if (dma_kept[i].dk_frame != CAP_NULL && dma_kept[i].dk_srv == s &&
		    dma_kept[i].dk_generation < s->s_generation)
			dma_let_go(i);
	return E_OK;
}

long sup_ready_srv(struct proto_ctx *ctx, const struct sup_ready_req *q, struct sup_ready_rep *r)
{
	struct srv *s = caller(ctx);
	char what[96];

	(void)r;
	s->s_pid = q->pid;
	s->s_ready_tsc = sys_clock_tsc();
	if (s->s_generation > 1) {
		uint64_t tsc = s->s_ready_tsc - s->s_died_tsc;

		snprintf(what, sizeof(what), "up again, %lu TSC (%lu us) after %s", tsc,
		         tsc_to_ns(tsc, tsc_rate_per_ms(&tsc_rate)) / 1000,
		         s->s_requested ? "the restart request" : "it died");
		srv_log_event(s, what);
	} else {
		srv_log_event(s, "up");
	}
	s->s_state = SUP_UP;
	return E_OK;
}

static bool srv_may_use(const struct srv *s, const char *service)
{
	for (unsigned u = 0; u < s->s_ms->ms_nuses; u++)
		if (strncmp(s->s_ms->ms_uses[u], service, SERVER_NAME_LEN) == 0)
			return true;
	return false;
}

long sup_lookup_srv(struct proto_ctx *ctx, const struct sup_name_req *q, struct sup_lookup_rep *r)
{
	uint64_t caller = ctx->pc_badge & BADGE_INDEX, copy, badge = SUP_CLIENT_BADGE(caller);
	const struct manifest_server *ms = srvs[caller].s_ms;
	char name[SERVER_NAME_LEN + 1] = { 0 };
	struct srv *s;

	(void)r;
	memcpy(name, q->name, SERVER_NAME_LEN);
	s = srv_find(name, true);
	if (!s || !srv_may_use(&srvs[caller], name))
		return PE_NO_SERVICE; /* only what its manifest block's uses lines name */
	/* Left down, or never started (a refused block, a missing binary):
	 * say so, rather than that it does not exist. */
	if (s->s_state == SUP_FAILED)
		return PE_FAILED;
	copy = slot_alloc();
	if (copy == CAP_NULL)
		return E_LIMIT;
	/* The PCI server gives a driver the device its block names, and
	 * nothing else: the claim travels in the badge, which only we set. */
	if (ms->ms_pci && strcmp(name, PCI_SERVICE) == 0)
		badge |= PCI_BADGE_WITH_CLAIM(PCI_CLAIM(ms->ms_pci_vendor, ms->ms_pci_device));
	if (sys_cap_copy(s->s_ep, BOOT_SLOT_TASK, copy, R_WRITE | R_GRANT, badge, CAP_COPY_BADGE) != E_OK) {
		slot_free(copy);
		return PE_FAILED;
	}
	ctx->pc_reply_caps[0] = copy; /* moved to the caller, the slot freed */
	return 0;
}

#define FAILED_POLL_MS 100 /* how soon a call to a server left down is refused */

/* A call to a server left down would wait for ever on the endpoint we keep
 * for it (a later restart request may bring the server back, so the
 * endpoint stays): answer such calls PE_FAILED instead, looking every
 * FAILED_POLL_MS. Only after the message in hand was answered, since a
 * receive drops an unanswered call. A message that is not a call (an
 * interrupt for a driver left down) gets nothing: the reply just fails. */
static void refuse_calls_to_failed(void)
{
	struct msg m;

	for (unsigned i = 0; i < srv_count; i++)
		while (srvs[i].s_state == SUP_FAILED && srvs[i].s_mod &&
		       ipc_recv(srvs[i].s_ep, IPC_POLL, &m) == E_OK)
			answer(&m, PE_FAILED, 0);
}

/* How long the loop may wait for a message: until the next restart is
 * due, or the next look for calls to a server left down. */
static uint64_t next_timeout(void)
{
	uint64_t now = sys_clock_ms(), best = IPC_FOREVER;

	for (unsigned i = 0; i < srv_count; i++) {
		uint64_t t = IPC_FOREVER;

		if (srvs[i].s_state == SUP_RESTARTING)
			t = srvs[i].s_restart_at > now ? srvs[i].s_restart_at - now : 1;
		else if ((srvs[i].s_state == SUP_UP || srvs[i].s_state == SUP_STARTING) &&
		         srvs[i].s_ms->ms_heartbeat_ms)
			t = HEARTBEAT_TICK_MS; /* to see an overdue heartbeat, or start */
		else if (srvs[i].s_state == SUP_UP && srvs[i].s_ms->ms_spin_ms)
			t = SPIN_SAMPLE_MS; /* to sample the ticks it ran */
		else if (srvs[i].s_state == SUP_FAILED && srvs[i].s_mod)
			t = FAILED_POLL_MS;
		if (srvs[i].s_inject_number && t > HEARTBEAT_TICK_MS)
			t = HEARTBEAT_TICK_MS; /* to log an injection with no visible effect */
		if (t < best)
			best = t;
	}
	return best;
}

static void restart_due(void)
{
	uint64_t now = sys_clock_ms();
	long e;

	for (unsigned i = 0; i < srv_count; i++)
		if (srvs[i].s_state == SUP_RESTARTING && srvs[i].s_restart_at <= now) {
			srvs[i].s_requested = false;
			if ((e = srv_start(&srvs[i])) != E_OK)
				srv_start_failed(&srvs[i], e);
		}
}

/* The manifest's errors, each with its line; a refused block's server is
 * kept (FAILED, no endpoint) so ps lists it and lookups of its services
 * say it failed. */
static void log_manifest_errors(void)
{
	unsigned kept = manifest.m_nerrors < MANIFEST_MAX_ERRORS ? manifest.m_nerrors : MANIFEST_MAX_ERRORS;

	for (unsigned i = 0; i < kept; i++)
		srv_log("supervisor: manifest line %u: %s", manifest.m_errors[i].me_line,
		        manifest.m_errors[i].me_text);
	if (manifest.m_nerrors > kept)
		srv_log("supervisor: manifest: %u more errors", manifest.m_nerrors - kept);
}

/* Our endpoint for the service, the vault it keeps across restarts, and
 * the first instance. */
static long first_start(struct srv *s)
{
	long e;

	s->s_mod = find_module(s->s_ms->ms_binary);
	if (!s->s_mod)
		return E_NOT_FOUND;
	s->s_ep = slot_alloc();
	snprintf(start_step, sizeof(start_step), "its endpoint");
	if ((e = sys_endpoint_create(BOOT_SLOT_POOL, s->s_ep)))
		return e;
	if (s->s_ms->ms_vault_pages) {
		s->s_vault = slot_alloc();
		snprintf(start_step, sizeof(start_step), "its vault of %u pages", s->s_ms->ms_vault_pages);
		if ((e = sys_mem_alloc(BOOT_SLOT_POOL, s->s_vault, s->s_ms->ms_vault_pages, 0))) {
			slot_free(s->s_vault);
			s->s_vault = CAP_NULL;
			return e;
		}
	}
	return srv_start(s);
}

static long setup(void)
{
	const struct boot_module_info *mf = find_module("manifest.txt");
	unsigned order[MANIFEST_MAX_SERVERS], n, started = 0;
	long e;

	if (!mf)
		return srv_log("supervisor: no manifest.txt module"), PE_BAD_REQUEST;
	manifest_parse((const char *)mf->bm_vaddr, mf->bm_size, &manifest, NULL, 0);
	n = manifest_order(&manifest, order);
	log_manifest_errors();
	sep = slot_alloc();
	if ((e = sys_endpoint_create(BOOT_SLOT_POOL, sep)))
		return e;
	srv_count = manifest.m_count;
	for (unsigned i = 0; i < srv_count; i++) {
		srvs[i].s_ms = &manifest.m_servers[i];
		srvs[i].s_state = SUP_FAILED;
		srvs[i].s_vault = CAP_NULL;
		srvs[i].s_pool = CAP_NULL;
		chaos_in_manifest |= manifest.m_servers[i].ms_chaos && !manifest.m_servers[i].ms_refused;
		if (manifest.m_servers[i].ms_refused)
			srv_log_event(&srvs[i], "not started: its manifest block has errors (above)");
	}
	for (unsigned k = 0; k < n; k++) {
		struct srv *s = &srvs[order[k]];

		if ((e = first_start(s)) != E_OK)
			srv_start_failed(s, e);
		else
			started++;
	}
	if (started == srv_count)
		srv_log("supervisor: %u servers started", started);
	else
		srv_log("supervisor: %u servers started, %u could not start (see above)", started,
		        srv_count - started);
	return E_OK;
}

static const struct proto_op ops[] = PROTO_TABLE(SUP_OPS);

int main(void)
{
	struct msg m;
	long e;

	/* The C library's start-up set up the slots and address space from it. */
	tsc_rate_start(&tsc_rate);
	bi = (const struct boot_info *)BOOT_INFO_VADDR;
	if (bi->bi_magic != BOOT_INFO_MAGIC) {
		fprintf(stderr, "supervisor: must be the first task\n");
		return 1;
	}
	if ((e = setup()) || (e = heartbeat_start()))
		return (int)e;
	for (;;) {
		uint64_t i;

		e = ipc_recv(sep, next_timeout(), &m);
		if (e == E_TIMEOUT) {
			heartbeat_check();
			restart_due();
			refuse_calls_to_failed();
			srv_log_injections_quiet(sys_clock_ms());
			continue;
		}
		i = m.badge & BADGE_INDEX;
		if (e != E_OK || i >= srv_count)
			continue;
		if ((m.badge & BADGE_FAULT) && msg_label(&m) == KMSG_FAULT)
			died(&srvs[i], &m);
		else if (!(m.badge & BADGE_SERVER))
			answer(&m, PE_BAD_OP, 0);
		else if (proto_dispatch(ops, sizeof(ops) / sizeof(ops[0]), NULL, &m))
			proto_reply(&m);
		heartbeat_check();
		restart_due();
		refuse_calls_to_failed();
		srv_log_injections_quiet(sys_clock_ms());
	}
}

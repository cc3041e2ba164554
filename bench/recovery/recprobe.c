/* The recovery part of make bench (scripts/bench-recovery.sh): booted
 * with what make run boots, crashes each server of the manifest in turn
 * (the shell's crash: its thread jumps to address 0) and, right after,
 * calls it as a client would until the new instance answers. Prints one
 * line a server and ends QEMU:
 *
 *   recovery NAME fault_to_ready=R fault_to_answer=A generation=G
 *
 * R and A are time-stamp counts (guest instructions under -icount) from
 * the death of generation G - 1, as the supervisor saw it (its died_tsc,
 * from sup_list), until the new instance said ready (ready_tsc) and until
 * this client had the new instance's first answer. A is "-" for a server
 * that answers no request (the shell). The call is the cheapest one each
 * server answers (the table below); httpd's is a HEAD over 127.0.0.1. This
 * client runs below every server's priority, as a client would. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/in.h>

#include <kestrel/error.h>
#include <kestrel/proto/blk.h>
#include <kestrel/proto/chaos.h>
#include <kestrel/proto/console.h>
#include <kestrel/proto/fs.h>
#include <kestrel/proto/hello.h>
#include <kestrel/proto/kv.h>
#include <kestrel/proto/net.h>
#include <kestrel/proto/nic.h>
#include <kestrel/proto/pci.h>
#include <kestrel/proto/supervisor.h>
#include <kestrel/proto/time.h>
#include <kestrel/qemu_exit.h>

#include "io.h"
#include "server.h"
#include "sleep.h"
#include "syscalls.h"

PROTO_CLIENT(BLK_OPS)
PROTO_CLIENT(CHAOS_OPS)
PROTO_CLIENT(CONSOLE_OPS)
PROTO_CLIENT(FS_OPS)
PROTO_CLIENT(HELLO_OPS)
PROTO_CLIENT(KV_OPS)
PROTO_CLIENT(NET_OPS)
PROTO_CLIENT(NIC_OPS)
PROTO_CLIENT(PCI_OPS)
PROTO_CLIENT(SUP_OPS)
PROTO_CLIENT(TIME_OPS)

#define CALLS   1000  /* calls a server may take to answer from its new instance */
#define WAIT_MS 30000 /* longest wait for a server to be ready */
#define SERVERS 64    /* a manifest's most (docs/servers.md) */

/* One call each server answers, made through c: returns the call's
 * result (an error the server answered counts: it answered). */
static long ask_console(struct proto_client *c)
{
	struct console_ready_req q = { 0 };
	struct console_ready_rep r;

	return console_ready(c, &q, &r);
}

static long ask_hello(struct proto_client *c)
{
	struct hello_none q = { 0 };
	struct hello_count_rep r;

	return hello_count(c, &q, &r);
}

static long ask_time(struct proto_client *c)
{
	struct time_none q = { 0 };
	struct time_now_rep r;

	return time_now(c, &q, &r);
}

static long ask_kv(struct proto_client *c)
{
	struct kv_get_req q = { "recprobe" };
	struct kv_value_rep r;

	return kv_get(c, &q, &r); /* E_NOT_FOUND is an answer */
}

static long ask_pci(struct proto_client *c)
{
	struct pci_index_req q = { 0 };
	struct pci_info_rep r;

	return pci_list(c, &q, &r);
}

static long ask_blk(struct proto_client *c)
{
	struct blk_none q = { 0 };
	struct blk_info_rep r;

	return blk_info(c, &q, &r);
}

static long ask_nic(struct proto_client *c)
{
	struct nic_none q = { 0 };
	struct nic_info_rep r;

	return nic_info(c, &q, &r);
}

static long ask_chaos(struct proto_client *c)
{
	struct chaos_stats_req q = { CHAOS_STATS_TOTALS };
	struct chaos_stats_rep r;

	return chaos_stats(c, &q, &r);
}

static long ask_fs(struct proto_client *c)
{
	struct fs_none q = { 0 };
	struct fs_statfs_rep r;

	return fs_statfs(c, &q, &r);
}

static long ask_net(struct proto_client *c)
{
	struct net_index_req q = { 0 };
	struct net_ifinfo_rep r;

	return net_ifinfo(c, &q, &r);
}

/* httpd: HEAD / over 127.0.0.1, answered when a byte of the response
 * comes; E_BAD_STATE while nobody listens or the connection is cut. */
static long ask_httpd(struct proto_client *c)
{
	static const char req[] = "HEAD / HTTP/1.0\r\n\r\n";
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(80) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char byte;
	long e = E_BAD_STATE;

	(void)c;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return E_BAD_STATE;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    send(fd, req, sizeof(req) - 1, 0) == (ssize_t)sizeof(req) - 1 && recv(fd, &byte, 1, 0) == 1)
		e = E_OK;
	close(fd);
	return e;
}

/* The servers of servers/manifest.txt, by name: the service this client
 * looks up (NULL: none, it asks over a socket) and the call. A server not
 * here (the shell) is timed to its ready alone. */
static const struct probe {
	const char *p_server;
	const char *p_service;
	long (*p_ask)(struct proto_client *c);
} probes[] = {
	{ "console", "console", ask_console },
	{ "hello", "hello", ask_hello },
	{ "rtc", "time", ask_time },
	{ "kv", "kv", ask_kv },
	{ "pci", "pci", ask_pci },
	{ "virtio_blk", "blk", ask_blk },
	{ "virtio_net", "nic", ask_nic },
	{ "fs", "fs", ask_fs },
	{ "net", "net", ask_net },
	{ "httpd", NULL, ask_httpd },
	{ "chaos", "chaos", ask_chaos },
};

static struct proto_client sup;
static uint64_t pool;

static const struct probe *probe_of(const char *server)
{
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (strcmp(probes[i].p_server, server) == 0)
			return &probes[i];
	return NULL;
}

/* Waits until server index has a ready instance of generation gen: its
 * list entry then, or an error. */
static long wait_ready(uint64_t index, uint64_t gen, struct sup_list_rep *r)
{
	struct sup_index_req q = { index };
	uint64_t until = sys_clock_ms() + WAIT_MS;
	long e;

	while ((e = sup_list(&sup, &q, r)) == E_OK && (r->generation < gen || r->state != SUP_UP))
		if (sys_clock_ms() > until || (e = sleep_ms(pool, 1)) != E_OK)
			return e ? e : E_TIMEOUT;
	return e;
}

/* Crashes the server at index and times its recovery; prints its line.
 * Returns E_OK or what failed. */
static long measure(uint64_t index, const char *name)
{
	const struct probe *p = probe_of(name);
	struct proto_client c = { 0 };
	struct sup_name_req q = { { 0 } };
	struct sup_generation_rep g;
	struct sup_list_rep r;
	uint64_t answered = 0;
	long e = E_OK;

	if (p && p->p_service && (e = service_lookup(p->p_service, &c)) != E_OK)
		return e;
	/* A first answer, so the client knows the old generation. */
	if (p && (e = p->p_ask(&c)) < 0 && e != E_NOT_FOUND)
		return e;
	memcpy(q.name, name, strnlen(name, sizeof(q.name))); /* NUL-padded, not terminated */
	if ((e = sup_crash(&sup, &q, &g)) != E_OK)
		return e;
	/* Right after the crash: call until the new instance answers (an
	 * old instance's other thread may still answer first). */
	for (unsigned i = 0; p && !answered && i < CALLS; i++) {
		e = p->p_ask(&c);
		if ((e >= 0 || e == E_NOT_FOUND) && (!p->p_service || c.pc_generation > g.generation))
			answered = sys_clock_tsc();
		else if (!p->p_service)
			sleep_ms(pool, 1); /* nobody listens yet */
	}
	if (p && !answered)
		return e < 0 ? e : E_TIMEOUT;
	if ((e = wait_ready(index, g.generation + 1, &r)) != E_OK)
		return e;
	if (r.generation != g.generation + 1 || !r.died_tsc || r.ready_tsc < r.died_tsc ||
	    (answered && answered < r.ready_tsc))
		return E_BAD_STATE; /* a restart more than ours, or times out of order */
	if (answered)
		printf("recovery %s fault_to_ready=%lu fault_to_answer=%lu generation=%lu\n", name,
		       r.ready_tsc - r.died_tsc, answered - r.died_tsc, r.generation);
	else
		printf("recovery %s fault_to_ready=%lu fault_to_answer=- generation=%lu\n", name,
		       r.ready_tsc - r.died_tsc, r.generation);
	return E_OK;
}

int main(void)
{
	const struct server_info *si = server_self();
	struct sup_index_req q;
	struct sup_list_rep r;
	char names[SERVERS][SERVER_NAME_LEN + 1];
	uint64_t n = 0;
	long e = E_OK;

	pool = si->si_pool;
	sup = (struct proto_client){ .pc_ep = si->si_sup, .pc_retries = 1 };
	/* Every server up first (the network server has its address). */
	for (q.index = 0; e == E_OK && sup_list(&sup, &q, &r) == E_OK && n < SERVERS; q.index++) {
		memcpy(names[n], r.name, SERVER_NAME_LEN);
		names[n][SERVER_NAME_LEN] = '\0';
		if (strcmp(names[n], si->si_name) != 0)
			e = wait_ready(q.index, 1, &r);
		n++;
	}
	for (uint64_t i = 0; e == E_OK && i < n; i++)
		if (strcmp(names[i], si->si_name) != 0 && (e = measure(i, names[i])) != E_OK)
			printf("recovery: %s: %s\n", names[i], proto_error_text(e));
	printf("recovery: %s\n", e == E_OK ? "done" : "failed");
	fflush(stdout);
	outl(QEMU_EXIT_PORT, e == E_OK ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
	return 0;
}

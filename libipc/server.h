/* What every server shares: start-up from the supervisor's server_info,
 * the ready handshake and the receive-dispatch-reply loop (which also
 * answers heartbeats). The C library's start-up (libc-glue/start.c)
 * attaches a program the supervisor started before main runs, so a
 * server's main is one call:
 *
 *   return server_run(ops, nops, state);
 *
 * or, for a driver that also takes interrupts and signals, or a server
 * that needs several threads:
 *
 *   static const struct server_notify irqs[] = { { UART_BADGE, uart_irq } };
 *   struct server_def d = { ops, nops, &state, irqs, 1, 0 };
 *   return server_loop(&d);
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <kestrel/proto/supervisor.h>

#include "proto.h"

/* The server_info of this task, or NULL if the supervisor did not start
 * it. */
const struct server_info *server_self(void);

/* A handler for notifications (interrupts bound to the server's endpoint,
 * signals from peers) whose badge has bits in sn_bits: called with the
 * notification word's bits among them. Badges of notifications must use
 * bits no client badge has (the supervisor's client badges are small
 * numbers: use bits 32 and up). */
struct server_notify {
	uint64_t sn_bits;
	void (*sn_fn)(void *state, uint64_t bits);
};

/* A server: its protocol, its state, its notification handlers, and how
 * many threads serve besides the first. With workers, every thread
 * receives on the endpoint, so a handler that waits for a slower server
 * (the filesystem on the disk) keeps only its own thread: the others
 * answer other clients and the supervisor's heartbeats. Handlers then
 * share the state between threads and must lock what they change. */
struct server_def {
	const struct proto_op *sd_ops;
	size_t sd_nops;
	void *sd_state;
	const struct server_notify *sd_notify;
	size_t sd_nnotify;
	unsigned sd_workers;
};

/* Tells the supervisor the server is ready, starts the workers, then
 * serves on the server's endpoint. Returns only on failure, with the
 * error. */
long server_loop(const struct server_def *d);

/* server_loop for a server with timers of its own (the network server's
 * TCP retransmissions): its first thread calls timer(d->sd_state) before
 * each receive, to do the work due (timers, deferred calls that can be
 * answered now), and the receive waits at most the milliseconds it
 * returns (IPC_FOREVER: no limit; 0: none, only a message already
 * waiting is taken) before timer is called again. That
 * thread answers with a reply and then a receive, not reply_recv. */
long server_loop_timed(const struct server_def *d, uint64_t (*timer)(void *state));

/* server_loop with just a protocol: one thread, no notifications. */
long server_run(const struct proto_op *ops, size_t nops, void *state);

/* Sets up libipc from the server_info at arg (the start argument the
 * supervisor passes): slots, address space, server_self. The C library's
 * start-up calls it. */
long server_attach(uint64_t arg);

/* Tells the supervisor this program is ready: until then it shows as
 * starting. server_run calls it; a program that uses server_attach calls
 * it itself once it can do its work. */
long server_ready(void);

/* The index-th entry (0 for the first) of kind (enum server_res_kind) in
 * the server_info table: for a driver with two ports lines,
 * server_resource(SERVER_RES_PORTS, 1) is the second. NULL if there is
 * none, or the supervisor did not start us. */
const struct server_res *server_resource(uint64_t kind, unsigned index);

/* The vault the manifest's vault line gives (pages kept across restarts,
 * see libipc/vault.h): its address and *bytes, or NULL if it has none. */
void *server_vault(size_t *bytes);

/* Gets the endpoint of the service called name from the supervisor into a
 * fresh slot. Returns E_OK or an error: PE_NO_SERVICE (no such service,
 * or not in our uses lines), PE_FAILED (its server failed to start or was
 * left down). */
long service_lookup(const char *name, struct proto_client *c);

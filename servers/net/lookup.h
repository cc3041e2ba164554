/* Calls answered by the network rather than by a socket: a name resolved
 * by lwIP's DNS resolver, an ICMP echo sent and its reply awaited. Each
 * takes one of LOOKUP_MAX slots while it waits; lwIP's callbacks fill in
 * the slot, and net_srv.c answers the waiting call from it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/proto/net.h>

#define LOOKUP_MAX 16

/* Sets up the ICMP pcb for the echo replies. */
void lookup_init(void);

/* Starts resolving name: 0 with *addr when lwIP knows it already (a
 * number, or cached), SOCK_WOULD_BLOCK with the slot that waits for it,
 * or an error. */
long lookup_resolve(const char *name, uint32_t *addr, unsigned *slot);

/* Sends an echo request: SOCK_WOULD_BLOCK with the slot that waits for
 * its reply, or an error. */
long lookup_ping(const struct net_ping_req *q, unsigned *slot);

/* Whether slot's answer came (the waiter should look). */
bool lookup_done(unsigned slot);

/* Whether slot is in use. */
bool lookup_busy(unsigned slot);

/* Slot's answer into rep (a net_resolve_rep or net_ping_rep): 0, an
 * error, or SOCK_WOULD_BLOCK while it has not come and expired is false.
 * Anything but SOCK_WOULD_BLOCK frees the slot. */
long lookup_answer(unsigned slot, void *rep, bool expired);

/* Frees the slot of a call that will never be answered (its caller is
 * gone): whatever lwIP later reports for it is ignored. */
void lookup_cancel(unsigned slot);

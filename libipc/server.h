/* What every server shares: start-up from the supervisor's server_info,
 * the ready handshake and the receive-dispatch-reply loop (proto_serve,
 * which also answers heartbeats). A server's main is one call:
 *
 *   return server_run(arg, ops, nops, state);
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <kestrel/proto/supervisor.h>

#include "proto.h"

/* The server_info of this task (valid after server_run started). */
const struct server_info *server_self(void);

/* Sets up libipc from the server_info at arg, tells the supervisor the
 * server is ready, then serves ops on the server's endpoint. Returns only
 * on failure, with the error. */
long server_run(uint64_t arg, const struct proto_op *ops, size_t nops, void *state);

/* Sets up libipc from the server_info at arg, without serving: for
 * programs the supervisor starts that are clients only. */
long server_attach(uint64_t arg);

/* Gets the endpoint of the service called name from the supervisor into a
 * fresh slot. Returns E_OK or an error (PE_NO_SERVICE). */
long service_lookup(const char *name, struct proto_client *c);

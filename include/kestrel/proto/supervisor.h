/* The supervisor: what it gives each server at start, and the calls
 * servers and clients make to it.
 *
 * A server's first thread starts with rdi = SERVER_INFO_VADDR, where a
 * read-only page of struct server_info says which of its slots hold what.
 * The server answers requests on si_ep; when it is ready it calls the
 * supervisor (si_sup) with SUP_READY. Clients get a service's endpoint with
 * SUP_LOOKUP: the answer carries one capability, badged for that client. */
#pragma once

#include <stdint.h>

#include <kestrel/proto.h>

#define SERVER_INFO_VADDR 0x00007FFFFFF00000ULL /* where BOOT_INFO_VADDR is for the first task */
#define SERVER_INFO_MAGIC 0x5345525645523031ULL /* "SERVER01" */
#define SERVER_NAME_LEN   24

struct server_info {
	uint64_t si_magic;
	char si_name[SERVER_NAME_LEN];
	uint64_t si_generation;      /* 1 for the first start, +1 for each restart */
	uint64_t si_ep;              /* slot: the endpoint it serves (receive right) */
	uint64_t si_sup;             /* slot: the supervisor's endpoint */
	uint64_t si_self;            /* slot: its own task */
	uint64_t si_pool;            /* slot: memory it may allocate */
	uint64_t si_irq;             /* slot: its interrupt line, or 0 */
	uint64_t si_ioport;          /* slot: its I/O ports, or 0 */
	uint64_t si_first_free_slot; /* slots from here on are empty */
};

#define SUP_BASE (PROTO_FIRST + 0 * PROTO_RANGE)

struct sup_ready_req {
	uint64_t unused;
};
struct sup_ready_rep {
	uint64_t unused;
};

struct sup_name_req {
	char name[SERVER_NAME_LEN];
};
struct sup_crash_rep {
	uint64_t generation; /* of the instance that was told to crash */
};

#define SUP_OPS(X)                                                                                \
	X(sup, ready, SUP_BASE + 1, PROTO_IDEMPOTENT, struct sup_ready_req, struct sup_ready_rep) \
	X(sup, crash, SUP_BASE + 3, 0, struct sup_name_req, struct sup_crash_rep)

/* SUP_LOOKUP: request words = the service name (NUL-padded, up to
 * SERVER_NAME_LEN bytes); the answer carries the endpoint capability. Not
 * in SUP_OPS: protocol answers carry no capabilities. */
#define SUP_LOOKUP (SUP_BASE + 2)

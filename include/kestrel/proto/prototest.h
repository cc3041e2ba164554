/* A protocol for testing the protocol layer itself: leases both ways,
 * capabilities both ways, and calls that wait for each other. Served by
 * tests/sup/suptest.c as "leasy" in the supervisor test, and by the host
 * test of libipc/proto.c (tests/host/test_proto.c).
 *
 * fill: writes byte into every byte of the lease, answers how many.
 * sum: answers the sum of the lease's bytes (read-only lease).
 * gather: waits until count calls of the same group wait, then answers
 *   each with its place in arrival order (0 for the first): a client can
 *   only finish it with several calls outstanding.
 * give: answers with a capability: a doorbell, the server's own endpoint
 *   badged PT_DOORBELL, which the client may signal.
 * rings: answers how many notifications the server's loop handed to its
 *   doorbell handler, and the bits of the last.
 * nap: the handler waits ms milliseconds before it answers (the server
 *   has a second thread, so it still answers the supervisor's heartbeats).
 * take: answers the type (cap_identify) of the capability it was sent.
 * peek: reads the first byte of the last lease it was lent, after that
 *   call returned: the lease is gone, so the server faults (and restarts). */
#pragma once

#include <stdint.h>

#include <kestrel/protocols.h>

struct pt_none {
	uint64_t unused;
};
struct pt_fill_req {
	uint64_t byte;
};
struct pt_value_rep {
	uint64_t value;
};
struct pt_rings_rep {
	uint64_t rings;
	uint64_t bits;
};
struct pt_nap_req {
	uint64_t ms;
};
#define PT_DOORBELL (1ULL << 40)

struct pt_gather_req {
	uint64_t group;
	uint64_t count;
};

#define PROTOTEST_OPS(X)                                                                            \
	X(pt, fill, PROTOTEST_BASE + 1, PROTO_LEASE_WRITE, struct pt_fill_req, struct pt_value_rep) \
	X(pt, sum, PROTOTEST_BASE + 2, PROTO_LEASE_READ | PROTO_IDEMPOTENT, struct pt_none,         \
	  struct pt_value_rep)                                                                      \
	X(pt, gather, PROTOTEST_BASE + 3, 0, struct pt_gather_req, struct pt_value_rep)             \
	X(pt, give, PROTOTEST_BASE + 4, PROTO_CAPS_OUT(1), struct pt_none, struct pt_none)          \
	X(pt, take, PROTOTEST_BASE + 5, PROTO_CAPS_IN(1), struct pt_none, struct pt_value_rep)      \
	X(pt, peek, PROTOTEST_BASE + 6, 0, struct pt_none, struct pt_value_rep)                     \
	X(pt, rings, PROTOTEST_BASE + 7, PROTO_IDEMPOTENT, struct pt_none, struct pt_rings_rep)     \
	X(pt, nap, PROTOTEST_BASE + 8, PROTO_IDEMPOTENT, struct pt_nap_req, struct pt_none)

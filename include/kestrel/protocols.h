/* Every protocol of the system and its base, in one list: a new server's
 * protocol takes the next free number here and nowhere else. Each owns the
 * PROTO_RANGE opcodes from PROTO_FIRST + number * PROTO_RANGE; its header
 * (include/kestrel/proto/NAME.h) declares the operations from NAME_BASE.
 *
 * X(NAME, number, what) */
#pragma once

#include <kestrel/proto.h>

#define KESTREL_PROTOCOLS(X)                                               \
	X(SUP, 0, "the supervisor: ready, lookup and the control calls")   \
	X(HELLO, 1, "the example server: echo and a counter")              \
	X(CONSOLE, 2, "the serial terminal: write and read lines")         \
	X(KV, 3, "the documented example server: a key-value store")       \
	X(PCI, 4, "the PCI bus server: the functions found, claims, BARs") \
	X(BLK, 5, "block devices: read, write, flush, geometry")           \
	X(FS, 6, "the filesystem")                                         \
	X(TIME, 7, "the wall clock: the time of day")                      \
	X(NET, 8, "the network: TCP and UDP sockets")                      \
	X(NIC, 9, "network cards: Ethernet frames through shared rings")   \
	X(CHAOS, 10, "the chaos service: fault injection into servers")    \
	X(PROTOTEST, 15, "tests/sup's server: leases, capabilities, calls outstanding")

enum protocol_base {
#define PROTOCOL_BASE(name, number, what) name##_BASE = PROTO_FIRST + (number)*PROTO_RANGE,
	KESTREL_PROTOCOLS(PROTOCOL_BASE)
#undef PROTOCOL_BASE
};

/* How server protocols are declared: once, as a list, from which libipc
 * (libipc/proto.h) expands the typed client stubs and the server's
 * dispatch table.
 *
 *   #define HELLO_OPS(X)                                                   \
 *           X(hello, echo, HELLO_BASE + 1, PROTO_IDEMPOTENT,                 \
 *             struct hello_echo_req, struct hello_echo_rep)
 *
 * gives the client stubs hello_echo(client, &req, &rep) and
 * hello_echo_x(client, &req, &rep, &xfer) and the server handler the
 * server must write, hello_echo_srv(ctx, &req, &rep). Requests and replies
 * are structs of 64-bit words, at most PROTO_MAX_WORDS of them. The flags
 * say what else the call carries: capabilities each way and a lease (a
 * buffer of the client's that the server may read or write during the
 * call). Each protocol's base comes from the one list of protocols,
 * include/kestrel/protocols.h.
 *
 * On the wire a request is a message whose label is the opcode: the
 * request's words, then for a leased call the lease's offset in its first
 * page and its length; its capabilities are the PROTO_CAPS_IN ones, then
 * for a leased call of nonzero length the share (kernel share_create) of
 * the pages under the buffer. The answer's label is the handler's result
 * (0 or a negative error): the reply's words (none for an error), then the
 * server's generation (1 for its first start, +1 for each restart; 0 for a
 * server the supervisor did not start); its capabilities are the
 * PROTO_CAPS_OUT ones. Each protocol owns the 4096 opcodes from its base;
 * labels below PROTO_FIRST are for the system itself, and kernel messages
 * (KMSG_*) are above all of them. */
#pragma once

#include <kestrel/ipc.h>

#define PROTO_FIRST     0x1000 /* the first protocol base */
#define PROTO_RANGE     0x1000 /* opcodes per protocol */
/* Words of a request or reply: room is left for a lease's two words and
 * the generation. */
#define PROTO_MAX_WORDS (MSG_MAX_WORDS - 3)
#define PROTO_MAX_CAPS  3 /* each way; a lease travels as one more */

/* Opcodes every server answers, handled inside libipc's server loop. */
#define PROTO_HEARTBEAT 0x0F01 /* supervisor's liveness check: answer at once */

/* Operation flags. */
#define PROTO_IDEMPOTENT   (1u << 0) /* safe to repeat: the client stub retries it after a restart */
#define PROTO_LEASE_READ   (1u << 1) /* the client lends a buffer the server reads */
#define PROTO_LEASE_WRITE  (1u << 2) /* the client lends a buffer the server writes (and may read) */
#define PROTO_CAPS_IN(n)   ((unsigned)(n) << 4) /* the request carries n capabilities (0-3) */
#define PROTO_CAPS_OUT(n)  ((unsigned)(n) << 6) /* the reply carries n capabilities (0-3) */
#define PROTO_NCAPS_IN(f)  (((f) >> 4) & 3)
#define PROTO_NCAPS_OUT(f) (((f) >> 6) & 3)
#define PROTO_LEASED(f)    ((f) & (PROTO_LEASE_READ | PROTO_LEASE_WRITE))

/* Protocol-level errors (kernel errors are -1 to -16, include/kestrel/error.h). */
#define PROTO_ERRORS(X)                                                                        \
	X(PE_BAD_OP, -100, "the server does not know this opcode")                             \
	X(PE_BAD_SIZE, -101, "the request or reply is not the size the protocol declares")     \
	X(PE_RESTARTED, -102, "the server restarted during a call that is not safe to repeat") \
	X(PE_NO_SERVICE, -103, "no such service, or not allowed to use it")                    \
	X(PE_BAD_REQUEST, -104, "the server refused the request's contents")                   \
	X(PE_FAILED, -105, "the server failed to start or was left down")                      \
	X(PE_BUSY, -106, "the server has too many calls waiting already")                      \
	X(PE_IO, -107, "the device reported an error")                                         \
	X(PE_DETACHED, -108, "the server holds no shared buffer of this client now: attach it again")

enum proto_error {
#define PROTO_ERROR_ENUM(name, value, text) name = value,
	PROTO_ERRORS(PROTO_ERROR_ENUM)
#undef PROTO_ERROR_ENUM
};

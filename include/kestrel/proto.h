/* How server protocols are declared: once, as a list, from which libipc
 * (libipc/proto.h) expands the opcodes, the typed client stubs and the
 * server's dispatch table.
 *
 *   #define HELLO_OPS(X)                                                   \
 *           X(hello, echo, HELLO_BASE + 1, PROTO_IDEMPOTENT,                 \
 *             struct hello_echo_req, struct hello_echo_rep)
 *
 * gives the opcode HELLO_ECHO... (as hello_echo_op), the client stub
 * hello_echo(client, &req, &rep) and the server handler the server must
 * write, hello_echo_srv(ctx, &req, &rep). Requests and replies are structs
 * of 64-bit words, at most PROTO_MAX_WORDS of them.
 *
 * A request travels as a message whose label is the opcode; the answer's
 * label is the handler's result (0 or a negative error). Each protocol
 * owns the 4096 opcodes from its base; labels below PROTO_FIRST are for
 * the system itself, and kernel messages (KMSG_*) are above all of them. */
#pragma once

#include <kestrel/ipc.h>

#define PROTO_FIRST     0x1000 /* the first protocol base */
#define PROTO_RANGE     0x1000 /* opcodes per protocol */
#define PROTO_MAX_WORDS (MSG_MAX_WORDS - 1)

/* Opcodes every server answers, handled inside libipc's server loop. */
#define PROTO_HEARTBEAT 0x0F01 /* supervisor's liveness check: answer at once */

/* Operation flags. */
#define PROTO_IDEMPOTENT 1 /* safe to repeat: the client stub retries it after a restart */

/* Protocol-level errors (kernel errors are -1 to -16, include/kestrel/error.h). */
#define PROTO_ERRORS(X)                                                                        \
	X(PE_BAD_OP, -100, "the server does not know this opcode")                             \
	X(PE_BAD_SIZE, -101, "the request or reply is not the size the protocol declares")     \
	X(PE_RESTARTED, -102, "the server restarted during a call that is not safe to repeat") \
	X(PE_NO_SERVICE, -103, "no such service, or not allowed to use it")                    \
	X(PE_FAILED, -105, "the server failed to start or was left down")                      \
	X(PE_BAD_REQUEST, -104, "the server refused the request's contents")

enum proto_error {
#define PROTO_ERROR_ENUM(name, value, text) name = value,
	PROTO_ERRORS(PROTO_ERROR_ENUM)
#undef PROTO_ERROR_ENUM
};

/* The hello service: the example server (servers/hello/). A counter and an
 * echo, to show what a protocol and a server need. */
#pragma once

#include <stdint.h>

#include <kestrel/protocols.h>

struct hello_echo_req {
	uint64_t value;
};
struct hello_echo_rep {
	uint64_t value;
	uint64_t generation; /* how many times the server has been started */
};
struct hello_add_req {
	uint64_t amount;
};
struct hello_count_rep {
	uint64_t count;
};
struct hello_none {
	uint64_t unused;
};

#define HELLO_OPS(X)                                                                                   \
	X(hello, echo, HELLO_BASE + 1, PROTO_IDEMPOTENT, struct hello_echo_req, struct hello_echo_rep) \
	X(hello, add, HELLO_BASE + 2, 0, struct hello_add_req, struct hello_count_rep)                 \
	X(hello, count, HELLO_BASE + 3, PROTO_IDEMPOTENT, struct hello_none, struct hello_count_rep)

/* The error codes of every system call: one enum, negative values, 0 for
 * success. A request that is legal but cannot be done gets one of these; a
 * broken contract (unknown system call, bad pointer) faults the thread
 * instead (see fault.h). */
#pragma once

#define KESTREL_ERRORS(X)                                                                              \
	X(E_OK, 0, "success")                                                                          \
	X(E_BAD_CAP, -1, "the slot is out of range or empty, or its object was destroyed")             \
	X(E_WRONG_TYPE, -2, "the capability names the wrong kind of object")                           \
	X(E_NO_RIGHTS, -3, "the capability lacks a right the call needs")                              \
	X(E_BAD_ARG, -4, "an argument is out of range or misaligned")                                  \
	X(E_NO_MEMORY, -5, "the memory pool's quota or physical memory is exhausted")                  \
	X(E_SLOT_FULL, -6, "the destination slot already holds a capability")                          \
	X(E_WOULD_BLOCK, -7, "a non-blocking call found no partner waiting")                           \
	X(E_TIMEOUT, -8, "the receive timeout expired before a message arrived")                       \
	X(E_DEAD, -9, "the partner or object was destroyed while the caller waited")                   \
	X(E_NO_REPLY, -10, "the reply capability was deleted without an answer")                       \
	X(E_BAD_LENGTH, -11,                                                                           \
	  "a message has more than MSG_MAX_WORDS words or MSG_MAX_CAPS caps, or a buffer is too long") \
	X(E_EXISTS, -12, "something is already mapped or bound there")                                 \
	X(E_NOT_FOUND, -13, "nothing is mapped or bound there")                                        \
	X(E_LIMIT, -14, "the pool's quota of that kind of kernel object is used up")                   \
	X(E_BAD_STATE, -15, "the object is not in a state that allows the call")                       \
	X(E_FAULTED, -16, "the call faulted and the fault handler resumed the thread")

enum kerror {
#define KESTREL_ERROR_ENUM(name, value, text) name = value,
	KESTREL_ERRORS(KESTREL_ERROR_ENUM)
#undef KESTREL_ERROR_ENUM
};

#define E_MIN E_FAULTED

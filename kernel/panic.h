/* Broken kernel invariants (error class 3 in STYLE.md). Never for anything
 * user code can cause: that is an error code or a fault message. */
#pragma once

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#define kassert(cond)                                                                     \
	do {                                                                              \
		if (!(cond))                                                              \
			panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
	} while (0)

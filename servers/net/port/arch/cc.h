/* lwIP's compiler and platform header for the network server: picolibc's
 * types and errno, and lwIP's diagnostics and assertions to the server's
 * log (port/sys_arch.c). */
#pragma once

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

#define LWIP_ERRNO_STDINCLUDE 1 /* errno values: picolibc's <errno.h> */

/* BYTE_ORDER and LITTLE_ENDIAN come from picolibc's <sys/types.h>. */

/* picolibc has ssize_t but no SSIZE_MAX, from which lwIP would conclude
 * that it has no ssize_t and define its own. */
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif

void net_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void net_assert(const char *what, const char *file, int line) __attribute__((noreturn));

#define LWIP_PLATFORM_DIAG(x)   net_diag x
#define LWIP_PLATFORM_ASSERT(x) net_assert((x), __FILE__, __LINE__)

typedef int sys_prot_t;

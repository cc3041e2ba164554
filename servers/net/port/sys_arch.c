/* What lwIP asks of the platform with NO_SYS=1: the time (sys_now, from
 * the kernel clock), random numbers, initial sequence numbers, and where
 * its diagnostics and failed assertions go (the server's log). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lwip/ip4_addr.h"
#include "lwip/sys.h"

#include "syscalls.h"

u32_t sys_now(void)
{
	return (u32_t)sys_clock_ms(); /* lwIP compares times modulo 2^32 */
}

/* There is no entropy source: rdrand is not guaranteed under QEMU's TCG,
 * so picolibc's arc4random is seeded by getentropy from the time-stamp
 * counter (libc-glue/stubs.c). Good enough for ephemeral ports, DNS
 * transaction ids and DHCP's xid; a guess of the boot's timing narrows
 * it, so it is not a defence against an off-path attacker. */
uint32_t net_rand(void)
{
	return arc4random();
}

/* RFC 6528's initial sequence number: a clock ticking every 4 us (from
 * the kernel's milliseconds) plus a hash of the connection's addresses
 * and ports under a secret drawn once. The hash is a mixing function
 * (splitmix64's), not a keyed cryptographic one. */
uint32_t net_tcp_isn(const void *local_ip, uint16_t local_port, const void *remote_ip, uint16_t remote_port)
{
	static uint64_t secret;
	uint64_t x;

	if (!secret)
		secret = (uint64_t)arc4random() << 32 | arc4random() | 1;
	x = secret ^ ((uint64_t)ip4_addr_get_u32((const ip4_addr_t *)local_ip) << 32 |
	              ip4_addr_get_u32((const ip4_addr_t *)remote_ip));
	x += (uint64_t)local_port << 16 | remote_port;
	for (int i = 0; i < 2; i++) {
		x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
		x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
		x ^= x >> 31;
		x += secret;
	}
	return (uint32_t)(sys_clock_ms() * 250) + (uint32_t)x;
}

/* LWIP_PLATFORM_DIAG: lwIP's messages (LWIP_DEBUGF, LWIP_ERROR) go to
 * the server's output, a line at a time (lwIP ends its own lines). */
void net_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

/* LWIP_PLATFORM_ASSERT: an lwIP invariant is broken (a pcb freed twice is
 * one): say where, and end the server, which the supervisor restarts. */
void net_assert(const char *what, const char *file, int line)
{
	printf("net: lwIP assertion failed: %s (%s:%d)\n", what, file, line);
	fflush(NULL);
	abort();
}

/* Host stand-in for libipc/vspace.h: addresses from a reserved region of
 * the test process (shim.c), where the fake kernel maps leases. */
#pragma once

#include <stdint.h>

uint64_t vspace_alloc(uint64_t bytes, uint64_t align);

/* Our own task, for mem_map: the fake kernel has one address space. */
static inline uint64_t vspace_self(void)
{
	return 0;
}

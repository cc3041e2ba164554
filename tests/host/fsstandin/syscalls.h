/* Host stand-in for libipc/syscalls.h: the one call servers/fs/cache.c
 * makes, implemented by tests/host/test_fscache.c. */
#pragma once

#include <stdint.h>

#include <kestrel/syscall.h>

long sys_mem_alloc(uint64_t pool, uint64_t slot, uint64_t pages, uint64_t flags);
long sys_cap_delete(uint64_t slot);
long sys_mem_map(uint64_t task, uint64_t frame, uint64_t vaddr, uint64_t rights, uint64_t first,
                 uint64_t pages);

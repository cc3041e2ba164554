/* Host stand-in for libipc/vspace.h (tests/host/test_fscache.c). */
#pragma once

#include <stdint.h>

long vspace_map(uint64_t frame, uint64_t pages, uint64_t rights, int own_frame, uint64_t *va);
uint64_t vspace_alloc(uint64_t bytes, uint64_t align);
uint64_t vspace_self(void);

/* Host stand-in for libipc/slots.h (tests/host/test_fscache.c). */
#pragma once

#include <stdint.h>

uint64_t slot_alloc(void);
void slot_free(uint64_t slot);

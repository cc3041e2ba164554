/* Host stand-in for libipc/syscalls.h (see ipc.h here). */
#pragma once

#include <stdint.h>

long sys_reply_save(uint64_t slot);
uint64_t slot_alloc(void);
void slot_free(uint64_t slot);

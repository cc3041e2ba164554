/* Host stand-in for libipc/syscalls.h: the calls proto.c makes, answered
 * by a fake kernel in the same process (shim.c). */
#pragma once

#include <stdint.h>

struct cap_info {
	uint64_t ci_type; /* enum cap_type */
	uint64_t ci_rights;
	uint64_t ci_badge;
};

long sys_reply_save(uint64_t slot);
long sys_cap_delete(uint64_t slot);
long sys_cap_identify_out(uint64_t slot, struct cap_info *ci);
long sys_share_create(uint64_t pool, uint64_t dst, uint64_t vaddr, uint64_t pages, uint64_t rights);
long sys_obj_destroy(uint64_t slot);
long sys_mem_map(uint64_t task, uint64_t frame, uint64_t vaddr, uint64_t rights, uint64_t first,
                 uint64_t pages);
long sys_mem_unmap(uint64_t task, uint64_t vaddr, uint64_t pages);
long sys_yield(void);
uint64_t sys_clock_ms(void);
uint64_t slot_alloc(void);
void slot_free(uint64_t slot);

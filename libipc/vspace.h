/* The task's own virtual addresses for mappings it makes at run time:
 * handed out upwards from VSPACE_BASE and never reused, so a stale pointer
 * into a released mapping faults instead of reading someone else's data.
 * Every mapping made through vspace_map() is logged; vspace_release()
 * unmaps those made since a mark (the test harness uses this to clean up
 * after each test). */
#pragma once

#include <stdint.h>

#define PAGE_SIZE   4096ULL
#define VSPACE_BASE 0x0000100000000000ULL
#define VSPACE_END  0x0000600000000000ULL

/* Which capability names our own task (BOOT_SLOT_TASK in the first task). */
void vspace_init(uint64_t self_task);
uint64_t vspace_self(void);

/* Reserves bytes of address space aligned to align (a power of two, at
 * least a page); 0 when the range is used up. Nothing is mapped. */
uint64_t vspace_alloc(uint64_t bytes, uint64_t align);

/* Maps a frame of pages into our task at fresh addresses with rights and
 * logs it. If own_frame, releasing the mapping also deletes the frame
 * capability and frees its slot. Returns E_OK and the address in *va. */
long vspace_map(uint64_t frame, uint64_t pages, uint64_t rights, int own_frame, uint64_t *va);

/* Logs a mapping made some other way (at an address from vspace_alloc). */
long vspace_log(uint64_t va, uint64_t pages, uint64_t frame, int own_frame);

unsigned vspace_mark(void);
/* Unmaps, newest first, everything logged since mark. */
void vspace_release(unsigned mark);

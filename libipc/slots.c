/* The slot allocator: two bitmaps over the task's CAP_SLOTS slots. */
#include "slots.h"

#include <kestrel/cap.h>

#define WORDS (CAP_SLOTS / 64)

static uint64_t used[WORDS];
static uint64_t tracked[WORDS];

static void bit_set(uint64_t *map, uint64_t slot)
{
	__atomic_fetch_or(&map[slot / 64], 1ULL << (slot % 64), __ATOMIC_SEQ_CST);
}

static void bit_clear(uint64_t *map, uint64_t slot)
{
	__atomic_fetch_and(&map[slot / 64], ~(1ULL << (slot % 64)), __ATOMIC_SEQ_CST);
}

static bool bit_test(const uint64_t *map, uint64_t slot)
{
	return __atomic_load_n(&map[slot / 64], __ATOMIC_SEQ_CST) >> (slot % 64) & 1;
}

void slots_init(uint64_t first_free)
{
	for (uint64_t s = 0; s < CAP_SLOTS; s++) {
		bit_clear(tracked, s);
		if (s < first_free || s == CAP_NULL)
			bit_set(used, s);
		else
			bit_clear(used, s);
	}
}

/* Sets the bit only if it was clear, so two threads never get one slot. */
static bool try_take(uint64_t slot)
{
	uint64_t bit = 1ULL << (slot % 64);

	return !(__atomic_fetch_or(&used[slot / 64], bit, __ATOMIC_SEQ_CST) & bit);
}

uint64_t slot_alloc(void)
{
	for (uint64_t s = CAP_SLOTS - 1; s > CAP_NULL; s--) {
		if (!bit_test(used, s) && try_take(s)) {
			bit_set(tracked, s);
			return s;
		}
	}
	return CAP_NULL;
}

void slot_free(uint64_t slot)
{
	if (slot == CAP_NULL || slot >= CAP_SLOTS)
		return;
	bit_clear(tracked, slot);
	bit_clear(used, slot);
}

void slot_claim(uint64_t slot)
{
	if (slot == CAP_NULL || slot >= CAP_SLOTS)
		return;
	bit_set(used, slot);
	bit_set(tracked, slot);
}

bool slot_in_use(uint64_t slot)
{
	return slot < CAP_SLOTS && bit_test(used, slot);
}

void slots_track_reset(void)
{
	for (int i = 0; i < WORDS; i++)
		tracked[i] = 0;
}

uint64_t slots_tracked_next(uint64_t after)
{
	for (uint64_t s = after + 1; s < CAP_SLOTS; s++)
		if (bit_test(tracked, s))
			return s;
	return CAP_NULL;
}

/* Physical frame allocator (see frame.h for the representation). */
#include "frame.h"

#include "panic.h"

#define BITS 64

static bool bit_test(const struct frame_pool *fp, size_t f)
{
	return fp->fp_bitmap[f / BITS] >> (f % BITS) & 1;
}

static void bit_set(struct frame_pool *fp, size_t f)
{
	fp->fp_bitmap[f / BITS] |= 1ULL << (f % BITS);
}

static void bit_clear(struct frame_pool *fp, size_t f)
{
	fp->fp_bitmap[f / BITS] &= ~(1ULL << (f % BITS));
}

size_t frame_bitmap_bytes(size_t nframes)
{
	return (nframes + BITS - 1) / BITS * sizeof(uint64_t);
}

void frame_pool_init(struct frame_pool *fp, uint64_t *bitmap, size_t nframes)
{
	fp->fp_bitmap = bitmap;
	fp->fp_nframes = nframes;
	fp->fp_free = 0;
	fp->fp_hint = nframes;
	for (size_t i = 0; i < frame_bitmap_bytes(nframes) / sizeof(uint64_t); i++)
		bitmap[i] = 0;
}

/* Sets (free) or clears (used) the bits of frames [first, last), a word at
 * a time. Returns how many bits changed. */
static size_t mark_range(struct frame_pool *fp, size_t first, size_t last, bool free)
{
	size_t changed = 0;

	if (last > fp->fp_nframes)
		last = fp->fp_nframes;
	while (first < last) {
		size_t bit = first % BITS;
		size_t n = last - first < BITS - bit ? last - first : BITS - bit;
		uint64_t mask = (n == BITS ? ~0ULL : ((1ULL << n) - 1)) << bit;
		uint64_t *word = &fp->fp_bitmap[first / BITS];
		uint64_t before = *word;

		*word = free ? before | mask : before & ~mask;
		changed += (size_t)__builtin_popcountll(before ^ *word);
		first += n;
	}
	return changed;
}

size_t frame_pool_add(struct frame_pool *fp, paddr_t start, paddr_t end)
{
	/* Rounded in frame numbers: start + FRAME_SIZE - 1 could wrap. */
	size_t first = (start >> FRAME_SHIFT) + ((start & (FRAME_SIZE - 1)) != 0);
	size_t added;

	if (end <= start)
		return 0;
	added = mark_range(fp, first, end >> FRAME_SHIFT, true);
	fp->fp_free += added;
	if (added && first < fp->fp_hint)
		fp->fp_hint = first;
	return added;
}

size_t frame_pool_reserve(struct frame_pool *fp, paddr_t start, paddr_t end)
{
	size_t taken;

	if (end <= start)
		return 0;
	taken = mark_range(fp, start >> FRAME_SHIFT, (end >> FRAME_SHIFT) + ((end & (FRAME_SIZE - 1)) != 0),
	                   false);
	fp->fp_free -= taken;
	return taken;
}

/* Index of the first free frame at or after f, or fp_nframes. Skips whole
 * words of used frames. */
static size_t next_free(const struct frame_pool *fp, size_t f)
{
	while (f < fp->fp_nframes) {
		uint64_t word = fp->fp_bitmap[f / BITS] >> (f % BITS);

		if (word) {
			f += (size_t)__builtin_ctzll(word);
			return f < fp->fp_nframes ? f : fp->fp_nframes;
		}
		f = (f / BITS + 1) * BITS;
	}
	return fp->fp_nframes;
}

bool frame_alloc(struct frame_pool *fp, paddr_t *out)
{
	size_t f = next_free(fp, fp->fp_hint);

	if (f == fp->fp_nframes) {
		fp->fp_hint = f;
		return false;
	}
	bit_clear(fp, f);
	fp->fp_free--;
	fp->fp_hint = f + 1;
	*out = (paddr_t)f << FRAME_SHIFT;
	return true;
}

bool frame_alloc_contig(struct frame_pool *fp, size_t count, paddr_t align, paddr_t *out)
{
	size_t step = align >> FRAME_SHIFT;
	size_t f = fp->fp_hint;

	/* Check align itself: its frame count can be a power of two when it
	 * is not (0x1800 is one frame). */
	if (count == 0 || align < FRAME_SIZE || (align & (align - 1)) != 0)
		return false;
	while ((f = next_free(fp, f)) < fp->fp_nframes) {
		size_t run = 0;

		f = (f + step - 1) / step * step;
		while (run < count && f + run < fp->fp_nframes && bit_test(fp, f + run))
			run++;
		if (run == count) {
			for (size_t i = 0; i < count; i++)
				bit_clear(fp, f + i);
			fp->fp_free -= count;
			if (f == fp->fp_hint)
				fp->fp_hint = f + count;
			*out = (paddr_t)f << FRAME_SHIFT;
			return true;
		}
		f += run + 1;
	}
	return false;
}

void frame_free(struct frame_pool *fp, paddr_t pa)
{
	size_t f = pa >> FRAME_SHIFT;

	if (pa & (FRAME_SIZE - 1) || f >= fp->fp_nframes)
		panic("frame: free of bad address %#llx", (unsigned long long)pa);
	if (bit_test(fp, f))
		panic("frame: double free of %#llx", (unsigned long long)pa);
	bit_set(fp, f);
	fp->fp_free++;
	if (f < fp->fp_hint)
		fp->fp_hint = f;
}

void frame_free_contig(struct frame_pool *fp, paddr_t pa, size_t count)
{
	for (size_t i = 0; i < count; i++)
		frame_free(fp, pa + i * FRAME_SIZE);
}

bool frame_is_free(const struct frame_pool *fp, paddr_t pa)
{
	size_t f = pa >> FRAME_SHIFT;

	return f < fp->fp_nframes && bit_test(fp, f);
}

/* The bitmap frame allocator: what add and reserve mark, the order frames are
 * handed out in, contiguous runs, the panics on bad frees, and a randomized
 * run checked against a plain array of used flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"

#define F(n) ((paddr_t)(n) << FRAME_SHIFT) /* address of frame n */

/* A pool of nframes frames, all in use. The bitmap is a heap block of exactly
 * frame_bitmap_bytes(nframes), filled with ones first, so that ASan catches
 * an access past it and a missed clear in frame_pool_init shows. */
static void pool_new(struct frame_pool *fp, size_t nframes)
{
	uint64_t *bitmap = malloc(frame_bitmap_bytes(nframes));

	assert_non_null(bitmap);
	memset(bitmap, 0xff, frame_bitmap_bytes(nframes));
	frame_pool_init(fp, bitmap, nframes);
}

static void pool_new_free(struct frame_pool *fp, size_t nframes)
{
	pool_new(fp, nframes);
	assert_int_equal(frame_pool_add(fp, 0, F(nframes)), nframes);
}

static void pool_delete(struct frame_pool *fp)
{
	free(fp->fp_bitmap);
}

/* Free frames counted one by one through frame_is_free(). */
static size_t count_free(const struct frame_pool *fp, size_t nframes)
{
	size_t n = 0;

	for (size_t f = 0; f < nframes; f++)
		n += frame_is_free(fp, F(f));
	return n;
}

static void new_pool_has_every_frame_in_use(void **state)
{
	struct frame_pool fp;
	paddr_t pa;

	(void)state;
	pool_new(&fp, 130);
	assert_int_equal(frame_free_count(&fp), 0);
	assert_int_equal(count_free(&fp, 130), 0);
	assert_false(frame_alloc(&fp, &pa));
	assert_false(frame_alloc_contig(&fp, 1, FRAME_SIZE, &pa));
	pool_delete(&fp);
}

static void bitmap_bytes_round_up_to_whole_words(void **state)
{
	(void)state;
	assert_int_equal(frame_bitmap_bytes(0), 0);
	assert_int_equal(frame_bitmap_bytes(1), 8);
	assert_int_equal(frame_bitmap_bytes(64), 8);
	assert_int_equal(frame_bitmap_bytes(65), 16);
	assert_int_equal(frame_bitmap_bytes(1000), 128);
}

static void add_frees_only_whole_frames_inside_range(void **state)
{
	struct frame_pool fp;

	(void)state;
	pool_new(&fp, 64);
	/* [0x1800, 0x5800): frames 1 and 5 are partial, 2..4 whole. */
	assert_int_equal(frame_pool_add(&fp, 0x1800, 0x5800), 3);
	for (size_t f = 0; f < 64; f++)
		assert_int_equal(frame_is_free(&fp, F(f)), f >= 2 && f <= 4);
	assert_int_equal(frame_free_count(&fp), 3);
	/* Already free frames are not counted again. */
	assert_int_equal(frame_pool_add(&fp, F(3), F(6)), 1);
	assert_int_equal(frame_free_count(&fp), 4);
	/* Less than a frame, inside one frame or straddling two. */
	assert_int_equal(frame_pool_add(&fp, F(10), F(10) + 0xfff), 0);
	assert_int_equal(frame_pool_add(&fp, F(11) + 0x800, F(12) + 0x800), 0);
	/* Empty and inverted ranges. */
	assert_int_equal(frame_pool_add(&fp, F(20), F(20)), 0);
	assert_int_equal(frame_pool_add(&fp, F(30), F(20)), 0);
	assert_int_equal(frame_free_count(&fp), 4);
	assert_int_equal(count_free(&fp, 64), 4);
	pool_delete(&fp);
}

static void add_ignores_frames_beyond_pool(void **state)
{
	struct frame_pool fp;

	(void)state;
	pool_new(&fp, 64);
	assert_int_equal(frame_pool_add(&fp, F(60), F(200)), 4);
	assert_int_equal(frame_pool_add(&fp, F(64), F(200)), 0);
	assert_int_equal(frame_pool_add(&fp, F(100), F(200)), 0);
	assert_int_equal(frame_free_count(&fp), 4);
	assert_int_equal(count_free(&fp, 64), 4);
	assert_false(frame_is_free(&fp, F(64)));
	pool_delete(&fp);
}

static void reserve_takes_touched_frames_and_counts_free_ones(void **state)
{
	struct frame_pool fp;

	(void)state;
	pool_new_free(&fp, 64);
	/* [0x1800, 0x3001) touches frames 1, 2 and 3. */
	assert_int_equal(frame_pool_reserve(&fp, 0x1800, 0x3001), 3);
	for (size_t f = 0; f < 64; f++)
		assert_int_equal(frame_is_free(&fp, F(f)), f == 0 || f > 3);
	assert_int_equal(frame_free_count(&fp), 61);
	/* Frames already in use are taken again but not counted. */
	assert_int_equal(frame_pool_reserve(&fp, F(1), F(4)), 0);
	assert_int_equal(frame_pool_reserve(&fp, F(3), F(5)), 1);
	assert_int_equal(frame_pool_reserve(&fp, F(60), F(100)), 4);
	assert_int_equal(frame_pool_reserve(&fp, F(10), F(10)), 0);
	assert_int_equal(frame_free_count(&fp), 56);
	assert_int_equal(count_free(&fp, 64), 56);
	pool_delete(&fp);
}

static void reserved_frames_are_never_handed_out(void **state)
{
	struct frame_pool fp;
	paddr_t pa;
	size_t got = 0;

	(void)state;
	pool_new_free(&fp, 256);
	assert_int_equal(frame_pool_reserve(&fp, F(0), F(1)), 1);
	assert_int_equal(frame_pool_reserve(&fp, F(100), F(164)), 64);
	while (frame_alloc(&fp, &pa)) {
		assert_true(pa != F(0));
		assert_true(pa < F(100) || pa >= F(164));
		got++;
	}
	assert_int_equal(got, 256 - 65);
	assert_int_equal(frame_free_count(&fp), 0);
	pool_delete(&fp);
}

static void alloc_hands_out_lowest_free_frame_first(void **state)
{
	struct frame_pool fp;
	paddr_t pa;

	(void)state;
	pool_new(&fp, 200);
	frame_pool_add(&fp, F(150), F(152));
	frame_pool_add(&fp, F(70), F(72));
	assert_true(frame_alloc(&fp, &pa));
	assert_int_equal(pa, F(70));
	/* Frames added below the last one handed out come first. */
	frame_pool_add(&fp, F(5), F(6));
	assert_true(frame_alloc(&fp, &pa));
	assert_int_equal(pa, F(5));
	assert_true(frame_alloc(&fp, &pa));
	assert_int_equal(pa, F(71));
	/* So do frames freed below it. */
	frame_free(&fp, F(70));
	assert_true(frame_alloc(&fp, &pa));
	assert_int_equal(pa, F(70));
	assert_true(frame_alloc(&fp, &pa));
	assert_int_equal(pa, F(150));
	assert_true(frame_alloc(&fp, &pa));
	assert_int_equal(pa, F(151));
	assert_false(frame_alloc(&fp, &pa));
	pool_delete(&fp);
}

static void allocating_every_frame_yields_each_once_then_fails(void **state)
{
	enum { N = 1024 };
	struct frame_pool fp;
	bool seen[N] = { false };
	paddr_t pa = 0;

	(void)state;
	pool_new_free(&fp, N);
	for (size_t i = 0; i < N; i++) {
		assert_true(frame_alloc(&fp, &pa));
		assert_int_equal(pa & (FRAME_SIZE - 1), 0);
		assert_true(pa < F(N));
		assert_false(seen[pa / FRAME_SIZE]);
		seen[pa / FRAME_SIZE] = true;
		assert_false(frame_is_free(&fp, pa));
		assert_int_equal(frame_free_count(&fp), N - 1 - i);
	}
	assert_false(frame_alloc(&fp, &pa));
	assert_int_equal(frame_free_count(&fp), 0);
	assert_false(frame_alloc(&fp, &pa));
	assert_false(frame_alloc_contig(&fp, 1, FRAME_SIZE, &pa));
	assert_int_equal(frame_free_count(&fp), 0);
	pool_delete(&fp);
}

static void freed_frame_is_allocated_again(void **state)
{
	struct frame_pool fp;
	paddr_t pa;

	(void)state;
	pool_new_free(&fp, 64);
	for (size_t i = 0; i < 64; i++)
		assert_true(frame_alloc(&fp, &pa));
	frame_free(&fp, F(37));
	assert_true(frame_is_free(&fp, F(37)));
	assert_int_equal(frame_free_count(&fp), 1);
	assert_true(frame_alloc(&fp, &pa));
	assert_int_equal(pa, F(37));
	assert_false(frame_is_free(&fp, F(37)));
	assert_int_equal(frame_free_count(&fp), 0);
	assert_false(frame_alloc(&fp, &pa));
	pool_delete(&fp);
}

static void free_count_stays_exact_through_mixes(void **state)
{
	struct frame_pool fp;
	paddr_t a, b, c, run;

	(void)state;
	pool_new(&fp, 300);
	assert_int_equal(frame_pool_add(&fp, F(0), F(300)), 300);
	assert_int_equal(frame_pool_reserve(&fp, F(0), F(16)), 16);
	assert_int_equal(frame_free_count(&fp), 284);
	assert_true(frame_alloc(&fp, &a));
	assert_true(frame_alloc(&fp, &b));
	assert_true(frame_alloc_contig(&fp, 32, F(32), &run));
	assert_int_equal(frame_free_count(&fp), 250);
	assert_true(frame_alloc(&fp, &c));
	frame_free(&fp, b);
	assert_int_equal(frame_free_count(&fp), 250);
	assert_int_equal(frame_pool_add(&fp, F(0), F(8)), 8);
	assert_int_equal(frame_free_count(&fp), 258);
	/* Reserving over allocated and free frames alike counts only the free. */
	assert_int_equal(frame_pool_reserve(&fp, run, run + F(40)), 8);
	assert_int_equal(frame_free_count(&fp), 250);
	frame_free_contig(&fp, run, 32);
	frame_free(&fp, a);
	frame_free(&fp, c);
	assert_int_equal(frame_free_count(&fp), 284);
	assert_int_equal(count_free(&fp, 300), frame_free_count(&fp));
	pool_delete(&fp);
}

static void double_free_panics(void **state)
{
	struct frame_pool fp;
	paddr_t pa;

	(void)state;
	pool_new_free(&fp, 64);
	assert_true(frame_alloc(&fp, &pa));
	frame_free(&fp, pa);
	expect_assert_failure(frame_free(&fp, pa));
	/* A frame that was never handed out is free too. */
	expect_assert_failure(frame_free(&fp, F(40)));
	assert_int_equal(frame_free_count(&fp), 64);
	pool_delete(&fp);
}

static void free_of_unaligned_address_panics(void **state)
{
	struct frame_pool fp;
	paddr_t pa;

	(void)state;
	pool_new_free(&fp, 64);
	assert_true(frame_alloc(&fp, &pa));
	expect_assert_failure(frame_free(&fp, pa + 1));
	expect_assert_failure(frame_free(&fp, pa + FRAME_SIZE / 2));
	assert_false(frame_is_free(&fp, pa));
	assert_int_equal(frame_free_count(&fp), 63);
	pool_delete(&fp);
}

static void free_past_pool_panics(void **state)
{
	struct frame_pool fp;

	(void)state;
	pool_new(&fp, 64);
	expect_assert_failure(frame_free(&fp, F(64)));
	expect_assert_failure(frame_free(&fp, F(1000)));
	expect_assert_failure(frame_free(&fp, (paddr_t)-FRAME_SIZE));
	assert_int_equal(frame_free_count(&fp), 0);
	pool_delete(&fp);
}

static void contig_alloc_respects_count_and_alignment(void **state)
{
	enum { N = 2048 }; /* 8 MiB */
	struct frame_pool fp;
	paddr_t pa;

	(void)state;
	pool_new_free(&fp, N);
	/* Frame 0 used, so the lowest free frame is not 2 MiB aligned. */
	assert_int_equal(frame_pool_reserve(&fp, F(0), F(1)), 1);
	assert_true(frame_alloc_contig(&fp, 16, 2 << 20, &pa));
	assert_int_equal(pa, 2 << 20);
	for (size_t f = 510; f < 530; f++)
		assert_int_equal(frame_is_free(&fp, F(f)), f < 512 || f >= 528);
	assert_int_equal(frame_free_count(&fp), N - 1 - 16);
	/* The first 2 MiB boundary is taken at its first frame. */
	assert_true(frame_alloc_contig(&fp, 1, 2 << 20, &pa));
	assert_int_equal(pa, 4 << 20);
	/* Frames 1..3 are free but 1 is not 16 KiB aligned. */
	assert_true(frame_alloc_contig(&fp, 3, F(4), &pa));
	assert_int_equal(pa, F(4));
	assert_true(frame_alloc_contig(&fp, 3, FRAME_SIZE, &pa));
	assert_int_equal(pa, F(1));
	/* 7 is free but 8 is not, so a run of two starts at 9. */
	assert_int_equal(frame_pool_reserve(&fp, F(8), F(9)), 1);
	assert_true(frame_alloc_contig(&fp, 2, FRAME_SIZE, &pa));
	assert_int_equal(pa, F(9));
	assert_int_equal(frame_free_count(&fp), N - 1 - 16 - 1 - 3 - 3 - 1 - 2);
	assert_int_equal(count_free(&fp, N), frame_free_count(&fp));
	assert_true(frame_alloc(&fp, &pa));
	assert_int_equal(pa, F(7));
	pool_delete(&fp);
}

static void contig_alloc_fails_when_pool_is_fragmented(void **state)
{
	struct frame_pool fp;
	paddr_t pa = 0xdead000;

	(void)state;
	pool_new(&fp, 256);
	/* Every even frame free, and 103: the one run longer than a frame is
	 * 102..104, which starts on no 16 KiB boundary. */
	for (size_t f = 0; f < 256; f += 2)
		frame_pool_add(&fp, F(f), F(f + 1));
	frame_pool_add(&fp, F(103), F(104));
	assert_int_equal(frame_free_count(&fp), 129);
	assert_false(frame_alloc_contig(&fp, 4, FRAME_SIZE, &pa));
	assert_false(frame_alloc_contig(&fp, 2, F(4), &pa));
	assert_false(frame_alloc_contig(&fp, 2, F(8), &pa));
	assert_false(frame_alloc_contig(&fp, 200, FRAME_SIZE, &pa));
	/* Failing changed nothing. */
	assert_int_equal(pa, 0xdead000);
	assert_int_equal(frame_free_count(&fp), 129);
	for (size_t f = 0; f < 256; f++)
		assert_int_equal(frame_is_free(&fp, F(f)), f % 2 == 0 || f == 103);
	assert_true(frame_alloc_contig(&fp, 3, FRAME_SIZE, &pa));
	assert_int_equal(pa, F(102));
	assert_false(frame_alloc_contig(&fp, 2, FRAME_SIZE, &pa));
	assert_true(frame_alloc_contig(&fp, 1, F(2), &pa));
	assert_int_equal(pa, F(0));
	assert_int_equal(frame_free_count(&fp), 125);
	pool_delete(&fp);
}

static void contig_alloc_rejects_zero_count_and_bad_alignment(void **state)
{
	struct frame_pool fp;
	paddr_t pa = 0xdead000;

	(void)state;
	pool_new_free(&fp, 128);
	assert_false(frame_alloc_contig(&fp, 0, FRAME_SIZE, &pa));
	assert_false(frame_alloc_contig(&fp, 1, 3 * FRAME_SIZE, &pa));
	assert_false(frame_alloc_contig(&fp, 1, 12 * FRAME_SIZE, &pa));
	/* Not powers of two, though their frame counts (1, 2) are. */
	assert_false(frame_alloc_contig(&fp, 1, FRAME_SIZE + FRAME_SIZE / 2, &pa));
	assert_false(frame_alloc_contig(&fp, 1, 2 * FRAME_SIZE + 0x800, &pa));
	/* Below a frame. */
	assert_false(frame_alloc_contig(&fp, 1, 0, &pa));
	assert_false(frame_alloc_contig(&fp, 1, FRAME_SIZE / 2, &pa));
	assert_int_equal(pa, 0xdead000);
	assert_int_equal(frame_free_count(&fp), 128);
	assert_int_equal(count_free(&fp, 128), 128);
	/* A run longer than the pool. */
	assert_false(frame_alloc_contig(&fp, 129, FRAME_SIZE, &pa));
	assert_true(frame_alloc_contig(&fp, 128, FRAME_SIZE, &pa));
	assert_int_equal(pa, 0);
	pool_delete(&fp);
}

static void free_contig_returns_every_frame(void **state)
{
	struct frame_pool fp;
	paddr_t pa, again;

	(void)state;
	pool_new_free(&fp, 128);
	assert_true(frame_alloc_contig(&fp, 8, F(8), &pa));
	assert_int_equal(frame_free_count(&fp), 120);
	for (size_t i = 0; i < 8; i++)
		assert_false(frame_is_free(&fp, pa + F(i)));
	frame_free_contig(&fp, pa, 8);
	assert_int_equal(frame_free_count(&fp), 128);
	assert_int_equal(count_free(&fp, 128), 128);
	assert_true(frame_alloc_contig(&fp, 8, F(8), &again));
	assert_int_equal(again, pa);
	/* Returning a run twice panics at its first frame. */
	frame_free_contig(&fp, pa, 8);
	expect_assert_failure(frame_free_contig(&fp, pa, 8));
	pool_delete(&fp);
}

static void pool_of_odd_size_never_hands_out_frame_past_end(void **state)
{
	enum { N = 100 }; /* not a multiple of 64: the last word is part used */
	struct frame_pool fp;
	paddr_t pa;
	size_t got = 0;

	(void)state;
	pool_new(&fp, N);
	assert_int_equal(frame_pool_add(&fp, 0, F(1000)), N);
	assert_int_equal(frame_free_count(&fp), N);
	while (frame_alloc(&fp, &pa)) {
		assert_true(pa < F(N));
		got++;
	}
	assert_int_equal(got, N);
	frame_free_contig(&fp, 0, N);
	/* Only frames 96..99 free: a run of 8 would cross the end. */
	assert_int_equal(frame_pool_reserve(&fp, F(0), F(96)), 96);
	assert_false(frame_alloc_contig(&fp, 8, FRAME_SIZE, &pa));
	assert_false(frame_alloc_contig(&fp, 5, F(4), &pa));
	assert_false(frame_alloc_contig(&fp, 1, F(128), &pa));
	assert_true(frame_alloc_contig(&fp, 4, F(4), &pa));
	assert_int_equal(pa, F(96));
	assert_false(frame_alloc(&fp, &pa));
	assert_int_equal(frame_free_count(&fp), 0);
	pool_delete(&fp);
}

/* xorshift64: the same sequence on every host, unlike rand(). */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static size_t shadow_lowest_run(const bool *used, size_t n, size_t count, size_t step)
{
	for (size_t f = 0; f + count <= n; f += step) {
		size_t run = 0;

		while (run < count && !used[f + run])
			run++;
		if (run == count)
			return f;
	}
	return n;
}

/* Frees, single allocations and runs of 1..8 frames at alignments of 1..16
 * frames, each checked against the lowest fit found by brute force. Freeing
 * is likelier the fuller the pool, so it hovers about three quarters full
 * and fragmented. */
static void random_alloc_free_matches_shadow(void **state)
{
	enum { N = 1000, RESERVED = 23, OPS = 5000 };
	struct frame_pool fp;
	bool used[N];
	size_t held[N], nheld = 0, nfree = N - RESERVED;
	paddr_t pa;

	(void)state;
	rng_state = 0x9e3779b97f4a7c15ULL;
	pool_new_free(&fp, N);
	frame_pool_reserve(&fp, F(0), F(3));
	frame_pool_reserve(&fp, F(500), F(520));
	for (size_t f = 0; f < N; f++)
		used[f] = f < 3 || (f >= 500 && f < 520);
	for (int op = 0; op < OPS; op++) {
		uint64_t r = rng_next();
		uint32_t arg = (uint32_t)(r >> 32);

		if (r % (N - RESERVED) < nheld) {
			size_t i = arg % nheld;

			frame_free(&fp, F(held[i]));
			used[held[i]] = false;
			held[i] = held[--nheld];
			nfree++;
		} else if (arg & 1) {
			size_t want = shadow_lowest_run(used, N, 1, 1);

			assert_int_equal(frame_alloc(&fp, &pa), want < N);
			if (want < N) {
				assert_int_equal(pa, F(want));
				used[want] = true;
				held[nheld++] = want;
				nfree--;
			}
		} else {
			size_t count = 1 + (arg >> 1) % 8;
			size_t step = (size_t)1 << ((arg >> 4) % 5);
			size_t want = shadow_lowest_run(used, N, count, step);

			assert_int_equal(frame_alloc_contig(&fp, count, F(step), &pa), want < N);
			if (want < N) {
				assert_int_equal(pa, F(want));
				for (size_t i = 0; i < count; i++) {
					used[want + i] = true;
					held[nheld++] = want + i;
				}
				nfree -= count;
			}
		}
		assert_int_equal(frame_free_count(&fp), nfree);
		if (op % 64 == 0)
			for (size_t f = 0; f < N; f++)
				assert_int_equal(frame_is_free(&fp, F(f)), !used[f]);
	}
	for (size_t f = 0; f < N; f++)
		assert_int_equal(frame_is_free(&fp, F(f)), !used[f]);
	pool_delete(&fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_pool_has_every_frame_in_use),
		cmocka_unit_test(bitmap_bytes_round_up_to_whole_words),
		cmocka_unit_test(add_frees_only_whole_frames_inside_range),
		cmocka_unit_test(add_ignores_frames_beyond_pool),
		cmocka_unit_test(reserve_takes_touched_frames_and_counts_free_ones),
		cmocka_unit_test(reserved_frames_are_never_handed_out),
		cmocka_unit_test(alloc_hands_out_lowest_free_frame_first),
		cmocka_unit_test(allocating_every_frame_yields_each_once_then_fails),
		cmocka_unit_test(freed_frame_is_allocated_again),
		cmocka_unit_test(free_count_stays_exact_through_mixes),
		cmocka_unit_test(double_free_panics),
		cmocka_unit_test(free_of_unaligned_address_panics),
		cmocka_unit_test(free_past_pool_panics),
		cmocka_unit_test(contig_alloc_respects_count_and_alignment),
		cmocka_unit_test(contig_alloc_fails_when_pool_is_fragmented),
		cmocka_unit_test(contig_alloc_rejects_zero_count_and_bad_alignment),
		cmocka_unit_test(free_contig_returns_every_frame),
		cmocka_unit_test(pool_of_odd_size_never_hands_out_frame_past_end),
		cmocka_unit_test(random_alloc_free_matches_shadow),
	};

	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}

/* What the benchmark clients that wait for a device share (bench/disk/,
 * bench/files/): a spinner thread of the lowest priority, so that the CPU
 * never halts while a request is out (under -icount a halt would jump the
 * clock to the next tick), whose iterations are subtracted from each
 * sample; rdtsc; and the line each row prints. Header-only: each client
 * is one program. */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static volatile uint64_t spins; /* the spinner's iterations */

/* The spinner: runs only when nothing else can, two instructions an
 * iteration. */
static long spin(uint64_t arg)
{
	(void)arg;
	for (;;)
		__asm__ volatile("1: incq %0; jmp 1b" : "+m"(spins));
	return 0;
}

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/* A sample: the time between t0 and t1 less the spinner's instructions
 * between s0 and s1. */
static inline uint64_t sample(uint64_t t0, uint64_t t1, uint64_t s0, uint64_t s1)
{
	return t1 - t0 - 2 * (s1 - s0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Prints "PROGRAM NAME median=... p99=... min=... iters=N" (sorting s). */
static void report(const char *program, const char *name, uint64_t *s, int iters)
{
	qsort(s, (size_t)iters, sizeof(s[0]), cmp_u64);
	printf("%s %s median=%lu p99=%lu min=%lu iters=%d\n", program, name, s[iters / 2],
	       s[(iters * 99 + 99) / 100 - 1], s[0], iters);
	fflush(stdout);
}

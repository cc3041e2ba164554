/* Sorting samples in place, for the benchmark programs that have no C
 * library (bench/kestrel/, bench/floor/): Shell sort with halving gaps,
 * plenty for 10,000 samples once a run. Header-only. */
#pragma once

#include <stdint.h>

static inline void sort_u64(uint64_t *a, unsigned n)
{
	for (unsigned gap = n / 2; gap; gap /= 2)
		for (unsigned i = gap; i < n; i++)
			for (unsigned j = i; j >= gap && a[j - gap] > a[j]; j -= gap) {
				uint64_t t = a[j];

				a[j] = a[j - gap];
				a[j - gap] = t;
			}
}

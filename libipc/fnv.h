/* FNV-1a, 64 bits: the checksum of vault records (vault.c) and of the
 * workload's files (servers/workload/), which the host recomputes
 * (scripts/workload-check.sh). Not for anything an adversary chooses.
 *
 *   uint64_t h = fnv1a(FNV1A_INIT, data, len);
 *   h = fnv1a(h, more, more_len);   (the same as one call over both) */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define FNV1A_INIT  0xCBF29CE484222325ULL /* the offset basis */
#define FNV1A_PRIME 0x100000001B3ULL

static inline uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= FNV1A_PRIME;
	}
	return h;
}

/* The few string and memory functions user programs need. gcc may also
 * call memcpy, memset, memmove and memcmp on its own (struct copies), so
 * every program links them (ustring.c). */
#pragma once

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Whether needle occurs in haystack. */
int str_contains(const char *haystack, const char *needle);

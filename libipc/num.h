/* Reading numbers from text, as the manifest and the shell's commands
 * write them: decimal, or hexadecimal after 0x. Pure computation: the host
 * tests link it as it is (tests/host/test_num.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads the len characters at s, all of them, as a number below 2^64.
 * Returns false (leaving *out alone) if they are not one. */
bool num_parse(const char *s, size_t len, uint64_t *out);

/* The same for a NUL-terminated word. */
bool num_parse_word(const char *word, uint64_t *out);

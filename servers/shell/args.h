/* Splitting a command line into words (numbers in them: libipc's
 * num_parse_word). No hardware or IPC here: the host tests link it as it
 * is. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define ARGS_MAX 16

/* Splits line in place at spaces and tabs into at most max words, each
 * NUL-terminated, and points argv[0..] at them. Returns the number of
 * words, or -1 if there are more than max. */
int args_split(char *line, char **argv, int max);

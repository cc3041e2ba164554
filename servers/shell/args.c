/* Command-line words and numbers (see args.h). */
#include "args.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

int args_split(char *line, char **argv, int max)
{
	int n = 0;

	for (;;) {
		while (is_space(*line))
			*line++ = '\0';
		if (!*line)
			return n;
		if (n == max)
			return -1;
		argv[n++] = line;
		while (*line && !is_space(*line))
			line++;
	}
}

static int digit(char c, unsigned base)
{
	int d = c >= '0' && c <= '9'   ? c - '0'
	        : c >= 'a' && c <= 'f' ? c - 'a' + 10
	        : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                               : 99;

	return d < (int)base ? d : -1;
}

bool args_number(const char *word, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (word[0] == '0' && (word[1] == 'x' || word[1] == 'X')) {
		base = 16;
		word += 2;
	}
	if (!*word)
		return false;
	for (; *word; word++) {
		int d = digit(*word, base);

		if (d < 0 || v > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return true;
}

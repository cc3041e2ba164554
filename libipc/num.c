/* Decimal and 0x-hexadecimal numbers (see num.h). */
#include "num.h"

static int digit(char c, unsigned base)
{
	int d = c >= '0' && c <= '9'   ? c - '0'
	        : c >= 'a' && c <= 'f' ? c - 'a' + 10
	        : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                               : 99;

	return d < (int)base ? d : -1;
}

bool num_parse(const char *s, size_t len, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		int d = digit(s[i], base);

		if (d < 0 || v > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return true;
}

bool num_parse_word(const char *word, uint64_t *out)
{
	size_t len = 0;

	while (word[len])
		len++;
	return num_parse(word, len, out);
}

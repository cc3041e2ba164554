/* Command-line words (see args.h). */
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

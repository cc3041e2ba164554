/* The supervisor's log ring (see log.h). */
#include "log.h"

void log_ring_put(struct log_ring *r, const char *text)
{
	char *line = r->lr_text[r->lr_next % SUP_LOG_LINES];
	unsigned n = 0;

	for (; n < SUP_LOG_TEXT - 1 && text[n]; n++)
		line[n] = text[n];
	while (n && line[n - 1] == '\n')
		n--;
	line[n] = '\0';
	r->lr_next++;
}

bool log_ring_get(const struct log_ring *r, uint64_t from, uint64_t *number, char *text)
{
	uint64_t oldest = r->lr_next > SUP_LOG_LINES ? r->lr_next - SUP_LOG_LINES : 0;
	const char *line;

	if (from >= r->lr_next)
		return false;
	if (from < oldest)
		from = oldest;
	line = r->lr_text[from % SUP_LOG_LINES];
	for (unsigned i = 0; i < SUP_LOG_TEXT; i++)
		if ((text[i] = line[i]) == '\0')
			break;
	*number = from;
	return true;
}

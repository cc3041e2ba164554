/* Restart decisions (see policy.h). */
#include "policy.h"

#include <stdio.h>

void policy_started(struct restart_state *rs, uint64_t now)
{
	rs->rs_started = now;
}

int64_t policy_after_death(const struct manifest_server *s, struct restart_state *rs, uint64_t now)
{
	uint64_t ran = now >= rs->rs_started ? now - rs->rs_started : 0;
	uint64_t delay;

	if (ran >= POLICY_MIN_RUN_MS)
		rs->rs_in_row = 0;
	rs->rs_in_row++;
	if (s->ms_restart == RESTART_NEVER)
		return -1;
	if (s->ms_restart == RESTART_ALWAYS) {
		/* The first crash restarts at once, however short the run: a
		 * server killed by hand must come back fast. A second one in
		 * a row waits for the minimum run time since the last start. */
		delay = rs->rs_in_row == 1 || ran >= POLICY_MIN_RUN_MS ? 0 : POLICY_MIN_RUN_MS - ran;
	} else {
		if (rs->rs_in_row > s->ms_limit)
			return -1;
		/* Test the count before shifting: past 8 the shift could overflow. */
		if (rs->rs_in_row > 8)
			delay = POLICY_BACKOFF_MAX_MS;
		else
			delay = rs->rs_in_row == 1 ? 0 : (uint64_t)POLICY_BACKOFF_MS << (rs->rs_in_row - 2);
		if (delay > POLICY_BACKOFF_MAX_MS)
			delay = POLICY_BACKOFF_MAX_MS;
	}
	rs->rs_restarts++;
	return (int64_t)delay;
}

void policy_explain(const struct manifest_server *s, const struct restart_state *rs, int64_t delay, char *buf,
                    size_t size)
{
	if (s->ms_restart == RESTART_ALWAYS)
		snprintf(buf, size, "restarting in %ld ms: died again within the minimum run time (%u ms)",
		         (long)delay, POLICY_MIN_RUN_MS);
	else
		snprintf(buf, size, "restarting in %ld ms: backoff after %u crashes in a row (limit %u)",
		         (long)delay, rs->rs_in_row, s->ms_limit);
}

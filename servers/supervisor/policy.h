/* When to restart a server that crashed, exited or hung: the policy of
 * its manifest block, with a minimum run time so a server that dies at
 * once cannot loop hot, and exponential backoff up to a limit. No hardware
 * or IPC here: the host tests link this file as it is. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manifest.h"

/* A server that ran this long gets a fresh count; always restarts a second
 * quick crash in a row no sooner than this after the last start. */
#define POLICY_MIN_RUN_MS     500
#define POLICY_BACKOFF_MS     50 /* the first backoff delay, doubled per crash in a row */
#define POLICY_BACKOFF_MAX_MS 5000

struct restart_state {
	unsigned rs_in_row;   /* crashes without a run of POLICY_MIN_RUN_MS between them */
	uint64_t rs_started;  /* ms: when the instance that died was started */
	uint64_t rs_restarts; /* in all, for the log and ps */
};

/* The instance started at now (ms). */
void policy_started(struct restart_state *rs, uint64_t now);

/* It died at now. Returns the delay in ms before it is started again, or
 * -1 to leave it down (policy never, or backoff past its limit). */
int64_t policy_after_death(const struct manifest_server *s, struct restart_state *rs, uint64_t now);

/* Why policy_after_death just gave a delay > 0, in words, into buf. */
void policy_explain(const struct manifest_server *s, const struct restart_state *rs, int64_t delay, char *buf,
                    size_t size);

/* Hang detection by heartbeat (heartbeat.c). */
#pragma once

#include <stdint.h>

#include "srv.h"

#define HEARTBEAT_TICK_MS           50  /* how often the heartbeat thread looks */
#define HEARTBEAT_MIN_DEADLINE_MS   200 /* no server is called hung sooner */
#define HEARTBEAT_PRIORITY          99  /* below the supervisor's main thread */
/* How long a server with a heartbeat may take from its start to ready:
 * long enough for its start to wait out its dependencies' restarts (the
 * network server's DHCP takes seconds). */
#define HEARTBEAT_START_DEADLINE_MS 15000
/* Spinning: a server's first thread is sampled each SPIN_SAMPLE_MS; one
 * that ran SPIN_PERCENT of every sample for its manifest's spin time is
 * ended. */
#define SPIN_SAMPLE_MS              500
#define SPIN_PERCENT                90

/* Starts the heartbeat thread. */
long heartbeat_start(void);

/* From the main loop: ends every server whose heartbeat is overdue, and
 * every one that kept the CPU for its spin time. */
void heartbeat_check(void);

/* How long a server may take to answer a heartbeat: its period, at least
 * HEARTBEAT_MIN_DEADLINE_MS. */
uint64_t heartbeat_deadline(const struct srv *s);

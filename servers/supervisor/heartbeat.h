/* Hang detection by heartbeat (heartbeat.c). */
#pragma once

#include <stdint.h>

#include "srv.h"

#define HEARTBEAT_TICK_MS         50  /* how often the heartbeat thread looks */
#define HEARTBEAT_MIN_DEADLINE_MS 200 /* no server is called hung sooner */
#define HEARTBEAT_PRIORITY        99  /* below the supervisor's main thread */

/* Starts the heartbeat thread. */
long heartbeat_start(void);

/* From the main loop: ends every server whose heartbeat is overdue. */
void heartbeat_check(void);

/* How long a server may take to answer a heartbeat: its period, at least
 * HEARTBEAT_MIN_DEADLINE_MS. */
uint64_t heartbeat_deadline(const struct srv *s);

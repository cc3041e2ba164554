/* Sleeping: the kernel has no sleep call, so a thread waits on an endpoint
 * of its own that nobody sends to, with a timeout. */
#pragma once

#include <stdint.h>

/* Waits ms milliseconds (0: makes the endpoint and returns). The endpoint
 * is made from pool on the first call and kept, shared by every thread of
 * the task. Returns E_OK, or the error of making it (then it has not
 * slept). */
long sleep_ms(uint64_t pool, uint64_t ms);

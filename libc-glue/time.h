/* picolibc's <time.h>, and CLOCK_MONOTONIC: picolibc 1.8.10 declares it
 * only for RTEMS (where sys/features.h sets _POSIX_MONOTONIC_CLOCK), but
 * libc-glue's clock_gettime serves it from the kernel clock
 * (time_glue.c). libc-glue's include directory comes before picolibc's,
 * so programs find this one, as they find dirent.h. */
#pragma once

#include_next <time.h>

#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC 4 /* picolibc's own number for it */
#endif

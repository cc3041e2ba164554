/* TCP's socket options (libc-glue's; picolibc has none). */
#pragma once

#define TCP_NODELAY 1 /* IPPROTO_TCP level: send at once, without Nagle's algorithm */

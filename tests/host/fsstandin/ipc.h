/* Host stand-in for libipc/ipc.h as servers/fs/cache.c uses it: only the
 * kernel's constants (test_fscache.c answers the block protocol itself). */
#pragma once

#include <kestrel/cap.h>
#include <kestrel/error.h>

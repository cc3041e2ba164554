/* The first user task. */
#pragma once

#include <stdint.h>

#include "bootinfo.h"

struct boot_params;

/* Loads module 0 as the first task with all resources, charged to pool,
 * and makes its thread ready. Prints why and returns if it cannot. */
void roottask_start(const struct boot_params *bi, uint32_t pool);

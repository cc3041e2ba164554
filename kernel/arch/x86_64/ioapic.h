/* The I/O APIC: routes device interrupt lines to this CPU. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Maps the I/O APIC and masks every line, each routed to vector
 * VEC_IRQ_BASE + line. Returns the number of lines. */
uint32_t ioapic_init(void);

void ioapic_set_masked(uint32_t line, bool masked);

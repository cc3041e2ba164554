/* Local APIC: the per-CPU interrupt controller and its timer. */
#pragma once

#include <stdint.h>

/* Masks the legacy 8259 PICs, maps and enables this CPU's LAPIC, measures
 * its timer against the PIT and starts it periodic at hz, on vector
 * VEC_TIMER (trap.c calls clock_tick). Interrupts stay off until the caller
 * enables them. */
void lapic_init(unsigned hz);

void lapic_eoi(void);

/* LAPIC timer counts per millisecond, as measured. */
uint32_t lapic_timer_per_ms(void);

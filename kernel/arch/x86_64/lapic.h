/* Local APIC: the per-CPU interrupt controller and its timer. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Masks the legacy 8259 PICs, maps and enables this CPU's LAPIC, measures
 * its timer against the PIT and starts it periodic at hz, on vector
 * VEC_TIMER (trap.c calls clock_tick). Interrupts stay off until the caller
 * enables them. */
void lapic_init(unsigned hz);

void lapic_eoi(void);

/* Whether vector is in service: a spurious interrupt is not, but a message
 * signalled interrupt that a device sent with the spurious vector is. */
bool lapic_in_service(unsigned vector);

/* LAPIC timer counts and time-stamp counts per millisecond, as measured. */
uint32_t lapic_timer_per_ms(void);
uint64_t lapic_tsc_per_ms(void);

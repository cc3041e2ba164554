/* Interrupt lines delivered to user space as messages. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/syscall.h>

#include "cap.h"

#define IRQ_LINES   IRQ_MSI_FIRST                   /* IOAPIC inputs, at most */
#define IRQ_ALL     (IRQ_MSI_FIRST + IRQ_MSI_COUNT) /* and the MSI vectors after them */
#define MSI_ADDRESS 0xFEE00000u                     /* fixed delivery to APIC 0, as the IOAPIC's */

/* Sets up the I/O APIC with every line masked. */
void irq_init(void);

/* How many IOAPIC lines exist (at most IRQ_LINES). */
uint32_t irq_line_count(void);

/* Whether line is an IOAPIC line that exists or an MSI vector. */
bool irq_line_exists(uint64_t line);

/* Binds line to the endpoint capability ep (CAP_EMPTY unbinds and masks). */
int irq_bind(uint32_t line, const struct cap *ep, uint64_t badge);
/* Unmasks a bound line. E_BAD_STATE if it is not bound. */
int irq_ack(uint32_t line);

/* Called from the interrupt entry for a line's vector. */
void irq_fire(uint32_t line);

/* Unbinds every line bound to endpoint index ep. */
void irq_unbind_endpoint(uint32_t ep);

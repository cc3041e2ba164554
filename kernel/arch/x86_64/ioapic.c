/* I/O APIC programming. The base address is the one every PC chipset QEMU
 * models uses (0xFEC00000); the ACPI MADT would say so too, and reading it
 * can come when a machine without it matters. */
#include "ioapic.h"

#include "paging.h"
#include "trap.h"

#define IOAPIC_BASE 0xFEC00000ULL
#define IOAPIC_VER  0x01
#define IOREDTBL(n) (0x10 + 2 * (n))
#define RTE_MASKED  (1u << 16)
#define RTE_LEVEL   (1u << 15)
#define RTE_LOW     (1u << 13)
#define ISA_LINES   16

static volatile uint32_t *ioapic;
static uint32_t nlines;

static void ioapic_write(uint32_t reg, uint32_t v)
{
	ioapic[0] = reg;
	ioapic[4] = v;
}

static uint32_t ioapic_read(uint32_t reg)
{
	ioapic[0] = reg;
	return ioapic[4];
}

/* ISA lines are edge-triggered active-high; PCI lines level active-low. */
static uint32_t rte_low(uint32_t line, bool masked)
{
	uint32_t v = VEC_IRQ_BASE + line;

	if (line >= ISA_LINES)
		v |= RTE_LEVEL | RTE_LOW;
	return masked ? v | RTE_MASKED : v;
}

uint32_t ioapic_init(void)
{
	ioapic = (volatile uint32_t *)paging_map_device(IOAPIC_BASE, 32);
	nlines = ((ioapic_read(IOAPIC_VER) >> 16) & 0xFF) + 1;
	for (uint32_t i = 0; i < nlines; i++) {
		ioapic_write(IOREDTBL(i) + 1, 0); /* destination: APIC 0 */
		ioapic_write(IOREDTBL(i), rte_low(i, true));
	}
	return nlines;
}

void ioapic_set_masked(uint32_t line, bool masked)
{
	if (line < nlines)
		ioapic_write(IOREDTBL(line), rte_low(line, masked));
}

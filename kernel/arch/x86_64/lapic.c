/* Local APIC set-up and the periodic timer. The timer rate is unknown, so
 * it is measured once against the PIT, whose input clock is fixed. */
#include "lapic.h"

#include "../../panic.h"
#include "cpu.h"
#include "msr.h"
#include "paging.h"
#include "trap.h"

enum {
	LAPIC_EOI = 0x0B0,
	LAPIC_ISR = 0x100, /* 8 registers of 32 bits, 16 bytes apart */
	LAPIC_SVR = 0x0F0,
	LAPIC_LVT_TIMER = 0x320,
	LAPIC_TIMER_INIT = 0x380,
	LAPIC_TIMER_CURRENT = 0x390,
	LAPIC_TIMER_DIVIDE = 0x3E0,

	SVR_ENABLE = 1 << 8,
	LVT_MASKED = 1 << 16,
	LVT_PERIODIC = 1 << 17,
	DIVIDE_BY_16 = 0x3,

	PIT_HZ = 1193182,
	PIT_CH2 = 0x42,
	PIT_CMD = 0x43,
	PIT_GATE = 0x61,
	CALIBRATE_MS = 10,
};

static volatile uint32_t *lapic;
static uint32_t timer_per_ms;
static uint64_t tsc_per_ms;

static uint32_t lapic_read(unsigned reg)
{
	return lapic[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t v)
{
	lapic[reg / 4] = v;
}

static void pic_mask_all(void)
{
	/* Remap first so that a spurious PIC interrupt cannot pose as an
	 * exception, then mask every line. */
	outb(0x20, 0x11);
	outb(0xA0, 0x11);
	outb(0x21, VEC_PIC_BASE);
	outb(0xA1, VEC_PIC_BASE + 8);
	outb(0x21, 4);
	outb(0xA1, 2);
	outb(0x21, 1);
	outb(0xA1, 1);
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
}

/* Counts LAPIC timer ticks (and time-stamp counts) during CALIBRATE_MS of
 * PIT channel 2. */
static uint32_t measure_timer(void)
{
	uint16_t count = PIT_HZ * CALIBRATE_MS / 1000;
	uint8_t gate = (inb(PIT_GATE) & ~0x02) & ~0x01; /* speaker off, gate low */

	outb(PIT_GATE, gate);
	outb(PIT_CMD, 0xB0); /* channel 2, lobyte/hibyte, mode 0 */
	outb(PIT_CH2, count & 0xFF);
	outb(PIT_CH2, count >> 8);
	lapic_write(LAPIC_TIMER_DIVIDE, DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	outb(PIT_GATE, gate | 0x01); /* raising the gate starts the count */
	lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFF);
	tsc_per_ms = rdtsc();
	while (!(inb(PIT_GATE) & 0x20)) /* OUT2 goes high at zero */
		cpu_relax();
	tsc_per_ms = (rdtsc() - tsc_per_ms) / CALIBRATE_MS;
	return 0xFFFFFFFF - lapic_read(LAPIC_TIMER_CURRENT);
}

void lapic_init(unsigned hz)
{
	paddr_t base = rdmsr(MSR_APIC_BASE) & ~0xFFFULL;

	pic_mask_all();
	lapic = (volatile uint32_t *)paging_map_device(base, 4096);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	timer_per_ms = measure_timer() / CALIBRATE_MS;
	if (timer_per_ms == 0)
		panic("lapic: timer does not count");
	lapic_write(LAPIC_TIMER_DIVIDE, DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, timer_per_ms * 1000 / hz);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

bool lapic_in_service(unsigned vector)
{
	return lapic_read(LAPIC_ISR + vector / 32 * 0x10) >> (vector % 32) & 1;
}

uint64_t lapic_tsc_per_ms(void)
{
	return tsc_per_ms;
}

uint32_t lapic_timer_per_ms(void)
{
	return timer_per_ms;
}

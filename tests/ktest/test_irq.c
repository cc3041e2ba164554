/* Interrupts as messages, with the serial port as the device: its
 * transmitter-empty interrupt (IER bit 1) fires as soon as it is enabled,
 * on ISA line 4. Message-signalled interrupts with QEMU's "edu" device,
 * which raises its MSI on request. Also the argument checks of irq_get,
 * irq_bind, irq_ack and ioport_get, one driver a line, and device memory
 * narrowed for a bus server with devmem_get. */
#include "harness.h"
#include "io.h"

#define COM1_IER   0x3F9
#define COM1_IIR   0x3FA
#define COM1_MCR   0x3FC
#define IER_THRE   0x02
#define MCR_OUT2   0x08 /* gates the UART's interrupt line on PCs */
#define SERIAL_IRQ 4

static uint8_t saved_mcr;

/* Also run by kt_end(), so a failed test leaves the interrupt off. */
static void serial_quiet(void)
{
	outb(COM1_IER, 0);
	inb(COM1_IIR);
	outb(COM1_MCR, saved_mcr);
}

static void serial_interrupt_on(void)
{
	saved_mcr = inb(COM1_MCR);
	kt_at_end(serial_quiet);
	outb(COM1_MCR, saved_mcr | MCR_OUT2);
	outb(COM1_IER, IER_THRE);
}

static long serial_bind(uint64_t *irq, uint64_t *ep, uint64_t badge)
{
	long e = kt_endpoint(ep);

	*irq = kt_slot();
	if (e == E_OK)
		e = sys_irq_get(BOOT_SLOT_IRQ_CONTROL, *irq, SERIAL_IRQ);
	return e != E_OK ? e : sys_irq_bind(*irq, *ep, badge);
}

int test_serial_interrupt_reaches_bound_endpoint(void)
{
	uint64_t irq, ep;
	struct msg m;
	long e;

	CHECK_OK(serial_bind(&irq, &ep, 0x40));
	serial_interrupt_on();
	e = ipc_recv(ep, KT_WAIT_MS, &m);
	serial_quiet();
	CHECK_OK(e);
	CHECK_EQ(msg_label(&m), KMSG_NOTIFY);
	CHECK_EQ(m.badge, 0x40);
	CHECK_OK(sys_irq_ack(irq));
	CHECK_OK(sys_irq_bind(irq, ep, 0));
	return 0;
}

/* The interrupt fires while nobody waits on the endpoint; the next receive
 * gets it at once. */
int test_interrupt_stays_pending_until_received(void)
{
	uint64_t irq, ep;
	struct msg m;

	CHECK_OK(serial_bind(&irq, &ep, 0x8));
	serial_interrupt_on();
	kt_sleep(20);
	serial_quiet();
	CHECK_OK(ipc_recv(ep, IPC_POLL, &m));
	CHECK_EQ(msg_label(&m), KMSG_NOTIFY);
	CHECK_EQ(m.badge, 0x8);
	CHECK_OK(sys_irq_ack(irq));
	CHECK_OK(sys_irq_bind(irq, ep, 0));
	CHECK_ERR(ipc_recv(ep, IPC_POLL, &m), E_WOULD_BLOCK);
	return 0;
}

/* An interrupt and a peer's signal on one endpoint are one notification
 * word: both bits arrive in one receive. */
int test_interrupt_and_signal_share_the_notification_word(void)
{
	uint64_t irq, ep, tx;
	struct msg m;

	CHECK_OK(serial_bind(&irq, &ep, 0x10));
	CHECK_OK(kt_copy(ep, R_WRITE, 0x1, &tx));
	CHECK_OK(sys_signal(tx));
	serial_interrupt_on();
	kt_sleep(20);
	serial_quiet();
	CHECK_OK(ipc_recv(ep, IPC_POLL, &m));
	CHECK_EQ(msg_label(&m), KMSG_NOTIFY);
	CHECK_EQ(m.badge, 0x11);
	CHECK_OK(sys_irq_ack(irq));
	CHECK_OK(sys_irq_bind(irq, ep, 0));
	return 0;
}

int test_irq_calls_check_their_arguments(void)
{
	uint64_t s = kt_slot(), irq = kt_slot(), ep, frame;
	struct cap_info ci;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_frame(1, &frame));
	CHECK(kt_bi->bi_irq_lines > SERIAL_IRQ);
	CHECK(kt_bi->bi_irq_lines <= IRQ_MSI_FIRST);
	if (kt_bi->bi_irq_lines < IRQ_MSI_FIRST)
		CHECK_ERR(sys_irq_get(BOOT_SLOT_IRQ_CONTROL, s, kt_bi->bi_irq_lines), E_BAD_ARG);
	CHECK_ERR(sys_irq_get(BOOT_SLOT_IRQ_CONTROL, s, IRQ_MSI_FIRST + IRQ_MSI_COUNT), E_BAD_ARG);
	CHECK_ERR(sys_irq_get(BOOT_SLOT_IRQ_CONTROL, s, ~0ULL), E_BAD_ARG);
	CHECK_ERR(sys_irq_get(BOOT_SLOT_POOL, s, 3), E_WRONG_TYPE);
	CHECK_ERR(sys_irq_get(BOOT_SLOT_IRQ_CONTROL, ep, 3), E_SLOT_FULL);
	CHECK_OK(sys_irq_get(BOOT_SLOT_IRQ_CONTROL, irq, 3));
	CHECK_OK(sys_cap_identify_out(irq, &ci));
	CHECK_EQ(ci.ci_type, CAP_IRQ);
	CHECK_ERR(sys_irq_bind(ep, ep, 1), E_WRONG_TYPE);
	CHECK_ERR(sys_irq_bind(irq, frame, 1), E_WRONG_TYPE);
	CHECK_ERR(sys_irq_bind(irq, kt_slot(), 1), E_BAD_CAP);
	CHECK_ERR(sys_irq_ack(ep), E_WRONG_TYPE);
	CHECK_ERR(sys_irq_ack(kt_slot()), E_BAD_CAP);
	return 0;
}

int test_ioport_get_makes_only_sub_ranges(void)
{
	uint64_t sub = kt_slot(), s = kt_slot(), again = kt_slot(), ep;
	struct cap_info ci;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(sys_ioport_get(BOOT_SLOT_IOPORT, sub, 0x80, 1));
	CHECK_OK(sys_cap_identify_out(sub, &ci));
	CHECK_EQ(ci.ci_type, CAP_IOPORT);
	CHECK_OK(sys_ioport_get(sub, again, 0x80, 1));
	CHECK_FAILS(sys_ioport_get(sub, s, 0x81, 1));
	CHECK_FAILS(sys_ioport_get(sub, s, 0x7F, 2));
	CHECK_ERR(sys_ioport_get(BOOT_SLOT_IOPORT, s, 0xFFFF, 2), E_BAD_ARG);
	CHECK_ERR(sys_ioport_get(BOOT_SLOT_IOPORT, s, 0x80, 0), E_BAD_ARG);
	CHECK_ERR(sys_ioport_get(BOOT_SLOT_POOL, s, 0x80, 1), E_WRONG_TYPE);
	CHECK_ERR(sys_ioport_get(BOOT_SLOT_IOPORT, ep, 0x80, 1), E_SLOT_FULL);
	return 0;
}

/* A line is one driver's: while it is bound to a live endpoint, another
 * IRQ capability for it can neither bind it elsewhere nor unbind it, a
 * client's capability to the endpoint (no R_READ) cannot bind at all; the
 * endpoint's receiver (a restarted driver) rebinds and unbinds it, and a
 * line whose endpoint is gone is free. Badge 0 unbinds. */
int test_second_driver_cannot_take_a_bound_line(void)
{
	uint64_t irq, ep, irq2 = kt_slot(), other, client, third;

	CHECK_OK(serial_bind(&irq, &ep, 0x40));
	CHECK_OK(sys_irq_get(BOOT_SLOT_IRQ_CONTROL, irq2, SERIAL_IRQ));
	CHECK_OK(kt_endpoint(&other));
	CHECK_OK(kt_copy(ep, R_WRITE, 0, &client));
	CHECK_ERR(sys_irq_bind(irq2, other, 0x40), E_EXISTS);
	CHECK_ERR(sys_irq_bind(irq2, CAP_NULL, 0), E_EXISTS);
	CHECK_ERR(sys_irq_bind(irq2, other, 0), E_EXISTS);
	CHECK_ERR(sys_irq_bind(irq2, client, 0x1), E_NO_RIGHTS);
	CHECK_OK(sys_irq_bind(irq2, ep, 0x20)); /* the endpoint's receiver, again */
	CHECK_OK(sys_irq_bind(irq, ep, 0));     /* unbound */
	CHECK_OK(sys_irq_bind(irq2, other, 0x40));
	CHECK_ERR(sys_irq_bind(irq, ep, 0x40), E_EXISTS);
	CHECK_OK(sys_obj_destroy(other));
	CHECK_OK(kt_endpoint(&third));
	CHECK_OK(sys_irq_bind(irq, third, 0x40));
	CHECK_OK(sys_irq_bind(irq, third, 0));
	CHECK_OK(sys_irq_bind(irq, CAP_NULL, 0)); /* nothing bound: nothing to keep */
	return 0;
}

#define HPET_BASE 0xFED00000ULL /* device registers nobody else uses here */

/* A bus server's device memory: a sub-range of the boot capability, from
 * which frames can be made only inside it; it can be narrowed again and
 * copied, never widened, and never covers RAM or the kernel's devices. */
int test_devmem_narrows_and_never_widens(void)
{
	uint64_t part = kt_slot(), less = kt_slot(), copy, frame = kt_slot();

	CHECK_OK(sys_devmem_get(BOOT_SLOT_DEVMEM, part, HPET_BASE, 4));
	CHECK_OK(sys_mem_device(part, frame, HPET_BASE + 0x1000, 2));
	CHECK_OK(sys_cap_delete(frame));
	CHECK_ERR(sys_mem_device(part, frame, HPET_BASE + 0x3000, 2), E_BAD_ARG);
	CHECK_ERR(sys_mem_device(part, frame, HPET_BASE - 0x1000, 1), E_BAD_ARG);
	CHECK_ERR(sys_mem_device(part, frame, HPET_BASE + 0x4000, 1), E_BAD_ARG);
	CHECK_ERR(sys_devmem_get(part, less, HPET_BASE, 5), E_BAD_ARG);
	CHECK_ERR(sys_devmem_get(part, less, HPET_BASE - 0x1000, 2), E_BAD_ARG);
	CHECK_ERR(sys_devmem_get(part, less, HPET_BASE + 0x1000, 0), E_BAD_ARG);
	CHECK_ERR(sys_devmem_get(part, less, HPET_BASE + 0x800, 1), E_BAD_ARG);
	CHECK_OK(sys_devmem_get(part, less, HPET_BASE + 0x2000, 2));
	CHECK_ERR(sys_mem_device(less, frame, HPET_BASE, 1), E_BAD_ARG);
	CHECK_OK(sys_mem_device(less, frame, HPET_BASE + 0x3000, 1));
	CHECK_OK(sys_cap_delete(frame));
	CHECK_OK(kt_copy(less, R_ALL, 0, &copy));
	CHECK_ERR(sys_mem_device(copy, frame, HPET_BASE + 0x1000, 1), E_BAD_ARG);
	CHECK_OK(sys_mem_device(copy, frame, HPET_BASE + 0x2000, 1));
	CHECK_OK(sys_cap_delete(frame));
	CHECK_OK(sys_cap_delete(copy));
	CHECK_OK(kt_copy(less, R_READ | R_WRITE, 0, &copy));
	CHECK_ERR(sys_devmem_get(copy, kt_slot(), HPET_BASE + 0x2000, 1), E_NO_RIGHTS);
	/* RAM, the I/O APIC and the MSI window are never device memory. */
	CHECK_ERR(sys_devmem_get(BOOT_SLOT_DEVMEM, kt_slot(), 0x100000, 1), E_BAD_ARG);
	CHECK_ERR(sys_devmem_get(BOOT_SLOT_DEVMEM, kt_slot(), 0xFEC00000ULL, 1), E_BAD_ARG);
	CHECK_ERR(sys_devmem_get(BOOT_SLOT_DEVMEM, kt_slot(), 0xFEE00000ULL, 0x100), E_BAD_ARG);
	CHECK_ERR(sys_devmem_get(BOOT_SLOT_DEVMEM, kt_slot(), ~0xFFFULL, 1), E_BAD_ARG);
	return 0;
}

/* QEMU's edu device (docs/specs/edu.rst in QEMU): PCI 1234:11e8, one MSI
 * vector, registers in BAR 0. Found through q35's ECAM. */
#define ECAM_BASE   0xB0000000ULL
#define EDU_ID      0x11E81234u
#define EDU_RAISE   0x60 /* writing bits raises the interrupt */
#define EDU_ACK     0x64 /* writing them lowers it again */
#define PCI_COMMAND 0x04
#define PCI_BAR0    0x10
#define PCI_CAP_PTR 0x34
#define PCI_CAP_MSI 0x05
#define CMD_MEMORY  0x2
#define CMD_MASTER  0x4 /* an MSI is a memory write by the device */
#define MSI_ENABLE  0x1
#define MSI_64BIT   0x80

static volatile uint8_t *edu_config; /* its 4 KiB of configuration space */
static unsigned edu_msi;             /* offset of its MSI capability */

static uint16_t cfg16(unsigned off)
{
	return *(volatile uint16_t *)(edu_config + off);
}

static void cfg16_set(unsigned off, uint16_t v)
{
	*(volatile uint16_t *)(edu_config + off) = v;
}

static void cfg32_set(unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(edu_config + off) = v;
}

/* Also run by kt_end(): the device sends nothing more. */
static void edu_quiet(void)
{
	if (!edu_config)
		return;
	cfg16_set(edu_msi + 2, (uint16_t)(cfg16(edu_msi + 2) & ~MSI_ENABLE));
	cfg16_set(PCI_COMMAND, (uint16_t)(cfg16(PCI_COMMAND) & ~CMD_MASTER));
}

/* Finds edu on bus 0, maps its registers, and points its MSI at the
 * address and data given (enabled). */
static long edu_setup(uint64_t address, uint64_t data, volatile uint32_t **regs)
{
	uint64_t ecam = kt_slot(), bar = kt_slot();
	volatile uint64_t *va;
	unsigned at;
	long e;

	edu_config = NULL;
	if ((e = sys_mem_device(BOOT_SLOT_DEVMEM, ecam, ECAM_BASE, 256)) ||
	    (e = kt_map(ecam, 256, R_READ | R_WRITE, &va)))
		return e;
	for (unsigned dev = 0; dev < 32 && !edu_config; dev++)
		if (*(volatile uint32_t *)((volatile uint8_t *)va + (dev << 15)) == EDU_ID)
			edu_config = (volatile uint8_t *)va + (dev << 15);
	if (!edu_config)
		return E_NOT_FOUND;
	for (at = edu_config[PCI_CAP_PTR] & 0xFC; at && edu_config[at] != PCI_CAP_MSI;
	     at = edu_config[at + 1] & 0xFC)
		;
	if (!at)
		return E_NOT_FOUND;
	edu_msi = at;
	kt_at_end(edu_quiet);
	if ((e = sys_mem_device(BOOT_SLOT_DEVMEM, bar, *(volatile uint32_t *)(edu_config + PCI_BAR0) & ~0xFu,
	                        1)) ||
	    (e = kt_map(bar, 1, R_READ | R_WRITE, &va)))
		return e;
	*regs = (volatile uint32_t *)va;
	cfg32_set(at + 4, (uint32_t)address);
	if (cfg16(at + 2) & MSI_64BIT) {
		cfg32_set(at + 8, (uint32_t)(address >> 32));
		cfg16_set(at + 12, (uint16_t)data);
	} else {
		cfg16_set(at + 8, (uint16_t)data);
	}
	cfg16_set(at + 2, (uint16_t)(cfg16(at + 2) | MSI_ENABLE));
	cfg16_set(PCI_COMMAND, (uint16_t)(cfg16(PCI_COMMAND) | CMD_MEMORY | CMD_MASTER));
	return E_OK;
}

/* An MSI vector is a line like the others: bound to an endpoint with a
 * badge, delivered as KMSG_NOTIFY, merged while nobody receives, silent
 * once unbound; edge-triggered, so irq_ack has nothing to unmask. */
int test_msi_reaches_bound_endpoint(void)
{
	uint64_t irq = kt_slot(), ep, address, data, other = kt_slot(), a2, d2;
	volatile uint32_t *edu;
	struct msg m;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(sys_irq_get_out(BOOT_SLOT_IRQ_CONTROL, irq, IRQ_MSI_FIRST + 3, &address, &data));
	CHECK_EQ(address & ~0xFF000ULL, 0xFEE00000ULL); /* the MSI window, some APIC */
	CHECK(data > 0x20 && data < 0xF0);
	CHECK_OK(sys_irq_get_out(BOOT_SLOT_IRQ_CONTROL, other, IRQ_MSI_FIRST + 4, &a2, &d2));
	CHECK(d2 != data);
	CHECK_OK(sys_irq_get_out(BOOT_SLOT_IRQ_CONTROL, kt_slot(), SERIAL_IRQ, &a2, &d2));
	CHECK_EQ(a2, 0);
	CHECK_EQ(d2, 0);
	CHECK_OK(sys_irq_bind(irq, ep, 0x400));
	CHECK_OK(edu_setup(address, data, &edu));
	edu[EDU_RAISE / 4] = 1;
	CHECK_OK(ipc_recv(ep, KT_WAIT_MS, &m));
	CHECK_EQ(msg_label(&m), KMSG_NOTIFY);
	CHECK_EQ(m.badge, 0x400);
	edu[EDU_ACK / 4] = 1;
	CHECK_OK(sys_irq_ack(irq));
	/* Two with nobody waiting arrive as one, and nothing else comes. */
	edu[EDU_RAISE / 4] = 1;
	edu[EDU_RAISE / 4] = 2;
	kt_sleep(20);
	CHECK_OK(ipc_recv(ep, IPC_POLL, &m));
	CHECK_EQ(msg_label(&m), KMSG_NOTIFY);
	CHECK_EQ(m.badge, 0x400);
	CHECK_ERR(ipc_recv(ep, IPC_POLL, &m), E_WOULD_BLOCK);
	edu[EDU_ACK / 4] = 3;
	/* One driver a vector, as for lines; unbound, it is dropped. */
	CHECK_ERR(sys_irq_bind(irq, CAP_NULL, 0), E_EXISTS);
	CHECK_OK(sys_irq_bind(irq, ep, 0));
	CHECK_ERR(sys_irq_ack(irq), E_BAD_STATE);
	edu[EDU_RAISE / 4] = 1;
	kt_sleep(20);
	CHECK_ERR(ipc_recv(ep, IPC_POLL, &m), E_WOULD_BLOCK);
	edu[EDU_ACK / 4] = 1;
	return 0;
}

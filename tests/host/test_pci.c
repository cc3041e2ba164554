/* The PCI server's configuration-space reading (servers/pci/pci_parse.c)
 * on buffers: the header's IDs and class, BAR decoding (32-bit, 64-bit,
 * prefetchable, I/O, empty, malformed) and the capability list walk,
 * including lists that loop or point where no capability may be. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../servers/pci/pci_parse.h"

static uint8_t cfg[PCI_CFG_SIZE] __attribute__((aligned(4)));

static void put16(unsigned off, uint16_t v)
{
	memcpy(cfg + off, &v, 2);
}

static void put32(unsigned off, uint32_t v)
{
	memcpy(cfg + off, &v, 4);
}

/* QEMU's SATA controller's header, as firmware leaves it. */
static void sata(void)
{
	memset(cfg, 0, sizeof(cfg));
	put16(0x00, 0x8086);
	put16(0x02, 0x2922);
	put32(0x08, 0x01060102); /* class 01, subclass 06, prog-if 01, revision 02 */
	put16(0x06, 0x0010);     /* a capability list */
	cfg[0x34] = 0x80;
	cfg[0x3C] = 10;
	cfg[0x3D] = 1;
	cfg[0x80] = 0x05; /* MSI, then the end */
	cfg[0x81] = 0x00;
}

static void header_gives_ids_class_and_interrupt(void **state)
{
	struct pci_info_rep r = { 0 };

	(void)state;
	sata();
	pci_parse_header(cfg, &r);
	assert_int_equal(r.vendor, 0x8086);
	assert_int_equal(r.device, 0x2922);
	assert_int_equal(r.class_code, 0x01);
	assert_int_equal(r.subclass, 0x06);
	assert_int_equal(r.prog_if, 0x01);
	assert_int_equal(r.revision, 0x02);
	assert_int_equal(r.irq_line, 10);
	assert_int_equal(r.irq_pin, 1);
	assert_int_equal(r.msi, 0x80);
	assert_int_equal(r.msix, 0);
	/* No pin: no line either, whatever the register holds. */
	cfg[0x3D] = 0;
	pci_parse_header(cfg, &r);
	assert_int_equal(r.irq_pin, 0);
	assert_int_equal(r.irq_line, 0xFF);
	cfg[0x3D] = 9; /* not a pin */
	pci_parse_header(cfg, &r);
	assert_int_equal(r.irq_pin, 0);
}

static void header_type_says_how_many_bars(void **state)
{
	(void)state;
	sata();
	assert_int_equal(pci_bar_count(cfg), 6);
	assert_false(pci_multifunction(cfg));
	cfg[0x0E] = 0x81; /* a multi-function bridge */
	assert_int_equal(pci_bar_count(cfg), 2);
	assert_true(pci_multifunction(cfg));
	assert_int_equal(pci_header_type(cfg), PCI_HEADER_BRIDGE);
	cfg[0x0E] = 0x02; /* CardBus */
	assert_int_equal(pci_bar_count(cfg), 0);
}

/* Decodes one BAR: orig and mask as the sizing read them. */
static unsigned decode(uint32_t o0, uint32_t o1, uint32_t m0, uint32_t m1, int last, uint64_t *addr,
                       uint64_t *size)
{
	const uint32_t orig[2] = { o0, o1 }, mask[2] = { m0, m1 };

	return pci_bar_decode(orig, mask, last, addr, size);
}

static void memory_bars_decode_address_size_and_flags(void **state)
{
	uint64_t a, n;

	(void)state;
	assert_int_equal(decode(0xfeb53000, 0, 0xfffff000, 0, 0, &a, &n), 1);
	assert_true(a == 0xfeb53000 && n == 4096);
	/* 32-bit prefetchable: the VGA's frame buffer. */
	assert_int_equal(decode(0xfd000008, 0, 0xff000008, 0, 0, &a, &n), 1);
	assert_true(a == (0xfd000000 | PCI_BAR_PREF) && n == 16 << 20);
	/* 64-bit prefetchable below 4 GiB (virtio's) and above. */
	assert_int_equal(decode(0xfe00000c, 0, 0xffffc00c, 0xffffffff, 0, &a, &n), 2);
	assert_true(a == (0xfe000000 | PCI_BAR_64 | PCI_BAR_PREF) && n == 16384);
	assert_int_equal(decode(0x0000000c, 0x1, 0xf000000c, 0xffffffff, 0, &a, &n), 2);
	assert_true(a == (0x100000000ULL | PCI_BAR_64 | PCI_BAR_PREF) && n == 0x10000000);
	/* A 64-bit BAR bigger than 4 GiB: the size is in the upper half. */
	assert_int_equal(decode(0x00000004, 0x10, 0x00000004, 0xfffffffe, 0, &a, &n), 2);
	assert_true(PCI_BAR_ADDR(a) == 0x1000000000ULL && n == 0x200000000ULL);
	/* Sized but left at 0 by firmware: a size, no address. */
	assert_int_equal(decode(0, 0, 0xfff00000, 0, 0, &a, &n), 1);
	assert_true(a == 0 && n == 1 << 20);
}

static void io_bars_decode_ports(void **state)
{
	uint64_t a, n;

	(void)state;
	assert_int_equal(decode(0xc061, 0, 0xffffffe1, 0, 0, &a, &n), 1);
	assert_true(a == (0xc060 | PCI_BAR_IO) && n == 32);
	assert_int_equal(PCI_BAR_ADDR(a), 0xc060);
	/* Devices may leave the upper 16 bits reading 0. */
	assert_int_equal(decode(0x0701, 0, 0x0000ffc1, 0, 0, &a, &n), 1);
	assert_true(a == (0x0700 | PCI_BAR_IO) && n == 64);
}

static void empty_and_malformed_bars_are_empty(void **state)
{
	uint64_t a = 1, n = 1;

	(void)state;
	assert_int_equal(decode(0, 0, 0, 0, 0, &a, &n), 1);
	assert_true(a == 0 && n == 0);
	/* An I/O BAR with no writable address bits. */
	assert_int_equal(decode(0x1, 0, 0x1, 0, 0, &a, &n), 1);
	assert_true(a == 0 && n == 0);
	/* A 64-bit BAR in the last register has no upper half. */
	assert_int_equal(decode(0xfe00000c, 0, 0xffffc00c, 0, 1, &a, &n), 1);
	assert_true(a == 0 && n == 0);
	/* An empty 64-bit BAR still takes both registers. */
	assert_int_equal(decode(0x4, 0, 0x4, 0, 0, &a, &n), 2);
	assert_true(a == 0 && n == 0);
}

static void capability_walk_finds_msi_and_msix(void **state)
{
	uint8_t msi, msix;
	uint16_t size;

	(void)state;
	sata();
	cfg[0x34] = 0x43;             /* low bits reserved: the list starts at 0x40 */
	cfg[0x40] = 0x09;             /* vendor-specific */
	cfg[0x41] = 0x98;             /* on to MSI-X */
	cfg[0x98] = 0x11;             /* MSI-X */
	cfg[0x99] = 0x84;             /* on to MSI */
	put16(0x9A, 0x8000 | 0x0004); /* enabled; 5 entries */
	cfg[0x84] = 0x05;
	cfg[0x85] = 0x00;
	pci_find_caps(cfg, &msi, &msix, &size);
	assert_int_equal(msi, 0x84);
	assert_int_equal(msix, 0x98);
	assert_int_equal(size, 5);
	/* Without the status bit there is no list to walk. */
	put16(0x06, 0);
	pci_find_caps(cfg, &msi, &msix, &size);
	assert_int_equal(msi, 0);
	assert_int_equal(msix, 0);
	assert_int_equal(size, 0);
}

static void capability_list_that_loops_or_strays_ends(void **state)
{
	uint8_t msi = 1, msix = 1;
	uint16_t size = 1;

	(void)state;
	sata();
	cfg[0x81] = 0x80; /* MSI points to itself */
	pci_find_caps(cfg, &msi, &msix, &size);
	assert_int_equal(msi, 0x80);
	assert_int_equal(msix, 0);
	cfg[0x34] = 0x40; /* a two-entry cycle */
	cfg[0x40] = 0x01;
	cfg[0x41] = 0x80;
	cfg[0x81] = 0x40;
	pci_find_caps(cfg, &msi, &msix, &size);
	assert_int_equal(msi, 0x80);
	/* Into the standard header: not a capability, the walk ends. */
	cfg[0x34] = 0x10;
	cfg[0x10] = 0x05;
	pci_find_caps(cfg, &msi, &msix, &size);
	assert_int_equal(msi, 0);
	/* The last dword of the area is the furthest a list may go. */
	memset(cfg + 0x40, 0, 0xC0);
	cfg[0x34] = 0xFF;
	cfg[0xFC] = 0x11;
	cfg[0xFD] = 0xFC; /* and loops there */
	put16(0xFE, 0x07FF);
	pci_find_caps(cfg, &msi, &msix, &size);
	assert_int_equal(msix, 0xFC);
	assert_int_equal(size, 2048);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_gives_ids_class_and_interrupt),
		cmocka_unit_test(header_type_says_how_many_bars),
		cmocka_unit_test(memory_bars_decode_address_size_and_flags),
		cmocka_unit_test(io_bars_decode_ports),
		cmocka_unit_test(empty_and_malformed_bars_are_empty),
		cmocka_unit_test(capability_walk_finds_msi_and_msix),
		cmocka_unit_test(capability_list_that_loops_or_strays_ends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

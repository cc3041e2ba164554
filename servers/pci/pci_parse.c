/* Reading a PCI function's configuration space: IDs, class, BARs and the
 * capability list (see pci_parse.h). No hardware here: cfg may be ECAM or
 * a test's buffer. */
#include "pci_parse.h"

#define PCI_STATUS_CAPS  0x10 /* status bit 4: a capability list at 0x34 */
#define PCI_CAP_FIRST    0x40 /* capabilities live after the standard header */
#define PCI_CAP_MAX      ((0x100 - PCI_CAP_FIRST) / 4)
#define PCI_CAP_ID_MSI   0x05
#define PCI_CAP_ID_MSIX  0x11
#define PCI_BAR_MEM_MASK 0xFull /* type and prefetchable bits of a memory BAR */
#define PCI_BAR_IO_MASK  0x3ull

unsigned pci_bar_count(const volatile uint8_t *cfg)
{
	switch (pci_header_type(cfg)) {
	case 0:
		return 6;
	case PCI_HEADER_BRIDGE:
		return 2;
	default:
		return 0; /* CardBus: no BARs we hand out */
	}
}

void pci_find_caps(const volatile uint8_t *cfg, uint8_t *msi, uint8_t *msix, uint16_t *msix_size)
{
	unsigned off;

	*msi = *msix = 0;
	*msix_size = 0;
	if (!(pci_cfg16(cfg, 0x06) & PCI_STATUS_CAPS))
		return;
	off = pci_cfg8(cfg, 0x34) & 0xFC; /* the low two bits are reserved */
	/* A list can hold at most PCI_CAP_MAX entries; a longer walk loops. */
	for (unsigned n = 0; n < PCI_CAP_MAX && off >= PCI_CAP_FIRST; n++) {
		uint8_t id = pci_cfg8(cfg, off);

		if (id == PCI_CAP_ID_MSI && !*msi)
			*msi = (uint8_t)off;
		if (id == PCI_CAP_ID_MSIX && !*msix) {
			*msix = (uint8_t)off;
			*msix_size = (uint16_t)((pci_cfg16(cfg, off + 2) & 0x7FF) + 1);
		}
		off = pci_cfg8(cfg, off + 1) & 0xFC;
	}
}

void pci_parse_header(const volatile uint8_t *cfg, struct pci_info_rep *r)
{
	uint32_t class_rev = pci_cfg32(cfg, 0x08);

	r->vendor = pci_cfg16(cfg, 0x00);
	r->device = pci_cfg16(cfg, 0x02);
	r->revision = (uint8_t)class_rev;
	r->prog_if = (uint8_t)(class_rev >> 8);
	r->subclass = (uint8_t)(class_rev >> 16);
	r->class_code = (uint8_t)(class_rev >> 24);
	r->irq_line = pci_cfg8(cfg, 0x3C);
	r->irq_pin = pci_cfg8(cfg, 0x3D);
	if (r->irq_pin > 4) /* not a pin: treat as none */
		r->irq_pin = 0;
	if (!r->irq_pin)
		r->irq_line = 0xFF;
	pci_find_caps(cfg, &r->msi, &r->msix, &r->msix_size);
}

/* The size a BAR decodes from its read-back mask (type bits cleared):
 * the lowest set bit. 0 when no bit is writable (no BAR). */
static uint64_t bar_size(uint64_t mask)
{
	return mask & ~(mask - 1);
}

unsigned pci_bar_decode(const uint32_t orig[2], const uint32_t mask[2], int last, uint64_t *addr,
                        uint64_t *size)
{
	uint64_t m;

	*addr = *size = 0;
	if (orig[0] & 1) { /* I/O: ports 0-0xFFFF on x86, upper bits may read 0 */
		m = mask[0] & ~PCI_BAR_IO_MASK & 0xFFFF;
		*size = bar_size(m);
		if (*size)
			*addr = PCI_BAR_IO | (orig[0] & ~PCI_BAR_IO_MASK & 0xFFFF);
		return 1;
	}
	if (pci_bar_is_64(orig[0])) {
		if (last)
			return 1; /* the upper half would be past the header's BARs */
		m = ((uint64_t)mask[1] << 32 | mask[0]) & ~PCI_BAR_MEM_MASK;
		*size = bar_size(m);
		if (*size)
			*addr = PCI_BAR_64 | ((uint64_t)orig[1] << 32 | (orig[0] & ~PCI_BAR_MEM_MASK));
		if (*size && (orig[0] & 8))
			*addr |= PCI_BAR_PREF;
		return 2;
	}
	/* 32-bit (type 0) or the old below-1M type 1, both 32 bits wide. */
	m = mask[0] & ~PCI_BAR_MEM_MASK;
	*size = bar_size(m);
	if (*size)
		*addr = (orig[0] & ~PCI_BAR_MEM_MASK) | ((orig[0] & 8) ? PCI_BAR_PREF : 0);
	return 1;
}

/* Reading a PCI function's configuration space (servers/pci/): the bytes
 * only, no hardware, so the host tests (tests/host/test_pci.c) run it on
 * buffers. main.c reads the bytes through ECAM and does the BAR sizing's
 * writes; everything it learns from them is decided here. */
#pragma once

#include <stdint.h>

#include <kestrel/proto/pci.h>

#define PCI_CFG_SIZE      4096 /* one function's configuration space (ECAM) */
#define PCI_CFG_COMMAND   0x04
#define PCI_CFG_BAR0      0x10
#define PCI_CMD_DECODE    0x0003 /* I/O and memory space enable */
#define PCI_HEADER_BRIDGE 1      /* header type of a PCI-to-PCI bridge */

/* Little-endian reads of cfg at off (off + n <= PCI_CFG_SIZE). */
static inline uint32_t pci_cfg32(const volatile uint8_t *cfg, unsigned off)
{
	return *(const volatile uint32_t *)(cfg + off);
}
static inline uint16_t pci_cfg16(const volatile uint8_t *cfg, unsigned off)
{
	return *(const volatile uint16_t *)(cfg + off);
}
static inline uint8_t pci_cfg8(const volatile uint8_t *cfg, unsigned off)
{
	return cfg[off];
}

/* The header type's layout (bit 7, multi-function, masked off). */
static inline unsigned pci_header_type(const volatile uint8_t *cfg)
{
	return pci_cfg8(cfg, 0x0E) & 0x7F;
}

/* Function 0's header says whether functions 1-7 may exist. */
static inline int pci_multifunction(const volatile uint8_t *cfg)
{
	return (pci_cfg8(cfg, 0x0E) & 0x80) != 0;
}

/* How many BAR registers the header has: 6, 2 for a bridge, 0 for others. */
unsigned pci_bar_count(const volatile uint8_t *cfg);

/* The IDs, class, INTx and MSI/MSI-X capabilities of the function whose
 * configuration space is cfg, into r (BARs and driver left 0). */
void pci_parse_header(const volatile uint8_t *cfg, struct pci_info_rep *r);

/* Walks the capability list for MSI (id 5) and MSI-X (id 0x11): offsets
 * into *msi and *msix (0: none), the MSI-X table's entries into
 * *msix_size. A list that loops or points outside the header's
 * capability area (0x40-0xFF) ends the walk: at most 48 entries fit. */
void pci_find_caps(const volatile uint8_t *cfg, uint8_t *msi, uint8_t *msix, uint16_t *msix_size);

/* One BAR from its register value(s) before sizing (orig[0], and orig[1]
 * for a 64-bit BAR's upper half) and what read back after writing all ones
 * (mask[0], mask[1]). Fills *addr (address or first port, with PCI_BAR_*
 * flags; 0 when empty) and *size (bytes or ports; 0 when empty). Returns
 * how many registers it takes: 2 for a 64-bit BAR, else 1. last: this is
 * the header's last BAR register, so a 64-bit one here is malformed
 * (empty, 1 register). */
unsigned pci_bar_decode(const uint32_t orig[2], const uint32_t mask[2], int last, uint64_t *addr,
                        uint64_t *size);

/* Whether BAR register i (of pci_bar_count) is the low half of a 64-bit
 * memory BAR, so the sizing must do i + 1 too. */
static inline int pci_bar_is_64(uint32_t orig)
{
	return !(orig & 1) && ((orig >> 1) & 3) == 2;
}

/* The PCI bus server (servers/pci/): it alone reads the configuration
 * space, and it hands each driver exactly its own device.
 *
 * list: the index-th function found (E_NOT_FOUND past the last), for
 *   lspci. Open to every client.
 * claim: the caller's device, on the supervisor's word: the caller's
 *   manifest block names it (`pci VVVV:DDDD`), and the supervisor puts
 *   that vendor:device in the badge of the caller's capability to this
 *   service (PCI_BADGE_CLAIM). Answers the device's description and a
 *   frame capability for its 4 KiB of configuration space (read-write:
 *   the driver programs its own MSI or MSI-X there), and records the
 *   caller as its driver. The first function with that vendor:device not
 *   claimed by another server is the one; a restarted driver (the same
 *   server) gets its own device again. PE_NO_SERVICE without a claim in
 *   the badge, E_NOT_FOUND when no such device is free.
 * bar: a capability for BAR n of the claimed device, exactly its range: a
 *   frame of device memory for a memory BAR, an I/O port capability for
 *   an I/O BAR. E_BAD_STATE before claim, E_NOT_FOUND for an empty BAR. */
#pragma once

#include <stdint.h>

#include <kestrel/protocols.h>

#define PCI_SERVICE  "pci" /* the service name whose lookup carries the claim */
#define PCI_MAX_BARS 6

/* The badge bits the supervisor sets for a block's `pci` line: vendor in
 * the low 16 bits of the claim, device in the high 16. */
#define PCI_BADGE_CLAIM(badge)      (((badge) >> 16) & 0xFFFFFFFFu)
#define PCI_CLAIM(vendor, device)   ((uint64_t)(vendor) | (uint64_t)(device) << 16)
#define PCI_BADGE_WITH_CLAIM(claim) ((uint64_t)(claim) << 16)

#define PCI_BAR_IO      (1ULL << 63) /* bar_addr: an I/O port range, not memory */
#define PCI_BAR_64      (1ULL << 62) /* a 64-bit memory BAR (it used the next slot too) */
#define PCI_BAR_PREF    (1ULL << 61) /* prefetchable */
#define PCI_BAR_ADDR(a) ((a) & ((1ULL << 61) - 1))

struct pci_none {
	uint64_t unused;
};
struct pci_index_req {
	uint64_t index;
};
struct pci_bar_req {
	uint64_t bar;
};

/* What lspci shows of a function, and what a driver learns at claim. */
struct pci_info_rep {
	uint64_t bdf; /* bus << 8 | device << 3 | function */
	uint16_t vendor, device;
	uint8_t class_code, subclass, prog_if, revision;
	uint64_t bar_addr[PCI_MAX_BARS]; /* address or first port, with PCI_BAR_* flags; 0: none */
	uint64_t bar_size[PCI_MAX_BARS]; /* bytes, or ports */
	uint8_t irq_line;                /* INTx: the IOAPIC line firmware routed (0xFF: none) */
	uint8_t irq_pin;                 /* 1-4 for INTA-INTD, 0: none */
	uint8_t msi;                     /* offset of its MSI capability, 0: none */
	uint8_t msix;                    /* offset of its MSI-X capability, 0: none */
	uint16_t msix_size;              /* MSI-X table entries */
	uint16_t pad;
	uint64_t driver; /* the supervisor's index + 1 of the server that claimed it, 0: none */
};

#define PCI_OPS(X)                                                                              \
	X(pci, list, PCI_BASE + 1, PROTO_IDEMPOTENT, struct pci_index_req, struct pci_info_rep) \
	X(pci, claim, PCI_BASE + 2, PROTO_IDEMPOTENT | PROTO_CAPS_OUT(1), struct pci_none,      \
	  struct pci_info_rep)                                                                  \
	X(pci, bar, PCI_BASE + 3, PROTO_IDEMPOTENT | PROTO_CAPS_OUT(1), struct pci_bar_req, struct pci_none)

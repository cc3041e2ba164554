/* The PCI bus server's state, shared by main.c (start-up: finding every
 * function through ECAM and sizing its BARs) and pci_srv.c (the calls of
 * include/kestrel/proto/pci.h).
 *
 * Theory of operation. The manifest gives the server device-memory
 * ranges (devrange lines): the first is the configuration space, ECAM,
 * 1 MiB a bus from bus 0 (q35's MMCONFIG at 0xB0000000; we take it from
 * the manifest rather than parse ACPI's MCFG table); the others are the
 * windows where firmware placed the BARs. Its ports lines are the I/O
 * windows. At start it maps ECAM bus by bus, walks bus 0 and every bus
 * behind a bridge, sizes each BAR once and keeps what it found in
 * pci_funcs. A driver's capability to us is badged by the supervisor
 * with the device its manifest block names (pci.h); claim gives it the
 * first such function not held by another server, and bar a frame or
 * port capability of exactly one BAR of it, made from our ranges. One
 * thread: nothing needs a lock. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/proto/pci.h>

#include "proto.h"

#define PCI_MAX_FUNCS 64
#define PCI_MAX_BUSES 256

struct pci_func {
	struct pci_info_rep pf_info; /* what list answers; pf_info.driver: the claimer's badge index */
	uint64_t pf_cfg_phys;        /* its 4 KiB of ECAM */
};

extern struct pci_func pci_funcs[PCI_MAX_FUNCS];
extern unsigned pci_nfuncs;

/* The table and its claims in the vault (the manifest's `vault 2`), so a
 * restarted instance takes them over rather than scanning the bus again:
 * sizing BARs writes every device's BARs with its decoding off, under
 * drivers using it, and a new table would forget which driver holds which
 * device (its next bar call refused). At most PCI_KEPT_FUNCS functions
 * are kept; more, and every start scans. */
#define PCI_KEPT_FUNCS 24
void pci_keep(void);
/* Takes over the kept table if each function in it still answers at its
 * place with its ids (bus_cfg maps a bus's configuration space, NULL if it
 * cannot); true if it did. */
bool pci_take_over(volatile uint8_t *(*bus_cfg)(unsigned bus));

PROTO_SERVER(PCI_OPS)

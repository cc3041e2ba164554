/* pci: the PCI bus server. Start-up: map the configuration space (ECAM,
 * the first devrange line of its manifest block), find every function on
 * bus 0 and behind bridges, size the BARs; then serve PCI_OPS
 * (pci_srv.c). The theory of operation is in pci_srv.h. */
#include <stdio.h>

#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/proto/supervisor.h>

#include "pci_parse.h"
#include "pci_srv.h"
#include "server.h"
#include "slots.h"
#include "syscalls.h"
#include "vspace.h"

#define ECAM_BUS_BYTES (1ULL << 20) /* 32 devices x 8 functions x 4 KiB */

static const struct server_res *ecam;
static volatile uint8_t *ecam_bus[PCI_MAX_BUSES]; /* mapped on first use */
static uint8_t bus_seen[PCI_MAX_BUSES];

/* Bus bus's configuration space, mapped read-write; NULL if ECAM (as the
 * manifest gives it) does not reach that far or the mapping fails. */
static volatile uint8_t *bus_map(unsigned bus)
{
	uint64_t frame, va, pa = ecam->sr_first + bus * ECAM_BUS_BYTES;

	if (ecam_bus[bus] || (bus + 1) * ECAM_BUS_BYTES > ecam->sr_count)
		return ecam_bus[bus];
	frame = slot_alloc();
	if (sys_mem_device(ecam->sr_slot, frame, pa, ECAM_BUS_BYTES / PAGE_SIZE) != E_OK ||
	    vspace_map(frame, ECAM_BUS_BYTES / PAGE_SIZE, R_READ | R_WRITE, 1, &va) != E_OK) {
		printf("pci: cannot map bus %u's configuration space at %#lx\n", bus, pa);
		sys_cap_delete(frame);
		slot_free(frame);
		return NULL;
	}
	return ecam_bus[bus] = (volatile uint8_t *)va;
}

static void cfg_write32(volatile uint8_t *cfg, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(cfg + off) = v;
}

/* Sizes each BAR the standard way: with decoding off, write all ones,
 * read back what sticks, put the old value back. */
static void size_bars(volatile uint8_t *cfg, struct pci_info_rep *r)
{
	unsigned n = pci_bar_count(cfg), i = 0;
	uint16_t cmd = pci_cfg16(cfg, PCI_CFG_COMMAND);

	*(volatile uint16_t *)(cfg + PCI_CFG_COMMAND) = cmd & (uint16_t)~PCI_CMD_DECODE;
	while (i < n) {
		uint32_t orig[2] = { pci_cfg32(cfg, PCI_CFG_BAR0 + i * 4), 0 }, mask[2] = { 0, 0 };
		unsigned regs = pci_bar_is_64(orig[0]) && i + 1 < n ? 2 : 1;

		for (unsigned k = 0; k < regs; k++) {
			unsigned off = PCI_CFG_BAR0 + (i + k) * 4;

			orig[k] = pci_cfg32(cfg, off);
			cfg_write32(cfg, off, 0xFFFFFFFF);
			mask[k] = pci_cfg32(cfg, off);
			cfg_write32(cfg, off, orig[k]);
		}
		/* lspci and pci_bar count BARs by register: a 64-bit BAR
		 * is its first register's, the next stays empty. */
		i += pci_bar_decode(orig, mask, i + 1 == n, &r->bar_addr[i], &r->bar_size[i]);
	}
	*(volatile uint16_t *)(cfg + PCI_CFG_COMMAND) = cmd;
}

static void scan_bus(unsigned bus);

/* Records the function at bus:dev.fn and follows a bridge to its bus. */
static void add_function(unsigned bus, unsigned dev, unsigned fn, volatile uint8_t *cfg)
{
	struct pci_func *f;

	if (pci_nfuncs == PCI_MAX_FUNCS) {
		printf("pci: more than %d functions; %02x:%02x.%u and later not kept\n", PCI_MAX_FUNCS, bus,
		       dev, fn);
		return;
	}
	f = &pci_funcs[pci_nfuncs++];
	f->pf_info.bdf = bus << 8 | dev << 3 | fn;
	f->pf_cfg_phys = ecam->sr_first + (f->pf_info.bdf << 12);
	pci_parse_header(cfg, &f->pf_info);
	size_bars(cfg, &f->pf_info);
	if (pci_header_type(cfg) == PCI_HEADER_BRIDGE)
		scan_bus(pci_cfg8(cfg, 0x19)); /* its secondary bus */
}

/* Every function of bus, once: a bridge loop or a bus numbered back to
 * one already walked ends there. */
static void scan_bus(unsigned bus)
{
	volatile uint8_t *b = bus < PCI_MAX_BUSES && !bus_seen[bus] ? bus_map(bus) : NULL;

	if (!b)
		return;
	bus_seen[bus] = 1;
	for (unsigned dev = 0; dev < 32; dev++)
		for (unsigned fn = 0; fn < 8; fn++) {
			volatile uint8_t *cfg = b + (dev << 15 | fn << 12);

			if (pci_cfg16(cfg, 0x00) == 0xFFFF) {
				if (fn == 0)
					break; /* no device: functions 1-7 neither */
				continue;
			}
			add_function(bus, dev, fn, cfg);
			if (fn == 0 && !pci_multifunction(cfg))
				break;
		}
}

static const struct proto_op ops[] = PROTO_TABLE(PCI_OPS);

int main(void)
{
	ecam = server_resource(SERVER_RES_DEVRANGE, 0);
	if (!ecam || ecam->sr_count < ECAM_BUS_BYTES) {
		printf("pci: the manifest must give ECAM as the first devrange line "
		       "(q35: devrange 0xb0000000 0x10000000)\n");
		return (int)PE_BAD_REQUEST;
	}
	if (pci_take_over(bus_map)) {
		printf("pci: %u functions, taken over from the previous instance (no BAR sized again)\n",
		       pci_nfuncs);
	} else {
		scan_bus(0);
		printf("pci: %u functions\n", pci_nfuncs);
		pci_keep();
	}
	return (int)server_run(ops, sizeof(ops) / sizeof(ops[0]), NULL);
}

/* suptest's PCI roles (tests/sup/manifest.txt; tests/qemu/supervisor.sh
 * adds QEMU's edu device, 1234:11e8). As "claimer" (a `pci 1234:11e8`
 * line) it claims edu, reads its IDs through the configuration page and
 * its identification register through BAR 0, finds BAR 1 empty, then
 * holds the device. As "twin" (the same line) it waits until claimer is
 * up and finds the device taken. Each check is one TAP line. */
#include <stdio.h>
#include <string.h>

#include <kestrel/proto/pci.h>
#include <kestrel/proto/supervisor.h>

#include "claimer.h"
#include "ipc.h"
#include "server.h"
#include "sleep.h"
#include "syscalls.h"
#include "vspace.h"

PROTO_CLIENT(PCI_OPS)
PROTO_CLIENT(SUP_OPS)

#define EDU_IDS   0x11e81234u /* device << 16 | vendor: configuration space dword 0 */
#define EDU_MAGIC 0x010000edu /* its BAR 0 register 0: version 1.0, 0xed */

/* The configuration page and BAR 0 that claim and bar gave, each read. */
static void claimed_device_checks(struct proto_client *pci, const struct pci_info_rep *r, uint64_t cfg,
                                  void (*tap)(int ok, const char *name, long detail))
{
	struct proto_xfer x = { { 0 }, NULL, 0 };
	struct pci_none none;
	struct cap_info ci = { 0 };
	uint64_t va = 0, reg = 0;
	long e;

	e = vspace_map(cfg, 1, R_READ | R_WRITE, 1, &va);
	tap(e == E_OK && *(volatile uint32_t *)va == EDU_IDS, "claimed_config_page_holds_the_devices_ids",
	    e ? e : (long)*(volatile uint32_t *)va);
	e = pci_bar_x(pci, &(struct pci_bar_req){ 0 }, &none, &x);
	if (e == E_OK)
		e = sys_cap_identify_out(x.px_caps[0], &ci);
	if (e == E_OK && ci.ci_badge * 4096 != r->bar_size[0])
		e = -1000; /* not exactly the BAR (out2: a frame's pages) */
	if (e == E_OK)
		e = vspace_map(x.px_caps[0], 1, R_READ, 1, &va);
	if (e == E_OK)
		reg = *(volatile uint32_t *)va;
	tap(e == E_OK && reg == EDU_MAGIC, "bar_frame_is_exactly_the_bar_and_reaches_its_registers",
	    e ? e : (long)reg);
	e = pci_bar_x(pci, &(struct pci_bar_req){ 1 }, &none, &x);
	tap(e == E_NOT_FOUND, "bar_that_is_empty_is_not_found", e);
	e = pci_bar_x(pci, &(struct pci_bar_req){ PCI_MAX_BARS }, &none, &x);
	tap(e == E_BAD_ARG, "bar_past_the_last_is_refused", e);
}

/* claimer's block has `irq 24`: an MSI vector, listed with the address
 * and data its device must write, not as an IOAPIC line. */
static void msi_line_checks(void (*tap)(int ok, const char *name, long detail))
{
	const struct server_res *r = server_resource(SERVER_RES_MSI, 0);
	struct cap_info ci = { 0 };
	long e = r ? sys_cap_identify_out(r->sr_slot, &ci) : -1000;

	if (e == E_OK &&
	    (ci.ci_type != CAP_IRQ || server_self()->si_irq || server_resource(SERVER_RES_IRQ, 0)))
		e = -1001;
	if (e == E_OK && ((r->sr_first & ~0xFFFFFull) != 0xFEE00000 || !r->sr_count || r->sr_count > 0xFF))
		e = -1002; /* the LAPIC's MSI window; the data is a vector */
	tap(e == E_OK, "msi_line_gives_its_address_and_data", e);
}

int claimer_run(void (*tap)(int ok, const char *name, long detail))
{
	struct proto_client pci;
	struct proto_xfer x = { { 0 }, NULL, 0 };
	struct pci_info_rep r = { 0 }, again = { 0 };
	struct pci_none none = { 0 };
	struct msg m;
	long e;

	e = service_lookup(PCI_SERVICE, &pci);
	if (e == E_OK)
		e = pci_claim_x(&pci, &none, &r, &x);
	tap(e == E_OK && r.vendor == 0x1234 && r.device == 0x11e8 && r.driver && x.px_caps[0],
	    "claim_gives_the_device_the_manifest_names", e ? e : (long)r.device);
	if (e == E_OK)
		claimed_device_checks(&pci, &r, x.px_caps[0], tap);
	e = pci_claim_x(&pci, &none, &again, &x);
	tap(e == E_OK && again.bdf == r.bdf, "claim_again_by_its_holder_gives_the_same_device", e);
	msi_line_checks(tap);
	server_ready(); /* the twin waits for this, then finds edu taken */
	for (;;)
		ipc_recv(server_self()->si_ep, IPC_FOREVER, &m); /* holds the claim */
}

int claimer_twin(void (*tap)(int ok, const char *name, long detail))
{
	struct proto_client pci, sup = { .pc_ep = server_self()->si_sup, .pc_retries = 1 };
	struct proto_xfer x = { { 0 }, NULL, 0 };
	struct pci_info_rep r;
	struct pci_none none = { 0 };
	struct sup_list_rep s = { 0 };
	long e = E_OK;

	for (unsigned tries = 0; tries < 500; tries++) {
		for (uint64_t i = 0; sup_list(&sup, &(struct sup_index_req){ i }, &s) == E_OK; i++)
			if (strcmp(s.name, "claimer") == 0)
				break;
		if (strcmp(s.name, "claimer") == 0 && s.state == SUP_UP)
			break;
		sleep_ms(server_self()->si_pool, 10);
	}
	if (s.state != SUP_UP)
		e = -1000; /* claimer never came up */
	if (e == E_OK)
		e = service_lookup(PCI_SERVICE, &pci);
	if (e == E_OK)
		e = pci_claim_x(&pci, &none, &r, &x);
	tap(e == E_NOT_FOUND, "second_server_with_the_same_pci_line_finds_it_taken", e);
	/* The PCI server crashed: its next instance takes the table and the
	 * claims over from its vault, so edu is still claimer's. */
	{
		struct sup_generation_rep g = { 0 };
		uint64_t was = 0;
		long crashed = sup_crash(&sup, &(struct sup_name_req){ PCI_SERVICE }, &g);

		was = g.generation;
		for (unsigned tries = 0; crashed == E_OK && tries < 500; tries++) {
			for (uint64_t i = 0; sup_list(&sup, &(struct sup_index_req){ i }, &s) == E_OK; i++)
				if (strcmp(s.name, PCI_SERVICE) == 0)
					break;
			if (s.state == SUP_UP && s.generation > was)
				break;
			sleep_ms(server_self()->si_pool, 10);
		}
		e = crashed == E_OK ? pci_claim_x(&pci, &none, &r, &x) : crashed;
		tap(e == E_NOT_FOUND && s.generation > was, "a_claim_outlives_the_pci_servers_restart",
		    e == E_OK ? -2000 : e);
	}
	return 0;
}

void claimer_unclaimed(void (*tap)(int ok, const char *name, long detail))
{
	struct proto_client pci;
	struct proto_xfer x = { { 0 }, NULL, 0 };
	struct pci_info_rep r;
	struct pci_none none = { 0 };
	long e, e_bar = E_OK, e_list = E_OK;

	e = service_lookup(PCI_SERVICE, &pci);
	if (e == E_OK) {
		e_list = pci_list(&pci, &(struct pci_index_req){ 0 }, &r);
		e_bar = pci_bar_x(&pci, &(struct pci_bar_req){ 0 }, &none, &x);
		e = pci_claim_x(&pci, &none, &r, &x);
	}
	tap(e == PE_NO_SERVICE && e_bar == E_BAD_STATE && e_list == E_OK,
	    "claim_without_a_pci_line_is_refused_and_list_is_open", e != PE_NO_SERVICE ? e : e_bar);
}

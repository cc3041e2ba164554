/* The PCI server's calls (include/kestrel/proto/pci.h): list for lspci,
 * claim and bar for drivers, each answering only what the supervisor's
 * badge allows. */
#include <string.h>

#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/proto/supervisor.h>

#include "pci_parse.h"
#include "pci_srv.h"
#include "server.h"
#include "slots.h"
#include "syscalls.h"
#include "vault.h"

#define PAGE        4096ULL
#define CLIENT_MASK 0xFFFFULL /* the supervisor's index + 1 of the caller */

struct pci_func pci_funcs[PCI_MAX_FUNCS];
unsigned pci_nfuncs;

#define PCI_VAULT_VERSION 1

static struct pci_kept {
	uint64_t pk_nfuncs;
	struct pci_func pk_funcs[PCI_KEPT_FUNCS];
} kept;
static struct vault vault;
static bool vault_ok;

void pci_keep(void)
{
	if (!vault_ok || pci_nfuncs > PCI_KEPT_FUNCS)
		return;
	kept.pk_nfuncs = pci_nfuncs;
	memcpy(kept.pk_funcs, pci_funcs, pci_nfuncs * sizeof(pci_funcs[0]));
	vault_save(&vault, PCI_VAULT_VERSION, &kept, sizeof(kept));
}

bool pci_take_over(volatile uint8_t *(*bus_cfg)(unsigned bus))
{
	const struct server_res *ecam = server_resource(SERVER_RES_DEVRANGE, 0);
	size_t bytes;
	void *base = server_vault(&bytes);

	vault_ok = base && vault_open(&vault, base, bytes) == E_OK && vault_capacity(&vault) >= sizeof(kept);
	if (!vault_ok || vault_load(&vault, PCI_VAULT_VERSION, &kept, sizeof(kept)) != E_OK ||
	    kept.pk_nfuncs == 0 || kept.pk_nfuncs > PCI_KEPT_FUNCS)
		return false;
	/* Saved whole, but by an instance that may have had a flipped bit:
	 * each function must be where its number says, with the ids the
	 * hardware answers there now (reading does not disturb it). */
	for (unsigned i = 0; i < kept.pk_nfuncs; i++) {
		const struct pci_func *f = &kept.pk_funcs[i];
		uint64_t bdf = f->pf_info.bdf;
		volatile uint8_t *b = bdf >> 8 < PCI_MAX_BUSES ? bus_cfg((unsigned)(bdf >> 8)) : NULL;
		volatile uint8_t *cfg = b ? b + ((bdf & 0xFF) << 12) : NULL;

		if (bdf > 0xFFFF || f->pf_cfg_phys != ecam->sr_first + (bdf << 12) || !cfg ||
		    pci_cfg16(cfg, 0x00) != f->pf_info.vendor || pci_cfg16(cfg, 0x02) != f->pf_info.device)
			return false;
	}
	memcpy(pci_funcs, kept.pk_funcs, kept.pk_nfuncs * sizeof(pci_funcs[0]));
	pci_nfuncs = (unsigned)kept.pk_nfuncs;
	return true;
}

long pci_list_srv(struct proto_ctx *ctx, const struct pci_index_req *q, struct pci_info_rep *r)
{
	(void)ctx;
	if (q->index >= pci_nfuncs)
		return E_NOT_FOUND;
	*r = pci_funcs[q->index].pf_info;
	return 0;
}

/* The function with vendor:device of claim held by driver, or NULL. */
static struct pci_func *find(uint64_t claim, uint64_t driver)
{
	for (unsigned i = 0; i < pci_nfuncs; i++) {
		const struct pci_info_rep *f = &pci_funcs[i].pf_info;

		if (PCI_CLAIM(f->vendor, f->device) == claim && f->driver == driver)
			return &pci_funcs[i];
	}
	return NULL;
}

/* A frame of device memory from the first of our devrange entries that
 * holds all of [pa, pa + pages), in a fresh slot; R_CONTROL taken off, so
 * the driver can map it and nothing more. */
static long device_frame(uint64_t pa, uint64_t pages, uint64_t *slot)
{
	const struct server_res *d;
	uint64_t made = slot_alloc(), out = slot_alloc();
	long e = E_NO_RIGHTS; /* outside every range the manifest gave us */

	for (unsigned i = 0; (d = server_resource(SERVER_RES_DEVRANGE, i)) != NULL; i++) {
		if (pa < d->sr_first || pa + pages * PAGE > d->sr_first + d->sr_count)
			continue;
		if ((e = sys_mem_device(d->sr_slot, made, pa, pages)) == E_OK)
			e = sys_cap_copy(made, server_self()->si_self, out, R_READ | R_WRITE, 0,
			                 CAP_COPY_MOVE);
		break;
	}
	sys_cap_delete(made);
	slot_free(made);
	if (e != E_OK) {
		slot_free(out);
		return e;
	}
	*slot = out;
	return E_OK;
}

long pci_claim_srv(struct proto_ctx *ctx, const struct pci_none *q, struct pci_info_rep *r)
{
	uint64_t claim = PCI_BADGE_CLAIM(ctx->pc_badge), me = ctx->pc_badge & CLIENT_MASK, cfg;
	struct pci_func *f;
	long e;

	(void)q;
	if (!claim)
		return PE_NO_SERVICE; /* its manifest block names no device */
	/* A restarted driver finds the one it held; else the first free. */
	if (!(f = find(claim, me)) && !(f = find(claim, 0)))
		return E_NOT_FOUND;
	if ((e = device_frame(f->pf_cfg_phys, 1, &cfg)) != E_OK)
		return e;
	if (f->pf_info.driver != me) {
		f->pf_info.driver = me;
		pci_keep();
	}
	*r = f->pf_info;
	ctx->pc_reply_caps[0] = cfg;
	return 0;
}

/* Whether [first, first + bytes) touches a memory BAR of a function other
 * than mine: a page shared with another device's registers is not given. */
static int shares_a_page(const struct pci_func *mine, uint64_t first, uint64_t bytes)
{
	for (unsigned i = 0; i < pci_nfuncs; i++)
		for (unsigned b = 0; b < PCI_MAX_BARS && &pci_funcs[i] != mine; b++) {
			uint64_t a = pci_funcs[i].pf_info.bar_addr[b], n = pci_funcs[i].pf_info.bar_size[b];

			if (n && !(a & PCI_BAR_IO) && PCI_BAR_ADDR(a) < first + bytes &&
			    first < PCI_BAR_ADDR(a) + n)
				return 1;
		}
	return 0;
}

/* An I/O port capability for [first, first + count) from the first of
 * our ports entries that holds it. */
static long port_range(uint64_t first, uint64_t count, uint64_t *slot)
{
	const struct server_res *p;
	uint64_t out = slot_alloc();

	for (unsigned i = 0; (p = server_resource(SERVER_RES_PORTS, i)) != NULL; i++)
		if (first >= p->sr_first && first + count <= p->sr_first + p->sr_count &&
		    sys_ioport_get(p->sr_slot, out, first, count) == E_OK) {
			*slot = out;
			return E_OK;
		}
	slot_free(out);
	return E_NO_RIGHTS;
}

long pci_bar_srv(struct proto_ctx *ctx, const struct pci_bar_req *q, struct pci_none *r)
{
	uint64_t me = ctx->pc_badge & CLIENT_MASK, claim = PCI_BADGE_CLAIM(ctx->pc_badge), a, n, first, slot;
	struct pci_func *f = claim ? find(claim, me) : NULL;
	long e;

	(void)r;
	if (!f)
		return E_BAD_STATE; /* claim first */
	if (q->bar >= PCI_MAX_BARS)
		return E_BAD_ARG;
	a = f->pf_info.bar_addr[q->bar];
	n = f->pf_info.bar_size[q->bar];
	if (!n || !PCI_BAR_ADDR(a))
		return E_NOT_FOUND; /* empty, or left unassigned by firmware */
	if (a & PCI_BAR_IO) {
		e = port_range(PCI_BAR_ADDR(a), n, &slot);
	} else {
		/* Whole pages: the BAR's own, and none with another device's. */
		first = PCI_BAR_ADDR(a) & ~(PAGE - 1);
		n = (PCI_BAR_ADDR(a) + n + PAGE - 1) / PAGE * PAGE - first;
		e = shares_a_page(f, first, n) ? E_NO_RIGHTS : device_frame(first, n / PAGE, &slot);
	}
	if (e == E_OK)
		ctx->pc_reply_caps[0] = slot;
	return e;
}

/* The virtio-pci 1.x transport (see virtio.h). */
#include "virtio.h"

#include <kestrel/error.h>

#include "ipc.h"
#include "server.h"
#include "syscalls.h"
#include "vspace.h"

PROTO_CLIENT(PCI_OPS)
PROTO_CLIENT(SUP_OPS)

#define PCI_COMMAND    0x04
#define PCI_CMD_MEMORY 0x2
#define PCI_CMD_MASTER 0x4
#define PCI_CAP_PTR    0x34
#define MSIX_ENABLE    0x8000
#define MSIX_FUNC_MASK 0x4000

static uint16_t cfg16(const struct virtio_pci *v, unsigned off)
{
	return *(volatile uint16_t *)(v->vp_config + off);
}

static uint32_t cfg32(const struct virtio_pci *v, unsigned off)
{
	return *(volatile uint32_t *)(v->vp_config + off);
}

static void cfg16_set(struct virtio_pci *v, unsigned off, uint16_t x)
{
	*(volatile uint16_t *)(v->vp_config + off) = x;
}

/* BAR n of the device, mapped (once). A call that failed leaves its
 * error in *why (the first one), to tell a device without what we need
 * from a PCI server restarted under us (it no longer knows our claim). */
static volatile uint8_t *bar(struct proto_client *pci, const struct pci_info_rep *info, unsigned n, long *why)
{
	static volatile uint8_t *mapped[PCI_MAX_BARS];
	struct pci_bar_req q = { n };
	struct pci_none none;
	struct proto_xfer x = { .px_len = 0 };
	uint64_t va;
	long e;

	if (n >= PCI_MAX_BARS || !info->bar_size[n] || (info->bar_addr[n] & PCI_BAR_IO))
		return NULL;
	if (!mapped[n]) {
		if ((e = pci_bar_x(pci, &q, &none, &x)) == E_OK)
			e = vspace_map(x.px_caps[0], (info->bar_size[n] + 4095) / 4096, R_READ | R_WRITE, 1,
			               &va);
		if (e == E_OK)
			mapped[n] = (volatile uint8_t *)va;
		else if (*why == E_OK)
			*why = e;
	}
	return mapped[n];
}

long virtio_pci_attach(struct virtio_pci *v, struct proto_client *pci, const struct pci_info_rep *info,
                       uint64_t config)
{
	uint64_t va;
	unsigned at, guard = 0;
	long why = E_OK;

	if (vspace_map(config, 1, R_READ | R_WRITE, 1, &va) != E_OK)
		return E_NO_MEMORY;
	v->vp_config = (volatile uint8_t *)va;
	/* The capability list, bounded: a list that loops is not followed for ever. */
	for (at = v->vp_config[PCI_CAP_PTR] & 0xFC; at >= 0x40 && at < 0x100 && guard < 48;
	     at = v->vp_config[at + 1] & 0xFC, guard++) {
		uint8_t id = v->vp_config[at], type = v->vp_config[at + 3], n = v->vp_config[at + 4];
		uint32_t off = cfg32(v, at + 8);
		volatile uint8_t *b;

		if (id == PCI_CAP_MSIX) {
			uint32_t table = cfg32(v, at + 4);

			v->vp_msix_cap = (uint8_t)at;
			if ((b = bar(pci, info, table & 7, &why)))
				v->vp_msix_table = (volatile uint32_t *)(b + (table & ~7u));
			continue;
		}
		if (id != PCI_CAP_VENDOR || !(b = bar(pci, info, n, &why)) || off >= info->bar_size[n])
			continue;
		if (type == VIRTIO_PCI_CAP_COMMON)
			v->vp_common = (volatile void *)(b + off);
		else if (type == VIRTIO_PCI_CAP_NOTIFY) {
			v->vp_notify_base = b + off;
			v->vp_notify_mult = cfg32(v, at + 16);
		} else if (type == VIRTIO_PCI_CAP_DEVICE)
			v->vp_device = (volatile void *)(b + off);
	}
	if (!v->vp_common || !v->vp_notify_base || !v->vp_device || !v->vp_msix_table)
		return why != E_OK ? why : PE_BAD_REQUEST; /* else not a virtio 1.x device with MSI-X */
	cfg16_set(v, PCI_COMMAND, (uint16_t)(cfg16(v, PCI_COMMAND) | PCI_CMD_MEMORY | PCI_CMD_MASTER));
	return E_OK;
}

bool virtio_setup_lasting(long e)
{
	return e == E_NOT_FOUND || e == PE_NO_SERVICE || e == PE_BAD_REQUEST;
}

long virtio_pci_reset(struct virtio_pci *v)
{
	volatile struct virtio_pci_common *c = v->vp_common;

	struct proto_client sup = { .pc_ep = server_self()->si_sup };

	c->device_status = 0; /* reset: reads 0 once done */
	for (unsigned i = 0; c->device_status != 0; i++)
		if (i > 1000000)
			return E_TIMEOUT;
	sup_dma_reset(&sup, &(struct sup_dma_keep_req){ 0 }, &(struct sup_dma_keep_rep){ 0 });
	return E_OK;
}

long virtio_pci_start(struct virtio_pci *v, uint64_t wanted)
{
	volatile struct virtio_pci_common *c = v->vp_common;
	uint64_t offered;
	long e = virtio_pci_reset(v);

	if (e != E_OK)
		return e;
	c->device_status = VIRTIO_S_ACKNOWLEDGE;
	c->device_status = VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER;
	c->device_feature_select = 0;
	offered = c->device_feature;
	c->device_feature_select = 1;
	offered |= (uint64_t)c->device_feature << 32;
	if (!(offered & VIRTIO_F_VERSION_1))
		return PE_BAD_REQUEST;
	v->vp_features = offered & (wanted | VIRTIO_F_VERSION_1);
	c->driver_feature_select = 0;
	c->driver_feature = (uint32_t)v->vp_features;
	c->driver_feature_select = 1;
	c->driver_feature = (uint32_t)(v->vp_features >> 32);
	c->device_status = VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK;
	if (!(c->device_status & VIRTIO_S_FEATURES_OK)) {
		c->device_status = VIRTIO_S_FAILED;
		return PE_BAD_REQUEST;
	}
	return E_OK;
}

void virtio_pci_config_read(struct virtio_pci *v, unsigned off, void *dst, unsigned len)
{
	volatile const uint8_t *src = (volatile const uint8_t *)v->vp_device + off;
	uint8_t before;
	unsigned tries = 0;

	do { /* bounded: a device that never settles gets its last reading */
		before = v->vp_common->config_generation;
		for (unsigned i = 0; i < len; i++)
			((uint8_t *)dst)[i] = src[i];
	} while (v->vp_common->config_generation != before && ++tries < 100);
}

long virtio_pci_msix(struct virtio_pci *v, uint64_t address, uint64_t data)
{
	volatile uint32_t *e = v->vp_msix_table; /* entry 0: address, upper address, data, control */

	e[0] = (uint32_t)address;
	e[1] = (uint32_t)(address >> 32);
	e[2] = (uint32_t)data;
	e[3] = 0; /* not masked */
	cfg16_set(v, v->vp_msix_cap + 2,
	          (uint16_t)((cfg16(v, v->vp_msix_cap + 2) | MSIX_ENABLE) & ~MSIX_FUNC_MASK));
	v->vp_common->msix_config = VIRTIO_NO_VECTOR;
	return E_OK;
}

static void set64(volatile uint64_t *field, uint64_t x)
{
	volatile uint32_t *half = (volatile uint32_t *)field;

	half[0] = (uint32_t)x;
	half[1] = (uint32_t)(x >> 32);
}

uint16_t virtio_pci_queue_size(struct virtio_pci *v, uint16_t n)
{
	v->vp_common->queue_select = n;
	return v->vp_common->queue_size;
}

long virtio_pci_queue(struct virtio_pci *v, uint16_t n, struct virtq *q, uint16_t vector,
                      volatile uint16_t **notify)
{
	volatile struct virtio_pci_common *c = v->vp_common;

	c->queue_select = n;
	c->queue_size = q->vq_size;
	c->queue_msix_vector = vector;
	if (c->queue_msix_vector != vector)
		return E_NO_MEMORY; /* the device could not take the vector */
	/* 64-bit fields as two 32-bit halves, which every transport takes. */
	set64(&c->queue_desc, q->vq_desc_pa);
	set64(&c->queue_driver, q->vq_avail_pa);
	set64(&c->queue_device, q->vq_used_pa);
	*notify =
	        (volatile uint16_t *)(v->vp_notify_base + (uint64_t)c->queue_notify_off * v->vp_notify_mult);
	c->queue_enable = 1;
	return E_OK;
}

void virtio_pci_ready(struct virtio_pci *v)
{
	v->vp_common->device_status =
	        VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK | VIRTIO_S_DRIVER_OK;
}

long virtio_dma_keep(uint64_t frame)
{
	struct proto_client sup = { .pc_ep = server_self()->si_sup };
	struct proto_xfer x = { .px_caps = { frame } }; /* a copy goes */

	return sup_dma_keep_x(&sup, &(struct sup_dma_keep_req){ 0 }, &(struct sup_dma_keep_rep){ 0 }, &x);
}

void virtio_dma_drop(uint64_t pa)
{
	struct proto_client sup = { .pc_ep = server_self()->si_sup };

	sup_dma_drop(&sup, &(struct sup_dma_drop_req){ pa }, &(struct sup_dma_keep_rep){ 0 });
}

void *virtio_dma_alloc(uint64_t pages, uint64_t *pa)
{
	uint64_t frame = slot_alloc(), va = 0, n;

	if (frame != CAP_NULL && sys_mem_alloc(server_self()->si_pool, frame, pages, MEM_DMA) == E_OK &&
	    sys_mem_phys_out(frame, pa, &n) == E_OK && virtio_dma_keep(frame) == E_OK &&
	    vspace_map(frame, pages, R_READ | R_WRITE, 1, &va) == E_OK)
		return (void *)va;
	return NULL;
}

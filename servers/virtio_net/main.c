/* virtio_net: the driver of a virtio-net card over virtio-pci 1.x (PCI
 * 1af4:1041), serving the NIC protocol (include/kestrel/proto/nic.h) to
 * one client at a time.
 *
 * Start-up: claim the device from the PCI server, map what its virtio
 * capabilities name, bind the MSI vector of the manifest's irq line,
 * agree on VERSION_1, MAC, STATUS and MTU (as offered; no offload, no
 * merged receive buffers, no control queue) to read the configuration,
 * lay out both queues' rings and the frame headers in DMA memory, and
 * reset the device: without a client it stays reset. A driver that finds
 * no card, or one it cannot drive, says why and stays up answering every
 * call with that error, rather than dying and being restarted in a loop
 * (its client's calls would wait for ever for a driver that never
 * becomes ready).
 *
 * attach starts the device again from reset, both queues empty and MSI-X
 * entry 0 raising our vector for both, and hands the client's rings to
 * vnet.c, which points the device's descriptors straight at the client's
 * buffers. The interrupt and the client's kick both end in service(): one
 * pass over rings and queues, then the device told of new chains and the
 * client signalled once for everything the pass put on its rings.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <kestrel/proto/nic.h>
#include <kestrel/proto/pci.h>

#include "ipc.h"
#include "server.h"
#include "syscalls.h"
#include "virtio.h"
#include "vnet.h"
#include "vspace.h"

PROTO_CLIENT(PCI_OPS)
PROTO_SERVER(NIC_OPS)

#define MSI_BADGE    (1ULL << 40) /* both queues' interrupt, on our endpoint */
#define KICK_BADGE   (1ULL << 41) /* the client's signal: look at the rings */
#define WANTED       (VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS | VIRTIO_NET_F_MTU)
#define HEADER_PAGES (NIC_HEADER_BYTES / 4096)

/* The badge an attachment is kept under: never 0, which is none. */
#define OWNER(badge) ((badge) | 1ULL << 63)

static struct {
	struct virtio_pci v;
	const struct server_res *msi;
	struct virtq rxq, txq;
	uint16_t rx_size, tx_size;
	void *rx_mem, *tx_mem;
	uint64_t rx_pa, tx_pa;
	volatile uint16_t *notify_rx, *notify_tx;
	uint8_t mac[6];
	unsigned mtu;
	struct vnet vn;
	/* The attachment: owner 0 when there is none. */
	uint64_t owner;
	uint64_t frame;    /* slot of the client's shared frame */
	uint64_t frame_pa; /* its physical address: the supervisor keeps a copy (virtio_dma_keep) */
	uint64_t notify;   /* slot of its notify capability */
	uint64_t header_va;
	long broken; /* why setup failed, answered to every call; 0: it did not */
} d;

static void drop(uint64_t slot)
{
	sys_cap_delete(slot);
	slot_free(slot);
}

/* A queue's size: the device's, at most VNET_QUEUE_MAX; 0 if unusable. */
static uint16_t queue_size(uint16_t n)
{
	uint16_t size = virtio_pci_queue_size(&d.v, n);

	if (size > VNET_QUEUE_MAX)
		size = VNET_QUEUE_MAX;
	return size >= 4 && !(size & (size - 1)) ? size : 0;
}

/* The card's address and MTU from its configuration (a locally
 * administered address if it has none). */
static void read_config(void)
{
	static const uint8_t made_up[6] = { 0x02, 'K', 'E', 'S', 'T', 0 };
	uint16_t mtu = NIC_MTU;

	if (d.v.vp_features & VIRTIO_NET_F_MAC)
		virtio_pci_config_read(&d.v, offsetof(struct virtio_net_config, mac), d.mac, 6);
	else
		memcpy(d.mac, made_up, 6);
	if (d.v.vp_features & VIRTIO_NET_F_MTU)
		virtio_pci_config_read(&d.v, offsetof(struct virtio_net_config, mtu), &mtu, 2);
	d.mtu = mtu < NIC_MTU ? mtu : NIC_MTU;
	d.vn.vn_frame_max = d.mtu + NIC_ETH_HEADER;
}

static long setup(void)
{
	struct proto_client pci;
	struct pci_none none = { 0 };
	struct pci_info_rep info;
	struct proto_xfer x = { .px_len = 0 };
	uint64_t hdr_pa;
	long e;

	if (!(d.msi = server_resource(SERVER_RES_MSI, 0)))
		return PE_BAD_REQUEST;
	if ((e = service_lookup(PCI_SERVICE, &pci)) != E_OK ||
	    (e = pci_claim_x(&pci, &none, &info, &x)) != E_OK)
		return e;
	if ((e = virtio_pci_attach(&d.v, &pci, &info, x.px_caps[0])) != E_OK)
		return e;
	if ((e = sys_irq_bind(d.msi->sr_slot, server_self()->si_ep, MSI_BADGE)) != E_OK)
		return e;
	if ((e = virtio_pci_start(&d.v, WANTED)) != E_OK)
		return e;
	read_config();
	d.rx_size = queue_size(VNET_RX_QUEUE);
	d.tx_size = queue_size(VNET_TX_QUEUE);
	if (!d.rx_size || !d.tx_size)
		return PE_BAD_REQUEST;
	d.rx_mem = virtio_dma_alloc((virtq_bytes(d.rx_size) + 4095) / 4096, &d.rx_pa);
	d.tx_mem = virtio_dma_alloc((virtq_bytes(d.tx_size) + 4095) / 4096, &d.tx_pa);
	/* Page 0: a receive header for each buffer; page 1: the zeroed one
	 * every frame sent starts with. */
	if (!d.rx_mem || !d.tx_mem || !virtio_dma_alloc(2, &hdr_pa))
		return E_NO_MEMORY;
	_Static_assert(NIC_MAX_BUFS * VNET_HDR_STRIDE <= 4096, "the receive headers fill one page");
	d.vn.vn_rx_hdr_pa = hdr_pa;
	d.vn.vn_tx_hdr_pa = hdr_pa + 4096;
	d.vn.vn_rxq = &d.rxq;
	d.vn.vn_txq = &d.txq;
	return virtio_pci_reset(&d.v);
}

/* The device from reset to DRIVER_OK with both queues empty. */
static long device_start(void)
{
	long e;

	if ((e = virtio_pci_start(&d.v, WANTED)) != E_OK ||
	    (e = virtio_pci_msix(&d.v, d.msi->sr_first, d.msi->sr_count)) != E_OK)
		return e;
	virtq_init(&d.rxq, d.rx_size, d.rx_mem, d.rx_pa);
	virtq_init(&d.txq, d.tx_size, d.tx_mem, d.tx_pa);
	if ((e = virtio_pci_queue(&d.v, VNET_RX_QUEUE, &d.rxq, 0, &d.notify_rx)) != E_OK ||
	    (e = virtio_pci_queue(&d.v, VNET_TX_QUEUE, &d.txq, 0, &d.notify_tx)) != E_OK)
		return e;
	virtio_pci_ready(&d.v);
	return E_OK;
}

/* Ends the attachment: the device reset first, so that it lets go of
 * the client's buffers before we let go of the frame. A device that does
 * not reset may still write them: the frame is kept (its pages stay
 * allocated) rather than freed under it. */
static void let_go(void)
{
	if (!d.owner)
		return;
	if (virtio_pci_reset(&d.v) == E_OK) {
		virtio_dma_drop(d.frame_pa);
		drop(d.frame);
	} else
		printf("virtio_net: the card does not reset; keeping its client's frame\n");
	vnet_detach(&d.vn);
	sys_mem_unmap(vspace_self(), d.header_va, HEADER_PAGES);
	drop(d.notify);
	d.owner = 0;
}

/* One pass over the rings and queues, then the device and the client
 * told of what it put where they look. */
static void service(void)
{
	unsigned what = vnet_poll(&d.vn);

	if (what & VNET_NOTIFY_RX)
		*d.notify_rx = VNET_RX_QUEUE;
	if (what & VNET_NOTIFY_TX)
		*d.notify_tx = VNET_TX_QUEUE;
	if (what & VNET_SIGNAL)
		sys_signal(d.notify);
}

/* The queues' interrupt or the client's kick; either without a client
 * (a kick meant for the instance before a restart) finds nothing. */
static void wake(void *state, uint64_t bits)
{
	(void)state, (void)bits;
	service();
}

long nic_info_srv(struct proto_ctx *ctx, const struct nic_none *q, struct nic_info_rep *r)
{
	uint16_t status = VIRTIO_NET_S_LINK_UP;
	const struct vnet *vn = &d.vn;

	(void)q;
	if (d.broken)
		return d.broken;
	if (d.v.vp_features & VIRTIO_NET_F_STATUS)
		virtio_pci_config_read(&d.v, offsetof(struct virtio_net_config, status), &status, 2);
	memcpy(r->mac, d.mac, 6);
	r->mtu = d.mtu;
	r->link_up = status & VIRTIO_NET_S_LINK_UP;
	r->attached = !d.owner                          ? NIC_ATTACHED_NONE
	              : d.owner == OWNER(ctx->pc_badge) ? NIC_ATTACHED_YOU
	                                                : NIC_ATTACHED_OTHER;
	r->rx_frames = vn->vn_rx_frames;
	r->rx_bytes = vn->vn_rx_bytes;
	r->tx_frames = vn->vn_tx_frames;
	r->tx_bytes = vn->vn_tx_bytes;
	r->rx_dropped = vn->vn_rx_dropped;
	r->refused = vn->vn_refused;
	return 0;
}

/* The checks of attach, before anything changes: the shared frame's
 * physical address and its header mapped at *va, the kick capability
 * made in *kick. */
static long attach_check(struct proto_ctx *ctx, const struct nic_attach_req *q, uint64_t *pa, uint64_t *va,
                         uint64_t *kick)
{
	const struct server_info *si = server_self();
	struct cap_info ci;
	uint64_t pages;
	long e;

	if (d.broken)
		return d.broken;
	if (d.owner && d.owner != OWNER(ctx->pc_badge))
		return E_EXISTS;
	if (q->nbufs == 0 || q->nbufs > NIC_MAX_BUFS)
		return E_BAD_ARG;
	if ((e = sys_mem_phys_out(ctx->pc_caps[0], pa, &pages)) != E_OK)
		return e == E_NO_RIGHTS ? E_NO_RIGHTS : PE_BAD_REQUEST;
	if (pages * 4096 < NIC_SHARED_BYTES(q->nbufs))
		return E_BAD_ARG;
	if (sys_cap_identify_out(ctx->pc_caps[1], &ci) != E_OK || ci.ci_type != CAP_ENDPOINT ||
	    !(ci.ci_rights & R_WRITE) || ci.ci_badge == 0)
		return E_BAD_ARG;
	if (!(*va = vspace_alloc(NIC_HEADER_BYTES, 4096)))
		return E_NO_MEMORY;
	if ((e = sys_mem_map(vspace_self(), ctx->pc_caps[0], *va, R_READ | R_WRITE, 0, HEADER_PAGES)) != E_OK)
		return e == E_NO_RIGHTS ? E_NO_RIGHTS : E_NO_MEMORY;
	if ((*kick = slot_alloc()) == CAP_NULL ||
	    (e = sys_cap_copy(si->si_ep, si->si_self, *kick, R_WRITE, KICK_BADGE, CAP_COPY_BADGE)) != E_OK) {
		if (*kick != CAP_NULL)
			slot_free(*kick);
		sys_mem_unmap(vspace_self(), *va, HEADER_PAGES);
		return E_NO_MEMORY;
	}
	return E_OK;
}

long nic_attach_srv(struct proto_ctx *ctx, const struct nic_attach_req *q, struct nic_none *r)
{
	uint64_t pa, va, kick;
	long e = attach_check(ctx, q, &pa, &va, &kick);

	(void)r;
	if (e != E_OK)
		return e;
	let_go(); /* the caller's own earlier attachment, if any */
	/* The device will write the client's buffers: if we die, the client's
	 * frame must outlive the client until our next instance resets it. */
	if ((e = virtio_dma_keep(ctx->pc_caps[0])) != E_OK || device_start() != E_OK) {
		if (e == E_OK) {
			virtio_pci_reset(&d.v);
			virtio_dma_drop(pa); /* the device never had its buffers */
		}
		sys_mem_unmap(vspace_self(), va, HEADER_PAGES);
		drop(kick);
		return e == E_LIMIT ? E_LIMIT : PE_IO;
	}
	d.owner = OWNER(ctx->pc_badge);
	d.frame = ctx->pc_caps[0];
	d.frame_pa = pa;
	d.notify = ctx->pc_caps[1];
	d.header_va = va;
	ctx->pc_caps[0] = ctx->pc_caps[1] = CAP_NULL; /* ours now */
	vnet_attach(&d.vn, (volatile struct nic_shared *)va, pa + NIC_HEADER_BYTES, (unsigned)q->nbufs);
	service(); /* what waits on rx_free and tx already */
	ctx->pc_reply_caps[0] = kick;
	return 0;
}

long nic_detach_srv(struct proto_ctx *ctx, const struct nic_none *q, struct nic_none *r)
{
	(void)q, (void)r;
	if (d.owner == OWNER(ctx->pc_badge))
		let_go();
	return d.broken;
}

int main(void)
{
	static const struct proto_op ops[] = PROTO_TABLE(NIC_OPS);
	static const struct server_notify wakes[] = { { MSI_BADGE | KICK_BADGE, wake } };
	struct server_def def = { ops, sizeof(ops) / sizeof(ops[0]), NULL, wakes, 1, 0 };
	long e = setup();

	if (e != E_OK && !virtio_setup_lasting(e)) {
		/* A PCI server or supervisor call cut off by a restart: our
		 * next instance will find them up. */
		printf("virtio_net: cannot set up the card (%s); ending, to be started again\n",
		       proto_error_text(e));
		return (int)e;
	}
	if (e != E_OK) {
		printf("virtio_net: cannot set up the card (%s); answering that to every call\n",
		       proto_error_text(e));
		d.broken = e;
	} else {
		printf("virtio_net: MAC %02x:%02x:%02x:%02x:%02x:%02x, MTU %u, queues of %u and %u\n",
		       d.mac[0], d.mac[1], d.mac[2], d.mac[3], d.mac[4], d.mac[5], d.mtu, d.rx_size,
		       d.tx_size);
	}
	return (int)server_loop(&def);
}

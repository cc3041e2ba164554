/* The NIC protocol's client (nic.h): the shared frame, its four rings and
 * the driver's restarts.
 *
 * The frame is NBUFS buffers: the first RX_BUFS stay with the driver on
 * rx_free (each given back as soon as its frame is copied into a pbuf),
 * the others are for sending, ours until put on tx and ours again from
 * tx_done. ours[] says which buffers we hold; a buffer the driver puts on
 * a done ring that we hold, or that is out of range, is ignored (a sane
 * driver never does it, and a broken one must not make us use a buffer
 * twice).
 *
 * A restarted driver knows no client and drops what it held: every
 * buffer is ours again, the rings start from 0, and we attach again.
 * lwIP is not told: frames lost meanwhile are lost as on a wire, and TCP
 * sends its own again. */
#include "nic.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <kestrel/error.h>
#include <kestrel/proto/nic.h>

#include "ipc.h"
#include "nic_ring.h"
#include "server.h"
#include "slots.h"
#include "syscalls.h"
#include "vspace.h"

PROTO_CLIENT(NIC_OPS)

#define NBUFS        128
#define RX_BUFS      64
#define FRAME_PAGES  (NIC_SHARED_BYTES(NBUFS) / 4096)
#define ETH_MIN      60   /* a frame without its FCS, padded to this */
#define NIC_CHECK_MS 1000 /* how often info is asked whether the driver knows us */
#define NIC_SOON_MS  50   /* sooner, when every send buffer is with the driver */

static struct {
	struct proto_client nic;
	bool open;
	uint64_t frame;  /* the shared DMA frame */
	uint64_t notify; /* our endpoint, badged NIC_NOTIFY_BADGE, for the driver's signals */
	uint64_t kick;   /* the driver's, from attach */
	uint8_t *mem;
	volatile struct nic_shared *sh;
	struct nic_ring_end rx_free, rx_done, tx, tx_done;
	bool ours[NBUFS];
	bool kick_due; /* entries put on tx or rx_free since the last signal */
	uint64_t next_check;
	uint64_t attaches;
} n;

static uint8_t *buf(unsigned b)
{
	return n.mem + NIC_BUF_OFFSET(b);
}

/* Every buffer ours, the header zeroed, the receive buffers offered, and
 * attached: what the protocol asks at the start and after a restart of
 * the driver. */
static long attach(void)
{
	struct nic_attach_req q = { NBUFS };
	struct nic_none r;
	struct proto_xfer x = { .px_caps = { n.frame, n.notify } };
	long e;

	memset((void *)n.sh, 0, NIC_HEADER_BYTES);
	nic_ring_open(&n.rx_free, &n.sh->ns_rx_free, true);
	nic_ring_open(&n.rx_done, &n.sh->ns_rx_done, false);
	nic_ring_open(&n.tx, &n.sh->ns_tx, true);
	nic_ring_open(&n.tx_done, &n.sh->ns_tx_done, false);
	for (unsigned b = 0; b < NBUFS; b++)
		n.ours[b] = b >= RX_BUFS;
	for (unsigned b = 0; b < RX_BUFS; b++)
		nic_ring_put(&n.rx_free, (struct nic_entry){ (uint16_t)b, 0 });
	if ((e = nic_attach_x(&n.nic, &q, &r, &x)) != E_OK)
		return e;
	if (n.kick) { /* the previous attachment's */
		sys_cap_delete(n.kick);
		slot_free(n.kick);
	}
	n.kick = x.px_caps[0];
	n.kick_due = false;
	n.attaches++;
	return E_OK;
}

long nic_open(struct nic_info *info)
{
	const struct server_info *si = server_self();
	struct nic_info_rep r;
	uint64_t va;
	long e;

	/* Called again after a failure (ethif_retry): the driver's endpoint
	 * (the same across its restarts) and our frame are taken once. */
	if ((n.nic.pc_ep == CAP_NULL && (e = service_lookup(NIC_SERVICE, &n.nic)) != E_OK) ||
	    (e = nic_info(&n.nic, &(struct nic_none){ 0 }, &r)) != E_OK)
		return e;
	if (!n.mem) {
		if (n.frame == CAP_NULL) {
			n.frame = slot_alloc();
			n.notify = slot_alloc();
			if ((e = sys_mem_alloc(si->si_pool, n.frame, FRAME_PAGES, MEM_DMA)) != E_OK ||
			    (e = sys_cap_copy(si->si_ep, si->si_self, n.notify, R_WRITE, NIC_NOTIFY_BADGE,
			                      CAP_COPY_BADGE)) != E_OK)
				return e; /* memory short: the server runs on, without a NIC */
		}
		if ((e = vspace_map(n.frame, FRAME_PAGES, R_READ | R_WRITE, 0, &va)) != E_OK)
			return e;
		n.mem = (uint8_t *)va;
		n.sh = (volatile struct nic_shared *)va;
	}
	if ((e = attach()) != E_OK)
		return e;
	memcpy(info->ni_mac, r.mac, NIC_MAC_LEN);
	info->ni_mtu = (uint16_t)(r.mtu < NIC_MTU ? r.mtu : NIC_MTU);
	n.open = true;
	n.next_check = sys_clock_ms() + NIC_CHECK_MS;
	return E_OK;
}

uint8_t *nic_tx_buffer(void)
{
	if (!n.open)
		return NULL;
	for (unsigned b = RX_BUFS; b < NBUFS; b++)
		if (n.ours[b])
			return buf(b);
	/* All with the driver: busy, or a driver that died with them. */
	if (n.next_check > sys_clock_ms() + NIC_SOON_MS)
		n.next_check = sys_clock_ms() + NIC_SOON_MS;
	return NULL;
}

void nic_tx_queue(uint8_t *frame, size_t len)
{
	unsigned b = (unsigned)((uint64_t)(frame - n.mem - NIC_HEADER_BYTES) / NIC_BUF_SIZE);

	if (len < ETH_MIN) {
		memset(frame + len, 0, ETH_MIN - len);
		len = ETH_MIN;
	}
	/* The ring has room for every buffer, so the put cannot fail. */
	if (nic_ring_put(&n.tx, (struct nic_entry){ (uint16_t)b, (uint16_t)len })) {
		n.ours[b] = false;
		n.kick_due = true;
	}
}

void nic_flush(void)
{
	if (n.kick_due) {
		n.kick_due = false;
		sys_signal(n.kick);
	}
}

void nic_poll(void (*fn)(void *arg, const void *frame, size_t len), void *arg)
{
	struct nic_entry x;

	if (!n.open)
		return;
	while (nic_ring_get(&n.rx_done, &x) == NIC_RING_TOOK) {
		if (x.ne_buf >= RX_BUFS || n.ours[x.ne_buf])
			continue;
		if (x.ne_len <= NIC_BUF_SIZE)
			fn(arg, buf(x.ne_buf), x.ne_len);
		n.kick_due |= nic_ring_put(&n.rx_free, (struct nic_entry){ x.ne_buf, 0 });
	}
	while (nic_ring_get(&n.tx_done, &x) == NIC_RING_TOOK)
		if (x.ne_buf >= RX_BUFS && x.ne_buf < NBUFS)
			n.ours[x.ne_buf] = true;
}

uint64_t nic_check(uint64_t now)
{
	struct nic_info_rep r;
	long e;

	if (!n.open)
		return ~0ULL;
	if (now < n.next_check)
		return n.next_check;
	n.next_check = now + NIC_CHECK_MS;
	e = nic_info(&n.nic, &(struct nic_none){ 0 }, &r);
	if (e == E_OK && !proto_restarted(&n.nic) && r.attached == NIC_ATTACHED_YOU)
		return n.next_check;
	if (e == E_OK) {
		e = attach();
		printf("net: the NIC driver restarted (generation %lu): %s\n", n.nic.pc_generation,
		       e == E_OK ? "attached again" : proto_error_text(e));
	}
	return n.next_check;
}

uint64_t nic_attaches(void)
{
	return n.attaches;
}

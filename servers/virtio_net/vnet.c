/* virtio_net's rings and queues (see vnet.h). Every entry the client
 * wrote is checked before a descriptor is made from it: the buffer index
 * below nbufs and not held already, a frame's length within the limits.
 * So every descriptor the device sees names a header of ours or one whole
 * buffer of the attached frame. */
#include "vnet.h"

#include <string.h>

static bool held(const struct vnet *vn, unsigned b)
{
	return vn->vn_held[b / 64] >> (b % 64) & 1;
}

static void hold(struct vnet *vn, unsigned b, bool on)
{
	if (on)
		vn->vn_held[b / 64] |= 1ULL << (b % 64);
	else
		vn->vn_held[b / 64] &= ~(1ULL << (b % 64));
}

/* Whether an entry's buffer may be given to the device now. */
static bool buffer_ok(const struct vnet *vn, unsigned b)
{
	return b < vn->vn_nbufs && !held(vn, b);
}

void vnet_attach(struct vnet *vn, volatile struct nic_shared *shared, uint64_t buf_pa, unsigned nbufs)
{
	vn->vn_shared = shared;
	vn->vn_buf_pa = buf_pa;
	vn->vn_nbufs = nbufs;
	nic_ring_open(&vn->vn_rx_free, &shared->ns_rx_free, false);
	nic_ring_open(&vn->vn_rx_done, &shared->ns_rx_done, true);
	nic_ring_open(&vn->vn_tx, &shared->ns_tx, false);
	nic_ring_open(&vn->vn_tx_done, &shared->ns_tx_done, true);
	memset(vn->vn_held, 0, sizeof(vn->vn_held));
	memset(vn->vn_rx_buf, 0xFF, sizeof(vn->vn_rx_buf));
	memset(vn->vn_tx_buf, 0xFF, sizeof(vn->vn_tx_buf));
}

void vnet_detach(struct vnet *vn)
{
	vn->vn_shared = NULL;
	vn->vn_nbufs = 0;
	memset(vn->vn_held, 0, sizeof(vn->vn_held));
}

/* Offers buffer b, held, to the device to receive into. The caller made
 * sure two descriptors are free. */
static void offer_rx(struct vnet *vn, unsigned b)
{
	struct virtq_buf c[2] = { { vn->vn_rx_hdr_pa + (uint64_t)b * VNET_HDR_STRIDE, VNET_HDR, true },
		                  { vn->vn_buf_pa + (uint64_t)b * NIC_BUF_SIZE, NIC_BUF_SIZE, true } };
	int head = virtq_add(vn->vn_rxq, c, 2);

	vn->vn_rx_buf[head] = (uint16_t)b;
}

/* The frames the device received: each to rx_done, or back to the device
 * when it is no frame or rx_done has no room. */
static unsigned rx_used(struct vnet *vn)
{
	unsigned what = 0;
	uint16_t head;
	uint32_t len;

	while (virtq_next_used(vn->vn_rxq, &head, &len)) {
		unsigned b;

		if (head >= vn->vn_rxq->vq_size || vn->vn_rx_buf[head] == VNET_NO_BUF)
			continue; /* no chain of ours: a broken device */
		b = vn->vn_rx_buf[head];
		vn->vn_rx_buf[head] = VNET_NO_BUF;
		if (len >= VNET_HDR + NIC_FRAME_MIN && len <= VNET_HDR + NIC_BUF_SIZE &&
		    nic_ring_put(&vn->vn_rx_done,
		                 (struct nic_entry){ (uint16_t)b, (uint16_t)(len - VNET_HDR) })) {
			hold(vn, b, false);
			vn->vn_rx_frames++;
			vn->vn_rx_bytes += len - VNET_HDR;
			what |= VNET_SIGNAL;
		} else {
			vn->vn_rx_dropped++;
			offer_rx(vn, b); /* in the descriptors just freed */
			what |= VNET_NOTIFY_RX;
		}
	}
	return what;
}

/* The frames the device sent: their buffers to tx_done. */
static unsigned tx_used(struct vnet *vn)
{
	unsigned what = 0;
	uint16_t head;
	uint32_t len;

	while (virtq_next_used(vn->vn_txq, &head, &len)) {
		unsigned b;

		if (head >= vn->vn_txq->vq_size || vn->vn_tx_buf[head] == VNET_NO_BUF)
			continue;
		b = vn->vn_tx_buf[head];
		vn->vn_tx_buf[head] = VNET_NO_BUF;
		hold(vn, b, false);
		vn->vn_tx_frames++;
		vn->vn_tx_bytes += vn->vn_tx_len[head];
		if (nic_ring_put(&vn->vn_tx_done, (struct nic_entry){ (uint16_t)b, vn->vn_tx_len[head] }))
			what |= VNET_SIGNAL;
		else
			vn->vn_refused++; /* tx_done's tail left no room: the client loses the buffer */
	}
	return what;
}

/* Buffers from rx_free to the receive queue, while it has room. */
static unsigned refill(struct vnet *vn)
{
	unsigned what = 0;
	struct nic_entry x;
	enum nic_ring_got got;

	while (vn->vn_rxq->vq_nfree >= 2 && (got = nic_ring_get(&vn->vn_rx_free, &x)) != NIC_RING_EMPTY) {
		if (got == NIC_RING_BROKEN) {
			vn->vn_refused++;
			break;
		}
		if (!buffer_ok(vn, x.ne_buf)) {
			vn->vn_refused++;
			continue;
		}
		hold(vn, x.ne_buf, true);
		offer_rx(vn, x.ne_buf);
		what |= VNET_NOTIFY_RX;
	}
	return what;
}

/* Frames from tx to the transmit queue, while it has room. */
static unsigned transmit(struct vnet *vn)
{
	unsigned what = 0;
	struct nic_entry x;
	enum nic_ring_got got;

	while (vn->vn_txq->vq_nfree >= 2 && (got = nic_ring_get(&vn->vn_tx, &x)) != NIC_RING_EMPTY) {
		struct virtq_buf c[2];
		int head;

		if (got == NIC_RING_BROKEN || !buffer_ok(vn, x.ne_buf)) {
			vn->vn_refused++;
			if (got == NIC_RING_BROKEN)
				break;
			continue; /* not the client's to give: nothing goes back */
		}
		if (x.ne_len < NIC_FRAME_MIN || x.ne_len > vn->vn_frame_max) {
			vn->vn_refused++;
			if (nic_ring_put(&vn->vn_tx_done, (struct nic_entry){ x.ne_buf, 0 }))
				what |= VNET_SIGNAL;
			continue;
		}
		c[0] = (struct virtq_buf){ vn->vn_tx_hdr_pa, VNET_HDR, false };
		c[1] = (struct virtq_buf){ vn->vn_buf_pa + (uint64_t)x.ne_buf * NIC_BUF_SIZE, x.ne_len,
			                   false };
		head = virtq_add(vn->vn_txq, c, 2);
		hold(vn, x.ne_buf, true);
		vn->vn_tx_buf[head] = x.ne_buf;
		vn->vn_tx_len[head] = x.ne_len;
		what |= VNET_NOTIFY_TX;
	}
	return what;
}

unsigned vnet_poll(struct vnet *vn)
{
	unsigned what;

	if (!vn->vn_shared)
		return 0;
	/* Used chains first: their descriptors are free for the refill. */
	what = rx_used(vn);
	what |= tx_used(vn);
	what |= refill(vn);
	what |= transmit(vn);
	return what;
}

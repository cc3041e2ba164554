/* virtio_net's logic without hardware: the attached client's rings
 * (include/kestrel/proto/nic.h) to and from the device's receive and
 * transmit queues, every entry checked. It touches only memory (the
 * shared header, the virtqueues), so the host test drives it with a
 * simulated device (tests/host/test_vnet.c); main.c does the rest.
 *
 * Each buffer of the client's is in one of two places: with the client,
 * or held by the driver (vn_held), then in exactly one chain of one
 * queue. A receive chain is the buffer's 12-byte virtio_net_hdr in the
 * driver's DMA page and the buffer; a transmit chain a zeroed header
 * shared by all and the frame. No offload is agreed, so the header the
 * device writes says nothing we need and the one it reads asks nothing. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "nic_ring.h"
#include "virtq.h"

/* virtio-net (virtio 1.x, 5.1) */
#define VIRTIO_NET_F_MTU     (1ULL << 3)
#define VIRTIO_NET_F_MAC     (1ULL << 5)
#define VIRTIO_NET_F_STATUS  (1ULL << 16)
#define VIRTIO_NET_S_LINK_UP 1
#define VNET_RX_QUEUE        0 /* receiveq1 */
#define VNET_TX_QUEUE        1 /* transmitq1 */

struct virtio_net_config {
	uint8_t mac[6];
	uint16_t status;
	uint16_t max_virtqueue_pairs;
	uint16_t mtu;
} __attribute__((packed));

/* With VERSION_1 the header always has num_buffers (1 without
 * MRG_RXBUF): 12 bytes before every frame, in both directions. */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
} __attribute__((packed));

_Static_assert(sizeof(struct virtio_net_hdr) == 12, "virtio_net_hdr with num_buffers");

#define VNET_HDR        sizeof(struct virtio_net_hdr)
#define VNET_HDR_STRIDE 16  /* receive headers in the header page, one per buffer */
#define VNET_QUEUE_MAX  256 /* descriptors of a queue we use, at most */
#define VNET_NO_BUF     0xFFFF
#define VNET_NOTIFY_RX  1u /* vnet_poll: tell the device of new receive chains */
#define VNET_NOTIFY_TX  2u /* ... of new transmit chains */
#define VNET_SIGNAL     4u /* signal the client: entries on rx_done or tx_done */

/* Invariants: vn_shared is NULL or the attached client's header, and
 * then buffer b is held iff exactly one chain's vn_rx_buf or vn_tx_buf
 * entry names it. Touched by the server's one thread only. */
struct vnet {
	/* The device's side, set once by main.c. */
	struct virtq *vn_rxq, *vn_txq;
	uint64_t vn_rx_hdr_pa; /* NIC_MAX_BUFS receive headers of VNET_HDR_STRIDE bytes */
	uint64_t vn_tx_hdr_pa; /* the zeroed header every frame sent starts with */
	unsigned vn_frame_max; /* the longest frame sent: mtu + NIC_ETH_HEADER */
	/* The attachment. */
	volatile struct nic_shared *vn_shared; /* NULL: no client */
	uint64_t vn_buf_pa;                    /* buffer 0's physical address */
	unsigned vn_nbufs;
	struct nic_ring_end vn_rx_free, vn_rx_done, vn_tx, vn_tx_done;
	uint64_t vn_held[NIC_MAX_BUFS / 64];
	uint16_t vn_rx_buf[VNET_QUEUE_MAX]; /* each chain's buffer, by head descriptor */
	uint16_t vn_tx_buf[VNET_QUEUE_MAX];
	uint16_t vn_tx_len[VNET_QUEUE_MAX];
	/* Counters of this instance (struct nic_info_rep's). */
	uint64_t vn_rx_frames, vn_rx_bytes, vn_tx_frames, vn_tx_bytes, vn_rx_dropped, vn_refused;
};

/* Starts serving the client whose header is at shared (mapped), whose
 * buffers start at physical address buf_pa, nbufs of them. Both queues
 * must be empty (the device reset and the virtqueues laid out anew). */
void vnet_attach(struct vnet *vn, volatile struct nic_shared *shared, uint64_t buf_pa, unsigned nbufs);

/* Forgets the client; the device must have been reset first, so that no
 * chain names its buffers any more. */
void vnet_detach(struct vnet *vn);

/* Does what the rings and the queues have for each other: frames the
 * device received to rx_done, buffers it sent to tx_done, buffers from
 * rx_free and frames from tx to the device. Returns VNET_* bits: what
 * main.c must tell the device and the client. Nothing without a client. */
unsigned vnet_poll(struct vnet *vn);

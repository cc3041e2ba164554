/* Network interface cards (servers/virtio_net/): Ethernet frames moved
 * between the driver and its one client, the network server, through
 * memory they share. The calls below set the sharing up; frames then go
 * both ways on four rings in that memory, each side signalling the other
 * to look at them: no call and no copy per frame.
 *
 * The shared frame. The client allocates DMA memory (mem_alloc with
 * MEM_DMA, from a pool with R_DMA: its manifest block has a dma line) of
 * at least NIC_SHARED_BYTES(nbufs) bytes: struct nic_shared, the four
 * rings, in the first NIC_HEADER_BYTES, then nbufs packet buffers of
 * NIC_BUF_SIZE bytes, buffer i at NIC_BUF_OFFSET(i). The device reads and
 * writes the buffers themselves. At any time a buffer is either the
 * client's or the driver's: it becomes the driver's when the client puts
 * it on rx_free or tx, and the client's again when the driver puts it on
 * rx_done or tx_done. The client must not touch a buffer while it is the
 * driver's: the device may write one given for receiving at any moment.
 *
 *   rx_free   client -> driver   an empty buffer to receive into (len unused)
 *   rx_done   driver -> client   a frame received: its buffer and length
 *   tx        client -> driver   a frame to send: its buffer and length
 *   tx_done   driver -> client   a buffer back from tx: len is the frame's
 *                                length once sent, 0 if it was refused
 *
 * A frame is an Ethernet frame from the destination address on, without
 * the FCS: NIC_FRAME_MIN to mtu + NIC_ETH_HEADER bytes to send (nothing is
 * padded: the client pads a frame to 60 bytes where the peer needs it),
 * and up to NIC_BUF_SIZE received.
 *
 * Each ring has one producer and one consumer. The producer writes the
 * entry at nr_head % NIC_RING_SIZE, then advances nr_head; the consumer
 * reads the entry at nr_tail % NIC_RING_SIZE, then advances nr_tail. Both
 * count from 0 at attach and wrap at 2^32, and each side writes only its
 * own and keeps its own copy (libipc/nic_ring.h is that code, for both
 * sides). NIC_RING_SIZE is NIC_MAX_BUFS, so a ring always has room for
 * every buffer its producer can hold.
 *
 * Signals. attach gives the driver notify, an endpoint capability of the
 * client's with a badge it chose, and answers kick, one of the driver's.
 * The driver signals notify (sys_signal) after it put entries on rx_done
 * or tx_done, once for a batch; the client signals kick after it put
 * entries on tx or rx_free. A signal means only "look at the rings":
 * one too many, or one through a capability from an earlier attachment,
 * is harmless.
 *
 * What the driver checks. Nothing the client writes in the shared frame
 * makes the device read or write outside the frame's buffers, or makes
 * the driver fault: it reads each index and entry once and refuses,
 * counting them in refused, an entry naming a buffer >= nbufs or one it
 * holds already, a tx length outside NIC_FRAME_MIN..mtu + NIC_ETH_HEADER
 * (that buffer goes back on tx_done with len 0), and a ring whose nr_head
 * claims more than NIC_RING_SIZE entries (nothing is taken from it while
 * it does). A done ring whose nr_tail leaves no room takes nothing: a
 * frame received then goes back to the device (counted in rx_dropped), a
 * buffer sent is lost to the client.
 *
 * info: the MAC address (the device's), the MTU, the link state, whether
 *   the caller or another client is attached (NIC_ATTACHED_*), and this
 *   driver instance's counters (from 0 at its start). Cheap: the client
 *   calls it every second or so to learn of a driver restart (below).
 * attach: caps[0] the shared frame, caps[1] notify (an endpoint
 *   capability with R_WRITE and a badge); nbufs buffers. The driver keeps
 *   both, resets the device (what an earlier attachment had with it is
 *   dropped), takes what waits on rx_free and tx at once, and answers
 *   kick. The header's indexes must be 0 (the client zeroes the header
 *   first) and every buffer is the client's but those already put on
 *   rx_free or tx. One client at a time: another's attach is E_EXISTS
 *   until the first detaches; the same client (its restarted instances
 *   call with the same badge) attaching again replaces its attachment.
 *   So a client attaches when it starts, whatever info says: an
 *   attachment its previous instance left reads NIC_ATTACHED_YOU too.
 *   E_BAD_ARG for nbufs 0 or above NIC_MAX_BUFS, a frame smaller than
 *   NIC_SHARED_BYTES(nbufs), or a notify that is not a badged endpoint
 *   capability with R_WRITE; E_NO_RIGHTS for a frame that is not DMA
 *   memory (whose physical address the driver may not learn) or that
 *   the driver may not write; PE_BAD_REQUEST when caps[0] is no frame.
 *   Nothing changes on those errors. PE_IO when the device does not
 *   start again: the caller is then not attached.
 * detach: ends the caller's attachment (none: nothing happens): the
 *   device is reset and the driver lets go of the frame, so every buffer
 *   is the client's again.
 * A driver that found no card (or one it cannot drive) answers every
 * call with what stopped it, E_NOT_FOUND when there is no card, and
 * stays up.
 *
 * Restart. A new instance of the driver knows no client: it resets the
 * device, ignores the signals it gets, and waits for an attach. The
 * client learns of it from its next answer (proto_restarted, and info's
 * attached reads NIC_ATTACHED_NONE), takes every buffer back, zeroes the
 * header and attaches again. The frames that were on the rings or with
 * the device are lost (TCP sends them again); nothing else is. All three
 * calls are idempotent (attaching again replaces, detaching nothing does
 * nothing), so the stubs repeat them across a restart. */
#pragma once

#include <stdint.h>

#include <kestrel/protocols.h>

#define NIC_SERVICE      "nic"
#define NIC_MAX_BUFS     256
#define NIC_RING_SIZE    NIC_MAX_BUFS /* entries of each ring, a power of two */
#define NIC_BUF_SIZE     2048
#define NIC_HEADER_BYTES 8192 /* struct nic_shared, padded: the buffers start here */
#define NIC_ETH_HEADER   14   /* destination, source, type */
#define NIC_FRAME_MIN    NIC_ETH_HEADER
#define NIC_MTU          1500 /* the most a driver offers: frames of 1514 bytes */

#define NIC_BUF_OFFSET(i)       (NIC_HEADER_BYTES + (uint64_t)(i)*NIC_BUF_SIZE)
#define NIC_SHARED_BYTES(nbufs) NIC_BUF_OFFSET(nbufs)

/* One entry of a ring: a buffer's index and, where the ring says so, the
 * length of the frame in it. */
struct nic_entry {
	uint16_t ne_buf;
	uint16_t ne_len;
};

/* One ring. nr_head is written by the producer alone, nr_tail by the
 * consumer alone, each on a cache line of its own. */
struct nic_ring {
	uint32_t nr_head; /* entries put since attach */
	uint32_t nr_pad0[15];
	uint32_t nr_tail; /* entries taken since attach */
	uint32_t nr_pad1[15];
	struct nic_entry nr_entry[NIC_RING_SIZE];
};

/* The start of the shared frame. */
struct nic_shared {
	struct nic_ring ns_rx_free; /* client -> driver */
	struct nic_ring ns_rx_done; /* driver -> client */
	struct nic_ring ns_tx;      /* client -> driver */
	struct nic_ring ns_tx_done; /* driver -> client */
};

_Static_assert(sizeof(struct nic_entry) == 4, "an entry is one 32-bit word");
_Static_assert(sizeof(struct nic_shared) <= NIC_HEADER_BYTES, "the rings fit the header");
_Static_assert((NIC_RING_SIZE & (NIC_RING_SIZE - 1)) == 0, "the ring size is a power of two");
_Static_assert(NIC_HEADER_BYTES % 4096 == 0 && NIC_BUF_SIZE >= NIC_MTU + NIC_ETH_HEADER,
               "whole pages of header; a buffer holds the longest frame");

/* info's attached */
#define NIC_ATTACHED_NONE  0
#define NIC_ATTACHED_YOU   1 /* the caller */
#define NIC_ATTACHED_OTHER 2 /* another client */

struct nic_none {
	uint64_t unused;
};
struct nic_info_rep {
	uint8_t mac[8]; /* the first 6 */
	uint64_t mtu;   /* frames sent carry at most mtu bytes after the Ethernet header */
	uint64_t link_up;
	uint64_t attached;            /* NIC_ATTACHED_* */
	uint64_t rx_frames, rx_bytes; /* put on rx_done */
	uint64_t tx_frames, tx_bytes; /* sent by the device */
	uint64_t rx_dropped;          /* received, not delivered: rx_done full, or a bad frame */
	uint64_t refused;             /* ring entries and rings the driver refused (above) */
};
struct nic_attach_req {
	uint64_t nbufs;
};

#define NIC_OPS(X)                                                                            \
	X(nic, info, NIC_BASE + 1, PROTO_IDEMPOTENT, struct nic_none, struct nic_info_rep)    \
	X(nic, attach, NIC_BASE + 2, PROTO_IDEMPOTENT | PROTO_CAPS_IN(2) | PROTO_CAPS_OUT(1), \
	  struct nic_attach_req, struct nic_none)                                             \
	X(nic, detach, NIC_BASE + 3, PROTO_IDEMPOTENT, struct nic_none, struct nic_none)

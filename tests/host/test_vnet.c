/* virtio_net's rings and queues (servers/virtio_net/vnet.c) against a
 * simulated device: frames received reach rx_done, frames sent come back
 * on tx_done, bad entries are refused and counted, full queues and full
 * rings hold things back, and, with the shared header rewritten at random
 * between every step as a hostile client would, every descriptor the
 * device is shown still names one of the driver's headers or one whole
 * buffer of the attached frame. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../servers/virtio_net/vnet.h"

#define QSIZE     16 /* small, so that the queues fill */
#define NBUFS     40
#define FRAME_PA  0x10000000ULL
#define BUF_PA    (FRAME_PA + NIC_HEADER_BYTES)
#define RX_HDR_PA 0x20000000ULL
#define TX_HDR_PA 0x30000000ULL

static struct vnet vn;
static struct virtq rxq, txq;
static void *rx_mem, *tx_mem;
static struct nic_shared *sh;
static struct nic_ring_end rx_free, rx_done, tx, tx_done; /* the client's ends */

/* The device: each queue's next available entry to take, next used one
 * to write, and which buffer each chain it holds names. */
struct dev_queue {
	struct virtq *q;
	bool rx;
	uint16_t taken, used;
	int chain_buf[QSIZE]; /* by head; -1: not with the device */
	unsigned chain_len[QSIZE];
};
static struct dev_queue drx, dtx;

static int setup(void **state)
{
	(void)state;
	rx_mem = aligned_alloc(4096, 8192);
	tx_mem = aligned_alloc(4096, 8192);
	sh = aligned_alloc(4096, NIC_HEADER_BYTES);
	memset(sh, 0, NIC_HEADER_BYTES);
	memset(&vn, 0, sizeof(vn));
	virtq_init(&rxq, QSIZE, rx_mem, 0x40000000);
	virtq_init(&txq, QSIZE, tx_mem, 0x50000000);
	vn.vn_rxq = &rxq;
	vn.vn_txq = &txq;
	vn.vn_rx_hdr_pa = RX_HDR_PA;
	vn.vn_tx_hdr_pa = TX_HDR_PA;
	vn.vn_frame_max = NIC_MTU + NIC_ETH_HEADER;
	vnet_attach(&vn, sh, BUF_PA, NBUFS);
	nic_ring_open(&rx_free, &sh->ns_rx_free, true);
	nic_ring_open(&rx_done, &sh->ns_rx_done, false);
	nic_ring_open(&tx, &sh->ns_tx, true);
	nic_ring_open(&tx_done, &sh->ns_tx_done, false);
	drx = (struct dev_queue){ .q = &rxq, .rx = true };
	dtx = (struct dev_queue){ .q = &txq, .rx = false };
	memset(drx.chain_buf, 0xFF, sizeof(drx.chain_buf));
	memset(dtx.chain_buf, 0xFF, sizeof(dtx.chain_buf));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(rx_mem);
	free(tx_mem);
	free(sh);
	return 0;
}

/* The device takes every chain offered, and checks that each is a header
 * of ours and one whole buffer of the frame, the right way round. */
static unsigned device_take(struct dev_queue *d)
{
	unsigned n = 0;

	while (d->taken != d->q->vq_avail->idx) {
		uint16_t head = d->q->vq_avail->ring[d->taken % QSIZE], next;
		volatile struct virtq_desc *h, *b;
		uint64_t off;

		d->taken++;
		assert_true(head < QSIZE);
		assert_int_equal(d->chain_buf[head], -1); /* not offered twice */
		h = &d->q->vq_desc[head];
		assert_true(h->flags & VIRTQ_DESC_F_NEXT);
		next = h->next;
		assert_true(next < QSIZE);
		b = &d->q->vq_desc[next];
		assert_false(b->flags & VIRTQ_DESC_F_NEXT);
		assert_int_equal(h->len, VNET_HDR);
		assert_true(b->addr >= BUF_PA);
		off = b->addr - BUF_PA;
		assert_int_equal(off % NIC_BUF_SIZE, 0);
		assert_true(off / NIC_BUF_SIZE < NBUFS);
		if (d->rx) {
			assert_int_equal(h->addr, RX_HDR_PA + off / NIC_BUF_SIZE * VNET_HDR_STRIDE);
			assert_true(h->flags & VIRTQ_DESC_F_WRITE);
			assert_true(b->flags & VIRTQ_DESC_F_WRITE);
			assert_int_equal(b->len, NIC_BUF_SIZE);
		} else {
			assert_int_equal(h->addr, TX_HDR_PA);
			assert_false(h->flags & VIRTQ_DESC_F_WRITE);
			assert_false(b->flags & VIRTQ_DESC_F_WRITE);
			assert_true(b->len >= NIC_FRAME_MIN && b->len <= NIC_MTU + NIC_ETH_HEADER);
		}
		/* No buffer is in two chains at once. */
		for (unsigned i = 0; i < QSIZE; i++) {
			assert_true(drx.chain_buf[i] != (int)(off / NIC_BUF_SIZE));
			assert_true(dtx.chain_buf[i] != (int)(off / NIC_BUF_SIZE));
		}
		d->chain_buf[head] = (int)(off / NIC_BUF_SIZE);
		d->chain_len[head] = b->len;
		n++;
	}
	return n;
}

/* The device is done with the chain at head: len bytes written. */
static void device_use(struct dev_queue *d, uint16_t head, uint32_t len)
{
	assert_true(d->chain_buf[head] >= 0);
	d->q->vq_used->ring[d->used % QSIZE].id = head;
	d->q->vq_used->ring[d->used % QSIZE].len = len;
	d->used++;
	__atomic_store_n(&d->q->vq_used->idx, d->used, __ATOMIC_RELEASE);
	d->chain_buf[head] = -1;
}

/* The head of some chain the device holds, or -1. */
static int device_any(const struct dev_queue *d, unsigned pick)
{
	for (unsigned i = 0; i < QSIZE; i++)
		if (d->chain_buf[(i + pick) % QSIZE] >= 0)
			return (int)((i + pick) % QSIZE);
	return -1;
}

static struct nic_entry entry(unsigned buf, unsigned len)
{
	return (struct nic_entry){ (uint16_t)buf, (uint16_t)len };
}

static void received_frames_reach_rx_done(void **state)
{
	struct nic_entry x;
	int h;

	(void)state;
	for (unsigned b = 0; b < 4; b++)
		assert_true(nic_ring_put(&rx_free, entry(b, 0)));
	assert_int_equal(vnet_poll(&vn), VNET_NOTIFY_RX);
	assert_int_equal(device_take(&drx), 4);
	h = device_any(&drx, 0);
	device_use(&drx, (uint16_t)h, VNET_HDR + 60);
	h = device_any(&drx, 0);
	device_use(&drx, (uint16_t)h, VNET_HDR + NIC_BUF_SIZE);
	assert_int_equal(vnet_poll(&vn), VNET_SIGNAL);
	assert_int_equal(nic_ring_get(&rx_done, &x), NIC_RING_TOOK);
	assert_int_equal(x.ne_len, 60);
	assert_int_equal(nic_ring_get(&rx_done, &x), NIC_RING_TOOK);
	assert_int_equal(x.ne_len, NIC_BUF_SIZE);
	assert_int_equal(nic_ring_get(&rx_done, &x), NIC_RING_EMPTY);
	assert_int_equal(vn.vn_rx_frames, 2);
	assert_int_equal(vn.vn_rx_bytes, 60 + NIC_BUF_SIZE);
	/* Given back, a buffer goes to the device again. */
	assert_true(nic_ring_put(&rx_free, entry(x.ne_buf, 0)));
	assert_int_equal(vnet_poll(&vn), VNET_NOTIFY_RX);
	assert_int_equal(device_take(&drx), 1);
}

static void sent_frames_come_back_on_tx_done(void **state)
{
	struct nic_entry x;
	int h;

	(void)state;
	assert_true(nic_ring_put(&tx, entry(7, 60)));
	assert_true(nic_ring_put(&tx, entry(8, NIC_MTU + NIC_ETH_HEADER)));
	assert_int_equal(vnet_poll(&vn), VNET_NOTIFY_TX);
	assert_int_equal(device_take(&dtx), 2);
	while ((h = device_any(&dtx, 0)) >= 0)
		device_use(&dtx, (uint16_t)h, 0);
	assert_int_equal(vnet_poll(&vn), VNET_SIGNAL);
	assert_int_equal(nic_ring_get(&tx_done, &x), NIC_RING_TOOK);
	assert_int_equal(x.ne_buf, 7);
	assert_int_equal(x.ne_len, 60);
	assert_int_equal(nic_ring_get(&tx_done, &x), NIC_RING_TOOK);
	assert_int_equal(x.ne_buf, 8);
	assert_int_equal(vn.vn_tx_frames, 2);
	assert_int_equal(vn.vn_tx_bytes, 60 + NIC_MTU + NIC_ETH_HEADER);
	assert_int_equal(vn.vn_refused, 0);
}

static void bad_entries_are_refused(void **state)
{
	struct nic_entry x;

	(void)state;
	assert_true(nic_ring_put(&rx_free, entry(NBUFS, 0)));                   /* past nbufs */
	assert_true(nic_ring_put(&rx_free, entry(3, 0)));                       /* fine */
	assert_true(nic_ring_put(&rx_free, entry(3, 0)));                       /* held already */
	assert_true(nic_ring_put(&tx, entry(3, 60)));                           /* held for receiving */
	assert_true(nic_ring_put(&tx, entry(0xFFFF, 60)));                      /* past nbufs */
	assert_true(nic_ring_put(&tx, entry(5, NIC_FRAME_MIN - 1)));            /* too short */
	assert_true(nic_ring_put(&tx, entry(6, NIC_MTU + NIC_ETH_HEADER + 1))); /* too long */
	assert_int_equal(vnet_poll(&vn), VNET_NOTIFY_RX | VNET_SIGNAL);
	assert_int_equal(device_take(&drx), 1);
	assert_int_equal(device_take(&dtx), 0);
	assert_int_equal(vn.vn_refused, 6);
	/* The buffers with bad lengths come back at once, len 0; nothing else. */
	assert_int_equal(nic_ring_get(&tx_done, &x), NIC_RING_TOOK);
	assert_int_equal(x.ne_buf, 5);
	assert_int_equal(x.ne_len, 0);
	assert_int_equal(nic_ring_get(&tx_done, &x), NIC_RING_TOOK);
	assert_int_equal(x.ne_buf, 6);
	assert_int_equal(nic_ring_get(&tx_done, &x), NIC_RING_EMPTY);
}

/* A queue of 16 descriptors holds 8 chains: the rest waits on the ring
 * and goes to the device as chains come back. */
static void a_full_queue_leaves_entries_on_the_ring(void **state)
{
	(void)state;
	for (unsigned b = 0; b < 20; b++)
		assert_true(nic_ring_put(&rx_free, entry(b, 0)));
	for (unsigned b = 20; b < 30; b++)
		assert_true(nic_ring_put(&tx, entry(b, 100)));
	vnet_poll(&vn);
	assert_int_equal(device_take(&drx), QSIZE / 2);
	assert_int_equal(device_take(&dtx), QSIZE / 2);
	assert_int_equal(sh->ns_rx_free.nr_tail, QSIZE / 2);
	assert_int_equal(sh->ns_tx.nr_tail, QSIZE / 2);
	for (unsigned i = 0; i < 3; i++) {
		device_use(&drx, (uint16_t)device_any(&drx, i), VNET_HDR + 100);
		device_use(&dtx, (uint16_t)device_any(&dtx, i), 0);
	}
	assert_int_equal(vnet_poll(&vn), VNET_NOTIFY_RX | VNET_NOTIFY_TX | VNET_SIGNAL);
	assert_int_equal(device_take(&drx), 3);
	assert_int_equal(device_take(&dtx), 2); /* the last two of the ten */
	assert_int_equal(vn.vn_rx_frames, 3);
	assert_int_equal(vn.vn_tx_frames, 3);
}

/* rx_done without room (its consumer index says so), or a frame shorter
 * than a header: the buffer goes straight back to the device. */
static void frames_without_a_place_go_back_to_the_device(void **state)
{
	struct nic_entry x;

	(void)state;
	assert_true(nic_ring_put(&rx_free, entry(9, 0)));
	vnet_poll(&vn);
	assert_int_equal(device_take(&drx), 1);
	sh->ns_rx_done.nr_tail = 12345;
	device_use(&drx, (uint16_t)device_any(&drx, 0), VNET_HDR + 60);
	assert_int_equal(vnet_poll(&vn), VNET_NOTIFY_RX);
	assert_int_equal(device_take(&drx), 1);
	sh->ns_rx_done.nr_tail = 0;
	device_use(&drx, (uint16_t)device_any(&drx, 0), VNET_HDR + NIC_FRAME_MIN - 1);
	assert_int_equal(vnet_poll(&vn), VNET_NOTIFY_RX);
	assert_int_equal(device_take(&drx), 1);
	assert_int_equal(vn.vn_rx_dropped, 2);
	assert_int_equal(nic_ring_get(&rx_done, &x), NIC_RING_EMPTY);
	device_use(&drx, (uint16_t)device_any(&drx, 0), VNET_HDR + 60);
	assert_int_equal(vnet_poll(&vn), VNET_SIGNAL);
	assert_int_equal(nic_ring_get(&rx_done, &x), NIC_RING_TOOK);
	assert_int_equal(x.ne_buf, 9);
}

/* A client rewriting the whole header at random between every step, the
 * device completing chains at random with lengths of every kind: every
 * chain the device takes passes device_take's checks, and every buffer
 * the driver holds is in exactly one chain. */
static void a_hostile_client_never_aims_the_device_outside_its_buffers(void **state)
{
	uint32_t seed = 12345;

	(void)state;
#define RAND() (seed = seed * 1103515245u + 12345u, seed >> 8)
	for (unsigned step = 0; step < 20000; step++) {
		unsigned what = RAND() % 8;
		uint32_t *word = (uint32_t *)sh + RAND() % (sizeof(*sh) / 4);

		if (what < 3) /* any word of the header, anything */
			*word = RAND() % 4 == 0 ? RAND() : (RAND() % 2 ? RAND() % (NBUFS + 4) : RAND() % 300);
		else if (what == 3) /* an index a little ahead of its other end */
			sh->ns_tx.nr_head = sh->ns_tx.nr_tail + RAND() % 8;
		else if (what == 4)
			sh->ns_rx_free.nr_head = sh->ns_rx_free.nr_tail + RAND() % 8;
		else { /* the device finishes something */
			struct dev_queue *d = RAND() % 2 ? &drx : &dtx;
			int h = device_any(d, RAND());
			static const uint32_t lens[] = { 0,
				                         1,
				                         VNET_HDR,
				                         VNET_HDR + 13,
				                         VNET_HDR + 14,
				                         1000,
				                         VNET_HDR + NIC_BUF_SIZE,
				                         VNET_HDR + NIC_BUF_SIZE + 1 };

			if (h >= 0)
				device_use(d, (uint16_t)h, lens[RAND() % 8]);
		}
		vnet_poll(&vn);
		device_take(&drx);
		device_take(&dtx);
		for (unsigned b = 0; b < NBUFS; b++) {
			unsigned chains = 0;

			for (unsigned i = 0; i < QSIZE; i++)
				chains += (drx.chain_buf[i] == (int)b) + (dtx.chain_buf[i] == (int)b);
			assert_int_equal(chains, vn.vn_held[b / 64] >> (b % 64) & 1);
		}
	}
#undef RAND
	assert_true(vn.vn_refused > 0);
	assert_true(vn.vn_rx_frames + vn.vn_tx_frames > 0);
}

static void without_a_client_nothing_happens(void **state)
{
	(void)state;
	assert_true(nic_ring_put(&rx_free, entry(1, 0)));
	assert_true(nic_ring_put(&tx, entry(2, 60)));
	vnet_detach(&vn);
	assert_int_equal(vnet_poll(&vn), 0);
	assert_int_equal(device_take(&drx), 0);
	assert_int_equal(device_take(&dtx), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(received_frames_reach_rx_done),
		T(sent_frames_come_back_on_tx_done),
		T(bad_entries_are_refused),
		T(a_full_queue_leaves_entries_on_the_ring),
		T(frames_without_a_place_go_back_to_the_device),
		T(a_hostile_client_never_aims_the_device_outside_its_buffers),
		T(without_a_client_nothing_happens),
#undef T
	};

	return cmocka_run_group_tests_name("vnet", tests, NULL, NULL);
}

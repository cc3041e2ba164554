/* The NIC test (tests/qemu/nic.sh): a client of the virtio-net driver on
 * QEMU's user network (we are 10.0.2.15, the gateway 10.0.2.2). It
 * attaches a shared frame, asks the gateway for its address with ARP and
 * pings it, breaks the protocol in every way a hostile or buggy client
 * could and checks that the driver refuses and carries on, floods it,
 * then crashes it in the middle of a burst, attaches again and is
 * answered again. As "nicrival" it is a second client, which the driver
 * must refuse while the first is attached. One TAP line a check; ends
 * QEMU. */
#include <stdio.h>
#include <string.h>

#include <kestrel/proto/nic.h>
#include <kestrel/proto/supervisor.h>
#include <kestrel/qemu_exit.h>

#include "io.h"
#include "ipc.h"
#include "nic_ring.h"
#include "server.h"
#include "sleep.h"
#include "syscalls.h"
#include "vspace.h"

PROTO_CLIENT(NIC_OPS)
PROTO_CLIENT(SUP_OPS)

#define NBUFS   64
#define RX_BUFS 32  /* on rx_free; the others are for sending */
#define WAITS   200 /* receives of WAIT_MS each before a reply counts as missing */
#define WAIT_MS 20

#define ETH_ARP  0x0806
#define ETH_IP   0x0800
#define ETH_TEST 0x88B5     /* IEEE's local experimental type: nobody answers it */
#define OUR_IP   0x0A00020F /* 10.0.2.15 */
#define GW_IP    0x0A000202 /* 10.0.2.2 */
#define PING_ID  0x4B53

static const uint8_t qemu_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }; /* scripts/qemu.sh --net */
static const uint8_t broadcast[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

static unsigned n, failed;

static void tap(int ok, const char *name, long detail)
{
	n++;
	failed += !ok;
	printf("%s %u - %s%s", ok ? "ok" : "not ok", n, name, ok ? "\n" : ": ");
	if (!ok)
		printf("got %ld\n", detail);
}

/* The client's side of the protocol. */
static struct {
	struct proto_client nic;
	uint64_t frame; /* the shared DMA frame */
	uint8_t *mem;
	volatile struct nic_shared *sh;
	struct nic_ring_end rx_free, rx_done, tx, tx_done;
	uint64_t kick;         /* the driver's, from attach */
	uint64_t wait, notify; /* our endpoint for the driver's signals, and its badged capability */
	bool mine[NBUFS];      /* buffers we hold */
	uint16_t sent_len[NBUFS];
	uint8_t mac[6], gw_mac[6];
	bool gw_known;
	uint64_t pongs[4]; /* echo replies seen, by sequence number (0-255) */
	uint64_t tx_back, tx_refused_back;
} c;

static uint8_t *buf(unsigned b)
{
	return c.mem + NIC_BUF_OFFSET(b);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint16_t checksum(const uint8_t *p, unsigned len)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

static unsigned eth(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, c.mac, 6);
	put16(f + 12, type);
	return NIC_ETH_HEADER;
}

/* An ARP packet (op 1 request, 2 reply) from us, padded to 60 bytes. */
static unsigned arp(uint8_t *f, uint16_t op, const uint8_t *dst, const uint8_t *tha, uint32_t tpa)
{
	uint8_t *a = f + eth(f, dst, ETH_ARP);

	put16(a, 1);
	put16(a + 2, ETH_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, c.mac, 6);
	put32(a + 14, OUR_IP);
	memcpy(a + 18, tha, 6);
	put32(a + 24, tpa);
	memset(a + 28, 0, 60 - NIC_ETH_HEADER - 28);
	return 60;
}

/* An ICMP echo request to the gateway with sequence seq. */
static unsigned ping(uint8_t *f, uint16_t seq)
{
	uint8_t *ip = f + eth(f, c.gw_mac, ETH_IP), *icmp = ip + 20;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, 20 + 8 + 32);
	ip[8] = 64;
	ip[9] = 1;
	put32(ip + 12, OUR_IP);
	put32(ip + 16, GW_IP);
	put16(ip + 10, checksum(ip, 20));
	memset(icmp, 0, 8);
	icmp[0] = 8;
	put16(icmp + 4, PING_ID);
	put16(icmp + 6, seq);
	for (unsigned i = 0; i < 32; i++)
		icmp[8 + i] = (uint8_t)('a' + i % 26);
	put16(icmp + 2, checksum(icmp, 8 + 32));
	return NIC_ETH_HEADER + 20 + 8 + 32;
}

/* What we do with a frame received: learn the gateway's address, answer
 * ARP requests for ours, note echo replies. */
static void received(const uint8_t *f, unsigned len)
{
	if (len >= NIC_ETH_HEADER + 28 && get16(f + 12) == ETH_ARP) {
		const uint8_t *a = f + NIC_ETH_HEADER;

		if (get16(a + 6) == 2 && get32(a + 14) == GW_IP && get32(a + 24) == OUR_IP) {
			memcpy(c.gw_mac, a + 8, 6);
			c.gw_known = true;
		} else if (get16(a + 6) == 1 && get32(a + 24) == OUR_IP) {
			/* Answered at once if a buffer is free; else the asker asks again. */
			for (unsigned b = RX_BUFS; b < NBUFS; b++)
				if (c.mine[b] && nic_ring_room(&c.tx)) {
					unsigned l = arp(buf(b), 2, a + 8, a + 8, get32(a + 14));

					c.mine[b] = false;
					c.sent_len[b] = (uint16_t)l;
					nic_ring_put(&c.tx, (struct nic_entry){ (uint16_t)b, (uint16_t)l });
					sys_signal(c.kick);
					break;
				}
		}
	}
	if (len >= NIC_ETH_HEADER + 28 && get16(f + 12) == ETH_IP && f[NIC_ETH_HEADER + 9] == 1) {
		const uint8_t *ip = f + NIC_ETH_HEADER, *icmp = ip + (ip[0] & 15) * 4;

		if (get32(ip + 12) == GW_IP && get32(ip + 16) == OUR_IP && icmp[0] == 0 &&
		    get16(icmp + 4) == PING_ID)
			c.pongs[(get16(icmp + 6) & 255) / 64] |= 1ULL << (get16(icmp + 6) % 64);
	}
}

/* Takes what the driver put on rx_done and tx_done: received frames
 * handled and their buffers given back on rx_free, sent buffers ours
 * again. */
static void poll_rings(void)
{
	struct nic_entry x;
	bool gave = false;

	while (nic_ring_get(&c.rx_done, &x) == NIC_RING_TOOK) {
		if (x.ne_buf >= NBUFS || c.mine[x.ne_buf])
			continue; /* not a buffer the driver had: never from a sane driver */
		if (x.ne_len <= NIC_BUF_SIZE)
			received(buf(x.ne_buf), x.ne_len);
		gave |= nic_ring_put(&c.rx_free, (struct nic_entry){ x.ne_buf, 0 });
	}
	while (nic_ring_get(&c.tx_done, &x) == NIC_RING_TOOK) {
		if (x.ne_buf >= NBUFS || c.mine[x.ne_buf])
			continue;
		c.mine[x.ne_buf] = true;
		c.tx_back++;
		c.tx_refused_back += x.ne_len == 0;
	}
	if (gave)
		sys_signal(c.kick);
}

/* Waits for a signal (or WAIT_MS), then takes what came. */
static void wait_rings(void)
{
	struct msg m;

	ipc_recv(c.wait, WAIT_MS, &m);
	poll_rings();
}

/* A buffer of ours for sending, waiting for one to come back if needed;
 * -1 if none does. */
static int free_buffer(void)
{
	for (unsigned tries = 0; tries < WAITS; tries++) {
		poll_rings();
		for (unsigned b = RX_BUFS; b < NBUFS; b++)
			if (c.mine[b])
				return (int)b;
		wait_rings();
	}
	return -1;
}

/* Puts buffer b, holding a frame of len bytes, on tx; no kick. */
static bool queue_frame(unsigned b, unsigned len)
{
	if (!nic_ring_put(&c.tx, (struct nic_entry){ (uint16_t)b, (uint16_t)len }))
		return false;
	c.mine[b] = false;
	c.sent_len[b] = (uint16_t)len;
	return true;
}

static bool send_arp_request(void)
{
	int b = free_buffer();
	static const uint8_t none[6];

	if (b < 0 || !queue_frame((unsigned)b, arp(buf((unsigned)b), 1, broadcast, none, GW_IP)))
		return false;
	sys_signal(c.kick);
	return true;
}

static bool pong(unsigned seq)
{
	return c.pongs[(seq & 255) / 64] >> (seq % 64) & 1;
}

/* Sends count pings from seq on, and waits for every answer. */
static bool ping_gateway(unsigned seq, unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		int b = free_buffer();

		if (b < 0 || !queue_frame((unsigned)b, ping(buf((unsigned)b), (uint16_t)(seq + i))))
			return false;
	}
	sys_signal(c.kick);
	for (unsigned tries = 0; tries < WAITS; tries++) {
		unsigned got = 0;

		for (unsigned i = 0; i < count; i++)
			got += pong(seq + i);
		if (got == count)
			return true;
		wait_rings();
	}
	return false;
}

static bool arp_gateway(void)
{
	c.gw_known = false;
	if (!send_arp_request())
		return false;
	for (unsigned tries = 0; tries < WAITS && !c.gw_known; tries++)
		wait_rings();
	return c.gw_known;
}

/* Zeroes the header, takes every buffer back, offers RX_BUFS on rx_free
 * and attaches: what a client does first and after a driver restart. */
static long attach(void)
{
	struct nic_attach_req q = { NBUFS };
	struct nic_none r;
	struct proto_xfer x = { .px_caps = { c.frame, c.notify } };
	long e;

	memset((void *)c.sh, 0, NIC_HEADER_BYTES);
	nic_ring_open(&c.rx_free, &c.sh->ns_rx_free, true);
	nic_ring_open(&c.rx_done, &c.sh->ns_rx_done, false);
	nic_ring_open(&c.tx, &c.sh->ns_tx, true);
	nic_ring_open(&c.tx_done, &c.sh->ns_tx_done, false);
	for (unsigned b = 0; b < NBUFS; b++)
		c.mine[b] = b >= RX_BUFS;
	for (unsigned b = 0; b < RX_BUFS; b++)
		nic_ring_put(&c.rx_free, (struct nic_entry){ (uint16_t)b, 0 });
	e = nic_attach_x(&c.nic, &q, &r, &x);
	if (e == E_OK) {
		if (c.kick) { /* the previous attachment's */
			sys_cap_delete(c.kick);
			slot_free(c.kick);
		}
		c.kick = x.px_caps[0];
	}
	return e;
}

static struct nic_info_rep info(void)
{
	struct nic_none none = { 0 };
	struct nic_info_rep r = { 0 };

	if (nic_info(&c.nic, &none, &r) != E_OK)
		r.attached = ~0ULL;
	return r;
}

/* The shared frame and our endpoint for the driver's signals. */
static long setup(const struct server_info *si, uint64_t pages)
{
	uint64_t va;
	long e;

	c.frame = slot_alloc();
	c.wait = slot_alloc();
	c.notify = slot_alloc();
	if ((e = sys_mem_alloc(si->si_pool, c.frame, pages, MEM_DMA)) != E_OK ||
	    (e = vspace_map(c.frame, pages, R_READ | R_WRITE, 0, &va)) != E_OK ||
	    (e = sys_endpoint_create(si->si_pool, c.wait)) != E_OK ||
	    (e = sys_cap_copy(c.wait, si->si_self, c.notify, R_WRITE, 1, CAP_COPY_BADGE)) != E_OK)
		return e;
	c.mem = (uint8_t *)va;
	c.sh = (volatile struct nic_shared *)va;
	return service_lookup(NIC_SERVICE, &c.nic);
}

/* Attaches that must fail, each changing nothing. */
static void bad_attaches(const struct server_info *si)
{
	struct nic_attach_req q = { NBUFS };
	struct nic_none r;
	uint64_t plain = slot_alloc(), small = slot_alloc(), ro = slot_alloc();
	long not_dma, zero, many, tiny, unbadged, frame_notify, no_frame, read_only;
	struct proto_xfer x;

	sys_mem_alloc(si->si_pool, plain, NIC_SHARED_BYTES(NBUFS) / 4096, 0);
	sys_mem_alloc(si->si_pool, small, 1, MEM_DMA);
	sys_cap_copy(c.frame, si->si_self, ro, R_READ | R_CONTROL, 0, 0);
	x = (struct proto_xfer){ .px_caps = { plain, c.notify } };
	not_dma = nic_attach_x(&c.nic, &q, &r, &x);
	tap(not_dma == E_NO_RIGHTS, "attach_refuses_a_frame_that_is_not_dma_memory", not_dma);
	x = (struct proto_xfer){ .px_caps = { ro, c.notify } };
	read_only = nic_attach_x(&c.nic, &q, &r, &x);
	tap(read_only == E_NO_RIGHTS, "attach_refuses_a_frame_the_driver_may_not_write", read_only);
	x = (struct proto_xfer){ .px_caps = { c.frame, c.notify } };
	q.nbufs = 0;
	zero = nic_attach_x(&c.nic, &q, &r, &x);
	q.nbufs = NIC_MAX_BUFS + 1;
	many = nic_attach_x(&c.nic, &q, &r, &x);
	q.nbufs = NBUFS;
	x = (struct proto_xfer){ .px_caps = { small, c.notify } };
	tiny = nic_attach_x(&c.nic, &q, &r, &x);
	x = (struct proto_xfer){ .px_caps = { c.frame, c.wait } };
	unbadged = nic_attach_x(&c.nic, &q, &r, &x);
	x = (struct proto_xfer){ .px_caps = { c.frame, small } };
	frame_notify = nic_attach_x(&c.nic, &q, &r, &x);
	x = (struct proto_xfer){ .px_caps = { c.notify, c.notify } };
	no_frame = nic_attach_x(&c.nic, &q, &r, &x);
	tap(zero == E_BAD_ARG && many == E_BAD_ARG && tiny == E_BAD_ARG && unbadged == E_BAD_ARG &&
	            frame_notify == E_BAD_ARG && no_frame == PE_BAD_REQUEST &&
	            info().attached == NIC_ATTACHED_NONE,
	    "attach_refuses_bad_sizes_and_capabilities",
	    zero ? (many ? (tiny ? (unbadged ? (frame_notify ? no_frame : frame_notify) : unbadged) : tiny)
	                 : many)
	         : zero);
}

/* Entries and indexes no driver may act on, one kind a function: each
 * refused and counted, and the driver carries on. */
static void bad_indexes(void)
{
	struct nic_info_rep before = info(), after;

	nic_ring_put(&c.rx_free, (struct nic_entry){ NBUFS, 0 });
	nic_ring_put(&c.rx_free, (struct nic_entry){ 0xFFFF, 0 });
	nic_ring_put(&c.tx, (struct nic_entry){ 9999, 60 });
	sys_signal(c.kick);
	poll_rings();
	after = info();
	tap(after.refused == before.refused + 3 && after.tx_frames == before.tx_frames,
	    "bad_buffer_indexes_are_refused", (long)(after.refused - before.refused));
}

/* Lengths outside 14..1514: each buffer back on tx_done with len 0. */
static void bad_lengths(void)
{
	static const uint16_t lens[] = { 0, NIC_FRAME_MIN - 1, NIC_MTU + NIC_ETH_HEADER + 1, NIC_BUF_SIZE,
		                         0xFFFF };
	struct nic_info_rep before = info(), after;
	uint64_t back = c.tx_refused_back;
	int b;

	for (unsigned i = 0; i < 5; i++)
		if ((b = free_buffer()) >= 0)
			queue_frame((unsigned)b, lens[i]);
	sys_signal(c.kick);
	for (unsigned tries = 0; tries < WAITS && c.tx_refused_back < back + 5; tries++)
		wait_rings();
	after = info();
	tap(after.refused == before.refused + 5 && c.tx_refused_back == back + 5 &&
	            after.tx_frames == before.tx_frames,
	    "bad_frame_lengths_come_back_refused", (long)(c.tx_refused_back - back));
}

/* A buffer the driver holds, given again for sending and for receiving:
 * the one last put on rx_free, which the device fills last. */
static void held_buffer(void)
{
	struct nic_info_rep before = info(), after;
	unsigned held = c.sh->ns_rx_free.nr_entry[(c.rx_free.re_index - 1) % NIC_RING_SIZE].ne_buf;

	nic_ring_put(&c.tx, (struct nic_entry){ (uint16_t)held, 60 });
	nic_ring_put(&c.rx_free, (struct nic_entry){ (uint16_t)held, 0 });
	sys_signal(c.kick);
	poll_rings();
	after = info();
	tap(after.refused == before.refused + 2 && after.tx_frames == before.tx_frames,
	    "a_buffer_the_driver_holds_is_refused", (long)(after.refused - before.refused));
}

/* Producer indexes claiming more than a ring holds (ahead, and behind the
 * driver's): nothing taken while they do; put right, the rings work
 * again. */
static void broken_producer_indexes(void)
{
	struct nic_info_rep before = info(), after;

	c.sh->ns_tx.nr_head = c.tx.re_index + NIC_RING_SIZE + 50;
	c.sh->ns_rx_free.nr_head = c.rx_free.re_index - 1;
	sys_signal(c.kick);
	poll_rings();
	after = info();
	c.sh->ns_tx.nr_head = c.tx.re_index;
	c.sh->ns_rx_free.nr_head = c.rx_free.re_index;
	tap(after.refused >= before.refused + 2 && after.tx_frames == before.tx_frames && ping_gateway(10, 2),
	    "a_ring_index_out_of_range_takes_nothing", (long)(after.refused - before.refused));
}

/* A consumer index leaving rx_done no room: frames received go back to
 * the device, counted as dropped. */
static void full_done_ring(void)
{
	struct nic_info_rep before = info(), after;
	int b;

	c.sh->ns_rx_done.nr_tail = c.rx_done.re_index + 5000;
	if ((b = free_buffer()) >= 0 && queue_frame((unsigned)b, ping(buf((unsigned)b), 20)))
		sys_signal(c.kick);
	for (unsigned tries = 0; tries < WAITS && info().rx_dropped == before.rx_dropped; tries++)
		wait_rings();
	after = info();
	c.sh->ns_rx_done.nr_tail = c.rx_done.re_index;
	tap(after.rx_dropped > before.rx_dropped && ping_gateway(21, 2),
	    "a_done_ring_without_room_drops_frames", (long)(after.rx_dropped - before.rx_dropped));
}

/* Frames for nobody (an experimental type, broadcast), far more than the
 * ring and the buffers hold, of every length: all sent, every buffer back
 * with its length. */
static void flood(void)
{
	struct nic_info_rep before = info(), after;
	uint64_t back = c.tx_back;
	unsigned sent = 0, wrong = 0;

	while (sent < 1000) {
		int b = free_buffer();
		unsigned len = 60 + sent % (NIC_MTU + NIC_ETH_HEADER - 60 + 1);

		if (b < 0)
			break;
		memset(buf((unsigned)b) + eth(buf((unsigned)b), broadcast, ETH_TEST), (int)sent, len - 14);
		queue_frame((unsigned)b, len);
		sent++;
		if (sent % 8 == 0)
			sys_signal(c.kick);
	}
	sys_signal(c.kick);
	for (unsigned tries = 0; tries < WAITS && c.tx_back < back + sent; tries++)
		wait_rings();
	after = info();
	for (unsigned b = RX_BUFS; b < NBUFS; b++)
		wrong += !c.mine[b];
	tap(sent == 1000 && c.tx_back == back + sent && wrong == 0 &&
	            after.tx_frames == before.tx_frames + 1000 && after.refused == before.refused,
	    "a_flood_of_frames_is_sent_and_every_buffer_comes_back",
	    (long)(after.tx_frames - before.tx_frames));
}

/* Signals while nothing is attached (after detach) do nothing. */
static void unattached_signals(void)
{
	struct nic_none none = { 0 };
	struct nic_info_rep before, after;
	uint32_t done = c.sh->ns_tx_done.nr_head;
	long e = nic_detach(&c.nic, &none, &none);
	int b;

	before = info();
	if ((b = free_buffer()) >= 0)
		queue_frame((unsigned)b, ping(buf((unsigned)b), 30));
	for (unsigned i = 0; i < 10; i++)
		sys_signal(c.kick);
	sleep_ms(server_self()->si_pool, 50);
	after = info();
	tap(e == E_OK && before.attached == NIC_ATTACHED_NONE && after.tx_frames == before.tx_frames &&
	            c.sh->ns_tx_done.nr_head == done && !proto_restarted(&c.nic),
	    "signals_without_an_attachment_do_nothing", e ? e : (long)after.tx_frames);
	e = attach();
	tap(e == E_OK && info().attached == NIC_ATTACHED_YOU && ping_gateway(31, 2),
	    "detach_then_attach_again", e);
}

/* The second client: refused while the first is attached, and its
 * detach leaves the first alone. It says so on the console for net.sh. */
static int rival(const struct server_info *si)
{
	struct nic_attach_req q = { NBUFS };
	struct nic_none none = { 0 }, r;
	struct proto_xfer x;
	unsigned tries = 0;
	long e;

	if ((e = setup(si, NIC_SHARED_BYTES(NBUFS) / 4096)) != E_OK) {
		printf("nicrival: cannot set up: %s\n", proto_error_text(e));
		return 1;
	}
	while (info().attached != NIC_ATTACHED_OTHER && tries++ < 1000)
		sleep_ms(si->si_pool, 10);
	x = (struct proto_xfer){ .px_caps = { c.frame, c.notify } };
	e = nic_attach_x(&c.nic, &q, &r, &x);
	printf("nicrival: attach while another client is attached: %s\n", proto_error_text(e));
	e = nic_detach(&c.nic, &none, &none);
	printf("nicrival: detach: %s; the other client is %s\n", proto_error_text(e),
	       info().attached == NIC_ATTACHED_OTHER ? "still attached" : "gone");
	return 0;
}

/* Waits until the server called name has ended (the rival, which is
 * never restarted). */
static bool wait_ended(struct proto_client *sup, const char *name)
{
	for (unsigned tries = 0; tries < 1000; tries++) {
		struct sup_index_req q = { 0 };
		struct sup_list_rep s;

		for (; sup_list(sup, &q, &s) == E_OK; q.index++)
			if (strncmp(s.name, name, SERVER_NAME_LEN) == 0 && s.state == SUP_FAILED &&
			    s.generation)
				return true;
		sleep_ms(server_self()->si_pool, 10);
	}
	return false;
}

/* The driver crashed while a burst is on the rings and with the device:
 * the client learns of the restart from an answer, attaches again, and
 * is answered again. */
static void crash_in_a_burst(struct proto_client *sup)
{
	struct sup_name_req driver = { "virtio_net" };
	struct sup_generation_rep gen = { 0 };
	struct nic_info_rep r;
	unsigned queued = 0, tries = 0, replies = 0;
	long e = -1;

	for (unsigned i = 0; i < 24; i++) {
		int b = free_buffer();

		if (b >= 0 && queue_frame((unsigned)b, ping(buf((unsigned)b), (uint16_t)(100 + i))))
			queued++;
		if (i == 11) { /* half the burst to the device, then the crash */
			uint32_t before = c.sh->ns_tx_done.nr_head;

			sys_signal(c.kick);
			e = sup_crash(sup, &driver, &gen);
			printf("nictest: %u of the 12 frames given before the crash came back sent\n",
			       c.sh->ns_tx_done.nr_head - before);
		}
	}
	sys_signal(c.kick); /* the rest, to an instance that knows no client */
	do
		r = info();
	while (!proto_restarted(&c.nic) && tries++ < 500 && sleep_ms(server_self()->si_pool, 10) == E_OK);
	poll_rings(); /* what the old instance delivered before it died */
	for (unsigned i = 0; i < 24; i++)
		replies += pong(100 + i);
	printf("nictest: %u of the 24 echo replies of the burst arrived; the others were lost to the crash\n",
	       replies);
	tap(e == E_OK && gen.generation == 1 && queued == 24 && c.nic.pc_generation == 2 &&
	            r.attached == NIC_ATTACHED_NONE && r.tx_frames == 0,
	    "the_restarted_driver_knows_no_client", e ? e : (long)c.nic.pc_generation);
	e = attach();
	tap(e == E_OK && arp_gateway() && ping_gateway(200, 4), "after_the_restart_arp_and_ping_work_again",
	    e);
}

int main(void)
{
	const struct server_info *si = server_self();
	struct proto_client sup = { .pc_ep = si->si_sup, .pc_retries = 1 };
	struct nic_info_rep r;
	long e;

	if (strcmp(si->si_name, "nicrival") == 0)
		return rival(si);
	e = setup(si, NIC_SHARED_BYTES(NBUFS) / 4096);
	if (e == E_OK && nic_info(&c.nic, &(struct nic_none){ 0 }, &r) == E_NOT_FOUND) {
		/* Booted without the card (net.sh's second run): the driver
		 * stays up and says so. */
		printf("nictest: without a card the driver answers: %s\n", proto_error_text(E_NOT_FOUND));
		fflush(stdout);
		outl(QEMU_EXIT_PORT, QEMU_EXIT_PASS);
		return 0;
	}
	r = info();
	tap(e == E_OK && memcmp(r.mac, qemu_mac, 6) == 0 && r.mtu == NIC_MTU && r.link_up &&
	            r.attached == NIC_ATTACHED_NONE,
	    "info_tells_mac_mtu_and_link", e ? e : (long)r.attached);
	memcpy(c.mac, r.mac, 6);
	bad_attaches(si);
	e = attach();
	{
		struct cap_info ci = { 0 };

		sys_cap_identify_out(c.kick, &ci);
		tap(e == E_OK && info().attached == NIC_ATTACHED_YOU && ci.ci_type == CAP_ENDPOINT &&
		            ci.ci_badge,
		    "attach_answers_a_kick_capability", e);
	}
	tap(arp_gateway() && memcmp(c.gw_mac, broadcast, 6) != 0 && c.tx_back >= 1,
	    "arp_request_gets_the_gateways_reply", (long)c.tx_back);
	tap(ping_gateway(1, 4), "ping_to_the_gateway_is_answered", 0);
	r = info();
	tap(r.rx_frames >= 5 && r.tx_frames >= 5 && r.tx_bytes >= 60 + 4 * 74 && r.refused == 0,
	    "counters_count_the_frames", (long)r.rx_frames);
	tap(wait_ended(&sup, "nicrival") && info().attached == NIC_ATTACHED_YOU && ping_gateway(5, 2),
	    "a_second_client_leaves_the_first_attached", 0);
	bad_indexes();
	bad_lengths();
	held_buffer();
	broken_producer_indexes();
	full_done_ring();
	flood();
	unattached_signals();
	tap(!proto_restarted(&c.nic) && c.nic.pc_generation == 1 && ping_gateway(40, 4),
	    "the_driver_survives_every_hostile_client", (long)c.nic.pc_generation);
	crash_in_a_burst(&sup);
	printf("1..%u\nnictest: %u passed, %u failed\n", n, n - failed, failed);
	fflush(stdout);
	outl(QEMU_EXIT_PORT, failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	return 0;
}

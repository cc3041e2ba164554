/* virtio_blk: the driver of a virtio-blk disk over virtio-pci 1.x (PCI
 * 1af4:1042), serving the block protocol (include/kestrel/proto/blk.h).
 *
 * Start-up: claim the device from the PCI server (the manifest's `pci`
 * line), map its configuration page and the BARs its virtio capabilities
 * name, reset it, negotiate VERSION_1 and FLUSH, set up queue 0 in DMA
 * memory (the manifest's `dma` line) with MSI-X entry 0 raising the MSI
 * vector the manifest's `irq` line gave, and tell the device DRIVER_OK.
 *
 * A request takes a slot for each chain it offers the device: a header, a
 * status byte and a bounce buffer of BLK_MAX_SECTORS sectors, all DMA
 * memory. Writes through a lease copy it into the bounce buffer before
 * the device sees it, reads copy out after the device wrote it: one copy,
 * and the device never sees a client's pages. A client with DMA memory of
 * its own (read_frame, write_frame, or frames it attached for io_vec) has
 * the device read and write that memory directly. The call is deferred (a
 * waiter, whose pw_data counts the chains outstanding) until the device
 * reports every chain used; the interrupt handler answers it then, so a
 * write is acknowledged only once the device has completed it, and a
 * flush only once the device says the data is stable.
 */
#include <stdio.h>
#include <string.h>

#include <kestrel/proto/blk.h>
#include <kestrel/proto/pci.h>

#include "ipc.h"
#include "server.h"
#include "syscalls.h"
#include "virtio.h"
#include "virtq.h"
#include "vspace.h"

PROTO_CLIENT(PCI_OPS)
PROTO_SERVER(BLK_OPS)

/* virtio-blk (5.2). */
#define VIRTIO_BLK_F_RO       (1ULL << 5)
#define VIRTIO_BLK_F_GEOMETRY (1ULL << 4)
#define VIRTIO_BLK_F_FLUSH    (1ULL << 9)
#define VIRTIO_BLK_T_IN       0
#define VIRTIO_BLK_T_OUT      1
#define VIRTIO_BLK_T_FLUSH    4
#define VIRTIO_BLK_S_OK       0
#define VIRTIO_BLK_S_IOERR    1
#define VIRTIO_BLK_S_UNSUPP   2

struct virtio_blk_config {
	uint64_t capacity; /* 512-byte sectors */
	uint32_t size_max;
	uint32_t seg_max;
	uint16_t cylinders;
	uint8_t heads;
	uint8_t sectors;
	uint32_t blk_size;
} __attribute__((packed));

struct virtio_blk_req {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

#define MSI_BADGE   (1ULL << 40) /* the queue's interrupt, on our endpoint */
#define QUEUE_MAX   256          /* descriptors we use, at most */
#define NO_ATTACHED BLK_MAX_ATTACH

struct slot {
	struct proto_waiter *s_waiter; /* the call it serves; NULL: free */
	uint64_t s_frame;              /* a client's DMA frame the request uses, or CAP_NULL */
	unsigned s_attached;           /* the attached frame it uses, or NO_ATTACHED */
	uint32_t s_type;
	uint64_t s_count;
	uint16_t s_head;
	volatile struct virtio_blk_req *s_req; /* header, then status at s_status */
	volatile uint8_t *s_status;
	uint8_t *s_buf;
	uint64_t s_req_pa, s_status_pa, s_buf_pa;
};

/* A client's frame kept for io_vec (attach). */
struct attached {
	uint64_t a_owner; /* OWNER(the client's badge); 0: a free entry */
	uint64_t a_frame; /* slot of the frame capability */
	uint64_t a_pa, a_pages;
};

static struct {
	struct virtio_pci v;
	struct virtq q;
	volatile uint16_t *notify;
	uint64_t sectors;
	bool read_only, flush;
	uint16_t cylinders;
	uint8_t heads, sectors_per_track;
	struct slot slots[BLK_MAX_INFLIGHT];
	uint16_t head_slot[QUEUE_MAX];
	struct attached attached[BLK_MAX_ATTACH];
} d;

/* A waiter's pw_data while its chains are with the device. */
#define W_PENDING 0 /* chains not yet used */
#define W_STATUS  1 /* the first error, or 0 */
#define W_DONE    2 /* sectors moved */
#define W_FLUSH   3 /* a flush to offer once the writes are done */

/* The badge an attached frame is kept under: never 0, which is free. */
#define OWNER(badge) ((badge) | 1ULL << 63)

static long setup_slots(void)
{
	uint64_t pa;
	uint8_t *hdr = virtio_dma_alloc(1, &pa);

	if (!hdr)
		return E_NO_MEMORY;
	for (unsigned i = 0; i < BLK_MAX_INFLIGHT; i++) {
		struct slot *s = &d.slots[i];

		/* 16-byte header and a status byte: 32 bytes a slot in one page. */
		s->s_attached = NO_ATTACHED;
		s->s_req = (volatile void *)(hdr + 32 * i);
		s->s_req_pa = pa + 32 * i;
		s->s_status = hdr + 32 * i + 16;
		s->s_status_pa = pa + 32 * i + 16;
		s->s_buf = virtio_dma_alloc(BLK_MAX_SECTORS * BLK_SECTOR / 4096, &s->s_buf_pa);
		if (!s->s_buf)
			return E_NO_MEMORY;
	}
	return E_OK;
}

static void read_geometry(void)
{
	volatile struct virtio_blk_config *c = d.v.vp_device;

	d.sectors = c->capacity;
	if (d.v.vp_features & VIRTIO_BLK_F_GEOMETRY) {
		d.cylinders = c->cylinders;
		d.heads = c->heads;
		d.sectors_per_track = c->sectors;
	}
	d.read_only = d.v.vp_features & VIRTIO_BLK_F_RO;
	d.flush = d.v.vp_features & VIRTIO_BLK_F_FLUSH;
}

static long setup(void)
{
	const struct server_res *msi = server_resource(SERVER_RES_MSI, 0);
	struct proto_client pci;
	struct pci_none none = { 0 };
	struct pci_info_rep info;
	struct proto_xfer x = { .px_len = 0 };
	long e;

	if (!msi)
		return PE_BAD_REQUEST;
	if ((e = service_lookup("pci", &pci)) != E_OK || (e = pci_claim_x(&pci, &none, &info, &x)) != E_OK)
		return e;
	if ((e = virtio_pci_attach(&d.v, &pci, &info, x.px_caps[0])) != E_OK)
		return e;
	/* The interrupt first: bound before the device may raise it. */
	if ((e = sys_irq_bind(msi->sr_slot, server_self()->si_ep, MSI_BADGE)) != E_OK)
		return e;
	if ((e = virtio_pci_start(&d.v, VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_RO | VIRTIO_BLK_F_GEOMETRY)) !=
	    E_OK)
		return e;
	if ((e = virtio_pci_msix(&d.v, msi->sr_first, msi->sr_count)) != E_OK)
		return e;
	if ((e = setup_slots()) != E_OK)
		return e;
	{
		uint16_t size = virtio_pci_queue_size(&d.v, 0);
		uint64_t pa;
		void *mem;

		if (size > QUEUE_MAX)
			size = QUEUE_MAX;
		if (size < 4 || (size & (size - 1)))
			return PE_BAD_REQUEST;
		mem = virtio_dma_alloc((virtq_bytes(size) + 4095) / 4096, &pa);
		if (!mem)
			return E_NO_MEMORY;
		virtq_init(&d.q, size, mem, pa);
		if ((e = virtio_pci_queue(&d.v, 0, &d.q, 0, &d.notify)) != E_OK)
			return e;
	}
	read_geometry();
	virtio_pci_ready(&d.v);
	return E_OK;
}

/* Copies n bytes between a lease and a bounce buffer (a whole number of
 * sectors: 8-byte multiples) eight bytes an instruction. */
static void copy_sectors(void *dst, const void *src, size_t n)
{
	size_t words = n / 8;

	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
}

static struct slot *free_slot(void)
{
	for (unsigned i = 0; i < BLK_MAX_INFLIGHT; i++)
		if (!d.slots[i].s_waiter)
			return &d.slots[i];
	return NULL;
}

static unsigned free_slots(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < BLK_MAX_INFLIGHT; i++)
		n += !d.slots[i].s_waiter;
	return n;
}

/* Offers slot s's chain (type, count sectors at sector, the data at
 * data_pa) to the device for waiter w. */
static void offer(struct proto_waiter *w, struct slot *s, uint32_t type, uint64_t sector, uint64_t count,
                  uint64_t data_pa)
{
	struct virtq_buf b[3];
	unsigned n = 0;
	int head;

	s->s_req->type = type;
	s->s_req->reserved = 0;
	s->s_req->sector = sector;
	*s->s_status = 0xFF;
	b[n++] = (struct virtq_buf){ s->s_req_pa, 16, false };
	if (count)
		b[n++] = (struct virtq_buf){ data_pa, (uint32_t)(count * BLK_SECTOR),
			                     type == VIRTIO_BLK_T_IN };
	b[n++] = (struct virtq_buf){ s->s_status_pa, 1, true };
	/* Cannot fail: each slot's 3 descriptors are always there. */
	head = virtq_add(&d.q, b, n);
	s->s_waiter = w;
	s->s_type = type;
	s->s_count = count;
	s->s_head = (uint16_t)head;
	d.head_slot[head] = (uint16_t)(s - d.slots);
	w->pw_data[W_PENDING]++;
}

/* Defers the call being handled, for chains to offer. */
static struct proto_waiter *defer(struct proto_ctx *ctx)
{
	struct proto_waiter *w = proto_defer(ctx, 0);

	if (w)
		w->pw_data[W_PENDING] = w->pw_data[W_STATUS] = w->pw_data[W_DONE] = w->pw_data[W_FLUSH] = 0;
	return w;
}

/* One chain for the call being handled: deferred until it is used. */
static long submit(struct proto_ctx *ctx, struct slot *s, uint32_t type, uint64_t sector, uint64_t count,
                   uint64_t data_pa)
{
	struct proto_waiter *w = defer(ctx);

	if (!w)
		return PE_BUSY;
	offer(w, s, type, sector, count, data_pa);
	*d.notify = 0; /* queue 0 */
	return PROTO_DEFERRED;
}

/* The checks a read or write passes before it touches anything. */
static long check_io(const struct proto_ctx *ctx, const struct blk_io_req *q)
{
	if (q->count == 0 || q->count > BLK_MAX_SECTORS || q->sector >= d.sectors ||
	    q->count > d.sectors - q->sector)
		return E_BAD_ARG;
	if (!ctx->pc_lease || ctx->pc_lease_len < q->count * BLK_SECTOR)
		return PE_BAD_REQUEST;
	return E_OK;
}

long blk_info_srv(struct proto_ctx *ctx, const struct blk_none *q, struct blk_info_rep *r)
{
	(void)ctx, (void)q;
	*r =
	        (struct blk_info_rep){ d.sectors, d.read_only,         d.cylinders,
		                       d.heads,   d.sectors_per_track, d.flush };
	return 0;
}

long blk_read_srv(struct proto_ctx *ctx, const struct blk_io_req *q, struct blk_io_rep *r)
{
	struct slot *s;
	long e = check_io(ctx, q);

	(void)r;
	if (e != E_OK)
		return e;
	if (!(s = free_slot()))
		return PE_BUSY;
	return submit(ctx, s, VIRTIO_BLK_T_IN, q->sector, q->count, s->s_buf_pa);
}

long blk_write_srv(struct proto_ctx *ctx, const struct blk_io_req *q, struct blk_io_rep *r)
{
	struct slot *s;
	long e = check_io(ctx, q);

	(void)r;
	if (e != E_OK)
		return e;
	if (d.read_only)
		return E_NO_RIGHTS;
	if (!(s = free_slot()))
		return PE_BUSY;
	copy_sectors(s->s_buf, ctx->pc_lease, q->count * BLK_SECTOR);
	return submit(ctx, s, VIRTIO_BLK_T_OUT, q->sector, q->count, s->s_buf_pa);
}

/* A request on a client's own DMA frame: the device reads or writes it
 * directly. The frame is kept until the device is done with it. */
static long frame_io(struct proto_ctx *ctx, const struct blk_frame_req *q, uint32_t type)
{
	uint64_t pa, pages;
	struct slot *s;
	long e;

	if (q->count == 0 || q->count > BLK_MAX_SECTORS || q->sector >= d.sectors ||
	    q->count > d.sectors - q->sector || q->offset % BLK_SECTOR)
		return E_BAD_ARG;
	if (type == VIRTIO_BLK_T_OUT && d.read_only)
		return E_NO_RIGHTS;
	if ((e = sys_mem_phys_out(ctx->pc_caps[0], &pa, &pages)) != E_OK)
		return e == E_WRONG_TYPE ? PE_BAD_REQUEST : E_NO_RIGHTS;
	if (q->offset >= pages * 4096 || q->count * BLK_SECTOR > pages * 4096 - q->offset)
		return E_BAD_ARG;
	if (!(s = free_slot()))
		return PE_BUSY;
	e = submit(ctx, s, type, q->sector, q->count, pa + q->offset);
	if (e == PROTO_DEFERRED) {
		s->s_frame = ctx->pc_caps[0]; /* ours until the device is done */
		ctx->pc_caps[0] = CAP_NULL;
	}
	return e;
}

long blk_read_frame_srv(struct proto_ctx *ctx, const struct blk_frame_req *q, struct blk_io_rep *r)
{
	(void)r;
	return frame_io(ctx, q, VIRTIO_BLK_T_IN);
}

long blk_write_frame_srv(struct proto_ctx *ctx, const struct blk_frame_req *q, struct blk_io_rep *r)
{
	(void)r;
	return frame_io(ctx, q, VIRTIO_BLK_T_OUT);
}

long blk_flush_srv(struct proto_ctx *ctx, const struct blk_none *q, struct blk_none *r)
{
	struct slot *s;

	(void)q, (void)r;
	if (!d.flush)
		return 0; /* no volatile cache: every completed write is stable */
	if (!(s = free_slot()))
		return PE_BUSY;
	return submit(ctx, s, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
}

long blk_attach_srv(struct proto_ctx *ctx, const struct blk_none *q, struct blk_attach_rep *r)
{
	struct attached *a = NULL;
	uint64_t pa, pages;
	long e;

	(void)q;
	for (unsigned i = 0; i < BLK_MAX_ATTACH && !a; i++)
		if (!d.attached[i].a_owner)
			a = &d.attached[i];
	if (!a)
		return E_LIMIT;
	if ((e = sys_mem_phys_out(ctx->pc_caps[0], &pa, &pages)) != E_OK)
		return e == E_WRONG_TYPE ? PE_BAD_REQUEST : E_NO_RIGHTS;
	/* Should we die with a request in it, the device may still write it
	 * after the client died too: the supervisor keeps a copy until our
	 * next instance resets the device. */
	if ((e = virtio_dma_keep(ctx->pc_caps[0])) != E_OK)
		return e == E_LIMIT ? E_LIMIT : PE_IO;
	*a = (struct attached){ OWNER(ctx->pc_badge), ctx->pc_caps[0], pa, pages };
	ctx->pc_caps[0] = CAP_NULL; /* ours now */
	*r = (struct blk_attach_rep){ (uint64_t)(a - d.attached), pages };
	return 0;
}

long blk_detach_srv(struct proto_ctx *ctx, const struct blk_none *q, struct blk_none *r)
{
	(void)q, (void)r;
	for (unsigned i = 0; i < BLK_MAX_ATTACH; i++) {
		struct attached *a = &d.attached[i];

		if (a->a_owner != OWNER(ctx->pc_badge))
			continue;
		/* Not while the device may still use it. */
		for (unsigned k = 0; k < BLK_MAX_INFLIGHT; k++)
			if (d.slots[k].s_waiter && d.slots[k].s_attached == i)
				return PE_BUSY;
		virtio_dma_drop(a->a_pa);
		sys_cap_delete(a->a_frame);
		slot_free(a->a_frame);
		a->a_owner = 0;
	}
	return 0;
}

/* Where segment g's data is, if the caller attached its frame and the
 * sectors fit it. */
static long segment(const struct proto_ctx *ctx, const struct blk_seg *g, uint64_t *pa)
{
	const struct attached *a;

	if (g->count == 0 || g->count > BLK_MAX_SECTORS || g->sector >= d.sectors ||
	    g->count > d.sectors - g->sector || g->offset % BLK_SECTOR)
		return E_BAD_ARG;
	if (g->frame >= BLK_MAX_ATTACH || (a = &d.attached[g->frame])->a_owner != OWNER(ctx->pc_badge))
		return E_NOT_FOUND;
	if (g->offset >= a->a_pages * 4096 || (uint64_t)g->count * BLK_SECTOR > a->a_pages * 4096 - g->offset)
		return E_BAD_ARG;
	*pa = a->a_pa + g->offset;
	return E_OK;
}

long blk_io_vec_srv(struct proto_ctx *ctx, const struct blk_vec_req *q, struct blk_io_rep *r)
{
	bool write = q->flags & BLK_VEC_WRITE;
	uint32_t type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
	uint64_t pa[BLK_VEC_MAX];
	struct proto_waiter *w;
	long e;

	if (q->nsegs > BLK_VEC_MAX || (q->flags & ~(uint64_t)(BLK_VEC_WRITE | BLK_VEC_FLUSH)) ||
	    (q->nsegs == 0 && !(q->flags & BLK_VEC_FLUSH)))
		return E_BAD_ARG;
	if (write && q->nsegs && d.read_only)
		return E_NO_RIGHTS;
	for (unsigned i = 0; i < q->nsegs; i++)
		if ((e = segment(ctx, &q->seg[i], &pa[i])) != E_OK)
			return e;
	r->done = 0;
	if (q->nsegs == 0 && !d.flush)
		return 0; /* nothing to flush */
	if (free_slots() < q->nsegs + 1u)
		return PE_BUSY;
	if (!(w = defer(ctx)))
		return PE_BUSY;
	if (q->nsegs == 0)
		offer(w, free_slot(), VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	else
		w->pw_data[W_FLUSH] = (q->flags & BLK_VEC_FLUSH) && d.flush;
	for (unsigned i = 0; i < q->nsegs; i++) {
		struct slot *s = free_slot();

		offer(w, s, type, q->seg[i].sector, q->seg[i].count, pa[i]);
		s->s_attached = q->seg[i].frame;
	}
	*d.notify = 0;
	return PROTO_DEFERRED;
}

/* The device used slot s's chain: count it against its call, which is
 * answered once its last chain is used (and the flush it asked for,
 * offered then, is done). */
static void chain_used(struct slot *s)
{
	struct proto_waiter *w = s->s_waiter;
	struct blk_io_rep r;
	long status = *s->s_status == VIRTIO_BLK_S_OK       ? 0
	              : *s->s_status == VIRTIO_BLK_S_UNSUPP ? PE_BAD_REQUEST
	                                                    : PE_IO;

	if (status == 0 && s->s_type == VIRTIO_BLK_T_IN && s->s_frame == CAP_NULL && w->pw_lease)
		copy_sectors(w->pw_lease, s->s_buf, s->s_count * BLK_SECTOR);
	if (s->s_frame != CAP_NULL) {
		sys_cap_delete(s->s_frame);
		slot_free(s->s_frame);
		s->s_frame = CAP_NULL;
	}
	s->s_waiter = NULL;
	s->s_attached = NO_ATTACHED;
	if (status == 0)
		w->pw_data[W_DONE] += s->s_count;
	else if (w->pw_data[W_STATUS] == 0)
		w->pw_data[W_STATUS] = (uint64_t)status;
	if (--w->pw_data[W_PENDING] > 0)
		return;
	if (w->pw_data[W_FLUSH] && w->pw_data[W_STATUS] == 0) {
		w->pw_data[W_FLUSH] = 0;
		offer(w, s, VIRTIO_BLK_T_FLUSH, 0, 0, 0); /* in the slot just freed */
		*d.notify = 0;
		return;
	}
	r.done = w->pw_data[W_DONE];
	proto_answer(w, (long)w->pw_data[W_STATUS], &r);
}

/* The device used some chains. */
static void completed(void *state, uint64_t bits)
{
	uint16_t head;
	uint32_t len;

	(void)state, (void)bits;
	while (virtq_next_used(&d.q, &head, &len)) {
		struct slot *s;

		if (head == VIRTQ_NO_HEAD || head >= d.q.vq_size)
			continue;
		s = &d.slots[d.head_slot[head]];
		if (s->s_waiter && s->s_head == head)
			chain_used(s);
	}
}

int main(void)
{
	static const struct proto_op ops[] = PROTO_TABLE(BLK_OPS);
	static const struct server_notify irqs[] = { { MSI_BADGE, completed } };
	struct server_def def = { ops, sizeof(ops) / sizeof(ops[0]), NULL, irqs, 1, 0 };
	long e = setup();

	if (e != E_OK) {
		printf("virtio_blk: cannot set up the disk: %s\n", proto_error_text(e));
		return (int)e;
	}
	printf("virtio_blk: %lu sectors (%lu MiB)%s%s\n", d.sectors, d.sectors / 2048,
	       d.read_only ? ", read-only" : "", d.flush ? ", write cache flushed on request" : "");
	return (int)server_loop(&def);
}

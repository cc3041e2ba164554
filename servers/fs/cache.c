/* The block cache of the filesystem server (see cache.h): an LRU of disk
 * pages in DMA memory attached to the virtio-blk driver, writes gathered
 * until ext2 orders or flushes them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/proto/blk.h>

#include "cache.h"
#include "ipc.h"
#include "slots.h"
#include "syscalls.h"
#include "vspace.h"

PROTO_CLIENT(BLK_OPS)

#define SECTORS_PER_PAGE (BCACHE_PAGE / BLK_SECTOR)

/* Gives back the chunks allocated so far. */
static void free_chunks(struct bcache *c)
{
	for (unsigned k = 0; k < c->bc_nframes; k++) {
		sys_cap_delete(c->bc_frames[k]);
		slot_free(c->bc_frames[k]);
	}
	c->bc_nframes = 0;
}

/* Lends the driver every chunk (again, after its restart), its earlier
 * ones and our predecessor's dropped first. Every chunk must be lent to
 * one and the same instance: a driver that dies in the middle knows
 * nothing of the chunks lent so far, and an attach still waiting for it
 * reaches its next instance and gets that instance's first id, which our
 * table would then also hold for the chunk lent first. The driver read
 * into another chunk than we read from, a superblock of zeros (found
 * under the chaos campaign). Each answer says the instance's generation:
 * one that changed on the way means all again. */
static long attach_all(struct bcache *c)
{
	struct blk_none none = { 0 };
	long e = E_OK;

	for (unsigned tries = 0; tries < BCACHE_ATTACH_TRIES; tries++) {
		uint64_t gen;

		e = blk_detach(c->bc_blk, &none, &none);
		gen = c->bc_blk->pc_generation;
		for (unsigned k = 0; k < c->bc_nframes && e == E_OK; k++) {
			struct proto_xfer x = { .px_caps = { c->bc_frames[k] } };
			struct blk_attach_rep r;

			if ((e = blk_attach_x(c->bc_blk, &none, &r, &x)) == E_OK)
				c->bc_ids[k] = (uint16_t)r.id;
		}
		if (e == E_OK && c->bc_blk->pc_generation == gen)
			return E_OK;
		if (e != E_OK && e != PE_RESTARTED)
			return e;
		e = PE_RESTARTED; /* a restart on the way */
	}
	return e;
}

long bcache_init(struct bcache *c, struct proto_client *blk, uint64_t pool, uint64_t sectors, unsigned pages)
{
	uint64_t va = 0;
	long e = E_NO_MEMORY;

	memset(c, 0, sizeof(*c));
	c->bc_blk = blk;
	c->bc_sectors = sectors;
	/* In chunks of BCACHE_CHUNK pages, each a frame capability of its own
	 * (the kernel takes a reference on each page of a frame it sends, and
	 * the driver a table entry for each). Memory may be short: halve
	 * until it is there. */
	for (; pages >= 16 && e != E_OK; pages /= 2) {
		unsigned chunk = pages < BCACHE_CHUNK ? pages : BCACHE_CHUNK;

		e = E_OK;
		for (unsigned k = 0; k < pages / chunk && e == E_OK; k++) {
			c->bc_frames[k] = slot_alloc();
			e = sys_mem_alloc(pool, c->bc_frames[k], chunk, MEM_DMA);
			if (e != E_OK)
				slot_free(c->bc_frames[k]);
			else
				c->bc_nframes = k + 1;
		}
		c->bc_chunk = chunk;
		if (e != E_OK)
			free_chunks(c);
		else
			break;
	}
	if (e != E_OK)
		return e;
	pages = c->bc_nframes * c->bc_chunk;
	va = vspace_alloc((uint64_t)pages * BCACHE_PAGE, BCACHE_PAGE);
	for (unsigned k = 0; k < c->bc_nframes && e == E_OK; k++)
		e = va ? sys_mem_map(vspace_self(), c->bc_frames[k],
		                     va + (uint64_t)k * c->bc_chunk * BCACHE_PAGE, R_READ | R_WRITE, 0, 0)
		       : E_NO_MEMORY;
	if (e != E_OK || (e = attach_all(c)) != E_OK)
		return e;
	c->bc_mem = (uint8_t *)va;
	c->bc_pages = pages;
	c->bc_dirty_max = pages / 2 < BCACHE_DIRTY_MAX ? pages / 2 : BCACHE_DIRTY_MAX;
	c->bc_slot = calloc(pages, sizeof(*c->bc_slot));
	c->bc_hash = malloc(pages * sizeof(*c->bc_hash));
	c->bc_dirty = malloc(c->bc_dirty_max * sizeof(*c->bc_dirty));
	if (!c->bc_slot || !c->bc_hash || !c->bc_dirty)
		return E_NO_MEMORY;
	for (unsigned i = 0; i < pages; i++)
		c->bc_hash[i] = c->bc_slot[i].bs_next = -1;
	return E_OK;
}

static int *chain(struct bcache *c, uint64_t page)
{
	return &c->bc_hash[page % c->bc_pages];
}

static int find(struct bcache *c, uint64_t page)
{
	for (int i = *chain(c, page); i >= 0; i = c->bc_slot[i].bs_next)
		if (c->bc_slot[i].bs_page == page + 1)
			return i;
	return -1;
}

static void unchain(struct bcache *c, int s)
{
	int *p = chain(c, c->bc_slot[s].bs_page - 1);

	while (*p != s)
		p = &c->bc_slot[*p].bs_next;
	*p = c->bc_slot[s].bs_next;
	c->bc_slot[s].bs_page = 0;
	c->bc_slot[s].bs_dirty = 0;
}

static void enchain(struct bcache *c, int s, uint64_t page)
{
	c->bc_slot[s].bs_page = page + 1;
	c->bc_slot[s].bs_next = *chain(c, page);
	*chain(c, page) = s;
}

void bcache_forget(struct bcache *c)
{
	for (unsigned s = 0; s < c->bc_pages; s++)
		if (c->bc_slot[s].bs_page && !c->bc_slot[s].bs_dirty)
			unchain(c, (int)s);
}

/* The least recently used clean slot (a free one first), emptied. A miss
 * waits for the disk anyway, so the linear scan costs nothing that
 * matters; a clean one is there, since at most half are dirty. */
static int victim(struct bcache *c)
{
	int best = -1;

	for (unsigned i = 0; i < c->bc_pages; i++) {
		if (!c->bc_slot[i].bs_page)
			return (int)i;
		if (!c->bc_slot[i].bs_dirty && (best < 0 || c->bc_slot[i].bs_used < c->bc_slot[best].bs_used))
			best = (int)i;
	}
	unchain(c, best);
	return best;
}

/* Sends one io_vec whose segments name chunks by their index (the ids
 * are filled in here); after the driver's restart (it no longer knows our
 * chunks: E_NOT_FOUND), attaches them again and sends it once more. */
static int send_vec(struct bcache *c, const struct blk_vec_req *q)
{
	struct blk_vec_req v = *q;
	struct blk_io_rep r = { 0 };
	uint64_t want = 0;
	long e = E_NOT_FOUND;

	for (unsigned i = 0; i < q->nsegs; i++)
		want += q->seg[i].count;
	for (int attempt = 0; attempt < 2 && e == E_NOT_FOUND; attempt++) {
		if (attempt > 0 && attach_all(c) != E_OK)
			return -EIO;
		for (unsigned i = 0; i < q->nsegs; i++)
			v.seg[i].frame = c->bc_ids[q->seg[i].frame];
		c->bc_requests++;
		e = blk_io_vec(c->bc_blk, &v, &r);
	}
	return e == E_OK && r.done == want ? 0 : -EIO;
}

/* The segment of count sectors from sector `first` of page, in slot s. */
static struct blk_seg seg_of(const struct bcache *c, int s, uint64_t page, unsigned first, unsigned count)
{
	return (struct blk_seg){ page * SECTORS_PER_PAGE + first,
		                 (uint32_t)((unsigned)s % c->bc_chunk * BCACHE_PAGE + first * BLK_SECTOR),
		                 (uint16_t)count, (uint16_t)((unsigned)s / c->bc_chunk) };
}

/* The slot holding page, read from the disk on a miss; -1 on an error. */
static int get(struct bcache *c, uint64_t page)
{
	int s = find(c, page);
	uint64_t count = SECTORS_PER_PAGE;

	if (s < 0) {
		struct blk_vec_req q = { 0, 1, { { 0 } } };

		c->bc_misses++;
		s = victim(c);
		if (page * SECTORS_PER_PAGE + count > c->bc_sectors) /* the disk's last page may be short */
			count = c->bc_sectors - page * SECTORS_PER_PAGE;
		q.seg[0] = seg_of(c, s, page, 0, (unsigned)count);
		if (send_vec(c, &q) < 0)
			return -1;
		enchain(c, s, page);
	} else {
		c->bc_hits++;
	}
	c->bc_slot[s].bs_used = ++c->bc_clock;
	return s;
}

static bool in_disk(struct bcache *c, uint64_t block_no, uint32_t size)
{
	uint64_t off = block_no * size;

	return size > 0 && size <= BCACHE_PAGE && !(size & (size - 1)) && off / size == block_no &&
	       off + size <= c->bc_sectors * BLK_SECTOR;
}

int bcache_read(void *ctx, uint64_t block_no, uint32_t size, void *buf)
{
	struct bcache *c = ctx;
	uint64_t off = block_no * size;
	int s;

	if (!in_disk(c, block_no, size) || (s = get(c, off / BCACHE_PAGE)) < 0)
		return -EIO;
	memcpy(buf, c->bc_mem + (uint64_t)s * BCACHE_PAGE + off % BCACHE_PAGE, size);
	return 0;
}

/* Forgets every dirty page: after a failed write the disk may hold either
 * version, so the next read asks it. */
static void drop_dirty(struct bcache *c)
{
	for (unsigned i = 0; i < c->bc_ndirty; i++)
		if (c->bc_slot[c->bc_dirty[i]].bs_page)
			unchain(c, c->bc_dirty[i]);
	c->bc_ndirty = 0;
}

/* Writes every dirty sector, then flushes if asked to: the dirty slots in
 * disk order, runs of sectors next to each other on the disk and in memory
 * as one segment, BLK_VEC_MAX segments a request. */
static int write_dirty(struct bcache *c, bool flush)
{
	struct blk_vec_req q = { BLK_VEC_WRITE, 0, { { 0 } } };
	int err = 0;

	for (unsigned i = 1; i < c->bc_ndirty; i++) { /* insertion sort: a few dozen at most */
		int s = c->bc_dirty[i];
		unsigned j = i;

		for (; j > 0 && c->bc_slot[c->bc_dirty[j - 1]].bs_page > c->bc_slot[s].bs_page; j--)
			c->bc_dirty[j] = c->bc_dirty[j - 1];
		c->bc_dirty[j] = s;
	}
	for (unsigned i = 0; i < c->bc_ndirty && err == 0; i++) {
		int s = c->bc_dirty[i];
		uint8_t mask = c->bc_slot[s].bs_dirty;

		for (unsigned first = 0; first < SECTORS_PER_PAGE && err == 0;) {
			unsigned n = 0;

			if (!(mask & 1u << first)) {
				first++;
				continue;
			}
			while (first + n < SECTORS_PER_PAGE && mask & 1u << (first + n))
				n++;
			struct blk_seg g = seg_of(c, s, c->bc_slot[s].bs_page - 1, first, n);
			struct blk_seg *last = q.nsegs ? &q.seg[q.nsegs - 1] : NULL;

			if (last && last->frame == g.frame && last->sector + last->count == g.sector &&
			    last->offset + last->count * BLK_SECTOR == g.offset &&
			    last->count + g.count <= BLK_MAX_SECTORS) {
				last->count = (uint16_t)(last->count + g.count);
			} else {
				if (q.nsegs == BLK_VEC_MAX) {
					err = send_vec(c, &q);
					q.nsegs = 0;
				}
				q.seg[q.nsegs++] = g;
			}
			first += n;
		}
		c->bc_slot[s].bs_dirty = 0;
	}
	if (err == 0 && flush)
		q.flags |= BLK_VEC_FLUSH;
	if (err == 0 && (q.nsegs || flush))
		err = send_vec(c, &q);
	if (err < 0) {
		drop_dirty(c);
		return -EIO;
	}
	c->bc_ndirty = 0;
	return 0;
}

/* A write changes the cached page (read first unless the write covers
 * all of it) and marks its sectors dirty. */
int bcache_write(void *ctx, uint64_t block_no, uint32_t size, const void *buf)
{
	struct bcache *c = ctx;
	uint64_t off = block_no * size, page = off / BCACHE_PAGE;
	int s;

	if (!in_disk(c, block_no, size))
		return -EIO;
	s = find(c, page);
	if (s < 0 && c->bc_ndirty == c->bc_dirty_max && write_dirty(c, false) < 0)
		return -EIO;
	if (s < 0 && size == BCACHE_PAGE) {
		s = victim(c);
		enchain(c, s, page);
	} else if (s < 0 && (s = get(c, page)) < 0) {
		return -EIO;
	}
	if (!c->bc_slot[s].bs_dirty) {
		if (c->bc_ndirty == c->bc_dirty_max && write_dirty(c, false) < 0)
			return -EIO;
		c->bc_dirty[c->bc_ndirty++] = s;
	}
	c->bc_slot[s].bs_used = ++c->bc_clock;
	memcpy(c->bc_mem + (uint64_t)s * BCACHE_PAGE + off % BCACHE_PAGE, buf, size);
	for (uint64_t k = off % BCACHE_PAGE / BLK_SECTOR; k <= (off % BCACHE_PAGE + size - 1) / BLK_SECTOR;
	     k++)
		c->bc_slot[s].bs_dirty |= (uint8_t)(1u << k);
	return 0;
}

int bcache_order(void *ctx)
{
	struct bcache *c = ctx;

	return c->bc_ndirty ? write_dirty(c, false) : 0;
}

int bcache_flush(void *ctx)
{
	return write_dirty(ctx, true);
}

/* The block cache of the filesystem server (see cache.h): an LRU of disk
 * pages in DMA memory, write-through to the virtio-blk driver. */
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

long bcache_init(struct bcache *c, struct proto_client *blk, uint64_t pool, uint64_t sectors, unsigned pages)
{
	uint64_t va = 0;
	long e = E_NO_MEMORY;

	memset(c, 0, sizeof(*c));
	c->bc_blk = blk;
	c->bc_sectors = sectors;
	/* In chunks of BCACHE_CHUNK pages, each a frame capability of its own:
	 * a request sends the driver the chunk it touches, and sending a
	 * frame costs the kernel a reference on each of its pages. Memory may
	 * be short: halve until it is there. */
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
	if (e != E_OK)
		return e;
	c->bc_mem = (uint8_t *)va;
	c->bc_pages = pages;
	c->bc_slot = calloc(pages, sizeof(*c->bc_slot));
	c->bc_hash = malloc(pages * sizeof(*c->bc_hash));
	if (!c->bc_slot || !c->bc_hash)
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
}

/* The least recently used slot (a free one first), emptied. A miss waits
 * for the disk anyway, so the linear scan costs nothing that matters. */
static int victim(struct bcache *c)
{
	int best = 1;

	for (unsigned i = 1; i < c->bc_pages; i++) {
		if (!c->bc_slot[i].bs_page)
			return (int)i;
		if (c->bc_slot[i].bs_used < c->bc_slot[best].bs_used)
			best = (int)i;
	}
	unchain(c, best);
	return best;
}

/* Moves count sectors between the disk and the frame at byte off. */
static int disk_io(struct bcache *c, bool write, uint64_t sector, uint64_t count, uint64_t off)
{
	uint64_t chunk = (uint64_t)c->bc_chunk * BCACHE_PAGE;
	struct blk_frame_req q = { sector, count, off % chunk };
	struct blk_io_rep r;
	struct proto_xfer x = { .px_caps = { c->bc_frames[off / chunk] } };
	long e = write ? blk_write_frame_x(c->bc_blk, &q, &r, &x) : blk_read_frame_x(c->bc_blk, &q, &r, &x);

	return e == E_OK && r.done == count ? 0 : -EIO;
}

/* The slot holding page, read from the disk on a miss; -1 on an error. */
static int get(struct bcache *c, uint64_t page)
{
	int s = find(c, page);
	uint64_t sector = page * SECTORS_PER_PAGE, count = SECTORS_PER_PAGE;

	if (s < 0) {
		c->bc_misses++;
		s = victim(c);
		if (sector + count > c->bc_sectors) /* the disk's last page may be short */
			count = c->bc_sectors - sector;
		if (disk_io(c, false, sector, count, (uint64_t)s * BCACHE_PAGE) < 0)
			return -1;
		c->bc_slot[s].bs_page = page + 1;
		c->bc_slot[s].bs_next = *chain(c, page);
		*chain(c, page) = s;
	} else {
		c->bc_hits++;
	}
	c->bc_slot[s].bs_used = ++c->bc_clock;
	return s;
}

static bool in_disk(struct bcache *c, uint64_t block_no, uint32_t size)
{
	uint64_t off = block_no * size;

	return size >= BLK_SECTOR && size <= BCACHE_PAGE && off / size == block_no &&
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

/* A cached page is updated and its changed sectors written from it; an
 * uncached one is written from the bounce slot and not cached (a write
 * alone does not say the page will be read). */
int bcache_write(void *ctx, uint64_t block_no, uint32_t size, const void *buf)
{
	struct bcache *c = ctx;
	uint64_t off = block_no * size;
	int s;

	if (!in_disk(c, block_no, size))
		return -EIO;
	s = find(c, off / BCACHE_PAGE);
	if (s >= 0)
		c->bc_slot[s].bs_used = ++c->bc_clock;
	else
		s = 0;
	memcpy(c->bc_mem + (uint64_t)s * BCACHE_PAGE + off % BCACHE_PAGE, buf, size);
	if (disk_io(c, true, off / BLK_SECTOR, size / BLK_SECTOR,
	            (uint64_t)s * BCACHE_PAGE + off % BCACHE_PAGE) < 0) {
		if (s > 0) /* the cached copy is now newer than the disk: drop it */
			unchain(c, s);
		return -EIO;
	}
	return 0;
}

int bcache_flush(void *ctx)
{
	struct bcache *c = ctx;
	struct blk_none none = { 0 };

	return blk_flush(c->bc_blk, &none, &none) == E_OK ? 0 : -EIO;
}

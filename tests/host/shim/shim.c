/* A fake kernel for the host test of libipc/proto.c: a capability table
 * (slots, types, rights, staleness), shares whose pages are memfd pages
 * that mem_map really maps a second time (so a server's writes through
 * its mapping show in the client's buffer, and a read-only lease is
 * mapped read-only), revocation that unmaps every mapping, and message
 * capability transfer. */
#define _GNU_SOURCE
#include "shim.h"

#include <assert.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kestrel/error.h>

#define PAGE 4096ULL

struct fake_cap fake_caps[SHIM_SLOTS];
static bool allocated[SHIM_SLOTS];

struct share {
	bool live;
	int fd;
	uint64_t off, pages;
	unsigned rights;
	uint64_t map_va[8], map_pages[8];
};
static struct share shares[32];
static unsigned nshares;

/* Lease buffers: memfd pages mapped into the test. */
static struct {
	uint8_t *base;
	uint64_t pages;
	int fd;
} buffers[32];
static unsigned nbuffers;

static uint8_t *region; /* vspace_alloc's addresses */
static uint64_t region_used;
#define REGION_PAGES 1024

void shim_reset(void)
{
	for (unsigned i = 0; i < nbuffers; i++) {
		munmap(buffers[i].base, buffers[i].pages * PAGE);
		close(buffers[i].fd);
	}
	nbuffers = nshares = 0;
	memset(fake_caps, 0, sizeof(fake_caps));
	memset(allocated, 0, sizeof(allocated));
	memset(shares, 0, sizeof(shares));
	if (region)
		munmap(region, REGION_PAGES * PAGE);
	region = mmap(NULL, REGION_PAGES * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert(region != MAP_FAILED);
	region_used = 0;
}

uint8_t *shim_buffer(uint64_t pages)
{
	int fd = memfd_create("lease", 0);
	uint8_t *p;

	assert(fd >= 0 && ftruncate(fd, (off_t)(pages * PAGE)) == 0);
	p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert(p != MAP_FAILED);
	buffers[nbuffers].base = p;
	buffers[nbuffers].pages = pages;
	buffers[nbuffers++].fd = fd;
	return p;
}

uint64_t shim_cap(int type, unsigned rights)
{
	uint64_t slot = slot_alloc();

	fake_caps[slot] = (struct fake_cap){ type, rights, 0, true };
	return slot;
}

unsigned shim_live_caps(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < SHIM_SLOTS; i++)
		n += fake_caps[i].fc_live;
	return n;
}

unsigned shim_mappings(void)
{
	unsigned n = 0;

	for (unsigned s = 0; s < nshares; s++)
		for (unsigned i = 0; i < 8; i++)
			n += shares[s].map_va[i] != 0;
	return n;
}

unsigned shim_live_shares(void)
{
	unsigned n = 0;

	for (unsigned s = 0; s < nshares; s++)
		n += shares[s].live;
	return n;
}

uint64_t slot_alloc(void)
{
	for (uint64_t i = 8; i < SHIM_SLOTS; i++)
		if (!allocated[i]) {
			allocated[i] = true;
			return i;
		}
	return 0;
}

void slot_free(uint64_t slot)
{
	assert(slot < SHIM_SLOTS && allocated[slot]);
	assert(!fake_caps[slot].fc_live); /* never free a slot that still holds something */
	allocated[slot] = false;
}

static struct fake_cap *live(uint64_t slot)
{
	struct fake_cap *c = slot < SHIM_SLOTS ? &fake_caps[slot] : NULL;

	if (!c || !c->fc_live)
		return NULL;
	if (c->fc_type == CAP_SHARE && !shares[c->fc_obj].live)
		return NULL;
	return c;
}

long sys_cap_delete(uint64_t slot)
{
	if (slot >= SHIM_SLOTS)
		return E_BAD_CAP;
	fake_caps[slot].fc_live = false;
	return E_OK;
}

long sys_cap_identify_out(uint64_t slot, struct cap_info *ci)
{
	struct fake_cap *c = live(slot);

	*ci = (struct cap_info){ 0, 0, 0 };
	if (slot == 0 || slot >= SHIM_SLOTS)
		return E_BAD_CAP;
	if (c)
		*ci = (struct cap_info){ (uint64_t)c->fc_type, c->fc_rights,
			                 c->fc_type == CAP_SHARE ? shares[c->fc_obj].pages : 0 };
	return E_OK;
}

long sys_share_create(uint64_t pool, uint64_t dst, uint64_t vaddr, uint64_t pages, uint64_t rights)
{
	(void)pool;
	for (unsigned i = 0; i < nbuffers; i++) {
		uint64_t base = (uint64_t)buffers[i].base;

		if (vaddr >= base && vaddr + pages * PAGE <= base + buffers[i].pages * PAGE) {
			shares[nshares] = (struct share){ .live = true,
				                          .fd = buffers[i].fd,
				                          .off = vaddr - base,
				                          .pages = pages,
				                          .rights = (unsigned)rights };
			fake_caps[dst] = (struct fake_cap){ CAP_SHARE, (unsigned)rights | R_GRANT | R_CONTROL,
				                            nshares++, true };
			return E_OK;
		}
	}
	return E_NOT_FOUND;
}

static void unmap(uint64_t va, uint64_t pages)
{
	void *p = mmap((void *)va, pages * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	assert(p == (void *)va);
	for (unsigned s = 0; s < nshares; s++)
		for (unsigned i = 0; i < 8; i++)
			if (shares[s].map_va[i] >= va && shares[s].map_va[i] < va + pages * PAGE)
				shares[s].map_va[i] = 0;
}

long sys_obj_destroy(uint64_t slot)
{
	struct fake_cap *c = live(slot);
	struct share *s;

	if (!c || c->fc_type != CAP_SHARE || !(c->fc_rights & R_CONTROL))
		return c ? E_NO_RIGHTS : E_BAD_CAP;
	s = &shares[c->fc_obj];
	for (unsigned i = 0; i < 8; i++)
		if (s->map_va[i])
			unmap(s->map_va[i], s->map_pages[i]);
	s->live = false;
	return E_OK;
}

long sys_mem_map(uint64_t task, uint64_t frame, uint64_t vaddr, uint64_t rights, uint64_t first,
                 uint64_t pages)
{
	struct fake_cap *c = live(frame);
	struct share *s;
	void *p;

	(void)task;
	if (!c || c->fc_type != CAP_SHARE)
		return c ? E_WRONG_TYPE : E_BAD_CAP;
	if ((c->fc_rights & rights) != rights)
		return E_NO_RIGHTS;
	s = &shares[c->fc_obj];
	if (pages == 0)
		pages = s->pages - first;
	if ((uint8_t *)vaddr < region || (uint8_t *)vaddr + pages * PAGE > region + REGION_PAGES * PAGE)
		return E_BAD_ARG;
	p = mmap((void *)vaddr, pages * PAGE, rights & R_WRITE ? PROT_READ | PROT_WRITE : PROT_READ,
	         MAP_SHARED | MAP_FIXED, s->fd, (off_t)(s->off + first * PAGE));
	assert(p == (void *)vaddr);
	for (unsigned i = 0; i < 8; i++)
		if (!s->map_va[i]) {
			s->map_va[i] = vaddr;
			s->map_pages[i] = pages;
			return E_OK;
		}
	return E_LIMIT;
}

long sys_mem_unmap(uint64_t task, uint64_t vaddr, uint64_t pages)
{
	(void)task;
	unmap(vaddr, pages);
	return E_OK;
}

long sys_yield(void)
{
	return E_OK;
}

uint64_t shim_clock;

uint64_t sys_clock_ms(void)
{
	return shim_clock;
}

uint64_t vspace_alloc(uint64_t bytes, uint64_t align)
{
	uint64_t pages = (bytes + PAGE - 1) / PAGE;

	(void)align;
	if (region_used + pages > REGION_PAGES)
		return 0;
	region_used += pages;
	return (uint64_t)(region + (region_used - pages) * PAGE);
}

void shim_transfer(struct msg *m, bool move)
{
	for (unsigned i = 0; i < MSGINFO_CAPS(m->info); i++) {
		uint64_t copy = slot_alloc();

		assert(live(m->caps[i]));
		fake_caps[copy] = fake_caps[m->caps[i]];
		if (move)
			fake_caps[m->caps[i]].fc_live = false;
		m->caps[i] = copy;
	}
}

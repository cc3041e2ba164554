/* The clients' windows of the filesystem server (see window.h). */
#include "window.h"

#include <stddef.h>

#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/proto/fs.h>

#include "slots.h"
#include "syscalls.h"
#include "vspace.h"

#define PAGE 4096ULL

struct window {
	uint64_t w_badge;
	uint64_t w_share; /* slot of our copy of the share; CAP_NULL: a free entry */
	uint8_t *w_base;
	uint64_t w_bytes;
	uint64_t w_used; /* clock at the last attach or use, for the LRU choice */
};

static struct window windows[FS_WINDOWS];
static uint64_t clock;

/* Unmaps an entry's window and gives its capability back. After a
 * revocation the kernel has unmapped it already: the unmap finds nothing. */
static void drop(struct window *w)
{
	sys_mem_unmap(vspace_self(), (uint64_t)w->w_base, w->w_bytes / PAGE);
	sys_cap_delete(w->w_share);
	slot_free(w->w_share);
	*w = (struct window){ 0, CAP_NULL, NULL, 0, 0 };
}

static struct window *find(uint64_t badge)
{
	for (unsigned i = 0; i < FS_WINDOWS; i++)
		if (windows[i].w_share != CAP_NULL && windows[i].w_badge == badge)
			return &windows[i];
	return NULL;
}

/* The entry for a new window of badge's: its old one, a free one, or the
 * least recently used, emptied. */
static struct window *entry_for(uint64_t badge)
{
	struct window *w = find(badge);

	for (unsigned i = 0; i < FS_WINDOWS && !w; i++)
		if (windows[i].w_share == CAP_NULL)
			w = &windows[i];
	if (!w) {
		w = &windows[0];
		for (unsigned i = 1; i < FS_WINDOWS; i++)
			if (windows[i].w_used < w->w_used)
				w = &windows[i];
	}
	if (w->w_share != CAP_NULL)
		drop(w);
	return w;
}

long window_attach(uint64_t badge, uint64_t share, uint64_t bytes)
{
	struct cap_info ci;
	struct window *w;
	uint64_t va;
	long e;

	if (badge == 0)
		return E_NO_RIGHTS;
	if (sys_cap_identify_out(share, &ci) != E_OK || ci.ci_type != CAP_SHARE)
		return E_WRONG_TYPE;
	if (!(ci.ci_rights & R_WRITE))
		return E_NO_RIGHTS;
	if (bytes == 0 || bytes % PAGE || bytes > FS_WINDOW_MAX || bytes != ci.ci_badge * PAGE)
		return E_BAD_ARG;
	/* Checked; from here on the old window goes whatever happens. */
	w = entry_for(badge);
	va = vspace_alloc(bytes, PAGE);
	if (!va)
		return E_NO_MEMORY;
	e = sys_mem_map(vspace_self(), share, va, R_READ | R_WRITE, 0, 0);
	if (e != E_OK)
		return e;
	*w = (struct window){ badge, share, (uint8_t *)va, bytes, ++clock };
	return E_OK;
}

long window_get(uint64_t badge, uint64_t at, uint64_t count, uint8_t **p)
{
	struct window *w = find(badge);
	struct cap_info ci;

	if (!w)
		return PE_DETACHED;
	/* One system call: a revoked share's capability is stale, and its
	 * pages are no longer mapped here. */
	if (sys_cap_identify_out(w->w_share, &ci) != E_OK || ci.ci_type != CAP_SHARE) {
		drop(w);
		return PE_DETACHED;
	}
	if (at > w->w_bytes || count > w->w_bytes - at)
		return E_BAD_ARG;
	w->w_used = ++clock;
	*p = w->w_base + at;
	return E_OK;
}

unsigned window_count(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < FS_WINDOWS; i++)
		n += windows[i].w_share != CAP_NULL;
	return n;
}

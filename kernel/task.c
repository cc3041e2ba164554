/* Tasks: creation, destruction, user mappings and user-memory copies. */
#include "task.h"

#include <kestrel/boot.h>
#include <kestrel/error.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeat.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/switch.h"
#include "clock.h"
#include "panic.h"
#include "pool.h"
#include "thread.h"
#include "vm.h"

struct task tasks[MAX_TASKS];

int task_create(uint32_t pool, struct task **out)
{
	struct task *t = NULL;
	pte_t *root;

	if (pool_take_object(pool, POOL_OBJ_TASK) != E_OK)
		return E_LIMIT;
	for (size_t i = 0; i < MAX_TASKS && !t; i++)
		if (!tasks[i].t_obj.ko_live)
			t = &tasks[i];
	kassert(t); /* pools' quotas of tasks add up to the table */
	if (pool_alloc_page(pool, &t->t_root) != E_OK) {
		pool_put_object(pool, POOL_OBJ_TASK);
		return E_NO_MEMORY;
	}
	root = pa_to_va(t->t_root);
	for (size_t i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		root[i] = ((pte_t *)pa_to_va(kernel_root))[i];
	kobj_init(&t->t_obj, CAP_TASK);
	t->t_cr3 = t->t_root;
	if (cpu_features.cf_pcid) { /* PCID 0 is the kernel's own tables */
		t->t_cr3 |= (task_index(t) + 1) | CR3_NOFLUSH;
		invpcid(INVPCID_CONTEXT, task_index(t) + 1, 0); /* what its last user left */
	}
	t->t_pool = pool;
	t->t_walk_key = 0;
	t->t_iomap = NULL;
	t->t_io_lo = t->t_io_hi = 0;
	*out = t;
	return E_OK;
}

/* Frees the user half below table (at level, 4 = top), dropping the frame
 * references of the pages mapped there. */
static void free_tables(paddr_t table, int level)
{
	pte_t *e = pa_to_va(table);
	size_t end = level == PT_LEVELS ? PT_ENTRIES / 2 : PT_ENTRIES;

	for (size_t i = 0; i < end; i++) {
		if (!(e[i] & PTE_P))
			continue;
		if (level == 1) {
			if (e[i] & PTE_COUNTED)
				frame_unref(e[i] & PTE_ADDR);
		} else {
			free_tables(e[i] & PTE_ADDR, level - 1);
		}
		e[i] = 0;
	}
	frame_unref(table);
}

void task_destroy(struct task *t)
{
	uint32_t gen = t->t_obj.ko_gen;

	kobj_kill(&t->t_obj);
	kobj_doom_owned(task_index(t), gen);
	for (size_t i = 0; i < MAX_THREADS; i++)
		if (threads[i].t_state != TS_FREE && threads[i].t_task == t)
			thread_destroy(&threads[i]);
	for (size_t i = 1; i < CAP_SLOTS; i++)
		if (t->t_caps[i].c_type != CAP_EMPTY)
			cap_clear(&t->t_caps[i], E_DEAD);
	if (t->t_iomap) {
		frame_unref(t->t_iomap_pa);
		frame_unref(t->t_iomap_pa + FRAME_SIZE);
		t->t_iomap = NULL;
	}
	task_switch_away(t);
	free_tables(t->t_root, PT_LEVELS);
	t->t_root = 0;
	pool_put_object(t->t_pool, POOL_OBJ_TASK);
}

/* The leaf entry for va, creating tables (charged to t's pool) if asked. */
static pte_t *walk(struct task *t, uint64_t va, bool create, int *err)
{
	pte_t *table = pa_to_va(t->t_root);

	if ((va >> 21) + 1 == t->t_walk_key)
		return &t->t_walk_leaf[(va >> 12) & (PT_ENTRIES - 1)];
	for (int level = PT_LEVELS; level > 1; level--) {
		pte_t *e = &table[(va >> (12 + 9 * (level - 1))) & (PT_ENTRIES - 1)];

		if (!(*e & PTE_P)) {
			paddr_t pa;

			if (!create)
				return NULL;
			*err = pool_alloc_page(t->t_pool, &pa);
			if (*err != E_OK)
				return NULL;
			*e = pa | PTE_P | PTE_W | PTE_U;
		}
		table = pa_to_va(*e & PTE_ADDR);
	}
	t->t_walk_key = (va >> 21) + 1;
	t->t_walk_leaf = table;
	return &table[(va >> 12) & (PT_ENTRIES - 1)];
}

static bool user_range(uint64_t va, uint64_t count)
{
	return !(va & (FRAME_SIZE - 1)) && va != 0 && count <= USER_TOP / FRAME_SIZE && va < USER_TOP &&
	       count * FRAME_SIZE <= USER_TOP - va;
}

int task_map(struct task *t, uint64_t va, paddr_t pa, const paddr_t *list, uint64_t count, uint64_t flags,
             bool ram)
{
	int err = E_OK;

	/* The last page must fit the entry's address field, or it would wrap. */
	if (!user_range(va, count) || (pa & ~PTE_ADDR) || count > (PTE_ADDR - pa) / FRAME_SIZE + 1)
		return E_BAD_ARG;
	/* Check (and build the tables) first, so that a failure maps nothing;
	 * tables made for a failed call stay, charged, until the task goes. */
	for (uint64_t i = 0; i < count; i++) {
		pte_t *e = walk(t, va + i * FRAME_SIZE, true, &err);

		if (!e)
			return err;
		if (*e & PTE_P)
			return E_EXISTS;
	}
	for (uint64_t i = 0; i < count; i++) {
		pte_t *e = walk(t, va + i * FRAME_SIZE, false, &err);
		paddr_t page = list ? list[i] : pa + i * FRAME_SIZE;

		*e = page | flags | PTE_P | PTE_U | (ram ? PTE_COUNTED : 0);
		if (ram)
			frame_ref(page);
		clock_catch_up_at(i);
	}
	return E_OK;
}

void task_protect(struct task *t, uint64_t va, uint64_t count, uint64_t flags)
{
	for (uint64_t i = 0; i < count; i++) {
		pte_t *e = walk(t, va + i * FRAME_SIZE, false, NULL);

		if (e && (*e & PTE_P)) {
			*e = (*e & (PTE_ADDR | PTE_COUNTED | PTE_DEVICE | PTE_LENT)) | flags | PTE_P | PTE_U;
			tlb_flush_user(t, va + i * FRAME_SIZE);
		}
	}
}

uint64_t task_pte(struct task *t, uint64_t va)
{
	pte_t *e = va < USER_TOP ? walk(t, va, false, NULL) : NULL;

	return e ? *e : 0;
}

void task_unmap_if(struct task *t, uint64_t va, paddr_t pa)
{
	uint64_t e = task_pte(t, va);

	if ((e & PTE_P) && (e & PTE_ADDR) == pa)
		task_unmap(t, va, 1);
}

uint64_t task_unmap(struct task *t, uint64_t va, uint64_t count)
{
	uint64_t done = 0;

	if (!user_range(va, count))
		return 0;
	for (uint64_t i = 0; i < count; i++) {
		pte_t *e = walk(t, va + i * FRAME_SIZE, false, NULL);
		paddr_t pa;
		bool counted;

		if (!e || !(*e & PTE_P))
			continue;
		pa = *e & PTE_ADDR;
		counted = *e & PTE_COUNTED;
		*e = 0;
		tlb_flush_user(t, va + i * FRAME_SIZE);
		if (counted)
			frame_unref(pa);
		done++;
		clock_catch_up_at(i);
	}
	return done;
}

/* The kernel address of user address ua in t, if mapped user-accessible
 * (and writable when write is set) to RAM, else NULL. Device registers are
 * never touched: a read can have side effects, and the direct map may not
 * reach them. */
static uint8_t *user_page(struct task *t, uint64_t ua, bool write)
{
	pte_t *e;

	if (ua >= USER_TOP)
		return NULL;
	e = walk(t, ua, false, NULL);
	if (!e || !(*e & PTE_P) || !(*e & PTE_U) || (*e & PTE_DEVICE) || (write && !(*e & PTE_W)))
		return NULL;
	return (uint8_t *)pa_to_va(*e & PTE_ADDR) + (ua & (FRAME_SIZE - 1));
}

static bool copy_user(struct task *t, uint64_t ua, uint8_t *k, uint64_t len, bool to_user, uint64_t *bad)
{
	while (len) {
		uint64_t n = FRAME_SIZE - (ua & (FRAME_SIZE - 1));
		uint8_t *p = user_page(t, ua, to_user);

		if (!p) {
			*bad = ua;
			return false;
		}
		if (n > len)
			n = len;
		for (uint64_t i = 0; i < n; i++) {
			if (to_user)
				p[i] = k[i];
			else
				k[i] = p[i];
		}
		ua += n;
		k += n;
		len -= n;
	}
	return true;
}

bool task_copy_in(struct task *t, void *dst, uint64_t uaddr, uint64_t len, uint64_t *bad)
{
	return copy_user(t, uaddr, dst, len, false, bad);
}

bool task_copy_out(struct task *t, uint64_t uaddr, const void *src, uint64_t len, uint64_t *bad)
{
	return copy_user(t, uaddr, (uint8_t *)src, len, true, bad);
}

/* Clears the bits of ports [first, first + count), up to 64 at a time. */
static void iomap_allow(struct task *t, uint64_t first, uint64_t count)
{
	uint64_t end = first + count < 65536 ? first + count : 65536;

	for (uint64_t p = first; p < end; p = (p | 63) + 1) {
		uint64_t n = end - p < 64 - p % 64 ? end - p : 64 - p % 64;

		t->t_iomap[p / 64] &= ~(n == 64 ? ~0ULL : ((1ULL << n) - 1) << (p % 64));
	}
	if (first / 64 < t->t_io_lo || t->t_io_lo == t->t_io_hi)
		t->t_io_lo = (uint32_t)(first / 64);
	if ((end + 63) / 64 > t->t_io_hi)
		t->t_io_hi = (uint32_t)((end + 63) / 64);
}

/* Whether capability c opens ports: it must allow both in and out. */
static bool opens_ports(const struct cap *c)
{
	return c->c_type == CAP_IOPORT && (c->c_rights & (R_READ | R_WRITE)) == (R_READ | R_WRITE);
}

bool task_may_use_port(const struct task *t, uint16_t port)
{
	return t->t_iomap && !(t->t_iomap[port / 64] >> (port % 64) & 1);
}

void task_update_iomap(struct task *t)
{
	bool any = false;

	for (size_t i = 1; i < CAP_SLOTS; i++)
		any |= opens_ports(&t->t_caps[i]);
	if (any && !t->t_iomap) {
		if (pool_alloc(t->t_pool, 2, &t->t_iomap_pa) != E_OK)
			return; /* no memory: the task gets no ports rather than a failure */
		t->t_iomap = pa_to_va(t->t_iomap_pa);
		fill_words(t->t_iomap, ~0ULL, IOMAP_WORDS);
	}
	if (!t->t_iomap)
		return;
	task_switch_away(t); /* the CPU's copy of the old ports must go first */
	fill_words(t->t_iomap + t->t_io_lo, ~0ULL, t->t_io_hi - t->t_io_lo);
	t->t_io_lo = t->t_io_hi = 0;
	for (size_t i = 1; i < CAP_SLOTS; i++)
		if (opens_ports(&t->t_caps[i]))
			iomap_allow(t, t->t_caps[i].c_word, t->t_caps[i].c_count);
}

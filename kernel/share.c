/* Shared buffers (see share.h). */
#include "share.h"

#include <kestrel/cap.h>
#include <kestrel/error.h>

#include "arch/x86_64/pte.h"
#include "panic.h"
#include "pool.h"
#include "task.h"
#include "vm.h"

struct share shares[MAX_SHARES];

int share_create(uint32_t pool, struct task *t, uint64_t va, uint64_t pages, unsigned rights,
                 struct share **out)
{
	uint64_t need = PTE_P | PTE_U | PTE_COUNTED | (rights & R_WRITE ? PTE_W : 0);
	struct share *s = NULL;
	paddr_t *list;

	if (!pages || pages > SHARE_MAX_PAGES || (va & (FRAME_SIZE - 1)))
		return E_BAD_ARG;
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t e = task_pte(t, va + i * FRAME_SIZE);

		if (!(e & PTE_P)) /* also past USER_TOP */
			return E_NOT_FOUND;
		if ((e & need) != need || (e & PTE_LENT)) /* device memory is not counted */
			return E_NO_RIGHTS;
	}
	if (pool_take_object(pool, POOL_OBJ_SHARE) != E_OK)
		return E_LIMIT;
	for (size_t i = 0; i < MAX_SHARES && !s; i++)
		if (!shares[i].s_obj.ko_live)
			s = &shares[i];
	kassert(s); /* pools' quotas of shares add up to the table */
	if (pool_alloc_page(pool, &s->s_list) != E_OK) {
		pool_put_object(pool, POOL_OBJ_SHARE);
		return E_NO_MEMORY;
	}
	kobj_init(&s->s_obj, CAP_SHARE);
	s->s_pool = pool;
	s->s_pages = (uint32_t)pages;
	for (size_t i = 0; i < SHARE_MAX_MAPS; i++)
		s->s_maps[i].sm_count = 0;
	list = pa_to_va(s->s_list);
	for (uint64_t i = 0; i < pages; i++) {
		list[i] = task_pte(t, va + i * FRAME_SIZE) & PTE_ADDR;
		frame_ref(list[i]);
	}
	*out = s;
	return E_OK;
}

/* Whether any page of mapping record m is still mapped where it was. */
static bool map_in_use(const struct share *s, const struct share_map *m)
{
	const paddr_t *list = pa_to_va(s->s_list);
	struct task *t = &tasks[m->sm_task];

	if (!m->sm_count || !t->t_obj.ko_live || t->t_obj.ko_gen != m->sm_gen)
		return false;
	for (uint32_t i = 0; i < m->sm_count; i++)
		if ((task_pte(t, m->sm_va + i * FRAME_SIZE) & (PTE_P | PTE_LENT | PTE_ADDR)) ==
		    (list[m->sm_first + i] | PTE_P | PTE_LENT))
			return true;
	return false;
}

int share_map(struct share *s, struct task *t, uint64_t va, uint64_t first, uint64_t count, uint64_t flags)
{
	struct share_map *m = NULL;
	int err;

	for (size_t i = 0; i < SHARE_MAX_MAPS && !m; i++)
		if (!map_in_use(s, &s->s_maps[i]))
			m = &s->s_maps[i];
	if (!m)
		return E_LIMIT;
	err = task_map(t, va, 0, (const paddr_t *)pa_to_va(s->s_list) + first, count, flags | PTE_LENT, true);
	if (err == E_OK)
		*m = (struct share_map){ task_index(t), t->t_obj.ko_gen, (uint32_t)first, (uint32_t)count,
			                 va };
	return err;
}

void share_destroy(struct share *s)
{
	const paddr_t *list = pa_to_va(s->s_list);

	kobj_kill(&s->s_obj);
	for (size_t i = 0; i < SHARE_MAX_MAPS; i++) {
		const struct share_map *m = &s->s_maps[i];

		if (map_in_use(s, m))
			for (uint32_t k = 0; k < m->sm_count; k++)
				task_unmap_if(&tasks[m->sm_task], m->sm_va + k * FRAME_SIZE,
				              list[m->sm_first + k]);
	}
	for (uint32_t i = 0; i < s->s_pages; i++)
		frame_unref(list[i]);
	frame_unref(s->s_list);
	pool_put_object(s->s_pool, POOL_OBJ_SHARE);
}

/* Four-level page-table walking. */
#include "vm.h"

static unsigned pt_index(uintptr_t va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

bool vm_root_alloc(struct frame_pool *fp, paddr_t *root)
{
	if (!frame_alloc(fp, root))
		return false;
	zero_frame(*root);
	return true;
}

int vm_map(struct frame_pool *fp, paddr_t root, uintptr_t va, paddr_t pa, uint64_t size, uint64_t flags)
{
	int leaf = size == PAGE_4K ? 1 : size == PAGE_2M ? 2 : size == PAGE_1G ? 3 : 0;
	/* Intermediate entries allow everything; the leaf decides. */
	uint64_t table_flags = PTE_P | PTE_W | (flags & PTE_U);
	pte_t *table = pa_to_va(root);

	if (!leaf || (va & (size - 1)) || (pa & (size - 1)))
		return VM_BAD_ARGS;
	for (int level = PT_LEVELS; level > leaf; level--) {
		pte_t *e = &table[pt_index(va, level)];
		paddr_t next;

		if (!(*e & PTE_P)) {
			if (!frame_alloc(fp, &next))
				return VM_NO_MEMORY;
			zero_frame(next);
			*e = next | table_flags;
		} else if (*e & PTE_PS) {
			return VM_EXISTS;
		}
		table = pa_to_va(*e & PTE_ADDR);
	}
	if (table[pt_index(va, leaf)] & PTE_P)
		return VM_EXISTS;
	/* Only now widen the path's rights: a refused call changes none. */
	table = pa_to_va(root);
	for (int level = PT_LEVELS; level > leaf; level--) {
		pte_t *e = &table[pt_index(va, level)];

		*e |= table_flags;
		table = pa_to_va(*e & PTE_ADDR);
	}
	table[pt_index(va, leaf)] = pa | flags | PTE_P | (leaf > 1 ? PTE_PS : 0);
	return VM_OK;
}

bool vm_lookup(paddr_t root, uintptr_t va, paddr_t *pa, uint64_t *flags, uint64_t *size)
{
	const pte_t *table = pa_to_va(root);

	for (int level = PT_LEVELS; level >= 1; level--) {
		pte_t e = table[pt_index(va, level)];
		uint64_t span = 1ULL << (12 + 9 * (level - 1));

		if (!(e & PTE_P))
			return false;
		if (level == 1 || (level <= 3 && (e & PTE_PS))) {
			*pa = (e & PTE_ADDR & ~(span - 1)) | (va & (span - 1));
			*flags = e & ~PTE_ADDR;
			*size = span;
			return true;
		}
		table = pa_to_va(e & PTE_ADDR);
	}
	return false;
}

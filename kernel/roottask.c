/* Loading the first user task from the first boot module (an ELF64
 * executable) and handing it every resource (include/kestrel/boot.h). */
#include "roottask.h"

#include <kestrel/boot.h>
#include <kestrel/elf64.h>
#include <kestrel/error.h>

#include "arch/x86_64/pte.h"
#include "irq.h"
#include "panic.h"
#include "pool.h"
#include "printf.h"
#include "task.h"
#include "thread.h"
#include "vm.h"

static void map_new_pages(struct task *task, uint32_t pool, uint64_t va, uint64_t pages, uint64_t flags)
{
	for (uint64_t i = 0; i < pages; i++) {
		paddr_t pa;

		if (pool_alloc_page(pool, &pa) != E_OK ||
		    task_map(task, va + i * FRAME_SIZE, pa, NULL, 1, flags, true) != E_OK)
			panic("roottask: cannot map %#lx", va + i * FRAME_SIZE);
		frame_unref(pa); /* the mapping holds it */
	}
}

/* Copies len bytes to user address va of task (already mapped). */
static void copy_to_task(struct task *task, uint64_t va, const uint8_t *src, uint64_t len)
{
	uint64_t bad;

	if (!task_copy_out(task, va, src, len, &bad))
		panic("roottask: cannot write %#lx", bad);
}

/* Loads the ELF image at img into task. Returns the entry point, or 0 if
 * the image is not a static x86-64 executable. */
static uint64_t load_elf(struct task *task, uint32_t pool, const uint8_t *img, uint64_t size)
{
	const struct elf64_ehdr *eh = (const void *)img;

	if (size < sizeof(*eh) || img[0] != ELFMAG0 || img[1] != ELFMAG1 || img[2] != ELFMAG2 ||
	    img[3] != ELFMAG3 || img[EI_CLASS] != ELFCLASS64 || eh->e_type != ET_EXEC ||
	    eh->e_machine != EM_X86_64 || eh->e_phentsize != sizeof(struct elf64_phdr) ||
	    eh->e_phoff + eh->e_phnum * sizeof(struct elf64_phdr) > size)
		return 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph = (const void *)(img + eh->e_phoff + i * sizeof(*ph));
		uint64_t start = ph->p_vaddr & ~(FRAME_SIZE - 1);
		uint64_t end = (ph->p_vaddr + ph->p_memsz + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1);
		uint64_t flags = (ph->p_flags & PF_W ? PTE_W : 0) | (ph->p_flags & PF_X ? 0 : PTE_NX);

		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		if (ph->p_offset + ph->p_filesz > size || ph->p_filesz > ph->p_memsz || end > USER_TOP)
			return 0;
		/* Map writable first so the kernel's copy goes through the
		 * same checked path as any user copy, then set the rights. */
		map_new_pages(task, pool, start, (end - start) / FRAME_SIZE, PTE_W);
		copy_to_task(task, ph->p_vaddr, img + ph->p_offset, ph->p_filesz);
		task_protect(task, start, (end - start) / FRAME_SIZE, flags);
	}
	return eh->e_entry;
}

static void give(struct task *task, uint64_t slot, struct cap c)
{
	cap_install(&task->t_caps[slot], &c);
}

void roottask_start(const struct boot_params *bi, uint32_t pool)
{
	const struct boot_module *m = &bi->bi_mod[0];
	struct boot_info info = { .bi_magic = BOOT_INFO_MAGIC };
	uint64_t entry, va = BOOT_MODULES_VADDR;
	struct thread *thread;
	struct task *task;
	int err;

	if (bi->bi_nmod == 0) {
		kprintf("kernel: no boot modules, so no first task\n");
		return;
	}
	err = task_create(pool, &task);
	if (err != E_OK)
		panic("roottask: cannot create the first task (error %d)", err);
	entry = load_elf(task, pool, pa_to_va(m->bm_start), m->bm_end - m->bm_start);
	if (!entry) {
		kprintf("kernel: module 0 (%s) is not an x86-64 ELF executable; no first task\n",
		        m->bm_cmdline);
		task_destroy(task);
		return;
	}
	map_new_pages(task, pool, BOOT_STACK_TOP - BOOT_STACK_PAGES * FRAME_SIZE, BOOT_STACK_PAGES,
	              PTE_W | PTE_NX);
	err = thread_create_in(task, pool, BOOT_IPC_BUFFER, BOOT_PRIORITY, &thread);
	if (err != E_OK)
		panic("roottask: cannot create the first thread (error %d)", err);

	cap_install_obj(&task->t_caps[BOOT_SLOT_TASK], &task->t_obj, task_index(task), R_ALL);
	cap_install_obj(&task->t_caps[BOOT_SLOT_THREAD], &thread->t_obj, thread_index(thread), R_ALL);
	cap_install_obj(&task->t_caps[BOOT_SLOT_POOL], &pools[pool].p_obj, pool, R_ALL);
	give(task, BOOT_SLOT_IRQ_CONTROL, (struct cap){ .c_type = CAP_IRQ_CONTROL, .c_rights = R_ALL });
	give(task, BOOT_SLOT_IOPORT,
	     (struct cap){ .c_type = CAP_IOPORT, .c_rights = R_ALL, .c_count = 65536 });
	/* All of physical memory (up to 16 TiB): mem_device keeps RAM out. */
	give(task, BOOT_SLOT_DEVMEM,
	     (struct cap){ .c_type = CAP_DEVMEM, .c_rights = R_ALL, .c_count = UINT32_MAX });
	task_update_iomap(task);

	for (size_t i = 1; i < bi->bi_nmod && info.bi_nmodules < BOOT_INFO_MAX_MODULES; i++) {
		const struct boot_module *bm = &bi->bi_mod[i];
		uint64_t pages = (bm->bm_end - bm->bm_start + FRAME_SIZE - 1) / FRAME_SIZE;
		struct boot_module_info *mi = &info.bi_modules[info.bi_nmodules];
		uint64_t slot = BOOT_SLOT_MODULES + info.bi_nmodules++;

		/* Boot modules stay outside the pools: their capabilities
		 * count no references and are never freed. */
		give(task, slot,
		     (struct cap){ .c_type = CAP_FRAME,
		                   .c_rights = R_READ | R_GRANT,
		                   .c_count = (uint32_t)pages,
		                   .c_word = bm->bm_start });
		if (pages && task_map(task, va, bm->bm_start, NULL, pages, PTE_NX, false) != E_OK)
			panic("roottask: cannot map module %zu", i);
		mi->bm_vaddr = va;
		mi->bm_size = bm->bm_end - bm->bm_start;
		mi->bm_slot = slot;
		for (size_t j = 0; j + 1 < sizeof(mi->bm_name) && bm->bm_cmdline[j]; j++)
			mi->bm_name[j] = bm->bm_cmdline[j];
		va += (pages + 1) * FRAME_SIZE; /* a guard page between modules */
	}
	info.bi_first_free_slot = BOOT_SLOT_MODULES + info.bi_nmodules;
	info.bi_irq_lines = irq_line_count();
	for (size_t j = 0; j + 1 < sizeof(info.bi_cmdline) && bi->bi_cmdline[j]; j++)
		info.bi_cmdline[j] = bi->bi_cmdline[j];
	map_new_pages(task, pool, BOOT_INFO_VADDR, 1, PTE_W | PTE_NX);
	info.bi_pool_pages = pools[pool].p_quota - pools[pool].p_used;
	copy_to_task(task, BOOT_INFO_VADDR, (const uint8_t *)&info, sizeof(info));
	task_protect(task, BOOT_INFO_VADDR, 1, PTE_NX);
	thread_start(thread, entry, BOOT_STACK_TOP, BOOT_INFO_VADDR);
	kprintf("kernel: first task %s started: entry %#lx, %lu pages of memory for it\n", m->bm_cmdline,
	        entry, info.bi_pool_pages);
}

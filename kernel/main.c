/* Kernel entry: bring up the CPU, memory and timer, report what was found,
 * then idle. The boot options of the test suite are handled here too. */
#include <kestrel/version.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeat.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/platform.h"
#include "arch/x86_64/trap.h"
#include "bootinfo.h"
#include "build_id.h"
#include "clock.h"
#include "mem.h"
#include "panic.h"
#include "printf.h"
#include "vm.h"
#include "irq.h"
#include "pool.h"
#include "roottask.h"
#include "fastpath.h"
#include "sched.h"
#include "arch/x86_64/switch.h"

extern uint64_t boot_tsc; /* boot.asm: TSC at the first instruction */
extern char _text_start[], _rodata_start[], _data_start[], _load_start_phys[], _bss_end_phys[];

static struct boot_params boot_info;

static void print_banner(const struct boot_params *bi)
{
	const struct cpu_features *f = &cpu_features;
	uint64_t usable = boot_usable_bytes(bi);
	size_t nusable = 0;

	for (size_t i = 0; i < bi->bi_nmem; i++)
		nusable += bi->bi_mem[i].br_type == BOOT_MEM_USABLE;
	kprintf("\n%s %s (%s) x86-64 microkernel\n", KESTREL_NAME, KESTREL_VERSION, BUILD_ID);
	kprintf("cpu: %s, accel %s, features:%s%s%s%s%s\n", f->cf_vendor, cpufeat_accel(),
	        f->cf_nx ? " nx" : "", f->cf_smep ? " smep" : "", f->cf_smap ? " smap" : "",
	        f->cf_pcid ? " pcid" : " (no pcid)", f->cf_pdpe1gb ? " 1g-pages" : "");
	kprintf("memory: %lu KiB usable in %zu regions, %zu KiB free for allocation, kernel image %lu KiB\n",
	        usable >> 10, nusable, frame_free_count(&kernel_frames) * (FRAME_SIZE >> 10),
	        (uint64_t)(_bss_end_phys - _load_start_phys) >> 10);
	for (size_t i = 0; i < bi->bi_nmem; i++)
		kprintf("  %#014lx-%#014lx %s\n", bi->bi_mem[i].br_start, bi->bi_mem[i].br_end,
		        bi->bi_mem[i].br_type == BOOT_MEM_USABLE ? "usable" : "reserved");
}

static void print_modules(const struct boot_params *bi)
{
	kprintf("modules: %zu\n", bi->bi_nmod);
	for (size_t i = 0; i < bi->bi_nmod; i++) {
		const struct boot_module *m = &bi->bi_mod[i];

		kprintf("  module %zu: %#lx-%#lx %lu bytes \"%s\"\n", i, m->bm_start, m->bm_end,
		        m->bm_end - m->bm_start, m->bm_cmdline);
	}
	if (bi->bi_nmod_given > bi->bi_nmod)
		kprintf("  %zu more modules ignored: at most %d\n", bi->bi_nmod_given - bi->bi_nmod,
		        BOOT_MAX_MODULES);
}

/* fault=NAME: raise an exception on purpose, to test the fatal report. */
static void trigger_fault(const char *name)
{
	kprintf("test: raising %s on purpose\n", name);
	if (name[0] == 'u' && name[1] == 'd')
		__builtin_trap(); /* ud2 */
	else if (name[0] == 'd' && name[1] == 'e')
		cpu_trigger_de();
	else if (name[0] == 'g' && name[1] == 'p')
		*(volatile uint64_t *)0x8000000000000000ULL = 1; /* not canonical: #GP, not #PF */
	else if (name[0] == 'b' && name[1] == 'p')
		cpu_trigger_int3();
	else if (name[0] == 'p' && name[1] == 'f')
		*(volatile uint64_t *)0xdead000 = 1; /* nothing is mapped in the low half */
	else if (name[0] == 'd' && name[1] == 'f')
		/* A fault with a broken stack cannot deliver #PF: #DF on its IST. */
		__asm__ volatile("mov $0x1000, %%rsp\n\tpushq $0" : : : "memory");
	kprintf("test: unknown fault '%s' (ud de gp bp pf df)\n", name);
	platform_halt(PLATFORM_HALT_FAIL);
}

static bool check_mapping(const char *what, const void *va, bool want_w, bool want_nx)
{
	paddr_t pa;
	uint64_t flags, size;
	bool nx_ok;

	if (!vm_lookup(kernel_root, (uintptr_t)va, &pa, &flags, &size)) {
		kprintf("selftest: %s not mapped\n", what);
		return false;
	}
	nx_ok = !cpu_features.cf_nx || !!(flags & PTE_NX) == want_nx;
	kprintf("selftest: %s at %p -> %#lx %s%s\n", what, va, pa, flags & PTE_W ? "rw" : "r-",
	        flags & PTE_NX ? "-" : "x");
	return !!(flags & PTE_W) == want_w && nx_ok && pa == (uintptr_t)va - KERNEL_VMA;
}

/* test=boot: check what the boot test cannot see from outside, then end
 * QEMU with the result. */
static void boot_selftest(void)
{
	bool ok = true;
	uint64_t t0 = rdtsc();
	paddr_t a, b;

	ok &= check_mapping("kernel text", _text_start, false, false);
	ok &= check_mapping("kernel rodata", _rodata_start, false, true);
	ok &= check_mapping("kernel data", _data_start, true, true);
	if (frame_alloc(&kernel_frames, &a) && frame_alloc(&kernel_frames, &b) && a != b) {
		frame_free(&kernel_frames, a);
		frame_free(&kernel_frames, b);
	} else {
		kprintf("selftest: frame allocation failed\n");
		ok = false;
	}
	irq_enable();
	while (clock_ticks() < 100)
		irq_enable_and_halt();
	irq_disable();
	kprintf("selftest: timer reached %lu ticks at %u Hz (%lu TSC)\n", clock_ticks(), CLOCK_HZ,
	        rdtsc() - t0);
	kprintf("selftest: %s\n", ok ? "passed" : "FAILED");
	platform_halt(ok ? PLATFORM_HALT_PASS : PLATFORM_HALT_FAIL);
}

void kmain(uint32_t magic, uint32_t mbi)
{
	char opt[32];
	uint32_t root_pool;
	int err;

	serial_init();
	percpu_init(&cpu0, 0);
	trap_init();
	cpufeat_init();
	err = multiboot_parse(&boot_info, magic, mbi, DIRECT_MAP_BASE);
	if (err != MULTIBOOT_OK)
		panic("boot: bad multiboot information (error %d)", err);
	mem_init(&boot_info);
	paging_init(boot_usable_top(&boot_info));
	print_banner(&boot_info);
	kprintf("boot: %lu TSC from entry to banner\n", rdtsc() - boot_tsc);
	print_modules(&boot_info);
	lapic_init(CLOCK_HZ);
	clock_init(lapic_tsc_per_ms());
	kprintf("timer: lapic %u counts/ms, %u Hz\n", lapic_timer_per_ms(), CLOCK_HZ);

	if (boot_option(boot_info.bi_cmdline, "fault", opt, sizeof(opt)))
		trigger_fault(opt);
	if (boot_option(boot_info.bi_cmdline, "test", opt, sizeof(opt)))
		boot_selftest();
	if (boot_option(boot_info.bi_cmdline, "shutdown", opt, sizeof(opt))) {
		kprintf("kernel: shutdown requested on the command line\n");
		platform_halt(PLATFORM_HALT_PASS);
	}
	if (boot_option(boot_info.bi_cmdline, "fastpath", opt, sizeof(opt)) && opt[0] == 'o' && opt[1] == 'f')
		kprintf("kernel: IPC fast path off (boot option fastpath=off)\n");
	else
		fastpath_init();
	root_pool = pool_init();
	irq_init();
	fpu_init();
	roottask_start(&boot_info, root_pool);
	sched_exit_to_user();
}

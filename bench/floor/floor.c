/* The floor of an IPC round trip on this CPU model with Kestrel's
 * protection: a kernel of its own, booted by scripts/bench.sh under the
 * same QEMU flags as the benchmark (and only for make bench), that does no
 * more than the hardware makes any kernel do. Two user programs in two
 * address spaces, the client and the server (floor.asm), call each other
 * through syscall and sysret; each switch loads the other's address space.
 * The kernel half is mapped global, supervisor only and, but for its code,
 * not executable; SMEP, SMAP and UMIP are on where the CPU has them, as
 * they are for Kestrel (kernel/arch/x86_64/cpufeat.c). It prints
 * "floor NAME median=N p99=N min=N iters=N" lines, as kbench does. */
#include <stddef.h>
#include <stdint.h>

#include <kestrel/qemu_exit.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/pte.h"

#include "../common/sort.h"

#define KERNEL_VMA   0xFFFFFFFF80000000ULL
#define USER_CODE    0x400000ULL /* the page of floor.asm's user programs */
#define USER_STACK   0x401000ULL /* one page each */
#define USER_SAMPLES 0x410000ULL /* floor.asm's */
#define ITERATIONS   11000       /* floor.asm's */
#define WARMUP       1000
#define SAMPLE_PAGES ((ITERATIONS * 8 + 4095) / 4096)
#define COM1         0x3F8
#define FLAGS_USER   0x2ULL /* interrupts stay off: there are none to take */

/* What floor.asm reaches through %gs and keeps per thread. */
struct floor_cpu {
	uint64_t c_user_rsp;
	struct floor_thread *c_current;
	uint64_t c_kstack;
};

struct floor_thread {
	uint64_t t_rip, t_rflags, t_rsp, t_cr3, t_badge;
	struct floor_thread *t_partner;
};

_Static_assert(offsetof(struct floor_cpu, c_current) == 8 && offsetof(struct floor_cpu, c_kstack) == 16,
               "floor.asm: C_*");
_Static_assert(offsetof(struct floor_thread, t_cr3) == 24 && offsetof(struct floor_thread, t_partner) == 40,
               "floor.asm: T_*");

extern char floor_null_entry[], floor_ipc_entry[], floor_report_entry[], floor_user_start[];
extern char floor_client[], floor_server[];
__attribute__((noreturn)) void floor_enter(struct floor_thread *t);
void floor_report(uint32_t phase);

static struct floor_cpu cpu;
static struct floor_thread client, server;
static uint8_t kstack[16384] __attribute__((aligned(16)));
static uint64_t samples[SAMPLE_PAGES * 512] __attribute__((aligned(4096)));
static uint8_t stacks[2][4096] __attribute__((aligned(4096)));
/* Kestrel's segments (percpu.c); initialized, so that the image has a
 * .data section, which the multiboot header's load end needs. */
static uint64_t gdt[8] = {
	[SEL_KCODE / 8] = 0x00AF9A000000FFFFULL,
	[SEL_KDATA / 8] = 0x00CF92000000FFFFULL,
	[SEL_UDATA / 8] = 0x00CFF2000000FFFFULL,
	[SEL_UCODE / 8] = 0x00AFFA000000FFFFULL,
};
static struct tss tss;
static uint64_t idt[256 * 2];
/* Per address space: the top table, and the tables down to the 4 KiB
 * pages of the user's 2 MiB at USER_CODE; the kernel's half is shared. */
static uint64_t pml4[2][512] __attribute__((aligned(4096)));
static uint64_t user_pdpt[2][512] __attribute__((aligned(4096)));
static uint64_t user_pd[2][512] __attribute__((aligned(4096)));
static uint64_t user_pt[2][512] __attribute__((aligned(4096)));
static uint64_t kernel_pdpt[512] __attribute__((aligned(4096)));
static uint64_t kernel_pd[512] __attribute__((aligned(4096)));

static uint64_t pa(const void *kernel_va)
{
	return (uint64_t)kernel_va - KERNEL_VMA;
}

static void put(const char *s)
{
	while (*s)
		outb(COM1, (uint8_t)*s++);
}

static void put_u64(uint64_t v)
{
	char b[21], *p = &b[20];

	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	put(p);
}

/* One address space: the kernel's half, and the user's pages. */
static uint64_t address_space(int i, uint64_t user_stack)
{
	uint64_t nx = PTE_NX;

	pml4[i][511] = pa(kernel_pdpt) | PTE_P | PTE_W;
	pml4[i][0] = pa(user_pdpt[i]) | PTE_P | PTE_W | PTE_U;
	user_pdpt[i][0] = pa(user_pd[i]) | PTE_P | PTE_W | PTE_U;
	user_pd[i][USER_CODE >> 21] = pa(user_pt[i]) | PTE_P | PTE_W | PTE_U;
	user_pt[i][(USER_CODE >> 12) & 511] = pa(floor_user_start) | PTE_P | PTE_U;
	user_pt[i][(USER_STACK >> 12) & 511] = user_stack | PTE_P | PTE_W | PTE_U | nx;
	for (uint64_t p = 0; i == 0 && p < SAMPLE_PAGES; p++)
		user_pt[i][((USER_SAMPLES >> 12) & 511) + p] =
		        (pa(samples) + p * 4096) | PTE_P | PTE_W | PTE_U | nx;
	return pa(pml4[i]);
}

/* The kernel image's first GiB, global: kept in the TLB across switches. */
static void kernel_half(void)
{
	for (uint64_t i = 0; i < 512; i++)
		kernel_pd[i] = (i << 21) | PTE_P | PTE_W | PTE_PS | PTE_G;
	kernel_pdpt[510] = pa(kernel_pd) | PTE_P | PTE_W;
}

static void segments(void)
{
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1, gate = (uint64_t)floor_report_entry;
	struct desc_ptr gdtr = { sizeof(gdt) - 1, (uint64_t)gdt }, idtr = { sizeof(idt) - 1, (uint64_t)idt };

	gdt[SEL_TSS / 8] =
	        (limit & 0xFFFF) | (base & 0xFFFFFF) << 16 | 0x89ULL << 40 | (base >> 24 & 0xFF) << 56;
	gdt[SEL_TSS / 8 + 1] = base >> 32;
	tss.rsp[0] = (uint64_t)&kstack[sizeof(kstack)];
	tss.iomap_base = TSS_IOMAP_NONE;
	/* int 0x80, allowed from user mode: the client's end of a phase. */
	idt[0x80 * 2] =
	        (gate & 0xFFFF) | (uint64_t)SEL_KCODE << 16 | 0xEEULL << 40 | (gate >> 16 & 0xFFFF) << 48;
	idt[0x80 * 2 + 1] = gate >> 32;
	lgdt(&gdtr);
	load_segments(SEL_KCODE, SEL_KDATA);
	ltr(SEL_TSS);
	lidt(&idtr);
}

/* What Kestrel turns on (cpufeat.c, percpu.c), the same way. */
static void protection(void)
{
	uint32_t r[4];
	uint64_t cr4 = read_cr4() | CR4_PGE;

	cpuid(7, 0, r);
	cr4 |= (r[1] >> 7 & 1 ? CR4_SMEP : 0) | (r[1] >> 20 & 1 ? CR4_SMAP : 0) |
	       (r[2] >> 2 & 1 ? CR4_UMIP : 0);
	write_cr4(cr4);
	write_cr0(read_cr0() | CR0_WP);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
	wrmsr(MSR_STAR, ((uint64_t)SEL_SYSRET_BASE << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT);
	wrmsr(MSR_GS_BASE, (uint64_t)&cpu);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void kmain(uint32_t magic, uint32_t mbi)
{
	(void)magic;
	(void)mbi;
	kernel_half();
	segments();
	protection();
	cpu.c_kstack = (uint64_t)&kstack[sizeof(kstack)];
	client = (struct floor_thread){ USER_CODE + (uint64_t)(floor_client - floor_user_start),
		                        FLAGS_USER,
		                        USER_STACK + 4096,
		                        address_space(0, pa(stacks[0])),
		                        0,
		                        &server };
	server = (struct floor_thread){ USER_CODE + (uint64_t)(floor_server - floor_user_start),
		                        FLAGS_USER,
		                        USER_STACK + 4096,
		                        address_space(1, pa(stacks[1])),
		                        0x5E,
		                        &client };
	wrmsr(MSR_LSTAR, (uint64_t)floor_null_entry);
	floor_enter(&client);
}

/* The client finished phase: the empty timed region, the null call, the
 * round trip. Prints its figures and sets up the next. */
void floor_report(uint32_t phase)
{
	static const char *const names[] = { "rdtsc_overhead", "null_syscall", "ipc_rt_inter_0w" };
	uint64_t *s = &samples[WARMUP];
	unsigned n = ITERATIONS - WARMUP;

	sort_u64(s, n);
	put("floor ");
	put(names[phase]);
	put(" median=");
	put_u64(s[n / 2]);
	put(" p99=");
	put_u64(s[(n * 99 + 99) / 100 - 1]);
	put(" min=");
	put_u64(s[0]);
	put(" iters=");
	put_u64(n);
	put("\n");
	if (phase == 0)
		return;
	if (phase == 1) {
		wrmsr(MSR_LSTAR, (uint64_t)floor_ipc_entry);
		return;
	}
	put("floor done\n");
	outl(QEMU_EXIT_PORT, QEMU_EXIT_PASS);
	for (;;)
		__asm__ volatile("cli; hlt");
}

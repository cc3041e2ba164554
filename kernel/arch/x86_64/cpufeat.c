/* CPU feature detection and protection set-up. */
#include "cpufeat.h"

#include "cpu.h"
#include "msr.h"

struct cpu_features cpu_features;

static void copy_regs(char *dst, const uint32_t *regs, int n)
{
	for (int i = 0; i < n * 4; i++)
		dst[i] = (char)(regs[i / 4] >> (8 * (i % 4)));
	dst[n * 4] = '\0';
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

void cpufeat_init(void)
{
	struct cpu_features *f = &cpu_features;
	uint32_t r[4], max;
	bool invpcid = false;

	cpuid(0, 0, r);
	max = r[0];
	copy_regs(f->cf_vendor, (const uint32_t[]){ r[1], r[3], r[2] }, 3); /* ebx, edx, ecx */
	cpuid(1, 0, r);
	f->cf_pcid = r[2] >> 17 & 1;
	f->cf_hypervisor = r[2] >> 31 & 1;
	f->cf_pge = r[3] >> 13 & 1;
	if (max >= 7) {
		cpuid(7, 0, r);
		f->cf_smep = r[1] >> 7 & 1;
		f->cf_smap = r[1] >> 20 & 1;
		invpcid = r[1] >> 10 & 1;
		f->cf_umip = r[2] >> 2 & 1;
	}
	cpuid(0x80000000, 0, r);
	max = r[0];
	cpuid(0x80000001, 0, r);
	f->cf_nx = r[3] >> 20 & 1;
	f->cf_pdpe1gb = r[3] >> 26 & 1;
	f->cf_phys_bits = 36; /* what the SDM says to assume without the leaf */
	if (max >= 0x80000008) {
		cpuid(0x80000008, 0, r);
		f->cf_phys_bits = r[0] & 0xFF;
	}
	if (f->cf_hypervisor) {
		cpuid(0x40000000, 0, r);
		copy_regs(f->cf_hv_vendor, &r[1], 3);
	}

	/* PCIDs are used only with INVPCID, which drops a stale entry of an
	 * address space that is not loaded. */
	f->cf_pcid = f->cf_pcid && invpcid;
	if (f->cf_nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0(read_cr0() | CR0_WP);
	/* CR3 holds PCID 0 here (the boot tables are page-aligned), as
	 * setting PCIDE requires. */
	write_cr4(read_cr4() | (f->cf_pge ? CR4_PGE : 0) | (f->cf_pcid ? CR4_PCIDE : 0) |
	          (f->cf_smep ? CR4_SMEP : 0) | (f->cf_smap ? CR4_SMAP : 0) | (f->cf_umip ? CR4_UMIP : 0));
}

const char *cpufeat_accel(void)
{
	const char *hv = cpu_features.cf_hv_vendor;

	if (!cpu_features.cf_hypervisor)
		return "none";
	if (str_eq(hv, "TCGTCGTCGTCG"))
		return "tcg";
	if (str_eq(hv, "KVMKVMKVM"))
		return "kvm";
	return hv[0] ? hv : "unknown hypervisor";
}

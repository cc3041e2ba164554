/* Model-specific registers and control-register bits the kernel uses. */
#pragma once

#define MSR_APIC_BASE      0x0000001B
#define MSR_EFER           0xC0000080
#define MSR_FS_BASE        0xC0000100
#define MSR_GS_BASE        0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102

#define EFER_SCE (1ULL << 0)
#define EFER_LME (1ULL << 8)
#define EFER_NXE (1ULL << 11)

#define CR0_WP (1ULL << 16)

#define CR4_PGE        (1ULL << 7)
#define CR4_OSFXSR     (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define CR4_SMEP       (1ULL << 20)
#define CR4_SMAP       (1ULL << 21)

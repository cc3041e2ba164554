/* Model-specific registers and control-register bits the kernel uses. */
#pragma once

#define MSR_APIC_BASE      0x0000001B
#define MSR_EFER           0xC0000080
#define MSR_STAR           0xC0000081
#define MSR_LSTAR          0xC0000082
#define MSR_CSTAR          0xC0000083
#define MSR_SFMASK         0xC0000084
#define MSR_FS_BASE        0xC0000100
#define MSR_GS_BASE        0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102

#define EFER_SCE (1ULL << 0)
#define EFER_NXE (1ULL << 11)

#define CR0_MP (1ULL << 1)
#define CR0_EM (1ULL << 2)
#define CR0_TS (1ULL << 3)
#define CR0_WP (1ULL << 16)

#define RFLAGS_TF (1ULL << 8)
#define RFLAGS_IF (1ULL << 9)
#define RFLAGS_DF (1ULL << 10)
#define RFLAGS_NT (1ULL << 14)
#define RFLAGS_AC (1ULL << 18)

#define CR4_PGE        (1ULL << 7)
#define CR4_OSFXSR     (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define CR4_UMIP       (1ULL << 11)
#define CR4_PCIDE      (1ULL << 17)

/* With CR4.PCIDE: CR3 bits 0-11 name the address space's PCID, and bit 63
 * set keeps that PCID's TLB entries across the load. */
#define CR3_NOFLUSH (1ULL << 63)
#define CR4_SMEP    (1ULL << 20)
#define CR4_SMAP    (1ULL << 21)

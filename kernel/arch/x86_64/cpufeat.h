/* CPU features found by CPUID, and the protections turned on from them. */
#pragma once

#include <stdbool.h>

struct cpu_features {
	bool cf_nx;
	bool cf_smep;
	bool cf_smap;
	bool cf_pcid;
	bool cf_pdpe1gb;
	bool cf_pge;
	bool cf_hypervisor;
	bool cf_umip;
	unsigned cf_phys_bits; /* physical address width */
	char cf_vendor[13];
	char cf_hv_vendor[13]; /* "TCGTCGTCGTCG", "KVMKVMKVM", ... or "" */
};

extern struct cpu_features cpu_features;

/* Reads CPUID and turns on NX, global pages, SMEP, SMAP and UMIP (sgdt,
 * sidt, sldt, smsw and str fault in user mode, so they cannot reveal
 * kernel addresses) where present. */
void cpufeat_init(void);

/* "tcg", "kvm", another hypervisor's signature, or "none". */
const char *cpufeat_accel(void);

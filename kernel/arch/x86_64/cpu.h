/* Every inline-assembly instruction the kernel uses, in one place, but for
 * port I/O (inb, outb, outl), which user drivers use too: common/io.h. */
#pragma once

#include <stdint.h>

#include "io.h"

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_CR_ACCESSORS(n)                                             \
	static inline uint64_t read_cr##n(void)                            \
	{                                                                  \
		uint64_t v;                                                \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));          \
		return v;                                                  \
	}                                                                  \
	static inline void write_cr##n(uint64_t v)                         \
	{                                                                  \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

static inline void lgdt(const struct desc_ptr *p)
{
	__asm__ volatile("lgdt %0" : : "m"(*p));
}

static inline void lidt(const struct desc_ptr *p)
{
	__asm__ volatile("lidt %0" : : "m"(*p));
}

static inline void ltr(uint16_t sel)
{
	__asm__ volatile("ltr %0" : : "r"(sel));
}

/* Reload CS through a far return and the data segments directly. */
static inline void load_segments(uint16_t code, uint16_t data)
{
	__asm__ volatile("pushq %q0\n\t"
	                 "leaq 1f(%%rip), %%rax\n\t"
	                 "pushq %%rax\n\t"
	                 "lretq\n"
	                 "1:\n\t"
	                 "mov %w1, %%ds\n\t"
	                 "mov %w1, %%es\n\t"
	                 "mov %w1, %%ss\n\t"
	                 :
	                 : "r"((uint64_t)code), "r"(data)
	                 : "rax", "memory");
}

/* The null selector into DS, ES and FS (GS is entry.asm's: after swapgs). */
static inline void load_null_data_segments(void)
{
	__asm__ volatile("mov %w0, %%ds\n\tmov %w0, %%es\n\tmov %w0, %%fs" : : "r"(0));
}

/* Copies n 64-bit words (the kernel has no SSE; rep movsq is the fast
 * way to move a message buffer). */
static inline void copy_words(uint64_t *dst, const uint64_t *src, uint64_t n)
{
	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

/* Sets n 64-bit words to v. */
static inline void fill_words(uint64_t *dst, uint64_t v, uint64_t n)
{
	__asm__ volatile("rep stosq" : "+D"(dst), "+c"(n) : "a"(v) : "memory");
}

enum { INVPCID_ADDRESS = 0, INVPCID_CONTEXT = 1 };

/* Drops TLB entries of one PCID: one address, or all of them. */
static inline void invpcid(uint64_t type, uint64_t pcid, uint64_t va)
{
	struct {
		uint64_t pcid, va;
	} desc = { pcid, va };

	__asm__ volatile("invpcid %0, %1" : : "m"(desc), "r"(type) : "memory");
}

static inline void invlpg(uintptr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

/* Enable interrupts and halt in one step: an interrupt cannot slip in
 * between, because sti takes effect only after the next instruction. */
static inline void irq_enable_and_halt(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}

static inline void cpu_halt(void)
{
	__asm__ volatile("hlt" : : : "memory");
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" : : : "memory");
}

static inline uintptr_t read_rbp(void)
{
	uintptr_t v;
	__asm__ volatile("mov %%rbp, %0" : "=r"(v));
	return v;
}

/* Deliberate faults for the boot tests (boot option fault=...) that C
 * cannot raise by itself. */
static inline void cpu_trigger_int3(void)
{
	__asm__ volatile("int3");
}

static inline void cpu_trigger_de(void)
{
	__asm__ volatile("xor %%ecx, %%ecx\n\t"
	                 "mov $1, %%eax\n\t"
	                 "xor %%edx, %%edx\n\t"
	                 "div %%ecx"
	                 :
	                 :
	                 : "rax", "rcx", "rdx");
}

/* Reading ELF64 executables from memory: checking one is loadable, its
 * loadable segments and its symbols. Pure computation on the image (no
 * system calls), so host tests can check it; spawn.c does the loading. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_PT_LOAD 1
#define ELF_PF_X    1
#define ELF_PF_W    2
#define ELF_PF_R    4

struct elf64_ehdr {
	unsigned char e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

struct elf64_shdr {
	uint32_t sh_name;
	uint32_t sh_type;
	uint64_t sh_flags;
	uint64_t sh_addr;
	uint64_t sh_offset;
	uint64_t sh_size;
	uint32_t sh_link;
	uint32_t sh_info;
	uint64_t sh_addralign;
	uint64_t sh_entsize;
};

struct elf64_sym {
	uint32_t st_name;
	unsigned char st_info;
	unsigned char st_other;
	uint16_t st_shndx;
	uint64_t st_value;
	uint64_t st_size;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 file header");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header");
_Static_assert(sizeof(struct elf64_shdr) == 64, "ELF64 section header");
_Static_assert(sizeof(struct elf64_sym) == 24, "ELF64 symbol");

/* An image that elf_open() accepted. */
struct elf_file {
	const unsigned char *ef_base;
	size_t ef_size;
	const struct elf64_ehdr *ef_eh;
	uint64_t ef_entry;
};

/* One loadable segment: memsz bytes at vaddr, the first filesz of them from
 * the file at offset, the rest zero. flags: ELF_PF_*. */
struct elf_segment {
	uint64_t es_vaddr;
	uint64_t es_memsz;
	uint64_t es_offset;
	uint64_t es_filesz;
	uint32_t es_flags;
};

/* Accepts an x86-64 ELF64 executable (ET_EXEC) whose segments lie inside
 * the image and inside user space below user_top, cover no page twice, and
 * whose entry point is in an executable segment. Returns E_OK or E_BAD_ARG.
 * The image must stay where it is while f is used. */
long elf_open(struct elf_file *f, const void *image, size_t size, uint64_t user_top);

/* The index-th program header, if it is a non-empty PT_LOAD segment. */
bool elf_segment(const struct elf_file *f, unsigned index, struct elf_segment *seg);
unsigned elf_phnum(const struct elf_file *f);

/* The value of a symbol in the image's symbol table; 0 if it has none. */
uint64_t elf_symbol(const struct elf_file *f, const char *name);

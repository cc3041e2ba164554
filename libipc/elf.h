/* Reading ELF64 executables from memory: checking one is loadable, its
 * loadable segments and its symbols. Pure computation on the image (no
 * system calls), so host tests can check it; spawn.c does the loading. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/elf64.h>

/* An image that elf_open() accepted. */
struct elf_file {
	const unsigned char *ef_base;
	size_t ef_size;
	const struct elf64_ehdr *ef_eh;
	uint64_t ef_entry;
};

/* One loadable segment: memsz bytes at vaddr, the first filesz of them from
 * the file at offset, the rest zero. flags: PF_*. */
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

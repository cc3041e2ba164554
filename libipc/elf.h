/* Reading ELF64 executables from memory: checking one is loadable, its
 * loadable segments, its symbols and its source lines. Pure computation on
 * the image (no system calls), so host tests can check it; spawn.c does
 * the loading. */
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

/* The function (a symbol of type STT_FUNC) holding addr: its name, cut to
 * fit size bytes with the NUL, and addr's offset in it. Returns false if
 * no function holds addr. */
bool elf_function(const struct elf_file *f, uint64_t addr, char *name, size_t size, uint64_t *offset);

/* The bytes of the section called name and their number, or NULL. */
const unsigned char *elf_section_data(const struct elf_file *f, const char *name, uint64_t *size);

/* The source line of the instruction at addr, from the DWARF line table
 * (.debug_line, versions 2 to 5; elf_line.c): "dir/file" (the directory
 * left out when it is absolute, or the compilation's own), cut to fit size
 * bytes with the NUL, and the line. Returns false if no line table covers
 * addr, or the table is damaged where it would. */
bool elf_line(const struct elf_file *f, uint64_t addr, char *file, size_t size, unsigned *line);

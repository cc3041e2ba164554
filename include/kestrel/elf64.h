/* The ELF64 format as Kestrel reads it: the kernel loads the first task
 * from an ELF64 executable (kernel/roottask.c) and user space spawns every
 * other program from one (libipc/elf.c). Names and values are those of the
 * System V ABI and its x86-64 supplement; only what Kestrel reads is here. */
#pragma once

#include <stdint.h>

/* e_ident: the magic "\177ELF", then class, byte order and version. */
#define ELFMAG0     0x7f
#define ELFMAG1     'E'
#define ELFMAG2     'L'
#define ELFMAG3     'F'
#define EI_CLASS    4
#define ELFCLASS64  2
#define EI_DATA     5
#define ELFDATA2LSB 1
#define EI_VERSION  6
#define EV_CURRENT  1

#define ET_EXEC   2  /* e_type: a static executable */
#define EM_X86_64 62 /* e_machine */

#define PT_LOAD 1 /* p_type: a segment to map */
#define PF_X    1 /* p_flags */
#define PF_W    2
#define PF_R    4

#define SHT_SYMTAB 2 /* sh_type */
#define SHT_STRTAB 3
#define SHT_NOBITS 8 /* no bytes in the file (.bss) */

#define STT_FUNC 2 /* st_info & 0xf: a function */

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

/* ELF64 checks. Every offset and size read from the image is checked
 * against the image before use, without overflow, because the image may
 * be anything. */
#include "elf.h"

#include <kestrel/error.h>

#define PAGE 4096ULL

/* Whether [off, off + len) lies inside [0, size). */
static bool in_range(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static const struct elf64_phdr *elf_phdr(const struct elf_file *f, unsigned i)
{
	return (const struct elf64_phdr *)(f->ef_base + f->ef_eh->e_phoff) + i;
}

static bool elf_header_ok(const struct elf64_ehdr *eh, size_t size)
{
	/* e_ident[0] to e_ident[EI_VERSION]: a little-endian ELF64 file. */
	static const unsigned char ident[] = { ELFMAG0,    ELFMAG1,     ELFMAG2,   ELFMAG3,
		                               ELFCLASS64, ELFDATA2LSB, EV_CURRENT };

	for (unsigned i = 0; i < sizeof(ident); i++)
		if (eh->e_ident[i] != ident[i])
			return false;
	return eh->e_type == ET_EXEC && eh->e_machine == EM_X86_64 && eh->e_phnum > 0 &&
	       eh->e_phentsize == sizeof(struct elf64_phdr) &&
	       in_range(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr), size) &&
	       eh->e_phoff % 8 == 0;
}

static bool segment_ok(const struct elf64_phdr *ph, size_t size, uint64_t user_top)
{
	return ph->p_filesz <= ph->p_memsz && in_range(ph->p_offset, ph->p_filesz, size) &&
	       in_range(ph->p_vaddr, ph->p_memsz, user_top) && ph->p_vaddr >= PAGE;
}

/* Two segments overlap when their page ranges do: each is mapped whole. */
static bool pages_overlap(const struct elf64_phdr *a, const struct elf64_phdr *b)
{
	uint64_t a0 = a->p_vaddr & ~(PAGE - 1), a1 = a->p_vaddr + a->p_memsz;
	uint64_t b0 = b->p_vaddr & ~(PAGE - 1), b1 = b->p_vaddr + b->p_memsz;

	return a0 < b1 && b0 < a1;
}

long elf_open(struct elf_file *f, const void *image, size_t size, uint64_t user_top)
{
	const struct elf64_ehdr *eh = image;
	struct elf_segment s, t;
	bool entry_ok = false;

	if (size < sizeof(*eh) || (uintptr_t)image % 8 || !elf_header_ok(eh, size))
		return E_BAD_ARG;
	f->ef_base = image;
	f->ef_size = size;
	f->ef_eh = eh;
	f->ef_entry = eh->e_entry;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph = elf_phdr(f, i);

		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		if (!segment_ok(ph, size, user_top))
			return E_BAD_ARG;
		for (unsigned j = 0; j < i; j++)
			if (elf_segment(f, j, &t) && pages_overlap(ph, elf_phdr(f, j)))
				return E_BAD_ARG;
		elf_segment(f, i, &s);
		if ((s.es_flags & PF_X) && eh->e_entry >= s.es_vaddr && eh->e_entry < s.es_vaddr + s.es_memsz)
			entry_ok = true;
	}
	return entry_ok ? E_OK : E_BAD_ARG;
}

unsigned elf_phnum(const struct elf_file *f)
{
	return f->ef_eh->e_phnum;
}

bool elf_segment(const struct elf_file *f, unsigned index, struct elf_segment *seg)
{
	const struct elf64_phdr *ph;

	if (index >= f->ef_eh->e_phnum)
		return false;
	ph = elf_phdr(f, index);
	if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
		return false;
	seg->es_vaddr = ph->p_vaddr;
	seg->es_memsz = ph->p_memsz;
	seg->es_offset = ph->p_offset;
	seg->es_filesz = ph->p_filesz;
	seg->es_flags = ph->p_flags;
	return true;
}

static const struct elf64_shdr *elf_section(const struct elf_file *f, unsigned i)
{
	const struct elf64_ehdr *eh = f->ef_eh;

	if (eh->e_shentsize != sizeof(struct elf64_shdr) || i >= eh->e_shnum || eh->e_shoff % 8 ||
	    !in_range(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(struct elf64_shdr), f->ef_size))
		return 0;
	return (const struct elf64_shdr *)(f->ef_base + eh->e_shoff) + i;
}

/* Whether the NUL-terminated string at off in strtab equals name. */
static bool name_is(const struct elf_file *f, const struct elf64_shdr *strtab, uint64_t off, const char *name)
{
	const char *s = (const char *)f->ef_base + strtab->sh_offset;

	for (; off < strtab->sh_size; off++, name++) {
		if (s[off] != *name)
			return false;
		if (!*name)
			return true;
	}
	return false;
}

/* The i-th section's symbols, if it is a symbol table that lies in the
 * image with its string table (*str); NULL otherwise. */
static const struct elf64_sym *elf_symtab(const struct elf_file *f, unsigned i, uint64_t *count,
                                          const struct elf64_shdr **str)
{
	const struct elf64_shdr *sh = elf_section(f, i);

	if (!sh || sh->sh_type != SHT_SYMTAB || sh->sh_offset % 8 ||
	    !in_range(sh->sh_offset, sh->sh_size, f->ef_size))
		return NULL;
	*str = elf_section(f, sh->sh_link);
	if (!*str || (*str)->sh_type != SHT_STRTAB ||
	    !in_range((*str)->sh_offset, (*str)->sh_size, f->ef_size))
		return NULL;
	*count = sh->sh_size / sizeof(struct elf64_sym);
	return (const struct elf64_sym *)(f->ef_base + sh->sh_offset);
}

uint64_t elf_symbol(const struct elf_file *f, const char *name)
{
	for (unsigned i = 0; i < f->ef_eh->e_shnum; i++) {
		const struct elf64_shdr *str;
		uint64_t n;
		const struct elf64_sym *sym = elf_symtab(f, i, &n, &str);

		for (uint64_t k = 0; sym && k < n; k++)
			if (sym[k].st_name && name_is(f, str, sym[k].st_name, name))
				return sym[k].st_value;
	}
	return 0;
}

bool elf_function(const struct elf_file *f, uint64_t addr, char *name, size_t size, uint64_t *offset)
{
	for (unsigned i = 0; i < f->ef_eh->e_shnum; i++) {
		const struct elf64_shdr *str;
		uint64_t n;
		const struct elf64_sym *sym = elf_symtab(f, i, &n, &str);

		for (uint64_t k = 0; sym && k < n; k++) {
			const char *s = (const char *)f->ef_base + str->sh_offset;
			uint64_t at = sym[k].st_name, len = 0;

			if ((sym[k].st_info & 0xf) != STT_FUNC || addr - sym[k].st_value >= sym[k].st_size ||
			    at >= str->sh_size || size == 0)
				continue;
			for (; at + len < str->sh_size && s[at + len] && len + 1 < size; len++)
				name[len] = s[at + len];
			name[len] = '\0';
			*offset = addr - sym[k].st_value;
			return true;
		}
	}
	return false;
}

const unsigned char *elf_section_data(const struct elf_file *f, const char *name, uint64_t *size)
{
	const struct elf64_shdr *names = elf_section(f, f->ef_eh->e_shstrndx);

	if (!names || !in_range(names->sh_offset, names->sh_size, f->ef_size))
		return NULL;
	for (unsigned i = 0; i < f->ef_eh->e_shnum; i++) {
		const struct elf64_shdr *sh = elf_section(f, i);

		if (sh && sh->sh_type != SHT_NOBITS && in_range(sh->sh_offset, sh->sh_size, f->ef_size) &&
		    name_is(f, names, sh->sh_name, name)) {
			*size = sh->sh_size;
			return f->ef_base + sh->sh_offset;
		}
	}
	return NULL;
}

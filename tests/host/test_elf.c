/* libipc's ELF reader (libipc/elf.c, elf_line.c) on the host, against the
 * helper program it loads in the in-system tests (its path is the
 * argument) and against damaged copies of it: every damaged image must be
 * refused or read within its bounds (AddressSanitizer watches). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <kestrel/boot.h>
#include <kestrel/error.h>

#include "../../libipc/elf.h"

static const char *helper_path;
static uint64_t *image; /* 8-byte aligned, as elf_open needs */
static size_t image_size;

static void load_helper(void)
{
	FILE *f = fopen(helper_path, "rb");
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	image = malloc((size_t)n + 8);
	assert_non_null(image);
	assert_int_equal(fread(image, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	image_size = (size_t)n;
}

/* A private copy to damage. */
static void *copy_image(void)
{
	void *c = malloc(image_size);

	assert_non_null(c);
	memcpy(c, image, image_size);
	return c;
}

static struct elf64_phdr *phdr(void *img, unsigned i)
{
	struct elf64_ehdr *eh = img;

	return (struct elf64_phdr *)((char *)img + eh->e_phoff) + i;
}

static void helper_program_is_accepted(void **state)
{
	struct elf_file f;
	struct elf_segment s;
	unsigned loads = 0, flags = 0;

	(void)state;
	assert_int_equal(elf_open(&f, image, image_size, BOOT_MODULES_VADDR), E_OK);
	assert_int_equal(f.ef_entry, 0x400000);
	for (unsigned i = 0; i < elf_phnum(&f); i++) {
		if (!elf_segment(&f, i, &s))
			continue;
		loads++;
		assert_int_equal(s.es_vaddr % 4096, 0);
		assert_true(s.es_filesz <= s.es_memsz);
		flags |= 1u << s.es_flags;
	}
	/* text r-x, rodata r--, data rw-: one segment each */
	assert_int_equal(loads, 3);
	assert_int_equal(flags, 1u << (PF_R | PF_X) | 1u << PF_R | 1u << (PF_R | PF_W));
}

static void symbols_are_found(void **state)
{
	struct elf_file f;

	(void)state;
	assert_int_equal(elf_open(&f, image, image_size, BOOT_MODULES_VADDR), E_OK);
	assert_int_equal(elf_symbol(&f, "_start"), f.ef_entry);
	assert_true(elf_symbol(&f, "helper_write_insn") > f.ef_entry);
	assert_true(elf_symbol(&f, "helper_fuzz_resume") > f.ef_entry);
	assert_int_equal(elf_symbol(&f, "no_such_symbol"), 0);
	assert_int_equal(elf_symbol(&f, "helper_write"), 0); /* a prefix is not a match */
}

static void functions_are_found_by_address(void **state)
{
	struct elf_file f;
	uint64_t at, off = 0;
	char name[32];

	(void)state;
	assert_int_equal(elf_open(&f, image, image_size, BOOT_MODULES_VADDR), E_OK);
	at = elf_symbol(&f, "crt0_main");
	assert_true(elf_function(&f, at, name, sizeof(name), &off));
	assert_string_equal(name, "crt0_main");
	assert_int_equal(off, 0);
	assert_true(elf_function(&f, at + 1, name, 4, &off)); /* cut to fit, NUL included */
	assert_string_equal(name, "crt");
	assert_int_equal(off, 1);
	assert_true(elf_function(&f, f.ef_entry, name, sizeof(name), &off));
	assert_string_equal(name, "_start");
	/* A label of top-level assembly: no function (its symbol has no type). */
	assert_false(elf_function(&f, elf_symbol(&f, "helper_write_insn"), name, sizeof(name), &off));
	assert_false(elf_function(&f, 0, name, sizeof(name), &off));
	assert_false(elf_function(&f, BOOT_MODULES_VADDR, name, sizeof(name), &off));
}

/* crt0_main's first line is crt0.c's (_start, in assembly, has none);
 * tests/host/elf_lines.py checks every address against the host's
 * binutils. */
static void lines_are_found_by_address(void **state)
{
	struct elf_file f;
	char file[64];
	unsigned line = 0;
	uint64_t at;

	(void)state;
	assert_int_equal(elf_open(&f, image, image_size, BOOT_MODULES_VADDR), E_OK);
	at = elf_symbol(&f, "crt0_main");
	assert_true(elf_line(&f, at, file, sizeof(file), &line));
	assert_string_equal(file, "libipc/crt0.c");
	assert_true(line > 0);
	assert_true(elf_line(&f, at, file, 7, &line));
	assert_string_equal(file, "libipc");
	assert_false(elf_line(&f, f.ef_entry, file, sizeof(file), &line));
	assert_false(elf_line(&f, 0, file, sizeof(file), &line));
}

static void truncated_images_are_refused(void **state)
{
	struct elf_file f;
	const struct elf64_ehdr *eh = (const void *)image;
	size_t headers = eh->e_phoff + (size_t)eh->e_phnum * sizeof(struct elf64_phdr);

	(void)state;
	for (size_t n = 0; n <= headers; n++)
		assert_int_equal(elf_open(&f, image, n < headers ? n : headers - 1, BOOT_MODULES_VADDR),
		                 E_BAD_ARG);
	/* Cut inside the last segment's file bytes. */
	assert_int_equal(elf_open(&f, image, phdr(image, 1)->p_offset + 1, BOOT_MODULES_VADDR), E_BAD_ARG);
}

static void damaged_headers_are_refused(void **state)
{
	struct elf_file f;

	(void)state;
	for (int what = 0; what < 9; what++) {
		unsigned char *c = copy_image();
		struct elf64_ehdr *eh = (void *)c;

		switch (what) {
		case 0: /* not ELF */
			c[0] = 0x7e;
			break;
		case 1: /* 32-bit */
			eh->e_ident[4] = 1;
			break;
		case 2: /* i386 */
			eh->e_machine = 3;
			break;
		case 3: /* a shared object */
			eh->e_type = 3;
			break;
		case 4: /* program headers of another size */
			eh->e_phentsize = 32;
			break;
		case 5: /* entry in rodata */
			eh->e_entry = phdr(c, 1)->p_vaddr;
			break;
		case 6: /* two segments on one page */
			phdr(c, 1)->p_vaddr = phdr(c, 0)->p_vaddr;
			break;
		case 7: /* above the limit it is loaded under */
			phdr(c, 2)->p_vaddr = USER_TOP - 4096;
			break;
		case 8: /* more file bytes than memory */
			phdr(c, 1)->p_filesz = phdr(c, 1)->p_memsz + 1;
			break;
		}
		assert_int_equal(elf_open(&f, c, image_size, BOOT_MODULES_VADDR), E_BAD_ARG);
		free(c);
	}
}

/* Random damage to headers and section tables: never a read outside the
 * image, whatever elf_open and elf_symbol make of it. */
static void random_damage_stays_in_bounds(void **state)
{
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	const struct elf64_ehdr *eh = (const void *)image;
	size_t tables = eh->e_shoff + (size_t)eh->e_shnum * sizeof(struct elf64_shdr);

	(void)state;
	for (int round = 0; round < 3000; round++) {
		unsigned char *c = copy_image();
		struct elf_file f;

		for (int k = 0; k < 4; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* Half the hits in the file and program headers, half in
			 * the section headers at the end. */
			size_t at = k & 1 ? x % 256 : eh->e_shoff + x % (tables - eh->e_shoff);
			c[at % image_size] ^= (unsigned char)(1u << (x >> 32) % 8);
		}
		if (elf_open(&f, c, image_size, BOOT_MODULES_VADDR) == E_OK) {
			char text[16];
			uint64_t off;
			unsigned line;

			elf_symbol(&f, "helper_write_insn");
			elf_symbol(&f, "_start");
			elf_function(&f, f.ef_entry + 1, text, sizeof(text), &off);
			elf_line(&f, f.ef_entry + 1, text, sizeof(text), &line);
		}
		free(c);
	}
}

/* Random damage to the line table and its strings: never a read outside
 * the image, and every lookup ends, whatever it answers. */
static void damaged_line_tables_stay_in_bounds(void **state)
{
	uint64_t x = 0x2545F4914F6CDD1DULL, n = 0, m = 0;
	struct elf_file f;
	const unsigned char *lines, *strs;

	(void)state;
	assert_int_equal(elf_open(&f, image, image_size, BOOT_MODULES_VADDR), E_OK);
	lines = elf_section_data(&f, ".debug_line", &n);
	strs = elf_section_data(&f, ".debug_line_str", &m);
	assert_non_null(lines);
	assert_true(n > 0);
	for (int round = 0; round < 300; round++) {
		unsigned char *c = copy_image();
		struct elf_file g;
		char file[64];
		unsigned line;

		for (int k = 0; k < 8; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			if (strs && k == 7)
				c[(size_t)(strs - (const unsigned char *)image) + x % m] ^= 0xff;
			else
				c[(size_t)(lines - (const unsigned char *)image) + x % n] ^=
				        (unsigned char)(x >> 32);
		}
		assert_int_equal(elf_open(&g, c, image_size, BOOT_MODULES_VADDR), E_OK);
		for (uint64_t a = g.ef_entry; a < g.ef_entry + 0x3000; a += 0x101) /* some in each unit */
			elf_line(&g, a, file, sizeof(file), &line);
		free(c);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(helper_program_is_accepted),
		cmocka_unit_test(symbols_are_found),
		cmocka_unit_test(functions_are_found_by_address),
		cmocka_unit_test(lines_are_found_by_address),
		cmocka_unit_test(truncated_images_are_refused),
		cmocka_unit_test(damaged_headers_are_refused),
		cmocka_unit_test(random_damage_stays_in_bounds),
		cmocka_unit_test(damaged_line_tables_stay_in_bounds),
	};

	helper_path = argc > 1 ? argv[1] : "build/tests/ktest/ktest-helper.elf";
	load_helper();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

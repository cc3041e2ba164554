/* libipc's ELF reader as a host tool, for tests/host/elf_lines.py:
 *
 *     elf-where ELF ADDRESS...
 *
 * prints, for each hexadecimal ADDRESS, "ADDRESS FUNCTION+OFFSET FILE:LINE"
 * as elf_function() and elf_line() find them ("-" for what they do not). */
#include <stdio.h>
#include <stdlib.h>

#include <kestrel/boot.h>
#include <kestrel/error.h>

#include "../../libipc/elf.h"

int main(int argc, char **argv)
{
	struct elf_file f;
	uint64_t *image;
	FILE *in;
	long n;

	if (argc < 2 || !(in = fopen(argv[1], "rb")) || fseek(in, 0, SEEK_END) || (n = ftell(in)) <= 0) {
		fprintf(stderr, "usage: elf-where ELF ADDRESS...\n");
		return 2;
	}
	rewind(in);
	image = malloc((size_t)n + 8); /* 8-byte aligned, as elf_open needs */
	if (!image || fread(image, 1, (size_t)n, in) != (size_t)n ||
	    elf_open(&f, image, (size_t)n, USER_TOP) != E_OK) {
		fprintf(stderr, "elf-where: %s is not a loadable ELF\n", argv[1]);
		return 2;
	}
	fclose(in);
	for (int i = 2; i < argc; i++) {
		uint64_t addr = strtoull(argv[i], NULL, 16), off;
		char name[128], file[256];
		unsigned line;

		printf("%#lx ", addr);
		if (elf_function(&f, addr, name, sizeof(name), &off))
			printf("%s+0x%lx ", name, off);
		else
			printf("- ");
		if (elf_line(&f, addr, file, sizeof(file), &line))
			printf("%s:%u\n", file, line);
		else
			printf("-\n");
	}
	free(image);
	return 0;
}

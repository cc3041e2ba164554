/* memcpy for every user program, libipc's own and picolibc's (the C
 * library programs link libipc-core before picolibc, so this one is
 * found first): picolibc's x86-64 memcpy moves 128 bytes a loop of 37
 * instructions (about 1,200 for a 4 KiB block), this one 8 bytes a
 * string instruction iteration (512), and on hardware with fast string
 * moves (ERMSB) it is as fast as any. */
#include <stddef.h>

/* Whole words with rep movsq, then the bytes left. */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t words = n / 8, bytes = n % 8;

	__asm__ volatile("rep movsq\n\t"
	                 "mov %3, %%rcx\n\t"
	                 "rep movsb"
	                 : "+D"(d), "+S"(src), "+c"(words)
	                 : "r"(bytes)
	                 : "memory");
	return dst;
}

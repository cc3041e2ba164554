#include <stdio.h>

int main(void)
{
	printf("hello from the disk\n");
	return 0;
}

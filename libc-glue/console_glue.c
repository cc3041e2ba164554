/* The console back end of file descriptors 0, 1 and 2: the only file that
 * knows where console bytes go.
 *
 * For now output goes to the kernel console (SYS_DEBUG_WRITE, the serial
 * port) and input is always at end of file: there is no console server
 * yet. Its protocol replaces these two functions next, and nothing else in
 * libc-glue changes. */
#include <errno.h>

#include "glue.h"
#include "syscalls.h"

/* The most SYS_DEBUG_WRITE takes at once. */
#define DEBUG_WRITE_MAX 4096

ssize_t glue_console_write(const void *buf, size_t len)
{
	const char *p = buf;
	size_t left = len;

	while (left) {
		size_t n = left > DEBUG_WRITE_MAX ? DEBUG_WRITE_MAX : left;

		if (sys_debug_write((uint64_t)p, n) < 0) {
			if (p != buf)
				return p - (const char *)buf; /* what did go out */
			errno = EIO;
			return -1;
		}
		p += n;
		left -= n;
	}
	return (ssize_t)len;
}

ssize_t glue_console_read(void *buf, size_t len)
{
	(void)buf;
	(void)len;
	return 0; /* end of file, until the console server exists */
}

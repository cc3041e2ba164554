/* The file benchmark (scripts/bench-files.sh): file calls of the C library
 * timed one at a time on an ext2 image through the filesystem server, as
 * bench/linux/linuxbench.c times the same system calls of Linux on the
 * same image (scripts/bench-files.sh makes it):
 *   read_4k_cached  pread of 4 KiB that the block cache holds
 *   read_4k_disk    pread of 4 KiB not read before (the server's cache has
 *                   no call to drop it, so each iteration reads a block of
 *                   /cold.bin no earlier one read; Linux drops the page
 *                   with posix_fadvise(POSIX_FADV_DONTNEED) instead)
 *   write_4k_fsync  pwrite of 4 KiB over a file's first block, then fsync
 *   create_unlink   open(O_CREAT | O_EXCL) of an empty file, close, unlink
 *   read_1m         pread of 1 MiB in one call, cached
 * Timing as bench/disk/blkbench.c: lfence; rdtsc at both ends, a spinner
 * thread of the lowest priority counting what time the CPU would have
 * halted (two instructions an iteration), subtracted; median, 99th
 * percentile and minimum after a warm-up. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kestrel/qemu_exit.h>

#include "../common/measure.h"
#include "io.h"
#include "ipc.h"
#include "server.h"
#include "syscalls.h"
#include "uthread.h"

#define ITERS     200
#define WARMUP    20
#define ITERS_1M  50
#define WARMUP_1M 5
#define BIG       (1 << 20)

static uint64_t samples[ITERS];
static char buf[BIG];

enum op { READ_CACHED, READ_DISK, WRITE_FSYNC, CREATE_UNLINK, READ_1M };

/* One operation of the row; i counts from -warmup. Returns 0 or -1. */
static int run_op(enum op op, int fd, int i)
{
	switch (op) {
	case READ_CACHED:
		return pread(fd, buf, 4096, 0) == 4096 ? 0 : -1;
	case READ_DISK:
		return pread(fd, buf, 4096, (off_t)(i + WARMUP) * 4096) == 4096 ? 0 : -1;
	case WRITE_FSYNC:
		return pwrite(fd, buf, 4096, 0) == 4096 && fsync(fd) == 0 ? 0 : -1;
	case CREATE_UNLINK: {
		int n = open("/new", O_CREAT | O_EXCL | O_WRONLY, 0644);

		return n >= 0 && close(n) == 0 && unlink("/new") == 0 ? 0 : -1;
	}
	case READ_1M:
		return pread(fd, buf, BIG, 0) == BIG ? 0 : -1;
	}
	return -1;
}

/* Times one row on path (opened with flags; none for create_unlink).
 * Returns 0 or -1 after saying what failed. */
static int time_op(const char *name, enum op op, const char *path, int flags, int iters, int warmup)
{
	int fd = path ? open(path, flags) : -1;

	if (path && fd < 0) {
		printf("filebench error: open %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = -warmup; i < iters; i++) {
		uint64_t t0 = tsc(), s0 = spins;
		int r = run_op(op, fd, i);
		uint64_t s1 = spins, t1 = tsc();

		if (r != 0) {
			printf("filebench error: %s, iteration %d: %s\n", name, i, strerror(errno));
			return -1;
		}
		if (i >= 0)
			samples[i] = sample(t0, t1, s0, s1);
	}
	if (fd >= 0)
		close(fd);
	report("filebench", name, samples, iters);
	return 0;
}

int main(void)
{
	const struct server_info *si = server_self();
	struct uthread_info spinner;
	int r = -1;

	memset(buf, 0x5a, sizeof(buf));
	if (uthread_create(spin, 0, 1, si->si_fault, si->si_pool, &spinner) != E_OK)
		printf("filebench error: no spinner thread\n");
	else if (time_op("read_4k_cached", READ_CACHED, "/small.bin", O_RDONLY, ITERS, WARMUP) == 0 &&
	         time_op("read_4k_disk", READ_DISK, "/cold.bin", O_RDONLY, ITERS, WARMUP) == 0 &&
	         time_op("write_4k_fsync", WRITE_FSYNC, "/write.bin", O_WRONLY, ITERS, WARMUP) == 0 &&
	         time_op("create_unlink", CREATE_UNLINK, NULL, 0, ITERS, WARMUP) == 0 &&
	         time_op("read_1m", READ_1M, "/seq.bin", O_RDONLY, ITERS_1M, WARMUP_1M) == 0)
		r = 0;
	printf(r == 0 ? "filebench done\n" : "filebench failed\n");
	fflush(stdout);
	outl(QEMU_EXIT_PORT, r == 0 ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
	return 0;
}

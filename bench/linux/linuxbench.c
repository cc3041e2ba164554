/* linuxbench: the /init of an initramfs that measures Linux on the machine
 * `make bench` boots Kestrel on, so the two can be compared: a null system
 * call, same-core round trips between two processes through a pipe pair
 * and through futexes, and (as init only) 4 KiB and 64 KiB reads and
 * writes of the virtio disk with O_DIRECT, and the file calls of
 * bench/files/filebench.c on the ext2 image of the second disk. Prints one line per figure,
 * then ends QEMU through isa-debug-exit (include/kestrel/qemu_exit.h). Run
 * as any other process (not PID 1), it measures the host and just exits.
 *
 * Timing: every iteration is timed alone, between two reads of
 * `lfence; rdtsc` (the same sequence at both ends; lfence keeps rdtsc from
 * being executed before the earlier instructions under hardware
 * virtualization, and costs one instruction under TCG). Under QEMU TCG with
 * -icount shift=0 the TSC advances by one per guest instruction, so each
 * figure is a count of guest instructions; under KVM it is cycles. Nothing
 * is subtracted: `rdtsc_overhead` is the same timed region left empty.
 * Each figure runs WARMUP_ITERS untimed iterations first, then ITERS timed
 * ones, and reports their median (the ITERS/2-th smallest, from 0), 99th
 * percentile (nearest rank: the ceil(0.99 * ITERS)-th smallest, from 1)
 * and minimum. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kestrel/qemu_exit.h"

#define WARMUP_ITERS      1000
#define ITERS             10000
/* As many disk requests as bench/disk/blkbench.c makes. */
#define DISK_WARMUP_ITERS 100
#define DISK_ITERS        1000
/* As many file calls as bench/files/filebench.c makes. */
#define FILE_WARMUP_ITERS 20
#define FILE_ITERS        200
#define FILE_1M_WARMUP    5
#define FILE_1M_ITERS     50

static uint64_t samples[ITERS];

static inline uint64_t tsc_read(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* Ends the run: through isa-debug-exit when we are the initramfs's init
 * (QEMU exits with status (code << 1) | 1), powering off if the port cannot
 * be reached. Init must never return: the kernel would panic. */
static _Noreturn void finish(int code)
{
	fflush(stdout);
	if (getpid() != 1)
		exit(code == QEMU_EXIT_PASS ? 0 : 1);
	if (ioperm(QEMU_EXIT_PORT, 4, 1) == 0)
		outl(code, QEMU_EXIT_PORT);
	else
		printf("linuxbench: ioperm(0x%x) failed (%s); powering off\n", QEMU_EXIT_PORT,
		       strerror(errno));
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

static _Noreturn void fail(const char *fmt, ...)
{
	va_list ap;

	printf("linuxbench error: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (%s)\n", strerror(errno));
	finish(QEMU_EXIT_FAIL);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts the first iters samples and prints their figures. */
static void report_n(const char *name, int iters)
{
	qsort(samples, iters, sizeof(samples[0]), cmp_u64);
	printf("linuxbench %s median=%lu p99=%lu min=%lu iters=%d\n", name, (unsigned long)samples[iters / 2],
	       (unsigned long)samples[(iters * 99 + 99) / 100 - 1], (unsigned long)samples[0], iters);
	fflush(stdout);
}

static void report(const char *name)
{
	report_n(name, ITERS);
}

static void bench_rdtsc_overhead(void)
{
	for (int i = -WARMUP_ITERS; i < ITERS; i++) {
		uint64_t t0 = tsc_read();
		uint64_t t1 = tsc_read();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	report("rdtsc_overhead");
}

/* getppid through the syscall instruction itself, not a libc wrapper or the
 * vDSO: the cheapest entry into the kernel and back. */
static inline long raw_getppid(void)
{
	long ret = SYS_getppid;

	__asm__ volatile("syscall" : "+a"(ret) : : "rcx", "r11", "memory");
	return ret;
}

static void bench_null_syscall(void)
{
	for (int i = -WARMUP_ITERS; i < ITERS; i++) {
		uint64_t t0 = tsc_read();
		raw_getppid();
		uint64_t t1 = tsc_read();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	report("null_syscall");
}

static void reap(pid_t child)
{
	int st;

	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("child %d did not exit cleanly", (int)child);
}

/* Through two pipes: the parent writes size bytes into one, the child
 * reads them all and answers with one byte through the other, the parent
 * reads that. With one byte it is the pipe round trip (on one CPU four
 * system calls and two context switches); with 4 or 64 KiB, bulk data to
 * set beside Kestrel's shared buffer. The child stops at end of file. */
static void bench_pipe(const char *name, size_t size)
{
	static char buf[65536];
	int down[2], up[2];
	char c = 'x';

	if (pipe(down) != 0 || pipe(up) != 0)
		fail("pipe");
	pid_t child = fork();
	if (child < 0)
		fail("fork");
	if (child == 0) {
		close(down[1]);
		close(up[0]);
		for (;;) {
			size_t got = 0;
			ssize_t n = 0;

			while (got < size && (n = read(down[0], buf, size - got)) > 0)
				got += (size_t)n;
			if (got < size)
				_exit(n == 0 && got == 0 ? 0 : 1);
			if (write(up[1], &c, 1) != 1)
				_exit(1);
		}
	}
	close(down[0]);
	close(up[1]);
	for (int i = -WARMUP_ITERS; i < ITERS; i++) {
		uint64_t t0 = tsc_read();
		if (write(down[1], buf, size) != (ssize_t)size || read(up[0], &c, 1) != 1)
			fail("pipe transfer %d", i);
		uint64_t t1 = tsc_read();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	close(down[1]);
	close(up[0]);
	reap(child);
	report(name);
}

/* The futex word's states. The two processes share it through a
 * MAP_SHARED mapping made before fork, so the futex calls must not carry
 * FUTEX_PRIVATE_FLAG (that is for one address space). */
enum { TURN_CHILD = 1, TURN_PARENT = 2, TURN_QUIT = 3 };

static long futex(uint32_t *uaddr, int op, uint32_t val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static void futex_pass(uint32_t *word, uint32_t turn)
{
	__atomic_store_n(word, turn, __ATOMIC_SEQ_CST);
	futex(word, FUTEX_WAKE, 1);
}

/* Blocks until *word holds a state other than `mine`; returns it. */
static uint32_t futex_await(uint32_t *word, uint32_t mine)
{
	uint32_t v;

	while ((v = __atomic_load_n(word, __ATOMIC_SEQ_CST)) == mine || v == 0)
		futex(word, FUTEX_WAIT, v);
	return v;
}

/* One round trip: the parent hands the turn to the child (store, then
 * FUTEX_WAKE) and waits (FUTEX_WAIT) until the child hands it back the same
 * way. The wake is made every time, as a ping-pong with a sleeping partner
 * needs: four system calls and two context switches on one CPU. */
static void bench_futex_rt(void)
{
	uint32_t *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (word == MAP_FAILED)
		fail("mmap");
	pid_t child = fork();
	if (child < 0)
		fail("fork");
	if (child == 0) {
		while (futex_await(word, TURN_PARENT) == TURN_CHILD)
			futex_pass(word, TURN_PARENT);
		_exit(0);
	}
	for (int i = -WARMUP_ITERS; i < ITERS; i++) {
		uint64_t t0 = tsc_read();
		futex_pass(word, TURN_CHILD);
		futex_await(word, TURN_CHILD);
		uint64_t t1 = tsc_read();
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	futex_pass(word, TURN_QUIT);
	reap(child);
	munmap(word, 4096);
	report("futex_rt");
}

/* The disk. Debian builds virtio-blk and virtio-pci as modules; the
 * initramfs holds them as /modules/NN-NAME.ko, numbered in dependency
 * order (bench/linux/build-initramfs.sh). Loads them, then mounts devtmpfs
 * on /dev, where the disk appears as vda. Returns its descriptor, opened
 * O_DIRECT: no page cache, each request goes to the device. */
static int disk_open(void)
{
	static const char dir[] = "/modules";
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), fd = -1;

	if (n < 0)
		fail("scandir %s", dir);
	for (int i = 0; i < n; i++) {
		char path[300];

		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			int m = open(path, O_RDONLY | O_CLOEXEC);
			if (m < 0 || (syscall(SYS_finit_module, m, "", 0) != 0 && errno != EEXIST))
				fail("loading %s", path);
			close(m);
		}
		free(names[i]);
	}
	free(names);
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0)
		fail("mount devtmpfs");
	/* The disk's node comes once the driver has probed it. */
	for (int tries = 0; fd < 0 && tries < 100; tries++) {
		fd = open("/dev/vda", O_RDWR | O_DIRECT | O_CLOEXEC);
		if (fd < 0)
			usleep(10000);
	}
	if (fd < 0)
		fail("open /dev/vda");
	return fd;
}

/* The wait for the device: QEMU completes a request on a host thread
 * while the guest runs on, and a guest that halts meanwhile has its clock
 * moved on to its next timer interrupt under -icount with sleep=off, so
 * the figure would measure the timer. A SCHED_IDLE process spins instead,
 * counting its iterations in shared memory, two instructions each; they
 * are subtracted. bench/disk/blkbench.c does the same with a thread of the
 * lowest priority. */
static volatile uint64_t *spins;

static pid_t spinner_start(void)
{
	struct sched_param none = { 0 };

	spins = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (spins == MAP_FAILED)
		fail("mmap");
	pid_t child = fork();
	if (child < 0)
		fail("fork");
	if (child == 0) {
		if (sched_setscheduler(0, SCHED_IDLE, &none) != 0)
			_exit(1);
		for (;;)
			__asm__ volatile("1: incq %0; jmp 1b" : "+m"(*spins));
	}
	return child;
}

/* Times single requests of size bytes at offset, read or written (with
 * O_DIRECT and without O_SYNC: a write returns once the device has
 * completed it, as Kestrel's driver answers one, with no flush). */
static void bench_disk(int fd, const char *name, int write, off_t offset, size_t size, void *buf)
{
	for (int i = -DISK_WARMUP_ITERS; i < DISK_ITERS; i++) {
		uint64_t t0 = tsc_read(), s0 = *spins;
		ssize_t n = write ? pwrite(fd, buf, size, offset) : pread(fd, buf, size, offset);
		uint64_t s1 = *spins, t1 = tsc_read();

		if (n != (ssize_t)size)
			fail("%s request %d", name, i);
		if (i >= 0)
			samples[i] = t1 - t0 - 2 * (s1 - s0);
	}
	report_n(name, DISK_ITERS);
}

static void bench_disks(void)
{
	int fd = disk_open();
	void *buf = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED)
		fail("mmap");
	memset(buf, 0x5a, 65536);
	pid_t spinner = spinner_start();
	bench_disk(fd, "disk_read_4k", 0, 0, 4096, buf);
	bench_disk(fd, "disk_write_4k", 1, 4 << 20, 4096, buf);
	bench_disk(fd, "disk_read_64k", 0, 0, 65536, buf);
	bench_disk(fd, "disk_write_64k", 1, 4 << 20, 65536, buf);
	kill(spinner, SIGKILL);
	waitpid(spinner, NULL, 0);
	close(fd);
}

/* The file rows, as bench/files/filebench.c takes them on Kestrel: the
 * same calls on the same image (scripts/bench-files.sh makes it; it is
 * /dev/vdb here), mounted as ext2, which ext4 serves. The uncached read
 * drops the file's pages with posix_fadvise(POSIX_FADV_DONTNEED) before
 * each iteration, untimed, and reads with POSIX_FADV_RANDOM so no
 * readahead brings in the next one; it reads the blocks filebench reads.
 * The directory and the inode stay cached, as in Kestrel's server. */
enum file_op { READ_CACHED, READ_DISK, WRITE_FSYNC, CREATE_UNLINK, READ_1M };

static int file_op_run(enum file_op op, int fd, int i, char *buf)
{
	switch (op) {
	case READ_CACHED:
		return pread(fd, buf, 4096, 0) == 4096 ? 0 : -1;
	case READ_DISK:
		return pread(fd, buf, 4096, (off_t)(i + FILE_WARMUP_ITERS) * 4096) == 4096 ? 0 : -1;
	case WRITE_FSYNC:
		return pwrite(fd, buf, 4096, 0) == 4096 && fsync(fd) == 0 ? 0 : -1;
	case CREATE_UNLINK: {
		int n = open("/mnt/new", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);

		return n >= 0 && close(n) == 0 && unlink("/mnt/new") == 0 ? 0 : -1;
	}
	case READ_1M:
		return pread(fd, buf, 1 << 20, 0) == 1 << 20 ? 0 : -1;
	}
	return -1;
}

static void bench_file(const char *name, enum file_op op, const char *path, int flags, int iters, int warmup,
                       char *buf)
{
	int fd = path ? open(path, flags | O_CLOEXEC) : -1;

	if (path && fd < 0)
		fail("open %s", path);
	if (op == READ_DISK && posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM) != 0)
		fail("posix_fadvise %s", path);
	for (int i = -warmup; i < iters; i++) {
		if (op == READ_DISK && posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0)
			fail("posix_fadvise %s", path);
		uint64_t t0 = tsc_read(), s0 = *spins;
		int r = file_op_run(op, fd, i, buf);
		uint64_t s1 = *spins, t1 = tsc_read();

		if (r != 0)
			fail("%s, iteration %d", name, i);
		if (i >= 0)
			samples[i] = t1 - t0 - 2 * (s1 - s0);
	}
	if (fd >= 0)
		close(fd);
	report_n(name, iters);
}

static void bench_files(void)
{
	char *buf = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int tries;

	if (buf == MAP_FAILED)
		fail("mmap");
	memset(buf, 0x5a, 1 << 20);
	for (tries = 0; access("/dev/vdb", F_OK) != 0 && tries < 100; tries++)
		usleep(10000);
	if (mount("/dev/vdb", "/mnt", "ext2", 0, NULL) != 0)
		fail("mount /dev/vdb as ext2");
	pid_t spinner = spinner_start();
	bench_file("file_read_4k_cached", READ_CACHED, "/mnt/small.bin", O_RDONLY, FILE_ITERS,
	           FILE_WARMUP_ITERS, buf);
	bench_file("file_read_4k_disk", READ_DISK, "/mnt/cold.bin", O_RDONLY, FILE_ITERS, FILE_WARMUP_ITERS,
	           buf);
	bench_file("file_write_4k_fsync", WRITE_FSYNC, "/mnt/write.bin", O_WRONLY, FILE_ITERS,
	           FILE_WARMUP_ITERS, buf);
	bench_file("file_create_unlink", CREATE_UNLINK, NULL, 0, FILE_ITERS, FILE_WARMUP_ITERS, buf);
	bench_file("file_read_1m", READ_1M, "/mnt/seq.bin", O_RDONLY, FILE_1M_ITERS, FILE_1M_WARMUP, buf);
	kill(spinner, SIGKILL);
	waitpid(spinner, NULL, 0);
	if (umount("/mnt") != 0)
		fail("umount /mnt");
}

/* Which mitigations the kernel chose shapes every figure (page-table
 * isolation alone doubles a system call), so say them. */
static void print_context(void)
{
	static const char *const vulns[] = { "meltdown", "spectre_v2", "retbleed", "spec_rstack_overflow" };
	struct utsname u;

	if (uname(&u) == 0)
		printf("linuxbench kernel %s %s\n", u.release, u.version);
	if (getpid() == 1)
		mount("sysfs", "/sys", "sysfs", 0, NULL);
	for (size_t i = 0; i < sizeof(vulns) / sizeof(vulns[0]); i++) {
		char path[128], line[200];
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/vulnerabilities/%s", vulns[i]);
		FILE *f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(line, sizeof(line), f) != NULL)
			printf("linuxbench cpu %s: %s", vulns[i], line);
		fclose(f);
	}
	fflush(stdout);
}

int main(void)
{
	cpu_set_t one;

	/* Same core for both processes of a round trip (QEMU has one CPU, but
	 * a host run may not). */
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) != 0)
		fail("sched_setaffinity");
	print_context();
	bench_rdtsc_overhead();
	bench_null_syscall();
	bench_pipe("pipe_rt", 1);
	bench_pipe("pipe_4k", 4096);
	bench_pipe("pipe_64k", 65536);
	bench_futex_rt();
	if (getpid() == 1) {
		bench_disks();
		bench_files();
	}
	printf("linuxbench done\n");
	finish(QEMU_EXIT_PASS);
}

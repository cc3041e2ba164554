/* The C library's files (tests/qemu/files.sh): the POSIX calls of
 * libc-glue/fs_glue.c and picolibc's stdio over the filesystem server, with
 * their errors, and the files' times against the C library's clock. Leaves
 * files the host reads with debugfs after QEMU exits. One TAP line a
 * check; ends QEMU. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <kestrel/qemu_exit.h>

#include "io.h"

static unsigned n, failed;

static void tap(int ok, const char *name)
{
	n++;
	failed += !ok;
	if (ok)
		printf("ok %u - %s\n", n, name);
	else
		printf("not ok %u - %s: errno %d\n", n, name, errno);
}

/* -1 with errno err. */
#define FAILS(call, err) ((errno = 0, (call)) == -1 && errno == (err))

static int holds(const char *path, const char *text)
{
	char got[256];
	int fd = open(path, O_RDONLY);
	ssize_t len = fd < 0 ? -1 : read(fd, got, sizeof(got));

	if (fd >= 0)
		close(fd);
	return len == (ssize_t)strlen(text) && memcmp(got, text, len) == 0;
}

static void reads_and_writes(void)
{
	char buf[64];
	struct stat st;
	int fd = open("/notes.txt", O_CREAT | O_EXCL | O_RDWR, 0644);

	tap(fd >= 0 && write(fd, "hello, ", 7) == 7 && write(fd, "world\n", 6) == 6,
	    "open_creates_and_write_appends_at_the_offset");
	tap(lseek(fd, 0, SEEK_SET) == 0 && read(fd, buf, sizeof(buf)) == 13 &&
	            memcmp(buf, "hello, world\n", 13) == 0,
	    "read_after_lseek_gives_back_the_bytes");
	tap(read(fd, buf, sizeof(buf)) == 0, "read_at_the_end_gives_0");
	tap(lseek(fd, -6, SEEK_END) == 7 && lseek(fd, 2, SEEK_CUR) == 9 &&
	            FAILS(lseek(fd, -100, SEEK_CUR), EINVAL),
	    "lseek_set_cur_end");
	tap(pwrite(fd, "W", 1, 7) == 1 && pread(fd, buf, 5, 7) == 5 && memcmp(buf, "World", 5) == 0 &&
	            lseek(fd, 0, SEEK_CUR) == 9,
	    "pread_pwrite_leave_the_offset");
	tap(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 13 && st.st_nlink == 1 &&
	            st.st_ino > 2 && (st.st_mode & 0777) == 0644,
	    "fstat_describes_the_file");
	tap(fsync(fd) == 0 && ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5,
	    "fsync_and_ftruncate");
	tap(close(fd) == 0 && FAILS(close(fd), EBADF) && FAILS(read(fd, buf, 1), EBADF) &&
	            FAILS(fsync(fd), EBADF),
	    "a_closed_descriptor_is_ebadf");
	tap(FAILS(open("/notes.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST),
	    "o_excl_on_a_file_is_eexist");

	fd = open("/notes.txt", O_WRONLY | O_APPEND);
	tap(fd >= 0 && write(fd, "!", 1) == 1 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "?", 1) == 1 &&
	            FAILS(read(fd, buf, 1), EBADF) && close(fd) == 0 && holds("/notes.txt", "hello!?"),
	    "o_append_writes_at_the_end");
	fd = open("/notes.txt", O_RDONLY);
	tap(fd >= 0 && FAILS(write(fd, "x", 1), EBADF) && FAILS(ftruncate(fd, 0), EBADF) && close(fd) == 0,
	    "a_read_only_descriptor_refuses_writes");
	fd = open("/notes.txt", O_RDWR | O_TRUNC);
	tap(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0 && close(fd) == 0, "o_trunc_empties_the_file");
	tap(truncate("/notes.txt", 3000) == 0 && stat("/notes.txt", &st) == 0 && st.st_size == 3000 &&
	            FAILS(truncate("/", 0), EISDIR),
	    "truncate_by_path");
	tap(FAILS(open("/no/such", O_RDONLY), ENOENT) && FAILS(open("/nothere", O_RDONLY), ENOENT) &&
	            FAILS(open("/notes.txt/x", O_RDONLY), ENOTDIR),
	    "open_errors_enoent_enotdir");
}

/* Three leases' worth, so that a read and a write each take several calls. */
static void large(void)
{
	size_t size = 200 * 1024;
	unsigned char *a = malloc(size), *b = malloc(size);
	int fd = open("/big.bin", O_CREAT | O_TRUNC | O_RDWR, 0600), ok;

	for (size_t i = 0; i < size; i++)
		a[i] = (unsigned char)(i * 13 + i / 1000);
	ok = a && b && fd >= 0 && write(fd, a, size) == (ssize_t)size && lseek(fd, 0, SEEK_SET) == 0 &&
	     read(fd, b, size) == (ssize_t)size && memcmp(a, b, size) == 0;
	tap(ok && close(fd) == 0, "large_write_and_read_in_several_leases");
	free(a);
	free(b);
}

static void directories(void)
{
	char buf[256];
	struct stat st;
	DIR *d;
	struct dirent *e;
	int seen = 0, fd;

	tap(mkdir("/d", 0755) == 0 && stat("/d", &st) == 0 && S_ISDIR(st.st_mode) &&
	            FAILS(mkdir("/d", 0755), EEXIST),
	    "mkdir_and_eexist");
	tap(getcwd(buf, sizeof(buf)) && strcmp(buf, "/") == 0 && chdir("/d") == 0 &&
	            getcwd(buf, sizeof(buf)) && strcmp(buf, "/d") == 0,
	    "chdir_and_getcwd");
	fd = open("a.txt", O_CREAT | O_WRONLY, 0644);
	tap(fd >= 0 && write(fd, "in d\n", 5) == 5 && close(fd) == 0 && holds("/d/a.txt", "in d\n") &&
	            holds("./../d/./a.txt", "in d\n"),
	    "relative_paths_against_the_current_directory");
	tap(mkdir("sub", 0755) == 0 && chdir("sub") == 0 && getcwd(buf, sizeof(buf)) &&
	            strcmp(buf, "/d/sub") == 0 && chdir("..") == 0 && getcwd(buf, sizeof(buf)) &&
	            strcmp(buf, "/d") == 0,
	    "dot_dot_is_normalised");
	tap(FAILS(chdir("a.txt"), ENOTDIR) && FAILS(chdir("/none"), ENOENT) && getcwd(buf, 2) == NULL &&
	            errno == ERANGE,
	    "chdir_and_getcwd_errors");
	d = opendir(".");
	while (d && (e = readdir(d)))
		seen |= (strcmp(e->d_name, "a.txt") == 0 && e->d_type == DT_REG) |
		        (strcmp(e->d_name, "sub") == 0 && e->d_type == DT_DIR) << 1;
	tap(d && seen == 3 && closedir(d) == 0, "readdir_lists_the_entries");
	errno = 0;
	tap(opendir("/d/a.txt") == NULL && errno == ENOTDIR && opendir("/none") == NULL && errno == ENOENT,
	    "opendir_errors");
	fd = open("/d", O_RDONLY);
	tap(fd >= 0 && FAILS(read(fd, buf, 1), EISDIR) && close(fd) == 0 &&
	            FAILS(open("/d", O_WRONLY), EISDIR),
	    "a_directory_descriptor_is_eisdir");
	tap(FAILS(rmdir("/d"), ENOTEMPTY) && FAILS(rmdir("/d/a.txt"), ENOTDIR) &&
	            FAILS(unlink("/d/none"), ENOENT),
	    "rmdir_and_unlink_errors");
	tap(rename("/d/a.txt", "/d/sub/b.txt") == 0 && holds("/d/sub/b.txt", "in d\n") &&
	            FAILS(stat("/d/a.txt", &st), ENOENT),
	    "rename_across_directories");
	tap(unlink("sub/b.txt") == 0 && rmdir("sub") == 0 && FAILS(stat("/d/sub", &st), ENOENT) &&
	            chdir("/") == 0,
	    "unlink_and_rmdir");
}

static void links_and_access(void)
{
	char buf[64], name[300];
	struct stat st, lst;

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	tap(symlink("d/kept.txt", "/link") == 0 && readlink("/link", buf, sizeof(buf)) == 10 &&
	            memcmp(buf, "d/kept.txt", 10) == 0 && FAILS(readlink("/d", buf, sizeof(buf)), EINVAL),
	    "symlink_and_readlink");
	tap(FAILS(stat("/link", &st), ENOENT) && lstat("/link", &lst) == 0 && S_ISLNK(lst.st_mode),
	    "stat_follows_a_link_lstat_does_not");
	tap(access("/d", F_OK) == 0 && access("/d", R_OK | W_OK | X_OK) == 0 &&
	            FAILS(access("/none", F_OK), ENOENT),
	    "access");
	tap(FAILS(open(name, O_RDONLY), ENAMETOOLONG) && FAILS(mkdir(name, 0755), ENAMETOOLONG),
	    "a_long_name_is_enametoolong");
}

static void streams(void)
{
	char line[64];
	FILE *f = fopen("/d/kept.txt", "w");

	tap(f && fprintf(f, "line %d\n", 1) == 7 && fprintf(f, "line %s\n", "two") == 9 && fclose(f) == 0,
	    "fopen_and_fprintf_write_a_file");
	f = fopen("/link", "r"); /* through the symbolic link */
	tap(f && fgets(line, sizeof(line), f) && strcmp(line, "line 1\n") == 0 &&
	            fgets(line, sizeof(line), f) && strcmp(line, "line two\n") == 0 &&
	            !fgets(line, sizeof(line), f) && fclose(f) == 0,
	    "fgets_reads_the_lines_back");
	f = fopen("/d/kept.txt", "a");
	tap(f && fputs("appended\n", f) >= 0 && fclose(f) == 0 && fopen("/none/x", "r") == NULL &&
	            errno == ENOENT,
	    "fopen_append_and_enoent");
}

/* stat's times are the filesystem server's, from the same time service
 * as time(): a file written between two readings of time() has its times
 * from the first one's second (or the one before: the server counts whole
 * milliseconds, time() has the fraction too) to the second's. */
static void times(void)
{
	struct stat st;
	time_t t0 = time(NULL), t1;
	FILE *f = fopen("/timed.txt", "w");
	int ok = f && fputs("stamped\n", f) >= 0 && fclose(f) == 0 && stat("/timed.txt", &st) == 0;

	t1 = time(NULL);
	tap(ok && t0 >= 1704067200 /* 2024 */ && st.st_mtime + 1 >= t0 && st.st_mtime <= t1 &&
	            st.st_ctime == st.st_mtime && st.st_atime + 1 >= t0 && st.st_atime <= t1,
	    "file_times_are_the_time_of_day");
}

int main(void)
{
	reads_and_writes();
	large();
	directories();
	links_and_access();
	streams();
	times();
	printf("1..%u\nfiletest: %u passed, %u failed\n", n, n - failed, failed);
	fflush(stdout);
	outl(QEMU_EXIT_PORT, failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	return 0;
}

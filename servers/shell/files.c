/* The shell's file commands (SHELL_COMMANDS in shell.h): ls, cat, cp, mv,
 * rm, mkdir, rmdir, touch, stat, hexdump, cd, pwd on the C library's POSIX
 * calls (libc-glue, over the filesystem server), and df, which asks the
 * server itself (statfs has no POSIX call in picolibc). Errors name the
 * file as POSIX tools do: "cat: /x: No such file or directory". Times are
 * dates in UTC. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <kestrel/error.h>
#include <kestrel/proto/fs.h>

#include "args.h"
#include "server.h"
#include "shell.h"

PROTO_CLIENT(FS_OPS)

#define FILE_MODE 0644
#define DIR_MODE  0755
#define HEX_ROW   16

/* One buffer for every command's data: the shell runs one command at a
 * time, and its stack is small. */
static char file_buf[4096];

static void file_error(const char *cmd, const char *path)
{
	printf("%s: %s: %s\n", cmd, path, strerror(errno));
}

/* Prints usage and returns true when argc is outside [min, max]. */
static bool file_usage(int argc, int min, int max, const char *usage)
{
	if (argc >= min && argc <= max)
		return false;
	printf("usage: %s\n", usage);
	return true;
}

static const char *file_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* out: "dir/name", or false when it does not fit. */
static bool file_join(char *out, size_t size, const char *dir, const char *name)
{
	size_t len = strlen(dir);
	const char *sep = len && dir[len - 1] == '/' ? "" : "/";

	return (size_t)snprintf(out, size, "%s%s%s", dir, sep, name) < size;
}

/* dst, or dst/basename(src) when dst is a directory (cp, mv). */
static bool file_target(char *out, size_t size, const char *src, const char *dst)
{
	struct stat st;

	if (stat(dst, &st) == 0 && S_ISDIR(st.st_mode))
		return file_join(out, size, dst, file_basename(src));
	return (size_t)snprintf(out, size, "%s", dst) < size;
}

static char file_type_char(mode_t mode)
{
	return S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : S_ISREG(mode) ? '-' : '?';
}

static void file_mode_text(mode_t mode, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";

	out[0] = file_type_char(mode);
	for (int i = 0; i < 9; i++)
		out[1 + i] = mode & (0400 >> i) ? rwx[i] : '-';
	out[10] = '\0';
}

/* A file's time as a date in UTC (there are no time zones), in the
 * layout fmt of strftime. */
static const char *file_time_text(time_t t, const char *fmt, char *out, size_t size)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, size, fmt, &tm))
		snprintf(out, size, "%lld", (long long)t);
	return out;
}

static void ls_one(const char *path, const char *name, bool long_form)
{
	struct stat st;
	char mode[11], when[20];

	if (!long_form) {
		printf("%s\n", name);
		return;
	}
	if (lstat(path, &st) != 0) {
		file_error("ls", path);
		return;
	}
	file_mode_text(st.st_mode, mode);
	printf("%s %3lu %8ld %s %s\n", mode, (unsigned long)st.st_nlink, (long)st.st_size,
	       file_time_text(st.st_mtime, "%Y-%m-%d %H:%M", when, sizeof(when)), name);
}

static void ls_path(const char *path, bool long_form)
{
	char full[FS_PATH_MAX];
	struct dirent *d;
	struct stat st;
	DIR *dir;

	if (lstat(path, &st) != 0) {
		file_error("ls", path);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		ls_one(path, path, long_form);
		return;
	}
	if (!(dir = opendir(path))) {
		file_error("ls", path);
		return;
	}
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		if (!file_join(full, sizeof(full), path, d->d_name)) {
			printf("ls: %s/%s: %s\n", path, d->d_name, strerror(ENAMETOOLONG));
			continue;
		}
		ls_one(full, d->d_name, long_form);
	}
	closedir(dir);
}

/* ls [-l] [PATH...] */
void shell_cmd_ls(struct shell *sh, int argc, char **argv)
{
	bool long_form = argc > 1 && strcmp(argv[1], "-l") == 0;
	int first = long_form ? 2 : 1;

	(void)sh;
	for (int i = first; i < argc; i++)
		if (argv[i][0] == '-') {
			printf("usage: ls [-l] [PATH...]\n");
			return;
		}
	if (first == argc)
		ls_path(".", long_form);
	for (int i = first; i < argc; i++) {
		if (argc - first > 1)
			printf("%s:\n", argv[i]);
		ls_path(argv[i], long_form);
	}
}

void shell_cmd_cat(struct shell *sh, int argc, char **argv)
{
	(void)sh;
	if (file_usage(argc, 2, ARGS_MAX, "cat FILE..."))
		return;
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		ssize_t n;

		if (fd < 0) {
			file_error("cat", argv[i]);
			continue;
		}
		while ((n = read(fd, file_buf, sizeof(file_buf))) > 0)
			fwrite(file_buf, 1, (size_t)n, stdout);
		if (n < 0)
			file_error("cat", argv[i]);
		close(fd);
	}
}

/* Copies src's bytes to dst, created or truncated. */
static void file_copy(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY), out;
	ssize_t n;

	if (in < 0) {
		file_error("cp", src);
		return;
	}
	if ((out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, FILE_MODE)) < 0) {
		file_error("cp", dst);
		goto out;
	}
	while ((n = read(in, file_buf, sizeof(file_buf))) > 0)
		if (write(out, file_buf, (size_t)n) != n) {
			file_error("cp", dst);
			break;
		}
	if (n < 0)
		file_error("cp", src);
	close(out);
out:
	close(in);
}

void shell_cmd_cp(struct shell *sh, int argc, char **argv)
{
	char dst[FS_PATH_MAX];
	struct stat st;

	(void)sh;
	if (file_usage(argc, 3, 3, "cp SRC DST"))
		return;
	if (stat(argv[1], &st) != 0) {
		file_error("cp", argv[1]);
	} else if (S_ISDIR(st.st_mode)) {
		printf("cp: %s: %s\n", argv[1], strerror(EISDIR));
	} else if (!file_target(dst, sizeof(dst), argv[1], argv[2])) {
		printf("cp: %s: %s\n", argv[2], strerror(ENAMETOOLONG));
	} else {
		file_copy(argv[1], dst);
	}
}

void shell_cmd_mv(struct shell *sh, int argc, char **argv)
{
	char dst[FS_PATH_MAX];

	(void)sh;
	if (file_usage(argc, 3, 3, "mv SRC DST"))
		return;
	if (!file_target(dst, sizeof(dst), argv[1], argv[2]))
		printf("mv: %s: %s\n", argv[2], strerror(ENAMETOOLONG));
	else if (rename(argv[1], dst) != 0)
		printf("mv: %s -> %s: %s\n", argv[1], dst, strerror(errno));
}

/* Runs op on each argument, naming the file on failure. */
static void file_each(int argc, char **argv, const char *usage, int (*op)(const char *path))
{
	if (file_usage(argc, 2, ARGS_MAX, usage))
		return;
	for (int i = 1; i < argc; i++)
		if (op(argv[i]) != 0)
			file_error(argv[0], argv[i]);
}

static int file_mkdir(const char *path)
{
	return mkdir(path, DIR_MODE);
}

static int file_touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT, FILE_MODE);

	return fd < 0 ? -1 : close(fd);
}

void shell_cmd_rm(struct shell *sh, int argc, char **argv)
{
	(void)sh;
	file_each(argc, argv, "rm FILE...", unlink);
}

void shell_cmd_mkdir(struct shell *sh, int argc, char **argv)
{
	(void)sh;
	file_each(argc, argv, "mkdir DIR...", file_mkdir);
}

void shell_cmd_rmdir(struct shell *sh, int argc, char **argv)
{
	(void)sh;
	file_each(argc, argv, "rmdir DIR...", rmdir);
}

void shell_cmd_touch(struct shell *sh, int argc, char **argv)
{
	(void)sh;
	file_each(argc, argv, "touch FILE...", file_touch);
}

static const char *file_type_text(mode_t mode)
{
	return S_ISDIR(mode)   ? "directory"
	       : S_ISLNK(mode) ? "symbolic link"
	       : S_ISREG(mode) ? "regular file"
	                       : "other";
}

void shell_cmd_stat(struct shell *sh, int argc, char **argv)
{
	static const char when_fmt[] = "%Y-%m-%d %H:%M:%S UTC";
	char mode[11], accessed[32], modified[32], changed[32];
	struct stat st;

	(void)sh;
	if (file_usage(argc, 2, 2, "stat FILE"))
		return;
	if (lstat(argv[1], &st) != 0) {
		file_error("stat", argv[1]);
		return;
	}
	file_mode_text(st.st_mode, mode);
	printf("  File: %s\n  Type: %s\n  Size: %ld  Blocks: %ld  Links: %lu\n  Inode: %lu  "
	       "Mode: %04o (%s)  Uid: %lu  Gid: %lu\nAccess: %s\nModify: %s\nChange: %s\n",
	       argv[1], file_type_text(st.st_mode), (long)st.st_size, (long)st.st_blocks,
	       (unsigned long)st.st_nlink, (unsigned long)st.st_ino, (unsigned)(st.st_mode & 07777), mode,
	       (unsigned long)st.st_uid, (unsigned long)st.st_gid,
	       file_time_text(st.st_atime, when_fmt, accessed, sizeof(accessed)),
	       file_time_text(st.st_mtime, when_fmt, modified, sizeof(modified)),
	       file_time_text(st.st_ctime, when_fmt, changed, sizeof(changed)));
}

/* Offset, 16 bytes in hex, then as text: hexdump -C's layout. */
void shell_cmd_hexdump(struct shell *sh, int argc, char **argv)
{
	unsigned long offset = 0;
	ssize_t n;
	int fd;

	(void)sh;
	if (file_usage(argc, 2, 2, "hexdump FILE"))
		return;
	if ((fd = open(argv[1], O_RDONLY)) < 0) {
		file_error("hexdump", argv[1]);
		return;
	}
	while ((n = read(fd, file_buf, sizeof(file_buf))) > 0) {
		for (ssize_t row = 0; row < n; row += HEX_ROW) {
			char text[HEX_ROW + 1];
			int len = n - row < HEX_ROW ? (int)(n - row) : HEX_ROW;

			printf("%08lx ", offset);
			for (int i = 0; i < HEX_ROW; i++) {
				unsigned char c = (unsigned char)file_buf[row + i];

				if (i < len)
					printf(i == 8 ? "  %02x" : " %02x", c);
				else
					printf(i == 8 ? "    " : "   ");
				text[i] = c >= 0x20 && c < 0x7f ? (char)c : '.';
			}
			text[len] = '\0';
			printf("  |%s|\n", text);
			offset += (unsigned long)len;
		}
	}
	if (n < 0)
		file_error("hexdump", argv[1]);
	if (offset)
		printf("%08lx\n", offset);
	close(fd);
}

void shell_cmd_cd(struct shell *sh, int argc, char **argv)
{
	const char *dir = argc == 2 ? argv[1] : "/";

	(void)sh;
	if (file_usage(argc, 1, 2, "cd [DIR]"))
		return;
	if (chdir(dir) != 0)
		file_error("cd", dir);
}

void shell_cmd_pwd(struct shell *sh, int argc, char **argv)
{
	(void)sh;
	(void)argv;
	if (file_usage(argc, 1, 1, "pwd"))
		return;
	if (!getcwd(file_buf, sizeof(file_buf)))
		printf("pwd: %s\n", strerror(errno));
	else
		printf("%s\n", file_buf);
}

/* df: the filesystem server's statfs, in KiB and inodes. */
void shell_cmd_df(struct shell *sh, int argc, char **argv)
{
	static struct proto_client fs; /* looked up on first use */
	struct fs_statfs_rep r;
	long e;

	(void)sh;
	(void)argv;
	if (file_usage(argc, 1, 1, "df"))
		return;
	if (!fs.pc_ep && (e = service_lookup("fs", &fs)) != E_OK) {
		printf("df: no fs service: %s\n", proto_error_text(e));
		return;
	}
	if ((e = fs_statfs(&fs, &(struct fs_none){ 0 }, &r)) != E_OK) {
		printf("df: %s\n", fs_errno(e) ? strerror(fs_errno(e)) : proto_error_text(e));
		return;
	}
	printf("%10s %10s %10s %10s %10s %10s\n", "1K-blocks", "used", "free", "inodes", "iused", "ifree");
	printf("%10lu %10lu %10lu %10lu %10lu %10lu\n", r.blocks * r.bsize / 1024,
	       (r.blocks - r.bfree) * r.bsize / 1024, r.bavail * r.bsize / 1024, r.files, r.files - r.ffree,
	       r.ffree);
}

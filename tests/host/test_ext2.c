/* The ext2 library (servers/fs/ext2*.c) over image files that the host's
 * mke2fs -d builds from a tree made here (a file over 1 MiB, nested
 * directories, fast and slow symlinks, sparse files, one past 4 GiB, a
 * directory of 300 entries): reads are checked against the tree, writes
 * with the host's e2fsck -fn and debugfs, and corrupted images must give
 * errors, never a crash or a hang. argv[1]: a scratch folder under build/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../servers/fs/ext2_impl.h"

#define BIG_SIZE   (1536 * 1024 + 123)
#define HUGE_SIZE  (5ull << 30)
#define MANY_FILES 300

static const char *work;
static char img[512];
static int img_fd = -1;
static struct ext2_fs fs;

static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static uint8_t big_byte(uint64_t i)
{
	return (uint8_t)((i * 2654435761u) >> 13);
}

static int dev_read(void *ctx, uint64_t b, uint32_t size, void *buf)
{
	return pread(*(int *)ctx, buf, size, (off_t)(b * size)) == (ssize_t)size ? 0 : -EIO;
}

static int dev_write(void *ctx, uint64_t b, uint32_t size, const void *buf)
{
	return pwrite(*(int *)ctx, buf, size, (off_t)(b * size)) == (ssize_t)size ? 0 : -EIO;
}

static int dev_flush(void *ctx)
{
	return fsync(*(int *)ctx);
}

static uint32_t dev_now(void *ctx)
{
	(void)ctx;
	return 1700000000u;
}

/* A fresh copy of base image `base` (1k or 4k), mounted with flags. */
static int mount_copy(const char *base, unsigned flags)
{
	struct ext2_dev dev = { &img_fd, 0, dev_read, dev_write, dev_flush, dev_now, NULL };
	struct stat st;

	snprintf(img, sizeof(img), "%s/test.img", work);
	assert_int_equal(sh("cp --sparse=always %s/%s.img %s", work, base, img), 0);
	img_fd = open(img, O_RDWR);
	assert_true(img_fd >= 0);
	fstat(img_fd, &st);
	dev.d_bytes = (uint64_t)st.st_size;
	return ext2_mount(&fs, &dev, flags);
}

static int remount(unsigned flags)
{
	struct ext2_dev dev = { &img_fd, 0, dev_read, dev_write, dev_flush, dev_now, NULL };
	struct stat st;

	fstat(img_fd, &st);
	dev.d_bytes = (uint64_t)st.st_size;
	return ext2_mount(&fs, &dev, flags);
}

static int teardown(void **state)
{
	(void)state;
	if (fs.fs_scratch)
		ext2_unmount(&fs);
	if (img_fd >= 0)
		close(img_fd);
	img_fd = -1;
	return 0;
}

static uint32_t resolve(const char *path)
{
	uint32_t ino = 0;

	assert_int_equal(ext2_resolve(&fs, EXT2_ROOT_INO, path, true, &ino), 0);
	return ino;
}

/* The file at path reads as the host's copy in src/, in odd-sized pieces. */
static void check_against_source(const char *path)
{
	char name[600];
	struct stat st;
	uint32_t ino = resolve(path);

	snprintf(name, sizeof(name), "%s/src%s", work, path);
	FILE *f = fopen(name, "rb");
	assert_non_null(f);
	fstat(fileno(f), &st);
	uint8_t *want = malloc(st.st_size + 1), *got = malloc(st.st_size + 8192);
	assert_int_equal(fread(want, 1, st.st_size, f), st.st_size);
	fclose(f);
	for (int64_t off = 0, n; off < st.st_size; off += n) {
		n = ext2_read(&fs, ino, off, got + off, 3001);
		assert_true(n > 0);
	}
	assert_memory_equal(want, got, st.st_size);
	assert_int_equal(ext2_read(&fs, ino, st.st_size, got, 10), 0);
	free(want);
	free(got);
}

/* e2fsck -fn finds nothing wrong with the (unmounted) image. */
static void fsck_clean(void)
{
	assert_int_equal(
	        sh("e2fsck -fn %s >%s/fsck.log 2>&1 || { cat %s/fsck.log; exit 1; }", img, work, work), 0);
}

static void mount_checks_the_superblock_and_features(void **state)
{
	struct ext2_statfs sf;

	(void)state;
	assert_int_equal(mount_copy("base1k", 0), 0);
	ext2_statfs(&fs, &sf);
	assert_int_equal(sf.f_bsize, 1024);
	assert_int_equal(sf.f_blocks, 65536);
	assert_false(fs.fs_readonly);
	assert_int_equal(ext2_unmount(&fs), 0);
	fsck_clean();
	assert_int_equal(remount(EXT2_MOUNT_RDONLY), 0);
	ext2_statfs(&fs, &sf);
	assert_true(sf.f_bfree > 0 && sf.f_bfree < sf.f_blocks);
}

static void reads_files_as_the_tree_made_them(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(mount_copy(i ? "base4k" : "base1k", EXT2_MOUNT_RDONLY), 0);
		check_against_source("/small.txt");
		check_against_source("/big.bin");
		check_against_source("/sparse.bin");
		check_against_source("/sub/deeper/leaf.txt");
		ext2_unmount(&fs);
		close(img_fd);
		img_fd = -1;
	}
}

static void reads_past_4gib_through_triple_indirect_blocks(void **state)
{
	struct ext2_stat st;
	char buf[16] = { 0 };

	(void)state;
	assert_int_equal(mount_copy("base1k", EXT2_MOUNT_RDONLY), 0);
	assert_int_equal(ext2_stat(&fs, resolve("/huge.bin"), &st), 0);
	assert_int_equal(st.st_size, HUGE_SIZE);
	assert_int_equal(ext2_read(&fs, st.st_ino, HUGE_SIZE - 4, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "end\n");
	assert_int_equal(ext2_read(&fs, st.st_ino, 3ull << 30, buf, 4), 4);
	assert_memory_equal(buf, "\0\0\0\0", 4);
}

static void lookup_follows_symlinks_and_reports_errors(void **state)
{
	uint32_t leaf, ino;
	char buf[EXT2_PATH_MAX];

	(void)state;
	assert_int_equal(mount_copy("base1k", EXT2_MOUNT_RDONLY), 0);
	leaf = resolve("/sub/deeper/leaf.txt");
	assert_int_equal(resolve("sub//deeper/./../deeper/leaf.txt"), leaf);
	assert_int_equal(resolve("/link"), leaf);     /* fast */
	assert_int_equal(resolve("/longlink"), leaf); /* slow */
	assert_int_equal(resolve("/sub/up"), resolve("/small.txt"));
	assert_int_equal(resolve("/dirlink/deeper/leaf.txt"), leaf);
	assert_int_equal(ext2_resolve(&fs, EXT2_ROOT_INO, "/link", false, &ino), 0);
	assert_int_not_equal(ino, leaf);
	assert_int_equal(ext2_readlink(&fs, ino, buf, sizeof(buf)), strlen("sub/deeper/leaf.txt"));
	assert_string_equal(buf, "sub/deeper/leaf.txt");
	assert_int_equal(ext2_readlink(&fs, resolve("/longlink"), buf, 10), -EINVAL); /* followed: a file */
	assert_int_equal(ext2_resolve(&fs, EXT2_ROOT_INO, "/loop1", true, &ino), -ELOOP);
	assert_int_equal(ext2_resolve(&fs, EXT2_ROOT_INO, "/nothing", true, &ino), -ENOENT);
	assert_int_equal(ext2_resolve(&fs, EXT2_ROOT_INO, "/small.txt/x", true, &ino), -ENOTDIR);
	assert_int_equal(ext2_resolve(&fs, EXT2_ROOT_INO, "/small.txt/", true, &ino), -ENOTDIR);
	assert_int_equal(ext2_resolve(&fs, EXT2_ROOT_INO, "", true, &ino), -ENOENT);
	memset(buf, 'a', 300);
	buf[300] = '\0';
	assert_int_equal(ext2_resolve(&fs, EXT2_ROOT_INO, buf, true, &ino), -ENAMETOOLONG);
	assert_int_equal(ext2_lookup(&fs, EXT2_ROOT_INO, buf, &ino), -ENAMETOOLONG);
	assert_int_equal(ext2_lookup(&fs, leaf, "x", &ino), -ENOTDIR);
	assert_int_equal(ext2_read(&fs, EXT2_ROOT_INO, 0, buf, 1), -EISDIR);
}

static void stat_reports_the_inode(void **state)
{
	struct ext2_stat st;

	(void)state;
	assert_int_equal(mount_copy("base1k", EXT2_MOUNT_RDONLY), 0);
	assert_int_equal(ext2_stat(&fs, resolve("/big.bin"), &st), 0);
	assert_int_equal(st.st_mode & EXT2_S_IFMT, EXT2_S_IFREG);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(st.st_size, BIG_SIZE);
	assert_int_equal(st.st_nlink, 1);
	assert_true(st.st_blocks >= BIG_SIZE / 512);
	assert_int_equal(ext2_stat(&fs, resolve("/sparse.bin"), &st), 0);
	assert_true(st.st_blocks < 64); /* holes take no blocks */
	assert_int_equal(ext2_stat(&fs, resolve("/sub"), &st), 0);
	assert_int_equal(st.st_mode & EXT2_S_IFMT, EXT2_S_IFDIR);
	assert_int_equal(st.st_nlink, 3); /* its name, its ".", deeper's ".." */
	assert_int_equal(ext2_stat(&fs, 0, &st), -ESTALE);
	assert_int_equal(ext2_stat(&fs, fs.fs_sb.s_inodes_count + 1, &st), -ESTALE);
	assert_int_equal(ext2_stat(&fs, fs.fs_sb.s_inodes_count - 1, &st), -ESTALE); /* free */
}

/* Every name of /many read back once, "." and ".." too. */
static void check_many(void)
{
	struct ext2_entry e;
	uint64_t pos = 0;
	uint32_t dir = resolve("/many");
	char seen[MANY_FILES] = { 0 };
	int n = 0, r;

	while ((r = ext2_readdir(&fs, dir, &pos, &e)) == 1) {
		int i;

		n++;
		if (sscanf(e.e_name, "file%d", &i) == 1) {
			assert_true(i >= 0 && i < MANY_FILES);
			assert_false(seen[i]);
			seen[i] = 1;
			assert_int_equal(e.e_type, EXT2_FT_REG_FILE);
		}
	}
	assert_int_equal(r, 0);
	assert_int_equal(n, MANY_FILES + 2);
}

static void readdir_lists_linear_and_indexed_directories(void **state)
{
	struct ext2_inode in;

	(void)state;
	assert_int_equal(mount_copy("base1k", EXT2_MOUNT_RDONLY), 0);
	check_many();
	ext2_unmount(&fs);
	/* e2fsck -D indexes every directory of more than one block. */
	sh("e2fsck -fyD %s >/dev/null 2>&1", img);
	assert_int_equal(remount(0), 0);
	assert_int_equal(ext2_inode_get(&fs, resolve("/many"), &in), 0);
	assert_true(in.i_flags & EXT2_INDEX_FL);
	check_many();
	/* A change clears the index; the host's tools still agree. */
	uint32_t ino;
	assert_int_equal(ext2_create(&fs, resolve("/many"), "one-more", 0644, &ino), 0);
	assert_int_equal(ext2_unlink(&fs, resolve("/many"), "file7"), 0);
	assert_int_equal(ext2_inode_get(&fs, resolve("/many"), &in), 0);
	assert_false(in.i_flags & EXT2_INDEX_FL);
	assert_int_equal(ext2_unmount(&fs), 0);
	fsck_clean();
}

static void refuses_features_it_does_not_know(void **state)
{
	struct ext2_super sb;

	(void)state;
	assert_int_equal(mount_copy("base1k", EXT2_MOUNT_RDONLY), 0);
	ext2_unmount(&fs);
	pread(img_fd, &sb, sizeof(sb), EXT2_SUPER_OFFSET);
	sb.s_feature_incompat |= EXT2_INCOMPAT_EXTENTS;
	pwrite(img_fd, &sb, sizeof(sb), EXT2_SUPER_OFFSET);
	assert_int_equal(remount(EXT2_MOUNT_RDONLY), -EINVAL);
	assert_non_null(strstr(fs.fs_message, "extent"));
	sb.s_feature_incompat &= ~EXT2_INCOMPAT_EXTENTS;
	sb.s_feature_ro_compat |= EXT2_RO_COMPAT_META_CSUM;
	pwrite(img_fd, &sb, sizeof(sb), EXT2_SUPER_OFFSET);
	assert_int_equal(remount(0), -EROFS);
	assert_non_null(strstr(fs.fs_message, "metadata_csum"));
	assert_int_equal(remount(EXT2_MOUNT_RDONLY), 0);
	uint32_t ino;
	assert_int_equal(ext2_create(&fs, EXT2_ROOT_INO, "x", 0644, &ino), -EROFS);
	ext2_unmount(&fs);
	sb.s_feature_ro_compat &= ~EXT2_RO_COMPAT_META_CSUM;
	sb.s_feature_compat |= EXT2_COMPAT_HAS_JOURNAL;
	pwrite(img_fd, &sb, sizeof(sb), EXT2_SUPER_OFFSET);
	assert_int_equal(remount(0), -EROFS);
	assert_non_null(strstr(fs.fs_message, "has_journal"));
	sb.s_feature_compat &= ~EXT2_COMPAT_HAS_JOURNAL;
	sb.s_rev_level = 0;
	pwrite(img_fd, &sb, sizeof(sb), EXT2_SUPER_OFFSET);
	assert_int_equal(remount(EXT2_MOUNT_RDONLY), -EINVAL);
}

/* debugfs -R "cat path" prints what want holds. */
static void debugfs_has(const char *path, const void *want, size_t len)
{
	char out[600];

	snprintf(out, sizeof(out), "%s/cat.out", work);
	assert_int_equal(sh("debugfs -R 'cat %s' %s >%s 2>/dev/null", path, img, out), 0);
	FILE *f = fopen(out, "rb");
	assert_non_null(f);
	uint8_t *got = malloc(len + 1);
	assert_int_equal(fread(got, 1, len + 1, f), len);
	assert_memory_equal(got, want, len);
	free(got);
	fclose(f);
}

static void writes_files_that_e2fsck_and_debugfs_accept(void **state)
{
	uint32_t a, b, d, ino;
	uint8_t *data = malloc(BIG_SIZE);
	struct ext2_stat st;

	(void)state;
	for (size_t i = 0; i < BIG_SIZE; i++)
		data[i] = big_byte(i + 7);
	assert_int_equal(mount_copy("base1k", 0), 0);
	assert_int_equal(ext2_create(&fs, EXT2_ROOT_INO, "new.bin", 0600, &a), 0);
	assert_int_equal(ext2_create(&fs, EXT2_ROOT_INO, "new.bin", 0600, &ino), -EEXIST);
	/* In pieces that straddle blocks, through double indirect blocks. */
	for (size_t off = 0; off < BIG_SIZE; off += 7000) {
		size_t n = BIG_SIZE - off < 7000 ? BIG_SIZE - off : 7000;
		assert_int_equal(ext2_write(&fs, a, off, data + off, n), n);
	}
	assert_int_equal(ext2_mkdir(&fs, EXT2_ROOT_INO, "d", 0755, &d), 0);
	assert_int_equal(ext2_mkdir(&fs, d, "e", 0755, &ino), 0);
	assert_int_equal(ext2_create(&fs, d, "f", 0644, &b), 0);
	assert_int_equal(ext2_write(&fs, b, 0, "hello\n", 6), 6);
	/* Past 4 GiB: large_file and the triple indirect block. */
	assert_int_equal(ext2_write(&fs, b, (5ull << 30) + 100, "far", 3), 3);
	assert_int_equal(ext2_stat(&fs, b, &st), 0);
	assert_int_equal(st.st_size, (5ull << 30) + 103);
	assert_int_equal(ext2_truncate(&fs, b, 6), 0);
	assert_int_equal(ext2_symlink(&fs, d, "s", "../new.bin", &ino), 0);
	char longt[200] = "/d"; /* a slow symlink: "/d" + "/." * 60 + "/f" */
	for (int i = 0; i < 60; i++)
		strcat(longt, "/.");
	strcat(longt, "/f");
	assert_int_equal(ext2_symlink(&fs, d, "slow", longt, &ino), 0);
	assert_int_equal(resolve("/d/slow"), b);
	assert_int_equal(resolve("/d/s"), a);
	assert_int_equal(ext2_unmount(&fs), 0);
	fsck_clean();
	debugfs_has("/new.bin", data, BIG_SIZE);
	debugfs_has("/d/f", "hello\n", 6);
	free(data);
	assert_int_equal(sh("debugfs -R 'stat /d/slow' %s 2>/dev/null | grep -q 'Size: 124'", img), 0);
}

static void truncate_and_unlink_give_blocks_back(void **state)
{
	struct ext2_statfs before, after;
	uint8_t buf[4096];
	uint32_t a;

	(void)state;
	assert_int_equal(mount_copy("base1k", 0), 0);
	ext2_statfs(&fs, &before);
	assert_int_equal(ext2_create(&fs, EXT2_ROOT_INO, "t", 0644, &a), 0);
	memset(buf, 0x5A, sizeof(buf));
	for (uint64_t off = 0; off < 400 * 1024; off += sizeof(buf))
		assert_int_equal(ext2_write(&fs, a, off, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(ext2_write(&fs, a, 70ull << 20, buf, 10), 10); /* triple indirect */
	assert_int_equal(ext2_truncate(&fs, a, 300 * 1024 + 5), 0);
	assert_int_equal(ext2_truncate(&fs, a, 300 * 1024 + 4000), 0);
	assert_int_equal(ext2_read(&fs, a, 300 * 1024, buf, 4000), 4000);
	assert_int_equal(buf[4], 0x5A);
	assert_int_equal(buf[5], 0); /* the cut tail reads as zeros */
	assert_int_equal(ext2_truncate(&fs, a, 13 * 1024), 0);
	assert_int_equal(ext2_unmount(&fs), 0);
	fsck_clean();
	assert_int_equal(remount(0), 0);
	assert_int_equal(ext2_unlink(&fs, EXT2_ROOT_INO, "t"), 0);
	assert_int_equal(ext2_unlink(&fs, EXT2_ROOT_INO, "t"), -ENOENT);
	assert_int_equal(ext2_stat(&fs, a, &(struct ext2_stat){ 0 }), -ESTALE);
	ext2_statfs(&fs, &after);
	assert_int_equal(after.f_bfree, before.f_bfree);
	assert_int_equal(after.f_ffree, before.f_ffree);
	assert_int_equal(ext2_unmount(&fs), 0);
	fsck_clean();
}

/* The filesystem server has no clock (d_now NULL): a removed file's
 * dtime must still not read as a link of the orphan list (a number below
 * s_inodes_count) to e2fsck, which checks that once the image's times
 * look real (mke2fs's). */
static void an_unlink_without_a_clock_leaves_a_clean_image(void **state)
{
	struct ext2_dev dev = { &img_fd, 0, dev_read, dev_write, dev_flush, NULL, NULL };
	struct stat st;
	uint32_t a;

	(void)state;
	assert_int_equal(mount_copy("base1k", 0), 0);
	assert_int_equal(ext2_unmount(&fs), 0);
	fstat(img_fd, &st);
	dev.d_bytes = (uint64_t)st.st_size;
	assert_int_equal(ext2_mount(&fs, &dev, 0), 0);
	assert_int_equal(ext2_create(&fs, EXT2_ROOT_INO, "gone", 0644, &a), 0);
	assert_int_equal(ext2_write(&fs, a, 0, "x", 1), 1);
	assert_int_equal(ext2_unlink(&fs, EXT2_ROOT_INO, "gone"), 0);
	assert_int_equal(ext2_unmount(&fs), 0);
	fsck_clean();
}

/* An entry is written only for a live inode of its type: in the chaos
 * campaign a flipped bit in the server made a create write a garbled
 * inode (links 0, no type) and then the entry naming it, which e2fsck
 * reported. Now that is an error, and nothing names a free inode. */
static void an_entry_names_only_a_live_inode_of_its_type(void **state)
{
	uint32_t a, gone, got;

	(void)state;
	assert_int_equal(mount_copy("base1k", 0), 0);
	assert_int_equal(ext2_create(&fs, EXT2_ROOT_INO, "a", 0644, &a), 0);
	assert_int_equal(ext2_create(&fs, EXT2_ROOT_INO, "gone", 0644, &gone), 0);
	assert_int_equal(ext2_unlink(&fs, EXT2_ROOT_INO, "gone"), 0);
	assert_int_equal(ext2_dir_add(&fs, EXT2_ROOT_INO, "free", gone, 0100644), -EIO);
	assert_int_equal(ext2_lookup(&fs, EXT2_ROOT_INO, "free", &got), -ENOENT);
	assert_int_equal(ext2_dir_add(&fs, EXT2_ROOT_INO, "type", a, 040755), -EIO);
	assert_int_equal(ext2_lookup(&fs, EXT2_ROOT_INO, "type", &got), -ENOENT);
	assert_int_equal(ext2_dir_set(&fs, EXT2_ROOT_INO, "a", gone, 0100644), -EIO);
	assert_int_equal(ext2_lookup(&fs, EXT2_ROOT_INO, "a", &got), 0);
	assert_int_equal(got, a);
	assert_int_equal(ext2_unmount(&fs), 0);
	fsck_clean();
}

static void directories_keep_their_rules(void **state)
{
	uint32_t d, e, f, ino;
	struct ext2_stat st;

	(void)state;
	assert_int_equal(mount_copy("base4k", 0), 0);
	assert_int_equal(ext2_mkdir(&fs, EXT2_ROOT_INO, "d", 0755, &d), 0);
	assert_int_equal(ext2_mkdir(&fs, d, "e", 0755, &e), 0);
	assert_int_equal(ext2_create(&fs, e, "f", 0644, &f), 0);
	assert_int_equal(ext2_stat(&fs, d, &st), 0);
	assert_int_equal(st.st_nlink, 3);
	assert_int_equal(resolve("/d/e/.."), d);
	assert_int_equal(ext2_rmdir(&fs, EXT2_ROOT_INO, "d"), -ENOTEMPTY);
	assert_int_equal(ext2_rmdir(&fs, e, "f"), -ENOTDIR);
	assert_int_equal(ext2_rmdir(&fs, d, "."), -EINVAL);
	assert_int_equal(ext2_unlink(&fs, EXT2_ROOT_INO, "d"), -EISDIR);
	assert_int_equal(ext2_mkdir(&fs, d, "e", 0755, &ino), -EEXIST);
	assert_int_equal(ext2_create(&fs, f, "x", 0644, &ino), -ENOTDIR);
	assert_int_equal(ext2_unlink(&fs, e, "f"), 0);
	assert_int_equal(ext2_rmdir(&fs, d, "e"), 0);
	assert_int_equal(ext2_stat(&fs, d, &st), 0);
	assert_int_equal(st.st_nlink, 2);
	/* Enough entries to take a second block. */
	char name[64];
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "entry-with-a-long-name-%03d", i);
		assert_int_equal(ext2_create(&fs, d, name, 0644, &ino), 0);
	}
	for (int i = 0; i < 200; i += 2) {
		snprintf(name, sizeof(name), "entry-with-a-long-name-%03d", i);
		assert_int_equal(ext2_unlink(&fs, d, name), 0);
	}
	assert_int_equal(ext2_unmount(&fs), 0);
	fsck_clean();
	assert_int_equal(
	        sh("debugfs -R 'ls -p /d' %s 2>/dev/null | grep -c entry-with | grep -q '^100$'", img), 0);
}

static void rename_moves_and_replaces(void **state)
{
	uint32_t a, b, d, e, x, sub, ino;
	struct ext2_stat st;

	(void)state;
	assert_int_equal(mount_copy("base1k", 0), 0);
	assert_int_equal(ext2_create(&fs, EXT2_ROOT_INO, "a", 0644, &a), 0);
	assert_int_equal(ext2_write(&fs, a, 0, "AAA", 3), 3);
	assert_int_equal(ext2_create(&fs, EXT2_ROOT_INO, "b", 0644, &b), 0);
	assert_int_equal(ext2_mkdir(&fs, EXT2_ROOT_INO, "d", 0755, &d), 0);
	assert_int_equal(ext2_mkdir(&fs, EXT2_ROOT_INO, "e", 0755, &e), 0);
	assert_int_equal(ext2_mkdir(&fs, e, "x", 0755, &x), 0);
	sub = resolve("/sub");
	/* Within a directory, then replacing a file. */
	assert_int_equal(ext2_rename(&fs, EXT2_ROOT_INO, "a", EXT2_ROOT_INO, "a2"), 0);
	assert_int_equal(ext2_rename(&fs, EXT2_ROOT_INO, "a2", EXT2_ROOT_INO, "b"), 0);
	assert_int_equal(resolve("/b"), a);
	assert_int_equal(ext2_stat(&fs, b, &st), -ESTALE);
	/* Across directories; a directory with its "..". */
	assert_int_equal(ext2_rename(&fs, EXT2_ROOT_INO, "b", d, "b"), 0);
	assert_int_equal(ext2_rename(&fs, EXT2_ROOT_INO, "d", sub, "d"), 0);
	assert_int_equal(resolve("/sub/d/b"), a);
	assert_int_equal(resolve("/sub/d/.."), sub);
	/* Replacing an empty directory, refusing a full one or a file. */
	assert_int_equal(ext2_rename(&fs, sub, "d", e, "x"), 0);
	assert_int_equal(resolve("/e/x/b"), a);
	assert_int_equal(ext2_stat(&fs, x, &st), -ESTALE);
	assert_int_equal(ext2_mkdir(&fs, EXT2_ROOT_INO, "y", 0755, &ino), 0);
	assert_int_equal(ext2_rename(&fs, EXT2_ROOT_INO, "y", e, "x"), -ENOTEMPTY);
	assert_int_equal(ext2_rename(&fs, EXT2_ROOT_INO, "y", resolve("/e/x"), "b"), -ENOTDIR);
	assert_int_equal(ext2_rename(&fs, resolve("/e/x"), "b", EXT2_ROOT_INO, "y"), -EISDIR);
	/* Not into itself or below it. */
	assert_int_equal(ext2_rename(&fs, EXT2_ROOT_INO, "e", resolve("/e/x"), "e"), -EINVAL);
	assert_int_equal(ext2_rename(&fs, EXT2_ROOT_INO, "e", e, "e"), -EINVAL);
	assert_int_equal(ext2_rename(&fs, EXT2_ROOT_INO, "nothing", e, "z"), -ENOENT);
	assert_int_equal(ext2_rename(&fs, EXT2_ROOT_INO, "e", EXT2_ROOT_INO, "e"), 0);
	assert_int_equal(ext2_stat(&fs, sub, &st), 0);
	assert_int_equal(st.st_nlink, 3);
	assert_int_equal(ext2_stat(&fs, e, &st), 0);
	assert_int_equal(st.st_nlink, 3);
	assert_int_equal(ext2_unmount(&fs), 0);
	fsck_clean();
	debugfs_has("/e/x/b", "AAA", 3);
}

static void full_disk_reports_enospc_and_stays_consistent(void **state)
{
	uint8_t buf[8192];
	uint32_t a, ino;
	int64_t n = 0, total = 0;

	(void)state;
	assert_int_equal(mount_copy("small", 0), 0);
	assert_int_equal(ext2_create(&fs, EXT2_ROOT_INO, "fill", 0644, &a), 0);
	memset(buf, 0x33, sizeof(buf));
	while ((n = ext2_write(&fs, a, total, buf, sizeof(buf))) == sizeof(buf))
		total += n;
	if (n > 0)
		total += n, n = ext2_write(&fs, a, total, buf, sizeof(buf));
	assert_int_equal(n, -ENOSPC);
	/* Inodes run out too. */
	char name[32];
	int i = 0, r;
	do {
		snprintf(name, sizeof(name), "f%d", i++);
		r = ext2_create(&fs, EXT2_ROOT_INO, name, 0644, &ino);
	} while (r == 0);
	assert_int_equal(r, -ENOSPC);
	assert_int_equal(ext2_unmount(&fs), 0);
	fsck_clean();
	assert_int_equal(remount(0), 0);
	struct ext2_stat st;
	assert_int_equal(ext2_stat(&fs, a, &st), 0);
	assert_int_equal(st.st_size, total);
	assert_int_equal(ext2_unlink(&fs, EXT2_ROOT_INO, "fill"), 0);
	assert_int_equal(ext2_unmount(&fs), 0);
	fsck_clean();
}

/* Reads every file and directory below dir (depth-bounded); errors are
 * fine, crashes and hangs are not. */
static void walk(uint32_t dir, int depth)
{
	struct ext2_entry e;
	uint64_t pos = 0;
	static uint8_t buf[8192];
	char target[EXT2_PATH_MAX];
	int n = 0;

	if (depth > 8)
		return;
	while (ext2_readdir(&fs, dir, &pos, &e) == 1 && n++ < 1000) {
		struct ext2_stat st;
		uint32_t ino;

		if (ext2_stat(&fs, e.e_ino, &st) < 0 || strcmp(e.e_name, ".") == 0 ||
		    strcmp(e.e_name, "..") == 0)
			continue;
		ext2_lookup(&fs, dir, e.e_name, &ino);
		if ((st.st_mode & EXT2_S_IFMT) == EXT2_S_IFDIR)
			walk(e.e_ino, depth + 1);
		else if ((st.st_mode & EXT2_S_IFMT) == EXT2_S_IFLNK)
			ext2_readlink(&fs, e.e_ino, target, sizeof(target));
		else
			for (uint64_t off = 0; off < st.st_size && off < (4u << 20); off += sizeof(buf))
				ext2_read(&fs, e.e_ino, off, buf, sizeof(buf));
	}
}

static uint32_t resolve_or_root(const char *path)
{
	uint32_t ino;

	return ext2_resolve(&fs, EXT2_ROOT_INO, path, true, &ino) == 0 ? ino : EXT2_ROOT_INO;
}

/* Reads and writes a mounted corrupt image: any result but a crash. */
static void exercise(void)
{
	uint32_t ino;

	walk(EXT2_ROOT_INO, 0);
	ext2_resolve(&fs, EXT2_ROOT_INO, "/sub/deeper/leaf.txt", true, &ino);
	if (ext2_create(&fs, EXT2_ROOT_INO, "newfile", 0644, &ino) == 0)
		ext2_write(&fs, ino, 3000, "data", 4);
	ext2_mkdir(&fs, resolve_or_root("/sub"), "nd", 0755, &ino);
	ext2_rename(&fs, EXT2_ROOT_INO, "small.txt", EXT2_ROOT_INO, "moved");
	ext2_unlink(&fs, EXT2_ROOT_INO, "big.bin");
	ext2_truncate(&fs, resolve_or_root("/sparse.bin"), 10);
	ext2_rmdir(&fs, EXT2_ROOT_INO, "many");
	ext2_sync(&fs);
}

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Random bytes in the superblock, the descriptors and group 0's bitmaps
 * and inode table (1k image: blocks 1 to ~600), and in the root and /sub
 * directory blocks: mounted read-write and exercised. */
static void random_corruption_gives_errors_not_crashes(void **state)
{
	uint8_t sb[EXT2_SUPER_SIZE];
	int mounted = 0;

	(void)state;
	for (int round = 0; round < 120; round++) {
		if (round % 10 == 0) {
			teardown(NULL);
			assert_int_equal(mount_copy("base1k", EXT2_MOUNT_RDONLY), 0);
			ext2_unmount(&fs);
			pread(img_fd, sb, sizeof(sb), EXT2_SUPER_OFFSET);
		}
		if (round % 2 == 0) {
			uint8_t bad[EXT2_SUPER_SIZE];

			memcpy(bad, sb, sizeof(bad));
			for (int i = 0; i < 1 + round % 7; i++)
				bad[rnd() % 256] = (uint8_t)rnd();
			pwrite(img_fd, bad, sizeof(bad), EXT2_SUPER_OFFSET);
		} else {
			pwrite(img_fd, sb, sizeof(sb), EXT2_SUPER_OFFSET);
			for (int i = 0; i < 40; i++) {
				uint8_t v = (uint8_t)rnd();
				pwrite(img_fd, &v, 1, 2048 + rnd() % (600 * 1024));
			}
		}
		if (remount(0) == 0) {
			mounted++;
			exercise();
			ext2_unmount(&fs);
		}
	}
	assert_true(mounted > 10);
}

/* Where inode ino lies in the image file. */
static off_t inode_offset(uint32_t ino)
{
	uint32_t idx = (ino - 1) % fs.fs_sb.s_inodes_per_group;

	return (off_t)fs.fs_gd[(ino - 1) / fs.fs_sb.s_inodes_per_group].bg_inode_table * fs.fs_bsize +
	       (off_t)idx * fs.fs_isize;
}

static void inode_pointing_past_the_disk_reads_eio(void **state)
{
	struct ext2_inode in;
	uint32_t ino, leaf;
	char buf[64];

	(void)state;
	assert_int_equal(mount_copy("base1k", 0), 0);
	ino = resolve("/small.txt");
	leaf = resolve("/sub/deeper/leaf.txt");
	off_t at = inode_offset(ino), leaf_at = inode_offset(leaf);
	assert_int_equal(ext2_inode_get(&fs, ino, &in), 0);
	in.i_block[0] = 100000000;
	pwrite(img_fd, &in, sizeof(in), at);
	in.i_block[0] = fs.fs_gd[0].bg_inode_table; /* metadata, not data */
	in.i_size = 5000;
	pwrite(img_fd, &in, sizeof(in), leaf_at);
	assert_int_equal(ext2_read(&fs, ino, 0, buf, sizeof(buf)), -EIO);
	assert_int_equal(ext2_write(&fs, ino, 0, "x", 1), -EIO);
	assert_int_equal(ext2_read(&fs, leaf, 0, buf, sizeof(buf)), -EIO);
	assert_int_equal(ext2_write(&fs, leaf, 0, "x", 1), -EIO);
	assert_int_equal(ext2_truncate(&fs, leaf, 0), -EIO);
	/* A type that is none of POSIX's. */
	in.i_mode = 0xF1A4;
	pwrite(img_fd, &in, sizeof(in), leaf_at);
	assert_int_equal(ext2_stat(&fs, leaf, &(struct ext2_stat){ 0 }), -EIO);
	uint32_t dummy;
	assert_int_equal(ext2_resolve(&fs, EXT2_ROOT_INO, "/sub/deeper/leaf.txt", true, &dummy), -EIO);
}

/* The first block of directory path, as a file offset. */
static off_t dir_block_offset(const char *path)
{
	struct ext2_inode in;

	assert_int_equal(ext2_inode_get(&fs, resolve(path), &in), 0);
	return (off_t)in.i_block[0] * fs.fs_bsize;
}

static void bad_rec_len_ends_the_scan_with_eio(void **state)
{
	static const uint16_t bad[] = { 0, 5, 8, 2000, 1024 + 12 };
	struct ext2_entry e;
	uint32_t sub, ino;

	(void)state;
	assert_int_equal(mount_copy("base1k", 0), 0);
	sub = resolve("/sub");
	off_t at = dir_block_offset("/sub");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t pos = 0;
		/* ".." (at 12) gets the bad length. */
		pwrite(img_fd, &bad[i], 2, at + 12 + 4);
		int r;
		while ((r = ext2_readdir(&fs, sub, &pos, &e)) == 1)
			;
		assert_int_equal(r, -EIO);
		assert_int_equal(ext2_lookup(&fs, sub, "deeper", &ino), -EIO);
		assert_int_equal(ext2_create(&fs, sub, "x", 0644, &ino), -EIO);
	}
	/* A name longer than its entry. */
	uint16_t rec = 12;
	uint8_t nl = 200;
	pwrite(img_fd, &rec, 2, at + 4);
	pwrite(img_fd, &nl, 1, at + 6);
	assert_int_equal(ext2_lookup(&fs, sub, "deeper", &ino), -EIO);
}

static void directory_loop_is_an_error_not_a_hang(void **state)
{
	uint32_t sub, deeper, many;

	(void)state;
	assert_int_equal(mount_copy("base1k", 0), 0);
	sub = resolve("/sub");
	deeper = resolve("/sub/deeper");
	many = resolve("/many");
	/* /sub's ".." names /sub/deeper, whose ".." names /sub. */
	pwrite(img_fd, &deeper, 4, dir_block_offset("/sub") + 12);
	assert_int_equal(ext2_rename(&fs, EXT2_ROOT_INO, "many", deeper, "many"), -EIO);
	assert_int_equal(resolve("/many"), many);
	/* A directory whose ".." is itself. */
	pwrite(img_fd, &deeper, 4, dir_block_offset("/sub/deeper") + 12);
	assert_int_equal(ext2_rename(&fs, EXT2_ROOT_INO, "many", deeper, "many"), -EIO);
	(void)sub;
}

/* The write order under a device that completes the writes between two
 * orders in any order (as the server's block cache and the disk do): a
 * recording device keeps every write with its step, and after each
 * change the image is rebuilt as a crash could leave it, every step
 * before one done and any part of that step (every subset of it, or
 * every prefix and every one-missing when it is long), and judged by
 * scripts/e2fsck-verdict.sh: clean or leaks, never damage. */
struct rec_write {
	uint64_t at;
	uint32_t len;
	unsigned step;
	uint8_t *data;
};

static struct rec_write recs[512];
static unsigned nrecs, rec_step;

static int rec_write(void *ctx, uint64_t b, uint32_t size, const void *buf)
{
	assert_true(nrecs < sizeof(recs) / sizeof(recs[0]));
	recs[nrecs] = (struct rec_write){ b * size, size, rec_step, malloc(size) };
	memcpy(recs[nrecs++].data, buf, size);
	return dev_write(ctx, b, size, buf);
}

static int rec_order(void *ctx)
{
	(void)ctx;
	if (nrecs && recs[nrecs - 1].step == rec_step)
		rec_step++;
	return 0;
}

static void rec_reset(void)
{
	for (unsigned i = 0; i < nrecs; i++)
		free(recs[i].data);
	nrecs = rec_step = 0;
}

/* The image as it was before the change, plus the writes of the steps
 * before `step` and those of `step` in mask, judged. Returns 0 if fine. */
static int judge(const uint8_t *before, size_t size, unsigned step, const unsigned *idx, unsigned n,
                 uint64_t mask, const char *what)
{
	char crash[600], cmd[1400], verdict[600] = "";
	FILE *f;
	int fd, st;

	snprintf(crash, sizeof(crash), "%s/crash.img", work);
	fd = open(crash, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, before, size, 0), (ssize_t)size);
	for (unsigned i = 0; i < nrecs && recs[i].step < step; i++)
		assert_int_equal(pwrite(fd, recs[i].data, recs[i].len, (off_t)recs[i].at),
		                 (ssize_t)recs[i].len);
	for (unsigned k = 0; k < n; k++)
		if (mask & (1ull << k))
			pwrite(fd, recs[idx[k]].data, recs[idx[k]].len, (off_t)recs[idx[k]].at);
	close(fd);
	snprintf(cmd, sizeof(cmd), "scripts/e2fsck-verdict.sh %s", crash);
	f = popen(cmd, "r");
	assert_non_null(f);
	if (!fgets(verdict, sizeof(verdict), f))
		strcpy(verdict, "no verdict");
	st = pclose(f);
	if (st != 0) {
		print_error("%s: a crash in step %u (writes %#llx of %u) leaves %s", what, step,
		            (unsigned long long)mask, n, verdict);
		sh("cp %s %s/crash-damage.img", crash, work); /* the last one, to look at */
	}
	return st != 0;
}

/* Every crash the writes since `before` allow, judged: the count of bad
 * ones. */
static int crashes_judged(const uint8_t *before, size_t size, const char *what, unsigned *states)
{
	int bad = 0;

	for (unsigned step = 0; step <= rec_step; step++) {
		unsigned idx[64], n = 0;

		for (unsigned i = 0; i < nrecs; i++)
			if (recs[i].step == step && n < 64)
				idx[n++] = i;
		if (n <= 6) {
			for (uint64_t mask = 0; mask < (1ull << n); mask++, (*states)++)
				bad += judge(before, size, step, idx, n, mask, what);
			continue;
		}
		for (unsigned k = 0; k <= n; k++, (*states)++) /* prefixes */
			bad += judge(before, size, step, idx, n, (k == 64 ? ~0ull : (1ull << k) - 1), what);
		for (unsigned k = 0; k < n; k++, (*states)++) /* all but one */
			bad += judge(before, size, step, idx, n,
			             ((n == 64 ? ~0ull : (1ull << n) - 1)) & ~(1ull << k), what);
	}
	return bad;
}

static void a_crash_between_ordered_steps_leaves_only_leaks(void **state)
{
	struct ext2_dev dev = { &img_fd, 0, dev_read, rec_write, dev_flush, dev_now, rec_order };
	static uint8_t data[13 * 1024], before[4 << 20];
	const char *target = "a/target/long/enough/not/to/fit/in/the/inode/itself/so/it/takes/a/block";
	uint32_t ino, d, d2;
	unsigned states = 0;
	int bad = 0;
	struct stat st;

	(void)state;
	snprintf(img, sizeof(img), "%s/test.img", work);
	assert_int_equal(sh("rm -rf %s/osrc %s && mkdir -p %s/osrc/d && printf 'some bytes' >%s/osrc/f &&"
	                    " mke2fs -q -F -t ext2 -b 1024 -N 64 -d %s/osrc %s 4M",
	                    work, img, work, work, work, img),
	                 0);
	img_fd = open(img, O_RDWR);
	assert_true(img_fd >= 0);
	fstat(img_fd, &st);
	assert_true((size_t)st.st_size <= sizeof(before));
	dev.d_bytes = (uint64_t)st.st_size;
	assert_int_equal(ext2_mount(&fs, &dev, 0), 0);
	memset(data, 0x6B, sizeof(data));
	d = resolve("/d");
#define CHANGE(what, call)                                                                  \
	do {                                                                                \
		rec_reset();                                                                \
		assert_int_equal(pread(img_fd, before, (size_t)st.st_size, 0), st.st_size); \
		assert_true((call) >= 0);                                                   \
		assert_int_equal(ext2_sync(&fs), 0);                                        \
		bad += crashes_judged(before, (size_t)st.st_size, what, &states);           \
	} while (0)
	CHANGE("create", ext2_create(&fs, EXT2_ROOT_INO, "new", 0644, &ino));
	CHANGE("write through an indirect block", ext2_write(&fs, ino, 0, data, sizeof(data)));
	CHANGE("truncate", ext2_truncate(&fs, ino, 1000));
	CHANGE("unlink", ext2_unlink(&fs, EXT2_ROOT_INO, "new"));
	CHANGE("mkdir", ext2_mkdir(&fs, EXT2_ROOT_INO, "dir", 0755, &d2));
	CHANGE("rename across directories", ext2_rename(&fs, EXT2_ROOT_INO, "f", d2, "g"));
	CHANGE("create", ext2_create(&fs, EXT2_ROOT_INO, "x", 0644, &ino));
	CHANGE("rename over a file", ext2_rename(&fs, d2, "g", EXT2_ROOT_INO, "x"));
	CHANGE("symlink with a block", ext2_symlink(&fs, EXT2_ROOT_INO, "sl", target, &ino));
	CHANGE("rename a directory", ext2_rename(&fs, EXT2_ROOT_INO, "dir", d, "dir"));
	CHANGE("rmdir", ext2_rmdir(&fs, d, "dir"));
	CHANGE("unlink a symlink", ext2_unlink(&fs, EXT2_ROOT_INO, "sl"));
#undef CHANGE
	rec_reset();
	print_message("%u crash states judged, %d with damage\n", states, bad);
	assert_int_equal(bad, 0);
	assert_true(states > 50);
}

/* The tree mke2fs -d copies, and the images made from it. */
static void make_images(void)
{
	char path[600];
	FILE *f;

	if (sh("rm -rf %s/src && mkdir -p %s/src/sub/deeper %s/src/many", work, work, work) != 0)
		exit(1);
	snprintf(path, sizeof(path), "%s/src/big.bin", work);
	f = fopen(path, "wb");
	for (uint64_t i = 0; i < BIG_SIZE; i++)
		fputc(big_byte(i), f);
	fclose(f);
	chmod(path, 0640);
	for (int i = 0; i < MANY_FILES; i++) {
		snprintf(path, sizeof(path), "%s/src/many/file%d", work, i);
		fclose(fopen(path, "w"));
	}
	int r = sh("cd %s/src && printf 'hello, ext2\n' >small.txt && printf 'leaf\n' >sub/deeper/leaf.txt &&"
	           " ln -s sub/deeper/leaf.txt link && ln -s ../small.txt sub/up && ln -s sub dirlink &&"
	           " ln -s sub/./././././././././././././././././././././././deeper/leaf.txt longlink &&"
	           " ln -s loop2 loop1 && ln -s loop1 loop2 && truncate -s 20M sparse.bin &&"
	           " printf middle | dd of=sparse.bin bs=1 seek=5242880 conv=notrunc status=none &&"
	           " printf tail | dd of=sparse.bin bs=1 seek=20971000 conv=notrunc status=none &&"
	           " truncate -s %llu huge.bin &&"
	           " printf 'end\n' | dd of=huge.bin bs=1 seek=%llu conv=notrunc status=none",
	           work, (unsigned long long)HUGE_SIZE, (unsigned long long)HUGE_SIZE - 4);
	r |= sh("mke2fs -q -F -t ext2 -b 1024 -d %s/src %s/base1k.img 64M", work, work);
	r |= sh("mke2fs -q -F -t ext2 -b 4096 -d %s/src %s/base4k.img 64M", work, work);
	r |= sh("mke2fs -q -F -t ext2 -b 1024 -N 64 %s/small.img 2M", work);
	if (r != 0) {
		fprintf(stderr, "test_ext2: could not build the images (mke2fs -d)\n");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(mount_checks_the_superblock_and_features, teardown),
		cmocka_unit_test_teardown(reads_files_as_the_tree_made_them, teardown),
		cmocka_unit_test_teardown(reads_past_4gib_through_triple_indirect_blocks, teardown),
		cmocka_unit_test_teardown(lookup_follows_symlinks_and_reports_errors, teardown),
		cmocka_unit_test_teardown(stat_reports_the_inode, teardown),
		cmocka_unit_test_teardown(readdir_lists_linear_and_indexed_directories, teardown),
		cmocka_unit_test_teardown(refuses_features_it_does_not_know, teardown),
		cmocka_unit_test_teardown(writes_files_that_e2fsck_and_debugfs_accept, teardown),
		cmocka_unit_test_teardown(truncate_and_unlink_give_blocks_back, teardown),
		cmocka_unit_test_teardown(an_unlink_without_a_clock_leaves_a_clean_image, teardown),
		cmocka_unit_test_teardown(an_entry_names_only_a_live_inode_of_its_type, teardown),
		cmocka_unit_test_teardown(directories_keep_their_rules, teardown),
		cmocka_unit_test_teardown(rename_moves_and_replaces, teardown),
		cmocka_unit_test_teardown(full_disk_reports_enospc_and_stays_consistent, teardown),
		cmocka_unit_test_teardown(random_corruption_gives_errors_not_crashes, teardown),
		cmocka_unit_test_teardown(inode_pointing_past_the_disk_reads_eio, teardown),
		cmocka_unit_test_teardown(bad_rec_len_ends_the_scan_with_eio, teardown),
		cmocka_unit_test_teardown(directory_loop_is_an_error_not_a_hang, teardown),
		cmocka_unit_test_teardown(a_crash_between_ordered_steps_leaves_only_leaks, teardown),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: test_ext2 SCRATCH-FOLDER\n");
		return 2;
	}
	work = argv[1];
	/* e2fsprogs lives in /sbin, not on every user's PATH. */
	char path[4096];
	snprintf(path, sizeof(path), "/usr/sbin:/sbin:%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	make_images();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

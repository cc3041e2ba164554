/* libFuzzer target for the ext2 library (servers/fs/ext2*.c): the input is
 * a disk image (zero-padded to FUZZ_DEV_BYTES), mounted over an in-memory
 * device. A read-only mount walks the tree (readdir, lookup, stat, read,
 * readlink, resolve); a writable mount of a fresh copy then creates,
 * writes, renames and removes. Any result is fine but a crash, a sanitizer
 * report or a hang (libFuzzer's -timeout). Built with ASan and UBSan by
 * tests/fuzz/build.mk; seeds made by tests/fuzz/seeds.sh with mke2fs -d. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../servers/fs/ext2_impl.h"

#define FUZZ_DEV_BYTES (512 * 1024)
#define WALK_DEPTH     6
#define WALK_ENTRIES   200 /* readdir calls in one walk, all directories */
#define READ_LIMIT     (1u << 20)

struct memdev {
	uint8_t *md_bytes;
	uint64_t md_size;
};

static int mem_read(void *ctx, uint64_t b, uint32_t size, void *buf)
{
	struct memdev *d = ctx;

	if (b >= d->md_size / size || (b + 1) * size > d->md_size)
		return -EIO;
	memcpy(buf, d->md_bytes + b * size, size);
	return 0;
}

static int mem_write(void *ctx, uint64_t b, uint32_t size, const void *buf)
{
	struct memdev *d = ctx;

	if (b >= d->md_size / size || (b + 1) * size > d->md_size)
		return -EIO;
	memcpy(d->md_bytes + b * size, buf, size);
	return 0;
}

static int mem_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

static uint32_t mem_now(void *ctx)
{
	(void)ctx;
	return 1700000000u;
}

static struct ext2_fs fs;
static unsigned walk_budget;

/* Every entry below dir, depth- and count-bounded. */
static void walk(uint32_t dir, int depth)
{
	static uint8_t buf[4096 + 7];
	char target[EXT2_PATH_MAX];
	struct ext2_entry e;
	uint64_t pos = 0;

	if (depth > WALK_DEPTH)
		return;
	while (walk_budget > 0 && ext2_readdir(&fs, dir, &pos, &e) == 1) {
		struct ext2_stat st;
		uint32_t ino;

		walk_budget--;
		ext2_lookup(&fs, dir, e.e_name, &ino);
		if (ext2_stat(&fs, e.e_ino, &st) < 0 || strcmp(e.e_name, ".") == 0 ||
		    strcmp(e.e_name, "..") == 0)
			continue;
		ext2_resolve(&fs, dir, e.e_name, true, &ino);
		switch (st.st_mode & EXT2_S_IFMT) {
		case EXT2_S_IFDIR:
			walk(e.e_ino, depth + 1);
			break;
		case EXT2_S_IFLNK:
			ext2_readlink(&fs, e.e_ino, target, sizeof(target));
			ext2_readlink(&fs, e.e_ino, target, 8);
			break;
		default:
			/* Odd sizes and offsets cross block boundaries. */
			for (uint64_t off = 0; off < st.st_size && off < READ_LIMIT; off += sizeof(buf))
				if (ext2_read(&fs, e.e_ino, off, buf, sizeof(buf)) <= 0)
					break;
			ext2_read(&fs, e.e_ino, st.st_size - 1, buf, 2);
			ext2_read(&fs, e.e_ino, (uint64_t)1 << 33, buf, 16);
		}
	}
}

static void read_everything(void)
{
	static const char *paths[] = { "/small.txt", "/sub/deeper/leaf.txt",    "/link",        "/sub/up",
		                       "/slow",      "/sub/../sub/./deeper/..", "/nothing/here" };
	struct ext2_statfs sf;
	uint64_t pos = 1234;
	struct ext2_entry e;
	uint32_t ino;

	walk_budget = WALK_ENTRIES;
	walk(EXT2_ROOT_INO, 0);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		ext2_resolve(&fs, EXT2_ROOT_INO, paths[i], true, &ino);
		ext2_resolve(&fs, EXT2_ROOT_INO, paths[i], false, &ino);
	}
	ext2_readdir(&fs, EXT2_ROOT_INO, &pos, &e);
	ext2_statfs(&fs, &sf);
}

static uint32_t resolve_or_root(const char *path)
{
	uint32_t ino;

	return ext2_resolve(&fs, EXT2_ROOT_INO, path, true, &ino) == 0 ? ino : EXT2_ROOT_INO;
}

static void write_things(void)
{
	static uint8_t data[9000];
	uint32_t ino, sub = resolve_or_root("/sub");

	memset(data, 'w', sizeof(data));
	if (ext2_create(&fs, EXT2_ROOT_INO, "newfile", 0644, &ino) == 0) {
		ext2_write(&fs, ino, 0, data, sizeof(data));
		ext2_write(&fs, ino, 70000, "far", 3);
		ext2_truncate(&fs, ino, 5000);
	}
	ext2_write(&fs, resolve_or_root("/small.txt"), 3, data, 2000);
	ext2_mkdir(&fs, sub, "nd", 0755, &ino);
	ext2_symlink(&fs, sub, "sl", "../small.txt", &ino);
	ext2_rename(&fs, EXT2_ROOT_INO, "small.txt", sub, "moved");
	ext2_rename(&fs, sub, "f1", EXT2_ROOT_INO, "f1");
	ext2_rename(&fs, EXT2_ROOT_INO, "sub", EXT2_ROOT_INO, "sub2");
	ext2_unlink(&fs, EXT2_ROOT_INO, "mid.bin");
	ext2_truncate(&fs, resolve_or_root("/sparse.bin"), 10);
	ext2_rmdir(&fs, resolve_or_root("/sub2"), "deeper");
	ext2_rmdir(&fs, resolve_or_root("/sub2"), "nd");
	ext2_sync(&fs);
	walk_budget = WALK_ENTRIES / 2;
	walk(EXT2_ROOT_INO, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t image[FUZZ_DEV_BYTES];
	struct memdev md = { image, FUZZ_DEV_BYTES };
	struct ext2_dev dev = { &md, FUZZ_DEV_BYTES, mem_read, mem_write, mem_flush, mem_now, NULL };

	if (size > FUZZ_DEV_BYTES)
		size = FUZZ_DEV_BYTES;
	memcpy(image, data, size);
	memset(image + size, 0, FUZZ_DEV_BYTES - size);
	if (ext2_mount(&fs, &dev, EXT2_MOUNT_RDONLY) == 0) {
		read_everything();
		ext2_unmount(&fs);
	}
	/* The read-only mount wrote nothing, but start again from the input
	 * so that the writes see exactly what the fuzzer chose. */
	memcpy(image, data, size);
	memset(image + size, 0, FUZZ_DEV_BYTES - size);
	if (ext2_mount(&fs, &dev, 0) == 0) {
		read_everything();
		write_things();
		ext2_unmount(&fs);
	}
	return 0;
}

/* ext2 revision 1 over an abstract block device: mounting, reading and
 * writing files, directories and symlinks. No hardware and no IPC here:
 * the filesystem server gives it a device over the block protocol, the
 * host tests (tests/host/test_ext2.c) an image file.
 *
 * Nothing read from the device is trusted. Every call returns 0 (or a
 * count) on success and a negative POSIX errno on failure: -EIO when the
 * image contradicts itself, never a crash, a hang or a write outside the
 * filesystem's blocks.
 *
 * Files are named by inode numbers, so a caller can keep (inode number,
 * generation) handles across its own restarts (ext2_stat gives both).
 *
 * Write ordering (what a crash at any point leaves, e2fsck -fy repairs it):
 *   - a block or inode is marked in its bitmap before anything points at
 *     it, and a new block's contents are written before the pointer to it;
 *   - an inode is written before the directory entry that names it, and a
 *     link count is raised before a second entry is added;
 *   - a directory entry is removed before the link count drops, and a
 *     pointer is cleared on the disk before the block it named is freed.
 * So a crash leaves at worst leaked blocks or inodes, link counts too
 * high, or free counts off, never a pointer to a free block or inode.
 * The group descriptors a change touched are written by ext2_sync, which
 * the server calls before answering a request; the device's own cache is
 * flushed there too.
 *
 * A device may gather writes and complete them in any order (the server's
 * block cache does, to send a change's writes together): this code calls
 * its order callback wherever one write must be on the disk before the
 * next, the "before" of the rules above, and nowhere else. So a create is
 * two steps (the inode bitmap and the inode; then the entry, the
 * directory's inode, the counts and the flush), an unlink two (the entry
 * and the directory's inode; then the inode, the bitmaps, the counts).
 *
 * One caller at a time: the functions share the mount's scratch blocks. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ext2_format.h"

/* The device. read and write move `size` bytes (a power of two up to
 * 4096: a block, or the part of one an inode or a bitmap byte is) at byte
 * offset block_no * size and return 0, or a negative
 * errno. order returns when every write before it is on the disk (it may
 * be NULL: each write is there when write returns); flush, when every
 * write before it is stable. now gives the time for timestamps (seconds
 * since 1970); it may be NULL (time 0). */
struct ext2_dev {
	void *d_ctx;
	uint64_t d_bytes; /* the device's size: the filesystem must fit */
	int (*d_read)(void *ctx, uint64_t block_no, uint32_t size, void *buf);
	int (*d_write)(void *ctx, uint64_t block_no, uint32_t size, const void *buf);
	int (*d_flush)(void *ctx);
	uint32_t (*d_now)(void *ctx);
	int (*d_order)(void *ctx);
};

/* A mounted filesystem. Invariants: fs_sb and fs_gd are the validated
 * superblock and group descriptors, newer than the disk's where
 * fs_sb_dirty and fs_gd_dirty say (the superblock's free counts are
 * summaries of the descriptors', recomputed at mount, written at unmount
 * and when something else in the superblock changes: as on Linux, and
 * e2fsck counts them wrong as no error); fs_scratch holds EXT2_SCRATCH blocks of fs_bsize bytes
 * used only within one call. */
struct ext2_fs {
	struct ext2_dev fs_dev;
	struct ext2_super fs_sb;
	struct ext2_group_desc *fs_gd;
	uint32_t fs_groups;
	uint32_t fs_bsize;
	uint32_t fs_ptrs;       /* block pointers per block */
	uint32_t fs_isize;      /* bytes per on-disk inode */
	uint32_t fs_itb;        /* inode table blocks per group */
	uint32_t fs_gd_blocks;  /* blocks of the group descriptor table */
	uint64_t fs_max_size;   /* the largest file the block map reaches */
	bool fs_readonly;       /* mounted read-only, by request or by feature */
	bool fs_sb_dirty;       /* fs_sb differs from the disk in more than its free counts */
	uint8_t *fs_gd_dirty;   /* a bit per group whose descriptor differs from the disk */
	bool fs_unordered;      /* a write other than a bitmap's since the last order */
	uint32_t fs_dir_memo;   /* the directory block the scratch holds as on the disk (0: none) */
	const char *fs_message; /* why the mount failed or went read-only */
	uint8_t *fs_scratch;
	char *fs_path; /* EXT2_PATH_MAX * 2 bytes for symlink expansion */
};

#define EXT2_MOUNT_RDONLY 1
#define EXT2_PATH_MAX     4096 /* a path or a symlink's target, its NUL included */
#define EXT2_SYMLINK_MAX  8    /* symlinks one lookup follows before ELOOP */

/* What stat reports of an inode. */
struct ext2_stat {
	uint32_t st_ino;
	uint32_t st_generation;
	uint16_t st_mode; /* type and permission bits, as POSIX's */
	uint16_t st_nlink;
	uint32_t st_uid, st_gid;
	uint64_t st_size;
	uint64_t st_blocks; /* 512-byte units */
	uint32_t st_access_time, st_modify_time, st_change_time;
};

struct ext2_statfs {
	uint32_t f_bsize;
	uint32_t f_blocks, f_bfree, f_bavail;
	uint32_t f_files, f_ffree;
	uint32_t f_namemax;
};

/* One directory entry as readdir returns it. */
struct ext2_entry {
	uint32_t e_ino;
	uint8_t e_type; /* EXT2_FT_*, EXT2_FT_UNKNOWN without the filetype feature */
	uint8_t e_name_len;
	char e_name[EXT2_NAME_LEN + 1]; /* NUL-terminated */
};

/* Mounts the filesystem on dev: validates the superblock and the group
 * descriptors and checks the features (fs->fs_message says what was
 * refused). flags: EXT2_MOUNT_RDONLY. A writable mount marks the
 * filesystem not clean until ext2_unmount. Returns 0, -EINVAL (not ext2,
 * inconsistent or unsupported), -EROFS (writable mount asked of a
 * filesystem whose features allow only reading), -EIO or -ENOMEM. */
int ext2_mount(struct ext2_fs *fs, const struct ext2_dev *dev, unsigned flags);

/* Writes what is dirty, marks a writable filesystem clean, frees fs's
 * memory. Returns what ext2_sync returned; fs is unmounted either way. */
int ext2_unmount(struct ext2_fs *fs);

/* Writes the group descriptors and the superblock if they changed, then
 * flushes the device. After it returns 0, everything done before is on
 * stable storage. */
int ext2_sync(struct ext2_fs *fs);

int ext2_stat(struct ext2_fs *fs, uint32_t ino, struct ext2_stat *st);
int ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *sf);

/* Finds name (one component, NUL-terminated) in directory dir. */
int ext2_lookup(struct ext2_fs *fs, uint32_t dir, const char *name, uint32_t *ino);

/* Resolves path from directory cwd (absolute paths start at the root),
 * following symlinks, the last component's too when follow_last; at most
 * EXT2_SYMLINK_MAX of them (-ELOOP beyond). */
int ext2_resolve(struct ext2_fs *fs, uint32_t cwd, const char *path, bool follow_last, uint32_t *ino);

/* The entry at or after byte *pos of directory dir into *e, *pos moved
 * past it. Returns 1 with an entry, 0 at the end. Any *pos is safe: it
 * is rounded to the next entry. */
int ext2_readdir(struct ext2_fs *fs, uint32_t dir, uint64_t *pos, struct ext2_entry *e);

/* A symlink's target into buf (len bytes, NUL-terminated; -ENAMETOOLONG if
 * it does not fit). Returns the target's length. */
int ext2_readlink(struct ext2_fs *fs, uint32_t ino, char *buf, size_t len);

/* File data: reads up to len bytes at off (fewer at the end of the file,
 * holes read as zeros) and writes len bytes at off (growing the file).
 * Return the byte count. */
int64_t ext2_read(struct ext2_fs *fs, uint32_t ino, uint64_t off, void *buf, size_t len);
int64_t ext2_write(struct ext2_fs *fs, uint32_t ino, uint64_t off, const void *buf, size_t len);

/* Sets a regular file's size: blocks beyond it are freed, growth is a hole. */
int ext2_truncate(struct ext2_fs *fs, uint32_t ino, uint64_t size);

/* Name operations in directory dir (name: one component). mode's
 * permission bits are used, its type is implied by the call. */
int ext2_create(struct ext2_fs *fs, uint32_t dir, const char *name, uint16_t mode, uint32_t *ino);
int ext2_mkdir(struct ext2_fs *fs, uint32_t dir, const char *name, uint16_t mode, uint32_t *ino);
int ext2_symlink(struct ext2_fs *fs, uint32_t dir, const char *name, const char *target, uint32_t *ino);
int ext2_unlink(struct ext2_fs *fs, uint32_t dir, const char *name);
int ext2_rmdir(struct ext2_fs *fs, uint32_t dir, const char *name);

/* Moves odir/oname to ndir/nname, replacing what nname names if POSIX
 * allows it (a file by a file, an empty directory by a directory). */
int ext2_rename(struct ext2_fs *fs, uint32_t odir, const char *oname, uint32_t ndir, const char *nname);

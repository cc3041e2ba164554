/* What the ext2 files share among themselves (servers/fs/ext2*.c): block
 * and inode I/O, allocation, the block map and directory blocks. Not for
 * the server: it uses ext2.h. */
#pragma once

#include <errno.h>
#include <string.h>

#include "ext2.h"

/* The mount's scratch blocks, one per role, so a caller and its callees
 * never share one: the block map's walk (MAP) runs inside a directory
 * scan (DIR), an allocation inside a write (DATA, NEW). Truncate
 * has one block per indirection level for each of its three uses. */
enum ext2_scratch {
	SCR_ITAB,                /* an inode table block: ext2_inode_get/put */
	SCR_MAP,                 /* the block map's descent */
	SCR_NEW,                 /* a new indirect or directory block being filled */
	SCR_DIR,                 /* the directory block being scanned or changed */
	SCR_DATA,                /* a file block being read or written in part */
	SCR_TRUNC,               /* 3 blocks: an indirect block truncate shortens, by level */
	SCR_OLD = SCR_TRUNC + 3, /* 3 blocks: its contents before */
	SCR_FREE = SCR_OLD + 3,  /* 3 blocks: a subtree being freed, by level */
	EXT2_SCRATCH = SCR_FREE + 3,
};

static inline void *ext2_scratch(struct ext2_fs *fs, unsigned which)
{
	return fs->fs_scratch + (size_t)which * fs->fs_bsize;
}

static inline bool ext2_is_dir(const struct ext2_inode *in)
{
	return (in->i_mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
}

static inline bool ext2_is_reg(const struct ext2_inode *in)
{
	return (in->i_mode & EXT2_S_IFMT) == EXT2_S_IFREG;
}

static inline bool ext2_is_lnk(const struct ext2_inode *in)
{
	return (in->i_mode & EXT2_S_IFMT) == EXT2_S_IFLNK;
}

static inline bool ext2_has_filetype(const struct ext2_fs *fs)
{
	return (fs->fs_sb.s_feature_incompat & EXT2_INCOMPAT_FILETYPE) != 0;
}

static inline uint32_t ext2_now(struct ext2_fs *fs)
{
	return fs->fs_dev.d_now ? fs->fs_dev.d_now(fs->fs_dev.d_ctx) : 0;
}

/* A file's size: 64 bits for regular files, i_size_high means something
 * else (or nothing) for the others. */
static inline uint64_t ext2_size(const struct ext2_inode *in)
{
	return ext2_is_reg(in) ? ((uint64_t)in->i_size_high << 32) | in->i_size : in->i_size;
}

void ext2_set_size(struct ext2_fs *fs, struct ext2_inode *in, uint64_t size);

/* Group g's descriptor changed: ext2_sync writes it. */
static inline void ext2_gd_changed(struct ext2_fs *fs, uint32_t g)
{
	fs->fs_gd_dirty[g / 8] |= (uint8_t)(1u << (g % 8));
}

/* ext2.c: whole filesystem blocks, by number, checked to lie inside it,
 * or len bytes at off in one (len a power of two that divides off: an
 * inode, a bitmap's byte). bwrite_bitmap writes a bitmap's bytes (see
 * ext2_order_free). */
int ext2_bread(struct ext2_fs *fs, uint32_t b, void *buf);
int ext2_bwrite(struct ext2_fs *fs, uint32_t b, const void *buf);
int ext2_bread_part(struct ext2_fs *fs, uint32_t b, uint32_t off, uint32_t len, void *buf);
int ext2_bwrite_part(struct ext2_fs *fs, uint32_t b, uint32_t off, uint32_t len, const void *buf);
int ext2_bwrite_bitmap(struct ext2_fs *fs, uint32_t b, uint32_t off, uint32_t len, const void *buf);

/* The write order (ext2.h): every write so far on the disk before any
 * later one. ext2_order_free does it only if a write other than a
 * bitmap's is not yet ordered: what a free needs (the pointer to what it
 * frees cleared first), without a step for every block a truncation
 * frees one after another. */
int ext2_order(struct ext2_fs *fs);
int ext2_order_free(struct ext2_fs *fs);

/* Whether b may hold file data or an indirect block: inside the
 * filesystem and not a superblock, descriptor, bitmap or inode table. */
bool ext2_block_is_data(const struct ext2_fs *fs, uint32_t b);

/* Inodes (ext2.c). get checks ino's range and that the inode is in use
 * and of a kind this code reads (-ESTALE for a free inode, -EIO for
 * nonsense); put writes the first 128 bytes back; init writes a whole new
 * inode slot, giving it the next generation (in *in too). */
int ext2_inode_get(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in);
int ext2_inode_put(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in);
int ext2_inode_init(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in);
int ext2_writable(struct ext2_fs *fs);

/* Allocation (ext2_alloc.c): bitmaps and the free counts. A new block or
 * inode is marked in use on the disk when these return. */
int ext2_block_alloc(struct ext2_fs *fs, uint32_t goal_group, uint32_t *b);
int ext2_block_free(struct ext2_fs *fs, uint32_t b);
int ext2_inode_alloc(struct ext2_fs *fs, uint32_t goal_group, bool dir, uint32_t *ino);
int ext2_inode_free(struct ext2_fs *fs, uint32_t ino, bool dir);

/* The block map (ext2_map.c). bmap: the block behind logical block lblk
 * (0 for a hole). link: points lblk at the (already written) block b,
 * allocating indirect blocks, the inode changed in memory only (i_block,
 * i_blocks): the caller writes it. truncate_blocks: frees every block at
 * or after logical block keep, writing the inode (with its new i_size
 * already set by the caller) before freeing anything. */
int ext2_bmap(struct ext2_fs *fs, const struct ext2_inode *in, uint64_t lblk, uint32_t *b);
int ext2_link_block(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t lblk, uint32_t b);
int ext2_truncate_blocks(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t keep);
int ext2_add_blocks(struct ext2_fs *fs, struct ext2_inode *in, int32_t n);
uint32_t ext2_group_of_ino(const struct ext2_fs *fs, uint32_t ino);

/* Frees an inode whose link count reached 0: its blocks, then the inode. */
int ext2_inode_release(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in);

/* Directories (ext2_dir.c). */
int ext2_dir_get(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *in);
int ext2_dir_find(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t *ino,
                  uint64_t *where);
int ext2_dir_add(struct ext2_fs *fs, uint32_t dir, const char *name, uint32_t ino, uint16_t mode);
int ext2_dir_remove(struct ext2_fs *fs, uint32_t dir, const char *name);
int ext2_dir_set(struct ext2_fs *fs, uint32_t dir, const char *name, uint32_t ino, uint16_t mode);
int ext2_dir_empty(struct ext2_fs *fs, uint32_t dir);
int ext2_check_name(const char *name, size_t *len);
uint8_t ext2_mode_to_ft(uint16_t mode);

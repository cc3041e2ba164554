/* ext2 allocation: blocks and inodes from the groups' bitmaps, with the
 * group descriptors' and the superblock's free counts kept in step (they
 * reach the disk at ext2_sync; the bitmaps are written with the change,
 * so a crash leaves at worst counts e2fsck corrects). A block is freed
 * only once what pointed at it is cleared on the disk (ext2_order_free). */
#include "ext2_impl.h"

static bool bit_get(const uint8_t *map, uint32_t i)
{
	return (map[i / 8] >> (i % 8)) & 1;
}

static void bit_flip(uint8_t *map, uint32_t i)
{
	map[i / 8] ^= (uint8_t)(1u << (i % 8));
}

/* The first clear bit below n at or after from, or n. */
static uint32_t bit_find_clear(const uint8_t *map, uint32_t from, uint32_t n)
{
	for (uint32_t i = from; i < n; i++) {
		if (i % 8 == 0 && map[i / 8] == 0xFF && i + 8 <= n) {
			i += 7;
			continue;
		}
		if (!bit_get(map, i))
			return i;
	}
	return n;
}

static uint32_t blocks_in_group(const struct ext2_fs *fs, uint32_t g)
{
	const struct ext2_super *sb = &fs->fs_sb;
	uint32_t first = sb->s_first_data_block + g * sb->s_blocks_per_group;
	uint32_t n = sb->s_blocks_count - first;

	return n < sb->s_blocks_per_group ? n : sb->s_blocks_per_group;
}

/* Counts move by one and never wrap: a count a corrupt image got wrong
 * stays wrong for e2fsck to fix, it does not become huge. */
static void count_dec(uint16_t *c16, uint32_t *c32)
{
	if (c16 && *c16)
		(*c16)--;
	if (c32 && *c32)
		(*c32)--;
}

static void count_inc(uint16_t *c16, uint32_t *c32, uint32_t max)
{
	if (c16 && *c16 < max)
		(*c16)++;
	if (c32)
		(*c32)++;
}

/* Bytes of a bitmap read at a time: most searches end in the first. */
#define MAP_CHUNK 64

/* Takes the first clear bit at or after from and below n of bitmap block
 * bm, skipping bits whose block is not data when data_of_group is a
 * group's number (a bitmap that calls metadata free is corrupt: never
 * hand out the inode table): sets it on the disk and returns it, or n if
 * every bit is set, or -EIO. */
static int64_t bitmap_take(struct ext2_fs *fs, uint32_t bm, uint32_t from, uint32_t n, int64_t data_of_group)
{
	uint8_t chunk[MAP_CHUNK];

	for (uint32_t at = from / 8 / MAP_CHUNK * MAP_CHUNK; (uint64_t)at * 8 < n; at += MAP_CHUNK) {
		uint32_t base = at * 8, hi = n - base < MAP_CHUNK * 8 ? n - base : MAP_CHUNK * 8;
		uint32_t i = from > base ? from - base : 0;

		if (ext2_bread_part(fs, bm, at, MAP_CHUNK, chunk) < 0)
			return -EIO;
		while ((i = bit_find_clear(chunk, i, hi)) < hi && data_of_group >= 0 &&
		       !ext2_block_is_data(
		               fs, fs->fs_sb.s_first_data_block +
		                           (uint32_t)data_of_group * fs->fs_sb.s_blocks_per_group + base + i))
			i++;
		if (i == hi)
			continue;
		bit_flip(chunk, i);
		if (ext2_bwrite_bitmap(fs, bm, at + i / 8, 1, &chunk[i / 8]) < 0)
			return -EIO;
		return base + i;
	}
	return n;
}

int ext2_block_alloc(struct ext2_fs *fs, uint32_t goal_group, uint32_t *b)
{
	if (fs->fs_readonly)
		return -EROFS;
	for (uint32_t k = 0; k < fs->fs_groups; k++) {
		uint32_t g = (goal_group + k) % fs->fs_groups;
		struct ext2_group_desc *gd = &fs->fs_gd[g];
		uint32_t n = blocks_in_group(fs, g);
		int64_t i;

		if (gd->bg_free_blocks_count == 0)
			continue;
		if ((i = bitmap_take(fs, gd->bg_block_bitmap, 0, n, g)) < 0)
			return -EIO;
		if (i == n)
			continue;
		count_dec(&gd->bg_free_blocks_count, &fs->fs_sb.s_free_blocks_count);
		ext2_gd_changed(fs, g);
		*b = fs->fs_sb.s_first_data_block + g * fs->fs_sb.s_blocks_per_group + (uint32_t)i;
		return 0;
	}
	return -ENOSPC;
}

int ext2_block_free(struct ext2_fs *fs, uint32_t b)
{

	if (!ext2_block_is_data(fs, b) || ext2_order_free(fs) < 0)
		return -EIO;
	uint32_t rel = b - fs->fs_sb.s_first_data_block;
	struct ext2_group_desc *gd = &fs->fs_gd[rel / fs->fs_sb.s_blocks_per_group];
	uint32_t i = rel % fs->fs_sb.s_blocks_per_group;
	uint8_t byte;

	if (ext2_bread_part(fs, gd->bg_block_bitmap, i / 8, 1, &byte) < 0)
		return -EIO;
	if (!bit_get(&byte, i % 8))
		return -EIO; /* freed twice: two owners, the image is corrupt */
	bit_flip(&byte, i % 8);
	if (ext2_bwrite_bitmap(fs, gd->bg_block_bitmap, i / 8, 1, &byte) < 0)
		return -EIO;
	count_inc(&gd->bg_free_blocks_count, &fs->fs_sb.s_free_blocks_count, fs->fs_sb.s_blocks_per_group);
	ext2_gd_changed(fs, rel / fs->fs_sb.s_blocks_per_group);
	return 0;
}

/* Directories spread over the groups (the fullest first would crowd
 * them), files stay with their directory: both start the search at the
 * goal group, a directory skips groups with fewer free inodes than
 * average when there is a choice. */
static bool group_suits(const struct ext2_fs *fs, uint32_t g, bool dir, bool picky)
{
	const struct ext2_group_desc *gd = &fs->fs_gd[g];

	if (gd->bg_free_inodes_count == 0)
		return false;
	if (!dir || !picky)
		return true;
	return gd->bg_free_inodes_count >= fs->fs_sb.s_free_inodes_count / fs->fs_groups &&
	       gd->bg_free_blocks_count > 0;
}

static int inode_take(struct ext2_fs *fs, uint32_t g, bool dir, uint32_t *ino)
{
	struct ext2_group_desc *gd = &fs->fs_gd[g];
	uint32_t ipg = fs->fs_sb.s_inodes_per_group;
	/* The format's own inodes are never handed out, whatever the bitmap says. */
	int64_t i = bitmap_take(fs, gd->bg_inode_bitmap, g == 0 ? fs->fs_sb.s_first_ino - 1 : 0, ipg, -1);

	if (i < 0)
		return -EIO;
	if (i == ipg)
		return -ENOSPC;
	count_dec(&gd->bg_free_inodes_count, &fs->fs_sb.s_free_inodes_count);
	if (dir)
		count_inc(&gd->bg_used_dirs_count, NULL, ipg);
	ext2_gd_changed(fs, g);
	*ino = g * ipg + (uint32_t)i + 1;
	return 0;
}

int ext2_inode_alloc(struct ext2_fs *fs, uint32_t goal_group, bool dir, uint32_t *ino)
{
	if (fs->fs_readonly)
		return -EROFS;
	for (int picky = 1; picky >= 0; picky--) {
		for (uint32_t k = 0; k < fs->fs_groups; k++) {
			uint32_t g = (goal_group + k) % fs->fs_groups;

			if (!group_suits(fs, g, dir, picky))
				continue;
			int err = inode_take(fs, g, dir, ino);

			if (err != -ENOSPC)
				return err;
		}
	}
	return -ENOSPC;
}

int ext2_inode_free(struct ext2_fs *fs, uint32_t ino, bool dir)
{
	uint32_t ipg = fs->fs_sb.s_inodes_per_group;

	if (ino < fs->fs_sb.s_first_ino || ino > fs->fs_sb.s_inodes_count)
		return -EIO;
	struct ext2_group_desc *gd = &fs->fs_gd[(ino - 1) / ipg];
	uint32_t i = (ino - 1) % ipg;
	uint8_t byte;

	if (ext2_bread_part(fs, gd->bg_inode_bitmap, i / 8, 1, &byte) < 0)
		return -EIO;
	if (!bit_get(&byte, i % 8))
		return -EIO;
	bit_flip(&byte, i % 8);
	if (ext2_bwrite_bitmap(fs, gd->bg_inode_bitmap, i / 8, 1, &byte) < 0)
		return -EIO;
	count_inc(&gd->bg_free_inodes_count, &fs->fs_sb.s_free_inodes_count, ipg);
	if (dir)
		count_dec(&gd->bg_used_dirs_count, NULL);
	ext2_gd_changed(fs, (ino - 1) / ipg);
	return 0;
}

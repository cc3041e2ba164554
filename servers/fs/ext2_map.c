/* ext2's block map: a file's logical blocks through i_block's 12 direct
 * pointers and its single, double and triple indirect blocks. Every
 * pointer read is checked to name a data block (ext2_block_is_data), so
 * a corrupt inode reads as -EIO and never makes us write metadata. */
#include "ext2_impl.h"

/* Where logical block lblk hangs: the i_block slot, the index at each
 * level of indirection below it, and how many levels there are. */
static int map_path(const struct ext2_fs *fs, uint64_t lblk, unsigned *slot, uint32_t off[3], unsigned *depth)
{
	uint64_t p = fs->fs_ptrs;

	if (lblk < EXT2_NDIR_BLOCKS) {
		*slot = (unsigned)lblk;
		*depth = 0;
		return 0;
	}
	lblk -= EXT2_NDIR_BLOCKS;
	if (lblk < p) {
		*slot = EXT2_IND_BLOCK;
		*depth = 1;
		off[0] = (uint32_t)lblk;
		return 0;
	}
	lblk -= p;
	if (lblk < p * p) {
		*slot = EXT2_DIND_BLOCK;
		*depth = 2;
		off[0] = (uint32_t)(lblk / p);
		off[1] = (uint32_t)(lblk % p);
		return 0;
	}
	lblk -= p * p;
	if (lblk < p * p * p) {
		*slot = EXT2_TIND_BLOCK;
		*depth = 3;
		off[0] = (uint32_t)(lblk / (p * p));
		off[1] = (uint32_t)(lblk / p % p);
		off[2] = (uint32_t)(lblk % p);
		return 0;
	}
	return -EFBIG;
}

int ext2_bmap(struct ext2_fs *fs, const struct ext2_inode *in, uint64_t lblk, uint32_t *b)
{
	uint32_t *ptr = ext2_scratch(fs, SCR_MAP);
	uint32_t off[3], cur;
	unsigned slot, depth;
	int err = map_path(fs, lblk, &slot, off, &depth);

	if (err < 0)
		return err;
	cur = in->i_block[slot];
	for (unsigned l = 0; l < depth && cur != 0; l++) {
		if (!ext2_block_is_data(fs, cur) || ext2_bread(fs, cur, ptr) < 0)
			return -EIO;
		cur = ptr[off[l]];
	}
	if (cur != 0 && !ext2_block_is_data(fs, cur))
		return -EIO;
	*b = cur;
	return 0;
}

/* i_blocks counts 512-byte units, indirect blocks included, in 32 bits
 * (huge_file, which would widen it, is refused for writing). */
int ext2_add_blocks(struct ext2_fs *fs, struct ext2_inode *in, int32_t n)
{
	int64_t v = (int64_t)in->i_blocks + (int64_t)n * (fs->fs_bsize / 512);

	if (v > UINT32_MAX)
		return -EFBIG;
	in->i_blocks = v < 0 ? 0 : (uint32_t)v;
	return 0;
}

/* New indirect blocks are filled and written before the one pointer that
 * makes them reachable: the parent's entry (written here) or i_block
 * (the caller writes the inode). */
int ext2_link_block(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t lblk, uint32_t b)
{
	uint32_t *ptr = ext2_scratch(fs, SCR_MAP), *nptr = ext2_scratch(fs, SCR_NEW);
	uint32_t off[3], cur, parent = 0, parent_idx = 0, fresh[3], child = b;
	unsigned slot, depth, level, nfresh = 0;
	int err = map_path(fs, lblk, &slot, off, &depth);

	if (err < 0)
		return err;
	cur = in->i_block[slot];
	for (level = 0; level < depth && cur != 0; level++) {
		if (!ext2_block_is_data(fs, cur) || ext2_bread(fs, cur, ptr) < 0)
			return -EIO;
		parent = cur;
		parent_idx = off[level];
		cur = ptr[off[level]];
	}
	err = ext2_add_blocks(fs, in, (int32_t)(depth - level));
	if (err < 0)
		return err;
	for (unsigned l = depth; l-- > level;) {
		err = ext2_block_alloc(fs, ext2_group_of_ino(fs, ino), &fresh[nfresh]);
		if (err < 0)
			goto undo;
		nfresh++;
		memset(nptr, 0, fs->fs_bsize);
		nptr[off[l]] = child;
		child = fresh[nfresh - 1];
		err = ext2_bwrite(fs, child, nptr);
		if (err < 0)
			goto undo;
	}
	/* What the pointer will reach (new indirect blocks, the block b)
	 * on the disk first; a pointer in the inode is the caller's to
	 * order, before it writes the inode. */
	if ((parent != 0 || nfresh > 0) && (err = ext2_order(fs)) < 0)
		goto undo;
	if (parent == 0) {
		in->i_block[slot] = child;
		return 0;
	}
	ptr[parent_idx] = child;
	err = ext2_bwrite(fs, parent, ptr);
	if (err == 0)
		return 0;
undo:
	/* Nothing on the disk points at the new blocks yet. */
	while (nfresh > 0)
		ext2_block_free(fs, fresh[--nfresh]);
	ext2_add_blocks(fs, in, -(int32_t)(depth - level));
	return err;
}

/* Frees block b and, if it is an indirect block of the given level (1:
 * it points at data), everything below it. Nothing points at b any more. */
static int free_tree(struct ext2_fs *fs, struct ext2_inode *in, uint32_t b, unsigned level)
{
	int err = 0;

	if (!ext2_block_is_data(fs, b))
		return -EIO;
	if (level > 0) {
		uint32_t *ptr = ext2_scratch(fs, SCR_FREE + level - 1);

		if (ext2_bread(fs, b, ptr) < 0)
			return -EIO;
		for (uint32_t i = 0; i < fs->fs_ptrs && err == 0; i++) {
			if (ptr[i])
				err = free_tree(fs, in, ptr[i], level - 1);
		}
		if (err < 0)
			return err;
	}
	err = ext2_block_free(fs, b);
	if (err == 0)
		ext2_add_blocks(fs, in, -1);
	return err;
}

/* Keeps the first keep_rel (> 0) data blocks below indirect block b of
 * the given level and frees the rest: b is written without them first. */
static int truncate_partial(struct ext2_fs *fs, struct ext2_inode *in, uint32_t b, unsigned level,
                            uint64_t keep_rel)
{
	uint32_t *ptr = ext2_scratch(fs, SCR_TRUNC + level - 1), *old = ext2_scratch(fs, SCR_OLD + level - 1);
	uint64_t span = 1;
	uint32_t first_drop;
	bool changed = false;
	int err;

	for (unsigned l = 1; l < level; l++)
		span *= fs->fs_ptrs;
	if (!ext2_block_is_data(fs, b) || ext2_bread(fs, b, ptr) < 0)
		return -EIO;
	first_drop = (uint32_t)((keep_rel + span - 1) / span);
	if (level > 1 && keep_rel % span != 0 && ptr[keep_rel / span] != 0) {
		err = truncate_partial(fs, in, ptr[keep_rel / span], level - 1, keep_rel % span);
		if (err < 0)
			return err;
	}
	memcpy(old, ptr, fs->fs_bsize);
	for (uint32_t i = first_drop; i < fs->fs_ptrs; i++) {
		changed |= ptr[i] != 0;
		ptr[i] = 0;
	}
	if (!changed)
		return 0;
	if (ext2_bwrite(fs, b, ptr) < 0)
		return -EIO;
	for (uint32_t i = first_drop; i < fs->fs_ptrs; i++) {
		if (old[i] && (err = free_tree(fs, in, old[i], level - 1)) < 0)
			return err;
	}
	return 0;
}

int ext2_truncate_blocks(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t keep)
{
	uint32_t drop[EXT2_N_BLOCKS] = { 0 };
	uint64_t start = EXT2_NDIR_BLOCKS, span = fs->fs_ptrs;
	int err = 0;

	for (unsigned s = 0; s < EXT2_NDIR_BLOCKS; s++) {
		if (s >= keep) {
			drop[s] = in->i_block[s];
			in->i_block[s] = 0;
		}
	}
	for (unsigned level = 1; level <= 3; level++, start += span, span *= fs->fs_ptrs) {
		unsigned slot = EXT2_NDIR_BLOCKS + level - 1;

		if (in->i_block[slot] == 0 || keep >= start + span)
			continue;
		if (keep <= start) {
			drop[slot] = in->i_block[slot];
			in->i_block[slot] = 0;
		} else if ((err = truncate_partial(fs, in, in->i_block[slot], level, keep - start)) < 0) {
			return err;
		}
	}
	err = ext2_inode_put(fs, ino, in);
	for (unsigned s = 0; s < EXT2_N_BLOCKS && err == 0; s++) {
		if (drop[s])
			err = free_tree(fs, in, drop[s], s < EXT2_NDIR_BLOCKS ? 0 : s - EXT2_NDIR_BLOCKS + 1);
	}
	int err2 = ext2_inode_put(fs, ino, in);

	return err < 0 ? err : err2;
}

int ext2_inode_release(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	bool dir = ext2_is_dir(in);
	int err = ext2_order(fs); /* no entry names it, on the disk */

	if (err < 0)
		return err;
	in->i_links_count = 0;
	/* Set before the truncation writes the inode: a crash after it must
	 * leave a deleted inode (a leak), not one of dtime 0 and no links.
	 * e2fsck reads dtime 0 as "in use", and one below s_inodes_count as
	 * a link of the orphan list (when the superblock's times look set):
	 * without a clock, the first time that is neither. */
	in->i_dtime = ext2_now(fs);
	if (in->i_dtime < fs->fs_sb.s_inodes_count)
		in->i_dtime = fs->fs_sb.s_inodes_count;
	if (ext2_is_lnk(in) && in->i_size < EXT2_FAST_LINK_MAX) {
		memset(in->i_block, 0, sizeof(in->i_block)); /* the target, not pointers */
	} else if (ext2_is_reg(in) || dir || ext2_is_lnk(in)) {
		ext2_set_size(fs, in, 0);
		err = ext2_truncate_blocks(fs, ino, in, 0);
		if (err < 0)
			return err;
	}
	err = ext2_inode_put(fs, ino, in);
	if (err < 0)
		return err;
	return ext2_inode_free(fs, ino, dir);
}

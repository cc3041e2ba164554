/* ext2 file data: reading (holes as zeros), writing at any offset
 * (allocating blocks, data written before the pointer to it) and
 * truncating. Access times are not kept (as with noatime). */
#include "ext2_impl.h"

static int file_get(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	int r = ext2_inode_get(fs, ino, in);

	if (r < 0)
		return r;
	if (ext2_is_dir(in))
		return -EISDIR;
	return ext2_is_reg(in) ? 0 : -EINVAL;
}

int64_t ext2_read(struct ext2_fs *fs, uint32_t ino, uint64_t off, void *buf, size_t len)
{
	uint8_t *blk = ext2_scratch(fs, SCR_DATA), *out = buf;
	struct ext2_inode in;
	uint64_t size, done = 0;
	int r = file_get(fs, ino, &in);

	if (r < 0)
		return r;
	size = ext2_size(&in);
	if (off >= size)
		return 0;
	if (len > size - off)
		len = (size_t)(size - off);
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t boff = pos % fs->fs_bsize, b;
		size_t n = fs->fs_bsize - boff;

		if (n > len - done)
			n = len - done;
		if ((r = ext2_bmap(fs, &in, pos / fs->fs_bsize, &b)) < 0)
			return r;
		if (b == 0) {
			memset(out + done, 0, n);
		} else if (n == fs->fs_bsize) {
			if (ext2_bread(fs, b, out + done) < 0)
				return -EIO;
		} else {
			if (ext2_bread(fs, b, blk) < 0)
				return -EIO;
			memcpy(out + done, blk + boff, n);
		}
		done += n;
	}
	return (int64_t)done;
}

/* Writes n bytes at boff of logical block lblk: into the block there, or
 * a new one (zero-filled around them) linked in after it is written. */
static int write_block(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t lblk, uint32_t boff,
                       const uint8_t *src, size_t n)
{
	uint8_t *blk = ext2_scratch(fs, SCR_DATA);
	uint32_t b;
	int r = ext2_bmap(fs, in, lblk, &b);

	if (r < 0)
		return r;
	if (b != 0) {
		if (n == fs->fs_bsize)
			return ext2_bwrite(fs, b, src);
		if (ext2_bread(fs, b, blk) < 0)
			return -EIO;
		memcpy(blk + boff, src, n);
		return ext2_bwrite(fs, b, blk);
	}
	if ((r = ext2_add_blocks(fs, in, 1)) < 0)
		return r;
	if ((r = ext2_block_alloc(fs, ext2_group_of_ino(fs, ino), &b)) < 0)
		goto undo;
	memset(blk, 0, fs->fs_bsize);
	memcpy(blk + boff, src, n);
	if ((r = ext2_bwrite(fs, b, blk)) < 0 || (r = ext2_link_block(fs, ino, in, lblk, b)) < 0) {
		ext2_block_free(fs, b);
		goto undo;
	}
	return 0;
undo:
	ext2_add_blocks(fs, in, -1);
	return r;
}

int64_t ext2_write(struct ext2_fs *fs, uint32_t ino, uint64_t off, const void *buf, size_t len)
{
	const uint8_t *src = buf;
	struct ext2_inode in;
	uint64_t done = 0, size;
	uint32_t blocks;
	int r = ext2_writable(fs);

	if (r < 0 || (r = file_get(fs, ino, &in)) < 0)
		return r;
	size = ext2_size(&in);
	blocks = in.i_blocks;
	if (len == 0)
		return 0;
	if (off >= fs->fs_max_size || len > fs->fs_max_size - off)
		return -EFBIG;
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t boff = pos % fs->fs_bsize;
		size_t n = fs->fs_bsize - boff;

		if (n > len - done)
			n = len - done;
		if ((r = write_block(fs, ino, &in, pos / fs->fs_bsize, boff, src + done, n)) < 0)
			break;
		done += n;
	}
	/* What was written before a failure (ENOSPC) stays, as with POSIX's
	 * short writes; the inode records it either way. */
	if (off + done > ext2_size(&in))
		ext2_set_size(fs, &in, off + done);
	in.i_mtime = in.i_ctime = ext2_now(fs);
	/* New blocks, or bytes past the old end, on the disk before the
	 * inode that points at them or covers them. */
	int r2 = in.i_blocks != blocks || ext2_size(&in) > size ? ext2_order(fs) : 0;

	if (r2 == 0)
		r2 = ext2_inode_put(fs, ino, &in);

	if (done == 0)
		return r < 0 ? r : r2;
	return r2 < 0 ? r2 : (int64_t)done;
}

int ext2_truncate(struct ext2_fs *fs, uint32_t ino, uint64_t size)
{
	uint8_t *blk = ext2_scratch(fs, SCR_DATA);
	struct ext2_inode in;
	uint32_t b, boff = size % fs->fs_bsize;
	int r = ext2_writable(fs);

	if (r < 0 || (r = file_get(fs, ino, &in)) < 0)
		return r;
	if (size > fs->fs_max_size)
		return -EFBIG;
	uint64_t old = ext2_size(&in);

	ext2_set_size(fs, &in, size);
	in.i_mtime = in.i_ctime = ext2_now(fs);
	if (size >= old)
		return ext2_inode_put(fs, ino, &in);
	/* The cut block's tail is zeroed, so growing again reads zeros. */
	if (boff != 0) {
		if ((r = ext2_bmap(fs, &in, size / fs->fs_bsize, &b)) < 0)
			return r;
		if (b != 0) {
			if (ext2_bread(fs, b, blk) < 0)
				return -EIO;
			memset(blk + boff, 0, fs->fs_bsize - boff);
			if (ext2_bwrite(fs, b, blk) < 0)
				return -EIO;
		}
	}
	return ext2_truncate_blocks(fs, ino, &in, (size + fs->fs_bsize - 1) / fs->fs_bsize);
}

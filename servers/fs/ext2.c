/* ext2: mounting (the superblock, the group descriptors, the features),
 * syncing, block and inode I/O, stat. The theory of the whole, its write
 * ordering among it, is in ext2.h. */
#include <stdlib.h>

#include "ext2_impl.h"

struct ext2_feature {
	uint32_t f_bit;
	const char *f_refusal;
};

/* Incompatible features this code cannot read, by name. */
static const struct ext2_feature incompat_names[] = {
	{ EXT2_INCOMPAT_COMPRESSION, "unsupported feature: compression" },
	{ EXT2_INCOMPAT_RECOVER, "the journal needs recovery (needs_recovery): run e2fsck" },
	{ EXT2_INCOMPAT_JOURNAL_DEV, "unsupported feature: journal_dev" },
	{ EXT2_INCOMPAT_META_BG, "unsupported feature: meta_bg" },
	{ EXT2_INCOMPAT_EXTENTS, "unsupported feature: extent (ext4)" },
	{ EXT2_INCOMPAT_64BIT, "unsupported feature: 64bit (ext4)" },
	{ EXT2_INCOMPAT_MMP, "unsupported feature: mmp" },
	{ EXT2_INCOMPAT_FLEX_BG, "unsupported feature: flex_bg (ext4)" },
	{ EXT2_INCOMPAT_EA_INODE, "unsupported feature: ea_inode" },
	{ EXT2_INCOMPAT_DIRDATA, "unsupported feature: dirdata" },
	{ EXT2_INCOMPAT_CSUM_SEED, "unsupported feature: metadata_csum_seed" },
	{ EXT2_INCOMPAT_LARGEDIR, "unsupported feature: large_dir" },
	{ EXT2_INCOMPAT_INLINE_DATA, "unsupported feature: inline_data" },
	{ EXT2_INCOMPAT_ENCRYPT, "unsupported feature: encrypt" },
	{ EXT2_INCOMPAT_CASEFOLD, "unsupported feature: casefold" },
};

/* Read-only compatible features that make this code mount read-only. */
static const struct ext2_feature ro_compat_names[] = {
	{ EXT2_RO_COMPAT_HUGE_FILE, "read-only: feature huge_file" },
	{ EXT2_RO_COMPAT_GDT_CSUM, "read-only: feature uninit_bg (group descriptor checksums)" },
	{ EXT2_RO_COMPAT_DIR_NLINK, "read-only: feature dir_nlink" },
	{ EXT2_RO_COMPAT_EXTRA_ISZ, "read-only: feature extra_isize" },
	{ EXT2_RO_COMPAT_QUOTA, "read-only: feature quota" },
	{ EXT2_RO_COMPAT_BIGALLOC, "read-only: feature bigalloc" },
	{ EXT2_RO_COMPAT_META_CSUM, "read-only: feature metadata_csum" },
	{ EXT2_RO_COMPAT_READONLY, "read-only: feature read-only" },
	{ EXT2_RO_COMPAT_PROJECT, "read-only: feature project" },
};

static const char *feature_refusal(const struct ext2_feature *t, size_t n, uint32_t bits, const char *other)
{
	for (size_t i = 0; i < n; i++) {
		if (bits & t[i].f_bit)
			return t[i].f_refusal;
	}
	return other;
}

int ext2_bread(struct ext2_fs *fs, uint32_t b, void *buf)
{
	if (b >= fs->fs_sb.s_blocks_count)
		return -EIO;
	return fs->fs_dev.d_read(fs->fs_dev.d_ctx, b, fs->fs_bsize, buf) < 0 ? -EIO : 0;
}

int ext2_bread_part(struct ext2_fs *fs, uint32_t b, uint32_t off, uint32_t len, void *buf)
{
	if (b >= fs->fs_sb.s_blocks_count || off % len || off + len > fs->fs_bsize)
		return -EIO;
	return fs->fs_dev.d_read(fs->fs_dev.d_ctx, ((uint64_t)b * fs->fs_bsize + off) / len, len, buf) < 0
	               ? -EIO
	               : 0;
}

/* The bytes of every write: [off, off + len) of block b. */
static int block_write(struct ext2_fs *fs, uint32_t b, uint32_t off, uint32_t len, const void *buf)
{
	/* Block 0 holds the boot sector (and with 1 KiB blocks nothing of
	 * ours): never written, whatever a corrupt pointer says. */
	if (b == 0 || b >= fs->fs_sb.s_blocks_count || fs->fs_readonly || off % len ||
	    off + len > fs->fs_bsize)
		return -EIO;
	if (b == fs->fs_dir_memo)
		fs->fs_dir_memo = 0;
	if (fs->fs_dev.d_write(fs->fs_dev.d_ctx, ((uint64_t)b * fs->fs_bsize + off) / len, len, buf) < 0)
		return -EIO;
	if (buf == ext2_scratch(fs, SCR_DIR) && len == fs->fs_bsize)
		fs->fs_dir_memo = b; /* a directory block written as it was scanned and changed */
	return 0;
}

int ext2_bwrite(struct ext2_fs *fs, uint32_t b, const void *buf)
{
	fs->fs_unordered = true;
	return block_write(fs, b, 0, fs->fs_bsize, buf);
}

int ext2_bwrite_part(struct ext2_fs *fs, uint32_t b, uint32_t off, uint32_t len, const void *buf)
{
	fs->fs_unordered = true;
	return block_write(fs, b, off, len, buf);
}

int ext2_bwrite_bitmap(struct ext2_fs *fs, uint32_t b, uint32_t off, uint32_t len, const void *buf)
{
	return block_write(fs, b, off, len, buf);
}

int ext2_order(struct ext2_fs *fs)
{
	fs->fs_unordered = false;
	if (fs->fs_dev.d_order && fs->fs_dev.d_order(fs->fs_dev.d_ctx) < 0) {
		fs->fs_dir_memo = 0; /* the cache dropped what it could not write */
		return -EIO;
	}
	return 0;
}

int ext2_order_free(struct ext2_fs *fs)
{
	return fs->fs_unordered ? ext2_order(fs) : 0;
}

static bool group_has_super(const struct ext2_fs *fs, uint32_t g)
{
	if (g <= 1 || !(fs->fs_sb.s_feature_ro_compat & EXT2_RO_COMPAT_SPARSE))
		return true;
	for (uint32_t p = 3; p <= 7; p += 2) {
		uint64_t x = p;

		while (x < g)
			x *= p;
		if (x == g)
			return true;
	}
	return false;
}

/* Blocks at the start of group g that hold a superblock copy, the
 * descriptor table and the blocks reserved for its growth. */
static uint32_t group_overhead(const struct ext2_fs *fs, uint32_t g)
{
	if (!group_has_super(fs, g))
		return 0;
	return 1 + fs->fs_gd_blocks + fs->fs_sb.s_reserved_gdt_blocks;
}

static uint32_t group_first(const struct ext2_fs *fs, uint32_t g)
{
	return fs->fs_sb.s_first_data_block + g * fs->fs_sb.s_blocks_per_group;
}

bool ext2_block_is_data(const struct ext2_fs *fs, uint32_t b)
{
	const struct ext2_super *sb = &fs->fs_sb;

	if (b < sb->s_first_data_block || b >= sb->s_blocks_count)
		return false;
	uint32_t g = (b - sb->s_first_data_block) / sb->s_blocks_per_group;
	const struct ext2_group_desc *gd = &fs->fs_gd[g];

	if (b - group_first(fs, g) < group_overhead(fs, g))
		return false;
	if (b == gd->bg_block_bitmap || b == gd->bg_inode_bitmap)
		return false;
	return b < gd->bg_inode_table || b - gd->bg_inode_table >= fs->fs_itb;
}

/* The superblock's own consistency, before anything is read through it. */
static const char *super_check(struct ext2_fs *fs, uint64_t dev_bytes)
{
	struct ext2_super *sb = &fs->fs_sb;

	if (sb->s_magic != EXT2_MAGIC)
		return "not ext2: bad magic number";
	if (sb->s_rev_level != EXT2_DYNAMIC_REV)
		return "not ext2 revision 1";
	if (sb->s_log_block_size > 2)
		return "block size not 1024, 2048 or 4096";
	fs->fs_bsize = 1024u << sb->s_log_block_size;
	fs->fs_ptrs = fs->fs_bsize / 4;
	if (sb->s_first_data_block != (fs->fs_bsize == 1024 ? 1u : 0u))
		return "bad first data block";
	if (sb->s_blocks_per_group == 0 || sb->s_blocks_per_group > 8 * fs->fs_bsize ||
	    sb->s_blocks_per_group % 8 != 0)
		return "bad blocks per group";
	if (sb->s_inodes_per_group == 0 || sb->s_inodes_per_group > 8 * fs->fs_bsize ||
	    sb->s_inodes_per_group % 8 != 0)
		return "bad inodes per group";
	if (sb->s_inode_size < EXT2_GOOD_OLD_ISIZE || sb->s_inode_size > fs->fs_bsize ||
	    (sb->s_inode_size & (sb->s_inode_size - 1)) != 0)
		return "bad inode size";
	fs->fs_isize = sb->s_inode_size;
	if (sb->s_blocks_count <= sb->s_first_data_block + 1)
		return "bad block count";
	if (dev_bytes / fs->fs_bsize < sb->s_blocks_count)
		return "the filesystem is larger than the device";
	fs->fs_groups = (sb->s_blocks_count - sb->s_first_data_block - 1) / sb->s_blocks_per_group + 1;
	if ((uint64_t)fs->fs_groups * sb->s_inodes_per_group != sb->s_inodes_count)
		return "inode count disagrees with the groups";
	if (sb->s_first_ino < EXT2_FIRST_INO_MIN || sb->s_first_ino >= sb->s_inodes_count)
		return "bad first inode";
	if (sb->s_free_blocks_count > sb->s_blocks_count || sb->s_free_inodes_count > sb->s_inodes_count ||
	    sb->s_r_blocks_count > sb->s_blocks_count)
		return "free counts larger than the filesystem";
	fs->fs_itb = (sb->s_inodes_per_group * fs->fs_isize + fs->fs_bsize - 1) / fs->fs_bsize;
	fs->fs_gd_blocks = (fs->fs_groups * 32 + fs->fs_bsize - 1) / fs->fs_bsize;
	if (sb->s_reserved_gdt_blocks > fs->fs_ptrs)
		return "bad reserved descriptor block count";
	return NULL;
}

/* Each group's bitmaps and inode table lie inside the group, after its
 * superblock copy and descriptors; its free counts fit it. */
static const char *groups_check(struct ext2_fs *fs)
{
	const struct ext2_super *sb = &fs->fs_sb;

	for (uint32_t g = 0; g < fs->fs_groups; g++) {
		const struct ext2_group_desc *gd = &fs->fs_gd[g];
		uint64_t first = group_first(fs, g) + group_overhead(fs, g);
		uint64_t end = (uint64_t)group_first(fs, g) + sb->s_blocks_per_group;

		if (end > sb->s_blocks_count)
			end = sb->s_blocks_count;
		if (gd->bg_block_bitmap < first || gd->bg_block_bitmap >= end ||
		    gd->bg_inode_bitmap < first || gd->bg_inode_bitmap >= end || gd->bg_inode_table < first ||
		    (uint64_t)gd->bg_inode_table + fs->fs_itb > end)
			return "a group's bitmaps or inode table lie outside the group";
		if (gd->bg_free_blocks_count > sb->s_blocks_per_group ||
		    gd->bg_free_inodes_count > sb->s_inodes_per_group ||
		    gd->bg_used_dirs_count > sb->s_inodes_per_group)
			return "a group's counts are larger than the group";
	}
	return NULL;
}

static int features_check(struct ext2_fs *fs, unsigned flags)
{
	const struct ext2_super *sb = &fs->fs_sb;
	uint32_t incompat = sb->s_feature_incompat & ~EXT2_INCOMPAT_OK;
	uint32_t ro = sb->s_feature_ro_compat & ~EXT2_RO_COMPAT_OK;

	if (incompat) {
		fs->fs_message =
		        feature_refusal(incompat_names, sizeof(incompat_names) / sizeof(incompat_names[0]),
		                        incompat, "unsupported feature: an unknown incompatible one");
		return -EINVAL;
	}
	fs->fs_readonly = (flags & EXT2_MOUNT_RDONLY) != 0;
	if (ro) {
		fs->fs_message =
		        feature_refusal(ro_compat_names, sizeof(ro_compat_names) / sizeof(ro_compat_names[0]),
		                        ro, "read-only: an unknown read-only compatible feature");
	} else if (sb->s_feature_compat & EXT2_COMPAT_HAS_JOURNAL) {
		/* A clean ext3 reads as ext2, but writing it without the
		 * journal would leave the journal describing old blocks. */
		fs->fs_message = "read-only: feature has_journal (ext3)";
	} else {
		return 0;
	}
	if (!fs->fs_readonly)
		return -EROFS;
	return 0;
}

static int read_descriptors(struct ext2_fs *fs)
{
	uint32_t gd_start = fs->fs_sb.s_first_data_block + 1;
	uint8_t *buf = ext2_scratch(fs, SCR_DATA);

	fs->fs_gd = malloc((size_t)fs->fs_gd_blocks * fs->fs_bsize);
	if (!fs->fs_gd)
		return -ENOMEM;
	for (uint32_t i = 0; i < fs->fs_gd_blocks; i++) {
		if (ext2_bread(fs, gd_start + i, buf) < 0)
			return -EIO;
		memcpy((uint8_t *)fs->fs_gd + (size_t)i * fs->fs_bsize, buf, fs->fs_bsize);
	}
	return 0;
}

static int mount_fail(struct ext2_fs *fs, int err)
{
	free(fs->fs_gd);
	free(fs->fs_gd_dirty);
	fs->fs_gd_dirty = NULL;
	free(fs->fs_scratch);
	free(fs->fs_path);
	fs->fs_gd = NULL;
	fs->fs_scratch = NULL;
	fs->fs_path = NULL;
	return err;
}

int ext2_mount(struct ext2_fs *fs, const struct ext2_dev *dev, unsigned flags)
{
	uint8_t raw[EXT2_SUPER_SIZE];
	const char *why;
	int err;

	memset(fs, 0, sizeof(*fs));
	fs->fs_dev = *dev;
	if (dev->d_bytes < EXT2_SUPER_OFFSET + EXT2_SUPER_SIZE) {
		fs->fs_message = "the device is too small for a superblock";
		return -EINVAL;
	}
	if (dev->d_read(dev->d_ctx, 1, EXT2_SUPER_SIZE, raw) < 0) {
		fs->fs_message = "the superblock could not be read";
		return -EIO;
	}
	memcpy(&fs->fs_sb, raw, sizeof(fs->fs_sb));
	why = super_check(fs, dev->d_bytes);
	if (why) {
		fs->fs_message = why;
		return -EINVAL;
	}
	err = features_check(fs, flags);
	if (err < 0)
		return err;
	fs->fs_scratch = malloc((size_t)EXT2_SCRATCH * fs->fs_bsize);
	fs->fs_path = malloc(2 * EXT2_PATH_MAX);
	if (!fs->fs_scratch || !fs->fs_path)
		return mount_fail(fs, -ENOMEM);
	err = read_descriptors(fs);
	if (err < 0) {
		fs->fs_message = "the group descriptors could not be read";
		return mount_fail(fs, err);
	}
	why = groups_check(fs);
	if (why) {
		fs->fs_message = why;
		return mount_fail(fs, -EINVAL);
	}
	fs->fs_gd_dirty = calloc(fs->fs_groups / 8 + 1, 1);
	if (!fs->fs_gd_dirty)
		return mount_fail(fs, -ENOMEM);
	/* The superblock's free counts from the descriptors': they may be
	 * stale, since a change writes only the descriptors. */
	fs->fs_sb.s_free_blocks_count = fs->fs_sb.s_free_inodes_count = 0;
	for (uint32_t g = 0; g < fs->fs_groups; g++) {
		fs->fs_sb.s_free_blocks_count += fs->fs_gd[g].bg_free_blocks_count;
		fs->fs_sb.s_free_inodes_count += fs->fs_gd[g].bg_free_inodes_count;
	}
	/* Direct, single, double and triple indirect blocks; i_blocks (32
	 * bits of 512-byte units) ends larger files first with 4 KiB blocks. */
	uint64_t p = fs->fs_ptrs;
	fs->fs_max_size = (EXT2_NDIR_BLOCKS + p + p * p + p * p * p) * fs->fs_bsize;
	if (fs->fs_max_size > (1ull << 41) - 2 * 1024 * 1024)
		fs->fs_max_size = (1ull << 41) - 2 * 1024 * 1024;
	if (!fs->fs_readonly) {
		fs->fs_sb.s_state &= ~EXT2_VALID_FS;
		fs->fs_sb.s_mnt_count++;
		fs->fs_sb.s_mtime = ext2_now(fs);
		fs->fs_sb_dirty = true;
		err = ext2_sync(fs);
		if (err < 0)
			return mount_fail(fs, err);
	}
	return 0;
}

int ext2_sync(struct ext2_fs *fs)
{
	uint32_t gd_start = fs->fs_sb.s_first_data_block + 1, per_block = fs->fs_bsize / sizeof(*fs->fs_gd);
	uint8_t raw[EXT2_SUPER_SIZE];

	if (fs->fs_readonly)
		return 0;
	for (uint32_t g = 0; g < fs->fs_groups; g++) {
		if (!(fs->fs_gd_dirty[g / 8] & (1u << (g % 8))))
			continue;
		if (ext2_bwrite_part(fs, gd_start + g / per_block, g % per_block * sizeof(*fs->fs_gd),
		                     sizeof(*fs->fs_gd), &fs->fs_gd[g]) < 0)
			return -EIO;
		fs->fs_gd_dirty[g / 8] &= (uint8_t) ~(1u << (g % 8));
	}
	if (fs->fs_sb_dirty) {
		fs->fs_sb.s_wtime = ext2_now(fs);
		memcpy(raw, &fs->fs_sb, sizeof(raw));
		if (fs->fs_dev.d_write(fs->fs_dev.d_ctx, 1, EXT2_SUPER_SIZE, raw) < 0)
			return -EIO;
		fs->fs_sb_dirty = false;
	}
	if (fs->fs_dev.d_flush && fs->fs_dev.d_flush(fs->fs_dev.d_ctx) < 0) {
		fs->fs_dir_memo = 0; /* the cache dropped what it could not write */
		return -EIO;
	}
	return 0;
}

int ext2_unmount(struct ext2_fs *fs)
{
	int err = 0;

	if (!fs->fs_readonly && fs->fs_scratch) {
		fs->fs_sb.s_state |= EXT2_VALID_FS;
		fs->fs_sb_dirty = true;
		err = ext2_sync(fs);
	}
	mount_fail(fs, 0);
	return err;
}

int ext2_writable(struct ext2_fs *fs)
{
	return fs->fs_readonly ? -EROFS : 0;
}

uint32_t ext2_group_of_ino(const struct ext2_fs *fs, uint32_t ino)
{
	return (ino - 1) / fs->fs_sb.s_inodes_per_group;
}

/* Where inode ino lies: its inode table block and the offset in it. */
static int inode_where(struct ext2_fs *fs, uint32_t ino, uint32_t *b, uint32_t *off)
{
	if (ino == 0 || ino > fs->fs_sb.s_inodes_count)
		return -ESTALE;
	uint32_t idx = (ino - 1) % fs->fs_sb.s_inodes_per_group;
	uint64_t byte = (uint64_t)idx * fs->fs_isize;

	*b = fs->fs_gd[ext2_group_of_ino(fs, ino)].bg_inode_table + (uint32_t)(byte / fs->fs_bsize);
	*off = byte % fs->fs_bsize;
	return 0;
}

static bool inode_sane(const struct ext2_fs *fs, const struct ext2_inode *in)
{
	switch (in->i_mode & EXT2_S_IFMT) {
	case EXT2_S_IFDIR:
		return in->i_size % fs->fs_bsize == 0;
	case EXT2_S_IFREG:
		return ext2_size(in) <= fs->fs_max_size;
	case EXT2_S_IFLNK:
		return in->i_size > 0 && in->i_size < EXT2_PATH_MAX && in->i_size < fs->fs_bsize;
	case EXT2_S_IFCHR:
	case EXT2_S_IFBLK:
	case EXT2_S_IFIFO:
	case EXT2_S_IFSOCK:
		return true;
	default:
		return false;
	}
}

int ext2_inode_get(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	uint32_t b, off;
	int err = inode_where(fs, ino, &b, &off);

	if (err < 0)
		return err;
	if (ext2_bread_part(fs, b, off, sizeof(*in), in) < 0)
		return -EIO;
	if (in->i_links_count == 0)
		return -ESTALE;
	if ((in->i_flags & EXT2_EXTENTS_FL) || !inode_sane(fs, in))
		return -EIO;
	return 0;
}

int ext2_inode_put(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in)
{
	uint32_t b, off;
	int err = inode_where(fs, ino, &b, &off);

	return err < 0 ? err : ext2_bwrite_part(fs, b, off, sizeof(*in), in);
}

int ext2_inode_init(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	uint8_t *buf = ext2_scratch(fs, SCR_ITAB);
	uint32_t b, off;
	int err = inode_where(fs, ino, &b, &off);

	if (err < 0)
		return err;
	if (ext2_bread_part(fs, b, off, fs->fs_isize, buf) < 0)
		return -EIO;
	/* A new generation: a handle to the slot's last file goes stale. */
	in->i_generation = ((const struct ext2_inode *)buf)->i_generation + 1;
	memset(buf, 0, fs->fs_isize);
	memcpy(buf, in, sizeof(*in));
	if (fs->fs_isize >= EXT2_GOOD_OLD_ISIZE + EXT2_EXTRA_ISIZE) {
		uint16_t extra = EXT2_EXTRA_ISIZE;

		memcpy(buf + EXT2_GOOD_OLD_ISIZE, &extra, sizeof(extra));
	}
	return ext2_bwrite_part(fs, b, off, fs->fs_isize, buf);
}

void ext2_set_size(struct ext2_fs *fs, struct ext2_inode *in, uint64_t size)
{
	in->i_size = (uint32_t)size;
	if (ext2_is_reg(in))
		in->i_size_high = (uint32_t)(size >> 32);
	if (size > 0x7FFFFFFFu && !(fs->fs_sb.s_feature_ro_compat & EXT2_RO_COMPAT_LARGE_FILE)) {
		fs->fs_sb.s_feature_ro_compat |= EXT2_RO_COMPAT_LARGE_FILE;
		fs->fs_sb_dirty = true;
	}
}

int ext2_stat(struct ext2_fs *fs, uint32_t ino, struct ext2_stat *st)
{
	struct ext2_inode in;
	int err = ext2_inode_get(fs, ino, &in);

	if (err < 0)
		return err;
	st->st_ino = ino;
	st->st_generation = in.i_generation;
	st->st_mode = in.i_mode;
	st->st_nlink = in.i_links_count;
	st->st_uid = in.i_uid | (uint32_t)in.i_uid_high << 16;
	st->st_gid = in.i_gid | (uint32_t)in.i_gid_high << 16;
	st->st_size = ext2_size(&in);
	st->st_blocks = in.i_blocks;
	st->st_access_time = in.i_atime;
	st->st_modify_time = in.i_mtime;
	st->st_change_time = in.i_ctime;
	return 0;
}

int ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *sf)
{
	const struct ext2_super *sb = &fs->fs_sb;

	sf->f_bsize = fs->fs_bsize;
	sf->f_blocks = sb->s_blocks_count;
	sf->f_bfree = sb->s_free_blocks_count;
	sf->f_bavail = sb->s_free_blocks_count > sb->s_r_blocks_count
	                       ? sb->s_free_blocks_count - sb->s_r_blocks_count
	                       : 0;
	sf->f_files = sb->s_inodes_count;
	sf->f_ffree = sb->s_free_inodes_count;
	sf->f_namemax = EXT2_NAME_LEN;
	return 0;
}

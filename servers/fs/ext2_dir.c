/* ext2 directories: linear scans of the entry blocks, each entry checked
 * before it is used (rec_len within the block and a multiple of 4,
 * name_len within rec_len, the inode number in range), so a scan of any
 * image ends. htree-indexed directories read the same way (the index
 * hides in entries that look empty); the first change to one clears its
 * index flag, as Linux's ext2 does. Path lookup with symlinks too. */
#include "ext2_impl.h"

#define DIRENT_MIN EXT2_DIRENT_LEN(1)

/* One entry as a scan sees it: where it is, the entry before it in the
 * same block (UINT32_MAX: none), its name's length. */
struct dir_pos {
	uint64_t dp_lblk;
	uint32_t dp_pblk;
	uint32_t dp_off, dp_prev;
	uint32_t dp_name_len;
	struct ext2_dirent *dp_de;
	uint8_t *dp_block;
};

/* A visitor returns 0 to go on, anything else to stop the scan with it. */
typedef int (*dir_visit_fn)(struct ext2_fs *fs, struct dir_pos *dp, void *arg);

uint8_t ext2_mode_to_ft(uint16_t mode)
{
	switch (mode & EXT2_S_IFMT) {
	case EXT2_S_IFREG:
		return EXT2_FT_REG_FILE;
	case EXT2_S_IFDIR:
		return EXT2_FT_DIR;
	case EXT2_S_IFLNK:
		return EXT2_FT_SYMLINK;
	case EXT2_S_IFCHR:
		return EXT2_FT_CHRDEV;
	case EXT2_S_IFBLK:
		return EXT2_FT_BLKDEV;
	case EXT2_S_IFIFO:
		return EXT2_FT_FIFO;
	case EXT2_S_IFSOCK:
		return EXT2_FT_SOCK;
	}
	return EXT2_FT_UNKNOWN;
}

int ext2_check_name(const char *name, size_t *len)
{
	size_t n = strnlen(name, EXT2_NAME_LEN + 1);

	if (n == 0)
		return -ENOENT;
	if (n > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if (memchr(name, '/', n))
		return -EINVAL;
	*len = n;
	return 0;
}

int ext2_dir_get(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *in)
{
	int err = ext2_inode_get(fs, dir, in);

	if (err < 0)
		return err;
	return ext2_is_dir(in) ? 0 : -ENOTDIR;
}

static int dirent_check(struct ext2_fs *fs, struct dir_pos *dp)
{
	struct ext2_dirent *de = (struct ext2_dirent *)(dp->dp_block + dp->dp_off);

	if (dp->dp_off + DIRENT_MIN > fs->fs_bsize)
		return -EIO;
	if (de->rec_len < DIRENT_MIN || de->rec_len % 4 != 0 || dp->dp_off + de->rec_len > fs->fs_bsize)
		return -EIO;
	dp->dp_name_len = ext2_has_filetype(fs) ? de->name_len : de->name_len | (uint32_t)de->file_type << 8;
	if (de->inode != 0 && (dp->dp_name_len == 0 || EXT2_DIRENT_LEN(dp->dp_name_len) > de->rec_len ||
	                       de->inode > fs->fs_sb.s_inodes_count))
		return -EIO;
	dp->dp_de = de;
	return 0;
}

/* Visits each entry of directory din from byte `from` on, block by block
 * (the block in SCR_DIR while fn runs). Returns what fn stopped with, 0
 * at the end, -EIO for a malformed block or a hole. A block SCR_DIR still
 * holds as the disk has it (fs_dir_memo) is not read again: an open with
 * O_CREAT scans its directory three times. A visitor that changes the
 * block calls dir_block_changing first. */
static int dir_scan(struct ext2_fs *fs, const struct ext2_inode *din, uint64_t from, dir_visit_fn fn,
                    void *arg)
{
	struct dir_pos dp = { .dp_block = ext2_scratch(fs, SCR_DIR) };
	uint64_t nblocks = din->i_size / fs->fs_bsize;
	int r;

	for (dp.dp_lblk = from / fs->fs_bsize; dp.dp_lblk < nblocks; dp.dp_lblk++) {
		uint32_t skip = dp.dp_lblk == from / fs->fs_bsize ? from % fs->fs_bsize : 0;

		if ((r = ext2_bmap(fs, din, dp.dp_lblk, &dp.dp_pblk)) < 0)
			return r;
		if (dp.dp_pblk == 0)
			return -EIO;
		if (dp.dp_pblk != fs->fs_dir_memo) {
			fs->fs_dir_memo = 0;
			if (ext2_bread(fs, dp.dp_pblk, dp.dp_block) < 0)
				return -EIO;
			fs->fs_dir_memo = dp.dp_pblk;
		}
		dp.dp_prev = UINT32_MAX;
		for (dp.dp_off = 0; dp.dp_off < fs->fs_bsize; dp.dp_off += dp.dp_de->rec_len) {
			if ((r = dirent_check(fs, &dp)) < 0)
				return r;
			if (dp.dp_off >= skip && (r = fn(fs, &dp, arg)) != 0)
				return r;
			dp.dp_prev = dp.dp_off;
		}
	}
	return 0;
}

/* SCR_DIR's block is about to differ from the disk's, until written. */
static void dir_block_changing(struct ext2_fs *fs)
{
	fs->fs_dir_memo = 0;
}

struct find_arg {
	const char *fa_name;
	size_t fa_len;
	uint32_t fa_ino;
	struct dir_pos fa_pos;
};

static int find_visit(struct ext2_fs *fs, struct dir_pos *dp, void *arg)
{
	struct find_arg *fa = arg;

	(void)fs;
	if (dp->dp_de->inode == 0 || dp->dp_name_len != fa->fa_len ||
	    memcmp(dp->dp_de->name, fa->fa_name, fa->fa_len) != 0)
		return 0;
	fa->fa_ino = dp->dp_de->inode;
	fa->fa_pos = *dp;
	return 1;
}

int ext2_dir_find(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t *ino,
                  uint64_t *where)
{
	struct find_arg fa = { .fa_name = name, .fa_len = len };
	struct ext2_inode din;
	int r = ext2_dir_get(fs, dir, &din);

	if (r < 0)
		return r;
	r = dir_scan(fs, &din, 0, find_visit, &fa);
	if (r < 0)
		return r;
	if (r == 0)
		return -ENOENT;
	*ino = fa.fa_ino;
	if (where)
		*where = fa.fa_pos.dp_lblk * fs->fs_bsize + fa.fa_pos.dp_off;
	return 0;
}

int ext2_lookup(struct ext2_fs *fs, uint32_t dir, const char *name, uint32_t *ino)
{
	size_t len;
	int err = ext2_check_name(name, &len);

	return err < 0 ? err : ext2_dir_find(fs, dir, name, len, ino, NULL);
}

struct readdir_arg {
	struct ext2_entry *ra_e;
	uint64_t ra_next;
};

static int readdir_visit(struct ext2_fs *fs, struct dir_pos *dp, void *arg)
{
	struct readdir_arg *ra = arg;

	if (dp->dp_de->inode == 0)
		return 0;
	ra->ra_e->e_ino = dp->dp_de->inode;
	ra->ra_e->e_type = ext2_has_filetype(fs) ? dp->dp_de->file_type : EXT2_FT_UNKNOWN;
	ra->ra_e->e_name_len = (uint8_t)dp->dp_name_len;
	memcpy(ra->ra_e->e_name, dp->dp_de->name, dp->dp_name_len);
	ra->ra_e->e_name[dp->dp_name_len] = '\0';
	ra->ra_next = dp->dp_lblk * fs->fs_bsize + dp->dp_off + dp->dp_de->rec_len;
	return 1;
}

int ext2_readdir(struct ext2_fs *fs, uint32_t dir, uint64_t *pos, struct ext2_entry *e)
{
	struct readdir_arg ra = { .ra_e = e };
	struct ext2_inode din;
	int r = ext2_dir_get(fs, dir, &din);

	if (r < 0)
		return r;
	r = dir_scan(fs, &din, *pos, readdir_visit, &ra);
	if (r < 0)
		return r;
	*pos = r ? ra.ra_next : din.i_size;
	return r;
}

static int empty_visit(struct ext2_fs *fs, struct dir_pos *dp, void *arg)
{
	const char *n = dp->dp_de->name;

	(void)fs;
	(void)arg;
	if (dp->dp_de->inode == 0 || (dp->dp_name_len == 1 && n[0] == '.') ||
	    (dp->dp_name_len == 2 && n[0] == '.' && n[1] == '.'))
		return 0;
	return -ENOTEMPTY;
}

int ext2_dir_empty(struct ext2_fs *fs, uint32_t dir)
{
	struct ext2_inode din;
	int r = ext2_dir_get(fs, dir, &din);

	return r < 0 ? r : dir_scan(fs, &din, 0, empty_visit, NULL);
}

/* Before a directory changes: its htree index (if any) would go stale,
 * so the flag goes first, on the disk. */
static int dir_change_begin(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *din)
{
	int r = ext2_writable(fs);

	if (r < 0)
		return r;
	if ((r = ext2_dir_get(fs, dir, din)) < 0)
		return r;
	if (din->i_flags & EXT2_INDEX_FL) {
		din->i_flags &= ~EXT2_INDEX_FL;
		if ((r = ext2_inode_put(fs, dir, din)) < 0)
			return r;
		return ext2_order(fs);
	}
	return 0;
}

static int dir_change_end(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *din)
{
	din->i_mtime = din->i_ctime = ext2_now(fs);
	return ext2_inode_put(fs, dir, din);
}

static void dirent_fill(struct ext2_fs *fs, struct ext2_dirent *de, const char *name, size_t len,
                        uint32_t ino, uint16_t mode)
{
	de->inode = ino;
	de->name_len = (uint8_t)len;
	de->file_type = ext2_has_filetype(fs) ? ext2_mode_to_ft(mode) : 0;
	memcpy(de->name, name, len);
}

struct add_arg {
	const char *aa_name;
	size_t aa_len;
	uint32_t aa_ino;
	uint16_t aa_mode;
};

static int add_visit(struct ext2_fs *fs, struct dir_pos *dp, void *arg)
{
	struct add_arg *aa = arg;
	struct ext2_dirent *de = dp->dp_de;
	uint32_t used = de->inode ? EXT2_DIRENT_LEN(dp->dp_name_len) : 0;

	if (de->rec_len - used < EXT2_DIRENT_LEN(aa->aa_len))
		return 0;
	dir_block_changing(fs);
	if (used) {
		struct ext2_dirent *nde = (struct ext2_dirent *)((uint8_t *)de + used);

		nde->rec_len = (uint16_t)(de->rec_len - used);
		de->rec_len = (uint16_t)used;
		de = nde;
	}
	dirent_fill(fs, de, aa->aa_name, aa->aa_len, aa->aa_ino, aa->aa_mode);
	/* The inode it names (and its link count) on the disk first. */
	if (ext2_order(fs) < 0 || ext2_bwrite(fs, dp->dp_pblk, dp->dp_block) < 0)
		return -EIO;
	return 1;
}

/* A new block at the directory's end holding just the entry: written
 * before the pointer to it, the size grows with the inode. */
static int dir_grow(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *din, struct add_arg *aa)
{
	struct ext2_dirent *de = ext2_scratch(fs, SCR_NEW);
	uint32_t b;
	int r;

	if ((uint64_t)din->i_size + fs->fs_bsize > UINT32_MAX)
		return -EFBIG;
	if ((r = ext2_add_blocks(fs, din, 1)) < 0)
		return r;
	if ((r = ext2_block_alloc(fs, ext2_group_of_ino(fs, dir), &b)) < 0)
		return r;
	memset(de, 0, fs->fs_bsize);
	de->rec_len = (uint16_t)fs->fs_bsize;
	dirent_fill(fs, de, aa->aa_name, aa->aa_len, aa->aa_ino, aa->aa_mode);
	if ((r = ext2_bwrite(fs, b, de)) < 0 || (r = ext2_order(fs)) < 0 ||
	    (r = ext2_link_block(fs, dir, din, din->i_size / fs->fs_bsize, b)) < 0) {
		ext2_block_free(fs, b);
		return r;
	}
	din->i_size += fs->fs_bsize;
	return 0;
}

/* What an entry about to be written names must be live and of the
 * entry's type (ext2.h's rules put it on the disk first): a server whose
 * computation a flipped bit garbled may have written something else
 * there, and an entry naming a free inode is damage e2fsck reports,
 * where an error here leaves at worst a leak. Read through the cache,
 * which is what the order before the entry's write puts on the disk. */
static int names_a_live_inode(struct ext2_fs *fs, uint32_t ino, uint16_t mode)
{
	struct ext2_inode in;

	return ext2_inode_get(fs, ino, &in) < 0 || ext2_mode_to_ft(in.i_mode) != ext2_mode_to_ft(mode) ? -EIO
	                                                                                               : 0;
}

int ext2_dir_add(struct ext2_fs *fs, uint32_t dir, const char *name, uint32_t ino, uint16_t mode)
{
	struct add_arg aa = { .aa_name = name, .aa_ino = ino, .aa_mode = mode };
	struct ext2_inode din;
	int r = ext2_check_name(name, &aa.aa_len);

	if (r < 0 || (r = names_a_live_inode(fs, ino, mode)) < 0 || (r = dir_change_begin(fs, dir, &din)) < 0)
		return r;
	r = dir_scan(fs, &din, 0, add_visit, &aa);
	if (r == 0)
		r = dir_grow(fs, dir, &din, &aa);
	if (r < 0)
		return r;
	return dir_change_end(fs, dir, &din);
}

/* Finds name in dir for a change: the directory's inode in *din (index
 * flag cleared), the entry in fa->fa_pos with its block in SCR_DIR. */
static int dir_find_for_change(struct ext2_fs *fs, uint32_t dir, const char *name, struct ext2_inode *din,
                               struct find_arg *fa)
{
	int r = ext2_check_name(name, &fa->fa_len);

	fa->fa_name = name;
	if (r < 0 || (r = dir_change_begin(fs, dir, din)) < 0)
		return r;
	r = dir_scan(fs, din, 0, find_visit, fa);
	return r < 0 ? r : r == 0 ? -ENOENT : 0;
}

int ext2_dir_remove(struct ext2_fs *fs, uint32_t dir, const char *name)
{
	struct find_arg fa;
	struct ext2_inode din;
	int r = dir_find_for_change(fs, dir, name, &din, &fa);

	if (r < 0)
		return r;
	struct dir_pos *dp = &fa.fa_pos;

	dir_block_changing(fs);
	if (dp->dp_prev != UINT32_MAX) {
		struct ext2_dirent *prev = (struct ext2_dirent *)(dp->dp_block + dp->dp_prev);

		prev->rec_len = (uint16_t)(prev->rec_len + dp->dp_de->rec_len);
	} else {
		dp->dp_de->inode = 0;
	}
	if (ext2_bwrite(fs, dp->dp_pblk, dp->dp_block) < 0)
		return -EIO;
	return dir_change_end(fs, dir, &din);
}

int ext2_dir_set(struct ext2_fs *fs, uint32_t dir, const char *name, uint32_t ino, uint16_t mode)
{
	struct find_arg fa;
	struct ext2_inode din;
	int r = names_a_live_inode(fs, ino, mode);

	if (r < 0 || (r = dir_find_for_change(fs, dir, name, &din, &fa)) < 0)
		return r;
	dir_block_changing(fs);
	fa.fa_pos.dp_de->inode = ino;
	if (ext2_has_filetype(fs))
		fa.fa_pos.dp_de->file_type = ext2_mode_to_ft(mode);
	if (ext2_order(fs) < 0 || ext2_bwrite(fs, fa.fa_pos.dp_pblk, fa.fa_pos.dp_block) < 0)
		return -EIO;
	return dir_change_end(fs, dir, &din);
}

/* ext2 name operations: create, mkdir, symlink, unlink, rmdir, rename.
 * Each follows ext2.h's order: a new inode is written before the entry
 * naming it, a link count rises before a second entry appears and drops
 * after an entry goes, an inode is freed only when nothing names it. */
#include "ext2_impl.h"

static bool is_dot_or_dotdot(const char *name)
{
	return name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

/* Moves ino's link count by delta (re-read first: the caller's copy may
 * be stale); at 0 the inode and its blocks are freed. */
static int links_adjust(struct ext2_fs *fs, uint32_t ino, int delta)
{
	struct ext2_inode in;
	int r = ext2_inode_get(fs, ino, &in);

	if (r < 0)
		return r == -ESTALE ? -EIO : r;
	/* A count drops once the entry it counted is gone from the disk. */
	if (delta < 0 && (r = ext2_order(fs)) < 0)
		return r;
	if (delta > 0 && in.i_links_count >= EXT2_LINK_MAX)
		return -EMLINK;
	in.i_links_count = (uint16_t)(delta < 0 && in.i_links_count < -delta ? 0 : in.i_links_count + delta);
	in.i_ctime = ext2_now(fs);
	if (in.i_links_count == 0)
		return ext2_inode_release(fs, ino, &in);
	return ext2_inode_put(fs, ino, &in);
}

/* Checks that dir is a writable directory without an entry name. */
static int name_free(struct ext2_fs *fs, uint32_t dir, const char *name, struct ext2_inode *din)
{
	size_t len;
	uint32_t ino;
	int r = ext2_writable(fs);

	if (r < 0 || (r = ext2_check_name(name, &len)) < 0 || (r = ext2_dir_get(fs, dir, din)) < 0)
		return r;
	r = ext2_dir_find(fs, dir, name, len, &ino, NULL);
	return r == 0 ? -EEXIST : r == -ENOENT ? 0 : r;
}

/* A new inode in dir's group holding *in (mode, size, blocks set by the
 * caller), written before anything names it. */
static int inode_new(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *in, uint32_t *ino)
{
	int r = ext2_inode_alloc(fs, ext2_group_of_ino(fs, dir), ext2_is_dir(in), ino);

	if (r < 0)
		return r;
	in->i_atime = in->i_ctime = in->i_mtime = ext2_now(fs);
	r = ext2_inode_init(fs, *ino, in);
	if (r < 0)
		ext2_inode_free(fs, *ino, ext2_is_dir(in));
	return r;
}

/* Names a new inode in dir, or gives it back if that fails. */
static int name_new(struct ext2_fs *fs, uint32_t dir, const char *name, uint32_t ino, struct ext2_inode *in)
{
	int r = ext2_dir_add(fs, dir, name, ino, in->i_mode);

	if (r < 0)
		ext2_inode_release(fs, ino, in);
	return r;
}

int ext2_create(struct ext2_fs *fs, uint32_t dir, const char *name, uint16_t mode, uint32_t *ino)
{
	struct ext2_inode din, in = { .i_mode = EXT2_S_IFREG | (mode & 07777), .i_links_count = 1 };
	int r = name_free(fs, dir, name, &din);

	if (r < 0 || (r = inode_new(fs, dir, &in, ino)) < 0)
		return r;
	return name_new(fs, dir, name, *ino, &in);
}

int ext2_symlink(struct ext2_fs *fs, uint32_t dir, const char *name, const char *target, uint32_t *ino)
{
	struct ext2_inode din, in = { .i_mode = EXT2_S_IFLNK | 0777, .i_links_count = 1 };
	size_t len = strnlen(target, EXT2_PATH_MAX);
	uint8_t *blk = ext2_scratch(fs, SCR_NEW);
	uint32_t b = 0;
	int r = name_free(fs, dir, name, &din);

	if (r < 0)
		return r;
	if (len == 0)
		return -ENOENT;
	if (len >= EXT2_PATH_MAX || len >= fs->fs_bsize)
		return -ENAMETOOLONG;
	in.i_size = (uint32_t)len;
	if (len < EXT2_FAST_LINK_MAX) {
		memcpy(in.i_block, target, len);
	} else {
		if ((r = ext2_block_alloc(fs, ext2_group_of_ino(fs, dir), &b)) < 0)
			return r;
		memset(blk, 0, fs->fs_bsize);
		memcpy(blk, target, len);
		in.i_block[0] = b;
		ext2_add_blocks(fs, &in, 1);
		if ((r = ext2_bwrite(fs, b, blk)) < 0 || (r = ext2_order(fs)) < 0) {
			ext2_block_free(fs, b);
			return r;
		}
	}
	if ((r = inode_new(fs, dir, &in, ino)) < 0) {
		if (b)
			ext2_block_free(fs, b);
		return r;
	}
	return name_new(fs, dir, name, *ino, &in);
}

int ext2_mkdir(struct ext2_fs *fs, uint32_t dir, const char *name, uint16_t mode, uint32_t *ino)
{
	struct ext2_inode din, in = { .i_mode = EXT2_S_IFDIR | (mode & 07777), .i_links_count = 2 };
	struct ext2_dirent *de = ext2_scratch(fs, SCR_NEW);
	uint32_t b;
	int r = name_free(fs, dir, name, &din);

	if (r < 0)
		return r;
	if (din.i_links_count >= EXT2_LINK_MAX)
		return -EMLINK;
	if ((r = ext2_inode_alloc(fs, ext2_group_of_ino(fs, dir), true, ino)) < 0)
		return r;
	if ((r = ext2_block_alloc(fs, ext2_group_of_ino(fs, *ino), &b)) < 0)
		goto free_inode;
	/* "." and ".." fill the first block. */
	memset(de, 0, fs->fs_bsize);
	de->inode = *ino;
	de->rec_len = EXT2_DIRENT_LEN(1);
	de->name_len = 1;
	de->file_type = ext2_has_filetype(fs) ? EXT2_FT_DIR : 0;
	de->name[0] = '.';
	de = (struct ext2_dirent *)((uint8_t *)de + EXT2_DIRENT_LEN(1));
	de->inode = dir;
	de->rec_len = (uint16_t)(fs->fs_bsize - EXT2_DIRENT_LEN(1));
	de->name_len = 2;
	de->file_type = ext2_has_filetype(fs) ? EXT2_FT_DIR : 0;
	memcpy(de->name, "..", 2);
	in.i_size = fs->fs_bsize;
	in.i_block[0] = b;
	ext2_add_blocks(fs, &in, 1);
	in.i_atime = in.i_ctime = in.i_mtime = ext2_now(fs);
	/* The parent's count covers the new ".." before the inode holding
	 * it exists, and the block before the inode points at it. */
	if ((r = ext2_bwrite(fs, b, ext2_scratch(fs, SCR_NEW))) < 0 || (r = links_adjust(fs, dir, 1)) < 0) {
		ext2_block_free(fs, b);
		goto free_inode;
	}
	if ((r = ext2_order(fs)) < 0 || (r = ext2_inode_init(fs, *ino, &in)) < 0) {
		links_adjust(fs, dir, -1);
		ext2_block_free(fs, b);
		goto free_inode;
	}
	if ((r = ext2_dir_add(fs, dir, name, *ino, in.i_mode)) < 0) {
		ext2_inode_release(fs, *ino, &in);
		links_adjust(fs, dir, -1);
	}
	return r;
free_inode:
	ext2_inode_free(fs, *ino, true);
	return r;
}

/* The inode dir/name names, for a change: *ino and *in. */
static int name_get(struct ext2_fs *fs, uint32_t dir, const char *name, uint32_t *ino, struct ext2_inode *in)
{
	size_t len;
	int r = ext2_writable(fs);

	if (r < 0 || (r = ext2_check_name(name, &len)) < 0 ||
	    (r = ext2_dir_find(fs, dir, name, len, ino, NULL)) < 0)
		return r;
	r = ext2_inode_get(fs, *ino, in);
	return r == -ESTALE ? -EIO : r; /* an entry naming a free inode */
}

int ext2_unlink(struct ext2_fs *fs, uint32_t dir, const char *name)
{
	struct ext2_inode in;
	uint32_t ino;
	int r = name_get(fs, dir, name, &ino, &in);

	if (r < 0)
		return r;
	if (ext2_is_dir(&in))
		return -EISDIR;
	if ((r = ext2_dir_remove(fs, dir, name)) < 0)
		return r;
	return links_adjust(fs, ino, -1);
}

int ext2_rmdir(struct ext2_fs *fs, uint32_t dir, const char *name)
{
	struct ext2_inode in;
	uint32_t ino;
	int r;

	if (strcmp(name, ".") == 0)
		return -EINVAL;
	if (strcmp(name, "..") == 0)
		return -ENOTEMPTY;
	if ((r = name_get(fs, dir, name, &ino, &in)) < 0)
		return r;
	if (!ext2_is_dir(&in))
		return -ENOTDIR;
	if ((r = ext2_dir_empty(fs, ino)) < 0)
		return r;
	if ((r = ext2_dir_remove(fs, dir, name)) < 0)
		return r;
	if ((r = ext2_inode_get(fs, ino, &in)) < 0 || (r = ext2_inode_release(fs, ino, &in)) < 0)
		return r;
	return links_adjust(fs, dir, -1); /* its ".." is gone */
}

/* Whether directory dir is ino or lies below it, walking ".." up to the
 * root; a walk longer than there are inodes means a loop: -EIO. */
static int dir_below(struct ext2_fs *fs, uint32_t dir, uint32_t ino)
{
	uint32_t cur = dir, parent;

	for (uint32_t steps = 0; steps <= fs->fs_sb.s_inodes_count; steps++) {
		if (cur == ino)
			return 1;
		if (cur == EXT2_ROOT_INO)
			return 0;
		int r = ext2_dir_find(fs, cur, "..", 2, &parent, NULL);

		if (r < 0)
			return r == -ENOENT ? -EIO : r;
		if (parent == cur)
			return -EIO;
		cur = parent;
	}
	return -EIO;
}

/* What rename may do when nname exists (POSIX's rules); *replace says it does. */
static int rename_target(struct ext2_fs *fs, uint32_t sino, const struct ext2_inode *sin, uint32_t ndir,
                         const char *nname, uint32_t *tino, bool *replace)
{
	struct ext2_inode tin;
	size_t len = strlen(nname);
	int r = ext2_dir_find(fs, ndir, nname, len, tino, NULL);

	*replace = r == 0;
	if (r == -ENOENT || (r == 0 && *tino == sino))
		return 0;
	if (r < 0 || (r = ext2_inode_get(fs, *tino, &tin)) < 0)
		return r == -ESTALE ? -EIO : r;
	if (ext2_is_dir(sin) && !ext2_is_dir(&tin))
		return -ENOTDIR;
	if (!ext2_is_dir(sin) && ext2_is_dir(&tin))
		return -EISDIR;
	return ext2_is_dir(&tin) ? ext2_dir_empty(fs, *tino) : 0;
}

int ext2_rename(struct ext2_fs *fs, uint32_t odir, const char *oname, uint32_t ndir, const char *nname)
{
	struct ext2_inode sin, ndin;
	uint32_t sino, tino = 0;
	bool replace, moves_dir;
	size_t len;
	int r;

	if ((r = ext2_check_name(nname, &len)) < 0 || (r = name_get(fs, odir, oname, &sino, &sin)) < 0 ||
	    (r = ext2_dir_get(fs, ndir, &ndin)) < 0)
		return r;
	if (is_dot_or_dotdot(oname) || is_dot_or_dotdot(nname))
		return -EINVAL;
	if ((r = rename_target(fs, sino, &sin, ndir, nname, &tino, &replace)) < 0)
		return r;
	if (replace && tino == sino)
		return 0;
	moves_dir = ext2_is_dir(&sin) && odir != ndir;
	if (moves_dir && (r = dir_below(fs, ndir, sino)) != 0)
		return r < 0 ? r : -EINVAL;
	if (moves_dir && !replace && ndin.i_links_count >= EXT2_LINK_MAX)
		return -EMLINK;

	/* Checked; now the changes, each leaving a state e2fsck repairs. */
	if ((r = links_adjust(fs, sino, 1)) < 0)
		return r;
	r = replace ? ext2_dir_set(fs, ndir, nname, sino, sin.i_mode)
	            : ext2_dir_add(fs, ndir, nname, sino, sin.i_mode);
	if (r < 0) {
		links_adjust(fs, sino, -1);
		return r;
	}
	if ((r = ext2_dir_remove(fs, odir, oname)) < 0 || (r = links_adjust(fs, sino, -1)) < 0)
		return r;
	if (moves_dir) {
		if ((r = links_adjust(fs, ndir, 1)) < 0 ||
		    (r = ext2_dir_set(fs, sino, "..", ndir, sin.i_mode)) < 0 ||
		    (r = links_adjust(fs, odir, -1)) < 0)
			return r;
	}
	if (!replace)
		return 0;
	if (ext2_is_dir(&sin)) {
		/* The replaced directory loses its name and its "."; ndir its "..". */
		if ((r = links_adjust(fs, tino, -2)) < 0)
			return r;
		return links_adjust(fs, ndir, -1);
	}
	return links_adjust(fs, tino, -1);
}

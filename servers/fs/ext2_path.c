/* ext2 path lookup: components, "." and ".." (the directories' own
 * entries), symlinks fast (the target in i_block) and slow (in a block),
 * at most EXT2_SYMLINK_MAX of them per lookup. */
#include "ext2_impl.h"

/* A symlink's target into out (cap bytes at least EXT2_PATH_MAX),
 * unterminated; returns its length. */
static int link_target(struct ext2_fs *fs, const struct ext2_inode *in, char *out)
{
	uint32_t len = in->i_size, b;
	int r;

	if (!ext2_is_lnk(in))
		return -EINVAL;
	if (len < EXT2_FAST_LINK_MAX) {
		memcpy(out, in->i_block, len);
	} else {
		if ((r = ext2_bmap(fs, in, 0, &b)) < 0)
			return r;
		if (b == 0 || ext2_bread(fs, b, ext2_scratch(fs, SCR_DATA)) < 0)
			return -EIO;
		memcpy(out, ext2_scratch(fs, SCR_DATA), len);
	}
	return memchr(out, '\0', len) ? -EIO : (int)len;
}

int ext2_readlink(struct ext2_fs *fs, uint32_t ino, char *buf, size_t len)
{
	struct ext2_inode in;
	char *tmp = fs->fs_path + EXT2_PATH_MAX;
	int r = ext2_inode_get(fs, ino, &in);

	if (r < 0 || (r = link_target(fs, &in, tmp)) < 0)
		return r;
	if ((size_t)r >= len)
		return -ENAMETOOLONG;
	memcpy(buf, tmp, (size_t)r);
	buf[r] = '\0';
	return r;
}

/* Replaces the path's first `used` bytes (up to and including the
 * symlink's name) by the link's target, in fs_path. */
static int splice_link(struct ext2_fs *fs, const struct ext2_inode *in, char **p)
{
	char *buf = fs->fs_path, *target = fs->fs_path + EXT2_PATH_MAX;
	size_t rest = strlen(*p);
	int tlen = link_target(fs, in, target);

	if (tlen < 0)
		return tlen;
	if ((size_t)tlen + rest + 1 > EXT2_PATH_MAX)
		return -ENAMETOOLONG;
	memmove(buf + tlen, *p, rest + 1);
	memcpy(buf, target, (size_t)tlen);
	*p = buf;
	return 0;
}

int ext2_resolve(struct ext2_fs *fs, uint32_t cwd, const char *path, bool follow_last, uint32_t *ino)
{
	size_t len = strnlen(path, EXT2_PATH_MAX);
	char *p = fs->fs_path;
	uint32_t cur = path[0] == '/' ? EXT2_ROOT_INO : cwd, next;
	unsigned links = 0;
	struct ext2_inode in;
	int r;

	if (len == 0)
		return -ENOENT;
	if (len == EXT2_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(p, path, len + 1);
	if ((r = ext2_dir_get(fs, cur, &in)) < 0)
		return r;
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		char *name = p;

		while (*p && *p != '/')
			p++;
		size_t nlen = (size_t)(p - name);
		bool slash = *p == '/', last = true;

		for (char *q = p; *q; q++)
			last &= *q == '/';
		if (nlen > EXT2_NAME_LEN)
			return -ENAMETOOLONG;
		if ((r = ext2_dir_find(fs, cur, name, nlen, &next, NULL)) < 0)
			return r;
		r = ext2_inode_get(fs, next, &in);
		if (r < 0)
			return r == -ESTALE ? -EIO : r; /* an entry naming a free inode */
		if (ext2_is_lnk(&in) && (!last || follow_last || slash)) {
			if (++links > EXT2_SYMLINK_MAX)
				return -ELOOP;
			if ((r = splice_link(fs, &in, &p)) < 0)
				return r;
			if (*p == '/')
				cur = EXT2_ROOT_INO;
			continue;
		}
		if (!ext2_is_dir(&in) && !last)
			return -ENOTDIR;
		if (!ext2_is_dir(&in) && slash)
			return -ENOTDIR;
		cur = next;
	}
	*ino = cur;
	return 0;
}

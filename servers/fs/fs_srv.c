/* The filesystem protocol (include/kestrel/proto/fs.h) over the ext2
 * library: paths split and resolved from the root, handles checked against
 * the inode's generation, and every change synced (ext2_sync: metadata,
 * then the driver's flush) before it is answered. */
#include <errno.h>
#include <string.h>

#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/proto/fs.h>

#include "fs_srv.h"
#include "server.h"
#include "window.h"

PROTO_SERVER(FS_OPS)

struct ext2_fs *fs_mounted;

/* Every handler starts with this: the filesystem, or ENODEV. */
#define MOUNTED(fs)                      \
	struct ext2_fs *fs = fs_mounted; \
	if (!fs)                         \
		return FS_ERROR(ENODEV); \
	fs_clock_tick();                 \
	(void)ctx

static long fs_result(int err)
{
	return err < 0 ? FS_ERROR(-err) : 0;
}

/* The answer to a change: err, or ext2_sync's failure. Synced even after a
 * failed change, which may have allocated before it failed. */
static long fs_synced(struct ext2_fs *fs, int err)
{
	int s = ext2_sync(fs);

	return fs_result(err < 0 ? err : s);
}

static int path_check(const char *path)
{
	if (!memchr(path, 0, FS_PATH_MAX))
		return -ENAMETOOLONG;
	return path[0] ? 0 : -ENOENT;
}

/* Splits path into its directory, resolved into *dir, and its last name,
 * copied to name (trailing slashes dropped). "/" has no name: EEXIST. */
static int path_parent(struct ext2_fs *fs, const char *path, uint32_t *dir, char *name)
{
	char buf[FS_PATH_MAX];
	char *slash;
	size_t len;
	int err = path_check(path);

	if (err < 0)
		return err;
	strcpy(buf, path);
	for (len = strlen(buf); len > 1 && buf[len - 1] == '/'; len--)
		buf[len - 1] = 0;
	slash = strrchr(buf, '/');
	strcpy(name, slash ? slash + 1 : buf);
	if (!name[0])
		return -EEXIST;
	if (slash == buf)
		strcpy(buf, "/");
	else if (slash)
		*slash = 0;
	else
		strcpy(buf, "/");
	return ext2_resolve(fs, EXT2_ROOT_INO, buf, true, dir);
}

/* The inode a handle names, if it is still that file: ESTALE once it was
 * removed (or its number reused: the generation differs). */
static int handle_get(struct ext2_fs *fs, const struct fs_handle *h, struct ext2_stat *st)
{
	int err;

	if (h->fh_ino == 0 || h->fh_ino > fs->fs_sb.s_inodes_count)
		return -ESTALE;
	err = ext2_stat(fs, (uint32_t)h->fh_ino, st);
	if (err < 0)
		return err == -EIO ? err : -ESTALE;
	if (st->st_generation != h->fh_generation || st->st_nlink == 0 || st->st_mode == 0)
		return -ESTALE;
	return 0;
}

static long attr(struct ext2_fs *fs, uint32_t ino, struct fs_attr_rep *r)
{
	struct ext2_stat st;
	int err = ext2_stat(fs, ino, &st);

	if (err < 0)
		return fs_result(err);
	*r = (struct fs_attr_rep){
		.h = { st.st_ino, st.st_generation },
		.mode = st.st_mode,
		.nlink = st.st_nlink,
		.size = st.st_size,
		.blocks = st.st_blocks,
		.uid = st.st_uid,
		.gid = st.st_gid,
		.atime = st.st_access_time,
		.mtime = st.st_modify_time,
		.ctime = st.st_change_time,
	};
	return 0;
}

long fs_lookup_srv(struct proto_ctx *ctx, const struct fs_path_req *q, struct fs_attr_rep *r)
{
	MOUNTED(fs);
	uint32_t ino;
	int err = path_check(q->path);

	if (err == 0)
		err = ext2_resolve(fs, EXT2_ROOT_INO, q->path, false, &ino);
	return err < 0 ? fs_result(err) : attr(fs, ino, r);
}

long fs_open_srv(struct proto_ctx *ctx, const struct fs_open_req *q, struct fs_attr_rep *r)
{
	MOUNTED(fs);
	char name[FS_PATH_MAX];
	uint32_t ino = 0, dir;
	bool creat = q->flags & FS_O_CREAT;
	long e = 0;
	int err = path_check(q->path);

	if (err == 0)
		err = ext2_resolve(fs, EXT2_ROOT_INO, q->path, true, &ino);
	if (err == 0 && creat && (q->flags & FS_O_EXCL))
		return FS_ERROR(EEXIST);
	if (err == -ENOENT && creat) {
		err = path_parent(fs, q->path, &dir, name);
		if (err == 0)
			e = fs_synced(fs, ext2_create(fs, dir, name, q->mode & 07777, &ino));
	} else if (err == 0 && (q->flags & FS_O_TRUNC)) {
		struct ext2_stat st;

		err = ext2_stat(fs, ino, &st);
		if (err == 0 && (st.st_mode & FS_S_IFMT) == FS_S_IFDIR)
			err = -EISDIR;
		if (err == 0)
			e = fs_synced(fs, ext2_truncate(fs, ino, 0));
	}
	if (err < 0)
		return fs_result(err);
	return e < 0 ? e : attr(fs, ino, r);
}

/* The last handle regular() found naming a regular file. Checking a
 * handle reads its inode, which ext2_read and ext2_write then read again
 * (each a copy of the whole inode table block out of the cache), and a
 * program reads and writes one file many times in a row. What the check
 * finds (the generation, the type) changes only when the inode is freed,
 * and only unlink, rmdir and rename free one: they forget the handle
 * (forget_handles) before they change anything. A restart forgets it too. */
static struct fs_handle known_regular;

static void forget_handles(void)
{
	known_regular = (struct fs_handle){ 0, 0 };
}

/* A handle's regular file for read and write: EISDIR for a directory,
 * EINVAL for anything else. */
static int regular(struct ext2_fs *fs, const struct fs_handle *h)
{
	struct ext2_stat st;
	int err;

	if (h->fh_ino != 0 && h->fh_ino == known_regular.fh_ino &&
	    h->fh_generation == known_regular.fh_generation)
		return 0;
	if ((err = handle_get(fs, h, &st)) < 0)
		return err;
	if ((st.st_mode & FS_S_IFMT) == FS_S_IFDIR)
		return -EISDIR;
	if ((st.st_mode & FS_S_IFMT) != FS_S_IFREG)
		return -EINVAL;
	known_regular = *h;
	return 0;
}

/* count bytes of h's file at offset into buf (at most FS_IO_MAX). */
static long file_read(struct ext2_fs *fs, const struct fs_handle *h, uint64_t offset, uint8_t *buf,
                      uint64_t count, struct fs_io_rep *r)
{
	int64_t n;
	int err;

	if (count > FS_IO_MAX)
		return PE_BAD_REQUEST;
	if ((err = regular(fs, h)) < 0)
		return fs_result(err);
	n = ext2_read(fs, (uint32_t)h->fh_ino, offset, buf, count);
	if (n < 0)
		return fs_result((int)n);
	r->done = (uint64_t)n;
	return 0;
}

/* count bytes from buf into h's file at offset, answered once on the disk. */
static long file_write(struct ext2_fs *fs, const struct fs_handle *h, uint64_t offset, const uint8_t *buf,
                       uint64_t count, struct fs_io_rep *r)
{
	int64_t n;
	long e;
	int err;

	if (count > FS_IO_MAX)
		return PE_BAD_REQUEST;
	if ((err = regular(fs, h)) < 0)
		return fs_result(err);
	n = ext2_write(fs, (uint32_t)h->fh_ino, offset, buf, count);
	if ((e = fs_synced(fs, n < 0 ? (int)n : 0)) < 0)
		return e;
	r->done = (uint64_t)n;
	return 0;
}

long fs_read_srv(struct proto_ctx *ctx, const struct fs_io_req *q, struct fs_io_rep *r)
{
	MOUNTED(fs);
	if (q->count > ctx->pc_lease_len)
		return PE_BAD_REQUEST;
	return file_read(fs, &q->h, q->offset, ctx->pc_lease, q->count, r);
}

long fs_write_srv(struct proto_ctx *ctx, const struct fs_io_req *q, struct fs_io_rep *r)
{
	MOUNTED(fs);
	if (q->count > ctx->pc_lease_len)
		return PE_BAD_REQUEST;
	return file_write(fs, &q->h, q->offset, ctx->pc_lease, q->count, r);
}

long fs_stat_srv(struct proto_ctx *ctx, const struct fs_handle_req *q, struct fs_attr_rep *r)
{
	MOUNTED(fs);
	struct ext2_stat st;
	int err = handle_get(fs, &q->h, &st);

	return err < 0 ? fs_result(err) : attr(fs, st.st_ino, r);
}

long fs_truncate_srv(struct proto_ctx *ctx, const struct fs_truncate_req *q, struct fs_attr_rep *r)
{
	MOUNTED(fs);
	long e;
	int err = regular(fs, &q->h);

	if (err < 0)
		return fs_result(err);
	e = fs_synced(fs, ext2_truncate(fs, (uint32_t)q->h.fh_ino, q->size));
	return e < 0 ? e : attr(fs, (uint32_t)q->h.fh_ino, r);
}

/* unlink and rmdir: a name removed from its directory by remove. */
static long name_remove(struct proto_ctx *ctx, const struct fs_path_req *q,
                        int (*remove)(struct ext2_fs *, uint32_t, const char *))
{
	MOUNTED(fs);
	char name[FS_PATH_MAX];
	uint32_t dir;
	int err = path_parent(fs, q->path, &dir, name);

	forget_handles();
	return err < 0 ? fs_result(err) : fs_synced(fs, remove(fs, dir, name));
}

long fs_unlink_srv(struct proto_ctx *ctx, const struct fs_path_req *q, struct fs_none *r)
{
	(void)r;
	return name_remove(ctx, q, ext2_unlink);
}

long fs_mkdir_srv(struct proto_ctx *ctx, const struct fs_mkdir_req *q, struct fs_attr_rep *r)
{
	MOUNTED(fs);
	char name[FS_PATH_MAX];
	uint32_t dir, ino;
	long e;
	int err = path_parent(fs, q->path, &dir, name);

	if (err < 0)
		return fs_result(err);
	e = fs_synced(fs, ext2_mkdir(fs, dir, name, q->mode & 07777, &ino));
	return e < 0 ? e : attr(fs, ino, r);
}

long fs_rmdir_srv(struct proto_ctx *ctx, const struct fs_path_req *q, struct fs_none *r)
{
	(void)r;
	return name_remove(ctx, q, ext2_rmdir);
}

long fs_rename_srv(struct proto_ctx *ctx, const struct fs_two_paths_req *q, struct fs_none *r)
{
	MOUNTED(fs);
	char oname[FS_PATH_MAX], nname[FS_PATH_MAX];
	uint32_t odir, ndir;
	int err = path_parent(fs, q->from, &odir, oname);

	(void)r;
	forget_handles();
	if (err == 0)
		err = path_parent(fs, q->to, &ndir, nname);
	return err < 0 ? fs_result(err) : fs_synced(fs, ext2_rename(fs, odir, oname, ndir, nname));
}

/* from: the new link's path; to: its target, stored as given. */
long fs_symlink_srv(struct proto_ctx *ctx, const struct fs_two_paths_req *q, struct fs_attr_rep *r)
{
	MOUNTED(fs);
	char name[FS_PATH_MAX];
	uint32_t dir, ino;
	long e;
	int err = path_parent(fs, q->from, &dir, name);

	if (err == 0)
		err = path_check(q->to);
	if (err < 0)
		return fs_result(err);
	e = fs_synced(fs, ext2_symlink(fs, dir, name, q->to, &ino));
	return e < 0 ? e : attr(fs, ino, r);
}

static uint16_t dirent_type(uint8_t ft)
{
	static const uint16_t type[] = {
		[EXT2_FT_REG_FILE] = 010, [EXT2_FT_DIR] = 004,  [EXT2_FT_CHRDEV] = 002,
		[EXT2_FT_BLKDEV] = 006,   [EXT2_FT_FIFO] = 001, [EXT2_FT_SOCK] = 014,
		[EXT2_FT_SYMLINK] = 012,
	};

	return ft < sizeof(type) / sizeof(type[0]) ? type[ft] : 0;
}

/* Entries of directory h from cookie into out, as many as max. */
static long dir_read(struct ext2_fs *fs, const struct fs_handle *h, uint64_t cookie, struct fs_dirent *out,
                     size_t max, struct fs_readdir_rep *r)
{
	struct ext2_entry e;
	struct ext2_stat st;
	uint64_t pos = cookie;
	int err = handle_get(fs, h, &st);

	if (err < 0)
		return fs_result(err);
	if ((st.st_mode & FS_S_IFMT) != FS_S_IFDIR)
		return FS_ERROR(ENOTDIR);
	for (r->count = 0; r->count < max; r->count++) {
		uint64_t at = pos;

		if ((err = ext2_readdir(fs, (uint32_t)h->fh_ino, &pos, &e)) <= 0) {
			pos = at;
			break;
		}
		out[r->count] = (struct fs_dirent){ e.e_ino, dirent_type(e.e_type), e.e_name_len, { 0 } };
		memcpy(out[r->count].d_name, e.e_name, e.e_name_len + 1u);
	}
	r->cookie = pos;
	return err < 0 ? fs_result(err) : 0;
}

long fs_readdir_srv(struct proto_ctx *ctx, const struct fs_readdir_req *q, struct fs_readdir_rep *r)
{
	MOUNTED(fs);
	return dir_read(fs, &q->h, q->cookie, (struct fs_dirent *)ctx->pc_lease,
	                ctx->pc_lease_len / sizeof(struct fs_dirent), r);
}

long fs_readlink_srv(struct proto_ctx *ctx, const struct fs_handle_req *q, struct fs_readlink_rep *r)
{
	MOUNTED(fs);
	struct ext2_stat st;
	int n = handle_get(fs, &q->h, &st);

	if (n == 0 && (st.st_mode & FS_S_IFMT) != FS_S_IFLNK)
		n = -EINVAL;
	if (n == 0)
		n = ext2_readlink(fs, st.st_ino, r->target, FS_PATH_MAX);
	if (n < 0)
		return fs_result(n);
	r->len = (uint64_t)n;
	return 0;
}

long fs_statfs_srv(struct proto_ctx *ctx, const struct fs_none *q, struct fs_statfs_rep *r)
{
	MOUNTED(fs);
	struct ext2_statfs sf;
	int err = ext2_statfs(fs, &sf);

	(void)q;
	if (err < 0)
		return fs_result(err);
	*r = (struct fs_statfs_rep){ sf.f_bsize, sf.f_blocks, sf.f_bfree,  sf.f_bavail,
		                     sf.f_files, sf.f_ffree,  sf.f_namemax };
	return 0;
}

/* The window: kept by window.c, which takes our copy of the share. */
long fs_window_attach_srv(struct proto_ctx *ctx, const struct fs_window_attach_req *q,
                          struct fs_window_attach_rep *r)
{
	long e = window_attach(ctx->pc_badge, ctx->pc_caps[0], q->bytes);

	if (e == E_OK) {
		ctx->pc_caps[0] = CAP_NULL;
		r->bytes = q->bytes;
	}
	return e;
}

long fs_window_read_srv(struct proto_ctx *ctx, const struct fs_window_io_req *q, struct fs_io_rep *r)
{
	MOUNTED(fs);
	uint8_t *buf;
	long e = window_get(ctx->pc_badge, q->at, q->count, &buf);

	return e < 0 ? e : file_read(fs, &q->h, q->offset, buf, q->count, r);
}

long fs_window_write_srv(struct proto_ctx *ctx, const struct fs_window_io_req *q, struct fs_io_rep *r)
{
	MOUNTED(fs);
	uint8_t *buf;
	long e = window_get(ctx->pc_badge, q->at, q->count, &buf);

	return e < 0 ? e : file_write(fs, &q->h, q->offset, buf, q->count, r);
}

/* The entries start at the window's offset at, which need not be aligned
 * for struct fs_dirent: an unaligned at is refused. */
long fs_window_readdir_srv(struct proto_ctx *ctx, const struct fs_window_readdir_req *q,
                           struct fs_readdir_rep *r)
{
	MOUNTED(fs);
	uint8_t *buf;
	long e = window_get(ctx->pc_badge, q->at, q->count, &buf);

	if (e < 0)
		return e;
	if (q->at % _Alignof(struct fs_dirent))
		return E_BAD_ARG;
	return dir_read(fs, &q->h, q->cookie, (struct fs_dirent *)buf, q->count / sizeof(struct fs_dirent),
	                r);
}

const struct proto_op fs_ops[] = PROTO_TABLE(FS_OPS);
const unsigned fs_nops = sizeof(fs_ops) / sizeof(fs_ops[0]);

/* The filesystem (servers/fs/): files named by paths and by handles that
 * stay valid across the server's restarts. A handle is the file's inode
 * number and that inode's generation (as NFS file handles are): the server
 * keeps no state per client and no open-file table, so after a restart the
 * next instance finds the same file from the handle alone, and a handle
 * whose inode was freed (or freed and reused) answers ESTALE rather than
 * another file's data. File offsets live in the client.
 *
 * Paths are absolute (a leading '/' is optional), at most FS_PATH_MAX - 1
 * bytes, NUL-padded in the request; one without a NUL is ENAMETOOLONG.
 * Data moves through leases, at most FS_IO_MAX bytes a call:
 *   read: count bytes at offset into the lease (PROTO_LEASE_WRITE); fewer
 *     at the end of the file.
 *   write: count bytes from the lease at offset, growing the file;
 *     answered only when the data and the metadata are on the disk
 *     (ext2_sync, then the block driver's flush). So are create, truncate,
 *     unlink, mkdir, rmdir, rename and symlink.
 *   readdir: entries from cookie (0: the first) into the lease as struct
 *     fs_dirent, as many as fit; the reply gives their count and the
 *     cookie of the next (count 0: the end).
 *
 * The window: a client may instead lend the server a buffer of its own
 * once (window_attach: a read-write share, kestrel share_create, of
 * FS_WINDOW_MAX bytes at most, a whole number of pages) and then move data
 * through it, named by an offset and a count within it (window_read,
 * window_write, window_readdir: as read, write and readdir), which saves
 * lending the pages on every call. The server maps a window when it is
 * attached and keeps it, one per client (by the badge the client calls
 * with: clients it cannot tell apart, badge 0, get E_NO_RIGHTS), in a
 * table of FS_WINDOWS; attaching again replaces the client's window, and a
 * new client's attach to a full table lets the least recently used go.
 * A window op answers PE_DETACHED when the server holds no window of the
 * client's: none was attached, it was let go for another client, the
 * server restarted (windows are not kept across restarts), or the client
 * revoked its share (obj_destroy, or its task died: the server checks that
 * the share is still there before each use and forgets it if not). The
 * client then attaches again and repeats the call, so a program never sees
 * a restart. Refusals: a capability that is not a share, E_WRONG_TYPE; a
 * read-only one, E_NO_RIGHTS; a size that is not the share's, not a
 * multiple of 4096 or above FS_WINDOW_MAX, or a range outside the window,
 * E_BAD_ARG.
 *
 * Idempotent, so retried by the stubs across a restart: lookup, read,
 * write (at its explicit offset), stat, truncate (to a size), readdir,
 * readlink, statfs, and the window's attach, read, write and readdir.
 * open, unlink, mkdir, rmdir, rename and symlink are not: cut off by a
 * restart they answer PE_RESTARTED and may or may not have happened (an
 * unlink done then repeated would answer ENOENT).
 *
 * Errors: the POSIX ones (ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY,
 * ENAMETOOLONG, ENOSPC, EROFS, ESTALE, EIO, ...) as FS_ERROR(errno), in
 * their own range below the kernel's and the protocol's errors; the
 * errno values are the C library's (<errno.h>), which the server and
 * every client share. */
#pragma once

#include <stdint.h>

#include <kestrel/protocols.h>

#define FS_PATH_MAX   256        /* bytes of a path field, its NUL included */
#define FS_NAME_MAX   255        /* bytes of one name */
#define FS_IO_MAX     (64 << 10) /* bytes one read or write moves */
#define FS_WINDOW_MAX FS_IO_MAX  /* bytes of the largest window */
#define FS_WINDOWS    16         /* windows the server keeps at once */

#define FS_ERRNO_BASE   1000
#define FS_ERROR(errno) (-(FS_ERRNO_BASE + (long)(errno)))

/* The errno an answer carries, or 0 if it is not a filesystem error. */
static inline int fs_errno(long e)
{
	return e <= -FS_ERRNO_BASE && e > -2 * FS_ERRNO_BASE ? (int)(-e - FS_ERRNO_BASE) : 0;
}

/* open's flags */
#define FS_O_CREAT 1u /* create a regular file if the path names nothing */
#define FS_O_EXCL  2u /* with FS_O_CREAT: EEXIST if it names something */
#define FS_O_TRUNC 4u /* a regular file's size to 0 (EISDIR for a directory) */

/* The file types of mode and of fs_dirent's type: POSIX's S_IF* bits. */
#define FS_S_IFMT  0170000u
#define FS_S_IFDIR 0040000u
#define FS_S_IFREG 0100000u
#define FS_S_IFLNK 0120000u

struct fs_handle {
	uint64_t fh_ino;
	uint64_t fh_generation;
};

struct fs_none {
	uint64_t unused;
};
struct fs_path_req {
	char path[FS_PATH_MAX];
};
struct fs_open_req {
	uint64_t flags; /* FS_O_* */
	uint64_t mode;  /* permission bits of a file it creates */
	char path[FS_PATH_MAX];
};
struct fs_mkdir_req {
	uint64_t mode;
	char path[FS_PATH_MAX];
};
struct fs_two_paths_req { /* rename: from, to; symlink: from is the new link, to its target */
	char from[FS_PATH_MAX];
	char to[FS_PATH_MAX];
};
struct fs_handle_req {
	struct fs_handle h;
};
struct fs_io_req {
	struct fs_handle h;
	uint64_t offset;
	uint64_t count;
};
struct fs_io_rep {
	uint64_t done; /* bytes moved */
};
struct fs_truncate_req {
	struct fs_handle h;
	uint64_t size;
};
struct fs_attr_rep {
	struct fs_handle h;
	uint64_t mode; /* type (FS_S_IF*) and permission bits */
	uint64_t nlink;
	uint64_t size;
	uint64_t blocks; /* 512-byte units */
	uint64_t uid, gid;
	uint64_t atime, mtime, ctime; /* seconds since 1970 */
};
struct fs_readdir_req {
	struct fs_handle h;
	uint64_t cookie;
};
struct fs_readdir_rep {
	uint64_t count;  /* entries in the lease */
	uint64_t cookie; /* where the next call starts */
};
struct fs_dirent {
	uint32_t d_ino;
	uint16_t d_type; /* FS_S_IF* >> 12, 0 when the filesystem does not say */
	uint16_t d_name_len;
	char d_name[FS_NAME_MAX + 1]; /* NUL-terminated */
};
struct fs_window_attach_req {
	uint64_t bytes; /* the share's size */
};
struct fs_window_attach_rep {
	uint64_t bytes;
};
struct fs_window_io_req {
	struct fs_handle h;
	uint64_t offset; /* in the file */
	uint64_t count;
	uint64_t at; /* where the data is in the window */
};
struct fs_window_readdir_req {
	struct fs_handle h;
	uint64_t cookie;
	uint64_t at, count; /* the bytes of the window that take the entries */
};
struct fs_readlink_rep {
	uint64_t len;
	char target[FS_PATH_MAX]; /* NUL-terminated; longer targets: ENAMETOOLONG */
};
struct fs_statfs_rep {
	uint64_t bsize, blocks, bfree, bavail, files, ffree, namemax;
};

_Static_assert(sizeof(struct fs_two_paths_req) <= PROTO_MAX_WORDS * 8, "two paths fit a request");
_Static_assert(sizeof(struct fs_dirent) == 264, "fs_dirent is packed by hand");

#define FS_OPS(X)                                                                                            \
	X(fs, lookup, FS_BASE + 1, PROTO_IDEMPOTENT, struct fs_path_req, struct fs_attr_rep)                 \
	X(fs, open, FS_BASE + 2, 0, struct fs_open_req, struct fs_attr_rep)                                  \
	X(fs, read, FS_BASE + 3, PROTO_IDEMPOTENT | PROTO_LEASE_WRITE, struct fs_io_req, struct fs_io_rep)   \
	X(fs, write, FS_BASE + 4, PROTO_IDEMPOTENT | PROTO_LEASE_READ, struct fs_io_req, struct fs_io_rep)   \
	X(fs, stat, FS_BASE + 5, PROTO_IDEMPOTENT, struct fs_handle_req, struct fs_attr_rep)                 \
	X(fs, truncate, FS_BASE + 6, PROTO_IDEMPOTENT, struct fs_truncate_req, struct fs_attr_rep)           \
	X(fs, unlink, FS_BASE + 7, 0, struct fs_path_req, struct fs_none)                                    \
	X(fs, mkdir, FS_BASE + 8, 0, struct fs_mkdir_req, struct fs_attr_rep)                                \
	X(fs, rmdir, FS_BASE + 9, 0, struct fs_path_req, struct fs_none)                                     \
	X(fs, rename, FS_BASE + 10, 0, struct fs_two_paths_req, struct fs_none)                              \
	X(fs, readdir, FS_BASE + 11, PROTO_IDEMPOTENT | PROTO_LEASE_WRITE, struct fs_readdir_req,            \
	  struct fs_readdir_rep)                                                                             \
	X(fs, symlink, FS_BASE + 12, 0, struct fs_two_paths_req, struct fs_attr_rep)                         \
	X(fs, readlink, FS_BASE + 13, PROTO_IDEMPOTENT, struct fs_handle_req, struct fs_readlink_rep)        \
	X(fs, statfs, FS_BASE + 14, PROTO_IDEMPOTENT, struct fs_none, struct fs_statfs_rep)                  \
	X(fs, window_attach, FS_BASE + 15, PROTO_IDEMPOTENT | PROTO_CAPS_IN(1), struct fs_window_attach_req, \
	  struct fs_window_attach_rep)                                                                       \
	X(fs, window_read, FS_BASE + 16, PROTO_IDEMPOTENT, struct fs_window_io_req, struct fs_io_rep)        \
	X(fs, window_write, FS_BASE + 17, PROTO_IDEMPOTENT, struct fs_window_io_req, struct fs_io_rep)       \
	X(fs, window_readdir, FS_BASE + 18, PROTO_IDEMPOTENT, struct fs_window_readdir_req,                  \
	  struct fs_readdir_rep)

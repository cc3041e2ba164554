/* Files of the filesystem server (include/kestrel/proto/fs.h): a back end
 * of the descriptor table (fd.h) whose object holds the file's handle, its
 * offset and open's flags, and the calls that name files by path (stat,
 * mkdir, rename, opendir, chdir, ...). A program whose manifest block says
 * `uses fs` finds the server at its first file call; any other gets ENOSYS.
 *
 * Paths: the server takes absolute ones. A relative path is taken against
 * the current directory (chdir), which the process keeps, and "." and ".."
 * are worked out here by the text, before the path is sent (so "link/.."
 * is the directory holding link, as a shell's logical cwd has it).
 *
 * The handles stay valid across the server's restarts and the offsets live
 * here, so open descriptors keep working through a restart; the protocol's
 * stubs retry reads, writes (at an explicit offset), stats and truncates.
 *
 * Data moves through the window, a buffer of ours the server maps once
 * (window_attach), when it fits there, else through a lease of the
 * caller's own buffer (see window_take). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/lock.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/proto/fs.h>

#include "fd.h"
#include "glue.h"
#include "server.h"
#include "slots.h"
#include "syscalls.h"

PROTO_CLIENT(FS_OPS)

#define SYMLINK_HOPS 8 /* symbolic links followed in a row before ELOOP */

enum { FS_UNKNOWN, FS_SERVER, FS_NONE };
static int fs_kind = FS_UNKNOWN;
static struct proto_client fs;

/* The current directory: absolute, normalised, without a trailing '/'
 * except for the root. Written only by chdir. */
static char cwd[FS_PATH_MAX] = "/";

/* An open file. ff_offset is shared by the descriptors dup made of it. */
struct fs_file {
	struct fs_handle ff_h;
	uint64_t ff_offset;
	int ff_flags; /* open's O_ACCMODE and O_APPEND bits */
	bool ff_dir;  /* a directory: opened read-only, read and write say EISDIR */
};

static bool fs_present(void)
{
	if (fs_kind == FS_UNKNOWN)
		fs_kind = server_self() && service_lookup("fs", &fs) == E_OK ? FS_SERVER : FS_NONE;
	return fs_kind == FS_SERVER;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

/* The errno of a failed call: the filesystem's own, else EIO (the server
 * gone, a restart cutting off a call that is not repeated, ...). */
static int errno_of(long e)
{
	int err = fs_errno(e);

	return err ? err : EIO;
}

/* path made absolute against base (an absolute, normalised directory),
 * with empty components, "." and ".." worked out, into out
 * (FS_PATH_MAX bytes, NUL-padded). 0 or an errno. */
static int path_resolve(const char *base, const char *path, char *out)
{
	size_t len = 0, n;

	memset(out, 0, FS_PATH_MAX);
	if (!path)
		return EFAULT;
	if (!*path)
		return ENOENT;
	if (*path != '/' && strcmp(base, "/") != 0) {
		len = strlen(base);
		memcpy(out, base, len);
	}
	for (const char *p = path; *p; p += n) {
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.'))
			continue;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[--len] != '/')
				;
			out[len] = '\0';
			continue;
		}
		if (n > FS_NAME_MAX || len + 1 + n >= FS_PATH_MAX)
			return ENAMETOOLONG;
		out[len++] = '/';
		memcpy(out + len, p, n);
		len += n;
		out[len] = '\0';
	}
	memset(out + len, 0, FS_PATH_MAX - len);
	if (len == 0)
		out[0] = '/';
	return 0;
}

/* Makes path a request's absolute path: 0, or -1 with errno set (ENOSYS
 * for a program that may not use the filesystem). */
static int request_path(const char *path, char *out)
{
	int err = fs_present() ? path_resolve(cwd, path, out) : ENOSYS;

	return err ? fail(err) : 0;
}

/* A call's answer as POSIX gives it: 0, or -1 with errno set. */
static int done(long e)
{
	return e == E_OK ? 0 : fail(errno_of(e));
}

/* The attributes of path (relative to the current directory), following a
 * symbolic link at its end when follow is set. 0 or an errno. */
static int path_lookup(const char *path, bool follow, struct fs_attr_rep *a)
{
	struct fs_path_req q;
	struct fs_readlink_rep l;
	char dir[FS_PATH_MAX];
	int err = path_resolve(cwd, path, q.path);
	long e;

	for (unsigned hops = 0; err == 0; hops++) {
		e = fs_lookup(&fs, &q, a);
		if (e != E_OK)
			return errno_of(e);
		if (!follow || (a->mode & FS_S_IFMT) != FS_S_IFLNK)
			break;
		if (hops == SYMLINK_HOPS)
			return ELOOP;
		e = fs_readlink(&fs, &(struct fs_handle_req){ a->h }, &l);
		if (e != E_OK)
			return errno_of(e);
		strcpy(dir, q.path); /* the link's directory: what a relative target is taken against */
		*strrchr(dir, '/') = '\0';
		err = path_resolve(dir[0] ? dir : "/", l.target, q.path);
	}
	return err;
}

static void stat_fill(const struct fs_attr_rep *a, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = a->h.fh_ino;
	st->st_mode = a->mode;
	st->st_nlink = a->nlink;
	st->st_uid = a->uid;
	st->st_gid = a->gid;
	st->st_size = a->size;
	st->st_blksize = 4096;
	st->st_blocks = a->blocks;
	st->st_atim.tv_sec = a->atime;
	st->st_mtim.tv_sec = a->mtime;
	st->st_ctim.tv_sec = a->ctime;
}

/* The window (fs.h: window_attach): WINDOW_BYTES of our own memory that
 * the server maps once and keeps, through which reads, writes and readdir
 * batches that fit move with one call and one copy here. A lease instead
 * costs a share made, mapped by the server, unmapped and destroyed on
 * every call, which only transfers bigger than the window repay (a lease
 * moves the caller's own pages, no copy). The server may forget the
 * window (it restarted, or let it go for another client's): it then
 * answers PE_DETACHED, and window_call attaches again and repeats the
 * call, so programs see nothing of it. One thread at a time uses the
 * window: __lock_glue_fs_window. */
#define WINDOW_BYTES (16u << 10)
#define WINDOW_TRIES 3 /* attaches one call makes before it takes a lease instead */

static struct {
	uint8_t *w_base;     /* NULL: not made yet */
	uint64_t w_share;    /* our share of it */
	uint64_t w_lent;     /* the copy we send: without R_CONTROL, so the server cannot revoke it */
	bool w_attached;     /* the server held it at our last call */
	bool w_failed;       /* it could not be made: leases only */
	unsigned w_attaches; /* attaches the server accepted */
} win;

__LOCK_INIT_RECURSIVE(glue_fs_window)

static void window_make(void)
{
	uint8_t *base = proto_lease_alloc(WINDOW_BYTES);
	uint64_t share = base ? slot_alloc() : CAP_NULL, lent = share ? slot_alloc() : CAP_NULL;

	if (lent != CAP_NULL && sys_share_create(proto_pool(), share, (uint64_t)base, WINDOW_BYTES / 4096,
	                                         R_READ | R_WRITE) == E_OK) {
		if (sys_cap_copy(share, glue_task_slot(), lent, R_READ | R_WRITE | R_GRANT, 0, 0) == E_OK) {
			win.w_base = base;
			win.w_share = share;
			win.w_lent = lent;
			return;
		}
		sys_obj_destroy(share);
		sys_cap_delete(share);
	}
	if (lent != CAP_NULL)
		slot_free(lent);
	if (share != CAP_NULL)
		slot_free(share);
	proto_lease_free(base, WINDOW_BYTES);
	win.w_failed = true;
}

/* Takes the window for one call, making it at the first: false, with
 * nothing held, when there is none (then the caller lends its buffer). */
static bool window_take(void)
{
	__lock_acquire_recursive(&__lock_glue_fs_window);
	if (!win.w_base && !win.w_failed)
		window_make();
	if (win.w_base)
		return true;
	__lock_release_recursive(&__lock_glue_fs_window);
	return false;
}

static void window_give(void)
{
	__lock_release_recursive(&__lock_glue_fs_window);
}

unsigned glue_fs_window_attaches(void)
{
	return win.w_attaches;
}

enum window_op { WINDOW_READ, WINDOW_WRITE, WINDOW_READDIR };

/* Makes a window call with the window taken (q and r: the operation's
 * request and reply), attaching the window first when the server may not
 * hold it. PE_DETACHED when the server would not take the window, or
 * forgot it again WINDOW_TRIES times in a row (clients that take each
 * other's places in its table): the caller then lends its buffer. */
static long window_call(enum window_op op, const void *q, void *r)
{
	long e = PE_DETACHED;

	for (unsigned i = 0; i < WINDOW_TRIES && e == PE_DETACHED; i++) {
		if (!win.w_attached) {
			struct fs_window_attach_req aq = { WINDOW_BYTES };
			struct fs_window_attach_rep ar;
			struct proto_xfer x = { .px_caps = { win.w_lent } };

			if (fs_window_attach_x(&fs, &aq, &ar, &x) != E_OK)
				return PE_DETACHED;
			win.w_attached = true;
			win.w_attaches++;
		}
		switch (op) {
		case WINDOW_READ:
			e = fs_window_read(&fs, q, r);
			break;
		case WINDOW_WRITE:
			e = fs_window_write(&fs, q, r);
			break;
		case WINDOW_READDIR:
			e = fs_window_readdir(&fs, q, r);
			break;
		}
		if (e == PE_DETACHED)
			win.w_attached = false;
	}
	return e;
}

/* The file back end. */

/* One read or write call of n bytes (at most FS_IO_MAX) between buf and
 * h's file at offset: through the window when they fit, else through a
 * lease of buf. */
static long io_call(const struct fs_handle *h, bool write, uint8_t *buf, size_t n, uint64_t offset,
                    struct fs_io_rep *r)
{
	long e = PE_DETACHED;

	if (n <= WINDOW_BYTES && window_take()) {
		struct fs_window_io_req q = { *h, offset, n, 0 };

		if (write)
			memcpy(win.w_base, buf, n);
		e = window_call(write ? WINDOW_WRITE : WINDOW_READ, &q, r);
		if (!write && e == E_OK)
			memcpy(buf, win.w_base, r->done < n ? r->done : n);
		window_give();
	}
	if (e == PE_DETACHED) {
		struct fs_io_req q = { *h, offset, n };
		struct proto_xfer x = { .px_buf = buf, .px_len = n };

		e = write ? fs_write_x(&fs, &q, r, &x) : fs_read_x(&fs, &q, r, &x);
	}
	return e;
}

/* Moves len bytes between buf and the file at offset, FS_IO_MAX at a time
 * (io_call): the count moved (short at the end of the file), or -1 with
 * errno when nothing moved. */
static ssize_t file_io(struct fs_file *f, bool write, void *buf, size_t len, uint64_t offset)
{
	int acc = f->ff_flags & O_ACCMODE;
	size_t total = 0;

	if (f->ff_dir)
		return fail(EISDIR);
	if (write ? acc == O_RDONLY : acc == O_WRONLY)
		return fail(EBADF);
	if (len > (size_t)LONG_MAX)
		len = LONG_MAX;
	while (total < len) {
		size_t n = len - total < FS_IO_MAX ? len - total : FS_IO_MAX;
		struct fs_io_rep r = { 0 };
		long e = io_call(&f->ff_h, write, (uint8_t *)buf + total, n, offset + total, &r);

		if (e == E_OK && r.done > n)
			e = PE_BAD_SIZE; /* a server that says it moved more than asked */
		if (e != E_OK)
			return total ? (ssize_t)total : fail(errno_of(e));
		total += r.done;
		if (r.done < n)
			break;
	}
	return (ssize_t)total;
}

static int file_size(struct fs_file *f, uint64_t *size)
{
	struct fs_attr_rep a;
	long e = fs_stat(&fs, &(struct fs_handle_req){ f->ff_h }, &a);

	if (e != E_OK)
		return fail(errno_of(e));
	*size = a.size;
	return 0;
}

static ssize_t file_read(void *obj, void *buf, size_t len)
{
	struct fs_file *f = obj;
	ssize_t n = file_io(f, false, buf, len, f->ff_offset);

	if (n > 0)
		f->ff_offset += n;
	return n;
}

/* O_APPEND writes at the size the server gives now: another writer's
 * bytes in between are not overwritten, two appends at once may be. */
static ssize_t file_write(void *obj, const void *buf, size_t len)
{
	struct fs_file *f = obj;
	uint64_t offset = f->ff_offset;
	ssize_t n;

	if ((f->ff_flags & O_APPEND) && !f->ff_dir && (f->ff_flags & O_ACCMODE) != O_RDONLY &&
	    file_size(f, &offset) < 0)
		return -1;
	n = file_io(f, true, (void *)buf, len, offset);
	if (n >= 0)
		f->ff_offset = offset + n;
	return n;
}

static ssize_t file_pread(void *obj, void *buf, size_t len, off_t offset)
{
	return offset < 0 ? fail(EINVAL) : file_io(obj, false, buf, len, offset);
}

static ssize_t file_pwrite(void *obj, const void *buf, size_t len, off_t offset)
{
	return offset < 0 ? fail(EINVAL) : file_io(obj, true, (void *)buf, len, offset);
}

static off_t file_lseek(void *obj, off_t offset, int whence)
{
	struct fs_file *f = obj;
	uint64_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->ff_offset;
		break;
	case SEEK_END:
		if (file_size(f, &base) < 0)
			return -1;
		break;
	default:
		return fail(EINVAL);
	}
	if ((offset < 0 && (uint64_t)-offset > base) || (offset > 0 && base + offset > (uint64_t)LLONG_MAX))
		return fail(EINVAL);
	f->ff_offset = base + offset;
	return (off_t)f->ff_offset;
}

static int file_fstat(void *obj, struct stat *st)
{
	struct fs_file *f = obj;
	struct fs_attr_rep a;
	long e = fs_stat(&fs, &(struct fs_handle_req){ f->ff_h }, &a);

	if (e != E_OK)
		return fail(errno_of(e));
	stat_fill(&a, st);
	return 0;
}

/* Every write is on the disk when the server answers it: fsync only asks
 * whether the file is still there (ESTALE if it was removed). */
static int file_fsync(void *obj)
{
	uint64_t size;

	return file_size(obj, &size);
}

static int file_ftruncate(void *obj, off_t size)
{
	struct fs_file *f = obj;
	struct fs_attr_rep a;
	long e;

	if (f->ff_dir || size < 0)
		return fail(EINVAL);
	if ((f->ff_flags & O_ACCMODE) == O_RDONLY)
		return fail(EBADF);
	e = fs_truncate(&fs, &(struct fs_truncate_req){ f->ff_h, (uint64_t)size }, &a);
	return done(e);
}

static int file_close(void *obj)
{
	free(obj);
	return 0;
}

static const struct fd_ops file_ops = {
	.fo_read = file_read,
	.fo_write = file_write,
	.fo_pread = file_pread,
	.fo_pwrite = file_pwrite,
	.fo_lseek = file_lseek,
	.fo_fstat = file_fstat,
	.fo_fsync = file_fsync,
	.fo_ftruncate = file_ftruncate,
	.fo_close = file_close,
};

/* O_CREAT, O_EXCL and O_TRUNC go to the server; a directory opens only
 * read-only (EISDIR otherwise). */
int open(const char *path, int flags, ...)
{
	struct fs_open_req q = { 0, 0, { 0 } };
	struct fs_attr_rep a;
	struct fs_file *f;
	int acc = flags & O_ACCMODE, err, fd;
	long e;

	if (flags & O_CREAT) {
		va_list ap;

		va_start(ap, flags);
		q.mode = va_arg(ap, int) & 07777;
		va_end(ap);
	}
	if (!fs_present())
		return fail(ENOSYS);
	if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR)
		return fail(EINVAL);
	q.flags = (flags & O_CREAT ? FS_O_CREAT : 0) | (flags & O_EXCL ? FS_O_EXCL : 0) |
	          (flags & O_TRUNC ? FS_O_TRUNC : 0);
	err = path_resolve(cwd, path, q.path);
	if (err)
		return fail(err);
	e = fs_open(&fs, &q, &a);
	if (e != E_OK)
		return fail(errno_of(e));
	if ((a.mode & FS_S_IFMT) == FS_S_IFDIR && acc != O_RDONLY)
		return fail(EISDIR);
	if ((flags & O_DIRECTORY) && (a.mode & FS_S_IFMT) != FS_S_IFDIR)
		return fail(ENOTDIR);
	f = malloc(sizeof(*f));
	if (!f)
		return fail(ENOMEM);
	*f = (struct fs_file){ a.h, 0, flags & (O_ACCMODE | O_APPEND), (a.mode & FS_S_IFMT) == FS_S_IFDIR };
	fd = fd_open(&file_ops, f);
	if (fd < 0)
		free(f);
	return fd;
}

/* The calls on paths. */

static int do_stat(const char *path, struct stat *st, bool follow)
{
	struct fs_attr_rep a;
	int err;

	if (!fs_present())
		return fail(ENOSYS);
	err = path_lookup(path, follow, &a);
	if (err)
		return fail(err);
	stat_fill(&a, st);
	return 0;
}

int stat(const char *path, struct stat *st)
{
	return do_stat(path, st, true);
}

int lstat(const char *path, struct stat *st)
{
	return do_stat(path, st, false);
}

/* unlink and rmdir: one path, no answer but success. */
static int path_call(long (*call)(struct proto_client *, const struct fs_path_req *, struct fs_none *),
                     const char *path)
{
	struct fs_path_req q;
	struct fs_none r;

	if (request_path(path, q.path) < 0)
		return -1;
	return done(call(&fs, &q, &r));
}

int unlink(const char *path)
{
	return path_call(fs_unlink, path);
}

int rmdir(const char *path)
{
	return path_call(fs_rmdir, path);
}

int mkdir(const char *path, mode_t mode)
{
	struct fs_mkdir_req q = { mode & 07777, { 0 } };
	struct fs_attr_rep a;

	if (request_path(path, q.path) < 0)
		return -1;
	return done(fs_mkdir(&fs, &q, &a));
}

int rename(const char *from, const char *to)
{
	struct fs_two_paths_req q;
	struct fs_none r;

	if (request_path(from, q.from) < 0 || request_path(to, q.to) < 0)
		return -1;
	return done(fs_rename(&fs, &q, &r));
}

/* The target is stored as given, resolved when the link is followed. */
int symlink(const char *target, const char *link)
{
	struct fs_two_paths_req q;
	struct fs_attr_rep a;
	long e;

	if (request_path(link, q.from) < 0)
		return -1;
	if (!target || !*target)
		return fail(ENOENT);
	if (strlen(target) >= FS_PATH_MAX)
		return fail(ENAMETOOLONG);
	memset(q.to, 0, FS_PATH_MAX);
	strcpy(q.to, target);
	e = fs_symlink(&fs, &q, &a);
	return done(e);
}

ssize_t readlink(const char *path, char *buf, size_t size)
{
	struct fs_attr_rep a;
	struct fs_readlink_rep l;
	int err;
	long e;

	if (!fs_present())
		return fail(ENOSYS);
	err = path_lookup(path, false, &a);
	if (err)
		return fail(err);
	if ((a.mode & FS_S_IFMT) != FS_S_IFLNK)
		return fail(EINVAL);
	e = fs_readlink(&fs, &(struct fs_handle_req){ a.h }, &l);
	if (e != E_OK)
		return fail(errno_of(e));
	if (l.len > size)
		l.len = size;
	memcpy(buf, l.target, l.len); /* no NUL, as POSIX says */
	return (ssize_t)l.len;
}

int truncate(const char *path, off_t size)
{
	struct fs_attr_rep a;
	int err;
	long e;

	if (!fs_present())
		return fail(ENOSYS);
	if (size < 0)
		return fail(EINVAL);
	err = path_lookup(path, true, &a);
	if (err)
		return fail(err);
	if ((a.mode & FS_S_IFMT) == FS_S_IFDIR)
		return fail(EISDIR);
	e = fs_truncate(&fs, &(struct fs_truncate_req){ a.h, (uint64_t)size }, &a);
	return done(e);
}

/* There are no users yet: every file may be read and written (unless the
 * filesystem is read-only, which the write itself reports), and executed
 * if any of its execute bits is set. */
int access(const char *path, int mode)
{
	struct fs_attr_rep a;
	int err;

	if (!fs_present())
		return fail(ENOSYS);
	if (mode & ~(R_OK | W_OK | X_OK))
		return fail(EINVAL);
	err = path_lookup(path, true, &a);
	if (err)
		return fail(err);
	if ((mode & X_OK) && !(a.mode & 0111))
		return fail(EACCES);
	return 0;
}

/* A NULL buf gets one from malloc, of size bytes or (size 0) just enough. */
char *getcwd(char *buf, size_t size)
{
	size_t len = strlen(cwd) + 1;

	if (!buf) {
		if (size == 0)
			size = len;
		if (size < len) {
			errno = ERANGE;
			return NULL;
		}
		buf = malloc(size);
		if (!buf) {
			errno = ENOMEM;
			return NULL;
		}
	} else if (size == 0) {
		errno = EINVAL;
		return NULL;
	} else if (size < len) {
		errno = ERANGE;
		return NULL;
	}
	memcpy(buf, cwd, len);
	return buf;
}

int chdir(const char *path)
{
	struct fs_attr_rep a;
	char now[FS_PATH_MAX];
	int err;

	if (!fs_present())
		return fail(ENOSYS);
	err = path_resolve(cwd, path, now);
	if (err == 0)
		err = path_lookup(path, true, &a);
	if (err == 0 && (a.mode & FS_S_IFMT) != FS_S_IFDIR)
		err = ENOTDIR;
	if (err)
		return fail(err);
	memcpy(cwd, now, FS_PATH_MAX); /* the path as named, not where its links led */
	return 0;
}

/* Directory streams (dirent.h). */

#define DIR_BATCH 15 /* entries a readdir call asks for: one page of lease */

struct glue_dir {
	struct fs_handle d_h;
	uint64_t d_cookie;        /* where the next batch starts */
	unsigned d_count, d_next; /* entries in d_batch, the next one to return */
	bool d_end;               /* the server said there are no more */
	struct dirent d_ent;      /* what readdir returns */
	struct fs_dirent d_batch[DIR_BATCH];
};

DIR *opendir(const char *path)
{
	struct fs_attr_rep a;
	DIR *d;
	int err;

	if (!fs_present()) {
		errno = ENOSYS;
		return NULL;
	}
	err = path_lookup(path, true, &a);
	if (err == 0 && (a.mode & FS_S_IFMT) != FS_S_IFDIR)
		err = ENOTDIR;
	d = err ? NULL : calloc(1, sizeof(*d));
	if (!d) {
		errno = err ? err : ENOMEM;
		return NULL;
	}
	d->d_h = a.h;
	return d;
}

struct dirent *readdir(DIR *d)
{
	const struct fs_dirent *e;

	if (!d) {
		errno = EBADF;
		return NULL;
	}
	if (d->d_next == d->d_count) {
		struct fs_readdir_rep r = { 0, 0 };
		long err = PE_DETACHED;

		if (d->d_end)
			return NULL;
		if (window_take()) {
			struct fs_window_readdir_req q = { d->d_h, d->d_cookie, 0, sizeof(d->d_batch) };

			err = window_call(WINDOW_READDIR, &q, &r);
			if (err == E_OK)
				memcpy(d->d_batch, win.w_base,
				       (r.count < DIR_BATCH ? r.count : DIR_BATCH) *
				               sizeof(struct fs_dirent));
			window_give();
		}
		if (err == PE_DETACHED) {
			struct fs_readdir_req q = { d->d_h, d->d_cookie };
			struct proto_xfer x = { .px_buf = d->d_batch, .px_len = sizeof(d->d_batch) };

			err = fs_readdir_x(&fs, &q, &r, &x);
		}
		if (err != E_OK) {
			errno = errno_of(err);
			return NULL;
		}
		d->d_count = r.count < DIR_BATCH ? (unsigned)r.count : DIR_BATCH;
		d->d_next = 0;
		d->d_cookie = r.cookie;
		if (d->d_count == 0) {
			d->d_end = true;
			return NULL;
		}
	}
	e = &d->d_batch[d->d_next++];
	d->d_ent.d_ino = e->d_ino;
	d->d_ent.d_type = (unsigned char)e->d_type;
	memcpy(d->d_ent.d_name, e->d_name, sizeof(d->d_ent.d_name));
	d->d_ent.d_name[sizeof(d->d_ent.d_name) - 1] = '\0';
	return &d->d_ent;
}

void rewinddir(DIR *d)
{
	if (d)
		*d = (struct glue_dir){ .d_h = d->d_h };
}

int closedir(DIR *d)
{
	if (!d)
		return fail(EBADF);
	free(d);
	return 0;
}

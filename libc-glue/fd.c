/* The descriptor table (fd.h) and the POSIX calls that go through it. */
#include "fd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>

#include "glue.h"
#include "syscalls.h"

/* An open file: shared by the descriptors dup made of it. */
struct file {
	const struct fd_ops *f_ops;
	void *f_obj;
	unsigned f_refs; /* descriptors naming it; 0: free */
};

static struct file files[FD_MAX];
static struct file *fds[FD_MAX];
static volatile char table_lock;

static void lock(void)
{
	while (__atomic_test_and_set(&table_lock, __ATOMIC_ACQUIRE))
		sys_yield();
}

static void unlock(void)
{
	__atomic_clear(&table_lock, __ATOMIC_RELEASE);
}

static int fail(int err)
{
	errno = err;
	return -1;
}

struct file *fd_get(int fd)
{
	struct file *f = NULL;

	lock();
	if (fd >= 0 && fd < FD_MAX && fds[fd]) {
		f = fds[fd];
		f->f_refs++;
	}
	unlock();
	if (!f)
		errno = EBADF;
	return f;
}

/* Drops a reference; the last one closes the file. */
static int put(struct file *f)
{
	const struct fd_ops *ops;
	void *obj;

	lock();
	if (--f->f_refs) {
		unlock();
		return 0;
	}
	ops = f->f_ops;
	obj = f->f_obj;
	unlock();
	return ops->fo_close ? ops->fo_close(obj) : 0;
}

/* Puts f on the lowest free descriptor at or above from (-1 if none). */
static int place(struct file *f, int from)
{
	for (int fd = from; fd < FD_MAX; fd++)
		if (!fds[fd]) {
			fds[fd] = f;
			f->f_refs++;
			return fd;
		}
	return -1;
}

void fd_put(struct file *f)
{
	put(f);
}

const struct fd_ops *fd_ops_of(const struct file *f)
{
	return f->f_ops;
}

void *fd_obj_of(const struct file *f)
{
	return f->f_obj;
}

int fd_open(const struct fd_ops *ops, void *obj)
{
	struct file *f = NULL;
	int fd;

	lock();
	for (size_t i = 0; i < FD_MAX && !f; i++)
		if (!files[i].f_refs)
			f = &files[i];
	if (!f) {
		unlock();
		return fail(ENFILE);
	}
	*f = (struct file){ ops, obj, 0 };
	fd = place(f, 0);
	unlock();
	return fd < 0 ? fail(EMFILE) : fd;
}

ssize_t read(int fd, void *buf, size_t len)
{
	struct file *f = fd_get(fd);
	ssize_t n;

	if (!f)
		return -1;
	n = f->f_ops->fo_read ? f->f_ops->fo_read(f->f_obj, buf, len) : fail(EBADF);
	put(f);
	return n;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	struct file *f = fd_get(fd);
	ssize_t n;

	if (!f)
		return -1;
	n = f->f_ops->fo_write ? f->f_ops->fo_write(f->f_obj, buf, len) : fail(EBADF);
	put(f);
	return n;
}

ssize_t pread(int fd, void *buf, size_t len, off_t offset)
{
	struct file *f = fd_get(fd);
	ssize_t n;

	if (!f)
		return -1;
	n = f->f_ops->fo_pread ? f->f_ops->fo_pread(f->f_obj, buf, len, offset) : fail(ESPIPE);
	put(f);
	return n;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t offset)
{
	struct file *f = fd_get(fd);
	ssize_t n;

	if (!f)
		return -1;
	n = f->f_ops->fo_pwrite ? f->f_ops->fo_pwrite(f->f_obj, buf, len, offset) : fail(ESPIPE);
	put(f);
	return n;
}

int fsync(int fd)
{
	struct file *f = fd_get(fd);
	int r;

	if (!f)
		return -1;
	r = f->f_ops->fo_fsync ? f->f_ops->fo_fsync(f->f_obj) : fail(EINVAL);
	put(f);
	return r;
}

int ftruncate(int fd, off_t size)
{
	struct file *f = fd_get(fd);
	int r;

	if (!f)
		return -1;
	r = f->f_ops->fo_ftruncate ? f->f_ops->fo_ftruncate(f->f_obj, size) : fail(EINVAL);
	put(f);
	return r;
}

off_t lseek(int fd, off_t offset, int whence)
{
	struct file *f = fd_get(fd);
	off_t r;

	if (!f)
		return -1;
	r = f->f_ops->fo_lseek ? f->f_ops->fo_lseek(f->f_obj, offset, whence) : fail(ESPIPE);
	put(f);
	return r;
}

int fstat(int fd, struct stat *st)
{
	struct file *f = fd_get(fd);
	int r;

	if (!f)
		return -1;
	r = f->f_ops->fo_fstat ? f->f_ops->fo_fstat(f->f_obj, st) : fail(EBADF);
	put(f);
	return r;
}

int isatty(int fd)
{
	struct file *f = fd_get(fd);
	int r;

	if (!f)
		return 0;
	r = f->f_ops->fo_isatty;
	put(f);
	if (!r)
		errno = ENOTTY;
	return r;
}

int close(int fd)
{
	struct file *f;

	lock();
	f = fd >= 0 && fd < FD_MAX ? fds[fd] : NULL;
	if (f)
		fds[fd] = NULL;
	unlock();
	return f ? put(f) : fail(EBADF);
}

int dup(int old)
{
	struct file *f = fd_get(old);
	int fd;

	if (!f)
		return -1;
	lock();
	fd = place(f, 0);
	unlock();
	put(f);
	return fd < 0 ? fail(EMFILE) : fd;
}

int dup2(int old, int new)
{
	struct file *f = fd_get(old), *gone = NULL;

	if (!f)
		return -1;
	if (new < 0 || new >= FD_MAX) {
		put(f);
		return fail(EBADF);
	}
	if (new == old) {
		put(f);
		return new;
	}
	lock();
	gone = fds[new];
	fds[new] = NULL;
	place(f, new); /* new is free now */
	unlock();
	if (gone)
		put(gone);
	put(f);
	return new;
}

int fcntl(int fd, int cmd, ...)
{
	struct file *f = fd_get(fd);
	va_list ap;
	int r, from;

	if (!f)
		return -1;
	switch (cmd) {
	case F_DUPFD:
		va_start(ap, cmd);
		from = va_arg(ap, int);
		va_end(ap);
		if (from < 0 || from >= FD_MAX) {
			r = fail(EINVAL);
			break;
		}
		lock();
		r = place(f, from);
		unlock();
		if (r < 0)
			r = fail(EMFILE);
		break;
	case F_GETFL:
		r = f->f_ops->fo_getfl ? f->f_ops->fo_getfl(f->f_obj) : 0;
		break;
	case F_SETFL:
		va_start(ap, cmd);
		from = va_arg(ap, int);
		va_end(ap);
		r = f->f_ops->fo_setfl ? f->f_ops->fo_setfl(f->f_obj, from) : 0;
		break;
	case F_GETFD:
	case F_SETFD:
		r = 0;
		break;
	default:
		r = fail(EINVAL);
	}
	put(f);
	return r;
}

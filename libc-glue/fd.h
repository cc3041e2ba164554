/* File descriptors: a table of open files, each a back end (its
 * operations) and the back end's own object. The console is one back end
 * (console_glue.c), installed as descriptors 0, 1 and 2 before main; the
 * filesystem server's files another (fs_glue.c); the network server's
 * sockets a third (net_glue.c). dup and dup2 share one open file between
 * descriptors; it is closed when the last one goes. */
#pragma once

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define FD_MAX 64

/* A back end. Each returns what the POSIX call returns, with errno set on
 * failure; a NULL operation fails as POSIX says for a file that cannot do
 * it (lseek, pread, pwrite: ESPIPE, read or write: EBADF, fsync and
 * ftruncate: EINVAL, close: nothing to do). */
struct fd_ops {
	ssize_t (*fo_read)(void *obj, void *buf, size_t len);
	ssize_t (*fo_write)(void *obj, const void *buf, size_t len);
	ssize_t (*fo_pread)(void *obj, void *buf, size_t len, off_t offset);
	ssize_t (*fo_pwrite)(void *obj, const void *buf, size_t len, off_t offset);
	off_t (*fo_lseek)(void *obj, off_t offset, int whence);
	int (*fo_fsync)(void *obj);
	int (*fo_ftruncate)(void *obj, off_t size);
	int (*fo_fstat)(void *obj, struct stat *st);
	int (*fo_close)(void *obj);
	/* fcntl's F_GETFL and F_SETFL (O_NONBLOCK): NULL answers 0 and
	 * ignores the flags. */
	int (*fo_getfl)(void *obj);
	int (*fo_setfl)(void *obj, int flags);
	/* poll's events (POLLIN, POLLOUT, ...) that hold now, without
	 * waiting; NULL: a file that never blocks, always ready. Sockets
	 * are polled by their own back end, in one call (poll.c). */
	short (*fo_poll)(void *obj, short events);
	int fo_isatty;
};

/* Opens a file on the lowest free descriptor: the descriptor, or -1 with
 * errno EMFILE (every descriptor in use) or ENFILE (no open file left). */
int fd_open(const struct fd_ops *ops, void *obj);

/* The open file fd names, held for the caller (a close meanwhile does not
 * free it) until fd_put; NULL with errno EBADF if fd is not open. */
struct file;
struct file *fd_get(int fd);
void fd_put(struct file *f);
const struct fd_ops *fd_ops_of(const struct file *f);
void *fd_obj_of(const struct file *f);

/* The console back end of file descriptors (fd.h), opened as 0, 1 and 2
 * before main: the only file that knows where console bytes go.
 *
 * A program the supervisor started (and whose manifest block says `uses
 * console`) talks to the console server (include/kestrel/proto/console.h):
 * writes go out through it, reads return the lines typed at it. Anything
 * else (the first task, or a program not allowed the console) writes to
 * the kernel console (SYS_DEBUG_WRITE, the same serial port) and reads
 * end of file. The choice is made at the first use. */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include <kestrel/error.h>
#include <kestrel/proto/console.h>

#include "fd.h"
#include "glue.h"
#include "server.h"
#include "syscalls.h"

PROTO_CLIENT(CONSOLE_OPS)

/* The most SYS_DEBUG_WRITE takes at once. */
#define DEBUG_WRITE_MAX 4096
/* Console writes in a row that make no progress (the server restarting
 * more than once, or its output stuck) before write gives up. */
#define WRITE_TRIES     20

enum { CONSOLE_UNKNOWN, CONSOLE_SERVER, CONSOLE_KERNEL };
static int console_kind = CONSOLE_UNKNOWN;
static struct proto_client console;

static int console_pick(void)
{
	if (console_kind == CONSOLE_UNKNOWN)
		console_kind = server_self() && service_lookup("console", &console) == E_OK ? CONSOLE_SERVER
		                                                                            : CONSOLE_KERNEL;
	return console_kind;
}

static ssize_t kernel_write(const char *buf, size_t len)
{
	const char *p = buf;
	size_t left = len;

	while (left) {
		size_t n = left > DEBUG_WRITE_MAX ? DEBUG_WRITE_MAX : left;

		if (sys_debug_write((uint64_t)p, n) < 0) {
			if (p != buf)
				return p - buf; /* what did go out */
			errno = EIO;
			return -1;
		}
		p += n;
		left -= n;
	}
	return (ssize_t)len;
}

static ssize_t server_write(const char *buf, size_t len)
{
	struct console_write_req q;
	struct console_write_rep r;
	size_t done = 0;
	unsigned stuck = 0;

	while (done < len) {
		size_t n = len - done > CONSOLE_DATA_MAX ? CONSOLE_DATA_MAX : len - done;

		q.len = n;
		memcpy(q.data, buf + done, n);
		if (console_write(&console, &q, &r) == E_OK && r.written > 0) {
			done += r.written;
			stuck = 0;
		} else if (++stuck == WRITE_TRIES) {
			if (done)
				return (ssize_t)done;
			errno = EIO;
			return -1;
		}
	}
	return (ssize_t)len;
}

static ssize_t console_file_write(void *obj, const void *buf, size_t len)
{
	(void)obj;
	return console_pick() == CONSOLE_SERVER ? server_write(buf, len) : kernel_write(buf, len);
}

static ssize_t console_file_read(void *obj, void *buf, size_t len)
{
	struct console_read_req q = { len < CONSOLE_DATA_MAX ? len : CONSOLE_DATA_MAX };
	struct console_read_rep r;
	long e;

	(void)obj;
	if (console_pick() != CONSOLE_SERVER || len == 0)
		return 0; /* end of file: no console to read */
	e = console_read(&console, &q, &r);
	if (e != E_OK) {
		errno = e == PE_RESTARTED ? EINTR : EIO;
		return -1;
	}
	memcpy(buf, r.data, r.len);
	return (ssize_t)r.len;
}

/* The console is a character device: stdio makes it line-buffered. */
static int console_file_fstat(void *obj, struct stat *st)
{
	(void)obj;
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFCHR | S_IRUSR | S_IWUSR;
	return 0;
}

/* poll: output never waits long (a write goes out or answers how much
 * did); input is ready when the server has a line (the kernel console
 * reads end of file, at once). */
static short console_file_poll(void *obj, short events)
{
	struct console_ready_req q = { 0 };
	struct console_ready_rep r = { 0 };
	short ready = POLLOUT;

	(void)obj;
	if (!(events & POLLIN) || console_pick() != CONSOLE_SERVER ||
	    (console_ready(&console, &q, &r) == E_OK && r.ready))
		ready |= POLLIN;
	return ready & events;
}

static const struct fd_ops console_ops = {
	.fo_read = console_file_read,
	.fo_write = console_file_write,
	.fo_fstat = console_file_fstat,
	.fo_poll = console_file_poll,
	.fo_isatty = 1,
};

void glue_console_open(void)
{
	for (int fd = 0; fd < 3; fd++)
		fd_open(&console_ops, NULL);
}

/* The filesystem test (tests/qemu/fs.sh): a client of the filesystem
 * server. It reads files the host put into the image, creates, writes,
 * renames and removes files and directories, checks the POSIX errors,
 * crashes the server once and reads through a handle taken before, and
 * leaves files that the host checks with debugfs after QEMU exits. It
 * also moves data through a window (fs.h: window_attach) and is refused
 * every window it should be. The files' times are the time service's,
 * which goes on across a crash of its server. One TAP line a check; ends
 * QEMU. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/proto/fs.h>
#include <kestrel/proto/supervisor.h>
#include <kestrel/proto/time.h>
#include <kestrel/qemu_exit.h>

#include "io.h"
#include "server.h"
#include "sleep.h"
#include "slots.h"
#include "syscalls.h"

PROTO_CLIENT(FS_OPS)
PROTO_CLIENT(SUP_OPS)
PROTO_CLIENT(TIME_OPS)

#define BIG_BYTES (300 * 1024)  /* /dir/sub/big.bin: byte i is (i * 7 + i / 4096) & 0xff */
#define YEAR_2024 1704067200ULL /* 2024-01-01 00:00 UTC: no clock of ours is older */

static unsigned n, failed;
static struct proto_client fs;
static uint8_t *buf;

static void tap(int ok, const char *name, long detail)
{
	n++;
	failed += !ok;
	printf("%s %u - %s%s", ok ? "ok" : "not ok", n, name, ok ? "\n" : ": ");
	if (!ok)
		printf("got %ld (errno %d)\n", detail, fs_errno(detail));
}

static long open_path(const char *path, unsigned flags, struct fs_attr_rep *a)
{
	struct fs_open_req q = { flags, 0644, { 0 } };

	strncpy(q.path, path, FS_PATH_MAX - 1);
	return fs_open(&fs, &q, a);
}

static long lookup(const char *path, struct fs_attr_rep *a)
{
	struct fs_path_req q = { { 0 } };

	strncpy(q.path, path, FS_PATH_MAX - 1);
	return fs_lookup(&fs, &q, a);
}

static long io(bool write, const struct fs_handle *h, uint64_t off, uint64_t count, uint64_t *done)
{
	struct fs_io_req q = { *h, off, count };
	struct fs_io_rep r = { 0 };
	struct proto_xfer x = { .px_buf = buf, .px_len = FS_IO_MAX };
	long e = write ? fs_write_x(&fs, &q, &r, &x) : fs_read_x(&fs, &q, &r, &x);

	*done = r.done;
	return e;
}

/* Writes text at offset 0 of a new (or emptied) file. */
static long put(const char *path, const char *text, struct fs_attr_rep *a)
{
	uint64_t done;
	long e = open_path(path, FS_O_CREAT | FS_O_TRUNC, a);

	memcpy(buf, text, strlen(text));
	if (e == E_OK)
		e = io(true, &a->h, 0, strlen(text), &done);
	return e == E_OK && done != strlen(text) ? PE_BAD_SIZE : e;
}

/* 0 when the file's bytes are text. */
static long holds(const struct fs_handle *h, const char *text)
{
	uint64_t done;
	long e = io(false, h, 0, FS_IO_MAX, &done);

	return e ? e : done != strlen(text) || memcmp(buf, text, done) ? -1000 - (long)done : 0;
}

static long name_op(long (*op)(struct proto_client *, const struct fs_path_req *, struct fs_none *),
                    const char *path)
{
	struct fs_path_req q = { { 0 } };
	struct fs_none r;

	strncpy(q.path, path, FS_PATH_MAX - 1);
	return op(&fs, &q, &r);
}

static long mkdir_path(const char *path)
{
	struct fs_mkdir_req q = { 0755, { 0 } };
	struct fs_attr_rep a;

	strncpy(q.path, path, FS_PATH_MAX - 1);
	return fs_mkdir(&fs, &q, &a);
}

static long rename_path(const char *from, const char *to)
{
	struct fs_two_paths_req q = { { 0 }, { 0 } };
	struct fs_none r;

	strncpy(q.from, from, FS_PATH_MAX - 1);
	strncpy(q.to, to, FS_PATH_MAX - 1);
	return fs_rename(&fs, &q, &r);
}

#define IS(e, err) (fs_errno(e) == (err))

static void reads(void)
{
	struct fs_attr_rep a;
	uint64_t done = 0, off;
	long e = open_path("/hello.txt", 0, &a);

	if (e == E_OK)
		e = holds(&a.h, "Hello from the host.\n");
	tap(e == E_OK, "reads_a_file_the_host_wrote", e);
	e = lookup("/dir/sub/big.bin", &a);
	for (off = 0; e == E_OK && off < BIG_BYTES; off += done) {
		e = io(false, &a.h, off, FS_IO_MAX, &done);
		for (uint64_t i = 0; e == E_OK && i < done; i++)
			if (buf[i] != (uint8_t)((off + i) * 7 + (off + i) / 4096))
				e = -2000 - (long)(off + i);
		if (done == 0)
			break;
	}
	tap(e == E_OK && off == BIG_BYTES && a.size == BIG_BYTES,
	    "reads_a_large_file_through_indirect_blocks", e ? e : (long)off);
}

static void changes(void)
{
	struct fs_attr_rep a, b, d;
	struct fs_truncate_req t;
	uint64_t done;
	long e;

	for (unsigned i = 0; i < 20000; i++)
		buf[i] = (uint8_t)(i * 13);
	e = open_path("/new.bin", FS_O_CREAT | FS_O_EXCL, &a);
	if (e == E_OK)
		e = io(true, &a.h, 0, 20000, &done);
	memset(buf, 0, 20000);
	if (e == E_OK)
		e = io(false, &a.h, 0, FS_IO_MAX, &done);
	for (unsigned i = 0; e == E_OK && i < 20000; i++)
		if (buf[i] != (uint8_t)(i * 13) || done != 20000)
			e = -1000 - (long)i;
	tap(e == E_OK, "creates_writes_and_reads_back", e);
	t = (struct fs_truncate_req){ a.h, 5000 };
	e = fs_truncate(&fs, &t, &b);
	tap(e == E_OK && b.size == 5000, "truncates_to_a_size", e ? e : (long)b.size);
	e = mkdir_path("/d1");
	if (e == E_OK)
		e = rename_path("/new.bin", "/d1/moved.bin");
	if (e == E_OK)
		e = lookup("/d1/moved.bin", &b);
	tap(e == E_OK && b.h.fh_ino == a.h.fh_ino && IS(lookup("/new.bin", &d), ENOENT),
	    "renames_into_a_directory_keeping_the_handle", e);
	e = lookup("/d1", &d);
	tap(IS(open_path("/hello.txt", FS_O_CREAT | FS_O_EXCL, &b), EEXIST) && IS(mkdir_path("/d1"), EEXIST),
	    "existing_names_are_eexist", 0);
	tap(IS(open_path("/no/such", 0, &b), ENOENT) && IS(name_op(fs_unlink, "/nothing"), ENOENT),
	    "missing_names_are_enoent", 0);
	tap(IS(open_path("/hello.txt/x", 0, &b), ENOTDIR) && IS(mkdir_path("/hello.txt/d"), ENOTDIR),
	    "a_file_as_a_directory_is_enotdir", 0);
	tap(e == E_OK && IS(io(false, &d.h, 0, 10, &done), EISDIR) && IS(name_op(fs_unlink, "/d1"), EISDIR),
	    "a_directory_as_a_file_is_eisdir", e);
	tap(IS(name_op(fs_rmdir, "/d1"), ENOTEMPTY), "a_full_directory_is_enotempty", 0);
	{
		struct fs_path_req q;

		memset(q.path, 'a', FS_PATH_MAX);
		e = fs_lookup(&fs, &q, &b);
		tap(IS(e, ENAMETOOLONG), "a_path_without_its_nul_is_enametoolong", e);
	}
	{
		struct fs_two_paths_req q = { "/link", "/hello.txt" };
		struct fs_handle_req h;
		struct fs_readlink_rep r;

		e = fs_symlink(&fs, &q, &b);
		h.h = b.h;
		if (e == E_OK)
			e = fs_readlink(&fs, &h, &r);
		tap(e == E_OK && strcmp(r.target, "/hello.txt") == 0 && (b.mode & FS_S_IFMT) == FS_S_IFLNK,
		    "symlink_and_readlink", e);
	}
	{
		struct fs_readdir_req q;
		struct fs_readdir_rep r;
		struct proto_xfer x = { .px_buf = buf, .px_len = FS_IO_MAX };
		const struct fs_dirent *de = (const struct fs_dirent *)buf;
		unsigned seen = 0;

		e = lookup("/", &b);
		q = (struct fs_readdir_req){ b.h, 0 };
		if (e == E_OK)
			e = fs_readdir_x(&fs, &q, &r, &x);
		for (uint64_t i = 0; e == E_OK && i < r.count; i++)
			seen += (strcmp(de[i].d_name, "hello.txt") == 0 && de[i].d_type == 010) +
			        (strcmp(de[i].d_name, "d1") == 0 && de[i].d_type == 004) +
			        (strcmp(de[i].d_name, "link") == 0 && de[i].d_type == 012);
		tap(e == E_OK && seen == 3, "readdir_lists_the_root", e ? e : (long)seen);
	}
}

/* The window: WINDOW_PAGES of ours, lent as a share (slot win_share). */
#define WINDOW_PAGES 4
#define WINDOW_BYTES (WINDOW_PAGES * 4096)

static uint8_t *win;
static uint64_t win_share;

static long share_of(void *base, uint64_t pages, unsigned rights, uint64_t *slot)
{
	*slot = slot_alloc();
	return sys_share_create(server_self()->si_pool, *slot, (uint64_t)base, pages, rights);
}

static long attach(uint64_t cap, uint64_t bytes)
{
	struct fs_window_attach_req q = { bytes };
	struct fs_window_attach_rep r = { 0 };
	struct proto_xfer x = { .px_caps = { cap } };
	long e = fs_window_attach_x(&fs, &q, &r, &x);

	return e == E_OK && r.bytes != bytes ? PE_BAD_SIZE : e;
}

static long wio(bool write, const struct fs_handle *h, uint64_t off, uint64_t count, uint64_t at,
                uint64_t *done)
{
	struct fs_window_io_req q = { *h, off, count, at };
	struct fs_io_rep r = { 0 };
	long e = write ? fs_window_write(&fs, &q, &r) : fs_window_read(&fs, &q, &r);

	*done = r.done;
	return e;
}

static void window(void)
{
	const struct server_info *si = server_self();
	struct fs_attr_rep a;
	uint64_t done = 0, frame = slot_alloc(), ep = slot_alloc(), ro, big;
	uint8_t *more = proto_lease_alloc((FS_WINDOW_MAX / 4096 + 1) * 4096);
	long e = lookup("/hello.txt", &a);

	win = proto_lease_alloc(WINDOW_BYTES);
	tap(e == E_OK && wio(false, &a.h, 0, 10, 0, &done) == PE_DETACHED,
	    "a_window_op_before_any_attach_is_detached", e);
	e = sys_mem_alloc(si->si_pool, frame, 1, 0);
	if (e == E_OK)
		e = sys_endpoint_create(si->si_pool, ep);
	tap(e == E_OK && attach(frame, 4096) == E_WRONG_TYPE && attach(ep, 4096) == E_WRONG_TYPE,
	    "attach_refuses_a_frame_or_an_endpoint", e ? e : attach(frame, 4096));
	e = share_of(win, WINDOW_PAGES, R_READ, &ro);
	tap(e == E_OK && attach(ro, WINDOW_BYTES) == E_NO_RIGHTS, "attach_refuses_a_read_only_share",
	    e ? e : attach(ro, WINDOW_BYTES));
	e = share_of(more, FS_WINDOW_MAX / 4096 + 1, R_READ | R_WRITE, &big);
	if (e == E_OK)
		e = share_of(win, WINDOW_PAGES, R_READ | R_WRITE, &win_share);
	tap(e == E_OK && attach(big, FS_WINDOW_MAX + 4096) == E_BAD_ARG &&
	            attach(win_share, 1000) == E_BAD_ARG &&
	            attach(win_share, WINDOW_BYTES - 4096) == E_BAD_ARG && attach(win_share, 0) == E_BAD_ARG,
	    "attach_refuses_sizes_that_are_not_the_shares_whole_pages", e);
	tap(wio(false, &a.h, 0, 10, 0, &done) == PE_DETACHED, "refused_attaches_leave_no_window", 0);

	/* Data through the window, at offsets within it. */
	e = attach(win_share, WINDOW_BYTES);
	memset(win, 0, WINDOW_BYTES);
	if (e == E_OK)
		e = wio(false, &a.h, 0, 100, 4096 + 3, &done);
	tap(e == E_OK && done == 21 && memcmp(win + 4096 + 3, "Hello from the host.\n", 21) == 0 &&
	            win[4096 + 2] == 0,
	    "a_window_read_brings_the_files_bytes", e ? e : (long)done);
	e = open_path("/win.bin", FS_O_CREAT | FS_O_TRUNC, &a);
	for (unsigned i = 0; i < WINDOW_BYTES; i++)
		win[i] = (uint8_t)(i * 29 + i / 4096);
	if (e == E_OK)
		e = wio(true, &a.h, 5000, 3 * 4096, 4096, &done);
	if (e == E_OK && done == 3 * 4096) {
		memset(win, 0, WINDOW_BYTES);
		e = wio(false, &a.h, 5000 + 100, 3 * 4096, 0, &done);
	}
	for (unsigned i = 0; e == E_OK && i < 3 * 4096 - 100; i++)
		if (win[i] != (uint8_t)((4096 + 100 + i) * 29 + (4096 + 100 + i) / 4096))
			e = -2000 - (long)i;
	tap(e == E_OK && done == 3 * 4096 - 100, "window_writes_and_reads_move_the_right_data",
	    e ? e : (long)done);
	tap(wio(false, &a.h, 0, 1, WINDOW_BYTES, &done) == E_BAD_ARG &&
	            wio(true, &a.h, 0, 4097, 3 * 4096, &done) == E_BAD_ARG &&
	            wio(false, &a.h, 0, WINDOW_BYTES + 1, 0, &done) == E_BAD_ARG &&
	            wio(false, &a.h, 0, 16, UINT64_MAX - 8, &done) == E_BAD_ARG &&
	            wio(false, &a.h, 0, 0, WINDOW_BYTES, &done) == E_OK,
	    "ranges_outside_the_window_are_refused", 0);
	{
		struct fs_window_readdir_req q = { { 0, 0 }, 0, 4096, 3 * 4096 };
		struct fs_readdir_rep r = { 0, 0 };
		const struct fs_dirent *de = (const struct fs_dirent *)(win + 4096);
		unsigned seen = 0;

		e = lookup("/", &a);
		q.h = a.h;
		if (e == E_OK)
			e = fs_window_readdir(&fs, &q, &r);
		for (uint64_t i = 0; e == E_OK && i < r.count; i++)
			seen += strcmp(de[i].d_name, "hello.txt") == 0 ||
			        strcmp(de[i].d_name, "win.bin") == 0;
		tap(e == E_OK && seen == 2 && r.count <= 3 * 4096 / sizeof(*de),
		    "window_readdir_lists_the_root", e ? e : (long)seen);
	}
	/* Revoked: the server must not touch it, and says to attach again. */
	e = lookup("/hello.txt", &a);
	if (e == E_OK)
		e = sys_obj_destroy(win_share);
	tap(e == E_OK && wio(false, &a.h, 0, 10, 0, &done) == PE_DETACHED &&
	            wio(false, &a.h, 0, 10, 0, &done) == PE_DETACHED,
	    "a_revoked_window_is_detached", e);
	sys_cap_delete(win_share);
	e = share_of(win, WINDOW_PAGES, R_READ | R_WRITE, &win_share);
	if (e == E_OK)
		e = attach(win_share, WINDOW_BYTES);
	if (e == E_OK)
		e = wio(false, &a.h, 0, 5, 0, &done);
	tap(e == E_OK && done == 5 && memcmp(win, "Hello", 5) == 0,
	    "attaching_again_after_a_revocation_works", e);
	sys_obj_destroy(ro);
	sys_obj_destroy(big);
	for (uint64_t *slot = (uint64_t[]){ frame, ep, ro, big }, *end = slot + 4; slot < end; slot++) {
		sys_cap_delete(*slot);
		slot_free(*slot);
	}
	proto_lease_free(more, (FS_WINDOW_MAX / 4096 + 1) * 4096);
}

/* The time service's answer; ns 0 if it did not answer. */
static struct time_now_rep time_of_day(struct proto_client *time)
{
	struct time_none q = { 0 };
	struct time_now_rep r;

	return time_now(time, &q, &r) == E_OK ? r : (struct time_now_rep){ 0, 0 };
}

/* The filesystem's timestamps are the time service's seconds: its boot
 * time plus the kernel clock's whole milliseconds, so a file changed
 * between two answers t0 and t1 has a time from t0's second (or the one
 * before, t0 having its millisecond's fraction too) to t1's. */
static void times(void)
{
	const struct server_info *si = server_self();
	struct proto_client sup = { .pc_ep = si->si_sup, .pc_retries = 1 };
	struct proto_client time = { 0 };
	struct sup_name_req name = { "rtc" };
	struct sup_generation_rep gen;
	struct time_now_rep t0, t1, t2;
	struct fs_handle_req h;
	struct fs_attr_rep a, b;
	uint64_t s0, s1, done;
	long e = service_lookup("time", &time);

	t0 = time_of_day(&time);
	if (e == E_OK)
		e = put("/timed.txt", "stamped\n", &a);
	h.h = a.h;
	if (e == E_OK)
		e = fs_stat(&fs, &h, &a);
	t1 = time_of_day(&time);
	s0 = t0.ns / TIME_NS_PER_SEC;
	s1 = t1.ns / TIME_NS_PER_SEC;
	tap(e == E_OK && s0 >= YEAR_2024 && a.mtime + 1 >= s0 && a.mtime <= s1 && a.ctime == a.mtime &&
	            a.atime + 1 >= s0 && a.atime <= s1,
	    "new_files_get_the_time_of_day", e ? e : (long)a.mtime - (long)s0);
	/* A second on, a write moves the modification and change times. */
	if (e == E_OK)
		e = sleep_ms(si->si_pool, 1100);
	memcpy(buf, "again\n", 6);
	if (e == E_OK)
		e = io(true, &a.h, 8, 6, &done);
	if (e == E_OK)
		e = fs_stat(&fs, &h, &b);
	tap(e == E_OK && b.mtime > a.mtime && b.ctime == b.mtime &&
	            b.mtime <= time_of_day(&time).ns / TIME_NS_PER_SEC,
	    "a_later_write_moves_mtime_and_ctime", e ? e : (long)(b.mtime - a.mtime));
	/* The time server keeps its boot time in its vault: after a crash
	 * the time goes on from where it was, and the call cut off by the
	 * crash is repeated by the stub. */
	t1 = time_of_day(&time);
	e = sup_crash(&sup, &name, &gen);
	t2 = time_of_day(&time);
	tap(e == E_OK && t1.ns && t2.ns >= t1.ns && t2.boot_ns == t1.boot_ns &&
	            time.pc_generation == gen.generation + 1,
	    "the_time_goes_on_across_the_time_servers_restart", e ? e : (long)time.pc_generation);
}

static void restart(void)
{
	const struct server_info *si = server_self();
	struct proto_client sup = { .pc_ep = si->si_sup, .pc_retries = 1 };
	struct sup_name_req name = { "fs" };
	struct sup_generation_rep gen;
	struct fs_attr_rep keep, moved, a;
	struct fs_handle_req h;
	uint64_t before;
	long e = put("/keep.txt", "written before the crash\n", &keep);

	if (e == E_OK)
		e = lookup("/d1/moved.bin", &moved);
	before = fs.pc_generation;
	if (e == E_OK)
		e = sup_crash(&sup, &name, &gen);
	if (e == E_OK)
		e = holds(&keep.h, "written before the crash\n");
	tap(e == E_OK && fs.pc_generation == before + 1, "a_handle_still_reads_after_the_servers_restart",
	    e ? e : (long)fs.pc_generation);
	{
		uint64_t done = 0;

		long first = wio(false, &keep.h, 0, 7, 0, &done);

		e = attach(win_share, WINDOW_BYTES);
		if (e == E_OK)
			e = wio(false, &keep.h, 0, 7, 0, &done);
		tap(first == PE_DETACHED && e == E_OK && done == 7 && memcmp(win, "written", 7) == 0,
		    "the_restarted_server_knows_no_window_until_attached_again",
		    first == PE_DETACHED ? e : first);
	}
	e = name_op(fs_unlink, "/d1/moved.bin");
	h.h = moved.h;
	tap(e == E_OK && IS(fs_stat(&fs, &h, &a), ESTALE), "a_removed_files_handle_is_estale", e);
	/* The server remembers the last handle it checked for a read or a
	 * write: removing the file, or renaming another over it, must make it
	 * forget, even when a new file takes the inode at once. */
	for (unsigned how = 0; how < 2; how++) {
		struct fs_attr_rep old, new;
		uint64_t done = 0;

		e = put("/reused.txt", "the old file", &old);
		if (e == E_OK)
			e = io(false, &old.h, 0, 12, &done);
		if (e == E_OK && how == 0)
			e = name_op(fs_unlink, "/reused.txt");
		if (e == E_OK && how == 1)
			e = open_path("/over.txt", FS_O_CREAT | FS_O_EXCL, &new);
		if (e == E_OK && how == 1)
			e = rename_path("/over.txt", "/reused.txt");
		if (e == E_OK) /* created, not read or written: the server checks no handle of it */
			e = open_path("/reusing.txt", FS_O_CREAT | FS_O_EXCL, &new);
		if (e == E_OK)
			e = io(false, &old.h, 0, 12, &done);
		tap(IS(e, ESTALE) && new.h.fh_ino == old.h.fh_ino,
		    how == 0 ? "a_handle_read_before_its_file_was_removed_is_estale_when_its_inode_is_reused"
		             : "a_handle_read_before_a_rename_replaced_its_file_is_estale_when_its_inode_is_"
		               "reused",
		    e);
		name_op(fs_unlink, "/reusing.txt");
		name_op(fs_unlink, "/reused.txt");
	}
	e = name_op(fs_rmdir, "/d1");
	if (e == E_OK)
		e = mkdir_path("/d2");
	if (e == E_OK)
		e = put("/d2/final.txt", "the last file, for debugfs\n", &a);
	tap(e == E_OK && IS(lookup("/d1", &a), ENOENT), "works_on_after_the_restart", e);
}

/* The disk filled through the running server: the write that finds no
 * block answers ENOSPC (after the bytes that fit, which stay), the
 * filesystem stays whole (the host's e2fsck checks the image after the
 * run), and removing the file gives every block back. */
static void full_disk(void)
{
	struct fs_none none = { 0 };
	struct fs_statfs_rep before, full, after;
	struct fs_attr_rep a, b;
	uint64_t off = 0, done = 0;
	long e = fs_statfs(&fs, &none, &before), w = E_OK;

	memset(buf, 0x5E, FS_IO_MAX);
	if (e == E_OK)
		e = open_path("/fill.bin", FS_O_CREAT | FS_O_EXCL, &a);
	/* Bounded: the disk holds before.bfree blocks, and more than that
	 * written without ENOSPC is a failure too. */
	for (unsigned i = 0; e == E_OK && w == E_OK && off <= (before.bfree + 1) * before.bsize; i++) {
		w = io(true, &a.h, off, FS_IO_MAX, &done);
		off += done;
	}
	if (e == E_OK)
		e = fs_statfs(&fs, &none, &full);
	tap(e == E_OK && IS(w, ENOSPC) && full.bfree == 0 && off > (before.bfree / 2) * before.bsize,
	    "a_full_disk_answers_enospc", e ? e : w);
	if (e == E_OK)
		e = fs_stat(&fs, &(struct fs_handle_req){ a.h }, &b);
	tap(e == E_OK && b.size == off, "the_bytes_that_fit_stay", e ? e : (long)b.size);
	e = open_path("/one-more", FS_O_CREAT | FS_O_EXCL, &b);
	if (e == E_OK)
		e = io(true, &b.h, 0, 4096, &done);
	tap(IS(e, ENOSPC), "a_new_file_on_a_full_disk_gets_enospc_too", e);
	name_op(fs_unlink, "/one-more");
	e = name_op(fs_unlink, "/fill.bin");
	if (e == E_OK)
		e = fs_statfs(&fs, &none, &after);
	tap(e == E_OK && after.bfree == before.bfree && after.ffree == before.ffree,
	    "removing_the_file_gives_every_block_back", e ? e : (long)after.bfree);
}

/* On a disk the server refused (tests/qemu/fs.sh boots one that is not
 * ext2): it stays up, the same instance, answering ENODEV to everything. */
static void refused(void)
{
	struct fs_path_req q = { "/" };
	struct fs_open_req o = { FS_O_CREAT, 0644, "/new" };
	struct fs_none none = { 0 };
	struct fs_statfs_rep sf;
	struct fs_attr_rep a;
	uint64_t gen = fs.pc_generation;
	long e;

	e = fs_lookup(&fs, &q, &a);
	tap(fs_errno(e) == ENODEV, "a_refused_disk_answers_enodev_to_a_lookup", e);
	e = fs_open(&fs, &o, &a);
	tap(fs_errno(e) == ENODEV, "a_refused_disk_answers_enodev_to_a_create", e);
	e = fs_statfs(&fs, &none, &sf);
	tap(fs_errno(e) == ENODEV && gen && fs.pc_generation == gen, "the_server_stays_up_without_restarting",
	    (long)fs.pc_generation);
}

int main(void)
{
	struct fs_none none = { 0 };
	struct fs_statfs_rep sf;
	long e;

	buf = proto_lease_alloc(FS_IO_MAX);
	e = service_lookup("fs", &fs);
	if (e == E_OK)
		e = fs_statfs(&fs, &none, &sf);
	if (fs_errno(e) == ENODEV) {
		printf("fstest: the server refused the disk\n");
		refused();
	} else {
		tap(e == E_OK && sf.blocks > 0 && sf.bfree < sf.blocks && sf.namemax == 255,
		    "statfs_describes_the_disk", e);
		reads();
		changes();
		window();
		full_disk();
		times();
		restart();
	}
	printf("1..%u\nfstest: %u passed, %u failed\n", n, n - failed, failed);
	fflush(stdout);
	outl(QEMU_EXIT_PORT, failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	return 0;
}

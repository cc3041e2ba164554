/* workload: a client that keeps the filesystem, hello and the time server
 * busy, in rounds, until the file /work/stop exists, counting what each
 * request met and logging every change it saw reach the disk, so that the
 * host can check them on the image after QEMU ends
 * (scripts/workload-check.sh). make demo runs it while servers are
 * killed and crashed under it (docs/demo.md), the chaos campaign while
 * faults are injected into them (docs/chaos.md); it never ends because a
 * server died.
 *
 * Round R: on fs, creates /work/new (truncating a leftover), writes round
 * R's bytes in two writes, reads them back and compares, renames it to
 * /work/fR and removes /work/f(R - WL_KEEP); then hello's echo, add and
 * count, the time server's now, and a lookup of /work/stop. Every change
 * fs acknowledges is on the disk (include/kestrel/proto/fs.h), so each
 * acknowledged rename and removal is logged at once. A call that is not
 * idempotent and cut off by a restart (PE_RESTARTED) may or may not have
 * happened: the workload counts the error and looks (a lookup) before it
 * goes on, as fscrash does.
 *
 * Its lines, each "workload: " then:
 *   start generation=G rounds=N log=com2|console
 *   ack PATH LEN fnv1a=HEX        PATH holds LEN bytes whose FNV-1a is HEX
 *   ack PATH gone                 PATH was removed
 *   rounds=N fs ok=N retried=N errors=N wrong=N hello ... time ... acked=N
 *                                 after each round (the counts: workload.h)
 *   restart SERVICE generation=G fault_to_answer=T
 *                                 the first answer from a new instance, T
 *                                 time-stamp counts after the old one died
 *   error SERVICE OP: WHAT        an error it saw
 *   wrong SERVICE WHAT            an answer that failed its check
 *   requests SERVICE OP idempotent|non-idempotent ok=N retried=N errors=N wrong=N
 *                                 when it stops, one for each kind of
 *                                 request: the counts of that operation
 *                                 (idempotent as its protocol says)
 *   done rounds=N ...             as after a round, when it stops: its
 *                                 last line
 * Given COM2's ports (`ports 0x2f8 8`) it writes them there
 * (scripts/qemu.sh --serial2 FILE), away from the shell's console;
 * otherwise on the kernel console ("[task N] " before each). Given a vault
 * it keeps its rounds and counts across its own restart. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <kestrel/error.h>
#include <kestrel/proto/fs.h>
#include <kestrel/proto/hello.h>
#include <kestrel/proto/time.h>

#include "fnv.h"
#include "server.h"
#include "sleep.h"
#include "syscalls.h"
#include "uart.h"
#include "vault.h"
#include "workload.h"

PROTO_CLIENT(FS_OPS)
PROTO_CLIENT(HELLO_OPS)
PROTO_CLIENT(TIME_OPS)
PROTO_CLIENT(SUP_OPS)

#define WL_VAULT_VERSION 2  /* of struct wl_state */
#define WL_ATTEMPTS      3  /* calls of a step cut off by restarts before the round gives up */
#define WL_ERROR_PAUSE   50 /* ms after a round with an error: a server left down answers at once */

/* The server behind each service in the manifests that run the workload
 * (servers/manifest.txt names them so), for its restart line. */
static const char *const server_names[WL_SERVICES] = { "fs", "hello", "rtc" };

static struct wl_state st;
static struct vault vault;
static bool kept;
static struct proto_client clients[WL_SERVICES], sup;
static bool have[WL_SERVICES];
static uint64_t server_index[WL_SERVICES]; /* in the supervisor's list; UINT64_MAX: not found */
static uint8_t *buf;                       /* the lease of every read and write */
static uint16_t com2;                      /* COM2's base port, or 0: the kernel console */
static uint64_t pool;

static void put(const char *line)
{
	if (!com2) {
		fputs(line, stdout);
		fflush(stdout);
		return;
	}
	for (; *line; line++)
		if (!uart_putc(com2, *line))
			return;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[FS_PATH_MAX + 96] = WL_PREFIX;
	size_t at = sizeof(WL_PREFIX) - 1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + at, sizeof(line) - at - 1, fmt, ap); /* room for the newline */
	va_end(ap);
	strcat(line, "\n");
	put(line);
}

/* The first answer from a new instance of service s: how long after the
 * old one died, by the supervisor's clock of its death. */
static void recovered(enum wl_service s, uint64_t now)
{
	struct sup_index_req q = { server_index[s] };
	struct sup_list_rep r;

	if (q.index == UINT64_MAX || sup_list(&sup, &q, &r) != E_OK ||
	    r.generation != clients[s].pc_generation || !r.died_tsc || now < r.died_tsc)
		return;
	say("restart %s generation=%lu fault_to_answer=%lu", wl_service_names[s], r.generation,
	    now - r.died_tsc);
}

static const char *error_text(long e)
{
	return fs_errno(e) ? strerror(fs_errno(e)) : proto_error_text(e);
}

/* The restarts client s had seen before a request. */
static uint64_t mark(enum wl_service s)
{
	return clients[s].pc_restarts;
}

/* Counts the request of kind k made since mark m (of its service),
 * which returned e (expected: an error that is an answer the workload
 * looks for, such as ENOENT of a lookup; 0 for none), and returns e. */
static long tally(enum wl_kind k, uint64_t m, long e, long expected)
{
	enum wl_service s = wl_kinds[k].wk_service;
	uint64_t now = sys_clock_tsc();
	struct wl_counts *c = &st.ws_counts[k];
	bool newer = clients[s].pc_restarts != m;

	if (e < 0 && e != expected) {
		c->wc_errors++;
		say("error %s %s: %s", wl_service_names[s], wl_kinds[k].wk_name, error_text(e));
	} else if (newer) {
		c->wc_retried++;
	} else {
		c->wc_ok++;
	}
	if (newer)
		recovered(s, now);
	return e;
}

/* An answer of kind k that failed its check (counted once by tally too). */
static void wrong(enum wl_kind k, const char *what, uint64_t detail)
{
	st.ws_counts[k].wc_wrong++;
	say("wrong %s %s %lu", wl_service_names[wl_kinds[k].wk_service], what, detail);
}

static void path_of(char *path, const char *fmt, uint64_t n)
{
	memset(path, 0, FS_PATH_MAX);
	snprintf(path, FS_PATH_MAX, fmt, n);
}

static long lookup(const char *path, struct fs_attr_rep *a, long expected)
{
	struct fs_path_req q;
	uint64_t m = mark(WL_FS);

	memcpy(q.path, path, FS_PATH_MAX);
	return tally(WL_FS_LOOKUP, m, fs_lookup(&clients[WL_FS], &q, a), expected);
}

/* Creates path, or empties the file there: doing it twice is harmless, so
 * a call cut off by a restart is simply made again. */
static long create(const char *path, struct fs_attr_rep *a)
{
	struct fs_open_req q = { FS_O_CREAT | FS_O_TRUNC, 0644, { 0 } };
	long e = PE_RESTARTED;

	memcpy(q.path, path, FS_PATH_MAX);
	for (unsigned i = 0; i < WL_ATTEMPTS && e == PE_RESTARTED; i++) {
		uint64_t m = mark(WL_FS);

		e = tally(WL_FS_OPEN, m, fs_open(&clients[WL_FS], &q, a), 0);
	}
	return e;
}

static long write_at(const struct fs_handle *h, uint64_t off, uint64_t count)
{
	struct fs_io_req q = { *h, off, count };
	struct fs_io_rep r = { 0 };
	struct proto_xfer x = { .px_buf = buf + off, .px_len = count };
	uint64_t m = mark(WL_FS);
	long e = tally(WL_FS_WRITE, m, fs_write_x(&clients[WL_FS], &q, &r, &x), 0);

	if (e == E_OK && r.done != count) {
		wrong(WL_FS_WRITE, "short write, bytes", r.done);
		return PE_BAD_SIZE;
	}
	return e;
}

/* Reads the file back and compares it with round r's bytes. */
static long read_back(const struct fs_handle *h, uint64_t r, uint64_t len)
{
	struct fs_io_req q = { *h, 0, FS_IO_MAX };
	struct fs_io_rep rep = { 0 };
	struct proto_xfer x = { .px_buf = buf, .px_len = FS_IO_MAX };
	uint64_t m = mark(WL_FS);
	long e = tally(WL_FS_READ, m, fs_read_x(&clients[WL_FS], &q, &rep, &x), 0);

	if (e != E_OK)
		return e;
	if (rep.done != len) {
		wrong(WL_FS_READ, "read back a length of", rep.done);
		return PE_BAD_SIZE;
	}
	for (uint64_t i = 0; i < len; i++)
		if (buf[i] != wl_byte(r, i)) {
			wrong(WL_FS_READ, "read back a different byte at", i);
			return PE_BAD_SIZE;
		}
	return E_OK;
}

/* Renames from to to, where the file of inode ino is: cut off by a
 * restart, it happened if to names that inode now, and is made again if
 * from still does. */
static long rename_checked(const char *from, const char *to, uint64_t ino)
{
	struct fs_two_paths_req q;
	struct fs_none r;
	struct fs_attr_rep a;
	long e = PE_RESTARTED;

	memcpy(q.from, from, FS_PATH_MAX);
	memcpy(q.to, to, FS_PATH_MAX);
	for (unsigned i = 0; i < WL_ATTEMPTS && e == PE_RESTARTED; i++) {
		uint64_t m = mark(WL_FS);

		e = tally(WL_FS_RENAME, m, fs_rename(&clients[WL_FS], &q, &r), 0);
		if (e == PE_RESTARTED && lookup(to, &a, FS_ERROR(ENOENT)) == E_OK && a.h.fh_ino == ino)
			e = E_OK;
	}
	return e;
}

/* Removes path: cut off by a restart, it happened if path names nothing
 * now. A path that names nothing at the first call (an instance before
 * this one removed it and died before it saved its round) is removed. */
static long remove_checked(const char *path)
{
	struct fs_path_req q;
	struct fs_none r;
	struct fs_attr_rep a;
	long e = PE_RESTARTED;

	memcpy(q.path, path, FS_PATH_MAX);
	for (unsigned i = 0; i < WL_ATTEMPTS && e == PE_RESTARTED; i++) {
		uint64_t m = mark(WL_FS);

		e = tally(WL_FS_UNLINK, m, fs_unlink(&clients[WL_FS], &q, &r), FS_ERROR(ENOENT));
		if (e == PE_RESTARTED && lookup(path, &a, FS_ERROR(ENOENT)) == FS_ERROR(ENOENT))
			e = E_OK;
	}
	return e == FS_ERROR(ENOENT) ? E_OK : e;
}

static long fs_part(uint64_t r)
{
	char tmp[FS_PATH_MAX], final[FS_PATH_MAX], line[FS_PATH_MAX + 64];
	uint64_t len = wl_length(r), half = len / 2, fnv;
	struct fs_attr_rep a;
	long e;

	path_of(tmp, WL_DIR "/new", 0);
	path_of(final, WL_DIR "/f%lu", r);
	for (uint64_t i = 0; i < len; i++)
		buf[i] = wl_byte(r, i);
	e = create(tmp, &a);
	if (e == E_OK)
		e = write_at(&a.h, 0, half);
	if (e == E_OK)
		e = write_at(&a.h, half, len - half);
	fnv = fnv1a(FNV1A_INIT, buf, len); /* before the read back overwrites the bytes */
	if (e == E_OK)
		e = read_back(&a.h, r, len);
	if (e == E_OK)
		e = rename_checked(tmp, final, a.h.fh_ino);
	if (e != E_OK)
		return e;
	wl_line_ack(line, sizeof(line), final, len, fnv);
	put(line);
	st.ws_acked++;
	if (r < WL_KEEP)
		return E_OK;
	path_of(final, WL_DIR "/f%lu", r - WL_KEEP);
	if ((e = remove_checked(final)) != E_OK)
		return e;
	wl_line_gone(line, sizeof(line), final);
	put(line);
	st.ws_acked++;
	return E_OK;
}

static long hello_part(uint64_t r)
{
	struct proto_client *c = &clients[WL_HELLO];
	struct hello_echo_req eq = { r };
	struct hello_echo_rep er;
	struct hello_add_req aq = { 1 };
	struct hello_count_rep cr;
	struct hello_none none = { 0 };
	uint64_t m = mark(WL_HELLO);
	long e = tally(WL_HELLO_ECHO, m, hello_echo(c, &eq, &er), 0);

	if (e == E_OK && er.value != r)
		wrong(WL_HELLO_ECHO, "echo answered", er.value);
	m = mark(WL_HELLO);
	if (tally(WL_HELLO_ADD, m, hello_add(c, &aq, &cr), 0) == E_OK) {
		if (cr.count <= st.ws_hello_count)
			wrong(WL_HELLO_ADD, "add answered the count", cr.count);
		st.ws_hello_count = cr.count;
	}
	m = mark(WL_HELLO);
	if ((e = tally(WL_HELLO_COUNT, m, hello_count(c, &none, &cr), 0)) == E_OK) {
		if (cr.count < st.ws_hello_count)
			wrong(WL_HELLO_COUNT, "count answered", cr.count);
		st.ws_hello_count = cr.count;
	}
	return e;
}

static long time_part(void)
{
	struct time_none none = { 0 };
	struct time_now_rep r;
	uint64_t m = mark(WL_TIME);
	long e = tally(WL_TIME_NOW, m, time_now(&clients[WL_TIME], &none, &r), 0);

	if (e == E_OK) {
		if (r.ns < st.ws_time_ns)
			wrong(WL_TIME_NOW, "now went back to", r.ns);
		st.ws_time_ns = r.ns;
	}
	return e;
}

/* Where its lines go: COM2 if the manifest gave its ports. */
static uint16_t log_port(void)
{
	const struct server_res *p;

	for (unsigned i = 0; (p = server_resource(SERVER_RES_PORTS, i)); i++)
		if (p->sr_first == UART_COM2 && p->sr_count >= UART_PORTS)
			return UART_COM2;
	return 0;
}

static void find_servers(void)
{
	struct sup_index_req q;
	struct sup_list_rep r;

	for (unsigned s = 0; s < WL_SERVICES; s++)
		server_index[s] = UINT64_MAX;
	for (q.index = 0; sup_list(&sup, &q, &r) == E_OK; q.index++)
		for (unsigned s = 0; s < WL_SERVICES; s++)
			if (strncmp(r.name, server_names[s], SERVER_NAME_LEN) == 0)
				server_index[s] = q.index;
}

int main(void)
{
	const struct server_info *si = server_self();
	struct fs_mkdir_req mq = { 0755, WL_DIR };
	struct fs_attr_rep a;
	char line[512], stop_path[FS_PATH_MAX];
	size_t bytes;
	void *base = server_vault(&bytes);

	if (!si)
		return (int)PE_BAD_REQUEST;
	path_of(stop_path, WL_DIR "/stop", 0);
	pool = si->si_pool;
	com2 = log_port();
	kept = base && vault_open(&vault, base, bytes) == E_OK;
	if (kept && vault_load(&vault, WL_VAULT_VERSION, &st, sizeof(st)) != E_OK)
		memset(&st, 0, sizeof(st));
	sup = (struct proto_client){ .pc_ep = si->si_sup };
	for (unsigned s = 0; s < WL_SERVICES; s++)
		have[s] = service_lookup(wl_service_names[s], &clients[s]) == E_OK;
	if (!have[WL_FS] && !have[WL_HELLO] && !have[WL_TIME]) {
		printf(WL_PREFIX "the manifest gives it none of fs, hello and time (uses lines)\n");
		return (int)PE_NO_SERVICE;
	}
	find_servers();
	buf = proto_lease_alloc(FS_IO_MAX);
	if (!buf)
		return (int)E_NO_MEMORY;
	server_ready();
	if (si->si_generation > 1)
		put("\n"); /* ends a line the last instance may have left cut */
	say("start generation=%lu rounds=%lu log=%s", si->si_generation, st.ws_rounds,
	    com2 ? "com2" : "console");
	for (bool stop = false, dir = false; !stop;) {
		long e = E_OK, e2;

		/* Its directory, until it is there: a fault may cut the mkdir
		 * off, or fs may have no disk for a while. */
		if (have[WL_FS] && !dir) {
			uint64_t m = mark(WL_FS);

			e = tally(WL_FS_MKDIR, m, fs_mkdir(&clients[WL_FS], &mq, &a), FS_ERROR(EEXIST));
			dir = e == E_OK || e == FS_ERROR(EEXIST);
			e = dir ? E_OK : e;
		}
		if (have[WL_FS] && dir)
			e = fs_part(st.ws_rounds);
		if (have[WL_HELLO] && (e2 = hello_part(st.ws_rounds)) != E_OK)
			e = e2;
		if (have[WL_TIME] && (e2 = time_part()) != E_OK)
			e = e2;
		stop = have[WL_FS] && lookup(stop_path, &a, FS_ERROR(ENOENT)) == E_OK;
		st.ws_rounds++;
		if (kept)
			vault_save(&vault, WL_VAULT_VERSION, &st, sizeof(st));
		for (unsigned k = 0; stop && k < WL_KINDS; k++) {
			wl_line_kind(line, sizeof(line), &st, k);
			put(line);
		}
		wl_line_counts(line, sizeof(line), stop ? "done" : "", &st);
		put(line);
		if (e != E_OK)
			sleep_ms(pool, WL_ERROR_PAUSE);
	}
	return 0;
}

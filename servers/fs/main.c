/* fs: the filesystem server. Finds the disk (the blk service), puts a
 * block cache sized by its memory quota in front of it, mounts the ext2
 * filesystem there read-write, and serves the filesystem protocol
 * (fs_srv.c) with one thread, since ext2 takes one caller at a time. No
 * disk, or a disk it cannot mount, is logged with the reason, and the
 * server stays up answering ENODEV rather than dying and being restarted
 * in a loop. But a disk driver that died under the mount (its calls cut
 * off, its reads failing) is a fault of the moment: the server ends, and
 * the supervisor's next start (after its policy's delay) mounts again.
 * A superblock or group descriptors that fail their checks are read from
 * the disk again, FS_MOUNT_TRIES times in all over most of a second,
 * before the disk is called unmountable: a driver with a fault may have
 * handed over wrong bytes. Its calls to the driver
 * wait out the driver's restarts for FS_DISK_PATIENCE_MS, however many
 * there are, before a request fails with EIO.
 *
 * Timestamps come from the time service, asked once at start for the
 * wall-clock time at boot: each one is then that plus the kernel clock,
 * a system call rather than a call to another server. Without the
 * service, files get time 0 (1970), as ext2 has it with no clock. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <kestrel/error.h>
#include <kestrel/proto/blk.h>
#include <kestrel/proto/supervisor.h>
#include <kestrel/proto/time.h>

#include "cache.h"
#include "fs_srv.h"
#include "server.h"
#include "sleep.h"
#include "slots.h"
#include "syscalls.h"

PROTO_CLIENT(BLK_OPS)
PROTO_CLIENT(TIME_OPS)

#define CACHE_SHARE         2    /* a 1/CACHE_SHARE of the quota for the cache */
#define CACHE_MAX           4096 /* pages: 16 MiB */
/* How long a disk request waits out the driver's restarts. The heartbeat
 * may end fs first (its one thread does not answer while it waits): its
 * clients' idempotent calls are then repeated to the next instance. */
#define FS_DISK_PATIENCE_MS 5000
#define FS_MOUNT_TRIES      4   /* reads of a disk that fails the checks, before refusing it */
#define FS_MOUNT_PAUSE_MS   100 /* before the second; twice that before the third, and so on */

static struct proto_client blk;
static struct bcache cache;
static struct ext2_fs fs;
static uint64_t boot_ns; /* the wall-clock time at kernel clock 0 (time_now's boot_ns) */

/* The cache's size from the manifest's memory line: a share of the quota,
 * the rest for the heap (ext2's group descriptors and scratch blocks). */
static unsigned cache_pages(void)
{
	const struct server_res *pool = server_resource(SERVER_RES_POOL, 0);
	uint64_t pages = pool ? pool->sr_count / CACHE_SHARE : 64;

	return (unsigned)(pages > CACHE_MAX ? CACHE_MAX : pages);
}

/* ext2's clock (d_now): seconds since 1970. */
static uint32_t now_s; /* this request's time, 0: not read yet */

void fs_clock_tick(void)
{
	now_s = 0;
}

static uint32_t fs_now(void *ctx)
{
	(void)ctx;
	if (!now_s)
		now_s = (uint32_t)((boot_ns + sys_clock_ms() * TIME_NS_PER_MS) / TIME_NS_PER_SEC);
	return now_s;
}

/* Asks the time service for the wall-clock time at boot: true if it
 * answered. The service's capability is needed only for this call. */
static bool fs_clock(void)
{
	struct proto_client time = { 0 };
	struct time_none q = { 0 };
	struct time_now_rep r;
	long e;

	if ((e = service_lookup("time", &time)) == E_OK) {
		e = time_now(&time, &q, &r);
		sys_cap_delete(time.pc_ep);
		slot_free(time.pc_ep);
	}
	if (e != E_OK) {
		printf("fs: no time service (%s): files get time 0\n", proto_error_text(e));
		return false;
	}
	boot_ns = r.boot_ns;
	return true;
}

/* The superblock's magic number as the driver's own buffer brings it
 * (blk_read, a lease), not the cache's DMA memory (io_vec): where a mount
 * fails its checks, whether the two paths agree. 0: the read failed. */
static uint16_t magic_by_lease(void)
{
	static struct ext2_super sb;
	struct proto_xfer x = { .px_buf = &sb, .px_len = sizeof(sb) };
	struct blk_io_rep r;

	memset(&sb, 0, sizeof(sb));
	if (blk_read_x(&blk, &(struct blk_io_req){ 1024 / BLK_SECTOR, sizeof(sb) / BLK_SECTOR }, &r, &x) !=
	    E_OK)
		return 0;
	return sb.s_magic;
}

/* Finds the disk, makes the cache and mounts: 0, -EAGAIN when the disk
 * driver failed under it (a new start may get past), or another -errno
 * (the server then answers ENODEV). */
static int fs_start(void)
{
	const struct server_info *si = server_self();
	struct blk_none none = { 0 };
	struct blk_info_rep info;
	struct ext2_dev dev;
	long e;
	int err;

	if ((e = service_lookup("blk", &blk)) != E_OK || (e = blk_info(&blk, &none, &info)) != E_OK) {
		printf("fs: no disk: %s\n", proto_error_text(e));
		return e == PE_NO_SERVICE || e == PE_FAILED ? -ENODEV : -EAGAIN;
	}
	if ((e = bcache_init(&cache, &blk, si->si_pool, info.sectors, cache_pages())) != E_OK) {
		printf("fs: no block cache: %s\n", proto_error_text(e));
		return e == E_NO_MEMORY ? -ENOMEM : -EAGAIN;
	}
	blk.pc_patience_ms = FS_DISK_PATIENCE_MS;
	dev = (struct ext2_dev){
		&cache, info.sectors * BLK_SECTOR, bcache_read, bcache_write, bcache_flush, NULL, bcache_order
	};
	if (fs_clock())
		dev.d_now = fs_now;
	err = ext2_mount(&fs, &dev, info.read_only ? EXT2_MOUNT_RDONLY : 0);
	/* A disk that fails the checks may be a driver's wrong bytes of the
	 * moment: read again, a little later each time, before refusing it.
	 * If the driver's own buffer brings a good superblock while the
	 * cache's memory does not, the zero-copy path is what is wrong (under
	 * the chaos campaign: chunks lent to two instances of the driver,
	 * docs/chaos.md bug 12): a new start lends fresh memory. */
	for (unsigned tries = 1; err == -EINVAL && tries < FS_MOUNT_TRIES; tries++) {
		uint16_t by_lease = magic_by_lease();
		uint64_t pa = 0, pages = 0;

		if (fs.fs_sb.s_magic != EXT2_MAGIC && by_lease == EXT2_MAGIC) {
			sys_mem_phys_out(cache.bc_frames[0], &pa, &pages);
			printf("fs: the superblock comes whole through the driver's buffer (generation %lu) "
			       "but "
			       "not into the cache's memory (magic 0x%04x; its first chunk at %#lx)\n",
			       blk.pc_generation, fs.fs_sb.s_magic, pa);
			return -EAGAIN;
		}
		printf("fs: cannot mount the disk: %s (magic 0x%04x from the driver's generation %lu, "
		       "0x%04x through its buffer): reading it again\n",
		       fs.fs_message, fs.fs_sb.s_magic, blk.pc_generation, by_lease);
		sleep_ms(si->si_pool, FS_MOUNT_PAUSE_MS * tries);
		bcache_forget(&cache);
		err = ext2_mount(&fs, &dev, info.read_only ? EXT2_MOUNT_RDONLY : 0);
	}
	if (err == -EROFS) {
		printf("fs: mounting read-only: %s\n", fs.fs_message);
		err = ext2_mount(&fs, &dev, EXT2_MOUNT_RDONLY);
	}
	if (err < 0) {
		printf("fs: cannot mount the disk: %s (%s)\n", fs.fs_message ? fs.fs_message : "",
		       strerror(-err));
		return err == -EIO ? -EAGAIN : err;
	}
	printf("fs: mounted ext2 (generation %lu): %u-byte blocks, %u of %u free, %s, cache %u KiB\n",
	       si->si_generation, fs.fs_bsize, fs.fs_sb.s_free_blocks_count, fs.fs_sb.s_blocks_count,
	       fs.fs_readonly ? "read-only" : "read-write", cache.bc_pages * (BCACHE_PAGE / 1024));
	fs_mounted = &fs;
	return 0;
}

int main(void)
{
	if (fs_start() == -EAGAIN) {
		printf("fs: the disk failed under the mount: ending, to be started again\n");
		return EAGAIN;
	}
	return (int)server_run(fs_ops, fs_nops, NULL);
}

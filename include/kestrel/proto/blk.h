/* Block devices (servers/virtio_blk/): sectors of 512 bytes, moved
 * through leases: the client lends its buffer for the call and the driver
 * copies between it and the memory the device reads and writes (one copy;
 * the device never sees the client's pages), or, for a client with DMA
 * memory of its own, straight between that memory and the device.
 *
 * info: the capacity in sectors, whether the device is read-only, and
 *   the geometry the device reports (0 where it reports none).
 * read: count sectors from sector into the lease (PROTO_LEASE_WRITE; at
 *   least count * 512 bytes).
 * write: count sectors from the lease to the disk; answered only when the
 *   device has completed the write (not when it was queued).
 * flush: answered only when the device says that every completed write is
 *   stable (VIRTIO_BLK_T_FLUSH); a device without a volatile cache
 *   (no VIRTIO_BLK_F_FLUSH) has nothing to flush and it is answered at
 *   once.
 *
 * read_frame, write_frame: the same with the data in a frame capability
 *   of DMA memory the client allocated (mem_alloc with MEM_DMA: it
 *   carries R_CONTROL, so the driver learns its physical address), from
 *   offset bytes into it: the device reads or writes the client's pages
 *   themselves, no copy. E_NO_RIGHTS for a frame whose address the driver
 *   may not learn, E_BAD_ARG when the sectors do not fit the frame or the
 *   offset is not sector-aligned.
 *
 * All are idempotent (they name their sectors), so the client stubs call
 * again after a driver restart, and a write acknowledged before the
 * restart is on the disk. Errors: E_BAD_ARG for count 0, more than
 * BLK_MAX_SECTORS or past the end; PE_BAD_REQUEST for a lease too small
 * (or read-only, for read); E_NO_RIGHTS for a write to a read-only
 * device; PE_BUSY when BLK_MAX_INFLIGHT requests wait already; PE_IO
 * when the device reports an error. */
#pragma once

#include <stdint.h>

#include <kestrel/protocols.h>

#define BLK_SECTOR       512
#define BLK_MAX_SECTORS  128 /* 64 KiB a request */
#define BLK_MAX_INFLIGHT 32

struct blk_none {
	uint64_t unused;
};
struct blk_io_req {
	uint64_t sector;
	uint64_t count;
};
struct blk_io_rep {
	uint64_t done; /* sectors moved */
};
struct blk_frame_req {
	uint64_t sector;
	uint64_t count;
	uint64_t offset; /* bytes into the frame, a multiple of BLK_SECTOR */
};
struct blk_info_rep {
	uint64_t sectors;
	uint64_t read_only;
	uint64_t cylinders, heads, sectors_per_track;
	uint64_t flush; /* the device has a volatile cache that flush empties */
};

#define BLK_OPS(X)                                                                                   \
	X(blk, info, BLK_BASE + 1, PROTO_IDEMPOTENT, struct blk_none, struct blk_info_rep)           \
	X(blk, read, BLK_BASE + 2, PROTO_IDEMPOTENT | PROTO_LEASE_WRITE, struct blk_io_req,          \
	  struct blk_io_rep)                                                                         \
	X(blk, write, BLK_BASE + 3, PROTO_IDEMPOTENT | PROTO_LEASE_READ, struct blk_io_req,          \
	  struct blk_io_rep)                                                                         \
	X(blk, flush, BLK_BASE + 4, PROTO_IDEMPOTENT, struct blk_none, struct blk_none)              \
	X(blk, read_frame, BLK_BASE + 5, PROTO_IDEMPOTENT | PROTO_CAPS_IN(1), struct blk_frame_req,  \
	  struct blk_io_rep)                                                                         \
	X(blk, write_frame, BLK_BASE + 6, PROTO_IDEMPOTENT | PROTO_CAPS_IN(1), struct blk_frame_req, \
	  struct blk_io_rep)

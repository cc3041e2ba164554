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
 * attach: lends the driver a frame capability of the client's DMA memory
 *   (as read_frame's) to keep, so that io_vec can name it by the id the
 *   answer gives instead of sending it with every request. The driver
 *   keeps up to BLK_MAX_ATTACH frames for all its clients, each usable by
 *   the client that attached it alone (the badge it calls with), and
 *   forgets them all when it restarts: then io_vec answers E_NOT_FOUND
 *   and the client attaches again. E_LIMIT when the table is full.
 * detach: drops every frame the caller attached (a client's new instance
 *   calls it first: its predecessor's frames are of no use to it).
 * io_vec: up to BLK_VEC_MAX segments, each count sectors at sector to or
 *   from offset bytes into an attached frame, all reads or all writes
 *   (BLK_VEC_WRITE), offered to the device together and answered when all
 *   are complete: the device may complete them in any order, so a client
 *   that needs one write on the disk before another sends them in two
 *   calls. With BLK_VEC_FLUSH, a flush follows once the writes completed,
 *   before the answer (nsegs 0 with BLK_VEC_FLUSH is a flush alone). The
 *   answer's done counts the sectors moved; the first failing segment's
 *   error is the call's (the others may have happened).
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
#define BLK_MAX_ATTACH   128 /* frames attached, all clients together */
#define BLK_VEC_MAX      16  /* segments of one io_vec */

/* io_vec's flags */
#define BLK_VEC_WRITE 1u
#define BLK_VEC_FLUSH 2u

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
struct blk_attach_rep {
	uint64_t id;    /* what io_vec calls the frame */
	uint64_t pages; /* its size */
};
struct blk_seg {
	uint64_t sector;
	uint32_t offset; /* bytes into the frame, a multiple of BLK_SECTOR */
	uint16_t count;  /* sectors, 1 to BLK_MAX_SECTORS */
	uint16_t frame;  /* attach's id */
};
struct blk_vec_req {
	uint64_t flags; /* BLK_VEC_* */
	uint64_t nsegs;
	struct blk_seg seg[BLK_VEC_MAX];
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
	  struct blk_io_rep)                                                                         \
	X(blk, attach, BLK_BASE + 7, PROTO_CAPS_IN(1), struct blk_none, struct blk_attach_rep)       \
	X(blk, detach, BLK_BASE + 8, PROTO_IDEMPOTENT, struct blk_none, struct blk_none)             \
	X(blk, io_vec, BLK_BASE + 9, PROTO_IDEMPOTENT, struct blk_vec_req, struct blk_io_rep)

/* The windows clients lend the filesystem server (include/kestrel/proto/
 * fs.h: window_attach): a share of the client's pages, mapped into the
 * server when it is attached and kept, one per client badge, in a table
 * of FS_WINDOWS entries; a new client attaching to a full table takes the
 * entry of the least recently used window, which is unmapped. The kernel
 * unmaps a window itself when its lender revokes the share or dies, so
 * each use first checks that the share is still there.
 *
 * Invariants: an entry with w_share != CAP_NULL holds our copy of a
 * read-write share of exactly w_bytes, mapped at w_base; no two entries
 * have the same badge. One caller at a time (the server has one thread). */
#pragma once

#include <stdint.h>

/* Maps the share in slot share (a copy the caller received) as badge's
 * window of bytes, replacing badge's window if it had one. Returns E_OK,
 * and the entry then owns the slot; otherwise the slot stays the
 * caller's: E_NO_RIGHTS (badge 0, which names no one client; a share
 * without R_WRITE), E_WRONG_TYPE (not a share), E_BAD_ARG (bytes not the
 * share's size, not a multiple of 4096, or above FS_WINDOW_MAX), or the
 * mapping's error. */
long window_attach(uint64_t badge, uint64_t share, uint64_t bytes);

/* The bytes [at, at + count) of badge's window, in *p. Returns E_OK,
 * PE_DETACHED when badge has no window (or had one whose share is gone:
 * the entry is dropped), or E_BAD_ARG for a range outside the window. */
long window_get(uint64_t badge, uint64_t at, uint64_t count, uint8_t **p);

/* The windows held now (for the tests). */
unsigned window_count(void);

/* The filesystem server's handlers (fs_srv.c) and what main.c gives them. */
#pragma once

#include "ext2.h"
#include "proto.h"

/* The mounted filesystem, or NULL when the disk could not be mounted (every
 * call then answers ENODEV). */
extern struct ext2_fs *fs_mounted;

/* A new request: the next timestamp reads the clock again (within one,
 * every change has the same time, read once). */
void fs_clock_tick(void);

/* The dispatch table of FS_OPS, for server_run. */
extern const struct proto_op fs_ops[];
extern const unsigned fs_nops;

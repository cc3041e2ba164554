/* The supervisor's manifest: which servers to start, from which binary,
 * with which rights and restart policy. Plain text, one block a server:
 *
 *   server hello                # a name, up to 23 characters
 *       binary hello.elf        # a boot module, by the last part of its name
 *       priority 50             # 1-99 (the supervisor runs at 100)
 *       restart backoff         # always | backoff | never
 *       limit 5                 # backoff: crashes in a row before it is left down
 *       provides hello          # the service name clients look up
 *       uses console            # services it needs started first (repeatable)
 *       irq 4                   # an interrupt line
 *       ports 0x3f8 8           # first port and count
 *       heartbeat 1000          # ms between liveness checks; 0: none (always
 *                               # none without provides: nothing answers)
 *       devmem 0xfed00000 4096  # device memory: physical address, bytes
 *                               # (page-aligned, not RAM; one line)
 *       control                 # may kill, crash and restart servers
 *       dma                     # may allocate memory for DMA and learn its
 *                               # physical address (R_DMA on its pool)
 *
 * Blank lines and text after '#' are ignored. This file has no hardware or
 * IPC in it, so the host tests link it as it is. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MANIFEST_MAX_SERVERS 16
#define MANIFEST_MAX_USES    4
#define MANIFEST_NAME_LEN    24
#define MANIFEST_PHYS_END    (1ULL << 52) /* the end of x86-64 physical addresses */

enum restart_policy { RESTART_ALWAYS, RESTART_BACKOFF, RESTART_NEVER };

struct manifest_server {
	char ms_name[MANIFEST_NAME_LEN];
	char ms_binary[MANIFEST_NAME_LEN * 2];
	char ms_provides[MANIFEST_NAME_LEN];
	char ms_uses[MANIFEST_MAX_USES][MANIFEST_NAME_LEN];
	unsigned ms_nuses;
	unsigned ms_priority;
	enum restart_policy ms_restart;
	unsigned ms_limit;
	int ms_irq; /* -1: none */
	unsigned ms_port_first, ms_port_count;
	unsigned ms_heartbeat_ms;
	uint64_t ms_devmem_addr, ms_devmem_size; /* size 0: none */
	bool ms_control;                         /* may use the supervisor's control calls */
	bool ms_dma;                             /* its pool carries R_DMA */
};

struct manifest {
	struct manifest_server m_servers[MANIFEST_MAX_SERVERS];
	unsigned m_count;
};

/* Parses text (len bytes, not necessarily NUL-terminated). Returns 0, or
 * the 1-based line number of the first error, with a reason in err. */
unsigned manifest_parse(const char *text, size_t len, struct manifest *m, char *err, size_t errlen);

/* Fills order[] with server indexes such that every server comes after
 * the providers of what it uses. Returns 0, or -1 if some server uses a
 * service nobody provides or the uses form a cycle (err says which). */
int manifest_order(const struct manifest *m, unsigned *order, char *err, size_t errlen);

/* The supervisor's manifest: which servers to start, from which binary,
 * with which rights and restart policy. Plain text, one block a server:
 *
 *   server hello                # a name, up to 23 characters
 *       binary hello.elf        # a boot module, by the last part of its name
 *       priority 50             # 1-99 (the supervisor runs at 100)
 *       restart backoff         # always | backoff | never
 *       limit 5                 # backoff: crashes in a row before it is left down
 *       provides hello          # a service name clients look up (repeatable)
 *       uses console            # services it needs started first (repeatable)
 *       memory 16M              # its pool's quota: bytes with a K, M or G
 *                               # suffix, a multiple of 4K (default 16M)
 *       vault 1                 # pages kept across its restarts (default 0)
 *       irq 4                   # an interrupt line (repeatable)
 *       ports 0x3f8 8           # first port and count (repeatable)
 *       heartbeat 1000          # ms between liveness checks; 0: none (always
 *                               # none without provides: nothing answers)
 *       spin 10000              # ms its first thread may keep the CPU (90%
 *                               # of it) before it is ended as spinning; 0:
 *                               # never (the default for restart never)
 *       devmem 0xfed00000 4096  # device memory: physical address, bytes
 *                               # (page-aligned, not RAM; repeatable)
 *       devrange 0xb0000000 0x10000000  # the same, as a range capability a
 *                               # bus server makes frames from (repeatable)
 *       pci 1234:11e8           # the PCI device it drives: vendor:device in
 *                               # hex; the PCI server gives it that device
 *       control                 # may kill, crash and restart servers
 *       dma                     # may allocate memory for DMA and learn its
 *                               # physical address (R_DMA on its pool)
 *       chaos                   # may inject faults: gets other servers'
 *                               # threads and memory (servers/chaos/)
 *
 * Blank lines and text after '#' are ignored. Repeated irq, ports, devmem
 * and devrange lines add up; no two servers may share a port, a byte of
 * device memory (devmem and devrange alike), an interrupt line or a service
 * name (the later block is refused). An irq line from IRQ_MSI_FIRST (24) on
 * is an MSI vector. One pci line a block; two blocks may name the same
 * device (two identical disks): the PCI server gives each its own.
 *
 * An error refuses its server's block, not the manifest: the parser goes
 * on, lists every error (line and text) in m_errors, and marks the server
 * ms_refused, so the supervisor starts every other server and still knows
 * the refused one's name and services. This file has no hardware or IPC in
 * it, so the host tests link it as it is. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MANIFEST_MAX_SERVERS    64
#define MANIFEST_MAX_USES       16
#define MANIFEST_MAX_PROVIDES   4
#define MANIFEST_MAX_RESOURCES  16 /* irq, ports, devmem and devrange lines of one server together */
#define MANIFEST_MAX_VAULT      16 /* vault pages */
#define MANIFEST_MAX_ERRORS     16 /* kept; m_nerrors counts them all */
#define MANIFEST_NAME_LEN       24
#define MANIFEST_ERROR_LEN      120
#define MANIFEST_PHYS_END       (1ULL << 52) /* the end of x86-64 physical addresses */
#define MANIFEST_IRQ_LINES      56 /* IOAPIC lines 0-23, then MSI vectors (IRQ_MSI_FIRST, IRQ_MSI_COUNT) */
#define MANIFEST_PAGE           4096ULL
#define MANIFEST_MEMORY_DEFAULT (16ULL << 20)
#define MANIFEST_SPIN_DEFAULT   10000 /* ms: spin, for a server restarted by its policy */
#define MANIFEST_SPIN_UNSET     (~0u) /* no spin line (yet): the default follows restart */
#define MANIFEST_MEMORY_MAX     (1ULL << 30)

enum restart_policy { RESTART_ALWAYS, RESTART_BACKOFF, RESTART_NEVER };

enum manifest_resource_kind { MANIFEST_PORTS, MANIFEST_IRQ, MANIFEST_DEVMEM, MANIFEST_DEVRANGE };

/* One irq, ports, devmem or devrange line: irq: mr_first the line,
 * mr_count 1; ports: first port and count; devmem, devrange: physical
 * address and bytes. */
struct manifest_resource {
	enum manifest_resource_kind mr_kind;
	uint64_t mr_first, mr_count;
	unsigned mr_line; /* where it was given, for messages */
};

struct manifest_server {
	char ms_name[MANIFEST_NAME_LEN];
	char ms_binary[MANIFEST_NAME_LEN * 2];
	char ms_provides[MANIFEST_MAX_PROVIDES][MANIFEST_NAME_LEN];
	unsigned ms_nprovides;
	char ms_uses[MANIFEST_MAX_USES][MANIFEST_NAME_LEN];
	unsigned ms_nuses;
	unsigned ms_priority;
	enum restart_policy ms_restart;
	unsigned ms_limit;
	unsigned ms_heartbeat_ms;
	unsigned ms_spin_ms;      /* ended once it kept the CPU this long (heartbeat.c); 0: never */
	uint64_t ms_memory_pages; /* its pool's quota */
	unsigned ms_vault_pages;
	struct manifest_resource ms_res[MANIFEST_MAX_RESOURCES];
	unsigned ms_nres;
	bool ms_control; /* may use the supervisor's control calls */
	bool ms_dma;     /* its pool carries R_DMA */
	bool ms_chaos;   /* may ask for other servers' thread and memory (sup_target) */
	bool ms_pci;     /* a pci line: ms_pci_vendor:ms_pci_device */
	uint16_t ms_pci_vendor, ms_pci_device;
	unsigned ms_line; /* its server line */
	bool ms_refused;  /* an error in its block (m_errors says which): not started */
};

struct manifest_error {
	unsigned me_line; /* 1-based */
	char me_text[MANIFEST_ERROR_LEN];
};

struct manifest {
	struct manifest_server m_servers[MANIFEST_MAX_SERVERS];
	unsigned m_count;
	struct manifest_error m_errors[MANIFEST_MAX_ERRORS];
	unsigned m_nerrors; /* may exceed MANIFEST_MAX_ERRORS: the rest were not kept */
};

/* Parses text (len bytes, not necessarily NUL-terminated). Returns 0, or
 * the line of the first error, whose text also goes to err ("KEY: what is
 * wrong; server NAME refused"); m_errors lists them all. */
unsigned manifest_parse(const char *text, size_t len, struct manifest *m, char *err, size_t errlen);

/* The index of the server that provides service (refused ones too), or -1. */
int manifest_provider(const struct manifest *m, const char *service);

/* Fills order[] with the indexes of the servers that are not refused, such
 * that every server comes after the providers of what it uses. A server
 * that uses a service no block provides, or whose uses form a cycle, is
 * refused with an error in m. Returns how many went into order. */
unsigned manifest_order(struct manifest *m, unsigned *order);

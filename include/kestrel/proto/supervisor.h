/* The supervisor: what it gives each server at start, and the calls
 * servers and clients make to it.
 *
 * A server's first thread starts with rdi = SERVER_INFO_VADDR, where a
 * read-only page of struct server_info says which of its slots hold what
 * (a table of entries, one for each capability or mapping it was given).
 * The server answers requests on si_ep; when it is ready it calls the
 * supervisor (si_sup) with sup_ready. Clients get a service's endpoint with
 * sup_lookup: the answer carries one capability, badged for that client.
 * The control calls (SUP_OPS below: list, kill, crash, restart, log) are
 * what the shell's ps, kill, crash, restart and log use; target and
 * injected are the chaos service's (servers/chaos/). */
#pragma once

#include <stdint.h>

#include <kestrel/protocols.h>

#define SERVER_INFO_VADDR   0x00007FFFFFF00000ULL /* where BOOT_INFO_VADDR is for the first task */
#define SERVER_VAULT_VADDR  0x00007FFFFF000000ULL /* a manifest vault's pages, below the stack */
#define SERVER_INFO_MAGIC   0x5345525645523032ULL /* "SERVER02" */
#define SERVER_NAME_LEN     24
#define SERVER_INFO_MAX_RES 28

/* What one entry of server_info's table is. */
#define SERVER_RES_KINDS(X)                                                                                 \
	X(SERVER_RES_EP, 1, "endpoint")       /* slot: the endpoint it serves */                            \
	X(SERVER_RES_SUP, 2, "supervisor")    /* slot: the supervisor's endpoint */                         \
	X(SERVER_RES_SELF, 3, "task")         /* slot: its own task */                                      \
	X(SERVER_RES_POOL, 4, "pool")         /* slot: its pool; count: its quota in pages */               \
	X(SERVER_RES_PORTS, 5, "ports")       /* slot; first: first port; count: ports */                   \
	X(SERVER_RES_IRQ, 6, "irq")           /* slot; first: the line; count: 1 */                         \
	X(SERVER_RES_DEVMEM, 7, "devmem")     /* slot: a frame; first: physical address; count: bytes */    \
	X(SERVER_RES_VAULT, 8, "vault")       /* no slot: mapped at first (an address), count pages */      \
	X(SERVER_RES_DEVRANGE, 9, "devrange") /* slot: device-memory range; first: address; count: bytes */ \
	X(SERVER_RES_MSI, 10, "msi")          /* slot: MSI vector; first: its address; count: its data */

enum server_res_kind {
#define SERVER_RES_ENUM(name, value, text) name = value,
	SERVER_RES_KINDS(SERVER_RES_ENUM)
#undef SERVER_RES_ENUM
};

/* One thing the supervisor gave the server, in manifest order. */
struct server_res {
	uint64_t sr_kind;  /* enum server_res_kind */
	uint64_t sr_slot;  /* the capability's slot, or 0 (a vault has none) */
	uint64_t sr_first; /* what the kind says: a port, a line, an address */
	uint64_t sr_count;
};

/* Read-only to the server. The si_ fields before si_nres are shortcuts:
 * the slot of the first entry of each kind (0 when it has none); si_res
 * lists every entry (server_resource() in libipc finds one). */
struct server_info {
	uint64_t si_magic;
	char si_name[SERVER_NAME_LEN];
	uint64_t si_generation;      /* 1 for the first start, +1 for each restart */
	uint64_t si_ep;              /* slot: the endpoint it serves (receive right) */
	uint64_t si_sup;             /* slot: the supervisor's endpoint */
	uint64_t si_self;            /* slot: its own task */
	uint64_t si_pool;            /* slot: memory it may allocate */
	uint64_t si_irq;             /* slot: its first interrupt line, or 0 */
	uint64_t si_ioport;          /* slot: its first range of I/O ports, or 0 */
	uint64_t si_first_free_slot; /* slots from here on are empty */
	uint64_t si_priority;        /* its threads' priority: more threads may have at most this */
	uint64_t si_devmem;          /* slot: its first frame of device memory, or 0 */
	uint64_t si_fault;           /* slot: the fault endpoint for threads it makes (a fault ends it) */
	uint64_t si_nres;
	struct server_res si_res[SERVER_INFO_MAX_RES];
};

_Static_assert(sizeof(struct server_info) <= 4096, "server_info fits its page");

/* A program's pid: the kernel id of its first thread plus one (ids start
 * at 0, and kill() gives pid 0 a meaning of its own). getpid() returns
 * it, ready tells it to the supervisor and ps shows it. */
static inline uint64_t pid_of_thread(uint64_t thread_id)
{
	return thread_id + 1;
}

/* The badge of a service's capability that lookup hands a client: the
 * client's index in the manifest + 1, in the low 16 bits (a PCI claim
 * adds bits above). A server tells its clients apart by it, and may ask
 * list about one (the index) to learn whether it still runs. */
#define SUP_CLIENT_BADGE(index) ((uint64_t)(index) + 1)
#define SUP_CLIENT_INDEX(badge) (((uint64_t)(badge)&0xFFFF) - 1)

struct sup_ready_req {
	uint64_t pid; /* the caller's, for ps (it is only shown) */
};
struct sup_ready_rep {
	uint64_t unused;
};

struct sup_name_req {
	char name[SERVER_NAME_LEN]; /* a server's name in the manifest, NUL-padded */
};
struct sup_lookup_rep {
	uint64_t unused; /* the answer is its capability */
};
struct sup_generation_rep {
	uint64_t generation; /* crash, kill: of the instance it hit; restart: of the new one */
};

/* What ps shows of a server. */
#define SUP_STATES(X)                                                           \
	X(SUP_DOWN, "down")             /* not started yet */                   \
	X(SUP_STARTING, "starting")     /* running, not ready yet */            \
	X(SUP_UP, "up")                 /* ready */                             \
	X(SUP_RESTARTING, "restarting") /* died; started again after a delay */ \
	X(SUP_FAILED, "failed")         /* left down (policy, or it could not start) */

enum sup_state {
#define SUP_STATE_ENUM(name, text) name,
	SUP_STATES(SUP_STATE_ENUM)
#undef SUP_STATE_ENUM
};

struct sup_index_req {
	uint64_t index; /* 0..: the manifest's servers; SUP_LIST_SELF: the supervisor */
};
#define SUP_LIST_SELF UINT64_MAX
struct sup_list_rep {
	char name[SERVER_NAME_LEN];
	uint64_t state; /* enum sup_state */
	uint64_t generation;
	uint64_t restarts;  /* automatic and requested, since boot */
	uint64_t uptime_ms; /* of the running instance; 0 when none runs */
	uint64_t pid;       /* of the running instance once it is ready, else 0 */
	uint64_t priority;
	uint64_t mem_quota; /* pages its pool may hold (the manifest's memory line) */
	uint64_t mem_used;  /* pages its running instance holds (its pool's, and the image and stack
	                     * the supervisor loaded it with); 0 when none runs */
	/* Time-stamp counts (guest instructions under -icount): when its last
	 * instance ended (the fault message, kill or restart request; 0 if
	 * none has), and when the running one said ready (0 before). A
	 * client that sees a new generation's first answer at TSC t knows
	 * the recovery took t - died_tsc (bench/recovery, servers/workload). */
	uint64_t died_tsc;
	uint64_t ready_tsc;
};

/* The supervisor keeps its last SUP_LOG_LINES log lines (what it prints
 * on the kernel console, without the newline) and numbers every line
 * from 0 at boot. */
#define SUP_LOG_LINES 64
#define SUP_LOG_TEXT  120
struct sup_log_req {
	uint64_t from; /* a line number */
};
struct sup_log_rep {
	uint64_t number; /* of the line given: the first still kept at or after from */
	uint64_t next;   /* the number the next new line will get */
	char text[SUP_LOG_TEXT];
};

/* What the chaos service may ask for of a running server: its first
 * thread, or one region of the memory it was loaded with (1 ..
 * nregions: its code, its data and bss, its stack). */
#define SUP_TARGET_THREAD 0
#define SUP_REGION_KINDS(X)                                                 \
	X(SUP_REGION_THREAD, "thread") /* no memory: SUP_TARGET_THREAD */   \
	X(SUP_REGION_TEXT, "text")     /* its code (executable segments) */ \
	X(SUP_REGION_DATA, "data")     /* its writable segments */          \
	X(SUP_REGION_STACK, "stack")   /* its first thread's stack */

enum sup_region_kind {
#define SUP_REGION_ENUM(name, text) name,
	SUP_REGION_KINDS(SUP_REGION_ENUM)
#undef SUP_REGION_ENUM
};

struct sup_target_req {
	char name[SERVER_NAME_LEN];
	uint64_t what; /* SUP_TARGET_THREAD, or a region: 1 .. nregions */
};
struct sup_target_rep {
	uint64_t generation;   /* of the instance the capability belongs to */
	uint64_t nregions;     /* of its memory */
	uint64_t kind;         /* enum sup_region_kind of what was asked for */
	uint64_t va, pages;    /* where the region is mapped in the server (0 for the thread) */
	uint64_t heartbeat_ms; /* its manifest's: 0 when no heartbeat would notice it hang */
};

#define SUP_INJECT_TEXT 64
struct sup_injected_req {
	char name[SERVER_NAME_LEN];
	uint64_t generation; /* the instance hit: a report about an older one is ignored */
	uint64_t number;     /* the chaos service's count of injections, from 1 */
	uint64_t kind_len;   /* the first kind_len bytes of what name the kind ("regflip") */
	uint64_t window_ms;  /* a death this soon after it follows it (at most SUP_INJECT_WINDOW_MAX_MS) */
	char what[SUP_INJECT_TEXT]; /* what was done, in words: "regflip rbx bit 17" */
};
struct sup_injected_rep {
	uint64_t unused;
};

#define SUP_INJECT_WINDOW_MAX_MS 60000

/* dma_keep's request carries the frame; nothing else. dma_drop names a
 * kept frame by its physical address; dma_reset, nothing. */
struct sup_dma_keep_req {
	uint64_t unused;
};
struct sup_dma_drop_req {
	uint64_t pa;
};
struct sup_dma_keep_rep {
	uint64_t unused;
};

/* ready: a server tells it is ready (libipc's server_run does).
 * lookup: a copy of the endpoint of the named service (a manifest's
 *   provides name), badged for the caller, which may carry capabilities
 *   and leases; only services the caller's block names in a uses line
 *   (PE_NO_SERVICE for others); PE_FAILED for one that failed or was left
 *   down.
 * crash: the named server's first thread jumps to address 0 wherever it
 *   is (a real page fault), for demonstrations; its policy restarts it.
 * list: the index-th server of the manifest (E_NOT_FOUND past the last).
 * kill: the named server's task is destroyed, as a crash would end it;
 *   its restart policy decides what follows (E_BAD_STATE if not running).
 * restart: the named server is stopped if it runs and started again at
 *   once, whatever its policy and even if it was left down.
 * log: one kept log line (E_NOT_FOUND when from is past the newest).
 * target: one capability for injecting faults into the named running
 *   server: its first thread (R_CONTROL | R_READ | R_WRITE: suspend,
 *   resume, its registers) or a region's frame (R_READ | R_WRITE: to map
 *   into the caller). It belongs to that instance: after a restart it
 *   fails (E_BAD_CAP), and the caller asks again. E_BAD_STATE if the
 *   server is not running, E_NOT_FOUND past its regions, E_BAD_ARG for
 *   what is never a target: the supervisor, a server with a `chaos`
 *   line, one whose policy is restart never (nothing would bring it
 *   back).
 * injected: the chaos service reports an injection; the log shows it, and
 *   the server's death within window_ms after it (if no other injection
 *   came between), or that it had no visible effect in that time.
 * dma_keep: a driver (a server with a dma line) hands over a copy of a
 *   frame its device may read and write: its own rings and buffers, and
 *   its clients' frames it points the device at. A device goes on with
 *   what it was given after its driver died, until the next instance
 *   resets it: the supervisor keeps the frame (so that it does not go back
 *   to the pool, and from there into a page table) until then.
 *   E_NO_RIGHTS without a dma line, E_LIMIT when it keeps too many.
 * dma_drop: the caller's device no longer uses its kept frame at physical
 *   address pa (it was reset, or never had a request in it): let it go.
 *   E_NOT_FOUND if the caller's instance keeps none there.
 * dma_reset: the caller has just reset its device, which now uses
 *   nothing it was given before: the frames kept for the caller's earlier
 *   instances are let go (libvirtio's virtio_pci_reset calls it). An
 *   instance that never resets the device (one that could not claim it)
 *   lets go of nothing.
 * Names that are no server get PE_NO_SERVICE. kill, crash and restart
 * need a `control` line in the caller's manifest block, target and
 * injected a `chaos` line: E_NO_RIGHTS without. */
#define SUP_OPS(X)                                                                                          \
	X(sup, ready, SUP_BASE + 1, PROTO_IDEMPOTENT, struct sup_ready_req, struct sup_ready_rep)           \
	X(sup, lookup, SUP_BASE + 2, PROTO_IDEMPOTENT | PROTO_CAPS_OUT(1), struct sup_name_req,             \
	  struct sup_lookup_rep)                                                                            \
	X(sup, crash, SUP_BASE + 3, 0, struct sup_name_req, struct sup_generation_rep)                      \
	X(sup, list, SUP_BASE + 4, PROTO_IDEMPOTENT, struct sup_index_req, struct sup_list_rep)             \
	X(sup, kill, SUP_BASE + 5, 0, struct sup_name_req, struct sup_generation_rep)                       \
	X(sup, restart, SUP_BASE + 6, 0, struct sup_name_req, struct sup_generation_rep)                    \
	X(sup, log, SUP_BASE + 7, PROTO_IDEMPOTENT, struct sup_log_req, struct sup_log_rep)                 \
	X(sup, target, SUP_BASE + 8, PROTO_IDEMPOTENT | PROTO_CAPS_OUT(1), struct sup_target_req,           \
	  struct sup_target_rep)                                                                            \
	X(sup, injected, SUP_BASE + 9, 0, struct sup_injected_req, struct sup_injected_rep)                 \
	X(sup, dma_keep, SUP_BASE + 10, PROTO_CAPS_IN(1), struct sup_dma_keep_req, struct sup_dma_keep_rep) \
	X(sup, dma_drop, SUP_BASE + 11, 0, struct sup_dma_drop_req, struct sup_dma_keep_rep)                \
	X(sup, dma_reset, SUP_BASE + 12, 0, struct sup_dma_keep_req, struct sup_dma_keep_rep)

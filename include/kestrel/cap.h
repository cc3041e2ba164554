/* Capabilities as user code sees them: a task names kernel objects by the
 * index of a slot in its capability table. Slot 0 is always empty, so a
 * zeroed variable never names anything. */
#pragma once

#define CAP_SLOTS 512 /* slots in each task's table (the supervisor holds about five a server, 64 servers) */
#define CAP_NULL  0

/* Kinds of object a capability can name (cap_identify reports these). */
enum cap_type {
	CAP_EMPTY = 0,
	CAP_TASK = 1,        /* address space + capability table */
	CAP_THREAD = 2,      /* a thread in some task */
	CAP_ENDPOINT = 3,    /* IPC rendezvous point; carries a badge */
	CAP_REPLY = 4,       /* one-shot right to answer one call */
	CAP_FRAME = 5,       /* physical pages: RAM, device or boot module */
	CAP_POOL = 6,        /* a memory quota that new objects and frames are charged to */
	CAP_IRQ_CONTROL = 7, /* may hand out a capability for any interrupt line */
	CAP_IRQ = 8,         /* one interrupt line */
	CAP_IOPORT = 9,      /* a range of I/O ports */
	CAP_DEVMEM = 10,     /* may make frame capabilities for non-RAM physical memory */
	CAP_SHARE = 11,      /* pages lent by one task to others, until it takes them back */
};

/* Rights. cap_copy can only remove rights, never add them. */
enum cap_rights {
	R_READ = 1 << 0,    /* endpoint: receive; frame: map readable */
	R_WRITE = 1 << 1,   /* endpoint: send and call; frame: map writable */
	R_EXEC = 1 << 2,    /* frame: map executable */
	R_GRANT = 1 << 3,   /* endpoint: capabilities may travel through it */
	R_CONTROL = 1 << 4, /* manage and destroy the object; frame: learn its physical address */
	R_DMA = 1 << 5,     /* pool: allocate memory for DMA (MEM_DMA) */
	R_ALL = 0x3F,
};

/* cap_copy flags. */
enum cap_copy_flags {
	CAP_COPY_MOVE = 1 << 0,  /* the source slot is emptied (reply caps can only move) */
	CAP_COPY_BADGE = 1 << 1, /* set the badge of an unbadged endpoint capability */
};

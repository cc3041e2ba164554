/* libc-glue: what its files share, and the little a C-library program may
 * ask of it besides the C library itself. See docs/libc.md. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* For programs. */

/* The start argument (rdi at _start). The first task's points at its
 * struct boot_info (include/kestrel/boot.h), a server's or a program the
 * supervisor starts at its struct server_info (include/kestrel/proto/
 * supervisor.h); start.c has read either already, and for a server_info
 * has called libipc's server_attach(), so service_lookup() works. */
uint64_t glue_start_arg(void);

/* The slots of the program's own task and of the pool its memory comes
 * from, as the start argument names them; CAP_NULL when it names none
 * (then sbrk, and so malloc, fails with ENOMEM). */
uint64_t glue_task_slot(void);
uint64_t glue_pool_slot(void);

/* How many times the filesystem server took this program's window
 * (fs_glue.c): once, plus once after each of its restarts or each time
 * it let the window go for another client's. */
unsigned glue_fs_window_attaches(void);

/* Between the glue's files. */

/* start.c: getpid()'s answer and the clock when the program started. */
pid_t glue_pid(void);
uint64_t glue_start_ms(void);

/* threads.c: the bytes a thread's TLS block needs (alignment included),
 * and making space of that size the thread's TLS, for ut. */
struct uthread;
size_t glue_tls_bytes(void);
void glue_tls_start(struct uthread *ut, void *space);

/* console_glue.c: opens the console as file descriptors 0, 1 and 2
 * (fd.h), before main. */
void glue_console_open(void);

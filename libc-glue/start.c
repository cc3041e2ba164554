/* Start-up of a C-library (picolibc) program.
 *
 * The entry is libipc's (libipc/crt0.c): _start puts the first thread's
 * record at the top of its stack and calls main(arg). A C-library program
 * is linked with ld's --wrap=main (libc_link in libc-glue/build.mk), which
 * sends that call to __wrap_main below, while the program's own
 * int main(int argc, char **argv) is reached as __real_main. So the entry
 * and the thread record stay defined once, in libipc.
 *
 * __wrap_main gives the first thread its thread-local storage (on its own
 * stack: __wrap_main never returns), reads the start argument, sets up
 * libipc's slot and address-space allocators, runs the constructors and
 * passes what main returns to exit(), which runs the atexit handlers and
 * the destructors (stdio's flush among them) and ends the thread through
 * _exit() (stubs.c). */
#include <stdlib.h>

#include <kestrel/boot.h>
#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/proto/supervisor.h>

#include "glue.h"
#include "server.h"
#include "slots.h"
#include "syscalls.h"
#include "uthread.h"
#include "vspace.h"

extern char **environ;
void __libc_init_array(void);
int __real_main(int argc, char **argv, char **envp);
long __wrap_main(uint64_t arg);

static uint64_t start_arg;
static uint64_t task_slot = CAP_NULL;
static uint64_t pool_slot = CAP_NULL;
static pid_t start_pid;
static uint64_t start_ms;

/* No arguments yet. argc is 1 and argv[0] is empty, which is how C says
 * "the program's name is not available". */
static char argv0[] = "";
static char *start_argv[] = { argv0, 0 };

uint64_t glue_start_arg(void)
{
	return start_arg;
}

uint64_t glue_task_slot(void)
{
	return task_slot;
}

uint64_t glue_pool_slot(void)
{
	return pool_slot;
}

pid_t glue_pid(void)
{
	return start_pid;
}

uint64_t glue_start_ms(void)
{
	return start_ms;
}

/* A start argument that is neither a boot_info nor a server_info: the
 * slots in use are found by asking the kernel about each. */
static void start_claim_slots(void)
{
	struct cap_info ci;

	slots_init(CAP_NULL + 1);
	for (uint64_t s = CAP_NULL + 1; s < CAP_SLOTS; s++)
		if (sys_cap_identify_out(s, &ci) == E_OK && ci.ci_type != CAP_EMPTY)
			slot_claim(s);
}

/* The first task and servers get one page at the same address, told apart
 * by its magic number. */
static void start_read_arg(uint64_t arg)
{
	const struct boot_info *bi = (const struct boot_info *)arg;
	const struct server_info *si = (const struct server_info *)arg;

	_Static_assert(BOOT_INFO_VADDR == SERVER_INFO_VADDR, "one address, two magic numbers");
	if (arg == BOOT_INFO_VADDR && bi->bi_magic == BOOT_INFO_MAGIC) {
		task_slot = BOOT_SLOT_TASK;
		pool_slot = BOOT_SLOT_POOL;
		slots_init(bi->bi_first_free_slot);
	} else if (arg == SERVER_INFO_VADDR && si->si_magic == SERVER_INFO_MAGIC) {
		task_slot = si->si_self;
		pool_slot = si->si_pool;
		server_attach(arg); /* slots_init, and service_lookup works */
	} else {
		start_claim_slots();
	}
	vspace_init(task_slot);
}

long __wrap_main(uint64_t arg)
{
	/* Nothing may touch errno or any other thread-local variable before
	 * this: until then the FS base is 0. */
	glue_tls_start(uthread_self(), __builtin_alloca(glue_tls_bytes()));
	start_arg = arg;
	start_ms = sys_clock_ms();
	start_pid = (pid_t)pid_of_thread(sys_thread_id());
	start_read_arg(arg);
	glue_console_open(); /* descriptors 0, 1 and 2 */
	__libc_init_array();
	exit(__real_main(1, start_argv, environ));
}

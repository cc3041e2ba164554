/* Program entry. The kernel (for the first task) or the loader (spawn.c)
 * starts a task's first thread at _start with rdi = the start argument and
 * rsp = the top of a 64 KiB-aligned stack (BOOT_STACK_TOP), its message
 * buffer at BOOT_IPC_BUFFER. _start puts the thread's struct uthread at the
 * top of that stack (see uthread.h), then runs main(arg); main's return
 * value is the thread's exit status. */
#include <stdint.h>

#include "syscalls.h"
#include "uthread.h"

long main(uint64_t arg);
void crt0_main(uint64_t arg, struct uthread *ut) __attribute__((noreturn, used));

/* rsi = the record at the top of the region that holds rsp (rounded up,
 * so a start exactly at the top works), and the stack below it. */
__asm__(".text\n"
        ".globl _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "	mov %rsp, %rsi\n"
        "	add $0xffff, %rsi\n"
        "	and $-0x10000, %rsi\n"
        "	sub $64, %rsi\n"
        "	mov %rsi, %rsp\n"
        "	xor %ebp, %ebp\n"
        "	call crt0_main\n"
        "	ud2\n"
        ".size _start, . - _start\n");

_Static_assert(sizeof(struct uthread) == 64, "_start reserves 64 bytes for the record");
_Static_assert(UTHREAD_STACK_SIZE == 0x10000, "_start rounds to 64 KiB");

void crt0_main(uint64_t arg, struct uthread *ut)
{
	ut->ut_ipcbuf = (struct ipc_buffer *)BOOT_IPC_BUFFER;
	ut->ut_fn = 0;
	ut->ut_arg = arg;
	ut->ut_slot = 0;
	ut->ut_libc = 0;
	ut->ut_reply = 0;
	thread_exit((uint64_t)main(arg));
}

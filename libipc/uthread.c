/* Threads in the caller's own task. Region layout (UTHREAD_REGION bytes,
 * aligned to UTHREAD_STACK_SIZE, from vspace_alloc):
 *
 *   base                      message buffer page (mapped by the kernel)
 *   base + 1 page ...         unmapped: a stray write below the stack faults
 *   base + 2*SIZE - PAGES*4K  stack pages (mapped here), growing down
 *   base + 2*SIZE - 64        struct uthread
 */
#include "uthread.h"

#include <kestrel/cap.h>
#include <kestrel/error.h>

#include "ipc.h"
#include "slots.h"
#include "syscalls.h"
#include "vspace.h"

#define UTHREAD_REGION (2 * UTHREAD_STACK_SIZE)

void uthread_main(struct uthread *ut) __attribute__((noreturn, used));

/* The thread starts here with rsp = rdi = its record, 16-byte aligned. */
__asm__(".text\n"
        ".globl uthread_entry\n"
        ".type uthread_entry, @function\n"
        "uthread_entry:\n"
        "	xor %ebp, %ebp\n"
        "	call uthread_main\n"
        "	ud2\n"
        ".size uthread_entry, . - uthread_entry\n");
extern char uthread_entry[];

void uthread_main(struct uthread *ut)
{
	/* The C library's per-thread block, if the program has one, on this
	 * stack below the record: it lives exactly as long as the thread. */
	size_t tls = uthread_tls_size ? uthread_tls_size() : 0;
	long status;

	if (tls)
		uthread_start_hook(ut, __builtin_alloca(tls));
	status = ut->ut_fn(ut->ut_arg);

	if (uthread_exit_hook)
		uthread_exit_hook(ut);
	uthread_reply_drop(); /* its caller learns now, not never */
	thread_exit((uint64_t)status);
}

void uthread_reply_aside(void)
{
	struct uthread *ut = uthread_self();
	uint64_t slot;

	if (ut->ut_reply)
		return;
	slot = slot_alloc();
	if (slot == CAP_NULL)
		return;
	if (sys_reply_save(slot) == E_OK)
		ut->ut_reply = slot;
	else
		slot_free(slot); /* no call to answer */
}

void uthread_reply_drop(void)
{
	uint64_t slot = uthread_reply_take();

	if (slot) {
		sys_cap_delete(slot);
		slot_free(slot);
	}
}

uint64_t uthread_reply_take(void)
{
	struct uthread *ut = uthread_self();
	uint64_t slot = ut->ut_reply;

	ut->ut_reply = 0;
	return slot;
}

long ipc_reply_saved(const struct msg *m)
{
	return ipc_answer(uthread_reply_take(), m);
}

/* Maps the stack pages at the top of the region; the frame is logged with
 * the mapping, so vspace_release() frees both. */
static long uthread_map_stack(uint64_t pool, uint64_t stack)
{
	uint64_t frame;
	long e = mem_map_fresh(&(struct mem_fresh){ .mf_pool = pool,
	                                            .mf_pages = UTHREAD_STACK_PAGES,
	                                            .mf_task = vspace_self(),
	                                            .mf_va = stack,
	                                            .mf_rights = R_READ | R_WRITE },
	                       &frame);

	if (e == E_OK && (e = vspace_log(stack, UTHREAD_STACK_PAGES, frame, 1)) != E_OK) {
		sys_mem_unmap(vspace_self(), stack, UTHREAD_STACK_PAGES);
		sys_cap_delete(frame);
		slot_free(frame);
	}
	return e;
}

long uthread_create(long (*fn)(uint64_t), uint64_t arg, unsigned prio, uint64_t fault_ep, uint64_t pool,
                    struct uthread_info *out)
{
	uint64_t base = vspace_alloc(UTHREAD_REGION, UTHREAD_STACK_SIZE), top = base + UTHREAD_REGION;
	uint64_t stack = top - UTHREAD_STACK_PAGES * 4096, slot;
	struct uthread *ut = (struct uthread *)(top - sizeof(struct uthread));
	long e;

	if (!base)
		return E_NO_MEMORY;
	/* The C library's TLS block comes off the stack: half of it at most. */
	if (uthread_tls_size && uthread_tls_size() > UTHREAD_STACK_PAGES * 4096 / 2)
		return E_NO_MEMORY;
	e = uthread_map_stack(pool, stack);
	if (e != E_OK)
		return e;
	slot = slot_alloc();
	if (slot == CAP_NULL)
		return E_LIMIT;
	ut->ut_ipcbuf = (struct ipc_buffer *)base;
	ut->ut_fn = fn;
	ut->ut_arg = arg;
	ut->ut_slot = slot;
	ut->ut_libc = 0;
	ut->ut_reply = 0;
	out->ui_slot = slot;
	out->ui_region = base;
	out->ui_stack = stack;
	out->ui_ut = ut;
	e = sys_thread_create(vspace_self(), pool, slot, base);
	/* Logged so that vspace_release() unmaps the buffer page too: a
	 * destroyed thread's buffer stays mapped in its task until then. */
	if (e == E_OK)
		e = vspace_log(base, 1, CAP_NULL, 0);
	if (e == E_OK)
		e = sys_thread_configure(slot, prio, fault_ep);
	if (e == E_OK)
		e = sys_thread_start(slot, (uint64_t)uthread_entry, (uint64_t)ut, (uint64_t)ut);
	if (e != E_OK) {
		sys_obj_destroy(slot);
		sys_cap_delete(slot);
		slot_free(slot);
	}
	return e;
}

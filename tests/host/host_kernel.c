/* The booted kernel of the host tests (host_kernel.h). */
#include "host_kernel.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/x86_64/paging.h"
#include "clock.h"
#include "fastpath.h"
#include "irq.h"
#include "kobj.h"
#include "standin/host_arch.h"
#include "vm.h"

/* mem.c's frame pool, here filled from the arena. */
struct frame_pool kernel_frames;

struct task *hk_task;
struct thread *hk_thread;
uint64_t hk_boot_free_frames;

static uint8_t *arena;
static uint32_t hk_task_gen;
static struct pool root_at_boot;

int hk_boot(void **state)
{
	uint64_t *bitmap = malloc(frame_bitmap_bytes(HK_ARENA_FRAMES));

	(void)state;
	arena = aligned_alloc(FRAME_SIZE, HK_ARENA_FRAMES * FRAME_SIZE);
	if (!arena || !bitmap)
		return -1;
	/* Junk, so that a page the kernel hands out unzeroed shows. */
	memset(arena, 0xa5, HK_ARENA_FRAMES * FRAME_SIZE);
	direct_map_offset = (uintptr_t)arena;
	host_ram_top = HK_ARENA_FRAMES * FRAME_SIZE;
	frame_pool_init(&kernel_frames, bitmap, HK_ARENA_FRAMES);
	frame_pool_add(&kernel_frames, HK_LOW_FRAMES * FRAME_SIZE, host_ram_top);
	if (!frame_alloc(&kernel_frames, &kernel_root))
		return -1;
	zero_frame(kernel_root);
	pool_init(); /* once a process: the root pool never dies */
	irq_init();
	root_at_boot = pools[0];
	hk_boot_free_frames = frame_free_count(&kernel_frames);
	return 0;
}

int hk_shutdown(void **state)
{
	(void)state;
	free(kernel_frames.fp_bitmap);
	free(arena);
	arena = NULL;
	direct_map_offset = 0;
	return 0;
}

/* Runs one kernel entry until it leaves for user mode or halts, and
 * returns the thread it would run (NULL: halt). */
static struct thread *enter(void (*entry)(struct trap_frame *), struct trap_frame *f)
{
	jmp_buf env;

	host_exit = &env;
	if (setjmp(env) == 0) {
		entry(f);
		fail_msg("a kernel entry returned instead of leaving for user mode");
	}
	host_exit = NULL;
	return host_ran;
}

static void exit_to_user(struct trap_frame *f)
{
	(void)f;
	sched_exit_to_user();
}

static void timer_interrupt(struct trap_frame *f)
{
	(void)f;
	clock_tick(); /* as trap.c does for VEC_TIMER, from user mode or idle */
	sched_exit_to_user();
}

struct thread *hk_schedule(void)
{
	return enter(exit_to_user, NULL);
}

struct thread *hk_tick(void)
{
	return enter(timer_interrupt, NULL);
}

void hk_become(struct thread *t)
{
	assert_int_equal(t->t_state, TS_READY);
	if (current == t)
		return;
	if (current && current->t_state == TS_READY)
		sched_enqueue(current, true);
	sched_dequeue(t);
	current = t;
}

struct thread *hk_syscall(struct thread *t, uint64_t nr, const uint64_t args[6])
{
	struct trap_frame *f = &t->t_frame;

	hk_become(t);
	f->vector = VEC_SYSCALL;
	f->rax = nr;
	f->rdi = args[0];
	f->rsi = args[1];
	f->rdx = args[2];
	f->r10 = args[3];
	f->r8 = args[4];
	f->r9 = args[5];
	return enter(syscall_dispatch, f);
}

/* The first task, as roottask.c makes it, with its thread running. */
int hk_setup(void **state)
{
	struct thread *t;

	(void)state;
	host_serial_len = 0;
	host_serial[0] = '\0';
	assert_int_equal(task_create(0, &hk_task), E_OK);
	assert_int_equal(thread_create_in(hk_task, 0, BOOT_IPC_BUFFER, HK_PRIO, &t), E_OK);
	cap_install_obj(hk_cap(hk_task, BOOT_SLOT_TASK), &hk_task->t_obj, task_index(hk_task), R_ALL);
	cap_install_obj(hk_cap(hk_task, BOOT_SLOT_THREAD), &t->t_obj, thread_index(t), R_ALL);
	cap_install_obj(hk_cap(hk_task, BOOT_SLOT_POOL), &pools[0].p_obj, 0, R_ALL);
	cap_install(hk_cap(hk_task, BOOT_SLOT_IRQ_CONTROL),
	            &(struct cap){ .c_type = CAP_IRQ_CONTROL, .c_rights = R_ALL });
	hk_task_gen = hk_task->t_obj.ko_gen;
	thread_start(t, HK_ENTRY, HK_STACK, 0);
	hk_thread = t;
	assert_thread(hk_schedule(), t);
	return 0;
}

/* Destroys the first task (unless the test did) and checks that the
 * kernel is back where it was booted. */
int hk_teardown(void **state)
{
	(void)state;
	if (hk_task->t_obj.ko_live && hk_task->t_obj.ko_gen == hk_task_gen)
		kobj_destroy(&hk_task->t_obj);
	kobj_reap();
	for (size_t i = 0; i < MAX_TASKS; i++)
		assert_false(tasks[i].t_obj.ko_live);
	for (size_t i = 0; i < MAX_THREADS; i++)
		assert_int_equal(threads[i].t_state, TS_FREE);
	for (size_t i = 0; i < MAX_ENDPOINTS; i++)
		assert_false(endpoints[i].ep_obj.ko_live);
	for (size_t i = 1; i < MAX_POOLS; i++) { /* dead, and its quota given back: no zombies */
		assert_false(pools[i].p_obj.ko_live);
		assert_int_equal(pools[i].p_quota + pools[i].p_used + pools[i].p_children, 0);
	}
	assert_int_equal(pools[0].p_quota, root_at_boot.p_quota);
	assert_int_equal(pools[0].p_used, 0);
	assert_int_equal(pools[0].p_children, 0);
	assert_memory_equal(pools[0].p_objs, root_at_boot.p_objs, sizeof(pools[0].p_objs));
	assert_memory_equal(pools[0].p_objs_used, root_at_boot.p_objs_used, sizeof(pools[0].p_objs_used));
	assert_int_equal(frame_free_count(&kernel_frames), hk_boot_free_frames);
	assert_null(current);
	assert_int_equal(sched_top, -1);
	return 0;
}

struct thread *hk_thread_new(uint64_t slot, uint8_t prio)
{
	hk_sys(hk_thread, SYS_THREAD_CREATE, BOOT_SLOT_TASK, BOOT_SLOT_POOL, slot,
	       HK_BUF_BASE + slot * FRAME_SIZE);
	assert_int_equal(hk_result(hk_thread), E_OK);
	hk_sys(hk_thread, SYS_THREAD_CONFIGURE, slot, prio, CAP_NULL);
	assert_int_equal(hk_result(hk_thread), E_OK);
	hk_sys(hk_thread, SYS_THREAD_START, slot, HK_ENTRY, HK_STACK, slot);
	assert_int_equal(hk_result(hk_thread), E_OK);
	return &threads[hk_cap(hk_task, slot)->c_obj];
}

struct endpoint *hk_endpoint_new(uint64_t slot)
{
	hk_sys(hk_thread, SYS_ENDPOINT_CREATE, BOOT_SLOT_POOL, slot);
	assert_int_equal(hk_result(hk_thread), E_OK);
	return &endpoints[hk_cap(hk_task, slot)->c_obj];
}

struct ipc_buffer *hk_ipcbuf(struct thread *t)
{
	return pa_to_va(t->t_ipcbuf_pa);
}

uint64_t *hk_word(struct thread *t, unsigned i)
{
	/* syscall.h's table: words 0-7 in these registers, the rest in the
	 * message buffer at the same index. */
	uint64_t *regs[MSG_REG_WORDS] = {
		&t->t_frame.rdx, &t->t_frame.r10, &t->t_frame.r8,  &t->t_frame.r9,
		&t->t_frame.r12, &t->t_frame.r13, &t->t_frame.r14, &t->t_frame.r15,
	};

	return i < MSG_REG_WORDS ? regs[i] : &hk_ipcbuf(t)->ib_msg[i];
}

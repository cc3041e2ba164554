/* What picolibc needs to be used by several threads of a task at once: its
 * locks (picolibc is built with retargetable locking, and the build takes
 * its empty ones out of libc.a, so these are the only ones) and one
 * thread-local storage block per thread (errno, strtok's and the float
 * formatter's state...), which picolibc reaches through the FS base.
 *
 * A thread's identity is its struct uthread (uthread_self(), found from
 * the stack pointer), so taking a free lock needs no system call. */
#include <picotls.h>
#include <stdlib.h>
#include <sys/lock.h>

#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/ipc.h>

#include "glue.h"
#include "ipc.h"
#include "slots.h"
#include "syscalls.h"
#include "uthread.h"

/* A lock: free when l_owner is 0. Only the owner writes l_depth. Every
 * lock is recursive (picolibc asks only for recursive ones).
 *
 * A thread that finds the lock taken counts itself in l_waiters and
 * sleeps: it receives on the task's park endpoint, with a timeout of one
 * clock tick. Whoever releases a lock with waiters signals the endpoint
 * (a notification: kept until someone receives, so a wake-up that comes
 * before the waiter is asleep is not lost). A wake-up may reach a waiter
 * of another lock; the right one then finds out at its timeout. So a
 * wake-up is fast in the usual case, never late by more than a tick, and
 * a waiter of any priority sleeps rather than spins: a lower-priority
 * owner runs and gives the lock back. The receive would drop a call the
 * waiter has not answered, so that call's reply capability is put aside
 * first (uthread_reply_aside; libipc's reply calls answer through it).
 * Until the park endpoint exists (it is made at the first wait, and tried
 * again at the next if that failed), waiters yield instead. */
struct __lock {
	struct uthread *l_owner;
	unsigned l_depth;
	unsigned l_waiters;
};

/* The one lock picolibc names statically (malloc, atexit, the stream
 * list, the environment...). */
struct __lock __lock___libc_recursive_mutex;

/* The glue's own: fs_glue.c's window. */
struct __lock __lock_glue_fs_window;

enum { PARK_NONE, PARK_MAKING }; /* else: the endpoint's slot (slots from the top: never these) */
static uint64_t park;
static uint64_t park_signal; /* a badged copy to signal it with; set before park */

#define PARK_TIMEOUT_MS 1

/* The park endpoint, made by the first thread that has to wait; PARK_*
 * while there is none. */
static uint64_t park_endpoint(void)
{
	uint64_t p = __atomic_load_n(&park, __ATOMIC_ACQUIRE), none = PARK_NONE, slot;

	if (p != PARK_NONE ||
	    !__atomic_compare_exchange_n(&park, &none, PARK_MAKING, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return __atomic_load_n(&park, __ATOMIC_ACQUIRE);
	slot = glue_pool_slot() == CAP_NULL ? CAP_NULL : slot_alloc();
	park_signal = slot == CAP_NULL ? CAP_NULL : slot_alloc();
	if (park_signal == CAP_NULL || sys_endpoint_create(glue_pool_slot(), slot) != E_OK ||
	    sys_cap_copy(slot, glue_task_slot(), park_signal, R_WRITE, 1, CAP_COPY_BADGE) != E_OK) {
		if (slot != CAP_NULL) {
			sys_cap_delete(slot);
			slot_free(slot);
		}
		if (park_signal != CAP_NULL)
			slot_free(park_signal);
		slot = CAP_NULL;
	}
	/* A failure (no pool, or its endpoint quota used up for now) is tried
	 * again at the next wait. */
	p = slot <= PARK_MAKING ? PARK_NONE : slot;
	__atomic_store_n(&park, p, __ATOMIC_RELEASE);
	return p;
}

static void lock_sleep(void)
{
	uint64_t ep = park_endpoint();
	struct msg m;

	if (ep > PARK_MAKING) {
		uthread_reply_aside(); /* a receive would drop a call we owe an answer */
		ipc_recv_nr(SYS_RECV, ep, PARK_TIMEOUT_MS, &m); /* not ipc_recv: it drops that too */
	} else {
		sys_yield();
	}
}

static int lock_try(struct __lock *l)
{
	struct uthread *me = uthread_self(), *none = 0;

	if (__atomic_load_n(&l->l_owner, __ATOMIC_RELAXED) == me) {
		l->l_depth++;
		return 1;
	}
	if (!__atomic_compare_exchange_n(&l->l_owner, &none, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 0;
	l->l_depth = 1;
	return 1;
}

static void lock_take(struct __lock *l)
{
	if (lock_try(l))
		return;
	__atomic_fetch_add(&l->l_waiters, 1, __ATOMIC_SEQ_CST);
	while (!lock_try(l))
		lock_sleep();
	__atomic_fetch_sub(&l->l_waiters, 1, __ATOMIC_SEQ_CST);
}

static void lock_give(struct __lock *l)
{
	uint64_t ep;

	if (--l->l_depth)
		return;
	__atomic_store_n(&l->l_owner, (struct uthread *)0, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&l->l_waiters, __ATOMIC_SEQ_CST) == 0)
		return;
	ep = __atomic_load_n(&park, __ATOMIC_ACQUIRE);
	if (ep > PARK_MAKING)
		sys_signal(park_signal);
}

/* Locks made at run time (one per FILE, made at its first use). If memory
 * is short the lock is NULL and the calls below do nothing: the stream
 * still works, unguarded. */
void __retarget_lock_init(_LOCK_T *lock)
{
	*lock = calloc(1, sizeof(struct __lock));
}

void __retarget_lock_init_recursive(_LOCK_T *lock)
{
	__retarget_lock_init(lock);
}

void __retarget_lock_close(_LOCK_T lock)
{
	free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock)
{
	free(lock);
}

void __retarget_lock_acquire(_LOCK_T lock)
{
	if (lock)
		lock_take(lock);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
	if (lock)
		lock_take(lock);
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
	return lock ? lock_try(lock) : 1;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
	return lock ? lock_try(lock) : 1;
}

void __retarget_lock_release(_LOCK_T lock)
{
	if (lock)
		lock_give(lock);
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
	if (lock)
		lock_give(lock);
}

/* Thread-local storage (x86-64 variant II, see libipc/user.ld): a block
 * of _tls_size() bytes, .tdata's image then .tbss zeroed, and the thread
 * pointer at its end. picolibc's _set_tls() finds the thread pointer and
 * calls __set_tcb(), which stores the self-pointer the ABI puts at %fs:0
 * and has the kernel load it as the thread's FS base. */
void __set_tcb(void *tp)
{
	*(void **)tp = tp;
	sys_tls_set((uint64_t)tp);
}

size_t glue_tls_bytes(void)
{
	return _tls_size() + _tls_align();
}

void glue_tls_start(struct uthread *ut, void *space)
{
	uintptr_t align = _tls_align(), blk = ((uintptr_t)space + align - 1) & ~(align - 1);

	_init_tls((void *)blk);
	_set_tls((void *)blk);
	ut->ut_libc = (void *)blk;
}

/* Every uthread_create() thread starts here (libipc/uthread.c), with
 * glue_tls_bytes() of its own stack set aside for the block: it goes when
 * the thread's stack does. */
size_t uthread_tls_size(void)
{
	return glue_tls_bytes();
}

void uthread_start_hook(struct uthread *ut, void *tls)
{
	glue_tls_start(ut, tls);
}

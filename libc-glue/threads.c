/* What newlib needs to be used by several threads of a task at once: its
 * locks (newlib is built with retargetable locking, so these replace its
 * empty defaults) and one struct _reent per thread (errno, strtok's and
 * dtoa's state...), which newlib finds through __getreent().
 *
 * A thread's identity is its struct uthread (uthread_self(), found from
 * the stack pointer), so neither needs a system call. */
#include <reent.h>
#include <stdlib.h>
#include <sys/lock.h>

#include "syscalls.h"
#include "uthread.h"

/* A lock: free when l_owner is 0. Only the owner writes l_depth. Every lock
 * is recursive, the non-recursive calls included (newlib never takes one
 * of those twice in a thread, so the difference is not needed).
 *
 * A waiter yields until the lock is free. That only lets threads of the
 * waiter's own priority run, so threads sharing the C library should run
 * at one priority: a higher one waiting for a lower one's lock would spin
 * for ever. Sleeping on an endpoint would lift that; nothing needs it yet. */
struct __lock {
	struct uthread *l_owner;
	unsigned l_depth;
};

/* The static locks newlib names (see newlib's libc/misc/lock.c): all of
 * them must be defined here, or newlib's empty ones would be linked too. */
struct __lock __lock___sinit_recursive_mutex;
struct __lock __lock___sfp_recursive_mutex;
struct __lock __lock___atexit_recursive_mutex;
struct __lock __lock___at_quick_exit_mutex;
struct __lock __lock___malloc_recursive_mutex;
struct __lock __lock___env_recursive_mutex;
struct __lock __lock___tz_mutex;
struct __lock __lock___dd_hash_mutex;
struct __lock __lock___arc4random_mutex;

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
	while (!lock_try(l))
		sys_yield();
}

static void lock_give(struct __lock *l)
{
	if (--l->l_depth == 0)
		__atomic_store_n(&l->l_owner, (struct uthread *)0, __ATOMIC_RELEASE);
}

/* Locks made at run time (one per FILE). If memory is short the lock is
 * NULL and the calls below do nothing: the stream still works, unguarded. */
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

/* The calling thread's struct _reent. The first thread's is newlib's
 * static one (start.c); any other thread gets its own from malloc the first
 * time it asks. While that allocation runs, the thread uses the static one:
 * malloc may set errno, which asks for the thread's struct _reent again.
 * If there is no memory for it, the thread keeps sharing the static one. */
struct _reent *__getreent(void)
{
	struct uthread *ut = uthread_self();
	struct _reent *r = ut->ut_libc;

	if (r)
		return r;
	ut->ut_libc = _global_impure_ptr;
	r = malloc(sizeof(*r));
	if (!r)
		return _global_impure_ptr;
	_REENT_INIT_PTR(r);
	ut->ut_libc = r;
	return r;
}

/* A uthread_create() thread whose function returned (libipc/uthread.c):
 * its struct _reent and what hangs from it go back to malloc. Shared
 * streams (stdin, stdout, stderr) are global and stay open. */
void uthread_exit_hook(struct uthread *ut)
{
	struct _reent *r = ut->ut_libc;

	if (!r || r == _global_impure_ptr)
		return;
	ut->ut_libc = _global_impure_ptr;
	_reclaim_reent(r);
	free(r);
}

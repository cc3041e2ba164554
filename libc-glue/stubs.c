/* The POSIX calls picolibc makes to reach the system, over Kestrel's
 * system calls. The heap (sbrk) is in heap.c, the console behind
 * descriptors 0-2 in console_glue.c, the clocks in time_glue.c. Each call
 * fails the POSIX way: -1 with errno (the calling thread's own: it is
 * thread-local) set.
 *
 * Descriptors are fd.c's table; 0, 1 and 2 start as the console. Files
 * are fs_glue.c's. Processes arrive with the supervisor's control
 * protocol; until then the calls that need them fail with ENOSYS (link
 * too: the filesystem protocol has no hard links). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "glue.h"
#include "syscalls.h"
#include "uthread.h"

static int fail(int err)
{
	errno = err;
	return -1;
}

int link(const char *old, const char *new)
{
	(void)old;
	(void)new;
	return fail(ENOSYS);
}

/* Ends the calling thread; its fault endpoint (the supervisor's) hears
 * FAULT_EXIT with the status and ends the task. Other threads of the task
 * run until then. exit() calls this after atexit handlers and stdio. */
void _exit(int status)
{
	uthread_reply_drop(); /* a call put aside while waiting for a lock */
	thread_exit((uint64_t)(unsigned)status);
}

pid_t getpid(void)
{
	return glue_pid();
}

/* Only a signal to ourselves can be delivered, and it is raise()'s: a
 * handler runs, SIG_IGN ignores it, and by default it ends the task with
 * 128 + sig, as a shell reports a process killed by sig. Signal 0 asks
 * whether the process exists. Other processes come with the supervisor's
 * protocol. */
int kill(pid_t pid, int sig)
{
	if (sig < 0 || sig >= _NSIG)
		return fail(EINVAL);
	if (pid != glue_pid() && pid != 0)
		return fail(ESRCH);
	return sig ? raise(sig) : 0;
}

pid_t fork(void)
{
	return fail(ENOSYS);
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	(void)path;
	(void)argv;
	(void)envp;
	return fail(ENOSYS);
}

int wait(int *status)
{
	(void)status;
	return fail(ENOSYS);
}

/* clock() is tms_utime + tms_stime, in CLOCKS_PER_SEC (1,000,000) ticks;
 * the kernel's clock counts milliseconds, so these move in steps of 1000.
 * The kernel does not count a task's processor time, so tms_utime is the
 * time since the program started, an upper bound of it; the result is the
 * time since boot, in the same ticks. */
clock_t times(struct tms *t)
{
	uint64_t now = sys_clock_ms();
	uint64_t per_ms = CLOCKS_PER_SEC / 1000;

	if (t) {
		t->tms_utime = (clock_t)((now - glue_start_ms()) * per_ms);
		t->tms_stime = 0;
		t->tms_cutime = 0;
		t->tms_cstime = 0;
	}
	return (clock_t)(now * per_ms);
}

/* One process, no asynchronous signals: the mask is only remembered.
 * SIGKILL and SIGSTOP cannot be blocked, and are left out without a word
 * (POSIX). */
int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	static sigset_t mask;
	sigset_t s;

	if (old)
		*old = mask;
	if (!set)
		return 0;
	s = *set & ~(((sigset_t)1 << SIGKILL) | ((sigset_t)1 << SIGSTOP));
	switch (how) {
	case SIG_BLOCK:
		mask |= s;
		return 0;
	case SIG_UNBLOCK:
		mask &= ~s;
		return 0;
	case SIG_SETMASK:
		mask = s;
		return 0;
	default:
		return fail(EINVAL);
	}
}

/* Signals whose default action is to be ignored (POSIX): picolibc's
 * raise ends the program for every signal at its default action. */
static int ignored_by_default(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

int __real_raise(int sig);
int __wrap_raise(int sig);

int __wrap_raise(int sig)
{
	if (ignored_by_default(sig) && sig > 0 && sig < _NSIG) {
		_sig_func_ptr h = signal(sig, SIG_DFL);

		signal(sig, h);
		if (h == SIG_DFL)
			return 0;
	}
	return __real_raise(sig);
}

/* Random bytes for arc4random and friends. There is no entropy source in
 * the kernel yet, so this mixes what varies from run to run (the
 * time-stamp counter, read many times) through splitmix64: unpredictable
 * enough for hash seeds, not for keys. */
int getentropy(void *buf, size_t len)
{
	unsigned char *p = buf;
	uint64_t x = 0;

	if (len > 256)
		return fail(EIO);
	for (size_t i = 0; i < len; i++) {
		if (i % 8 == 0) {
			x += sys_clock_tsc() + 0x9E3779B97F4A7C15ULL;
			x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
			x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
			x ^= x >> 31;
		}
		p[i] = (unsigned char)(x >> (i % 8 * 8));
	}
	return 0;
}

/* fflush(NULL) flushes every output stream (POSIX); picolibc's small
 * stdio takes NULL for a stream and faults. Until files exist, the output
 * streams are stdout and stderr. The link sends every fflush here
 * (--wrap=fflush in libc-glue/build.mk). */
int __real_fflush(FILE *stream);
int __wrap_fflush(FILE *stream);

int __wrap_fflush(FILE *stream)
{
	int out, err;

	if (stream)
		return __real_fflush(stream);
	out = __real_fflush(stdout);
	err = __real_fflush(stderr);
	return out || err ? EOF : 0;
}

/* picolibc 1.8.10's realloc returns NULL for a size past INT_MAX without
 * giving back the library lock it holds, so every other thread of the
 * program then waits for malloc for ever. Such sizes are refused here. */
void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);

void *__wrap_realloc(void *p, size_t n)
{
	if (n > INT_MAX - 64) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_realloc(p, n);
}

/* abort() ends the program as SIGABRT would even when SIGABRT is ignored
 * or its handler returns (POSIX); picolibc's then calls _exit(1). */
void __wrap_abort(void) __attribute__((noreturn));

void __wrap_abort(void)
{
	raise(SIGABRT);
	_exit(128 + SIGABRT);
}

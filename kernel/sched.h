/* The scheduler: fixed priorities 0-255 (higher runs first), round-robin
 * within a priority with a time slice, preemption from the timer. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct thread;

#define SCHED_SLICE_TICKS 10

/* The thread running on this CPU (NULL while idle). */
extern struct thread *current;

/* Puts a TS_READY thread in its run queue: at the tail, or at the front
 * when it was preempted with time left or is IPC's direct partner. */
void sched_enqueue(struct thread *t, bool front);

/* Makes a waiting thread TS_READY and queues it (unless it is current,
 * which is never queued while it runs). front: IPC's partner, which should
 * run before others of its priority. */
void sched_make_ready(struct thread *t, bool front);

/* Takes t out of its run queue, if it is queued. */
void sched_dequeue(struct thread *t);

/* The highest priority with a queued thread, or -1 (kept up to date by
 * sched_enqueue and sched_dequeue, so the fast path reads one word). */
extern int sched_top;

/* Timer tick: slices and timeouts. Interrupts off. */
void sched_tick(void);

/* Adds t to the timeout list, due at tick deadline. */
void sched_timeout_add(struct thread *t, uint64_t deadline);
void sched_timeout_remove(struct thread *t);

/* Chooses what runs next and returns to user mode in it, or idles until
 * something is runnable. Never returns. */
__attribute__((noreturn)) void sched_exit_to_user(void);

/* Yields the rest of the slice. */
void sched_yield(void);

/* System-call entry: fetch and check the arguments, then call the object
 * files that do the work. The dispatch table comes from the one list in
 * include/kestrel/syscall.h. Every handler checks everything before it
 * changes anything. */
#include <kestrel/boot.h>
#include <kestrel/error.h>
#include <kestrel/fault.h>
#include <kestrel/ipc.h>
#include <kestrel/syscall.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/platform.h"
#include "arch/x86_64/pte.h"
#include "clock.h"
#include "endpoint.h"
#include "fastpath.h"
#include "irq.h"
#include "mem.h"
#include "pool.h"
#include "printf.h"
#include "sched.h"
#include "share.h"
#include "task.h"
#include "thread.h"

typedef void (*syscall_fn)(struct thread *t, struct trap_frame *f);

/* In a handler: RESULT sets the call's result; CHECK ends the call with
 * expr's error, FAIL_IF with err when cond holds. */
#define RESULT(v) thread_set_result(t, (v))
#define CHECK(expr)                   \
	do {                          \
		int err_ = (expr);    \
		if (err_ != E_OK) {   \
			RESULT(err_); \
			return;       \
		}                     \
	} while (0)
#define FAIL_IF(cond, err) CHECK((cond) ? (err) : E_OK)

/* An empty destination slot of t (a stale capability counts as empty). */
static int dst_slot(struct task *t, uint64_t slot, struct cap **out)
{
	struct cap *c = cap_slot(t, slot);

	if (!c)
		return E_BAD_CAP;
	if (cap_is_live(c))
		return E_SLOT_FULL;
	cap_clear(c, E_NO_REPLY); /* a stale capability's references go */
	*out = c;
	return E_OK;
}

/* The kernel console is the serial line: a task that may drive it itself
 * (holds its ports) writes to it as it likes. Every other task's lines
 * start with "[task N] " and carry no control characters, and the console
 * closes a line that another writer left open (console.c), so that none
 * can pass for the kernel's or the supervisor's. */
static void debug_output(struct task *task, char *buf, uint64_t n)
{
	if (task_may_use_port(task, PLATFORM_CONSOLE_PORT)) {
		console_write(task, buf, n);
		return;
	}
	for (uint64_t i = 0; i < n; i++) {
		if (console_line_start(task))
			kprintf_as(task, "[task %u] ", task_index(task));
		if ((buf[i] < ' ' && buf[i] != '\n' && buf[i] != '\t') || buf[i] == 0x7F)
			buf[i] = '?';
		console_write(task, &buf[i], 1);
	}
}

static void sys_debug_write(struct thread *t, struct trap_frame *f)
{
	char buf[256];
	uint64_t addr = f->rdi, len = f->rsi;

	FAIL_IF(len > 4096, E_BAD_LENGTH);
	while (len) {
		uint64_t n = len < sizeof(buf) ? len : sizeof(buf);
		uint64_t bad;

		if (!task_copy_in(t->t_task, buf, addr, n, &bad)) {
			thread_fault(t, FAULT_BAD_POINTER, bad, SYS_DEBUG_WRITE);
			return;
		}
		debug_output(t->t_task, buf, n);
		addr += n;
		len -= n;
	}
	RESULT(E_OK);
}

static void sys_yield(struct thread *t, struct trap_frame *f)
{
	(void)f;
	sched_yield();
	RESULT(E_OK);
}

static void sys_clock(struct thread *t, struct trap_frame *f)
{
	f->rdi = clock_ticks();
	f->rsi = rdtsc();
	RESULT(E_OK);
}

static void sys_signal(struct thread *t, struct trap_frame *f)
{
	struct cap *ec;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_ENDPOINT, R_WRITE, &ec));
	FAIL_IF(ec->c_word == 0, E_BAD_ARG);
	RESULT(E_OK);
	ipc_notify(&endpoints[ec->c_obj], ec->c_word);
}

static void sys_tls_set(struct thread *t, struct trap_frame *f)
{
	FAIL_IF(f->rdi >= USER_TOP, E_BAD_ARG);
	t->t_fs_base = f->rdi;
	RESULT(E_OK);
}

static void sys_thread_id(struct thread *t, struct trap_frame *f)
{
	(void)f;
	RESULT(thread_index(t));
}

/* send, nbsend and call on an endpoint; send on a saved reply capability
 * answers that call. */
static void send(struct thread *t, struct trap_frame *f, bool block, bool call)
{
	struct cap *c = cap_slot(t->t_task, f->rdi);

	FAIL_IF(!ipc_message_fits(f->rsi), E_BAD_LENGTH);
	if (c && c->c_type == CAP_REPLY && !call) {
		FAIL_IF(!(c->c_rights & R_WRITE), E_NO_RIGHTS);
		RESULT(ipc_reply(t, c));
		return;
	}
	CHECK(cap_lookup(t->t_task, f->rdi, CAP_ENDPOINT, R_WRITE, &c));
	ipc_send(t, c, block, call);
}

static void sys_send(struct thread *t, struct trap_frame *f)
{
	send(t, f, true, false);
}

static void sys_nbsend(struct thread *t, struct trap_frame *f)
{
	send(t, f, false, false);
}

static void sys_recv(struct thread *t, struct trap_frame *f)
{
	struct cap *ep;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_ENDPOINT, R_READ, &ep));
	ipc_recv(t, &endpoints[ep->c_obj], f->rsi);
}

static void sys_call(struct thread *t, struct trap_frame *f)
{
	send(t, f, true, true);
}

static void sys_reply(struct thread *t, struct trap_frame *f)
{
	FAIL_IF(!ipc_message_fits(f->rsi), E_BAD_LENGTH);
	RESULT(ipc_reply(t, &t->t_caller));
}

static void sys_reply_recv(struct thread *t, struct trap_frame *f)
{
	struct cap *ep;

	FAIL_IF(!ipc_message_fits(f->rsi), E_BAD_LENGTH);
	ipc_reply(t, &t->t_caller); /* failures are ignored: the receive goes on */
	CHECK(cap_lookup(t->t_task, f->rdi, CAP_ENDPOINT, R_READ, &ep));
	ipc_recv(t, &endpoints[ep->c_obj], IPC_FOREVER);
}

static void sys_reply_save(struct thread *t, struct trap_frame *f)
{
	struct cap *dst;

	CHECK(dst_slot(t->t_task, f->rdi, &dst));
	FAIL_IF(t->t_caller.c_type != CAP_REPLY || !cap_is_live(&t->t_caller), E_NO_REPLY);
	cap_move(dst, &t->t_caller, R_ALL);
	RESULT(E_OK);
}

static void sys_cap_copy(struct thread *t, struct trap_frame *f)
{
	struct cap *src = cap_slot(t->t_task, f->rdi), *tc, *dst, c;
	uint64_t flags = f->r9;
	struct task *target;

	FAIL_IF(!src || !cap_is_live(src), E_BAD_CAP);
	CHECK(cap_lookup(t->t_task, f->rsi, CAP_TASK, R_CONTROL, &tc));
	target = &tasks[tc->c_obj];
	CHECK(dst_slot(target, f->rdx, &dst));
	FAIL_IF(src == dst || (flags & ~(uint64_t)(CAP_COPY_MOVE | CAP_COPY_BADGE)), E_BAD_ARG);
	FAIL_IF(src->c_type == CAP_REPLY && !(flags & CAP_COPY_MOVE), E_BAD_ARG);
	FAIL_IF((flags & CAP_COPY_BADGE) && (src->c_type != CAP_ENDPOINT || src->c_word != 0), E_BAD_ARG);
	c = *src;
	c.c_rights &= (uint8_t)f->r10;
	if (flags & CAP_COPY_MOVE)
		cap_move(dst, src, (unsigned)f->r10);
	else
		cap_install(dst, &c);
	if (flags & CAP_COPY_BADGE)
		dst->c_word = f->r8;
	if (c.c_type == CAP_IOPORT) {
		task_update_iomap(target);
		task_update_iomap(t->t_task);
	}
	RESULT(E_OK);
}

static void sys_cap_delete(struct thread *t, struct trap_frame *f)
{
	struct cap *c = cap_slot(t->t_task, f->rdi);
	bool ports;

	FAIL_IF(!c || c->c_type == CAP_EMPTY, E_BAD_CAP);
	ports = c->c_type == CAP_IOPORT;
	cap_clear(c, E_NO_REPLY);
	if (ports)
		task_update_iomap(t->t_task);
	RESULT(E_OK);
}

static void sys_cap_identify(struct thread *t, struct trap_frame *f)
{
	struct cap *c = cap_slot(t->t_task, f->rdi);

	FAIL_IF(!c, E_BAD_CAP);
	f->rdi = cap_is_live(c) ? c->c_type : CAP_EMPTY;
	f->rsi = cap_is_live(c) ? c->c_rights : 0;
	f->rdx = !cap_is_live(c)             ? 0
	         : c->c_type == CAP_ENDPOINT ? c->c_word
	         : c->c_type == CAP_FRAME    ? c->c_count
	         : c->c_type == CAP_SHARE    ? shares[c->c_obj].s_pages
	         : c->c_type == CAP_THREAD   ? threads[c->c_obj].t_ticks
	                                     : 0;
	RESULT(E_OK);
}

static void sys_obj_destroy(struct thread *t, struct trap_frame *f)
{
	struct cap *c = cap_slot(t->t_task, f->rdi);

	FAIL_IF(!c || !cap_is_live(c), E_BAD_CAP);
	FAIL_IF(!(c->c_rights & R_CONTROL), E_NO_RIGHTS);
	FAIL_IF(c->c_type != CAP_TASK && c->c_type != CAP_THREAD && c->c_type != CAP_ENDPOINT &&
	                c->c_type != CAP_SHARE,
	        E_WRONG_TYPE);
	RESULT(E_OK); /* before: the caller may be among what is destroyed */
	kobj_destroy(cap_kobj(c));
}

/* Ends a call that made object o (index idx): o belongs to the caller's
 * task, so it dies with it (kobj.h), and its capability goes to dst. */
static void install_new(struct thread *t, struct cap *dst, struct kobj *o, uint32_t idx, unsigned rights)
{
	kobj_set_owner(o, task_index(t->t_task), t->t_task->t_obj.ko_gen);
	cap_install_obj(dst, o, idx, rights);
	RESULT(E_OK);
}

static void sys_endpoint_create(struct thread *t, struct trap_frame *f)
{
	struct cap *pool, *dst;
	struct endpoint *ep;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_POOL, R_WRITE, &pool));
	CHECK(dst_slot(t->t_task, f->rsi, &dst));
	ep = endpoint_alloc(pool->c_obj);
	FAIL_IF(!ep, E_LIMIT);
	install_new(t, dst, &ep->ep_obj, (uint32_t)(ep - endpoints), R_ALL);
}

static void sys_task_create(struct thread *t, struct trap_frame *f)
{
	struct cap *pool, *dst;
	struct task *task;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_POOL, R_WRITE, &pool));
	CHECK(dst_slot(t->t_task, f->rsi, &dst));
	CHECK(task_create(pool->c_obj, &task));
	install_new(t, dst, &task->t_obj, task_index(task), R_ALL);
}

static void sys_thread_create(struct thread *t, struct trap_frame *f)
{
	struct cap *tc, *pool, *dst;
	struct thread *nt;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_TASK, R_CONTROL, &tc));
	CHECK(cap_lookup(t->t_task, f->rsi, CAP_POOL, R_WRITE, &pool));
	CHECK(dst_slot(t->t_task, f->rdx, &dst));
	CHECK(thread_create_in(&tasks[tc->c_obj], pool->c_obj, f->r10, t->t_prio, &nt));
	cap_install_obj(dst, &nt->t_obj, thread_index(nt), R_ALL); /* the thread belongs to its task */
	RESULT(E_OK);
}

static void sys_thread_configure(struct thread *t, struct trap_frame *f)
{
	struct cap *tc, *ep = NULL;
	struct thread *target;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_THREAD, R_CONTROL, &tc));
	if (f->rdx != CAP_NULL)
		CHECK(cap_lookup(t->t_task, f->rdx, CAP_ENDPOINT, R_WRITE, &ep));
	FAIL_IF(f->rsi > t->t_prio, E_BAD_ARG);
	target = &threads[tc->c_obj];
	target->t_fault_ep = ep ? *ep : (struct cap){ 0 };
	if (target->t_state == TS_READY && target != current) {
		sched_dequeue(target);
		target->t_prio = (uint8_t)f->rsi;
		sched_enqueue(target, false);
	} else {
		target->t_prio = (uint8_t)f->rsi;
	}
	RESULT(E_OK);
}

static void sys_thread_start(struct thread *t, struct trap_frame *f)
{
	struct cap *tc;
	struct thread *target;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_THREAD, R_CONTROL, &tc));
	target = &threads[tc->c_obj];
	FAIL_IF(target->t_state != TS_INACTIVE && target->t_state != TS_SUSPENDED, E_BAD_STATE);
	FAIL_IF(f->rsi >= USER_TOP || f->rdx >= USER_TOP, E_BAD_ARG);
	thread_start(target, f->rsi, f->rdx, f->r10);
	RESULT(E_OK);
}

static void sys_thread_suspend(struct thread *t, struct trap_frame *f)
{
	struct cap *tc;
	struct thread *target;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_THREAD, R_CONTROL, &tc));
	target = &threads[tc->c_obj];
	FAIL_IF(target->t_state == TS_INACTIVE || target->t_state == TS_EXITED, E_BAD_STATE);
	RESULT(E_OK); /* before: the caller may be suspending itself */
	if (thread_cancel_wait(target, E_BAD_STATE))
		target->t_state = TS_SUSPENDED;
}

static void sys_thread_resume(struct thread *t, struct trap_frame *f)
{
	struct cap *tc;
	struct thread *target;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_THREAD, R_CONTROL, &tc));
	target = &threads[tc->c_obj];
	FAIL_IF(target->t_state != TS_SUSPENDED, E_BAD_STATE);
	sched_make_ready(target, false);
	RESULT(E_OK);
}

#define UREG_AT(r, field) (offsetof(struct trap_frame, field) == UREG_##r * 8)
_Static_assert(UREG_AT(RAX, rax) && UREG_AT(RBX, rbx) && UREG_AT(RCX, rcx) && UREG_AT(RBP, rbp) &&
                       UREG_AT(R11, r11) && UREG_AT(RDI, rdi) && UREG_AT(RSI, rsi) && UREG_AT(RDX, rdx) &&
                       UREG_AT(R10, r10) && UREG_AT(R8, r8) && UREG_AT(R9, r9) && UREG_AT(R12, r12) &&
                       UREG_AT(R13, r13) && UREG_AT(R14, r14) && UREG_AT(R15, r15) && UREG_AT(RIP, rip) &&
                       UREG_AT(RFLAGS, rflags) && UREG_AT(RSP, rsp) && UREG_GPRS == 15,
               "UREG_* are the words of the frame, and t_fs_base follows it (thread.h)");

/* Nothing a write leaves can hurt the kernel on the way out: rip and rsp
 * are user addresses (sysret's non-canonical rip), so is the FS base
 * (wrmsr), and rflags takes only flags user code may set itself. */
static void sys_thread_regs(struct thread *t, struct trap_frame *f)
{
	struct cap *tc;
	uint64_t *reg, v = f->rdx, r = f->rsi;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_THREAD, R_CONTROL | (f->r10 ? R_WRITE : R_READ), &tc));
	FAIL_IF(threads[tc->c_obj].t_state != TS_SUSPENDED, E_BAD_STATE);
	FAIL_IF(r >= UREG_END || !(UREG_VALID >> r & 1) || f->r10 > 1 ||
	                (f->r10 && r >= UREG_GPRS && r != UREG_RFLAGS && v >= USER_TOP),
	        E_BAD_ARG);
	reg = (uint64_t *)&threads[tc->c_obj] + r;
	f->rdi = *reg;
	if (f->r10)
		*reg = r == UREG_RFLAGS ? (v & UREG_RFLAGS_USER) | RFLAGS_USER : v;
	RESULT(E_OK);
}

static void sys_thread_exit(struct thread *t, struct trap_frame *f)
{
	ipc_drop_reply(&t->t_caller, E_DEAD); /* a call it will never answer */
	thread_fault(t, FAULT_EXIT, 0, f->rdi);
}

static bool pages_ok(uint64_t pages)
{
	return pages >= 1 && pages <= MEM_MAX_PAGES;
}

static void sys_mem_alloc(struct thread *t, struct trap_frame *f)
{
	struct cap *pool, *dst;
	bool dma = f->r10 & MEM_DMA;
	paddr_t pa;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_POOL, dma ? R_WRITE | R_DMA : R_WRITE, &pool));
	CHECK(dst_slot(t->t_task, f->rsi, &dst));
	FAIL_IF(!pages_ok(f->rdx) || (f->r10 & ~(uint64_t)MEM_DMA), E_BAD_ARG);
	CHECK(pool_alloc(pool->c_obj, f->rdx, &pa));
	/* The new pages' one reference each becomes the capability's. */
	*dst = (struct cap){ .c_type = CAP_FRAME,
		             .c_rights = R_READ | R_WRITE | R_EXEC | R_GRANT | (dma ? R_CONTROL : 0),
		             .c_flags = FRAME_COUNTED,
		             .c_count = (uint32_t)f->rdx,
		             .c_word = pa };
	RESULT(E_OK);
}

static void sys_mem_map(struct thread *t, struct trap_frame *f)
{
	struct cap *tc, *fc = cap_slot(t->t_task, f->rsi);
	bool share = fc && fc->c_type == CAP_SHARE;
	uint64_t rights = f->r10, flags = 0, count;

	FAIL_IF(rights & ~(uint64_t)(R_READ | R_WRITE | R_EXEC) || !(rights & R_READ), E_BAD_ARG);
	CHECK(cap_lookup(t->t_task, f->rdi, CAP_TASK, R_CONTROL, &tc));
	CHECK(cap_lookup(t->t_task, f->rsi, share ? CAP_SHARE : CAP_FRAME, (unsigned)rights, &fc));
	if (rights & R_WRITE)
		flags |= PTE_W;
	if (!(rights & R_EXEC))
		flags |= PTE_NX;
	if (fc->c_flags & FRAME_DEVICE)
		flags |= PTE_PCD | PTE_PWT | PTE_DEVICE;
	/* A part: pages first .. first + pages - 1 (0: to the end). */
	count = share ? shares[fc->c_obj].s_pages : fc->c_count;
	FAIL_IF(f->r8 >= count || f->r9 > count - f->r8, E_BAD_ARG);
	count = f->r9 ? f->r9 : count - f->r8;
	if (share)
		RESULT(share_map(&shares[fc->c_obj], &tasks[tc->c_obj], f->rdx, f->r8, count, flags));
	else
		RESULT(task_map(&tasks[tc->c_obj], f->rdx, fc->c_word + f->r8 * FRAME_SIZE, NULL, count,
		                flags, fc->c_flags & FRAME_COUNTED));
}

static void sys_mem_unmap(struct thread *t, struct trap_frame *f)
{
	struct cap *tc;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_TASK, R_CONTROL, &tc));
	FAIL_IF(!pages_ok(f->rdx) || (f->rsi & (FRAME_SIZE - 1)) || f->rsi >= USER_TOP ||
	                f->rdx > (USER_TOP - f->rsi) / FRAME_SIZE,
	        E_BAD_ARG);
	f->rdi = task_unmap(&tasks[tc->c_obj], f->rsi, f->rdx);
	RESULT(E_OK);
}

static void sys_mem_phys(struct thread *t, struct trap_frame *f)
{
	struct cap *fc;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_FRAME, R_CONTROL, &fc));
	f->rdi = fc->c_word;
	f->rsi = fc->c_count;
	RESULT(E_OK);
}

/* Whether [pa, pa + pages * 4 KiB) is page-aligned device memory inside
 * a device-memory capability's range (c_word its first address, c_count
 * its pages): what mem_device and devmem_get may hand out. */
static bool devmem_covers(const struct cap *dm, uint64_t pa, uint64_t pages)
{
	return pages && !(pa & (FRAME_SIZE - 1)) && pa >= dm->c_word &&
	       (pa - dm->c_word) / FRAME_SIZE < dm->c_count &&
	       pages <= dm->c_count - (pa - dm->c_word) / FRAME_SIZE && paging_device_allowed(pa, pages);
}

static void sys_mem_device(struct thread *t, struct trap_frame *f)
{
	struct cap *dm, *dst;
	uint64_t pa = f->rdx, pages = f->r10;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_DEVMEM, R_CONTROL, &dm));
	CHECK(dst_slot(t->t_task, f->rsi, &dst));
	FAIL_IF(!pages_ok(pages) || !devmem_covers(dm, pa, pages), E_BAD_ARG);
	cap_install(dst, &(struct cap){ .c_type = CAP_FRAME,
	                                .c_rights = dm->c_rights & (R_READ | R_WRITE | R_GRANT | R_CONTROL),
	                                .c_flags = FRAME_DEVICE,
	                                .c_count = (uint32_t)pages,
	                                .c_word = pa });
	RESULT(E_OK);
}

static void sys_share_create(struct thread *t, struct trap_frame *f)
{
	struct cap *pool, *dst;
	struct share *s;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_POOL, R_WRITE, &pool));
	CHECK(dst_slot(t->t_task, f->rsi, &dst));
	FAIL_IF(f->r8 != R_READ && f->r8 != (R_READ | R_WRITE), E_BAD_ARG);
	CHECK(share_create(pool->c_obj, t->t_task, f->rdx, f->r10, (unsigned)f->r8, &s));
	install_new(t, dst, &s->s_obj, (uint32_t)(s - shares), (unsigned)f->r8 | R_GRANT | R_CONTROL);
}

static void sys_pool_info(struct thread *t, struct trap_frame *f)
{
	struct cap *pc;
	struct pool *p;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_POOL, R_READ, &pc));
	p = &pools[pc->c_obj];
	f->rdi = p->p_quota - p->p_used;
	f->rsi = frame_free_count(&kernel_frames);
	f->rdx = pool_objects_left(p);
	RESULT(E_OK);
}

static void sys_pool_split(struct thread *t, struct trap_frame *f)
{
	struct cap *pc, *dst;
	struct pool *parent, *p;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_POOL, R_CONTROL, &pc));
	CHECK(dst_slot(t->t_task, f->rsi, &dst));
	parent = &pools[pc->c_obj];
	FAIL_IF(parent->p_quota - parent->p_used < f->rdx, E_NO_MEMORY);
	p = pool_split(parent, f->rdx, f->r10);
	FAIL_IF(!p, E_LIMIT);
	install_new(t, dst, &p->p_obj, (uint32_t)(p - pools), pc->c_rights);
}

static void sys_irq_get(struct thread *t, struct trap_frame *f)
{
	struct cap *ctl, *dst;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_IRQ_CONTROL, R_CONTROL, &ctl));
	CHECK(dst_slot(t->t_task, f->rsi, &dst));
	FAIL_IF(!irq_line_exists(f->rdx), E_BAD_ARG);
	cap_install(dst,
	            &(struct cap){ .c_type = CAP_IRQ, .c_rights = ctl->c_rights, .c_obj = (uint32_t)f->rdx });
	f->rdi = f->rdx >= IRQ_MSI_FIRST ? MSI_ADDRESS : 0;
	f->rsi = f->rdx >= IRQ_MSI_FIRST ? VEC_IRQ_BASE + f->rdx : 0;
	RESULT(E_OK);
}

static void sys_irq_bind(struct thread *t, struct trap_frame *f)
{
	struct cap *ic, *ep = NULL;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_IRQ, R_CONTROL, &ic));
	if (f->rsi != CAP_NULL) /* the receiving end: clients hold only R_WRITE */
		CHECK(cap_lookup(t->t_task, f->rsi, CAP_ENDPOINT, R_READ, &ep));
	RESULT(irq_bind(ic->c_obj, ep, f->rdx));
}

static void sys_irq_ack(struct thread *t, struct trap_frame *f)
{
	struct cap *ic;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_IRQ, R_WRITE, &ic));
	RESULT(irq_ack(ic->c_obj));
}

static void sys_devmem_get(struct thread *t, struct trap_frame *f)
{
	struct cap *dm, *dst, c;
	uint64_t pa = f->rdx, pages = f->r10;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_DEVMEM, R_CONTROL, &dm));
	CHECK(dst_slot(t->t_task, f->rsi, &dst));
	FAIL_IF(!devmem_covers(dm, pa, pages), E_BAD_ARG);
	c = *dm;
	c.c_word = pa;
	c.c_count = (uint32_t)pages;
	cap_install(dst, &c);
	RESULT(E_OK);
}

static void sys_ioport_get(struct thread *t, struct trap_frame *f)
{
	struct cap *pc, *dst, c;
	uint64_t first = f->rdx, count = f->r10;

	CHECK(cap_lookup(t->t_task, f->rdi, CAP_IOPORT, R_CONTROL, &pc));
	CHECK(dst_slot(t->t_task, f->rsi, &dst));
	FAIL_IF(count == 0 || count > pc->c_count, E_BAD_ARG);
	FAIL_IF(first < pc->c_word || first - pc->c_word > pc->c_count - count, E_BAD_ARG);
	c = *pc;
	c.c_word = first;
	c.c_count = (uint32_t)count;
	cap_install(dst, &c);
	task_update_iomap(t->t_task);
	RESULT(E_OK);
}

const syscall_fn syscall_table[SYS_COUNT] = {
#define KESTREL_SYSCALL_ENTRY(NAME, name, num, kind, nargs, args, res, desc) [SYS_##NAME] = sys_##name,
	KESTREL_SYSCALLS(KESTREL_SYSCALL_ENTRY)
#undef KESTREL_SYSCALL_ENTRY
};

/* entry.asm's way on for each call, by its kind: QUERY calls run their
 * handler and return, PLAIN and IPC calls take syscall_dispatch
 * (fastpath.c sets call's and reply_recv's). Numbers from syscall_count on
 * go the PLAIN way. */
extern const char syscall_query[], syscall_full[];
#define ENTRY_QUERY syscall_query
#define ENTRY_PLAIN syscall_full
#define ENTRY_IPC   syscall_full
const void *syscall_entries[SYS_COUNT] = {
#define KESTREL_SYSCALL_WAY(NAME, name, num, kind, nargs, args, res, desc) [SYS_##NAME] = ENTRY_##kind,
	KESTREL_SYSCALLS(KESTREL_SYSCALL_WAY)
#undef KESTREL_SYSCALL_WAY
};
const uint64_t syscall_count = SYS_COUNT;
/* No gaps in the list (numbers are unique: -Woverride-init), so neither
 * table has a hole below SYS_COUNT. */
#define KESTREL_SYSCALL_ONE(NAME, name, num, kind, nargs, args, res, desc) +1
_Static_assert(0 KESTREL_SYSCALLS(KESTREL_SYSCALL_ONE) == SYS_COUNT, "a gap in the list of system calls");
#undef KESTREL_SYSCALL_ONE

void syscall_dispatch(struct trap_frame *f)
{
	struct thread *t = current;
	uint64_t nr = f->rax;

	if (nr < SYS_COUNT)
		syscall_table[nr](t, f);
	else
		thread_fault(t, FAULT_BAD_SYSCALL, 0, nr);
	kobj_reap();
	sched_exit_to_user();
}

; Kernel entry and exit: interrupts, exceptions and the syscall
; instruction, and the way back to user mode.
;
; Every entry from user mode saves the user registers into the current
; thread's struct trap_frame (kernel/arch/x86_64/trap.h checks the layout):
; the TSS's rsp0 (%gs:CPU_TSS_RSP0) points just past that frame, so
; the CPU's own pushes, the stub's and trap_common's all land there. Then
; the kernel switches to the per-CPU kernel stack. Leaving for user mode
; reloads the registers from whichever thread's frame comes next.
;
; Entries from kernel mode (the idle loop, or a kernel bug) push their
; frame on the kernel stack and return to where they came from.

bits 64
default rel

CPU_KSTACK_TOP  equ 8
CPU_TSS_RSP0    equ 0x74              ; percpu.h checks it
CPU_USER_RSP    equ 16
FRAME_SIZE      equ 22 * 8
VEC_SYSCALL     equ 0x100
SYS_CALL        equ 7                  ; include/kestrel/syscall.h (checked in fastpath.c)
SYS_REPLY_RECV  equ 9
SEL_UCODE       equ 0x28 | 3
SEL_UDATA       equ 0x20 | 3
MSR_FS_BASE     equ 0xC0000100

extern trap_dispatch, trap_dispatch_user, syscall_dispatch, fastpath_call, fastpath_reply_recv
global trap_stubs, syscall_entry, syscall_compat_entry, exit_to_user

section .text

; Vectors for which the CPU pushes an error code.
%define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%macro TRAP_STUB 1
align 16
	%if !HAS_ERROR(%1)
	push 0
	%endif
	push %1
	jmp trap_common
%endmacro

align 16
trap_stub_base:
%assign v 0
%rep 256
	TRAP_STUB v
%assign v v + 1
%endrep

; Every stub is padded to 16 bytes so trap.c finds stub v at base + 16 * v.
section .rodata
trap_stubs:
	dq trap_stub_base

; The general registers in the order they are pushed: the reverse of
; struct trap_frame's first fields. POP_ALL takes them off in reverse.
%define GPRS r15, r14, r13, r12, r9, r8, r10, rdx, rsi, rdi, r11, rbp, rcx, rbx, rax

%macro PUSH_ALL 1-*
%rep %0
	push %1
%rotate 1
%endrep
%endmacro

%macro POP_ALL 1-*
%rep %0
%rotate -1
	pop %1
%endrep
%endmacro

section .text
trap_common:
	test qword [rsp + 24], 3        ; saved CS: from user mode?
	jnz .from_user
	PUSH_ALL GPRS
	cld
	mov rdi, rsp
	call trap_dispatch
	POP_ALL GPRS
	add rsp, 16                     ; vector and error code
	iretq
.from_user:
	swapgs
	PUSH_ALL GPRS                   ; into the thread's frame
	push 2                          ; flags as the kernel wants them: AC (which
	popfq                           ; would turn SMAP off) and DF clear
	mov rdi, rsp
	mov rsp, [gs:CPU_KSTACK_TOP]
	xor ebp, ebp
	call trap_dispatch_user         ; does not return

; syscall: rip in rcx, rflags in r11, interrupts off (SFMASK), still on
; the user stack. Build the same frame as an interrupt would.
syscall_entry:
	swapgs
	mov [gs:CPU_USER_RSP], rsp
	mov rsp, [gs:CPU_TSS_RSP0]
	push SEL_UDATA                  ; ss
	push qword [gs:CPU_USER_RSP]    ; rsp
	push r11                        ; rflags
	push SEL_UCODE                  ; cs
	push rcx                        ; rip
	push 0                          ; error code
	push VEC_SYSCALL
	PUSH_ALL GPRS                   ; (SFMASK cleared DF and AC)
	mov rdi, rsp                    ; the frame, which is also the thread
	mov rsp, [gs:CPU_KSTACK_TOP]
	xor ebp, ebp
	; call and reply_recv try the fast path first (kernel/fastpath.c): it
	; returns only when the general path has to do the work. The whole of
	; rax, as syscall_dispatch reads it: 0x1_00000007 is no call.
	cmp rax, SYS_CALL
	je .fast_call
	cmp rax, SYS_REPLY_RECV
	je .fast_reply_recv
.general:
	call syscall_dispatch           ; does not return
.fast_call:
	mov rbx, rdi                    ; rbx survives the call (user rbx is saved)
	call fastpath_call
	mov rdi, rbx
	jmp .general
.fast_reply_recv:
	mov rbx, rdi
	call fastpath_reply_recv
	mov rdi, rbx
	jmp .general

; syscall from compatibility mode (CSTAR). No ring-3 32-bit code segment
; exists, so nothing should get here; if something did, it is an unknown
; system call (number 0xFFFFFFFF) of a thread that resumes in 64-bit mode.
syscall_compat_entry:
	mov eax, -1
	jmp syscall_entry

; exit_to_user(struct trap_frame *frame): noreturn. The caller has checked
; that rip and rsp are user addresses and rflags is sane, and set up
; rsp0 and CR3 for this thread.
;
; Segment selectors are not thread state: every descriptor has base 0, so
; DS, ES, FS and GS change no address in 64-bit mode, but a value one
; thread loads must not reach another. Each return to user mode loads the
; null selector into all four; GS after swapgs, since loading it changes
; the GS base of the moment. The FS base is thread state (t_fs_base, just
; past the frame, set by tls_set): written after the selector, whose load
; may clear it, and always, so that no thread sees another's.
exit_to_user:
	mov rsp, rdi
	mov ds, [rel null_selector]
	mov es, [rel null_selector]
	mov fs, [rel null_selector]
	mov ecx, MSR_FS_BASE
	mov eax, [rdi + FRAME_SIZE]
	mov edx, [rdi + FRAME_SIZE + 4]
	wrmsr
	POP_ALL GPRS
	cmp qword [rsp], VEC_SYSCALL
	jne .iret
	; sysret: rip from rcx, rflags from r11 (both dead across a syscall).
	mov rcx, [rsp + 16]
	mov r11, [rsp + 32]
	mov rsp, [rsp + 40]
	swapgs
	mov gs, [rel null_selector]
	o64 sysret
.iret:
	add rsp, 16
	swapgs
	mov gs, [rel null_selector]
	iretq

section .rodata
null_selector:
	dw 0

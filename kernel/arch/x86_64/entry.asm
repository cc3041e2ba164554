; Kernel entry and exit: interrupts, exceptions and the syscall
; instruction, and the way back to user mode.
;
; Every entry from user mode saves the user registers into the current
; thread's struct trap_frame (kernel/arch/x86_64/trap.h checks the layout):
; the TSS's rsp0 (%gs:CPU_TSS_RSP0) points just past that frame, so
; the CPU's own pushes, the stub's and trap_common's all land there. Then
; the kernel switches to the per-CPU kernel stack. Leaving for user mode
; reloads the registers from whichever thread's frame comes next (the IPC
; fast path's way out reloads only what the message does not carry).
;
; Entries from kernel mode (the idle loop, or a kernel bug) push their
; frame on the kernel stack and return to where they came from.

bits 64
default rel

CPU_KSTACK_TOP  equ 8
CPU_TSS_RSP0    equ 0x74              ; percpu.h checks it
CPU_USER_RSP    equ 16
VEC_SYSCALL     equ 0x100
SEL_UCODE       equ 0x28 | 3
SEL_UDATA       equ 0x20 | 3
F_RBX           equ 1 * 8              ; offsets in struct trap_frame (trap.h checks them)
F_RBP           equ 3 * 8
F_RDI           equ 5 * 8
F_RSI           equ 6 * 8
F_RIP           equ 17 * 8
F_RFLAGS        equ 19 * 8
F_RSP           equ 20 * 8

extern trap_dispatch, trap_dispatch_user, syscall_dispatch, syscall_entries, syscall_count, syscall_table
extern fastpath_call, fastpath_reply_recv
global trap_stubs, syscall_entry, syscall_compat_entry, exit_to_user, syscall_query, syscall_full
global syscall_fast_call, syscall_fast_reply_recv

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
; the user stack. The same frame as an interrupt would build; then
; syscall_entries (kernel/syscall.c, from the one list of system calls)
; names the way on, by the call's kind.
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
	mov rbx, rdi                    ; kept across calls
	mov rsp, [gs:CPU_KSTACK_TOP]
	xor ebp, ebp
	cmp rax, [rel syscall_count]    ; the whole of rax, as syscall_dispatch reads it
	jae syscall_full
	jmp [abs syscall_entries + rax * 8]

; PLAIN and IPC calls: the general path, which does not return.
syscall_full:
	call syscall_dispatch

; QUERY calls: the handler (syscall_table), and straight back: nothing but
; the caller's results can have changed.
syscall_query:
	mov rsi, rdi
	call [abs syscall_table + rax * 8]
	mov rdi, rbx
	jmp exit_to_user

; call and reply_recv try the fast path first (kernel/fastpath.c): it
; returns the partner to enter, or takes the general path itself.
syscall_fast_call:
	call fastpath_call
	jmp fast_exit
syscall_fast_reply_recv:
	call fastpath_reply_recv

; Into the partner (rax) with the message of the sender (rbx): its words
; 4-7 are still in r12-r15, which C preserves, the rest come back from
; its frame, and the words from the length on are zeroed. arch_switch has
; loaded the partner's address space and segments; its own registers come
; from its frame, as sysret needs them.
fast_exit:
	lea rsp, [rbx + F_RSI]
	POP_ALL r9, r8, r10, rdx, rsi
	mov ecx, esi                    ; the length: at most 8 (fastpath.c)
	jmp [abs zero_from + rcx * 8]
.w0:	xor edx, edx
.w1:	xor r10d, r10d
.w2:	xor r8d, r8d
.w3:	xor r9d, r9d
.w4:	xor r12d, r12d
.w5:	xor r13d, r13d
.w6:	xor r14d, r14d
.w7:	xor r15d, r15d
.w8:	mov rdi, [rax + F_RDI]          ; the badge
	mov rbx, [rax + F_RBX]
	mov rbp, [rax + F_RBP]
	mov rcx, [rax + F_RIP]
	mov r11, [rax + F_RFLAGS]
	mov rsp, [rax + F_RSP]
	xor eax, eax                    ; E_OK
	swapgs
	mov gs, [rel null_selector]
	o64 sysret

; syscall from compatibility mode (CSTAR). No ring-3 32-bit code segment
; exists, so nothing should get here; if something did, it is an unknown
; system call (number 0xFFFFFFFF) of a thread that resumes in 64-bit mode.
syscall_compat_entry:
	mov eax, -1
	jmp syscall_entry

; exit_to_user(struct trap_frame *frame): noreturn. CR3, rsp0 and the
; segments are this thread's (arch_switch), its rip and rsp are user
; addresses and its rflags sane. GS is loaded after swapgs, since loading
; it changes the GS base of the moment.
exit_to_user:
	mov rsp, rdi
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
align 8
zero_from:                              ; fast_exit's way in by message length
	dq fast_exit.w0, fast_exit.w1, fast_exit.w2, fast_exit.w3, fast_exit.w4, fast_exit.w5, fast_exit.w6, fast_exit.w7, fast_exit.w8

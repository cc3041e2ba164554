; Interrupt and exception entry: one small stub per vector pushes the
; vector (and a zero where the CPU pushes no error code) so that every
; vector reaches trap_common with the same struct trap_frame layout
; (kernel/arch/x86_64/trap.h checks the offsets).

bits 64
default rel

extern trap_dispatch
global trap_stubs

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

section .text
trap_common:
	; Entered from user mode: switch GS to the kernel's per-CPU data.
	test qword [rsp + 24], 3        ; saved CS
	jz .from_kernel
	swapgs
.from_kernel:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld
	mov rdi, rsp
	call trap_dispatch
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	test qword [rsp + 24], 3
	jz .to_kernel
	swapgs
.to_kernel:
	add rsp, 16                     ; vector and error code
	iretq

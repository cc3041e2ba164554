; The floor benchmark's entries and its two user programs (floor.c sets
; them up). A system call here does the least a protected kernel can do:
; the null call switches to the kernel's stack and back; the IPC call saves
; the caller's rip, rflags and rsp, loads its partner's address space and
; the same three, writes the result and the badge, and returns to the
; partner. Nothing is checked, no other register is saved, no segment is
; cleared: what Kestrel does beyond this is its own work.

bits 64
default rel

C_USER_RSP      equ 0                  ; struct floor_cpu (floor.c checks)
C_CURRENT       equ 8
C_KSTACK        equ 16
T_RIP           equ 0                  ; struct floor_thread (floor.c checks)
T_RFLAGS        equ 8
T_RSP           equ 16
T_CR3           equ 24
T_BADGE         equ 32
T_PARTNER       equ 40
USER_SAMPLES    equ 0x410000           ; floor.c's: where the client keeps its samples
ITERATIONS      equ 11000              ; floor.c's: 1,000 of warm-up, 10,000 timed

extern floor_report
global floor_null_entry, floor_ipc_entry, floor_report_entry, floor_enter
global floor_user_start, floor_client, floor_server

section .text

floor_null_entry:
	swapgs
	mov [gs:C_USER_RSP], rsp
	mov rsp, [gs:C_KSTACK]
	xor eax, eax                    ; the result
	mov rsp, [gs:C_USER_RSP]
	swapgs
	o64 sysret

floor_ipc_entry:
	swapgs
	mov [gs:C_USER_RSP], rsp
	mov rsp, [gs:C_CURRENT]
	mov [rsp + T_RIP], rcx
	mov [rsp + T_RFLAGS], r11
	mov rcx, [gs:C_USER_RSP]
	mov [rsp + T_RSP], rcx
	mov rsp, [rsp + T_PARTNER]
	mov [gs:C_CURRENT], rsp
	mov rcx, [rsp + T_CR3]
	mov cr3, rcx
	xor eax, eax                    ; the result
	mov rdi, [rsp + T_BADGE]
	mov rcx, [rsp + T_RIP]
	mov r11, [rsp + T_RFLAGS]
	mov rsp, [rsp + T_RSP]
	swapgs
	o64 sysret

; int 0x80 from the client, eax = the phase it finished: floor_report
; prints its figures and sets up the next phase (or ends QEMU).
floor_report_entry:
	push rax
	push rcx
	push rdx
	push rsi
	push rdi
	push r8
	push r9
	push r10
	push r11
	cld
	mov edi, eax
	call floor_report
	pop r11
	pop r10
	pop r9
	pop r8
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rax
	iretq

; floor_enter(struct floor_thread *t): into user mode in t, for good.
floor_enter:
	mov [gs:C_CURRENT], rdi
	mov rax, [rdi + T_CR3]
	mov cr3, rax
	mov rcx, [rdi + T_RIP]
	mov r11, [rdi + T_RFLAGS]
	mov rsp, [rdi + T_RSP]
	swapgs
	o64 sysret

; The user programs, on a page of their own that floor.c maps into both
; address spaces. Each phase times ITERATIONS single iterations with
; lfence; rdtsc at both ends, as bench/kestrel/kbench.c does, stores them
; at USER_SAMPLES and hands them to the kernel with int 0x80.
section .text.user progbits alloc exec nowrite align=4096
floor_user_start:

%macro NOTHING 0
%endmacro
%macro NULL_CALL 0                      ; a null system call (LSTAR: floor_null_entry)
	mov eax, 3
	syscall
%endmacro
%macro IPC_CALL 0                       ; a call to the server and its answer (floor_ipc_entry)
	mov eax, 7
	syscall
%endmacro

%macro PHASE 2                          ; PHASE number, the macro of the timed instructions
	xor r13d, r13d
%%loop:
	lfence
	rdtsc
	shl rdx, 32
	lea r14, [rdx + rax]            ; t0 (rdtsc zeroes the upper halves)
	%2
	lfence
	rdtsc
	shl rdx, 32
	or rax, rdx
	sub rax, r14
	mov [r12 + r13 * 8], rax
	inc r13d
	cmp r13d, ITERATIONS
	jne %%loop
	mov eax, %1
	int 0x80
%endmacro

floor_client:
	mov r12d, USER_SAMPLES
	PHASE 0, NOTHING                ; the empty timed region
	PHASE 1, NULL_CALL
	PHASE 2, IPC_CALL
	ud2                             ; floor_report has ended QEMU

; Every call of the client's comes back from here: the answer.
floor_server:
	syscall
	jmp floor_server

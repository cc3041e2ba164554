; Multiboot 1 entry: QEMU's -kernel (or GRUB) starts us here in 32-bit
; protected mode with paging off. We build temporary page tables, enter long
; mode and jump to the higher-half kernel at kmain().
;
; Multiboot 1 loaders refuse ELF64 files, so the header carries the a.out
; kludge fields (flag bit 16): the loader copies the flat image produced by
; objcopy to load_addr and zeroes up to bss_end_addr, ignoring the ELF headers.
;
; Temporary mappings, all with 2 MiB pages over the first 4 GiB:
;   identity             0x0000000000000000  (only until kmain's page tables)
;   direct map           0xffff800000000000  (PML4 slot 256)
;   kernel image         0xffffffff80000000  (PML4 511, PDPT 510, first GiB)

bits 32

MB_MAGIC        equ 0x1BADB002
MB_FLAGS        equ (1 << 0) | (1 << 1) | (1 << 16) ; align modules, mem map, addresses
MB_BOOT_MAGIC   equ 0x2BADB002
KERNEL_VMA      equ 0xFFFFFFFF80000000

PTE_P           equ 1 << 0
PTE_W           equ 1 << 1
PTE_PS          equ 1 << 7

CR0_PE          equ 1 << 0
CR0_WP          equ 1 << 16
CR0_PG          equ 1 << 31
CR4_PAE         equ 1 << 5
MSR_EFER        equ 0xC0000080
EFER_LME        equ 1 << 8

BOOT_STACK_SIZE equ 16384

extern _load_start_phys, _load_end_phys, _bss_end_phys
extern kmain
global boot_entry32, boot_stack_top, boot_tsc

section .multiboot progbits alloc noexec nowrite align=4
mb_header:
	dd MB_MAGIC
	dd MB_FLAGS
	dd -(MB_MAGIC + MB_FLAGS)
	dd mb_header            ; header_addr: .multiboot is linked at its physical address
	dd _load_start_phys
	dd _load_end_phys
	dd _bss_end_phys
	dd boot_entry32

section .boot.text progbits alloc exec nowrite align=16
boot_entry32:
	cli
	cld
	mov edi, eax                    ; multiboot magic, kept for kmain
	mov esi, ebx                    ; multiboot info (physical)
	rdtsc                           ; the boot time is counted from here
	mov [boot_tsc - KERNEL_VMA], eax
	mov [boot_tsc - KERNEL_VMA + 4], edx
	mov esp, boot_stack_top - KERNEL_VMA

	cmp edi, MB_BOOT_MAGIC
	jne .no_multiboot
	mov eax, 0x80000000             ; does the CPU have long mode?
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no_long_mode

	; 2048 PD entries of 2 MiB each: 4 GiB. The four PDs are contiguous.
	mov edi, boot_pd - KERNEL_VMA
	xor ecx, ecx
.fill_pd:
	mov eax, ecx
	shl eax, 21
	or eax, PTE_P | PTE_W | PTE_PS
	mov [edi + ecx * 8], eax
	mov eax, ecx
	shr eax, 11                     ; high half of ecx << 21
	mov [edi + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, 2048
	jne .fill_pd

	mov edi, boot_pdpt_low - KERNEL_VMA
	mov eax, boot_pd - KERNEL_VMA + (PTE_P | PTE_W)
	mov ecx, 4
.fill_pdpt:
	mov [edi], eax
	add eax, 4096
	add edi, 8
	loop .fill_pdpt

	mov dword [boot_pdpt_high - KERNEL_VMA + 510 * 8], boot_pd - KERNEL_VMA + (PTE_P | PTE_W)
	mov eax, boot_pdpt_low - KERNEL_VMA + (PTE_P | PTE_W)
	mov [boot_pml4 - KERNEL_VMA], eax
	mov [boot_pml4 - KERNEL_VMA + 256 * 8], eax
	mov dword [boot_pml4 - KERNEL_VMA + 511 * 8], boot_pdpt_high - KERNEL_VMA + (PTE_P | PTE_W)

	mov eax, boot_pml4 - KERNEL_VMA
	mov cr3, eax
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	wrmsr
	mov eax, cr0
	or eax, CR0_PE | CR0_PG | CR0_WP
	mov cr0, eax

	mov edi, MB_BOOT_MAGIC          ; restore the arguments for kmain
	lgdt [boot_gdt_ptr]
	jmp 0x08:boot_entry64

.no_multiboot:
	mov esi, msg_no_multiboot
	jmp boot_fail32
.no_long_mode:
	mov esi, msg_no_long_mode
	; fall through

; Print the string at esi on COM1 and stop. The port is still at its reset
; configuration here, which QEMU accepts as is.
boot_fail32:
	mov dx, 0x3F8
.next:
	lodsb
	test al, al
	jz .halt
	out dx, al
	jmp .next
.halt:
	hlt
	jmp .halt

bits 64
boot_entry64:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor ax, ax
	mov fs, ax
	mov gs, ax
	mov rax, .higher_half
	jmp rax
.higher_half:
	mov rsp, boot_stack_top
	xor ebp, ebp                    ; ends the frame-pointer chain for backtraces
	; edi = magic, esi = multiboot info physical address (zero-extended)
	call kmain
.hang:
	cli
	hlt
	jmp .hang

section .boot.data progbits alloc noexec write align=16
boot_gdt:
	dq 0
	dq 0x00AF9A000000FFFF           ; 0x08: 64-bit code, ring 0
	dq 0x00CF92000000FFFF           ; 0x10: data, ring 0
boot_gdt_ptr:
	dw $ - boot_gdt - 1
	dd boot_gdt
msg_no_multiboot:
	db "boot: not started by a multiboot loader", 13, 10, 0
msg_no_long_mode:
	db "boot: this CPU has no 64-bit long mode", 13, 10, 0

section .bss nobits alloc noexec write align=4096
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4 * 4096
boot_tsc:       resq 1
alignb 16
boot_stack:     resb BOOT_STACK_SIZE
boot_stack_top:

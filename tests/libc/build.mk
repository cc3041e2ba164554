# tests/libc/: the C library's test program, booted as the first task by
# tests/qemu/libc.sh (make run-libc shows it on the terminal).
$(eval $(call LIBC_PROGRAM,$(BUILD)/tests/libc/libctest.elf,tests/libc/libctest.c))

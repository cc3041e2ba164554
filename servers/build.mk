# servers/: the supervisor (first task) and the servers it starts, one line
# each: $(eval $(call SERVER,NAME,SOURCES[,LIBRARIES])) builds
# $(BUILD)/servers/NAME.elf, a C-library program (libc-glue/build.mk),
# linked with LIBRARIES too. A manifest's `binary NAME.elf` finds it there
# (scripts/qemu.sh --manifest); servers/manifest.txt is what `make run`
# boots.
SERVER = $(call LIBC_PROGRAM,$(BUILD)/servers/$(1).elf,$(2),$(3))

include servers/net/lwip.mk

# No server computes in floating point: with no SSE in their own code
# (nor in libipc's, libipc/build.mk) the servers never touch the FPU, so
# a call that passes through them costs its client no lazy FPU switch.
$(BUILD)/libc/servers/%.o: LIBC_CFLAGS += -mgeneral-regs-only

$(eval $(call SERVER,supervisor,servers/supervisor/main.c servers/supervisor/control.c \
	servers/supervisor/heartbeat.c servers/supervisor/log.c servers/supervisor/manifest.c \
	servers/supervisor/policy.c servers/supervisor/target.c))
$(eval $(call SERVER,hello,servers/hello/main.c))
$(eval $(call SERVER,console,servers/console/main.c servers/console/console_srv.c \
	servers/console/line.c))
$(eval $(call SERVER,pci,servers/pci/main.c servers/pci/pci_srv.c servers/pci/pci_parse.c))
$(eval $(call SERVER,virtio_blk,servers/virtio_blk/main.c $(LIBVIRTIO_SRCS)))
$(eval $(call SERVER,virtio_net,servers/virtio_net/main.c servers/virtio_net/vnet.c $(LIBVIRTIO_SRCS)))
$(eval $(call SERVER,fs,servers/fs/main.c servers/fs/fs_srv.c servers/fs/cache.c servers/fs/ext2.c \
	servers/fs/ext2_alloc.c servers/fs/ext2_map.c servers/fs/ext2_dir.c servers/fs/ext2_path.c \
	servers/fs/ext2_file.c servers/fs/ext2_names.c servers/fs/window.c))
$(eval $(call SERVER,rtc,servers/rtc/main.c servers/rtc/rtc.c servers/rtc/wallclock.c))
# The network server on lwIP (servers/net/lwip.mk: NET_SRCS, LWIP_LIB).
$(eval $(call SERVER,net,$(NET_SRCS),$(LWIP_LIB)))
# The HTTP server of /www on port 80, a client of net and fs.
$(eval $(call SERVER,httpd,servers/httpd/main.c servers/httpd/conn.c servers/httpd/files.c servers/httpd/http.c))
# The workload of make demo and the chaos campaign: a client of fs, hello
# and time that checks what it gets (not in make run's manifest).
$(eval $(call SERVER,workload,servers/workload/main.c servers/workload/report.c))
$(eval $(call SERVER,kv,servers/kv/main.c))
# The shell, with each server's shell command (SHELL_COMMANDS in shell.h).
$(eval $(call SERVER,shell,servers/shell/main.c servers/shell/commands.c servers/shell/args.c servers/shell/nc.c \
	servers/shell/edit.c servers/shell/complete.c servers/shell/files.c servers/kv/shell_kv.c \
	servers/pci/shell_lspci.c servers/net/shell_net.c servers/chaos/shell_chaos.c))
# Fault injection into the others (make chaos, the shell's chaos).
$(eval $(call SERVER,chaos,servers/chaos/main.c servers/chaos/inject.c servers/chaos/table.c))

# The supervisor's test client (tests/qemu/supervisor.sh), in its roles.
$(eval $(call LIBC_PROGRAM,$(BUILD)/tests/sup/suptest.elf,tests/sup/suptest.c tests/sup/leasy.c \
	tests/sup/claimer.c))
$(eval $(call LIBC_PROGRAM,$(BUILD)/tests/blk/blktest.elf,tests/blk/blktest.c))
$(eval $(call LIBC_PROGRAM,$(BUILD)/tests/httpd/httptest.elf,tests/httpd/httptest.c))
$(eval $(call LIBC_PROGRAM,$(BUILD)/tests/netshell/ncpeer.elf,tests/netshell/ncpeer.c))
$(eval $(call LIBC_PROGRAM,$(BUILD)/tests/fs/fstest.elf,tests/fs/fstest.c))
$(eval $(call LIBC_PROGRAM,$(BUILD)/tests/files/filetest.elf,tests/files/filetest.c))
$(eval $(call LIBC_PROGRAM,$(BUILD)/tests/fscrash/fscrash.elf,tests/fscrash/fscrash.c))
$(eval $(call LIBC_PROGRAM,$(BUILD)/tests/workload/wlfaults.elf,tests/workload/wlfaults.c))
$(eval $(call LIBC_PROGRAM,$(BUILD)/tests/chaos/chaosdrive.elf,tests/chaos/chaosdrive.c))
$(eval $(call LIBC_PROGRAM,$(BUILD)/tests/chaos/chaoser.elf,tests/chaos/chaoser.c))
$(eval $(call LIBC_PROGRAM,$(BUILD)/tests/fswindow/wintest.elf,tests/fswindow/wintest.c))
$(eval $(call LIBC_PROGRAM,$(BUILD)/tests/nic/nictest.elf,tests/nic/nictest.c))
$(eval $(call LIBC_PROGRAM,$(BUILD)/tests/net/nettest.elf,tests/net/nettest.c))
$(eval $(call LIBC_PROGRAM,$(BUILD)/tests/netnic/netresolve.elf,tests/netnic/netresolve.c))

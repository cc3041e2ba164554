# tests/host/ and tests/servers/: cmocka unit tests of the kernel, libipc
# and the servers' hardware-free files, built with the host compiler and
# the sanitizers, one binary per test file. Every test is one line,
#
#   $(eval $(call HOST_TEST,DIR/NAME,SET,SOURCES[,ARGUMENTS]))
#
# which builds $(BUILD)/tests/DIR/NAME from SOURCES (the test's own file
# among them) and runs it as the suite host/NAME. Each source is compiled
# from a copy in $(BUILD)/host/SET/ whose #line names the original (for
# messages and the debugger): a quoted #include looks in the including
# file's own folder first, where the real header would win over a
# stand-in, so the copy has no headers beside it. SET picks the include
# folders searched before everything else (HOST_INCLUDES_SET: stand-ins
# first), then HOST_CFLAGS, then the original's own folder:
#   core    libipc/ and libvirtio/: the kernel's hardware-free files,
#           libipc's and the servers' (which may use libipc's pure files,
#           num.c, fmt.c, nic_ring.c, and libvirtio's virtq.c)
#   kernel  tests/host/standin/: arch/ without assembly, for the kernel's
#           object files (KERNEL_OBJECT_SRCS; docs/testing.md)
#   ipc     tests/host/shim/ (then libipc/): the IPC calls, for libipc's
#           protocol layer
#   fs      tests/host/fsstandin/ (then libipc/): the system calls the
#           filesystem server's block cache makes, answered by its test
HOST_INCLUDES_core   := libipc libvirtio
HOST_INCLUDES_kernel := tests/host/standin
HOST_INCLUDES_ipc    := tests/host/shim libipc
HOST_INCLUDES_fs     := tests/host/fsstandin libipc

HOST_SETS := core kernel ipc fs

define HOST_SET_RULES
$(BUILD)/host/$(1)/%.c: %.c
	@mkdir -p $$(dir $$@)
	{ echo '#line 1 "$$<"'; cat $$<; } > $$@

$(BUILD)/host/$(1)/%.o: $(BUILD)/host/$(1)/%.c | $(BUILD)/.deps
	$$(CC) $(HOST_INCLUDES_$(1):%=-I%) $$(HOST_CFLAGS) -I$$(patsubst $(BUILD)/host/$(1)/%,%,$$(dir $$<)) \
		-c -o $$@ $$<
endef
$(foreach s,$(HOST_SETS),$(eval $(call HOST_SET_RULES,$(s))))

.PHONY: host-tests
define HOST_TEST
host-tests: $(BUILD)/tests/$(1)
$(BUILD)/tests/$(1): $(3:%.c=$(BUILD)/host/$(2)/%.o)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(HOST_CFLAGS) -o $$@ $$^ $$(HOST_LDLIBS)
TEST_SUITES += "host/$(notdir $(1))=env CMOCKA_MESSAGE_OUTPUT=TAP $(BUILD)/tests/$(1) $(4)"
endef

# The kernel's hardware-free files; host_support.c stands in for panic()
# and the direct map.
HOST_CORE := $(KERNEL_CORE_SRCS) tests/host/host_support.c
# The kernel's object files too; host_kernel.c boots them over a heap
# arena, standin/arch.c has what they take from kernel/arch/x86_64/*.c.
HOST_KERNEL := $(HOST_CORE) $(KERNEL_OBJECT_SRCS) tests/host/host_kernel.c tests/host/standin/arch.c

$(eval $(call HOST_TEST,host/test_bootinfo,core,$(HOST_CORE) tests/host/test_bootinfo.c))
$(eval $(call HOST_TEST,host/test_frame,core,$(HOST_CORE) tests/host/test_frame.c))
$(eval $(call HOST_TEST,host/test_printf,core,$(HOST_CORE) libipc/fmt.c tests/host/test_printf.c))
$(eval $(call HOST_TEST,host/test_vm,core,$(HOST_CORE) tests/host/test_vm.c))
$(eval $(call HOST_TEST,host/test_num,core,libipc/num.c tests/host/test_num.c))
$(eval $(call HOST_TEST,host/test_vault,core,libipc/vault.c tests/host/test_vault.c))
$(eval $(call HOST_TEST,host/test_virtq,core,libvirtio/virtq.c tests/host/test_virtq.c))
$(eval $(call HOST_TEST,host/test_nic_ring,core,libipc/nic_ring.c tests/host/test_nic_ring.c))
$(eval $(call HOST_TEST,host/test_vnet,core,servers/virtio_net/vnet.c libipc/nic_ring.c libvirtio/virtq.c \
	tests/host/test_vnet.c))
$(eval $(call HOST_TEST,host/test_pci,core,servers/pci/pci_parse.c tests/host/test_pci.c))
$(eval $(call HOST_TEST,host/test_net_table,core,servers/net/table.c tests/host/test_net_table.c))
$(eval $(call HOST_TEST,host/test_manifest,core,$(HOST_CORE) libipc/num.c servers/supervisor/manifest.c \
	tests/host/test_manifest.c))
$(eval $(call HOST_TEST,host/test_policy,core,$(HOST_CORE) libipc/num.c servers/supervisor/manifest.c \
	servers/supervisor/policy.c tests/host/test_policy.c))

$(eval $(call HOST_TEST,host/test_cap,kernel,$(HOST_KERNEL) tests/host/test_cap.c))
$(eval $(call HOST_TEST,host/test_io,kernel,$(HOST_KERNEL) tests/host/test_io.c))
$(eval $(call HOST_TEST,host/test_ipc,kernel,$(HOST_KERNEL) tests/host/test_ipc.c))
$(eval $(call HOST_TEST,host/test_pool,kernel,$(HOST_KERNEL) tests/host/test_pool.c))
$(eval $(call HOST_TEST,host/test_sched,kernel,$(HOST_KERNEL) tests/host/test_sched.c))

# libipc's protocol layer against host stand-ins for the IPC calls.
$(eval $(call HOST_TEST,host/test_proto,ipc,libipc/proto.c tests/host/shim/shim.c tests/host/test_proto.c))

# libipc's ELF reader, against the helper program the in-system tests load
# with it (built by tests/ktest/build.mk).
host-tests: $(BUILD)/tests/ktest/ktest-helper.elf
$(eval $(call HOST_TEST,host/test_elf,core,libipc/elf.c libipc/elf_line.c tests/host/test_elf.c,$(BUILD)/tests/ktest/ktest-helper.elf))
# The same reader's function and line lookups against the host's binutils,
# through a tool that prints them (tests/host/elf_lines.py).
ELF_WHERE := $(BUILD)/tests/host/elf-where
host-tests: $(ELF_WHERE)
$(ELF_WHERE): $(addprefix $(BUILD)/host/core/,libipc/elf.o libipc/elf_line.o tests/host/elf_where.o)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(HOST_LDLIBS)
TEST_SUITES += "host/elf_lines=python3 tests/host/elf_lines.py $(ELF_WHERE) 13 $(BUILD)/tests/ktest/ktest-helper.elf \
	$(BUILD)/servers/hello.elf $(BUILD)/servers/supervisor.elf $(BUILD)/servers/fs.elf"

# The filesystem server's ext2 library over images the host's mke2fs -d
# builds in $(BUILD)/tests/ext2 (e2fsprogs: scripts/install-deps.sh).
EXT2_SRCS := servers/fs/ext2.c servers/fs/ext2_alloc.c servers/fs/ext2_map.c servers/fs/ext2_dir.c \
	servers/fs/ext2_path.c servers/fs/ext2_file.c servers/fs/ext2_names.c
$(eval $(call HOST_TEST,host/test_ext2,core,$(EXT2_SRCS) tests/host/test_ext2.c,$(BUILD)/tests/ext2))

# The filesystem server's block cache over a disk in memory: the test
# answers the block protocol's calls (proto_call) itself.
$(eval $(call HOST_TEST,host/test_fscache,fs,servers/fs/cache.c tests/host/test_fscache.c))

# The shell's line editor: keys in, the line and what it draws out.
$(eval $(call HOST_TEST,host/test_edit,core,servers/shell/edit.c tests/host/test_edit.c))

# The filesystem server's table of clients' windows over the protocol
# layer's fake kernel (shares, mappings, revocation).
$(eval $(call HOST_TEST,host/test_fswindow,ipc,servers/fs/window.c tests/host/shim/shim.c \
	tests/host/test_fswindow.c))

# tests/qemu/: suites that boot the kernel under QEMU, each bounded by a
# timeout (tests/qemu/lib.sh), plus the source-format check.
TEST_SUITES += "qemu/boot=ACCEL=$(ACCEL) tests/qemu/boot.sh"
TEST_SUITES += "qemu/ktest=ACCEL=$(ACCEL) tests/qemu/ktest.sh"
# The same suite with the IPC fast path off: the general path alone must
# pass it too.
TEST_SUITES += "qemu/ktest-nofastpath=ACCEL=$(ACCEL) KTEST_NAME=ktest-nofastpath KTEST_APPEND=fastpath=off tests/qemu/ktest.sh"
# The C library: a picolibc program as the first task.
TEST_SUITES += "qemu/libc=ACCEL=$(ACCEL) tests/qemu/libc.sh"
TEST_SUITES += "format=scripts/check-format.sh"
TEST_SUITES += "qemu/debug=ACCEL=$(ACCEL) tests/qemu/debug.sh"
# gdb in a server of make debug's machine: a breakpoint in hello.
TEST_SUITES += "qemu/debug-server=ACCEL=$(ACCEL) tests/qemu/debug-server.sh"
TEST_SUITES += "docs=scripts/check-docs.sh"
TEST_SUITES += "qemu/bench-smoke=ACCEL=$(ACCEL) tests/qemu/bench-smoke.sh"
TEST_SUITES += "qemu/supervisor=ACCEL=$(ACCEL) tests/qemu/supervisor.sh"
TEST_SUITES += "qemu/many=ACCEL=$(ACCEL) tests/qemu/many.sh"
TEST_SUITES += "qemu/blk=ACCEL=$(ACCEL) tests/qemu/blk.sh"
TEST_SUITES += "qemu/nic=ACCEL=$(ACCEL) tests/qemu/nic.sh"
TEST_SUITES += "qemu/shell=ACCEL=$(ACCEL) tests/qemu/shell.sh"
TEST_SUITES += "qemu/fs=ACCEL=$(ACCEL) tests/qemu/fs.sh"
TEST_SUITES += "qemu/files=ACCEL=$(ACCEL) tests/qemu/files.sh"
TEST_SUITES += "qemu/shellfiles=ACCEL=$(ACCEL) tests/qemu/shellfiles.sh"
TEST_SUITES += "qemu/fswindow=ACCEL=$(ACCEL) tests/qemu/fswindow.sh"
# The wall clock: make run's manifest, date against the host's clock.
TEST_SUITES += "qemu/clock=ACCEL=$(ACCEL) tests/qemu/clock.sh"
# The HTTP server (servers/httpd/) on 127.0.0.1, fetched by a guest client.
TEST_SUITES += "qemu/httpd=ACCEL=$(ACCEL) tests/qemu/httpd.sh"
# The shell's nc and host on make run's manifest, with httpd.
TEST_SUITES += "qemu/netshell=ACCEL=$(ACCEL) tests/qemu/netshell.sh"
# The network server and the C library's sockets on 127.0.0.1.
TEST_SUITES += "qemu/netlo=ACCEL=$(ACCEL) tests/qemu/netlo.sh"
# The network server on the virtio-net driver, on QEMU's user network:
# DHCP, ping, DNS, the host's nc through forwarded ports, crashes.
TEST_SUITES += "qemu/netnic=ACCEL=$(ACCEL) tests/qemu/netnic.sh"
# The crash test, short: 20 crashes of the filesystem server and the disk
# driver (make fs-crash: the long campaign).
TEST_SUITES += "qemu/fscrash=ACCEL=$(ACCEL) tests/qemu/fscrash.sh"
# The chaos campaign, short: 300 faults of every kind into every server
# under the workload (make chaos: the long campaign, docs/chaos.md).
TEST_SUITES += "qemu/chaos=ACCEL=$(ACCEL) CHAOS_FAULTS=300 CHAOS_RATE=200 tests/qemu/chaos.sh"
# And 150 crashes aimed at the drivers, the PCI server and the network
# server, which depend on each other as they start: each must come back
# able to do its work (a driver whose PCI server restarted under its
# start ends and starts again; net attaches a NIC that failed it).
TEST_SUITES += "qemu/chaos-drivers=ACCEL=$(ACCEL) CHAOS_NAME=chaos-drivers CHAOS_FAULTS=150 CHAOS_RATE=200 CHAOS_SECONDS=60 CHAOS_TARGET=pci,virtio_net,virtio_blk,net CHAOS_KIND=0 tests/qemu/chaos.sh"
# The chaos service itself: the supervisor's target calls, the shell's
# chaos command and its errors.
TEST_SUITES += "qemu/chaos-shell=ACCEL=$(ACCEL) tests/qemu/chaos-shell.sh"
# docs/first-hour.md's transcripts, typed at make run's system.
TEST_SUITES += "qemu/firsthour=ACCEL=$(ACCEL) tests/qemu/firsthour.sh"
# The workload of make demo under crashes and kills
# of fs, hello, virtio_blk and rtc; its acks checked on the image, and the
# checker against images and logs spoiled on purpose.
TEST_SUITES += "qemu/workload=ACCEL=$(ACCEL) tests/qemu/workload.sh"
# make demo in its short mode: every server back, nothing acknowledged lost.
TEST_SUITES += "qemu/demo=ACCEL=$(ACCEL) tests/qemu/demo.sh"

/* How a test run ends QEMU with a status: a 32-bit write of one of these
 * codes to the isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,
 * iosize=0x04). QEMU then exits with status (code << 1) | 1, so the test
 * scripts expect 33, 35 and 37. The scripts read the values from this file.
 * Without the device the write does nothing and the caller halts instead. */
#pragma once

#define QEMU_EXIT_PORT  0xf4
#define QEMU_EXIT_PASS  0x10
#define QEMU_EXIT_FAIL  0x11
#define QEMU_EXIT_PANIC 0x12

# bench/disk/: the disk benchmark's client, booted by scripts/bench-disk.sh
# with the supervisor, pci and virtio_blk (bench/disk/manifest.txt).
$(eval $(call LIBC_PROGRAM,$(BUILD)/bench/disk/blkbench.elf,bench/disk/blkbench.c))

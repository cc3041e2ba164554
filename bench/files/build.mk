# bench/files/: the file benchmark's client, booted by scripts/bench-files.sh
# with the supervisor, pci, virtio_blk and fs (bench/files/manifest.txt).
$(eval $(call LIBC_PROGRAM,$(BUILD)/bench/files/filebench.elf,bench/files/filebench.c))

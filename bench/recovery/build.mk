# bench/recovery/: the recovery part of make bench, a client that crashes
# each server of make run's manifest and times its first answer, booted by
# scripts/bench-recovery.sh with that manifest and its own block.
$(eval $(call LIBC_PROGRAM,$(BUILD)/bench/recovery/recprobe.elf,bench/recovery/recprobe.c))

# bench/kestrel/: the IPC benchmark, booted by scripts/bench.sh as the first
# task with its own image as the second module (the server it loads).
$(eval $(call USER_PROGRAM,$(BUILD)/bench/kestrel/kbench.elf,bench/kestrel/kbench.c))

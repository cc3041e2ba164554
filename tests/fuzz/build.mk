# tests/fuzz/: libFuzzer targets, built with clang and ASan+UBSan (any
# sanitizer report aborts). The ext2 library (EXT2_SRCS, from
# tests/host/build.mk) over corrupted images:
#   make fuzz-ext2 [FUZZ_SECONDS=300]   a bounded campaign; new inputs kept
#                                       in $(BUILD)/fuzz/ext2-corpus
# and a short run of it in make test (the suite fuzz/ext2). Seeds are made
# by tests/fuzz/seeds.sh with mke2fs -d, never committed; inputs that once
# failed live in tests/fuzz/ext2-regress/ and are replayed first.
FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude -Icommon -MD -MP \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SECONDS ?= 300
FUZZ_EXT2 := $(BUILD)/fuzz/fuzz_ext2
FUZZ_EXT2_SEEDS := $(BUILD)/fuzz/ext2-seeds

$(BUILD)/fuzz/%.o: %.c | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_EXT2): $(EXT2_SRCS:%.c=$(BUILD)/fuzz/%.o) $(BUILD)/fuzz/tests/fuzz/fuzz_ext2.o
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^

$(FUZZ_EXT2_SEEDS)/.made: tests/fuzz/seeds.sh | $(BUILD)/.deps
	tests/fuzz/seeds.sh $(FUZZ_EXT2_SEEDS)
	@touch $@

.PHONY: fuzz-ext2
fuzz-ext2: $(FUZZ_EXT2) $(FUZZ_EXT2_SEEDS)/.made
	tests/fuzz/run.sh $(FUZZ_EXT2) $(FUZZ_SECONDS) $(BUILD)/fuzz/ext2-corpus $(FUZZ_EXT2_SEEDS) \
		tests/fuzz/ext2-regress

host-tests: $(FUZZ_EXT2) $(FUZZ_EXT2_SEEDS)/.made
TEST_SUITES += "fuzz/ext2=tests/fuzz/run.sh $(FUZZ_EXT2) 10 $(BUILD)/fuzz/ext2-test-corpus \
	$(FUZZ_EXT2_SEEDS) tests/fuzz/ext2-regress"

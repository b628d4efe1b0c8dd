# SPDX-License-Identifier: MIT
# Fuzz targets (tests/fuzz/fuzz_*.c), two ways:
#  - `make check` builds each with tests/fuzz/replay_main.c and the ordinary compiler and
#    replays the corpora (tests/fuzz/kmsg-corpora.sh): no libFuzzer runtime needed.
#  - `make fuzz` builds each with clang -fsanitize=fuzzer,address,undefined and runs it for
#    FUZZ_TIME seconds (default 60) on a working corpus in build/fuzz/corpus-<target>, seeded
#    from tests/fuzz/corpus/<name> (for fuzz_<name>). Crashes land in build/fuzz/, the whole
#    output of each run in build/fuzz/<target>.log.
.DEFAULT_GOAL := all
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/%.c=%)
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(B)/fuzz/replay_%)
FUZZ_BINS := $(FUZZ_NAMES:%=$(B)/fuzz/%)
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
CHECK_EXTRA_DEPS += $(FUZZ_REPLAY)

$(B)/fuzz/replay_%: tests/fuzz/%.c tests/fuzz/replay_main.c $(LIBA)
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -Ilib -o $@ $< tests/fuzz/replay_main.c $(LIBA) $(EXTRA_LDLIBS) $(ALL_LDFLAGS)

$(B)/fuzz/%: tests/fuzz/%.c $(LIB_SRCS)
	$(call msg,FUZZCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) -std=gnu11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -Ilib -o $@ $< $(LIB_SRCS)

fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_NAMES); do \
		seed=$(CURDIR)/tests/fuzz/corpus/$${t#fuzz_}; \
		[ -d "$$seed" ] || { echo "fuzz: no seed corpus $$seed for $$t" >&2; exit 1; }; \
		mkdir -p $(B)/fuzz/corpus-$$t; \
		echo "fuzz: $$t for $(FUZZ_TIME) s"; \
		( cd $(B)/fuzz && ./$$t -max_total_time=$(FUZZ_TIME) -max_len=8192 -print_final_stats=1 \
			corpus-$$t "$$seed" ) >$(B)/fuzz/$$t.log 2>&1; rc=$$?; \
		grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==|SUMMARY)' \
			$(B)/fuzz/$$t.log; \
		[ $$rc -eq 0 ] || { echo "fuzz: $$t failed (exit $$rc): $(B)/fuzz/$$t.log" >&2; exit 1; }; \
	done

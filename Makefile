# SPDX-License-Identifier: MIT
# oomlab: GNU Make. `make`, `make check`, `make install` (PREFIX, DESTDIR).
# V=1 shows full commands; SANITIZE=address,undefined builds with sanitizers;
# WERROR=1 turns warnings into errors (CI); STATIC=1 links statically (the v2 test VM).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
# shell completions: where bash-completion, zsh and fish look under PREFIX
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DESTDIR ?=
VERSION := 0.1.0

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter -Wvla -Wpointer-arith
ifeq ($(WERROR),1)
WARN += -Werror
endif
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(CPPFLAGS) -DOOMLAB_VERSION='"$(VERSION)"' $(WARN) $(CFLAGS)
ALL_LDFLAGS := $(LDFLAGS)
LDLIBS ?=
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
endif
ifeq ($(STATIC),1)
ALL_LDFLAGS += -static
endif

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2)
endif

B := build
# where the binary is linked; the VM test bed links a static one elsewhere (mk/vm.mk)
OUT_BIN ?= oomlab
LIB_SRCS := $(wildcard lib/*.c)
SRC_SRCS := $(wildcard src/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
SRC_OBJS := $(SRC_SRCS:%.c=$(B)/%.o)
LIBA := $(B)/liboomlab.a

.DEFAULT_GOAL := all
# a recipe that fails leaves no half-written target behind (a truncated skeleton, a .o)
.DELETE_ON_ERROR:
-include mk/*.mk

# The flags and the features found (mk/*.mk: a library installed since the last build) are part
# of every object: when they change, everything is rebuilt. `make` before scripts/setup.sh
# installed libmicrohttpd must not leave a binary without HTTP behind.
BUILD_FLAGS := $(CC) $(ALL_CFLAGS) $(EXTRA_CFLAGS) | $(ALL_LDFLAGS) $(EXTRA_LDLIBS) $(LDLIBS)
ifneq ($(file <$(B)/.flags),$(BUILD_FLAGS))
$(shell mkdir -p $(B))
$(file >$(B)/.flags,$(BUILD_FLAGS))
endif

.PHONY: all check unit-check install uninstall clean man fuzz bench bench-quick format format-check
all: oomlab

$(B)/%.o: %.c $(B)/.flags
	$(call msg,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(EXTRA_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBA): $(LIB_OBJS) $(EXTRA_LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

oomlab $(filter-out oomlab,$(OUT_BIN)): $(SRC_OBJS) $(LIBA) $(B)/.flags
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(SRC_OBJS) $(LIBA) $(EXTRA_LDLIBS) $(LDLIBS)

# ---- unit tests (Check) ----
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)
UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)

$(B)/tests/%: tests/unit/%.c $(LIBA) tests/unit/testutil.h
	$(call msg,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Ilib -o $@ $< $(LIBA) $(EXTRA_LDLIBS) $(CHECK_LIBS) $(ALL_LDFLAGS)

unit-check: $(UNIT_BINS)

# `make check`: unit tests, CLI golden tests, integration tests (real OOM kills, skipped with a
# reason where root, cgroups, PSI or BPF are missing), fuzz corpora replay, the v2 VM suite.
check: oomlab $(UNIT_BINS) $(CHECK_EXTRA_DEPS)
	$(Q)OOMLAB=$(CURDIR)/oomlab BUILD=$(CURDIR)/$(B) tests/run.sh

# ---- benchmarks (root; never part of check: tests assert no timings) ----
# `make bench`: every benchmark beside its peer (installed from Debian by the bench itself),
# three sizes each, A B A B; writes bench/out/bench.json and regenerates the block between
# <!-- bench:begin --> and <!-- bench:end --> in docs/BENCHMARKS.md; then bench/why-throughput.sh
# (its own section). `make bench-quick`: smaller sizes, bench/out/bench-quick.json, stdout only.
bench: oomlab
	$(Q)python3 bench/bench.py --doc docs/BENCHMARKS.md
	$(Q)mkdir -p bench/out && bench/why-throughput.sh | tee bench/out/why-throughput.txt

bench-quick: oomlab
	$(Q)python3 bench/bench.py --quick

# ---- man pages (scdoc) ----
MAN_SRCS := $(wildcard man/*.scd)
MAN_PAGES := $(MAN_SRCS:man/%.scd=$(B)/man/%)
$(B)/man/%: man/%.scd
	$(call msg,SCDOC,$<)
	@mkdir -p $(dir $@)
	$(Q)scdoc < $< > $@
man: $(MAN_PAGES)

install: oomlab
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 oomlab $(DESTDIR)$(BINDIR)/oomlab
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 644 contrib/completions/oomlab.bash $(DESTDIR)$(BASHCOMPDIR)/oomlab
	install -m 644 contrib/completions/_oomlab $(DESTDIR)$(ZSHCOMPDIR)/_oomlab
	install -m 644 contrib/completions/oomlab.fish $(DESTDIR)$(FISHCOMPDIR)/oomlab.fish
	@if command -v scdoc >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory man && \
		for p in $(MAN_PAGES); do \
			s=$${p##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
			install -m 644 $$p $(DESTDIR)$(MANDIR)/man$$s/; done; \
	else echo "scdoc not found: man pages not installed"; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/oomlab
	rm -f $(DESTDIR)$(BASHCOMPDIR)/oomlab $(DESTDIR)$(ZSHCOMPDIR)/_oomlab $(DESTDIR)$(FISHCOMPDIR)/oomlab.fish
	for p in $(MAN_SRCS:man/%.scd=%); do s=$${p##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$$p; done

clean:
	rm -rf $(B) oomlab

# ---- layout (.clang-format; Debian 12's clang-format 14, as CI runs it) ----
FORMAT_SRCS = $(wildcard lib/*.[ch] lib/bpf/*.[ch] src/*.[ch] tests/unit/*.[ch] tests/fuzz/*.[ch])
format:
	clang-format -i $(FORMAT_SRCS)
format-check:
	@clang-format --version
	@clang-format --dry-run -Werror $(FORMAT_SRCS) && echo "format-check: $(words $(FORMAT_SRCS)) files clean"

-include $(LIB_OBJS:.o=.d) $(SRC_OBJS:.o=.d)

# SPDX-License-Identifier: MIT
# BPF victim source (lib/bpf/oomvictim.bpf.c, lib/victim-bpf.c) and the task iterator of
# `scores` (lib/bpf/oomtasks.bpf.c, lib/oomtasks.c), the cgroup iterator of `top` and `serve`
# (lib/bpf/cgiter.bpf.c, lib/cgiter.c).
#   BPF=auto (default)  build it when clang, bpftool, libbpf (pkg-config) and a kernel BTF are found
#   BPF=1               build it, fail if something is missing
#   BPF=0               leave it out: `--source bpf` then says support was not compiled in
# STATIC=1 links libbpf statically: -lbpf -lelf -lz -lzstd, in that order (Debian's libelf.a
# needs libzstd, which pkg-config's --static list of libbpf 1.1 omits). vmlinux.h is generated into $(B)/bpf from VMLINUX_BTF with bpftool, never
# committed: CO-RE relocates against the running kernel, so the build kernel's BTF only has to
# have the types (every BTF kernel does). The BPF object is stripped of DWARF before it is
# embedded (the skeleton is 300 KB instead of 2.4 MB).
BPF ?= auto
BPF_CLANG ?= clang
BPFTOOL ?= $(or $(shell command -v bpftool 2>/dev/null),$(wildcard /usr/sbin/bpftool))
LLVM_STRIP ?= $(or $(shell command -v llvm-strip 2>/dev/null),$(firstword $(wildcard /usr/bin/llvm-strip-*)))
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/ppc64le/powerpc/' -e 's/s390x/s390/' -e 's/riscv64/riscv/')

ifneq ($(BPF),0)
BPF_MISSING :=
ifeq ($(shell command -v $(BPF_CLANG) 2>/dev/null),)
BPF_MISSING += clang
endif
ifeq ($(BPFTOOL),)
BPF_MISSING += bpftool
endif
ifeq ($(LLVM_STRIP),)
BPF_MISSING += llvm-strip
endif
ifneq ($(shell pkg-config --exists libbpf 2>/dev/null && echo yes),yes)
BPF_MISSING += libbpf(pkg-config)
endif
ifeq ($(wildcard $(VMLINUX_BTF)),)
BPF_MISSING += $(VMLINUX_BTF)
endif
ifeq ($(strip $(BPF_MISSING)),)
override BPF := 1
else ifeq ($(BPF),1)
$(error BPF=1 but missing: $(strip $(BPF_MISSING)))
else
$(info BPF=auto: building without the BPF source; missing: $(strip $(BPF_MISSING)))
override BPF := 0
endif
endif

ifeq ($(BPF),1)
BPF_OUT := $(B)/bpf
BPF_SKEL := $(BPF_OUT)/oomvictim.skel.h
EXTRA_CFLAGS += -DOOMLAB_HAVE_BPF -I$(BPF_OUT) $(shell pkg-config --cflags libbpf)
ifeq ($(STATIC),1)
EXTRA_LDLIBS += -lbpf -lelf -lz -lzstd
else
EXTRA_LDLIBS += $(shell pkg-config --libs libbpf)
endif

$(BPF_OUT)/vmlinux.h: | $(BPF_OUT)/.dir
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

# One compile rule for every BPF program (CO-RE against the generated vmlinux.h, DWARF
# stripped before it is embedded); each program's own headers are listed below.
$(BPF_OUT)/%.bpf.o: lib/bpf/%.bpf.c $(BPF_OUT)/vmlinux.h
	$(call msg,BPF,$<)
	$(Q)$(BPF_CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -I$(BPF_OUT) -Ilib/bpf \
		$(shell pkg-config --cflags libbpf) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@
$(BPF_OUT)/oomvictim.bpf.o: lib/bpf/oomvictim.h lib/bpf/mm_counter.h
$(BPF_OUT)/oomtasks.bpf.o: lib/bpf/oomtasks.h lib/bpf/mm_counter.h
$(BPF_OUT)/cgiter.bpf.o: lib/bpf/cgiter.h

# The kill source is a full skeleton (libbpf attaches its programs); the task iterator of
# `scores` (oomtasks) and the cgroup iterator of `top` and `serve` (cgiter) are LIGHT
# skeletons (-L): the kernel applies the CO-RE relocations itself (5.17+), so user space does
# not parse the kernel BTF (28-37 ms) before every run, and nothing of libbpf runs
# (skel_internal.h is header-only).
$(BPF_SKEL): $(BPF_OUT)/oomvictim.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name oomvictim > $@.tmp && mv $@.tmp $@
$(BPF_OUT)/%.lskel.h: $(BPF_OUT)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton -L $< name $* > $@.tmp && mv $@.tmp $@

$(BPF_OUT)/.dir:
	@mkdir -p $(BPF_OUT) && touch $@

# the skeletons are generated: order each before the one object that includes it
$(B)/lib/victim-bpf.o: $(BPF_SKEL)
$(B)/lib/oomtasks.o: $(BPF_OUT)/oomtasks.lskel.h
$(B)/lib/cgiter.o: $(BPF_OUT)/cgiter.lskel.h
endif

# `make bpf-info`: what the build decided
.PHONY: bpf-info
bpf-info:
	@echo "BPF=$(BPF)$(if $(strip $(BPF_MISSING)), (missing: $(strip $(BPF_MISSING))))"

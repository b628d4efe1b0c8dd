# SPDX-License-Identifier: MIT
# The pure cgroup v2 test bed (tests/vm, docs/VM-TESTBED.md).
#   make vm-static  a static oomlab for the guest, with BPF where the build has it (VM_BPF=auto|1|0):
#                   build/static/oomlab
#   make vm-image   kernel (downloaded once, cached), helpers, static oomlab, initramfs in tests/vm/out
#   make vm-check   boot the VM once and run the v2 suite (`make check` runs it too, as vm/v2-suite)
# Knobs for vm-check (environment): ACCEL=auto|tcg|kvm, VM_TIMEOUT, VMT_ONLY=regex, VERBOSE=1.
VM_B := build/static
VM_BPF ?= auto
.PHONY: vm-static vm-image vm-check vm-clean

vm-static:
	$(Q)$(MAKE) --no-print-directory B=$(VM_B) STATIC=1 BPF=$(VM_BPF) SANITIZE= \
		OUT_BIN=$(VM_B)/oomlab $(VM_B)/oomlab

vm-image:
	$(Q)tests/vm/_build.sh

vm-check: oomlab
	$(Q)OOMLAB=$(CURDIR)/oomlab BUILD=$(CURDIR)/$(B) VERBOSE=$(or $(VERBOSE),0) \
		ONLY='^vm/' tests/run.sh

vm-clean:
	rm -rf $(VM_B) tests/vm/out/rootfs tests/vm/out/run tests/vm/out/bin tests/vm/out/initramfs.cpio.gz

# SPDX-License-Identifier: MIT
# Libraries of `oomlab why` (lib/log-form.c, src/explain.c): zlib, liblzma, libzstd for
# compressed logs and libsystemd's sd-journal for --journal. scripts/deps.sh installs them.
#   LOGLIBS=auto (default)  use each one pkg-config finds; say which are missing
#   LOGLIBS=1               all of them, fail if one is missing
#   LOGLIBS=0               none: plain logs only; --journal and compressed logs say so
# STATIC=1 forces LOGLIBS=0 (the static binary of the VM test bed: static archives of
# libsystemd and friends are not a given; the guest only reads its own /dev/kmsg).
LOGLIBS ?= auto
ifeq ($(STATIC),1)
override LOGLIBS := 0
endif
LOGLIBS_MISSING :=
ifneq ($(LOGLIBS),0)
define loglib
ifeq ($$(shell pkg-config --exists $(1) 2>/dev/null && echo yes),yes)
EXTRA_CFLAGS += -D$(2) $$(shell pkg-config --cflags $(1))
EXTRA_LDLIBS += $$(shell pkg-config --libs $(1))
else
LOGLIBS_MISSING += $(1)
endif
endef
$(eval $(call loglib,zlib,OOMLAB_HAVE_ZLIB))
$(eval $(call loglib,liblzma,OOMLAB_HAVE_LZMA))
$(eval $(call loglib,libzstd,OOMLAB_HAVE_ZSTD))
$(eval $(call loglib,libsystemd,OOMLAB_HAVE_SYSTEMD))
ifneq ($(strip $(LOGLIBS_MISSING)),)
ifeq ($(LOGLIBS),1)
$(error LOGLIBS=1 but missing: $(strip $(LOGLIBS_MISSING)))
endif
$(info LOGLIBS=auto: building without $(strip $(LOGLIBS_MISSING)) (scripts/deps.sh installs them))
endif
endif

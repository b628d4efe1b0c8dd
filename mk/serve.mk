# SPDX-License-Identifier: MIT
# `oomlab serve`'s HTTP endpoint (libmicrohttpd, Debian libmicrohttpd-dev).
#   SERVE_HTTP=auto (default)  build it when pkg-config finds libmicrohttpd
#   SERVE_HTTP=1               build it, fail if it is missing
#   SERVE_HTTP=0               leave it out: serve then runs with --listen none (--textfile,
#                              --journal) and says HTTP was not compiled in
# STATIC=1 forces SERVE_HTTP=0: the static binary of the VM test bed does not need it and a
# static libmicrohttpd (with gnutls) is not a given.
SERVE_HTTP ?= auto
ifeq ($(STATIC),1)
override SERVE_HTTP := 0
endif
ifneq ($(SERVE_HTTP),0)
ifeq ($(shell pkg-config --exists libmicrohttpd 2>/dev/null && echo yes),yes)
override SERVE_HTTP := 1
else ifeq ($(SERVE_HTTP),1)
$(error SERVE_HTTP=1 but pkg-config does not find libmicrohttpd (apt-get install libmicrohttpd-dev))
else
$(info SERVE_HTTP=auto: building `oomlab serve` without HTTP; missing: libmicrohttpd (pkg-config))
override SERVE_HTTP := 0
endif
endif
ifeq ($(SERVE_HTTP),1)
EXTRA_CFLAGS += -DOOMLAB_HAVE_MHD $(shell pkg-config --cflags libmicrohttpd)
EXTRA_LDLIBS += $(shell pkg-config --libs libmicrohttpd)
endif

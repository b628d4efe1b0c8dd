# SPDX-License-Identifier: MIT
# oomlab scores: `scores --all` reads /proc with one thread per CPU (lib/oom-scope.c).
EXTRA_LDLIBS += -pthread

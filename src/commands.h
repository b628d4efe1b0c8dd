/* SPDX-License-Identifier: MIT */
/* The command table: CMD(name, one-line summary). One cmd_<name>.c per entry. Order = --help order. */
CMD(lab, "the guided lab: watch the OOM killer fire, step by step, measured")
CMD(run, "box a command in a memory-limited cgroup and watch it live")
CMD(eat, "a deterministic memory eater (anonymous, page cache or shmem)")
CMD(doctor, "what this host supports and what follows for oomlab")
CMD(scores, "who the OOM killer would kill next, computed as the kernel computes it")
CMD(protect,
    "make a process less likely to be killed (or its neighbours more), and show the new ranking")
CMD(expose, "make a process the OOM killer's first choice, and show the new ranking")
CMD(psi, "memory pressure (PSI) of the system, a cgroup, a pid or a container, with a verdict")
CMD(top, "every cgroup's memory pressure, usage and limits in one refreshing table")
CMD(why, "explain the OOM kills in the kernel log or a saved log")
CMD(watch, "stream OOM kills live, from the kernel's tracepoint (BPF, else tracefs) or its log")
CMD(serve, "export OOM kills, per-cgroup OOM counters and pressure to Prometheus and journald")
CMD(export, "print one snapshot of the serve metrics (Prometheus text format)")

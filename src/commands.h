/* SPDX-License-Identifier: MIT */
/* The command table: CMD(name, one-line summary). One cmd_<name>.c per entry. Order = --help order. */
CMD(lab, "the guided lab: watch the OOM killer fire, step by step, measured")
CMD(run, "box a command in a memory-limited cgroup and watch it live")
CMD(eat, "a deterministic memory eater (anonymous, page cache or shmem)")
CMD(doctor, "what this host supports and what follows for oomlab")
CMD(trace, "print OOM victims as the kernel marks them (BPF or tracefs)")

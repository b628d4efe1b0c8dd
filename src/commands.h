/* SPDX-License-Identifier: MIT */
/* The command table: CMD(name, one-line summary). One cmd_<name>.c per entry. Order = --help order. */
CMD(run, "box a command in a memory-limited cgroup and watch it live")
CMD(eat, "a deterministic memory eater (anonymous, page cache or shmem)")
CMD(doctor, "what this host supports and what follows for oomlab")
CMD(why, "explain the OOM kills in the kernel log or a saved log")
CMD(watch, "stream OOM kills live from /dev/kmsg, decoded and named")

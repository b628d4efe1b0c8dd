/* SPDX-License-Identifier: MIT */
/*
 * Provable ownership of what oomlab creates (cgroups, tracefs instances).
 *
 * Each oomlab cgroup directory carries an owner record in the extended attribute
 * trusted.oomlab.owner (only CAP_SYS_ADMIN can write trusted.*), written right after the
 * directory is created and locked:
 *
 *     oomlab-owner 1 name=oomlab-812-0-3f9c01aa pid=812 start=123456 boot=<uuid> pidns=4026531836
 *
 * and the owner holds flock(LOCK_SH) on the directory for as long as it lives (the lock is
 * released by the kernel when the owner dies, in whatever pid namespace it ran). A sweep treats a
 * directory as stale only when its name has oomlab's exact form, its record parses and names
 * that directory, nobody holds the lock, and the record does not describe a live process of the
 * sweeper's own pid namespace and boot. Anything else is kept.
 */
#ifndef OOMLAB_CGOWNER_H
#define OOMLAB_CGOWNER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "host.h"

#define CG_OWNER_XATTR "trusted.oomlab.owner"

struct cg_owner {
	char name[128]; /* directory name the record belongs to */
	pid_t pid;	/* in the owner's pid namespace */
	uint64_t start; /* /proc/PID/stat field 22, clock ticks after boot */
	char boot[40];	/* /proc/sys/kernel/random/boot_id */
	uint64_t pidns; /* inode of /proc/self/ns/pid */
};

/* The calling process (live host only). -errno. */
int cg_owner_self(struct cg_owner *ret);
/* Record text for o (name included). -ENAMETOOLONG if buf is too small. */
int cg_owner_format(const struct cg_owner *o, char *buf, size_t sz);
/* Pure parser; -EINVAL on anything that is not exactly a record. */
int cg_owner_parse(const char *buf, size_t len, struct cg_owner *ret);

/*
 * The names oomlab gives: "oomlab-<pid>-<seq>-<8 lowercase hex>" with decimal numbers without
 * leading zeros (pid > 0). ret_pid may be NULL. -EINVAL for any other name.
 */
int cg_owned_name_parse(const char *name, pid_t *ret_pid);
/* A fresh name for seq: pid, seq and 32 random bits (unique across pid namespaces). */
int cg_owned_name_new(unsigned seq, char *buf, size_t sz);

/*
 * The name cg_create_owned gives: "oomlab-<pid>-<seq>-<8hex>" where the hex is a hash of pid,
 * seq, boot id, pid namespace and attempt (0..CG_NAME_ATTEMPTS-1), so that a directory a
 * SIGKILL left between mkdir and the owner record can still be proved made by pid <pid> of this
 * boot and pid namespace (cg_owned_name_proved). self gives boot and pidns (pid is getpid()).
 */
#define CG_NAME_ATTEMPTS 8
int cg_owned_name_proof(const struct cg_owner *self, pid_t pid, unsigned seq, unsigned attempt,
			char *buf, size_t sz);
/* true when name is exactly a cg_owned_name_proof name of pid for self's boot and pidns */
bool cg_owned_name_proved(const char *name, const struct cg_owner *self);

enum cg_owner_state {
	CG_OWNER_ALIVE = 0, /* keep */
	CG_OWNER_GONE,	    /* provably gone: may be removed */
	CG_OWNER_UNPROVEN,  /* not provably ours (no/foreign record): keep */
};

/*
 * Decide from a record, whether its lock is held, the sweeper's own identity and what
 * /proc/<rec->pid>/stat says in the sweeper's view (proc_start: its start time, 0 when the pid
 * does not exist). Pure. why gets a short reason.
 */
enum cg_owner_state cg_owner_judge(const struct cg_owner *rec, const char *dirname, bool locked,
				   const struct cg_owner *self, uint64_t proc_start, char *why,
				   size_t sz);

/*
 * Take the owner's lock on an open directory fd (LOCK_SH, waits at most timeout_us for a
 * sweeper holding LOCK_EX) / try the sweeper's lock (LOCK_EX | LOCK_NB: 1 taken, 0 held by
 * someone, -errno).
 */
int cg_owner_lock(int dirfd, uint64_t timeout_us);
int cg_owner_trylock_sweep(int dirfd);

#endif

// SPDX-License-Identifier: MIT
/*
 * oomlab doctor: what this host supports, one line per fact, each saying which oomlab feature
 * it enables, limits or disables. --clean removes stale oomlab cgroups (owner gone).
 * Facts are read, not assumed from the kernel version; where only trying tells (PSI trigger
 * windows, the per-cgroup files), doctor tries on a probe cgroup it creates and removes.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "oomlab.h"
#include "../lib/cg-owner.h"
#include "../lib/cgroup.h"
#include "../lib/memory-stat.h"
#include "../lib/proc.h"
#include "../lib/psi.h"
#include "../lib/victim.h"
#include "../lib/oomtasks.h"
#include "../lib/out.h"
#include "../lib/cgiter.h"
#include "../lib/banned.h"

enum status { ST_OK, ST_LIMITED, ST_MISSING, ST_INFO };

static const char *status_name(enum status s)
{
	switch (s) {
	case ST_OK:
		return "ok";
	case ST_LIMITED:
		return "limited";
	case ST_MISSING:
		return "missing";
	default:
		return "info";
	}
}

struct report {
	struct json j;
	bool json;
	int problems;
};

static void fact(struct report *r, const char *id, enum status s, const char *value,
		 const char *consequence)
{
	if (s == ST_MISSING || s == ST_LIMITED)
		r->problems++;
	struct out o = r->json ? OUT_JSON(&r->j) : OUT_TEXT(stdout);

	/* text: "STATUS   ID                       VALUE" and "-> CONSEQUENCE" under it */
	open_json_object(&o, NULL);
	print_str(&o, PRINT_JSON, "id", NULL, id);
	print_str(&o, PRINT_ANY, "status", "%-8s ", status_name(s));
	print_str(&o, PRINT_TEXT, NULL, "%-24s ", id);
	print_str(&o, PRINT_ANY, "value", "%s\n", value);
	print_str(&o, consequence && *consequence ? PRINT_ANY : PRINT_JSON, "consequence",
		  "                                  -> %s\n", consequence);
	close_json_object(&o);
}

static bool exists(const struct host *h, const char *path)
{
	char p[PATH_MAX];
	if (host_path(h, path, p, sizeof(p)) < 0)
		return false;
	return access(p, F_OK) == 0;
}

static bool exists_in(const char *dir, const char *file)
{
	char p[PATH_MAX];
	if (path_join(p, sizeof(p), dir, file) < 0)
		return false;
	return access(p, F_OK) == 0;
}

static int read_host_file(const struct host *h, const char *path, char *buf, size_t sz)
{
	char p[PATH_MAX];
	ssize_t n;
	if (host_path(h, path, p, sizeof(p)) < 0)
		return -ENAMETOOLONG;
	n = read_file(p, buf, sz);
	return n < 0 ? (int)n : 0;
}

/* Try PSI triggers on a pressure file: the smallest window the kernel takes from us. */
static const char *trigger_window(const char *path, char *buf, size_t sz)
{
	static const struct {
		const char *spec, *label;
	} tries[] = {
		{ "some 50000 500000", "500ms" },
		{ "some 100000 1000000", "1s" },
		{ "some 150000 2000000", "2s" },
	};
	for (size_t i = 0; i < ELEMENTSOF(tries); i++) {
		int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		ssize_t n;
		if (fd < 0) {
			xsnprintf(buf, sz, "cannot open '%s': %s", path, strerror(errno));
			return NULL;
		}
		n = write(fd, tries[i].spec, strlen(tries[i].spec) + 1);
		close(fd);
		if (n >= 0) {
			xsnprintf(buf, sz, "%s", tries[i].label);
			return buf;
		}
		if (errno != EINVAL && errno != EPERM) {
			xsnprintf(buf, sz, "%s", strerror(errno));
			return NULL;
		}
	}
	xsnprintf(buf, sz, "no window of 500ms..2s accepted");
	return NULL;
}

static void check_cgroups(struct cli *cli, struct report *r, struct cg_layout *l)
{
	char v[PATH_MAX * 2 + 64];
	const struct host *h = &cli->host;
	int k = cg_layout_detect(h, l);

	if (k < 0) {
		xsnprintf(v, sizeof(v), "cannot read /proc/self/mountinfo: %s", strerror(-k));
		fact(r, "cgroup.mode", ST_MISSING, v,
		     "run, top, psi per cgroup and the lab need cgroups");
		return;
	}
	switch (l->mode) {
	case CG_MODE_V2:
		xsnprintf(v, sizeof(v), "v2 at %s, memory controller %s", l->v2,
			  l->v2_memory ? "enabled" : "NOT available");
		fact(r, "cgroup.mode", l->v2_memory ? ST_OK : ST_MISSING, v,
		     l->v2_memory ?
			     "limits via memory.max and memory.high; every v2 feature available" :
			     "no memory limits can be set: enable the memory controller");
		break;
	case CG_MODE_HYBRID:
		xsnprintf(
			v, sizeof(v),
			"hybrid: memory controller on v1 at %s, cgroup2 at %s (no memory controller)",
			l->v1_memory, l->v2);
		fact(r, "cgroup.mode", ST_LIMITED, v,
		     "limits via v1 memory.limit_in_bytes; per-cgroup PSI and cgroup.kill from a same-named v2 sibling; no memory.high throttling");
		break;
	case CG_MODE_V1:
		xsnprintf(v, sizeof(v), "v1 only: memory controller at %s", l->v1_memory);
		fact(r, "cgroup.mode", ST_LIMITED, v,
		     "limits via memory.limit_in_bytes; no memory.high, no per-cgroup PSI, no cgroup.kill");
		break;
	default:
		fact(r, "cgroup.mode", ST_MISSING,
		     "no cgroup hierarchy with a memory controller is mounted",
		     "run, top and the lab cannot work; why, watch, scores still do");
	}
}

/* Per-cgroup files: look in a probe cgroup we create (root), else in the tree's root/own cgroup */
static void check_cgroup_files(struct cli *cli, struct report *r, const struct cg_layout *l)
{
	struct cg probe = { 0 };
	char name[64], v[256], wbuf[64];
	bool made = false;
	const char *dir = NULL, *v2dir = NULL;

	sigset_t all, old;

	if (l->mode == CG_MODE_NONE)
		return;
	/*
	 * While the probe cgroup exists every signal that would end us waits: it is delivered
	 * (and acts) right after the probe is removed. Synchronous faults are left alone.
	 */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGABRT);
	sigdelset(&all, SIGTRAP);
	sigdelset(&all, SIGSYS);
	sigprocmask(SIG_BLOCK, &all, &old);
	xsnprintf(name, sizeof(name), "probe");
	if (host_is_live(&cli->host) && geteuid() == 0 && cg_create_owned(l, "", 0, &probe) == 0) {
		made = true;
		dir = probe.mem;
		v2dir = probe.v2[0] ? probe.v2 : NULL;
		fact(r, "cgroup.owner", probe.record_err == 0 ? ST_OK : ST_LIMITED,
		     probe.record_err == 0 ? "owner records (" CG_OWNER_XATTR " xattr) accepted" :
					     strerror(-probe.record_err),
		     probe.record_err == 0 ?
			     "a cgroup left by a killed oomlab is proved stale and removed by the next run or doctor --clean" :
			     "the cgroup filesystem keeps no owner record: a cgroup left by a killed oomlab is never removed automatically");
	} else if (!host_is_live(&cli->host)) {
		/* fixture trees carry a sample cgroup named "probe" */
		static char d1[PATH_MAX], d2[PATH_MAX];
		if (l->mode == CG_MODE_V2) {
			path_join(d1, sizeof(d1), l->v2, "probe");
			dir = v2dir = d1;
		} else {
			path_join(d1, sizeof(d1), l->v1_memory, "probe");
			dir = d1;
			if (l->v2[0]) {
				path_join(d2, sizeof(d2), l->v2, "probe");
				v2dir = d2;
			}
		}
	}
	if (!dir) {
		fact(r, "cgroup.files", ST_INFO,
		     "not checked (needs root to create a probe cgroup)", "");
		sigprocmask(SIG_SETMASK, &old, NULL);
		return;
	}
	{
		bool high = exists_in(dir, "memory.high");
		bool peak = exists_in(dir, "memory.peak") ||
			    exists_in(dir, "memory.max_usage_in_bytes");
		bool events = exists_in(dir, "memory.events");
		bool kill = v2dir && exists_in(v2dir, "cgroup.kill");
		bool psi = v2dir && exists_in(v2dir, "memory.pressure");
		bool oomc = exists_in(dir, "memory.oom_control");

		fact(r, "memory.high", high ? ST_OK : ST_MISSING,
		     high ? "present" : "absent (cgroup v1 memory controller)",
		     high ? "run --high and the lab's throttling band work" :
			    "run --high warns and runs with the hard limit only; the lab shows pressure through page cache instead");
		xsnprintf(v, sizeof(v), "%s",
			  exists_in(dir, "memory.peak") ? "memory.peak" :
			  exists_in(dir, "memory.max_usage_in_bytes") ?
							  "memory.max_usage_in_bytes (v1)" :
							  "absent");
		fact(r, "memory.peak", peak ? ST_OK : ST_LIMITED, v,
		     peak ? "run reports the exact peak, even a spike between samples" :
			    "peak usage comes from samples only (kernel < 5.19)");
		fact(r, "memory.events",
		     events ? ST_OK :
		     oomc   ? ST_LIMITED :
			      ST_MISSING,
		     events ? "present" :
		     oomc   ? "absent; memory.oom_control oom_kill is used (v1)" :
			      "absent",
		     events ? "OOM kills and memory.high throttling are counted per cgroup" :
			      "OOM kills are counted from memory.oom_control; no 'high' events");
		fact(r, "cgroup.kill", kill ? ST_OK : ST_LIMITED, kill ? "present" : "absent",
		     kill ? "teardown kills a whole cgroup atomically" :
			    "teardown SIGKILLs each pid of cgroup.procs until empty");
		if (psi) {
			char path[PATH_MAX];
			struct psi p;
			int e;
			path_join(path, sizeof(path), v2dir, "memory.pressure");
			e = psi_read(path, &p);
			fact(r, "psi.cgroup", e == 0 ? ST_OK : ST_MISSING,
			     e == 0 ? "memory.pressure readable per cgroup" : strerror(-e),
			     e == 0 ?
				     "run, psi and top show the pressure of one cgroup" :
				     "per-cgroup pressure unavailable (psi=1 on the kernel command line)");
			if (e == 0 && host_is_live(&cli->host)) {
				const char *w = trigger_window(path, wbuf, sizeof(wbuf));
				xsnprintf(v, sizeof(v), "smallest accepted window: %s",
					  w ? w : wbuf);
				fact(r, "psi.trigger",
				     w ? (strcmp(w, "500ms") == 0 ? ST_OK : ST_LIMITED) :
					 ST_MISSING,
				     v,
				     w && strcmp(w, "500ms") == 0 ?
					     "psi --wait accepts any window from 500ms to 10s" :
				     w ? "psi --wait rounds windows to whole multiples of 2s (no CAP_SYS_RESOURCE)" :
					 "psi --wait cannot arm triggers");
			}
		} else {
			fact(r, "psi.cgroup", ST_MISSING,
			     "no cgroup2 directory with memory.pressure",
			     "per-cgroup pressure unavailable: only system-wide PSI");
		}
	}
	if (made && cg_destroy(&probe, 2 * 1000 * 1000) < 0)
		fact(r, "cgroup.probe", ST_MISSING, probe.fail_dir[0] ? probe.fail_dir : probe.mem,
		     "the probe cgroup could not be removed: remove it with 'oomlab doctor --clean'");
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void check_psi(struct cli *cli, struct report *r)
{
	char p[PATH_MAX];
	struct psi psi;
	int e;

	host_path(&cli->host, "/proc/pressure/memory", p, sizeof(p));
	e = psi_read(p, &psi);
	if (e == 0)
		fact(r, "psi.system", ST_OK, "/proc/pressure/memory readable",
		     "psi shows system-wide memory pressure");
	else if (e == -EOPNOTSUPP)
		fact(r, "psi.system", ST_MISSING, "PSI is compiled in but disabled (EOPNOTSUPP)",
		     "no pressure anywhere: boot with psi=1 (RHEL/CentOS default is off); usage, limits and kills still work");
	else
		fact(r, "psi.system", ST_MISSING,
		     e == -ENOENT ? "no /proc/pressure (kernel < 4.20 or CONFIG_PSI=n)" :
				    strerror(-e),
		     "no pressure figures; usage, limits and kills still work");
}

static void check_swap(struct cli *cli, struct report *r)
{
	char buf[4096], v[128];
	struct meminfo m;

	if (read_host_file(&cli->host, "/proc/meminfo", buf, sizeof(buf)) == 0 &&
	    meminfo_parse(buf, &m) == 0) {
		char b1[32], b2[32];
		xsnprintf(v, sizeof(v), "RAM %s, swap %s", format_bytes(m.total, b1, sizeof(b1)),
			  format_bytes(m.swap_total, b2, sizeof(b2)));
		fact(r, "memory", m.swap_total ? ST_OK : ST_INFO, v,
		     m.swap_total ?
			     "anonymous memory can be swapped: kills come later, after a slow strangle" :
			     "no swap: an anonymous eater over its limit is killed at once, nothing throttles it");
	}
	fact(r, "zram",
	     exists(&cli->host, "/sys/block/zram0") ||
			     exists(&cli->host, "/sys/class/zram-control") ?
		     ST_OK :
		     ST_INFO,
	     exists(&cli->host, "/sys/block/zram0") ||
			     exists(&cli->host, "/sys/class/zram-control") ?
		     "available" :
		     "not available",
	     "swap for experiments, machine-wide (oomlab itself never turns it on)");
}

static void check_sysctl(struct cli *cli, struct report *r, const char *name, const char *path,
			 const char *zero_means, const char *one_means, const char *two_means)
{
	char buf[64], v[96];
	uint64_t n;

	if (read_host_file(&cli->host, path, buf, sizeof(buf)) < 0 ||
	    parse_u64(strip_trailing(buf), &n) < 0) {
		fact(r, name, ST_INFO, "unreadable", "");
		return;
	}
	xsnprintf(v, sizeof(v), "%" PRIu64, n);
	fact(r, name, n == 0 ? ST_OK : ST_LIMITED, v,
	     n == 0		  ? zero_means :
	     n == 1 || !two_means ? one_means :
				    two_means);
}

static void check_misc(struct cli *cli, struct report *r)
{
	int cap = proc_self_has_cap(&cli->host, PROC_CAP_SYS_RESOURCE);
	char p[PATH_MAX];
	int fd;

	fact(r, "oom_score_adj.lower", cap == 1 ? ST_OK : ST_LIMITED,
	     cap == 1 ? "CAP_SYS_RESOURCE: negative oom_score_adj allowed" :
	     cap == 0 ? "no CAP_SYS_RESOURCE: lowering oom_score_adj fails with EACCES" :
			"unknown",
	     cap == 1 ? "protect lowers the score of a process directly" :
			"protect needs --relative (raise the others in the same cgroup instead)");

	host_path(&cli->host, "/dev/kmsg", p, sizeof(p));
	fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	fact(r, "kmsg", fd >= 0 ? ST_OK : ST_MISSING,
	     fd >= 0 ? "/dev/kmsg readable" : strerror(errno),
	     fd >= 0 ?
		     "why and watch read the kernel's OOM reports live" :
		     "why needs --log FILE; watch cannot read the kernel log (needs root or CAP_SYSLOG with dmesg_restrict=1)");

	if (host_is_live(&cli->host)) {
		/* tried the way watch does it: the mounted tracefs, else a private detached mount */
		char how[256], v[320];
		int t = victim_source_tracefs_probe(how, sizeof(how));
		if (t == 0)
			xsnprintf(v, sizeof(v), "oom/mark_victim read through %s", how);
		else if (t == 1)
			xsnprintf(v, sizeof(v), "not mounted; oom/mark_victim read through %s",
				  how);
		else
			xsnprintf(v, sizeof(v), "%s", how);
		fact(r, "tracefs", t >= 0 ? ST_OK : ST_LIMITED, v,
		     t == 0 ?
			     "the tracefs kill source and the BPF classic-tracepoint attach work" :
		     t == 1 ?
			     "the tracefs kill source and the BPF classic-tracepoint attach work without mounting anything on the host" :
			     "no tracefs kill source (needs root); BPF tp_btf/raw_tp and the kernel log still work");
	} else {
		bool tr = exists(&cli->host, "/sys/kernel/tracing/events/oom/mark_victim") ||
			  exists(&cli->host, "/sys/kernel/debug/tracing/events/oom/mark_victim");
		bool trdir = exists(&cli->host, "/sys/kernel/tracing");
		fact(r, "tracefs", tr ? ST_OK : ST_LIMITED,
		     tr	   ? "mounted, oom/mark_victim present" :
		     trdir ? "not mounted (mountable at /sys/kernel/tracing)" :
			     "absent",
		     tr ? "the tracefs kill source works" :
			  "the tracefs source uses a private tracefs mount (root)");
	}
	fact(r, "btf", exists(&cli->host, "/sys/kernel/btf/vmlinux") ? ST_OK : ST_MISSING,
	     exists(&cli->host, "/sys/kernel/btf/vmlinux") ? "/sys/kernel/btf/vmlinux present" :
							     "no kernel BTF",
	     exists(&cli->host, "/sys/kernel/btf/vmlinux") ?
		     "BPF CO-RE programs can load" :
		     "no BPF kill source; tracefs and kmsg still work");
	/* a fact about this binary, not the host: not shown for fixture trees */
	if (host_is_live(&cli->host))
		fact(r, "bpf.build", victim_source_bpf_compiled() ? ST_OK : ST_LIMITED,
		     victim_source_bpf_compiled() ? "this oomlab has the BPF kill source" :
						    "this oomlab was built with BPF=0",
		     victim_source_bpf_compiled() ?
			     "watch --source bpf and run's victim record come from the kernel at the kill" :
			     "watch and run use tracefs or the kernel log (rebuild with clang, bpftool, libbpf-dev)");
	if (host_is_live(&cli->host)) {
		struct oom_task *t = NULL;
		char why[200] = "", val[256];
		size_t n = 0;
		uint64_t t0 = now_us();
		int rr = oom_tasks_read(&t, &n, why, sizeof(why));
		uint64_t dt = now_us() - t0;

		free(t);
		if (rr >= 0)
			xsnprintf(val, sizeof(val),
				  "the BPF task iterator loads: %zu processes in %" PRIu64
				  ".%" PRIu64 " ms",
				  n, dt / 1000, dt % 1000 / 100);
		fact(r, "scores.bpf", rr >= 0 ? ST_OK : ST_LIMITED, rr >= 0 ? val : why,
		     rr >= 0 ?
			     "scores reads the OOM killer's own counters in one pass" :
			     "scores reads /proc: slower, and rss as /proc/PID/status sums it (6.16+: a little above what the OOM killer counts)");
	}
	if (host_is_live(&cli->host)) {
		struct cg_layout l;
		struct cg_iter *it = NULL;
		struct cgw_tree t = { 0 };
		struct cgw_sample *smp = NULL;
		char why[256] = "", val[256];
		uint64_t t0 = now_us(), dt;
		int rr = cg_layout_detect(&cli->host, &l);

		if (rr < 0 || l.mode == CG_MODE_NONE)
			xsnprintf(why, sizeof(why), "no cgroup hierarchy to walk");
		else if ((rr = cg_iter_open(&it, why, sizeof(why))) >= 0)
			rr = cgw_snapshot_bpf(it, &cli->host, &l, &t, &smp, why, sizeof(why));
		dt = now_us() - t0;
		if (rr >= 0)
			xsnprintf(val, sizeof(val),
				  "the BPF cgroup iterator loads: %zu cgroups in %" PRIu64
				  ".%" PRIu64 " ms",
				  t.n, dt / 1000, dt % 1000 / 100);
		fact(r, "top.bpf", rr >= 0 ? ST_OK : ST_LIMITED, rr >= 0 ? val : why,
		     rr >= 0 ?
			     "top and serve read every cgroup's page counters, events and PSI in one pass (PSI up to 2 s behind memory.pressure; memory.stat and the root cgroup from files)" :
			     "top and serve read five files per cgroup: slower with thousands of cgroups, same figures");
		free(smp);
		cgw_tree_free(&t);
		cg_iter_close(it);
	}
	check_sysctl(
		cli, r, "vm.overcommit_memory", "/proc/sys/vm/overcommit_memory",
		"heuristic overcommit: allocations succeed, the OOM killer settles the bill later",
		"always overcommit: allocations never fail, the OOM killer is the only brake",
		"strict accounting: allocations fail with ENOMEM at the commit limit, often before any OOM kill");
	check_sysctl(cli, r, "vm.panic_on_oom", "/proc/sys/vm/panic_on_oom",
		     "an OOM kills a process, the host survives",
		     "the host PANICS on OOM: never run the lab here", NULL);
	check_sysctl(
		cli, r, "vm.oom_kill_allocating_task", "/proc/sys/vm/oom_kill_allocating_task",
		"the kernel picks the victim by badness (scores predicts it)",
		"a global OOM kills the allocating task, not the biggest: scores' ranking does not apply to global OOMs",
		NULL);
}

static void doctor_usage(FILE *out)
{
	fprintf(out,
		"Usage: oomlab doctor [--json] [--clean [--parent CGROUP]]\n\n"
		"Show what this host supports and what follows for oomlab, one fact per line:\n"
		"status (ok, limited, missing, info), the fact, and what it enables or limits.\n\n"
		"Options:\n"
		"  --clean            remove cgroups whose owner record proves their oomlab gone\n"
		"  --parent CGROUP    where --clean looks (default: the hierarchy roots)\n"
		"  --json             one JSON object\n"
		"  -h, --help         show this help\n");
}

struct clean_ctx {
	struct cli *cli;
	struct json *j;
};

static const char *action_name(enum cg_sweep_action a)
{
	switch (a) {
	case CG_SWEEP_REMOVED:
		return "removed";
	case CG_SWEEP_WOULD_REMOVE:
		return "stale";
	case CG_SWEEP_FAILED:
		return "failed";
	default:
		return "kept";
	}
}

static void clean_entry(const struct cg_sweep_entry *e, void *ud)
{
	struct clean_ctx *c = ud;
	char dir[PATH_MAX * 4], fd[PATH_MAX * 4];

	if (c->j) {
		json_obj_open(c->j);
		json_kv_str(c->j, "cgroup", e->dir);
		json_kv_str(c->j, "action", action_name(e->action));
		json_kv_str(c->j, "reason", e->reason);
		json_kv_str(c->j, "error", e->err < 0 ? strerror(-e->err) : NULL);
		json_kv_str(c->j, "stayed", e->fail_dir);
		json_obj_close(c->j);
		return;
	}
	term_safe(e->dir, dir, sizeof(dir));
	if (e->action == CG_SWEEP_FAILED) {
		term_safe(e->fail_dir ? e->fail_dir : e->dir, fd, sizeof(fd));
		printf("failed   %s: %s ('%s' stayed: %s)\n", dir, e->reason, fd,
		       strerror(-e->err));
	} else {
		printf("%-8s %s: %s%s\n", action_name(e->action), dir, e->reason,
		       e->action == CG_SWEEP_WOULD_REMOVE ? " (a --sysroot tree: left alone)" : "");
	}
}

static int doctor_clean(struct cli *cli, const char *parent)
{
	struct cg_layout l = { 0 };
	struct cg_sweep_stats st = { 0 };
	struct json j;
	struct clean_ctx c = { .cli = cli };
	int k;

	k = cg_layout_detect(&cli->host, &l);
	if (k < 0)
		return cli_error(cli, "cannot read the cgroup mounts: %s", strerror(-k));
	if (cli->json) {
		json_init(&j, stdout, false);
		json_obj_open(&j);
		json_key(&j, "cgroups");
		json_arr_open(&j);
		c.j = &j;
	}
	k = cg_sweep(&cli->host, &l, parent, clean_entry, &c, &st);
	if (cli->json) {
		json_arr_close(&j);
		json_kv_u64(&j, "removed", (uint64_t)st.removed);
		json_kv_u64(&j, "kept", (uint64_t)st.kept);
		json_kv_u64(&j, "failed", (uint64_t)st.failed);
		json_kv_u64(&j, "stale_not_removed", (uint64_t)st.would_remove);
		json_kv_bool(&j, "live", host_is_live(&cli->host));
		json_kv_str(&j, "error", k < 0 ? strerror(-k) : NULL);
		json_obj_close(&j);
		json_end(&j);
	} else {
		printf("removed %d stale oomlab cgroup(s), kept %d, failed %d%s\n", st.removed,
		       st.kept, st.failed,
		       host_is_live(&cli->host) ? "" :
						  " (a --sysroot tree: nothing is ever removed)");
	}
	if (st.failed > 0) {
		fprintf(stderr, "oomlab doctor: %d stale cgroup(s) could not be removed\n",
			st.failed);
		return EXIT_FAIL;
	}
	if (k < 0) {
		fprintf(stderr, "oomlab doctor: cannot clean all stale cgroups: %s\n",
			strerror(-k));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cmd_doctor(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'J' },
					      { "clean", no_argument, NULL, 'c' },
					      { "parent", required_argument, NULL, 'p' },
					      { "help", no_argument, NULL, 'h' },
					      { 0 } };
	struct report r = { .json = cli->json };
	struct cg_layout l = { 0 };
	struct utsname u;
	bool clean = false;
	const char *parent = "";
	bool parent_given = false;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hJ", opts, NULL)) != -1) {
		switch (c) {
		case 'J':
			break;
		case 'c':
			clean = true;
			break;
		case 'p':
			if (cg_parent_valid(optarg) < 0)
				return cli_usage_error(cli, "invalid parent cgroup '%s'", optarg);
			parent = optarg;
			parent_given = true;
			break;
		case 'h':
			doctor_usage(stdout);
			return EXIT_OK;
		default:
			return cli_option_error(cli, argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (parent_given && !clean)
		return cli_usage_error(cli, "--parent goes with --clean (it names where to sweep)");

	if (clean)
		return doctor_clean(cli, parent);

	if (cli->json) {
		json_init(&r.j, stdout, false);
		json_obj_open(&r.j);
		if (host_is_live(&cli->host) && uname(&u) == 0)
			json_kv_str(&r.j, "kernel", u.release);
		else
			json_kv_null(&r.j, "kernel");
		json_key(&r.j, "facts");
		json_arr_open(&r.j);
	} else if (host_is_live(&cli->host) && uname(&u) == 0) {
		printf("kernel   %s %s\n", u.release, u.machine);
	}
	check_cgroups(cli, &r, &l);
	check_cgroup_files(cli, &r, &l);
	check_psi(cli, &r);
	check_swap(cli, &r);
	check_misc(cli, &r);
	if (cli->json) {
		json_arr_close(&r.j);
		json_kv_str(&r.j, "cgroup_mode", cg_mode_to_string(l.mode));
		json_obj_close(&r.j);
		json_end(&r.j);
	}
	return EXIT_OK;
}

// SPDX-License-Identifier: MIT
/*
 * The BPF victim source: loads lib/bpf/oomvictim.bpf.c (embedded as a generated skeleton),
 * picks at load time the best attach point this kernel accepts and the tracepoint's shape, and
 * turns each ring-buffer record into a struct oom_event.
 *
 * Load-time decisions (never from the kernel version):
 *   shape     btf_trace_mark_victim in the kernel BTF: (void *, task, uid) since 6.9 and in stable
 *             backports, (void *, int pid) before;
 *   attach    tp_btf, else raw_tp, else the classic tracepoint, first that loads and attaches;
 *   fentry    a 2-instruction fentry/oom_kill_process probe first: when the kernel refuses it
 *             (EPERM here: no trampolines), the program is not even loaded and the OOMing memcg
 *             is inferred instead.
 * Without CAP_SYS_ADMIN (CAP_BPF+CAP_PERFMON) libbpf is pointed at /sys/kernel/btf/vmlinux
 * explicitly: its default lookup does not find the kernel BTF on every kernel then. As root it is
 * not: the explicit path costs a second parse of the kernel BTF during the load (bpf_open()).
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc.h"
#include "util.h"
#include "victim-internal.h"

#ifdef OOMLAB_HAVE_BPF
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>

#include "bpf/oomvictim.h"
#include "oomvictim.skel.h"
#endif

#include "banned.h"

#ifndef OOMLAB_HAVE_BPF

bool victim_source_bpf_compiled(void)
{
	return false;
}

static int nobpf_open(struct victim_source *s, char *why, size_t sz)
{
	xsnprintf(why, sz, "BPF support was not compiled in (built with BPF=0)");
	return -EOPNOTSUPP;
}

static int nobpf_fd(const struct victim_source *s)
{
	return -1;
}

static int nobpf_consume(struct victim_source *s)
{
	return -EOPNOTSUPP;
}

static void nobpf_close(struct victim_source *s)
{
}

const struct victim_backend victim_backend_bpf = {
	.kind = VICTIM_SOURCE_BPF,
	.open = nobpf_open,
	.fd = nobpf_fd,
	.consume = nobpf_consume,
	.close = nobpf_close,
};

#else

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define CAP_SYS_ADMIN_NR 21

struct bpf_src {
	struct oomvictim *skel;
	struct ring_buffer *rb;
	struct bpf_link *fentry_link;
	bool full; /* task record available (not pid-only, not classic tracepoint) */
	uint64_t page_kb;
};

bool victim_source_bpf_compiled(void)
{
	return true;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* the library never prints; OOMLAB_BPF_DEBUG=1 shows libbpf's own log */
	if (getenv("OOMLAB_BPF_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/* 1: (task, uid) record, 0: pid only, <0: no BTF or no such tracepoint */
static int btf_shape(struct btf *btf)
{
	const struct btf_type *t;
	int id = btf__find_by_name_kind(btf, "btf_trace_mark_victim", BTF_KIND_TYPEDEF);

	if (id < 0)
		return -ENOENT;
	t = btf__type_by_id(btf, id);
	t = t ? btf__type_by_id(btf, t->type) : NULL; /* pointer */
	t = t ? btf__type_by_id(btf, t->type) : NULL; /* func proto */
	if (!t || !btf_is_func_proto(t))
		return -EINVAL;
	/* first parameter is the tracepoint's void *data */
	return btf_vlen(t) >= 3 ? 1 : 0;
}

/* Can this kernel load an fentry program on oom_kill_process at all? 0 or -errno. */
static int fentry_probe(struct btf *btf)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_FENTRY);
	int id = btf__find_by_name_kind(btf, "oom_kill_process", BTF_KIND_FUNC);
	int fd;

	if (id < 0)
		return -ENOENT;
	o.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "oomlab_probe", "GPL", insns, ELEMENTSOF(insns),
			   &o);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static const char *constraint_name(int c)
{
	static const char *const names[] = { "CONSTRAINT_NONE", "CONSTRAINT_CPUSET",
					     "CONSTRAINT_MEMORY_POLICY", "CONSTRAINT_MEMCG" };

	return c >= 0 && (size_t)c < ELEMENTSOF(names) ? names[c] : "";
}

/* path of level `from` of a recorded chain; -E2BIG when a name or the depth was cut */
static int levels_path(const struct ov_memcg_level *lv, unsigned int depth, bool depth_cut,
		       unsigned int from, char *buf, size_t sz)
{
	const char *names[OV_MAX_DEPTH];

	if (depth > OV_MAX_DEPTH)
		return -EINVAL;
	for (unsigned int i = 0; i < depth; i++) {
		if (lv[i].flags & OV_LVL_NAME_CUT)
			return -E2BIG;
		names[i] = lv[i].name;
	}
	if (depth_cut)
		return -E2BIG;
	return cgroup_path_from_names(names, depth, from, buf, sz);
}

static void set_oom_level(struct oom_event *ev, const struct bpf_src *b,
			  const struct ov_memcg_level *lv, unsigned int depth, bool cut,
			  unsigned int i)
{
	if (levels_path(lv, depth, cut, i, ev->oom_memcg, sizeof(ev->oom_memcg)) < 0)
		ev->oom_memcg[0] = '\0';
	ev->memcg_usage_kb = lv[i].usage_pages * b->page_kb;
	ev->memcg_limit_kb = lv[i].max_pages * b->page_kb;
	ev->oom_memcg_id = lv[i].cgroup_id;
	ev->have |= OOM_HAVE_MEMCG_USAGE | OOM_HAVE_MEMCG_LIMIT | OOM_HAVE_OOM_MEMCG_ID;
	ev->scope = OOM_SCOPE_MEMCG;
}

static void set_task_levels(struct oom_event *ev, const struct bpf_src *b,
			    const struct ov_memcg_level *lv, unsigned int d, bool cut)
{
	if (levels_path(lv, d, cut, 0, ev->task_memcg, sizeof(ev->task_memcg)) < 0)
		ev->task_memcg[0] = '\0'; /* a name was cut: read from /proc instead */
	if (d > 0) {
		ev->task_memcg_id = lv[0].cgroup_id;
		ev->task_memcg_usage_kb = lv[0].usage_pages * b->page_kb;
		ev->task_memcg_limit_kb = lv[0].max_pages * b->page_kb;
		ev->have |= OOM_HAVE_TASK_MEMCG_ID | OOM_HAVE_TASK_MEMCG_USAGE |
			    OOM_HAVE_TASK_MEMCG_LIMIT;
	}
}

static int infer_from(struct oom_event *ev, const struct bpf_src *b,
		      const struct ov_memcg_level *lv, unsigned int depth, bool cut)
{
	struct memcg_level ml[OV_MAX_DEPTH];
	int i;

	for (unsigned int k = 0; k < depth && k < OV_MAX_DEPTH; k++) {
		ml[k].usage_bytes = lv[k].usage_pages * b->page_kb * 1024;
		ml[k].limit_bytes = lv[k].max_pages * b->page_kb * 1024;
	}
	i = memcg_infer_oom_level(ml, depth, OOM_MARGIN_BYTES);
	if (i < 0)
		return i;
	set_oom_level(ev, b, lv, depth, cut, (unsigned int)i);
	ev->inferred_oom_memcg = true;
	return 0;
}

static void make_chain(struct victim_chain *c, const struct bpf_src *b,
		       const struct ov_memcg_level *lv, unsigned int depth, bool cut)
{
	c->n = 0;
	for (unsigned int i = 0; i < depth && i < OV_MAX_DEPTH && i < VICTIM_CHAIN_MAX; i++) {
		if (levels_path(lv, depth, cut, i, c->lv[c->n].path, sizeof(c->lv[c->n].path)) < 0)
			continue;
		c->lv[c->n].id = lv[i].cgroup_id;
		c->lv[c->n].usage_kb = lv[i].usage_pages * b->page_kb;
		c->lv[c->n].limit_kb = lv[i].max_pages * b->page_kb;
		c->n++;
	}
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct victim_source *s = ctx;
	struct bpf_src *b = s->priv;
	const struct ov_event *e = data;
	bool cut = e->flags & OV_F_DEPTH_CUT;
	struct oom_event ev = { 0 };
	struct victim_chain chain = { 0 };

	if (len < sizeof(*e))
		return 0;
	ev.source = OOM_SOURCE_BPF;
	/* mark_victim fires in __oom_kill_process() after the SIGKILL was sent: killed */
	ev.killed = true;
	ev.pid = e->pid;
	ev.kernel_time_us = e->ktime_ns / 1000;
	ev.invoker_pid = e->invoker_pid;
	ev.have |= OOM_HAVE_PID | OOM_HAVE_KTIME | OOM_HAVE_INVOKER_PID;
	memcpy(ev.invoker_comm, e->invoker_comm, OV_COMM_LEN);
	ev.invoker_comm[OV_COMM_LEN - 1] = '\0';

	if (e->flags & OV_F_TASK) {
		memcpy(ev.comm, e->comm, OV_COMM_LEN);
		ev.comm[OV_COMM_LEN - 1] = '\0';
		ev.tgid = e->tgid;
		ev.uid = e->uid;
		ev.oom_score_adj = e->oom_score_adj;
		ev.have |= OOM_HAVE_TGID | OOM_HAVE_UID | OOM_HAVE_ADJ;
		if (!(e->flags & OV_F_NO_MM)) {
			ev.total_vm_kb = e->total_vm_pages * b->page_kb;
			ev.anon_rss_kb = e->anon_pages * b->page_kb;
			ev.file_rss_kb = e->file_pages * b->page_kb;
			ev.shmem_rss_kb = e->shmem_pages * b->page_kb;
			ev.pgtables_kb = e->pgtables_bytes / 1024;
			ev.have |= OOM_HAVE_TOTAL_VM | OOM_HAVE_ANON_RSS | OOM_HAVE_FILE_RSS |
				   OOM_HAVE_SHMEM_RSS | OOM_HAVE_PGTABLES;
		}
	} else if ((e->flags & OV_F_TP_FIELDS) && !s->opts.force_pid_only) {
		memcpy(ev.comm, e->comm, OV_COMM_LEN);
		ev.comm[OV_COMM_LEN - 1] = '\0';
		ev.total_vm_kb = e->tp_total_vm_kb;
		ev.anon_rss_kb = e->tp_anon_kb;
		ev.file_rss_kb = e->tp_file_kb;
		ev.shmem_rss_kb = e->tp_shmem_kb;
		ev.pgtables_kb = e->tp_pgtables_kb;
		ev.uid = e->uid;
		ev.oom_score_adj = e->oom_score_adj;
		ev.have |= OOM_HAVE_TOTAL_VM | OOM_HAVE_ANON_RSS | OOM_HAVE_FILE_RSS |
			   OOM_HAVE_SHMEM_RSS | OOM_HAVE_PGTABLES | OOM_HAVE_UID | OOM_HAVE_ADJ;
	}

	if (e->flags & OV_F_TASK_LEVELS) {
		const struct ov_memcg_level *lv = e->task_levels;
		unsigned int d = e->task_depth;

		set_task_levels(&ev, b, lv, d, cut);
		make_chain(&chain, b, lv, d, cut);
		if (e->flags & OV_F_OC) {
			xsnprintf(ev.constraint, sizeof(ev.constraint), "%s",
				  constraint_name(e->oc_constraint));
			ev.totalpages = e->oc_totalpages;
			ev.have |= OOM_HAVE_TOTALPAGES;
			ev.scope = e->oc_memcg_cgroup_id ? OOM_SCOPE_MEMCG : OOM_SCOPE_GLOBAL;
			for (unsigned int i = 0; i < d && i < OV_MAX_DEPTH; i++) {
				if (lv[i].cgroup_id == e->oc_memcg_cgroup_id)
					set_oom_level(&ev, b, lv, d, cut, i);
			}
		} else if (infer_from(&ev, b, lv, d, cut) < 0) {
			/* no limited memcg above the victim is full: looks global */
			ev.scope = OOM_SCOPE_GLOBAL;
			ev.inferred_oom_memcg = true;
		}
		if (!ev.task_memcg[0])
			victim_fill_after_the_fact(&s->host, &ev);
	} else if (e->invoker_tid == e->pid && (e->flags & OV_F_INVOKER_LEVELS)) {
		/*
		 * pid-only or classic tracepoint, but the victim is the task that ran the OOM killer
		 * (the usual memcg case: it charged and was chosen): its comm and memcg chain were
		 * read in the kernel as the invoker's. The mm figures still come from /proc.
		 */
		if (!ev.comm[0])
			memcpy(ev.comm, ev.invoker_comm, sizeof(ev.comm));
		ev.tgid = e->invoker_pid;
		ev.have |= OOM_HAVE_TGID;
		set_task_levels(&ev, b, e->invoker_levels, e->invoker_depth, cut);
		make_chain(&chain, b, e->invoker_levels, e->invoker_depth, cut);
		if (infer_from(&ev, b, e->invoker_levels, e->invoker_depth, cut) < 0) {
			ev.scope = OOM_SCOPE_GLOBAL;
			ev.inferred_oom_memcg = true;
		}
		victim_fill_after_the_fact(&s->host, &ev);
		ev.after_the_fact = !(e->flags & OV_F_TP_FIELDS) || s->opts.force_pid_only;
	} else {
		/* pid-only or classic tracepoint: the rest from /proc and cgroupfs, now */
		victim_fill_after_the_fact(&s->host, &ev);
		ev.after_the_fact = true;
		if (!ev.oom_memcg[0] && (e->flags & OV_F_INVOKER_LEVELS))
			/* the charging task is below the memcg that ran out, as a rule */
			infer_from(&ev, b, e->invoker_levels, e->invoker_depth, cut);
	}
	victim_source_emit(s, &ev, &chain);
	return s->stop < 0 ? s->stop : 0;
}

static void destroy(struct bpf_src *b)
{
	ring_buffer__free(b->rb);
	bpf_link__destroy(b->fentry_link);
	oomvictim__destroy(b->skel);
	b->rb = NULL;
	b->fentry_link = NULL;
	b->skel = NULL;
}

static struct bpf_program *mark_victim_prog(struct oomvictim *skel, const char *attach, bool full)
{
	if (strcmp(attach, "tp_btf") == 0)
		return full ? skel->progs.mark_victim_btf : skel->progs.mark_victim_btf_pid;
	if (strcmp(attach, "raw_tp") == 0)
		return full ? skel->progs.mark_victim_raw : skel->progs.mark_victim_raw_pid;
	return skel->progs.mark_victim_tp;
}

/*
 * The classic tracepoint without libbpf's tracefs lookup (which reads the id from a mounted
 * tracefs and fails with ENOENT on a host where none is mounted): the id through
 * tracefs_root_open() (the mounted tracefs, else a private detached mount closed right after),
 * then our own perf_event_open(PERF_TYPE_TRACEPOINT). The BPF program runs for the event on every
 * CPU whichever CPU the perf event is opened on (libbpf uses CPU 0 too).
 */
static struct bpf_link *attach_classic_tracepoint(struct bpf_program *prog, char *err, size_t sz)
{
	struct perf_event_attr a = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(a) };
	struct bpf_link *link;
	enum tracefs_how how;
	char buf[32], why[200] = "";
	uint64_t id;
	ssize_t n;
	int root, pfd, r;

	root = tracefs_root_open(&how, why, sizeof(why));
	if (root < 0) {
		xsnprintf(err, sz, "tracepoint: %s", why);
		errno = -root;
		return NULL;
	}
	n = tracefs_read_event_file(root, "events/oom/mark_victim/id", buf, sizeof(buf));
	close(root);
	if (n < 0 || parse_u64(strip_trailing(buf), &id) < 0) {
		r = n < 0 ? (int)-n : EINVAL;
		xsnprintf(err, sz, "tracepoint: cannot read events/oom/mark_victim/id (%s): %s",
			  tracefs_how_to_string(how), strerror(r));
		errno = r;
		return NULL;
	}
	a.config = id;
	a.sample_period = 1;
	a.wakeup_events = 1;
	pfd = (int)syscall(SYS_perf_event_open, &a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0) {
		r = errno;
		xsnprintf(err, sz, "tracepoint: perf_event_open: %s", strerror(r));
		errno = r;
		return NULL;
	}
	link = bpf_program__attach_perf_event(prog, pfd); /* owns pfd from now on */
	if (!link) {
		r = errno;
		close(pfd);
		xsnprintf(err, sz, "tracepoint: attach: %s", strerror(r));
		errno = r;
		return NULL;
	}
	return link;
}

/* open + load + attach with exactly one mark_victim program (and fentry if wanted) */
static int try_attach(struct victim_source *s, struct bpf_src *b, const char *attach, bool full,
		      bool fentry, const char *btf_path, char *err, size_t sz)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = btf_path);
	struct bpf_program *prog, *p;
	struct bpf_link *link;
	int r;

	b->skel = oomvictim__open_opts(&oo);
	if (!b->skel) {
		r = -errno;
		xsnprintf(err, sz, "cannot open the BPF object: %s", strerror(-r));
		return r;
	}
	prog = mark_victim_prog(b->skel, attach, full);
	bpf_object__for_each_program(p, b->skel->obj) bpf_program__set_autoload(p, p == prog);
	bpf_program__set_autoload(b->skel->progs.oom_kill_process_entry, fentry);
	r = oomvictim__load(b->skel);
	if (r < 0) {
		xsnprintf(err, sz, "%s: load: %s", attach, strerror(-r));
		destroy(b);
		return r;
	}
	if (prog == b->skel->progs.mark_victim_tp) {
		link = attach_classic_tracepoint(prog, err, sz);
		if (!link) {
			r = -errno;
			destroy(b);
			return r;
		}
	} else {
		link = bpf_program__attach(prog);
		if (!link) {
			r = -errno;
			xsnprintf(err, sz, "%s: attach: %s", attach, strerror(-r));
			destroy(b);
			return r;
		}
	}
	/* the skeleton destroys links it knows of */
	if (prog == b->skel->progs.mark_victim_btf)
		b->skel->links.mark_victim_btf = link;
	else if (prog == b->skel->progs.mark_victim_btf_pid)
		b->skel->links.mark_victim_btf_pid = link;
	else if (prog == b->skel->progs.mark_victim_raw)
		b->skel->links.mark_victim_raw = link;
	else if (prog == b->skel->progs.mark_victim_raw_pid)
		b->skel->links.mark_victim_raw_pid = link;
	else
		b->skel->links.mark_victim_tp = link;
	if (fentry) {
		b->fentry_link = bpf_program__attach(b->skel->progs.oom_kill_process_entry);
		if (!b->fentry_link)
			xsnprintf(err, sz, "attach: %s", strerror(errno));
	}
	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.events), on_record, s, NULL);
	if (!b->rb) {
		r = -errno;
		xsnprintf(err, sz, "ring buffer: %s", strerror(-r));
		destroy(b);
		return r;
	}
	return 0;
}

static int bpf_open(struct victim_source *s, char *why, size_t sz)
{
	static const char *const attaches[] = { "tp_btf", "raw_tp", "tracepoint" };
	const char *btf_path = NULL;
	char tried[384] = "", fentry_note[128] = "";
	struct bpf_src *b;
	struct btf *btf;
	bool fentry;
	int shape, r = -ENOENT;

	if (!host_is_live(&s->host)) {
		xsnprintf(why, sz, "needs the live system, not a --sysroot tree");
		return -EOPNOTSUPP;
	}
	libbpf_set_print(libbpf_quiet);
	/*
	 * With btf_custom_path libbpf parses the 5.5 MB kernel BTF twice during the load (the
	 * override for CO-RE, the kernel's own for the attach targets): 17.9 MB of heap at the
	 * peak against 12 MB (massif), the whole of watch's and serve's peak RSS. Its default
	 * lookup reads the same file, and does so as root: the path is given only to a process
	 * without CAP_SYS_ADMIN (CAP_BPF + CAP_PERFMON), whose default lookup can fail.
	 */
	if (access(VMLINUX_BTF, R_OK) == 0 && proc_self_has_cap(&s->host, CAP_SYS_ADMIN_NR) != 1)
		btf_path = VMLINUX_BTF;
	btf = btf__parse(VMLINUX_BTF, NULL);
	if (!btf) {
		r = -errno;
		xsnprintf(why, sz, "no kernel BTF at '%s': %s", VMLINUX_BTF, strerror(-r));
		return r;
	}
	shape = btf_shape(btf);
	if (shape < 0) {
		btf__free(btf);
		xsnprintf(why, sz, "the kernel has no oom:mark_victim tracepoint (BTF)");
		return -ENOENT;
	}
	if (s->opts.force_pid_only) {
		/* tests of the pre-6.9 path on a newer kernel: the classic tracepoint, whose
		 * record on_record() then reads as if it carried the pid only */
		shape = 0;
		if (!s->opts.bpf_attach)
			s->opts.bpf_attach = "tracepoint";
	}
	r = fentry_probe(btf);
	fentry = r == 0;
	if (!fentry)
		xsnprintf(fentry_note, sizeof(fentry_note),
			  "fentry/oom_kill_process refused (%s): OOMing memcg inferred",
			  strerror(-r));
	btf__free(btf);

	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->page_kb = (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
	s->priv = b;
	for (size_t i = 0; i < ELEMENTSOF(attaches); i++) {
		char err[160] = "";

		if (s->opts.bpf_attach && strcmp(s->opts.bpf_attach, attaches[i]) != 0)
			continue;
		r = try_attach(s, b, attaches[i], shape == 1, fentry, btf_path, err, sizeof(err));
		if (r < 0 && fentry) {
			/* the optional fentry program must never cost the kill source: a kernel
			 * whose verifier refuses it gets the tracepoint alone */
			char ferr[160];

			xsnprintf(ferr, sizeof(ferr), "%s", err);
			r = try_attach(s, b, attaches[i], shape == 1, false, btf_path, err,
				       sizeof(err));
			if (r == 0) {
				fentry = false;
				xsnprintf(
					fentry_note, sizeof(fentry_note),
					"fentry/oom_kill_process refused with it (%s): OOMing memcg inferred",
					ferr);
			}
		}
		if (r == 0) {
			bool full = shape == 1 && strcmp(attaches[i], "tracepoint") != 0;

			if (fentry && !b->fentry_link)
				xsnprintf(fentry_note, sizeof(fentry_note),
					  "fentry/oom_kill_process not attached (%s)", err);
			else if (fentry)
				xsnprintf(fentry_note, sizeof(fentry_note),
					  "fentry/oom_kill_process: exact constraint and memcg");
			b->full = full;
			/*
			 * Parsing the 5 MB kernel BTF (twice: here and in libbpf) leaves ~10 MB of
			 * freed heap that glibc keeps; a watcher lives long: give it back.
			 */
			malloc_trim(0);
			xsnprintf(s->detail, sizeof(s->detail), "%s/mark_victim, %s%s%s%s%s",
				  attaches[i],
				  full	     ? "victim read in the kernel" :
				  shape == 1 ? "tracepoint record, cgroup read after the fact" :
					       "pid-only tracepoint, rest read after the fact",
				  fentry_note[0] ? "; " : "", fentry_note, tried[0] ? "; " : "",
				  tried);
			return 0;
		}
		xsnprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s%s",
			  tried[0] ? ", " : "", err);
	}
	xsnprintf(why, sz, "%s", tried[0] ? tried : "no attach point selected");
	free(b);
	s->priv = NULL;
	return r;
}

/*
 * The ring buffer map itself, not libbpf's epoll fd around it: a caller's poll() then sleeps on
 * the ring buffer's own wait queue, one wake-up instead of the ring buffer waking the epoll
 * instance waking the poll (ringbuf maps are pollable since they exist, 5.8).
 */
static int bpf_fd(const struct victim_source *s)
{
	return bpf_map__fd(((const struct bpf_src *)s->priv)->skel->maps.events);
}

static int bpf_consume(struct victim_source *s)
{
	int r = ring_buffer__consume(((struct bpf_src *)s->priv)->rb);

	return r < 0 && r != s->stop ? r : 0;
}

static void bpf_close(struct victim_source *s)
{
	struct bpf_src *b = s->priv;

	if (!b)
		return;
	destroy(b);
	free(b);
}

const struct victim_backend victim_backend_bpf = {
	.kind = VICTIM_SOURCE_BPF,
	.open = bpf_open,
	.fd = bpf_fd,
	.consume = bpf_consume,
	.close = bpf_close,
};

#endif

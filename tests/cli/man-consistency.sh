#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The manuals say what the code does (checked against `--help` and the sources, so a change to
# either that the other does not follow fails here):
#   options      every option `oomlab CMD --help` defines is defined in oomlab-CMD(1) and back,
#                with the same short letter; a short letter means one long option everywhere
#   commands     every command is listed in oomlab(1); oomlab --help's summary is the NAME line
#   references   every `oomlab WORD`/oomlab-WORD(1) in man pages, docs and README is a command;
#                every --option in a string of src/ and in a man page exists; `oomlab CMD ...
#                --opt` examples use options CMD has
#   exit status  each status oomlab-CMD(1) documents above 2 is one the command's code returns
#                (a #define EXIT_* N or a literal return), and each one it defines is documented
#   json         the fields a --json paragraph names exist as strings in the command's sources
#   thresholds   psi(1), top(1) and docs/VERDICT.md list the keys and defaults the code has
set -u
. "$(dirname "$0")/../_lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
exec python3 - "$OOMLAB" "$top" "$FIXTURES" <<'EOF'
import os, re, subprocess, sys
oomlab, top, fixtures = sys.argv[1:]
fails = []
def fail(what, msg):
    fails.append("%s: %s" % (what, msg))
def run(*args):
    p = subprocess.run([oomlab] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr
def read(p):
    return open(os.path.join(top, p), errors="replace").read()

rc, main_help, _ = run("--help")
cmds = {}
sec = False
for l in main_help.splitlines():
    if l.startswith("Commands:"):
        sec = True; continue
    if sec and not l.strip():
        break
    if sec:
        m = re.match(r"\s+(\S+)\s+(.*)", l)
        cmds[m.group(1)] = m.group(2)
if len(cmds) < 5:
    fail("oomlab --help", "no command list")
known = set(cmds) | {"help"}

def man_sections(text):
    out, cur = {}, None
    for l in text.splitlines():
        m = re.match(r"# (.*)", l)
        if m:
            cur = m.group(1); out[cur] = []; continue
        if cur:
            out[cur].append(l)
    return out

OPT = r"--[a-z][a-z0-9-]*"
short_of = {}   # letter -> {long: [where]}
all_opts = {"--sysroot", "--help", "--version", "--color", "--colour"}  # global options (main.c)
help_opts = {}
for c in cmds:
    rc, h, e = run(c, "--help")
    rc2, h2, _ = run("help", c)
    if rc != 0 or h != h2:
        fail("oomlab help " + c, "differs from 'oomlab %s --help'" % c)
    opts, pairs = set(), {}
    for l in h.splitlines():
        m = re.match(r"^\s+(-\S.*?)(\s{2,}|$)", l)
        if not m:
            continue
        spec = m.group(1)
        longs = re.findall(OPT, spec)
        opts |= set(longs)
        ms = re.match(r"-([A-Za-z0-9]), (--[a-z][a-z0-9-]*)", spec)
        if ms:
            pairs[ms.group(2)] = ms.group(1)
    help_opts[c] = opts
    all_opts |= opts
    path = "man/oomlab-%s.1.scd" % c
    if not os.path.exists(os.path.join(top, path)):
        fail(c, "no " + path); continue
    text = read(path)
    secs = man_sections(text)
    mopts, mpairs = set(), {}
    for l in secs.get("OPTIONS", []):
        if l.startswith("*"):
            mopts |= set(re.findall(OPT, l))
            for s, lo in re.findall(r"\*-([A-Za-z0-9])(?:\*, \*|, )(--[a-z][a-z0-9-]*)\*", l):
                mpairs[lo] = s
    for o in sorted(opts - mopts):
        fail(path, "option %s is in 'oomlab %s --help' but not in OPTIONS" % (o, c))
    for o in sorted(mopts - opts):
        fail(path, "option %s is in OPTIONS but not in 'oomlab %s --help'" % (o, c))
    for lo in set(pairs) | set(mpairs):
        if lo in opts and lo in mopts and pairs.get(lo) != mpairs.get(lo):
            fail(path, "%s: short -%s in --help, -%s in the manual" % (lo, pairs.get(lo), mpairs.get(lo)))
    # NAME line == the summary in oomlab --help
    name = " ".join(x for x in secs.get("NAME", []) if x.strip())
    want = "oomlab-%s - %s" % (c, cmds[c])
    if name != want:
        fail(path, "NAME is '%s', oomlab --help says '%s'" % (name, want))
    # exit statuses
    srcs = [f for f in os.listdir(os.path.join(top, "src")) if f.endswith(".c") and
            (f == "cmd-%s.c" % c or f.startswith(c))]
    if c == "expose":
        srcs.append("cmd-protect.c")
    code = "".join(read("src/" + f) for f in srcs)
    doc = set(int(n) for n in re.findall(r"\*(\d+)\*", "\n".join(secs.get("EXIT STATUS", []))))
    defined = {int(n) for n in re.findall(r"#define EXIT_[A-Z_]+ (\d+)", code)}
    literal = set()
    for st in re.findall(r"\b(?:return|ret\s*=|rc\s*=|exit\()([^;]*);", code):
        literal |= {int(n) for n in re.findall(r"(?<![\w.])(\d+)(?![\w.])", st)}
    # death by signal N is 128+N: from a '128 + signal' exit path or a re-raised signal
    by_signal = "128 +" in code or re.search(r"\braise\(|kill\(getpid\(\)", code)
    for n in sorted(doc):
        if n > 2 and n not in defined | literal and not (by_signal and 129 <= n <= 192):
            fail(path, "EXIT STATUS documents %d, which %s never returns" % (n, "/".join(srcs)))
    if not doc:
        fail(path, "EXIT STATUS lists no status")
    for n in sorted(defined - doc):
        fail(path, "the code defines exit status %d, EXIT STATUS does not document it" % n)
    hm = re.search(r"Exit status:(.*?)(\n\n|$)", h, re.S)
    if hm:
        for n in set(int(x) for x in re.findall(r"\b(\d+) ", hm.group(1) + " ")) - doc:
            fail(c + " --help", "says exit status %d, the manual does not" % n)
    # JSON fields the --json paragraph names
    para, on = [], False
    for l in secs.get("OPTIONS", []):
        if l.startswith("*"):
            on = "--json" in l; continue
        if on and l.startswith("\t"):
            para.append(l)
    para = " ".join(para)
    fields = set(re.findall(r"\*([a-z][a-z0-9_]*)\*", para))
    for lst in re.findall(r"\*[a-z][a-z0-9_]*\* \(([^)]*)\)", para):
        items = [x.strip().strip("*") for x in lst.split(",")]
        if all(re.fullmatch(r"[a-z][a-z0-9_]*", x) for x in items):
            fields |= set(items)
    jsrc = code + read("lib/oom-event.c") + read("src/cg-arg.c")
    if c in ("protect", "expose"):
        jsrc += read("src/cmd-scores.c")
    for f in sorted(fields):
        q = re.escape(f)
        if not re.search(r'(?:json|print)_\w+\([^;]*"%s"|\\"%s\\"|return [^;]*"%s"|measure\([^;]*"%s"' % (q, q, q, q), jsrc):
            fail(path, "--json names '%s', no such string in %s" % (f, "/".join(srcs)))
    for lo, s in pairs.items():
        short_of.setdefault(s, {}).setdefault(lo, []).append(c)

# short letters: from the option tables of the sources, with the optstring
for f in sorted(os.listdir(os.path.join(top, "src"))):
    if not f.startswith("cmd-"):
        continue
    s = read("src/" + f)
    ostr = "".join(re.findall(r'getopt_long\([^,]*,[^,]*,\s*([^,]*),', s))
    ostr = "".join(re.findall(r'"([^"]*)"', ostr))
    for lo, ch in re.findall(r'\{\s*"([a-z][a-z0-9-]*)",\s*\w+,\s*NULL,\s*\'(.)\'\s*\}', s):
        if ch in ostr:
            short_of.setdefault(ch, {}).setdefault("--" + lo, []).append(f)
for ch, longs in sorted(short_of.items()):
    if len(longs) > 1:
        fail("short option -" + ch, "means " + ", ".join("%s (%s)" % (l, " ".join(sorted(set(w)))) for l, w in sorted(longs.items())))

# oomlab(1) lists every command
o1 = read("man/oomlab.1.scd")
for c in cmds:
    if not re.search(r"^\*%s\*" % re.escape(c), o1, re.M):
        fail("man/oomlab.1.scd", "does not list the command '%s'" % c)

# references to commands and options
texts = {p: read(p) for p in ["README.md"] + ["docs/" + f for f in os.listdir(os.path.join(top, "docs")) if f.endswith(".md")] +
         ["man/" + f for f in os.listdir(os.path.join(top, "man")) if f.endswith(".scd")]}
for p, t in texts.items():
    for w in re.findall(r"\boomlab-([a-z]+)\*?\(\d\)", t):
        if w not in known:
            fail(p, "refers to oomlab-%s(1), which is not a command" % w)
    spans = re.findall(r"`([^`\n]*)`", t) if p.endswith(".md") else \
        re.findall(r"\*(oomlab [^*\n]*)\*", t) + [l.strip() for l in t.splitlines() if l.startswith("\t") and l.strip().startswith("oomlab ")]
    for sp in spans:
        m = re.match(r"\s*oomlab (?:--sysroot \S+ )?([a-z]+)\b(.*)", sp)
        if not m:
            continue
        w, rest = m.group(1), m.group(2)
        if w not in known:
            fail(p, "refers to 'oomlab %s', which is not a command" % w); continue
        if w == "help":
            continue
        for o in re.findall(r"(?<![\w-])" + OPT, rest.split("|")[0].split(" -- ")[0]):
            if o not in help_opts[w] and o not in ("--sysroot",):
                fail(p, "'%s': 'oomlab %s' has no option %s" % (sp.strip()[:80], w, o))
    if p.startswith("man/"):
        for o in set(re.findall(r"\*(" + OPT + r")\*", t)):
            if o not in all_opts:
                fail(p, "names option %s, which no command has" % o)
for f in sorted(os.listdir(os.path.join(top, "src"))):
    if not f.endswith(".c"):
        continue
    for lit in re.findall(r'"((?:[^"\\\n]|\\.)*)"', read("src/" + f)):
        for o in re.findall(r"(?<![\w-])(" + OPT + r")\b(?!-)", lit):
            if o not in all_opts:
                fail("src/" + f, "string '%s' names option %s, which no command has" % (lit[:60], o))
        for w in re.findall(r"\boomlab (?:--sysroot \S+ )?([a-z]+) -", lit):
            if w not in known:
                fail("src/" + f, "string '%s' refers to 'oomlab %s'" % (lit[:60], w))

# thresholds: the code's keys and defaults (its own error message), the manuals, VERDICT.md
rc, _, e = run("--sysroot", fixtures + "/sysroot-v2", "psi", "--thresholds", "bogus")
code_th = dict((k, float(v)) for k, v in re.findall(r"([a-z_]+)=([0-9.]+)", e))
if len(code_th) < 3:
    fail("psi --thresholds", "the error does not list keys and defaults: " + e)
def doc_pairs(t):
    return dict((k, float(v)) for k, v in re.findall(r"\*?([a-z]+_[a-z_]+)\*?\s*[=(]\s*([0-9.]+)", t))
psi_man = man_sections(read("man/oomlab-psi.1.scd"))["OPTIONS"]
th = " ".join(psi_man[[i for i, l in enumerate(psi_man) if l.startswith("*--thresholds*")][0]:][:6])
th = th.split("*--wait*")[0]
if doc_pairs(th) != code_th:
    fail("man/oomlab-psi.1.scd", "--thresholds lists %s, the code has %s" % (doc_pairs(th), code_th))
v = read("docs/VERDICT.md")
vp = dict((k, float(x)) for k, x in re.findall(r"`([a-z]+_[a-z_]+)` \(([0-9.]+)\)", v))
if vp != code_th:
    fail("docs/VERDICT.md", "lists thresholds %s, the code has %s" % (vp, code_th))
for k, x in code_th.items():
    rc, _, e = run("--sysroot", fixtures + "/sysroot-v2", "psi", "-i", "0", "--thresholds", "%s=%g" % (k, x))
    if rc != 0:
        fail("psi --thresholds %s=%g" % (k, x), e.strip())

for f in fails:
    print("FAIL " + f)
print("%d mismatches" % len(fails))
sys.exit(1 if fails else 0)
EOF

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Compare `oomlab doctor --json` from a VM boot with the fixture-tree golden of the same layout
# (tests/cli/expected/doctor-<layout>.json, made by tests/cli/doctor-fixtures.sh from
# tests/fixtures/doctor/<layout>). Only the facts the cgroup layout and PSI decide are compared
# (cgroup_mode, cgroup.*, memory.high/peak/events, psi.*), by id, status and value, after
# normalising host-specific values (the fixture's SYSROOT prefix). RAM, swap, capabilities,
# tracefs, BTF and sysctls are the host's own and differ between any two machines.
# Usage: _doctor-compare.py GOLDEN.json GUEST.json; prints one line per difference, exit 1 if any.
import json
import sys

LAYOUT_FACTS = ("cgroup.", "memory.high", "memory.peak", "memory.events", "psi.")
# live-only probes a file tree cannot model: the caller's own cgroup (cgroup.owner) and arming
# a real PSI trigger (psi.trigger); doctor leaves them out under --sysroot
LIVE_ONLY = ("cgroup.owner", "psi.trigger")


def facts(d):
    out = {"cgroup_mode": ("", str(d.get("cgroup_mode")), "")}
    for f in d.get("facts", []):
        if f["id"].startswith(LAYOUT_FACTS) and f["id"] not in LIVE_ONLY:
            v = (f.get("value") or "").replace("SYSROOT", "")
            out[f["id"]] = (f["status"], v, f.get("consequence") or "")
    return out


def main():
    gold = facts(json.load(open(sys.argv[1])))
    try:
        guest = facts(json.load(open(sys.argv[2])))
    except (OSError, ValueError) as e:
        print(f"guest doctor JSON unreadable: {e}")
        return 1
    bad = 0
    for k in sorted(set(gold) | set(guest)):
        g, r = gold.get(k), guest.get(k)
        if g is None or r is None:
            print(f"{k}: {'only in the fixture golden' if r is None else 'only on the real kernel'}")
            bad += 1
        elif g[:2] != r[:2]:
            print(f"{k}: fixture says {g[0]} '{g[1]}', the kernel says {r[0]} '{r[1]}'")
            bad += 1
    print(f"{len(gold)} layout facts compared, {bad} differ")
    return 1 if bad else 0


sys.exit(main())

#!/usr/bin/env python3
"""Cgroups against ground truth, on a real tree under the v2 mount
(lattop-test-<pid>/...): helpers moved into a systemd-unit-like cgroup, a
Docker scope, a Kubernetes pod container and a plain path make exactly known
getppid calls while a storm of getppid calls runs outside the tree. Four
lattop --json instances at once:
  A  no filter, --cumulative: exact counts per (helper, cgroup); names ("web.service",
     "docker:<12 hex>", "pod:<uid 8>/<12 hex>", the path); the "cgroups"
     array names each id; cg:TEXT over the rows (name or path substring)
     sums exactly the cgroup's calls, the storm not among them; a cgroup
     made after lattop started is named; a task moved between cgroups is
     counted in the new one from its next call; a removed cgroup is marked
     gone and its rows age out (the task that was in it lives on);
  B  --cgroup PATH (the kernel pre-filter, hierarchical): only rows of that
     cgroup and below, exact, the storm and the other helpers absent;
  C  --no-cgroups: every row's cgroup_id is 0, counts unchanged;
  D  --sample 4 --cumulative: A's exact counts per (helper, cgroup), the
     migrated task's calls in a and b."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgroup_util as cgu  # noqa: E402
import lattest  # noqa: E402

HEX = "3f2a1b0c9d8e7f60" * 4           # 64 hex digits: a docker container
HEX2 = "a1b2c3d4e5f60718" * 4          # a pod's container
POD_UID = "5f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b"
CG = {                                # rel path -> (calls, expected name or None: the path)
    "web.service": (3001, "web.service"),
    f"docker-{HEX}.scope": (1702, f"docker:{HEX[:12]}"),
    f"kubepods/pod{POD_UID}/{HEX2}": (2503, f"pod:{POD_UID[:8]}/{HEX2[:12]}"),
    "plain/leaf": (904, None),
}
MIG_A, MIG_B = 611, 1222            # the migrating helper: calls in a, then in b
GONE_CALLS = 777
AGE_TICKS = 10                        # src/collect/fam_syscalls.c AGE_TICKS
STORM = os.path.join(lattest.BUILD, "tests", "syscall_storm")


def rows_of(ticks, cgid):
    return [r for t in ticks for r in t.get("syscalls", []) if r.get("cgroup_id") == cgid]


def main():
    lattest.require_bpf()
    tree = cgu.Tree()
    if not os.access(STORM, os.X_OK):
        lattest.fail(f"{STORM} not built (make helpers)")
    web = tree.make("web.service")
    storm = subprocess.Popen([STORM, "400000000"], stdout=subprocess.DEVNULL)
    helpers, lts = [], []
    try:
        # --cumulative: every live row in every tick (the interval view lists only
        # rows with calls in the tick), so that a row's ageing out can be seen.
        a = lattest.Lattop(["-i", "0.2", "--no-clients", "--no-runq", "--no-block",
                            "--cumulative"], 90)
        b = lattest.Lattop(["-i", "0.2", "--no-clients", "--no-runq", "--no-block",
                            "--cgroup", web], 90)
        c = lattest.Lattop(["-i", "0.2", "--no-clients", "--no-runq", "--no-block",
                            "--no-cgroups"], 90)
        # --sample: untimed calls are counted at exit from the task alone; each
        # must still land in the cgroup it was made in.
        d = lattest.Lattop(["-i", "0.2", "--no-clients", "--no-runq", "--no-block",
                            "--cumulative", "--sample", "4"], 90)
        lts = [a, b, c, d]
        for lt in lts:
            lt.next_tick()             # attached
            lt.drain()
        # Every cgroup but web.service is made after lattop started.
        ids, by_rel = {}, {}
        for rel, (n, _) in CG.items():
            tree.make(rel)
            ids[rel] = cgu.cgroup_id(tree.path(rel))
            h = cgu.Calls()
            helpers.append(h)
            tree.move(h.pid, rel)
            by_rel[rel] = h
        for rel, (n, _) in CG.items():
            by_rel[rel].calls(n)
        # Migration: the same task, a then b, each call in the cgroup it is in.
        for rel in ("migrate/a", "migrate/b"):
            tree.make(rel)
            ids[rel] = cgu.cgroup_id(tree.path(rel))
        mig = cgu.Calls()
        helpers.append(mig)
        tree.move(mig.pid, "migrate/a")
        mig.calls(MIG_A)
        tree.move(mig.pid, "migrate/b")
        mig.calls(MIG_B)
        # A cgroup that goes away while its task lives on.
        tree.make("gone.service")
        ids["gone.service"] = gone_id = cgu.cgroup_id(tree.path("gone.service"))
        gone = cgu.Calls()
        helpers.append(gone)
        tree.move(gone.pid, "gone.service")
        gone.calls(GONE_CALLS)
        for lt in lts:
            lt.wait_ticks(3)
        tree.move(gone.pid, "")        # out, alive, to the tree's root
        tree.remove("gone.service")
        a.wait_ticks(AGE_TICKS + 6)
    finally:
        storm.kill()
        storm.wait()
        for h in helpers:
            h.stop()
        for lt in lts:
            lt.stop()

    print("cgroup ids:", {k: v for k, v in ids.items()})
    for rel, h in by_rel.items():
        print(" ", rel[:20], h.pid, {(r["syscall"], r.get("cgroup_id")): r["count"] for t in a.ticks for r in t.get("syscalls", []) if r["pid"] == h.pid and r["syscall"] == "getppid"})
    # A: exact counts and names.
    for rel, (n, name) in CG.items():
        pid, cgid = by_rel[rel].pid, ids[rel]
        got = cgu.getppid_by(a.ticks, pid, cgid)
        lattest.check(got == n, f"[A] {rel}: exactly {n} getppid calls of pid {pid} in "
                      f"cgroup {cgid} (got {got})")
        lattest.check(cgu.getppid_by(a.ticks, pid) == n,
                      f"[A] {rel}: no call of pid {pid} counted in another cgroup")
        want = name or tree.rel(rel)
        names = {r.get("cgroup") for r in rows_of(a.ticks, cgid)}
        lattest.check(names == {want}, f"[A] {rel}: rows named {want!r} ({names})")
        entry = cgu.cgroup_entry(a.ticks, cgid)
        lattest.check(entry is not None and entry.get("name") == want and
                      entry.get("path") == tree.rel(rel),
                      f"[A] {rel}: the cgroups array names id {cgid}: {entry and entry.get('name')!r}, "
                      f"path {entry and entry.get('path')!r}")
    # cg:TEXT over the rows: substring of name or path, exact while the storm runs.
    for text, rel in (("web", "web.service"), (HEX[:12], f"docker-{HEX}.scope"),
                      (f"pod:{POD_UID[:8]}", f"kubepods/pod{POD_UID}/{HEX2}"),
                      ("plain/leaf", "plain/leaf")):
        match = set()
        for t in a.ticks:
            for cg in t.get("cgroups", []):
                if text in cg.get("name", "") or text in cg.get("path", ""):
                    match.add(cg["id"])
        got = cgu.total_calls(a.ticks, lambda r: r.get("cgroup_id") in match)
        lattest.check(got == CG[rel][0], f"[A] cg:{text}: exactly {CG[rel][0]} getppid calls "
                      f"(got {got}; cgroups {sorted(match)})")
    storm_calls = cgu.getppid_by(a.ticks, storm.pid)
    storm_cg = {r.get("cgroup_id") for t in a.ticks for r in t.get("syscalls", [])
                if r["pid"] == storm.pid}
    lattest.check(storm_calls > 100000 and not storm_cg & set(ids.values()),
                  f"[A] the storm ran outside ({storm_calls} calls, cgroups {storm_cg})")
    # Migration.
    got_a = cgu.getppid_by(a.ticks, mig.pid, ids["migrate/a"])
    got_b = cgu.getppid_by(a.ticks, mig.pid, ids["migrate/b"])
    lattest.check(got_a == MIG_A and got_b == MIG_B,
                  f"[A] migrated task: {MIG_A} calls in a, {MIG_B} in b (got {got_a}, {got_b})")
    # D: the same counts with --sample 4.
    for rel, (n, _) in CG.items():
        pid, cgid = by_rel[rel].pid, ids[rel]
        got = cgu.getppid_by(d.ticks, pid, cgid)
        lattest.check(got == n and cgu.getppid_by(d.ticks, pid) == n,
                      f"[D] --sample 4, {rel}: exactly {n} getppid calls of pid {pid}, all in "
                      f"cgroup {cgid} (got {got}, {cgu.getppid_by(d.ticks, pid)} in all)")
    got_a = cgu.getppid_by(d.ticks, mig.pid, ids["migrate/a"])
    got_b = cgu.getppid_by(d.ticks, mig.pid, ids["migrate/b"])
    lattest.check(got_a == MIG_A and got_b == MIG_B,
                  f"[D] --sample 4, migrated task: {MIG_A} calls in a, {MIG_B} in b "
                  f"(got {got_a}, {got_b})")
    # A removed cgroup: gone, then no rows.
    got = cgu.getppid_by(a.ticks, gone.pid, gone_id)
    lattest.check(got == GONE_CALLS, f"[A] gone.service: {GONE_CALLS} calls before removal "
                  f"(got {got})")
    gone_seen = [i for i, t in enumerate(a.ticks) for cg in t.get("cgroups", [])
                 if cg.get("id") == gone_id and cg.get("gone")]
    last_row = max((i for i, t in enumerate(a.ticks) for r in t.get("syscalls", [])
                    if r.get("cgroup_id") == gone_id), default=-1)
    seen = [(i, cg.get("gone")) for i, t in enumerate(a.ticks) for cg in t.get("cgroups", [])
            if cg.get("id") == gone_id]
    print(f"gone.service in the cgroups arrays (tick, gone): {seen[-14:]}; {len(a.ticks)} ticks; "
          f"rows in ticks {sorted({i for i, t in enumerate(a.ticks) for r in t.get('syscalls', []) if r.get('cgroup_id') == gone_id})}; "
          f"web rows in ticks {sorted({i for i, t in enumerate(a.ticks) for r in t.get('syscalls', []) if r.get('cgroup_id') == ids['web.service']})}")
    lattest.check(bool(gone_seen), "[A] gone.service is marked gone in the cgroups array")
    lattest.check(last_row < len(a.ticks) - 3,
                  f"[A] gone.service's rows aged out (last in tick {last_row} of "
                  f"{len(a.ticks)}; gone from tick {gone_seen[:1]})")
    # B: the kernel pre-filter.
    pids = {r["pid"] for t in b.ticks for r in t.get("syscalls", [])}
    cgids = {r.get("cgroup_id") for t in b.ticks for r in t.get("syscalls", [])}
    web_pid = by_rel["web.service"].pid
    lattest.check(cgids == {ids["web.service"]}, f"[B] --cgroup: only web.service's rows "
                  f"(cgroups {cgids}, pids {sorted(pids)})")
    got = cgu.getppid_by(b.ticks, web_pid)
    lattest.check(got == CG["web.service"][0], f"[B] --cgroup: exactly {CG['web.service'][0]} "
                  f"calls (got {got})")
    lattest.check(storm.pid not in pids, "[B] --cgroup: the storm is not counted")
    # C: --no-cgroups.
    cgids = {r.get("cgroup_id") for t in c.ticks for r in t.get("syscalls", [])}
    lattest.check(cgids == {0}, f"[C] --no-cgroups: every cgroup_id is 0 ({cgids})")
    names = {r.get("cgroup") for t in c.ticks for r in t.get("syscalls", [])}
    lattest.check(names <= {"", None}, f"[C] --no-cgroups: no cgroup names ({names})")
    got = cgu.getppid_by(c.ticks, web_pid)
    lattest.check(got == CG["web.service"][0], f"[C] counts unchanged ({got})")
    print("PASS")


main()

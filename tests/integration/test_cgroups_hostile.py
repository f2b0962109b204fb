#!/usr/bin/env python3
"""A hostile cgroup name (ESC sequences, BEL, quotes, a backslash: a directory
name may hold any byte but '/' and NUL) on a real cgroup whose helper makes
exactly M getppid calls. At once: lattop -b (batch text on stdout, what a
terminal would show), lattop --json, and lattop record; then the recording
replayed as text and as JSON. None of them may carry a raw control byte
(ESC, BEL, or any other C0/C1 control but newline) and each must show the
cgroup (its harmless part "evil"); the JSON rows count the M calls, and the
names in JSON hold no control characters once decoded either (JSON escaping
alone would hand them to whoever prints the field)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgroup_util as cgu  # noqa: E402
import lattest  # noqa: E402

M = 2345
WORK = []                           # removed at exit
HOSTILE = "evil\x1b[31m\x1b]0;pwned\x07\"q'\\\x08\x7fend"


def controls(data):
    """Raw control bytes in @data (bytes) but newline; C1 as raw bytes too."""
    return sorted({b for b in data if (b < 0x20 and b != 0x0a) or b == 0x7f})


def decoded_controls(text):
    return sorted({hex(ord(ch)) for ch in text if ord(ch) < 0x20 or 0x7f <= ord(ch) < 0xa0})


def main():
    lattest.require_bpf()
    tree = cgu.Tree()
    tree.make(HOSTILE)
    cgid = cgu.cgroup_id(tree.path(HOSTILE))
    work = tempfile.mkdtemp(prefix="lattop-cg-hostile.", dir="/var/tmp")
    WORK.append(work)
    rec = os.path.join(work, "t.rec")
    common = ["-i", "0.2", "-n", "15", "--no-clients", "--no-runq", "--no-block"]
    helper = cgu.Calls()
    tree.move(helper.pid, HOSTILE)
    batch = subprocess.Popen([lattest.LATTOP, "-b"] + common, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    js = subprocess.Popen([lattest.LATTOP, "--json"] + common, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    recp = subprocess.Popen([lattest.LATTOP, "record", "-o", rec] + common,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = js.stdout.readline()    # attached (the others started first)
        if not first:
            lattest.fail(f"lattop --json ended early: {js.stderr.read()}")
        import time
        time.sleep(1.0)
        helper.calls(M)
        outs = {}
        for name, p in (("batch", batch), ("json", js), ("record", recp)):
            out, err = p.communicate(timeout=60)
            lattest.check(p.returncode == 0, f"lattop {name} exited 0 ({err.decode()[-300:]})")
            outs[name] = (first + out) if name == "json" else out
    finally:
        helper.stop()
        for p in (batch, js, recp):
            if p.poll() is None:
                p.kill()
                p.wait()
    for args, name in ((["-b"], "replay -b"), (["--json"], "replay --json")):
        res = subprocess.run([lattest.LATTOP, "replay", rec, "--speed", "max"] + args,
                             capture_output=True, timeout=60)
        lattest.check(res.returncode == 0, f"lattop {name} exited 0 "
                      f"({res.stderr.decode()[-300:]})")
        outs[name] = res.stdout
    for name, data in outs.items():
        if name == "record":
            continue                    # quiet: stdout carries nothing
        bad = controls(data)
        lattest.check(not bad, f"{name}: no raw control bytes ({[hex(b) for b in bad]})")
        # Text columns cut a long path (the CGROUP column shows its start: the
        # tree's name); JSON carries it whole.
        shown = b"evil" if "json" in name else tree.name.encode()
        lattest.check(shown in data, f"{name}: the hostile cgroup is shown ({shown!r})")
    for name in ("json", "replay --json"):
        ticks = [json.loads(line) for line in outs[name].decode().splitlines() if line.strip()]
        got = sum(r["count"] for t in ticks for r in t.get("syscalls", [])
                  if r["pid"] == helper.pid and r["syscall"] == "getppid"
                  and r.get("cgroup_id") == cgid)
        lattest.check(got == M, f"{name}: exactly {M} getppid calls in cgroup {cgid} ({got})")
        texts = [r.get("cgroup", "") for t in ticks for r in t.get("syscalls", [])
                 if r.get("cgroup_id") == cgid]
        texts += [c.get(k, "") for t in ticks for c in t.get("cgroups", [])
                  if c.get("id") == cgid for k in ("name", "path")]
        lattest.check(texts and not any(decoded_controls(x) for x in texts),
                      f"{name}: decoded cgroup names and paths hold no control characters "
                      f"({sorted(set(texts))[:3]})")
    with open(rec, "rb") as f:
        lattest.check(os.fstat(f.fileno()).st_mode & 0o777 == 0o600, "the recording is 0600")
    print("PASS")


try:
    main()
finally:
    for d in WORK:
        shutil.rmtree(d, ignore_errors=True)

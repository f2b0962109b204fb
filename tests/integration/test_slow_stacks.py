#!/usr/bin/env python3
"""--slow stacks against ground truth (tests/helpers/fn_target, built with frame
pointers): slow_path() sleeps D ms, M times, through an inline syscall, reached by
main -> serve -> handle -> slow_path. With --slow 5ms lattop must count exactly M
clock_nanosleep calls on one stack whose user frames are, in order, slow_path,
handle, serve, main, and whose kernel frames are where the call blocked (the
nanosleep path down to schedule), not the syscall exit. A process blocked in a pipe
read has pipe_read in its kernel stack. A recording replays
the same frames, export --folded lines parse and sum to the counts, and with
--max-stacks 16 and more distinct stacks than that, drops are counted and shown."""
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

M, D_MS = 30, 20
HELPER = os.path.join(lattest.BUILD, "tests", "fn_target")

lattest.require_bpf()
if not os.access(HELPER, os.X_OK):
    lattest.fail(f"{HELPER} not built (make {HELPER})")

tmp = tempfile.mkdtemp(prefix="lattop-stacks-")
rec_path = os.path.join(tmp, "slow.lat")

helper = subprocess.Popen([HELPER, str(M), str(D_MS), "10", "--wait-start"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
pid = int(helper.stdout.readline().split()[1])
# A reader that blocks on a pipe: its first read returns before lattop attaches
# (an untimed call), the second blocks ~100 ms while lattop watches.
reader = subprocess.Popen([sys.executable, "-c",
                           "import os, time\nos.read(0, 1)\nos.read(0, 1)\ntime.sleep(1)\n"],
                          stdin=subprocess.PIPE)
common = ["-i", "0.2", "-p", str(pid), "-p", str(reader.pid), "--slow", "5ms"]
lt = lattest.Lattop(common)
rec = subprocess.Popen([lattest.LATTOP, "record", "-o", rec_path] + common,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
lt.next_tick()
lt.next_tick()
lt.drain()                          # every tick from here on, none left in a pipe buffer
time.sleep(0.6)                     # the recorder is attached too
reader.stdin.write(b"a")
reader.stdin.flush()
time.sleep(0.1)
reader.stdin.write(b"b")
reader.stdin.flush()
# it lives on 1 s: its mappings symbolise the stack at the next tick
helper.stdin.write("g")
helper.stdin.flush()
done = helper.stdout.readline()
lattest.check(done.split()[:2] == ["done", str(M)], f"helper ran: {done.strip()}")
lt.wait_ticks(3)                    # its last calls land in a tick
reader.wait(timeout=10)
helper.stdin.close()
helper.wait(timeout=10)
lt.stop()
rec.send_signal(2)
rec.wait(timeout=15)
lattest.check(rec.returncode == 0, f"record exited 0 ({rec.stderr.read().strip()})")


def stacks_of(ticks, syscall, who=pid):
    return [s for t in ticks for s in t.get("stacks", [])
            if s["pid"] == who and s.get("syscall") == syscall]


sleeps = stacks_of(lt.ticks, "clock_nanosleep")
lattest.check(all(t.get("slow_ns") == 5_000_000 for t in lt.ticks), "slow_ns 5ms in every tick")
distinct = {(tuple(s["kernel"]), tuple(s["user"])) for s in sleeps}
lattest.check(len(distinct) == 1, f"one distinct clock_nanosleep stack (got {len(distinct)})")
total = sum(s["count"] for s in sleeps)
lattest.check(total == M, f"clock_nanosleep stack counted {M} times (got {total})")
lattest.check(sleeps[-1]["count_total"] == M, f"count_total {sleeps[-1]['count_total']} == {M}")
lattest.check(all(s["max_ns"] >= D_MS * 1_000_000 for s in sleeps), "max_ns >= D")
kernel, user = sleeps[0]["kernel"], sleeps[0]["user"]
print("kernel:", kernel)
print("user:", user)
lattest.check(user[:4] == ["slow_path", "handle", "serve", "main"],
              f"user frames in order slow_path, handle, serve, main (got {user[:4]})")
lattest.check(not sleeps[0]["truncated"] and not sleeps[0]["leaf"],
              "a frame-pointer stack from main: not truncated, not a leaf")
lattest.check(any("schedule" in f for f in kernel), "kernel stack at the switch-out: schedule")
lattest.check(any(f in ("do_nanosleep", "hrtimer_nanosleep") for f in kernel),
              "kernel stack is where it slept (do_nanosleep/hrtimer_nanosleep), not the exit path")

reads = stacks_of(lt.ticks, "read", reader.pid)
lattest.check(sum(s["count"] for s in reads) == 1, "one slow read (the blocked pipe read)")
lattest.check(any("pipe_read" in f for f in reads[0]["kernel"]),
              f"the blocked read's kernel stack has pipe_read ({reads[0]['kernel']})")
lattest.check(reads[0]["leaf"], "read through libc's frameless wrapper is flagged as a leaf")
lattest.check(lt.ticks[-1]["stacks_dropped_total"] == 0, "nothing dropped")

# Replay: the same frames (symbolised at record time), the same counts.
out = subprocess.run([lattest.LATTOP, "replay", rec_path, "--json", "--speed", "max"],
                     capture_output=True, text=True, timeout=60)
lattest.check(out.returncode == 0, f"replay exit 0 ({out.stderr.strip()})")
import json  # noqa: E402
rticks = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
rsleeps = stacks_of(rticks, "clock_nanosleep")
lattest.check(sum(s["count"] for s in rsleeps) == M, "replay: the stack counted M times")
lattest.check({(tuple(s["kernel"]), tuple(s["user"])) for s in rsleeps} == distinct,
              "replay shows the same kernel and user frames")

# export --folded: lines "comm;frames... COUNT" for flamegraph.pl, summing to the counts.
out = subprocess.run([lattest.LATTOP, "export", rec_path, "--folded"],
                     capture_output=True, text=True, timeout=60)
lattest.check(out.returncode == 0, f"export --folded exit 0 ({out.stderr.strip()})")
lines = out.stdout.splitlines()
pat = re.compile(r"^([^ ;][^;]*(?:;[^;]+)*) (\d+)$")
lattest.check(lines and all(pat.match(line) for line in lines), f"{len(lines)} folded lines parse")
want = "fn_target;" + ";".join(reversed(user)) + ";" + ";".join(reversed(kernel))
folded = {pat.match(line).group(1): int(pat.match(line).group(2)) for line in lines}
print("folded:", want)
lattest.check(folded.get(want) == M, f"the slow_path line, outermost first, counts {M}")
all_recorded = sum(s["count"] for t in rticks for s in t.get("stacks", []))
lattest.check(sum(folded.values()) == all_recorded,
              f"folded counts sum to the recording's stack counts ({all_recorded})")

# Bounded: 16 entries, 40 processes with one slow sleep each (40 distinct rows).
lt = lattest.Lattop(["-i", "0.2", "-c", "fn_target", "--slow", "5ms", "--max-stacks", "16"])
lt.next_tick()
lt.drain()
procs = [subprocess.Popen([HELPER, "1", "10", "0"], stdout=subprocess.DEVNULL) for _ in range(40)]
for p in procs:
    p.wait(timeout=30)
lt.wait_ticks(3)
lt.stop()
last = lt.ticks[-1]
n_stacks = len({(s["pid"], s.get("syscall"), tuple(s["kernel"]), tuple(s["user"]))
                for t in lt.ticks for s in t.get("stacks", [])})
print(f"bounded: {n_stacks} distinct stacks, dropped {last['stacks_dropped_total']}")
lattest.check(n_stacks <= 16, f"at most 16 distinct stacks kept (got {n_stacks})")
lattest.check(last["stacks_dropped_total"] >= 40 - 16,
              f"at least 24 slow calls dropped and shown (got {last['stacks_dropped_total']})")
print("PASS")

#!/usr/bin/env python3
"""--sample counts every call, timed or not, across the ways a thread's calls
end: threads that never sleep and exit, an exec, the name pre-filter (-c:
every call keeps a slot). (Written for per-thread batches of untimed calls,
branch hbatch; main counts each untimed call at once.) Against a helper that
knows what it did: 4 threads
of 20,000 getppid calls each that never sleep and exit, 3,001 more on the
main thread, an exec, 777 after it. Three lattop instances at once, --sample 16
by pid, --sample 16 by name (-c: every call keeps a slot) and every call
timed: all count exactly 83,778 getppid calls of the pid, and the sampled
ones time about one in 16."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

T, M, J, L, EVERY = 4, 20000, 3001, 777, 16
WANT = T * M + J + L
lattest.require_bpf()
helper = subprocess.Popen([os.path.join(lattest.BUILD, "tests", "sample_threads"), str(T), str(M),
                           str(J), str(L)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          text=True)
try:
    pid = json.loads(helper.stdout.readline())["pid"]
    sampled = lattest.Lattop(["-i", "0.2", "-p", str(pid), "--cumulative", "--sample",
                              str(EVERY)], timeout_s=60)
    # -c: the kernel's name pre-filter needs a slot for every call, timed or not:
    # untimed calls then reach the exit with the call recorded at entry.
    by_name = lattest.Lattop(["-i", "0.2", "-c", "sample_threads", "--cumulative", "--sample",
                              str(EVERY)], timeout_s=60)
    exact = lattest.Lattop(["-i", "0.2", "-p", str(pid), "--cumulative"], timeout_s=60)
    for lt in (sampled, by_name, exact):
        lt.next_tick()
        lt.drain()
    helper.stdin.write("go\n")
    helper.stdin.flush()
    done = json.loads(helper.stdout.readline())
    lattest.check(done == {"after_exec": L}, f"the helper exec'd and made {L} calls ({done})")
    for lt in (sampled, by_name, exact):
        lt.wait_ticks(4)
        lt.stop()
finally:
    helper.stdin.close()
    helper.wait(timeout=10)


def getppid_of(ticks, pid):
    """(count, timed) of @pid's getppid rows in the last tick that has them."""
    for t in reversed(ticks):
        rows = [r for r in t["syscalls"] if r["pid"] == pid and r["syscall"] == "getppid"]
        if rows:
            return sum(r["count"] for r in rows), sum(r["timed"] for r in rows)
    return 0, 0


got, timed = getppid_of(sampled.ticks, pid)
lattest.check(got == WANT, f"--sample {EVERY}: exactly {WANT} getppid calls (got {got})")
# Binomial(WANT, 1/16): +-30 % is over 20 standard deviations.
lattest.check(WANT / EVERY * 0.7 <= timed <= WANT / EVERY * 1.3,
              f"--sample {EVERY}: {timed} of {WANT} timed, about 1 in {EVERY}")
got, timed = getppid_of(by_name.ticks, pid)
lattest.check(got == WANT and WANT / EVERY * 0.7 <= timed <= WANT / EVERY * 1.3,
              f"-c sample_threads --sample {EVERY}: exactly {WANT} getppid calls, about 1 in "
              f"{EVERY} timed (got {got}, {timed} timed)")
got, timed = getppid_of(exact.ticks, pid)
lattest.check(got == WANT and timed == WANT, f"every call timed: {WANT} calls, all timed "
              f"(got {got}, {timed})")

def short_run(spin, ticks):
    """The helper with 1 thread of 10 calls, 5 before the exec and L after
    (spinning @spin s after them when given), read by --sample EVERY by pid
    for @ticks ticks after its calls, then stopped (SIGINT: a last tick).
    (calls in the last tick, calls before the stop, calls made, alive at the stop)"""
    helper = subprocess.Popen([os.path.join(lattest.BUILD, "tests", "sample_threads"), "1", "10",
                               "5", str(L)] + ([str(spin)] if spin else []),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        pid = json.loads(helper.stdout.readline())["pid"]
        sampled = lattest.Lattop(["-i", "0.2", "-p", str(pid), "--cumulative", "--sample",
                                  str(EVERY)], timeout_s=60)
        sampled.next_tick()
        sampled.drain()
        helper.stdin.write("go\n")
        helper.stdin.flush()
        done = json.loads(helper.stdout.readline())
        sampled.wait_ticks(ticks)
        before_stop = getppid_of(sampled.ticks, pid)[0]
        sampled.stop()
        alive = helper.poll() is None
    finally:
        helper.stdin.close()
        helper.wait(timeout=10)
    return getppid_of(sampled.ticks, pid)[0], before_stop, 10 + 5 + L + done.get("tail", 0), alive


# A thread that blocks with calls still in its CPU's batch (--sample,
# bpf/syscalls.bpf.c): they reach the map when it leaves the CPU, not at
# its exit. One short run whose process stays alive, blocked on stdin,
# while it is read (the larger run above can be flushed by chance).
got, _, want, alive = short_run(0, 4)
lattest.check(alive and got == want,
              f"--sample {EVERY}, a process blocked while read: exactly {want} getppid "
              f"calls (got {got})")

# The last tick of a stop while a thread still runs on its CPU with calls
# in its batch: after the exec the helper makes its 777 calls, prints, makes
# 9 more (its reader may have preempted it at the print) and spins 3 s on the
# CPU without a syscall, as SCHED_FIFO on its CPU (nothing preempts it for
# 0.95 s, when RT throttling does). lattop is stopped a tick into the spin
# (SIGINT: a final tick): every call is in it.
# Three attempts: a spinning thread may still be preempted (a switch-out
# adds its rows), which tests nothing; one un-preempted attempt suffices.
held = False
for attempt in range(3):
    got, before_stop, want, alive = short_run(3, 1)
    lattest.check(alive and got == want == 10 + 5 + L + 9,
                  f"--sample {EVERY}, stopped while the thread spins: exactly {want} "
                  f"getppid calls in the last tick (got {got}; {before_stop} before the stop)")
    held = before_stop < got
    if held:
        break
lattest.check(held, "a spinning thread's batch was still held at the stop in one of 3 tries "
              "(else the stop's flush was not tested)")

print("PASS")

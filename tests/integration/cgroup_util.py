"""Real cgroup v2 trees for lattop's integration tests.

Finds the v2 hierarchy (fstype cgroup2 in /proc/self/mountinfo: /sys/fs/cgroup
on pure v2 hosts, /sys/fs/cgroup/unified on hybrid ones), makes a tree
lattop-test-<pid>/... under it, moves pids in and out, and removes the tree at
exit (tasks moved to the root first, leaves removed before their parents), so
that a failing test leaves nothing behind.

Without a v2 mount or without root the test skips (77) with the reason, unless
LATTOP_REQUIRE_BPF=1: then that is a failure (lattest.skip).
"""
import atexit
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402


def _unescape(field):
    """mountinfo escapes space, tab, newline and backslash as \\ooo."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and i + 4 <= len(field) and field[i + 1:i + 4].isdigit():
            out.append(chr(int(field[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def v2_mount(mountinfo="/proc/self/mountinfo"):
    """The mount point of the cgroup v2 hierarchy, or None."""
    try:
        with open(mountinfo) as f:
            for line in f:
                left, sep, right = line.partition(" - ")
                if not sep:
                    continue
                if right.split()[0] == "cgroup2":
                    return _unescape(left.split()[4])
    except OSError:
        pass
    return None


def cgroup_id(path):
    """The cgroup's v2 id as the kernel reports it (bpf_get_current_cgroup_id):
    the kernfs inode number of its directory."""
    return os.stat(path).st_ino


def cgroup_of(pid):
    """The v2 path of @pid below the mount ("/" for the root)."""
    with open(f"/proc/{pid}/cgroup") as f:
        for line in f:
            if line.startswith("0::"):
                return line[3:].rstrip("\n")
    return None


class Tree:
    """lattop-test-<pid> under the v2 mount, removed at exit."""

    def __init__(self, tag=None):
        if os.geteuid() != 0:
            lattest.skip("not root: creating cgroups needs root")
        self.mount = v2_mount()
        if not self.mount:
            lattest.skip("no cgroup v2 hierarchy mounted (no cgroup2 line in "
                         "/proc/self/mountinfo)")
        self.name = f"lattop-test-{os.getpid()}" + (f"-{tag}" if tag else "")
        self.root = os.path.join(self.mount, self.name)
        self.made = []              # directories we created, parents first
        try:
            os.mkdir(self.root)
        except OSError as e:
            lattest.skip(f"cannot create a cgroup under {self.mount}: {e}")
        self.made.append(self.root)
        atexit.register(self.cleanup)

    def path(self, rel):
        return os.path.join(self.root, rel) if rel else self.root

    def rel(self, rel):
        """The path below the v2 mount, as /proc/PID/cgroup and lattop show it."""
        return "/" + self.name + ("/" + rel if rel else "")

    def make(self, rel):
        """Create @rel (and its parents) below the tree; returns the absolute path."""
        full = self.root
        for part in rel.split("/"):
            full = os.path.join(full, part)
            if not os.path.isdir(full):
                os.mkdir(full)
                self.made.append(full)
        return full

    def move(self, pid, rel):
        """Move @pid (every thread of it) into @rel; checks it arrived."""
        with open(os.path.join(self.path(rel), "cgroup.procs"), "w") as f:
            f.write(str(pid))
        where = cgroup_of(pid)
        if where != self.rel(rel):
            lattest.fail(f"pid {pid} is in {where!r}, not {self.rel(rel)!r}")

    def remove(self, rel):
        """Move @rel's tasks (and its children's) to the root, remove it and below."""
        full = self.path(rel)
        for d in [m for m in self.made if m == full or m.startswith(full + "/")][::-1]:
            self._evacuate(d)
            self._rmdir(d)
            self.made.remove(d)

    def _evacuate(self, d):
        try:
            with open(os.path.join(d, "cgroup.procs")) as f:
                pids = f.read().split()
        except OSError:
            return
        for p in pids:
            try:
                with open(os.path.join(self.mount, "cgroup.procs"), "w") as f:
                    f.write(p)
            except OSError:
                pass            # exited meanwhile

    def _rmdir(self, d):
        # A task that has just exited may hold its cgroup for a moment.
        for _ in range(50):
            try:
                os.rmdir(d)
                return True
            except FileNotFoundError:
                return True
            except OSError:
                self._evacuate(d)
                time.sleep(0.1)
        print(f"warning: could not remove {d}", file=sys.stderr)
        return False

    def cleanup(self):
        for d in self.made[::-1]:
            self._evacuate(d)
            self._rmdir(d)
        self.made = []


class Calls:
    """tests/helpers/cg_calls.py: exactly N getppid calls when asked."""

    def __init__(self, env=None):
        import json
        import subprocess
        self._json = json
        self.proc = subprocess.Popen([sys.executable, os.path.join(
            lattest.ROOT, "tests", "helpers", "cg_calls.py")], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, env=env)
        self.pid = json.loads(self.proc.stdout.readline())["pid"]

    def calls(self, n):
        self.proc.stdin.write(f"{n}\n")
        self.proc.stdin.flush()
        done = self._json.loads(self.proc.stdout.readline())["done"]
        if done != n:
            lattest.fail(f"helper {self.pid} made {done} calls, not {n}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except Exception:
                self.proc.kill()
                self.proc.wait()


def total_calls(ticks, keep, syscall="getppid"):
    """Calls of @syscall since lattop started over the rows @keep(row) accepts:
    per row key the largest since-start count seen (a tick the consumer dropped
    on a busy machine loses nothing this way), summed over the keys. Rows of a
    --cumulative run carry the since-start count as "count"."""
    best = {}
    for t in ticks:
        for r in t.get("syscalls", []):
            if r["syscall"] == syscall and keep(r):
                k = (r["pid"], r.get("cgroup_id"), r.get("wait"))
                best[k] = max(best.get(k, 0), r["total"]["count"] if "total" in r else r["count"])
    return sum(best.values())


def getppid_by(ticks, pid, cgid=None):
    """getppid calls of @pid (in cgroup @cgid when given) since lattop started:
    per row key the largest since-start count seen (a tick the consumer dropped
    on a busy machine loses nothing this way), summed over the keys."""
    best = {}
    for t in ticks:
        for r in t.get("syscalls", []):
            if r["pid"] == pid and r["syscall"] == "getppid" and \
                    (cgid is None or r.get("cgroup_id") == cgid):
                k = (r.get("cgroup_id"), r.get("wait"), r.get("pstart_ns"))
                best[k] = max(best.get(k, 0), r["total"]["count"] if "total" in r else r["count"])
    return sum(best.values())


def cgroup_entry(ticks, cgid):
    """The newest entry of the tick "cgroups" arrays with id @cgid, or None."""
    for t in reversed(ticks):
        for c in t.get("cgroups", []):
            if c.get("id") == cgid:
                return c
    return None

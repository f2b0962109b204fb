"""Shared helpers for lattop's integration tests (real BPF, real processes).

Exit codes follow automake: 0 pass, 1 fail, 77 skip. With LATTOP_REQUIRE_BPF=1
(as in CI) a missing BPF environment is a failure, not a skip.
"""
import json
import os
import subprocess
import threading
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("O", "build"))
LATTOP = os.path.join(BUILD, "lattop")
# Relative bucket error of the log-linear histogram (include/abi/lat_abi.h).
BUCKET_ERROR = 1.0 / 16


def skip(reason):
    if os.environ.get("LATTOP_REQUIRE_BPF") == "1":
        print(f"FAIL (BPF required): {reason}")
        sys.exit(1)
    print(f"SKIP: {reason}")
    sys.exit(77)


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    print(f"ok: {msg}")


def require_bpf():
    if os.geteuid() != 0:
        skip("not root: live BPF tests need root (or CAP_BPF+CAP_PERFMON)")
    if not os.path.exists("/sys/kernel/btf/vmlinux"):
        skip("kernel has no BTF (/sys/kernel/btf/vmlinux)")
    if not os.access(LATTOP, os.X_OK):
        fail(f"{LATTOP} not built")


class Lattop:
    """lattop --json in the background; yields parsed ticks."""

    def __init__(self, args, timeout_s=60):
        self.proc = subprocess.Popen([LATTOP, "--json"] + args, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.ticks = []
        self.deadline = time.monotonic() + timeout_s

    def next_tick(self):
        if time.monotonic() > self.deadline:
            self.stop()
            fail("lattop did not produce ticks in time")
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read()
            fail(f"lattop ended early (exit {self.proc.wait()}): {err.strip()}")
        tick = json.loads(line)
        self.ticks.append(tick)
        return tick

    def _read_rest(self):
        """Every tick line still to come, through the same buffered reader as
        next_tick() (the raw pipe would skip what that reader already holds)."""
        for line in self.proc.stdout:
            if line.strip():
                self.ticks.append(json.loads(line))

    def drain(self):
        """Read ticks in the background from now on, so that a busy test never
        leaves lattop blocked on a full pipe; stop() collects them."""
        self.drainer = threading.Thread(target=self._read_rest, daemon=True)
        self.drainer.start()

    def wait_ticks(self, n, timeout_s=30):
        """After drain(): wait until @n more ticks have arrived."""
        want = len(self.ticks) + n
        deadline = time.monotonic() + timeout_s
        while len(self.ticks) < want:
            if time.monotonic() > deadline:
                self.stop()
                fail(f"lattop did not produce {n} more ticks in {timeout_s} s")
            if self.proc.poll() is not None:
                time.sleep(0.2)     # the drainer's last lines
                if len(self.ticks) < want:
                    fail(f"lattop ended early (exit {self.proc.returncode}): "
                         f"{self.proc.stderr.read().strip()}")
            time.sleep(0.02)

    def stop(self):
        if getattr(self, "drainer", None):
            self.proc.send_signal(2)
            self.drainer.join(timeout=15)
            return self.proc.wait(timeout=10)
        if self.proc.poll() is None:
            self.proc.send_signal(2)
        reader = threading.Thread(target=self._read_rest, daemon=True)
        reader.start()
        reader.join(timeout=10)
        if reader.is_alive():
            self.proc.kill()
            reader.join(timeout=10)
        return self.proc.wait(timeout=10)


def rows(ticks, pid, syscall=None):
    for t in ticks:
        for r in t.get("syscalls", []):
            if r["pid"] == pid and (syscall is None or r["syscall"] == syscall):
                yield t, r


def percentile_from_buckets(buckets, pct):
    """Same rule as hist_percentile_ns, but from JSON: used only to cross-check."""
    total = sum(c for _, c in buckets)
    rank = max(1, -(-total * pct // 100))
    seen = 0
    for upper, c in buckets:
        seen += c
        if seen >= rank:
            return upper
    return 0


class Truth:
    """tests/helpers/syscall_truth: exactly N sleeps of SLEEP_NS, M getppid and K failing
    fchdir calls, made when go() is called; go() returns what it did, measured."""

    def __init__(self, n, sleep_ns, m, k):
        self.proc = subprocess.Popen([os.path.join(BUILD, "tests", "syscall_truth"), str(n),
                                      str(sleep_ns), str(m), str(k)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.pid = json.loads(self.proc.stdout.readline())["pid"]

    def go(self):
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def finish(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


class DelayServer:
    """tests/helpers/delay_server.py: a loopback server that answers each request
    after a per-client-address delay and measures what it did."""

    def __init__(self, port, delays_ms, name=None):
        args = [sys.executable, os.path.join(ROOT, "tests", "helpers", "delay_server.py"),
                str(port)] + [f"{a}={ms}" for a, ms in delays_ms.items()]
        env = dict(os.environ, DELAY_SERVER_NAME=name) if name else None
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, env=env)
        self.pid = json.loads(self.proc.stdout.readline())["pid"]
        self.port = port

    def stats(self):
        self.proc.stdin.write("stats\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def tcp_requests(src, port, conns, reqs, timeout_s=20, response_bytes=100):
    """From address @src to the loopback server on @port: @conns connections
    with @reqs request/response exchanges each, one after another."""
    import socket
    family = socket.AF_INET6 if ":" in src else socket.AF_INET
    dst = "::1" if family == socket.AF_INET6 else "127.0.0.1"
    deadline = time.monotonic() + timeout_s
    for _ in range(conns):
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            s.bind((src, 0))
            s.connect((dst, port))
            for _ in range(reqs):
                s.sendall(b"GET /\r\n")
                got = 0
                while got < response_bytes:
                    chunk = s.recv(4096)
                    if not chunk:
                        fail("server closed the connection early")
                    got += len(chunk)
        if time.monotonic() > deadline:
            fail(f"tcp_requests from {src} took more than {timeout_s} s")


def free_port():
    """A TCP port nobody listens on now (loopback), so that tests running at the
    same time on one machine do not collide."""
    import socket
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
        s.bind(("::", 0))
        return s.getsockname()[1]


def client_rows(ticks, pid=None, addr=None, direction="in"):
    for t in ticks:
        for r in t.get("clients", []):
            if (pid is None or r["pid"] == pid) and (addr is None or r["addr"] == addr) \
                    and r["dir"] == direction:
                yield t, r

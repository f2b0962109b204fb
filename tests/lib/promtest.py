"""Helpers for the exporter's tests: a real Prometheus server (Debian's
`prometheus`) on a free loopback port, lattop serving /metrics, scrapes and
a parser of the text format.

Every process started here is killed at exit (atexit, and on SIGTERM from
the test runner's timeout), and every wait is bounded.
"""
import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import lattest

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
_live = []


def _cleanup():
    for obj in reversed(_live[:]):
        try:
            obj.stop()
        except Exception:       # noqa: BLE001 - best effort at exit
            pass


atexit.register(_cleanup)
# The runner's `timeout` sends SIGTERM: turn it into a normal exit so atexit runs.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))


def _die_with_parent():
    """preexec_fn: SIGTERM when the test dies, even by SIGKILL (no orphan
    Prometheus or lattop left on the machine)."""
    import ctypes
    ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)     # PR_SET_PDEATHSIG


def require_prometheus():
    for tool in (PROMETHEUS, PROMTOOL):
        if not os.access(tool, os.X_OK):
            lattest.skip(f"{tool} missing: apt-get install prometheus")


def http_get(url, accept=None, timeout_s=5.0):
    """(status, content type, body as str). HTTP errors are returned, not raised."""
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode(errors="replace")


class Exporter:
    """lattop with --listen 127.0.0.1:0 (args say which mode: ["serve", ...] or
    ["--json", ...]); reads the bound address from stderr. stdout lines (JSON
    ticks) are kept with their arrival time (time.monotonic())."""

    ADDR_RE = re.compile(r"serving metrics on (http://\S+/metrics)")

    def __init__(self, args, timeout_s=30, stdout_path=None, stdout=None):
        """@stdout_path: lattop's stdout goes to that file (no pipe that a busy
        test could leave full, which would stall lattop's ticks); @stdout: to
        that open file or pipe."""
        self.out_file = open(stdout_path, "w") if stdout_path else None
        self.proc = subprocess.Popen([lattest.LATTOP] + args, stdin=subprocess.DEVNULL,
                                     stdout=self.out_file or stdout or subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True,
                                     preexec_fn=_die_with_parent)
        _live.append(self)
        self.stderr = []
        self.lines = []         # (arrival monotonic s, line)
        self.url = None
        got = threading.Event()

        def read_err():
            for line in self.proc.stderr:
                self.stderr.append(line.rstrip("\n"))
                m = self.ADDR_RE.search(line)
                if m and not self.url:
                    self.url = m.group(1)
                    got.set()
            got.set()

        def read_out():
            for line in self.proc.stdout:
                self.lines.append((time.monotonic(), line))
        self.threads = [threading.Thread(target=read_err, daemon=True)]
        if not self.out_file and not stdout:
            self.threads.append(threading.Thread(target=read_out, daemon=True))
        for t in self.threads:
            t.start()
        got.wait(timeout_s)
        if not self.url:
            self.stop()
            lattest.fail(f"lattop {' '.join(args)} did not say where it serves within "
                         f"{timeout_s} s; stderr: {' | '.join(self.stderr)[-800:]}")
        print(f"lattop serves {self.url}")
        self.target = urllib.parse.urlparse(self.url).netloc

    def scrape(self, accept=None, timeout_s=5.0):
        status, ctype, body = http_get(self.url, accept, timeout_s)
        if status != 200:
            lattest.fail(f"scrape of {self.url} answered {status}: {body[:300]}")
        return ctype, body

    def ticks(self):
        """(arrival s, parsed JSON tick) of every stdout line so far."""
        return [(t, json.loads(line)) for t, line in self.lines if line.strip()]

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self in _live:
            _live.remove(self)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for t in self.threads:
            t.join(timeout=5)
        if self.out_file:
            self.out_file.close()
        return self.proc.returncode


class Prometheus:
    """A real Prometheus scraping @targets ({job: ["host:port", ...]}) every
    second, with its storage in a temporary directory."""

    def __init__(self, targets, rule_files=(), timeout_s=30):
        self.port = lattest.free_port()
        self.dir = tempfile.mkdtemp(prefix="lattop-prom-")
        self.url = f"http://127.0.0.1:{self.port}"
        cfg = ["global:", "  scrape_interval: 1s", "  scrape_timeout: 1s",
               "  evaluation_interval: 1s"]
        if rule_files:
            cfg.append("rule_files:")
            cfg += [f"  - {json.dumps(f)}" for f in rule_files]
        cfg.append("scrape_configs:")
        for job, addrs in targets.items():
            cfg += [f"  - job_name: {json.dumps(job)}", "    static_configs:",
                    f"      - targets: {json.dumps(list(addrs))}"]
        self.config = os.path.join(self.dir, "prometheus.yml")
        with open(self.config, "w") as f:
            f.write("\n".join(cfg) + "\n")
        self.log_path = os.path.join(self.dir, "prometheus.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [PROMETHEUS, f"--config.file={self.config}",
             f"--storage.tsdb.path={os.path.join(self.dir, 'data')}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent)
        _live.append(self)
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if http_get(self.url + "/-/ready", timeout_s=1)[0] == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                lattest.fail(f"prometheus did not become ready in {timeout_s} s: {self.log_tail()}")
            time.sleep(0.1)
        print(f"prometheus {self.url} (pid {self.proc.pid}) scraping {targets}")

    def log_tail(self):
        try:
            with open(self.log_path) as f:
                return f.read()[-1500:]
        except OSError:
            return ""

    def api(self, path, **params):
        url = f"{self.url}/api/v1/{path}?{urllib.parse.urlencode(params)}"
        status, _, body = http_get(url, timeout_s=10)
        try:
            doc = json.loads(body)
        except ValueError:
            lattest.fail(f"prometheus {path} answered {status}: {body[:300]}")
        if doc.get("status") != "success":
            lattest.fail(f"prometheus {path} {params}: {doc.get('errorType')}: {doc.get('error')}")
        return doc["data"]

    def query(self, expr):
        """Instant vector as [(labels dict, float value)]."""
        data = self.api("query", query=expr)
        if data["resultType"] == "scalar":
            return [({}, float(data["result"][1]))]
        return [(r["metric"], float(r["value"][1])) for r in data["result"]]

    def query_range(self, expr, start, end, step="1s"):
        data = self.api("query_range", query=expr, start=f"{start:.3f}", end=f"{end:.3f}",
                        step=step)
        return [(r["metric"], [(float(t), float(v)) for t, v in r["values"]])
                for r in data["result"]]

    def targets(self):
        return self.api("targets")["activeTargets"]

    def wait_up(self, job, timeout_s=30):
        """Until every target of @job was scraped successfully once."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            ts = [t for t in self.targets() if t["labels"].get("job") == job]
            if ts and all(t["health"] == "up" for t in ts):
                return ts
            time.sleep(0.2)
        lattest.fail(f"prometheus job {job} not up in {timeout_s} s: "
                     f"{[(t['health'], t.get('lastError')) for t in self.targets()]}")

    def wait_scrapes(self, job, n=2, timeout_s=30):
        """Until @n successful scrapes of every target of @job started after now."""
        for _ in range(n):
            since = time.time()
            deadline = time.monotonic() + timeout_s
            while True:
                ts = [t for t in self.targets() if t["labels"].get("job") == job]
                if ts and all(t["health"] == "up" and _rfc3339(t["lastScrape"]) > since
                              for t in ts):
                    break
                if time.monotonic() > deadline:
                    lattest.fail(f"no fresh scrape of {job} in {timeout_s} s")
                time.sleep(0.1)

    def stop(self):
        if self in _live:
            _live.remove(self)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def _rfc3339(s):
    """Prometheus' lastScrape ("2026-12-01T22:51:55.123456789Z") in epoch seconds."""
    import datetime
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)", s)
    if not m:
        return 0.0
    base = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
    tz = datetime.timezone.utc if m.group(3) == "Z" else datetime.timezone(
        datetime.timedelta(hours=int(m.group(3)[:3]), minutes=int(m.group(3)[0] + m.group(3)[4:])))
    frac = float("0" + m.group(2)) if m.group(2) else 0.0
    return base.replace(tzinfo=tz).timestamp() + frac


_SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$')
_LABEL_RE = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?')


def parse_text(body):
    """Samples of the text format: [(name, labels dict, float value)]. Strict
    enough to fail on a malformed line."""
    out = []
    for line in body.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE_RE.match(line)
        if not m:
            lattest.fail(f"unparsable exposition line: {line!r}")
        labels = {}
        if m.group(3):
            pos = 0
            text = m.group(3)
            while pos < len(text):
                lm = _LABEL_RE.match(text, pos)
                if not lm:
                    lattest.fail(f"unparsable labels: {line!r}")
                labels[lm.group(1)] = re.sub(r'\\(.)', lambda x: {"n": "\n"}.get(x.group(1),
                                                                               x.group(1)),
                                             lm.group(2))
                pos = lm.end()
        out.append((m.group(1), labels, float(m.group(4))))
    return out


def openmetrics_parser():
    """prometheus_client's OpenMetrics parser (Debian's python3-prometheus-client),
    also when the test runs under another python3 than Debian's."""
    try:
        from prometheus_client.openmetrics import parser
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        try:
            from prometheus_client.openmetrics import parser
        except ImportError:
            lattest.skip("python3-prometheus-client missing: apt-get install python3-prometheus-client")
    return parser


# Families whose label sets count against --metrics-max-series.
GROUP_PREFIXES = {"syscalls": "lattop_syscall_", "clients": "lattop_client_",
                  "runq": "lattop_runq_", "block": "lattop_block_"}
_NOT_OF_THE_SET = ("le", "state", "host")


def label_sets(samples):
    """{group: set of label tuples} of the families bounded by --metrics-max-series
    (without le, the breakdown's state and host: those do not make a new set)."""
    sets = {g: set() for g in GROUP_PREFIXES}
    for name, labels, _ in samples:
        for g, prefix in GROUP_PREFIXES.items():
            if name.startswith(prefix):
                sets[g].add(tuple(sorted((k, v) for k, v in labels.items()
                                         if k not in _NOT_OF_THE_SET)))
    return sets


class AcceptRecorder:
    """A loopback forwarder in front of lattop's /metrics: Prometheus scrapes
    it as a second job, and it records the Accept header Prometheus sent and
    the Content-Type lattop answered, to show what the two negotiated."""

    def __init__(self, upstream_url):
        import http.server
        rec = self
        self.seen = []          # (accept, content type, status)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):   # noqa: N802 - http.server's name
                accept = self.headers.get("Accept")
                status, ctype, body = http_get(upstream_url, accept, timeout_s=5)
                data = body.encode()
                rec.seen.append((accept, ctype, status))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.target = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        _live.append(self)

    def stop(self):
        if self in _live:
            _live.remove(self)
            self.server.shutdown()
            self.server.server_close()


def readme_section(title):
    """The text of the README's "## @title" section."""
    with open(os.path.join(lattest.ROOT, "README.md")) as f:
        text = f.read()
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if not m:
        lattest.fail(f"README has no '## {title}' section")
    return m.group(1)


def readme_blocks(lang, title="Prometheus"):
    """Fenced ```@lang blocks of that README section, as strings."""
    return re.findall(rf"^```{re.escape(lang)}\n(.*?)^```", readme_section(title), re.S | re.M)


def readme_queries():
    """The example PromQL of the README: one query per line of its ```promql
    block, each after a '# what it shows' comment line."""
    out = []
    for block in readme_blocks("promql"):
        out += [q.strip() for q in block.splitlines() if q.strip() and not q.startswith("#")]
    return out

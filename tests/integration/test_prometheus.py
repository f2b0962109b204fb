#!/usr/bin/env python3
"""lattop serve scraped by the real Prometheus (Debian's 2.42, 1 s scrapes)
while the known-truth helper makes exactly N sleeps of a known length, M
getppid and K failing fchdir calls:
- Prometheus' stored _count of the helper's clock_nanosleep series == N,
  calls_total of getppid == M, errors_total of fchdir == K (exact);
- histogram_quantile(0.5, ...) over the fine buckets is within one bucket's
  width of the helper's own measured median;
- `promtool check metrics` reports nothing on a live scrape of the text format;
- the OpenMetrics answer parses with python3-prometheus-client's parser and
  says the same counts;
- Prometheus' default Accept asks for OpenMetrics and lattop answers it (a
  recording forwarder in front of lattop, scraped as a second job), up == 1;
- every example query of the README runs; the README's alerting rule loads.
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402
import promtest  # noqa: E402

N, SLEEP_NS, M, K = 300, 2_000_000, 1000, 23
HOST = "h6test"
OM_ACCEPT = "application/openmetrics-text; version=1.0.0"

lattest.require_bpf()
promtest.require_prometheus()
parser = promtest.openmetrics_parser()

helper = lattest.Truth(N, SLEEP_NS, M, K)
pid = helper.pid
exp = promtest.Exporter(["serve", "--listen", "127.0.0.1:0", "--metrics-buckets", "fine",
                         "--host-label", HOST, "-p", str(pid), "-i", "0.25"])
rec = promtest.AcceptRecorder(exp.url)
rules_tmp = tempfile.TemporaryDirectory(prefix="lattop-rules-")
rules_dir = rules_tmp.name
rule_blocks = [b for b in promtest.readme_blocks("yaml") if b.lstrip().startswith("groups:")]
lattest.check(len(rule_blocks) == 1, "README has the alerting rule file")
rule_file = os.path.join(rules_dir, "lattop-rules.yml")
with open(rule_file, "w") as f:
    f.write(rule_blocks[0])
prom = promtest.Prometheus({"lattop": [exp.target], "negotiated": [rec.target]},
                           rule_files=[rule_file])


def scraped(name, **labels):
    """Sum of @name over the samples of one direct scrape with these labels."""
    _, body = exp.scrape()
    return sum(v for n, lb, v in promtest.parse_text(body)
               if n == name and all(lb.get(k) == want for k, want in labels.items()))


def wait_ticks(n, timeout_s=20):
    """Until lattop published @n more ticks (its lattop_ticks_total)."""
    start = scraped("lattop_ticks_total")
    deadline = time.monotonic() + timeout_s
    while scraped("lattop_ticks_total") < start + n:
        if time.monotonic() > deadline or not exp.alive():
            lattest.fail(f"lattop made no {n} ticks in {timeout_s} s: {exp.stderr[-5:]}")
        time.sleep(0.1)


prom.wait_up("lattop")
wait_ticks(2)                       # attached and publishing before the helper starts
truth = helper.go()
helper.finish()                     # exited: nothing more will be counted
wait_ticks(3)                       # its last calls are in a published tick
prom.wait_scrapes("lattop", 2)      # and Prometheus stored a scrape made after that
print("truth:", truth)

sel = f'job="lattop",host="{HOST}",comm="syscall_truth"'
res = prom.query(f'lattop_syscall_latency_seconds_count{{{sel},syscall="clock_nanosleep"}}')
lattest.check(len(res) == 1, f"one clock_nanosleep series of the helper in Prometheus ({res})")
count = res[0][1]
lattest.check(count == N, f"Prometheus' _count of clock_nanosleep == {N} exactly (got {count:g})")
calls = prom.query(f'lattop_syscall_calls_total{{{sel},syscall="getppid"}}')
lattest.check(calls and calls[0][1] == M, f"calls_total of getppid == {M} ({calls})")
errs = prom.query(f'lattop_syscall_errors_total{{{sel},syscall="fchdir"}}')
lattest.check(errs and errs[0][1] == K, f"errors_total of fchdir == {K} ({errs})")
inf = prom.query(f'lattop_syscall_latency_seconds_bucket{{{sel},syscall="clock_nanosleep",le="+Inf"}}')
lattest.check(inf and inf[0][1] == N, f"the +Inf bucket == _count == {N}")
sum_s = prom.query(f'lattop_syscall_latency_seconds_sum{{{sel},syscall="clock_nanosleep"}}')[0][1]
mean_ns = sum_s / N * 1e9
print(f"_sum {sum_s:.6f} s: mean {mean_ns:.0f} ns, helper's median {truth['sleep_p50_ns']} ns")
lattest.check(SLEEP_NS <= mean_ns <= 2 * SLEEP_NS, "_sum / _count is about the known sleep")

# p50 over the fine buckets, against the helper's own measured median.
buckets = prom.query(f'lattop_syscall_latency_seconds_bucket{{{sel},syscall="clock_nanosleep"}}')
les = sorted(float(lb["le"]) for lb, _ in buckets if lb["le"] != "+Inf")
lattest.check(len(les) > 100, f"fine buckets: {len(les)} le bounds (pow2 has 29)")
q = prom.query('histogram_quantile(0.5, sum by (le) (lattop_syscall_latency_seconds_bucket'
               f'{{{sel},syscall="clock_nanosleep"}}))')
p50_s = q[0][1]
true_s = truth["sleep_p50_ns"] / 1e9
upper = min(le for le in les if le >= true_s)
lower = max((le for le in les if le < true_s), default=0.0)
width = upper - lower
err = abs(p50_s - true_s)
print(f"histogram_quantile(0.5): {p50_s * 1e9:.0f} ns, true median {true_s * 1e9:.0f} ns, "
      f"error {err * 1e9:.0f} ns ({err / true_s:.2%}); its bucket ({lower * 1e9:.0f}, "
      f"{upper * 1e9:.0f}] ns is {width * 1e9:.0f} ns ({width / true_s:.2%}) wide")
lattest.check(err <= width, "histogram_quantile(0.5) within one fine bucket of the true median")

# promtool on a live scrape of the text format.
ctype, text = exp.scrape(accept="text/plain; version=0.0.4")
lattest.check(ctype.startswith("text/plain") and "0.0.4" in ctype, f"text format answered ({ctype})")
p = subprocess.run([promtest.PROMTOOL, "check", "metrics"], input=text, capture_output=True,
                   text=True, timeout=60)
report = (p.stdout + p.stderr).strip()
print(f"promtool check metrics on {len(text)} bytes: rc {p.returncode}, {report[:2000]!r}")
lattest.check(p.returncode == 0 and report == "", "promtool check metrics reports nothing")

# OpenMetrics, fetched with curl as an operator would, parsed independently.
cp = subprocess.run(["curl", "-sS", "--max-time", "10", "-D", "-", "-H", f"Accept: {OM_ACCEPT}",
                     exp.url], capture_output=True, text=True, timeout=30)
lattest.check(cp.returncode == 0, f"curl with the OpenMetrics Accept ({cp.stderr.strip()})")
head, _, om = cp.stdout.replace("\r\n", "\n").partition("\n\n")
om_ctype = [h.split(":", 1)[1].strip() for h in head.splitlines()
            if h.lower().startswith("content-type:")]
lattest.check(om_ctype and om_ctype[0].startswith("application/openmetrics-text"),
              f"OpenMetrics content type ({om_ctype})")
lattest.check(om.endswith("# EOF\n"), "OpenMetrics body ends with # EOF")
try:
    families = list(parser.text_string_to_metric_families(om))
except Exception as e:  # noqa: BLE001 - any parser error is the failure
    lattest.fail(f"prometheus_client's OpenMetrics parser refused lattop's output: {e}")
om_count = [s.value for f in families if f.name == "lattop_syscall_latency_seconds"
            for s in f.samples if s.name.endswith("_count")
            and s.labels.get("comm") == "syscall_truth"
            and s.labels.get("syscall") == "clock_nanosleep"]
lattest.check(om_count == [N], f"the OpenMetrics parser reads the same _count {N} ({om_count})")
types = {f.name: f.type for f in families}
lattest.check(types.get("lattop_syscall_latency_seconds") == "histogram"
              and types.get("lattop_syscall_calls") == "counter",
              "OpenMetrics types: histogram and counter (calls_total as family lattop_syscall_calls)")
print(f"OpenMetrics: {len(families)} families, {sum(len(f.samples) for f in families)} samples")

# What Prometheus 2.42 asked for by default, and what lattop answered.
prom.wait_up("negotiated")
lattest.check(rec.seen, "Prometheus scraped through the recording forwarder")
accept, answered, status = rec.seen[-1]
print(f"Prometheus sent Accept: {accept}\nlattop answered {status} {answered}")
lattest.check(accept and accept.startswith("application/openmetrics-text"),
              "Prometheus' default Accept prefers OpenMetrics")
lattest.check(status == 200 and answered.startswith("application/openmetrics-text"),
              "lattop answered Prometheus with OpenMetrics")
up = {lb["job"]: v for lb, v in prom.query("up")}
lattest.check(up.get("lattop") == 1 and up.get("negotiated") == 1,
              f"up == 1 for both jobs (text/OpenMetrics negotiated by Prometheus) ({up})")
via = prom.query(f'lattop_syscall_latency_seconds_count{{job="negotiated",host="{HOST}",'
                 'comm="syscall_truth",syscall="clock_nanosleep"}')
lattest.check(via and via[0][1] == N, f"the OpenMetrics-scraped _count == {N} too ({via})")

# The README's queries run against this Prometheus.
for qtext in promtest.readme_queries():
    res = prom.query(qtext)
    print(f"README query -> {len(res)} series: {qtext}")
    if "lattop_syscall_" in qtext:
        lattest.check(res, f"README query has a result: {qtext}")
p99 = prom.query('histogram_quantile(0.99, sum by (host, syscall, le) '
                 '(rate(lattop_syscall_latency_seconds_bucket{job="lattop"}[5m])))')
hosts = {lb.get("host") for lb, _ in p99}
lattest.check(hosts == {HOST}, f"p99 per syscall per host groups by host {HOST} ({hosts})")
groups = prom.api("rules")["groups"]
health = [(r["name"], r["health"]) for g in groups for r in g["rules"]]
print("README rules in Prometheus:", health)
lattest.check(health and all(h != "err" for _, h in health),
              "the README's rule file loads into Prometheus and evaluates without error")

rc = exp.stop()
lattest.check(rc == 0, f"lattop serve stops cleanly on SIGINT (exit {rc})")
lattest.check(any("serving metrics on" in line for line in exp.stderr)
              and any("stopped serving metrics" in line for line in exp.stderr),
              f"serve said on stderr where it serves and that it stopped ({exp.stderr[-2:]})")
prom.stop()
rec.stop()
rules_tmp.cleanup()
print("PASS")

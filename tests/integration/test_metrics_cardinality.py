#!/usr/bin/env python3
"""Bounded cardinality with --metrics-max-series 100, scraped by the real
Prometheus: 3,000 short-lived processes, each with its own name (/bin/true
run through a symlink h6cNNNNN: exec sets the name; a prctl rename would not
pass the syscalls family's -c pre-filter, whose verdict is cached at a
thread's first call and refreshed only on exec), and 300 client addresses
(127.0.0.2 ... 127.0.1.45) against a loopback server named h6cserver.
lattop runs with -c h6c, so that this shared machine's other processes do
not fill the 100 label sets before the test does:
- the label sets start few, fill the 100 (catch-alls reserved) during the
  churn and never pass it in any scrape (taken during the churn and after it);
- the rest is folded into comm="other" (client="other"), and
  lattop_metrics_folded_label_sets is > 0 and reported;
- sticky: every label set of an early scrape is still in the last one;
- Prometheus sees no counter or bucket going backwards: resets(x[5m]) == 0
  for every lattop counter, bucket, _count and _sum series."""
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402
import promtest  # noqa: E402

MAX_SERIES = 100
PROCS = 3000
CLIENTS = 300

lattest.require_bpf()
promtest.require_prometheus()

exp = promtest.Exporter(["serve", "--listen", "127.0.0.1:0", "--metrics-max-series",
                         str(MAX_SERIES), "-i", "0.5", "-c", "h6c"])
prom = promtest.Prometheus({"lattop": [exp.target]})
prom.wait_up("lattop")
t_start = time.time()


def scrape_samples():
    return promtest.parse_text(exp.scrape(timeout_s=10)[1])


def value(samples, name, **labels):
    return sum(v for n, lb, v in samples
               if n == name and all(lb.get(k) == w for k, w in labels.items()))


def wait_ticks(n, timeout_s=30):
    start = value(scrape_samples(), "lattop_ticks_total")
    deadline = time.monotonic() + timeout_s
    while value(scrape_samples(), "lattop_ticks_total") < start + n:
        if time.monotonic() > deadline or not exp.alive():
            lattest.fail(f"lattop made no {n} ticks in {timeout_s} s: {exp.stderr[-5:]}")
        time.sleep(0.1)


max_seen = 0


def check_bound(samples, when):
    global max_seen
    sets = promtest.label_sets(samples)
    total = sum(len(s) for s in sets.values())
    max_seen = max(max_seen, total)
    print(f"{when}: {total} label sets ({', '.join(f'{g} {len(s)}' for g, s in sets.items())})")
    lattest.check(total <= MAX_SERIES, f"{when}: label sets {total} <= {MAX_SERIES}")
    return sets, total


links = tempfile.TemporaryDirectory(prefix="lattop-card-")
TRUE = shutil.which("true") or "/bin/true"


def churn(first, n, timeout_s=90):
    """@n processes named h6c<i>, one after another: /bin/true through a
    symlink of that name (a dynamically linked exec: some 20 syscalls)."""
    deadline = time.monotonic() + timeout_s
    for i in range(first, first + n):
        path = os.path.join(links.name, f"h6c{i:05d}")
        os.symlink(TRUE, path)
        pid = os.posix_spawn(path, [path], {})
        _, status = os.waitpid(pid, 0)
        if status != 0:
            lattest.fail(f"{path} exited with status {status}")
        if time.monotonic() > deadline:
            lattest.fail(f"{n} short-lived processes took more than {timeout_s} s")


wait_ticks(2)
_, before = check_bound(scrape_samples(), "before the churn")
lattest.check(before < MAX_SERIES // 2, f"few label sets before the churn ({before})")
t0 = time.monotonic()
for part in range(6):                       # 6 x 500 processes, a scrape between
    churn(part * PROCS // 6, PROCS // 6)
    check_bound(scrape_samples(), f"after {(part + 1) * PROCS // 6} processes")
print(f"{PROCS} processes in {time.monotonic() - t0:.1f} s")

port = lattest.free_port()
server = lattest.DelayServer(port, {}, name="h6cserver")
addrs = [f"127.0.{(i + 2) // 256}.{(i + 2) % 256}" for i in range(CLIENTS)]
t0 = time.monotonic()
for k, a in enumerate(addrs):
    lattest.tcp_requests(a, port, 1, 2)
    if k % 100 == 99:
        check_bound(scrape_samples(), f"after {k + 1} client addresses")
print(f"{CLIENTS} client addresses ({addrs[0]} .. {addrs[-1]}) in {time.monotonic() - t0:.1f} s")
stats = server.stats()
server.stop()
lattest.check(len(stats) >= CLIENTS, f"the server saw {len(stats)} client addresses")

wait_ticks(3)
early, n_early = check_bound(scrape_samples(), "after the load")
# Catch-alls are reserved up front and count once used: full is >= max - 4 groups.
lattest.check(n_early >= MAX_SERIES - 4, f"the churn filled the {MAX_SERIES} label sets "
              f"({n_early} exported, the unused catch-alls reserved)")
churn(PROCS, 200)                           # more new names: the admitted sets must stay
wait_ticks(3)
prom.wait_scrapes("lattop", 2)
last = scrape_samples()
final, _ = check_bound(last, "at the end")
for g in early:
    missing = early[g] - final[g]
    lattest.check(not missing, f"sticky: every {g} label set of the earlier scrape is still "
                  f"exported ({len(missing)} gone: {sorted(missing)[:3]})")

folded = {lb.get("group"): v for n, lb, v in last if n == "lattop_metrics_folded_label_sets"}
print("lattop_metrics_folded_label_sets:", folded)
lattest.check(folded.get("syscalls", 0) >= 2 * PROCS - MAX_SERIES,
              f"folded syscall label sets reported: {folded.get('syscalls')} >= "
              f"{2 * PROCS - MAX_SERIES} (3,000 names x at least two syscalls each, "
              f"<= 100 sets)")
lattest.check(value(last, "lattop_metrics_max_series") == MAX_SERIES,
              f"lattop_metrics_max_series == {MAX_SERIES}")
series = value(last, "lattop_metrics_series")
print(f"lattop_metrics_series {series:g}; label sets counted in the scrape "
      f"{sum(len(s) for s in final.values())}; the most in any scrape {max_seen}")
lattest.check(0 < series <= MAX_SERIES, f"lattop_metrics_series {series:g} <= {MAX_SERIES}")
other_calls = value(last, "lattop_syscall_calls_total", comm="other")
lattest.check(other_calls >= 2 * (PROCS - MAX_SERIES),
              f"the folded processes' calls are summed into comm=\"other\" ({other_calls:g})")
churn_sets = [lb for n, lb, _ in last if n == "lattop_syscall_calls_total"
              and lb.get("comm", "").startswith("h6c")]
print(f"{len(churn_sets)} syscall label sets of the churn's own names were admitted")
lattest.check(len(churn_sets) > 0, "the churn's first names were admitted (sticky)")

up = {lb.get("family"): (v, lb.get("reason")) for n, lb, v in last
      if n == "lattop_probe_family_up"}
print("probe families:", up)
if up.get("clients", (0,))[0] == 1:
    own = {dict(s).get("client") for s in final["clients"]} - {"other"}
    lattest.check(folded.get("clients", 0) + len(own) >= CLIENTS,
                  f"every client address is exported or counted as folded "
                  f"({len(own)} exported + {folded.get('clients')} folded >= {CLIENTS})")
    other_conns = value(last, "lattop_client_connections_total", client="other")
    print(f"client=\"other\" connections_total {other_conns:g}")
    all_conns = value(last, "lattop_client_connections_total")   # -c h6c: the server side only
    lattest.check(all_conns == CLIENTS and other_conns >= CLIENTS - len(own),
                  f"exactly {CLIENTS} connections over all client series (the server's) "
                  f"({all_conns:g}), the folded ones summed into client=\"other\" ({other_conns:g})")
    lattest.check(len(final["clients"]) < CLIENTS,
                  f"not every one of {CLIENTS} client addresses has its own set "
                  f"({len(final['clients'])})")
else:
    print(f"clients family down ({up.get('clients')}): client folding not checked")

# Prometheus: no lattop counter, bucket, _count or _sum ever went backwards.
# resets() drops the metric name, so one query per name (else label sets collide).
window = max(60, int(time.time() - t_start) + 30)
names = [n for n in prom.api("label/__name__/values")
         if n.startswith("lattop_") and n.endswith(("_total", "_bucket", "_count", "_sum"))]
checked, bad = 0, []
for name in names:
    res = prom.query(f'resets({name}{{job="lattop"}}[{window}s])')
    checked += len(res)
    bad += [(name, lb, v) for lb, v in res if v != 0]
print(f"resets() over {window} s: {len(names)} metric names, {checked} series, "
      f"{len(bad)} with resets {bad[:3]}")
lattest.check(len(names) >= 10 and checked >= 100,
              f"Prometheus holds the counter series ({len(names)} names, {checked} series)")
lattest.check(not bad, "resets() == 0 for every lattop counter and bucket series")
lattest.check(exp.stop() == 0, "lattop serve stops cleanly")
prom.stop()
links.cleanup()
print("PASS")

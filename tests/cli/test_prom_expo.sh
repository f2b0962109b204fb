#!/usr/bin/env bash
# The exposition checked by independent tools: the unit test test_prom_expo
# writes full expositions (every group, breakdown, a down family, escaped
# names, pow2 and fine buckets) in text 0.0.4 and OpenMetrics 1.0.0;
# `promtool check metrics` must report nothing on the text ones and
# prometheus_client's OpenMetrics parser must accept the others with the
# same families, buckets ascending and _count == +Inf bucket.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
BIN=$O/tests/test_prom_expo
[ -x "$BIN" ] || { echo "FAIL: $BIN not built (make test-unit)"; exit 1; }
command -v promtool >/dev/null || { echo "SKIP: promtool missing (apt-get install prometheus)"; exit 77; }
# Debian's module, not a pyenv interpreter without it.
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import prometheus_client.openmetrics.parser' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "SKIP: python3-prometheus-client missing"; exit 77; }
T=$(mktemp -d /tmp/lattop-cli-prom.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

PROM_EXPO_DUMP_DIR=$T "$BIN" >"$T/unit.out" 2>&1 || fail "test_prom_expo: $(tail -5 "$T/unit.out")"
for f in pow2 fine; do
	[ -s "$T/$f.prom" ] && [ -s "$T/$f.om" ] || { fail "$f: no exposition written"; continue; }
	if out=$(promtool check metrics <"$T/$f.prom" 2>&1) && [ -z "$out" ]; then
		ok "$f text 0.0.4: promtool check metrics reports nothing ($(wc -l <"$T/$f.prom") lines)"
	else
		fail "$f text: promtool: $out"
	fi
	"$PY" - "$T/$f.om" "$T/$f.prom" "$f" <<'PY' && ok "$f OpenMetrics 1.0.0: parsed, buckets ascending, _count == +Inf" || fail "$f OpenMetrics"
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
om, text, kind = open(sys.argv[1]).read(), open(sys.argv[2]).read(), sys.argv[3]
assert om.endswith("# EOF\n") and "# EOF" not in text
fams = {f.name: f for f in text_string_to_metric_families(om)}
want = """lattop_syscall_latency_seconds histogram
lattop_syscall_calls counter
lattop_syscall_errors counter
lattop_syscall_time_seconds counter
lattop_client_request_latency_seconds histogram
lattop_client_connections counter
lattop_client_resets counter
lattop_client_retransmits counter
lattop_client_received_bytes counter
lattop_client_sent_bytes counter
lattop_runq_latency_seconds histogram
lattop_block_latency_seconds histogram
lattop_events counter
lattop_lost_events counter
lattop_evicted_keys counter
lattop_dropped_snapshots counter
lattop_ticks counter
lattop_metrics_series gauge
lattop_metrics_max_series gauge
lattop_metrics_folded_label_sets gauge
lattop_probe_family_up gauge
lattop_build info
lattop_scrape_duration_seconds gauge"""
for line in want.splitlines():
    name, typ = line.split()
    assert name in fams, name
    assert fams[name].type == typ, (name, fams[name].type)
nle = 29 if kind == "pow2" else 232
for f in fams.values():
    if f.type != "histogram":
        continue
    series = {}
    for s in f.samples:
        key = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
        series.setdefault(key, []).append(s)
    assert series, f.name
    for key, samples in series.items():
        b = [s for s in samples if s.name.endswith("_bucket")]
        assert len(b) == nle + 1, (f.name, len(b))
        les = [float(s.labels["le"]) for s in b]
        assert les == sorted(les) and les[-1] == float("inf"), f.name
        vals = [s.value for s in b]
        assert vals == sorted(vals), (f.name, key)
        cnt = [s.value for s in samples if s.name.endswith("_count")][0]
        assert cnt == vals[-1], (f.name, key)
# The escaped name reads back as the sanitised text: quote, backslash, \x0a, \xff.
names = {s.labels.get("comm") for s in fams["lattop_syscall_calls"].samples}
assert 'sl"ee\\p\\x0a\\xff' in names, names
up = {s.labels["family"]: (s.value, s.labels["reason"]) for s in fams["lattop_probe_family_up"].samples}
assert up["block"][0] == 0 and up["block"][1].startswith('no "tp"'), up
assert up["syscalls"] == (1, ""), up
PY
done

# --metrics-cgroup: the cgroup label (a hostile name among them) passes promtool too.
if [ -s "$T/cgroup.prom" ] && out=$(promtool check metrics <"$T/cgroup.prom" 2>&1) && [ -z "$out" ] &&
	grep -q 'cgroup="web.service"' "$T/cgroup.prom"; then
	ok "cgroup label: promtool check metrics reports nothing ($(grep -c 'cgroup=' "$T/cgroup.prom") labelled samples)"
else
	fail "cgroup label exposition: ${out:-no cgroup.prom or no web.service label}"
fi
# The checks can fail: promtool flags a counter without _total, the parser a missing # EOF.
printf '# HELP x_count c\n# TYPE x_count counter\nx_count 1\n' >"$T/bad.prom"
if out=$(promtool check metrics <"$T/bad.prom" 2>&1) && [ -z "$out" ]; then
	fail "promtool accepted a counter without _total"
else
	ok "promtool flags a bad exposition (control)"
fi
head -c -6 "$T/pow2.om" >"$T/bad.om"
"$PY" -c 'import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
list(text_string_to_metric_families(open(sys.argv[1]).read()))' "$T/bad.om" 2>/dev/null &&
	fail "the parser accepted OpenMetrics without # EOF" || ok "the parser refuses OpenMetrics without # EOF (control)"

[ "$fails" -eq 0 ] || exit 1

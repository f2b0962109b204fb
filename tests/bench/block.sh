#!/usr/bin/env bash
# tests/bench/block.sh - cost per block request of lattop's block hooks
# (bpf/block.bpf.c, the object lattop loads) against empty programs on the
# same hooks (block_floor.bpf.c) and no program, in the same run: R
# interleaved rounds of N serial 4 KiB O_DIRECT reads on a loop device over
# a sparse file (--direct-io=on; holes: no disk I/O, the block layer's own
# cost dominates). Per round and config: system-wide CPU time per request
# (/proc/stat) and wall time per request. Medians, and the ratio of the
# block family's added CPU per request to the empty programs'. Then one run
# each with kernel.bpf_stats_enabled: the programs' own ns per request.
#
# Part "block" of tests/bench/run.sh (BENCH_PARTS=block), or alone:
#   O=build tests/bench/block.sh
# Knobs: BENCH_BLOCK_ROUNDS=5 BENCH_BLOCK_READS=40000 BENCH_OUT (results dir).
set -u

O=${O:-build}
ROUNDS=${BENCH_BLOCK_ROUNDS:-5}
READS=${BENCH_BLOCK_READS:-40000}
OUT=${BENCH_OUT:-$O/bench/block-$(date +%Y%m%d-%H%M%S)}
LOADER=$O/bench/obj_loader
FLOOR_OBJ=$O/bench/block_floor.bpf.o
BLOCK_OBJ=$O/bpf/block.bpf.o
HELPER=$O/tests/block_truth
ATTACH_TIMEOUT_S=20

log() { printf '[bench block %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (BPF, losetup)"
make -s O="$O" "$LOADER" "$HELPER" "$O/bpf/block.bpf.o" >&2 || die "cannot build the loader/helper"
command -v losetup > /dev/null || die "losetup missing"
mkdir -p "$OUT"
RAW=$OUT/raw.tsv
TMP=$(mktemp -d /var/tmp/lattop-bench-block.XXXXXX)
LOOP=
LOADER_PID=
STATS_OLD=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null || echo 0)

cleanup() {
	trap - EXIT INT TERM
	[ -n "$LOADER_PID" ] && kill "$LOADER_PID" 2>/dev/null && wait "$LOADER_PID" 2>/dev/null
	echo "$STATS_OLD" > /proc/sys/kernel/bpf_stats_enabled 2>/dev/null
	[ -n "$LOOP" ] && losetup -d "$LOOP"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

truncate -s 256M "$TMP/img"
LOOP=$(losetup --direct-io=on -f --show "$TMP/img") || die "cannot make a loop device"
log "$LOOP over a sparse file; $ROUNDS rounds of none floor block, $READS reads each"

# Busy jiffies of all CPUs: user nice system irq softirq steal.
busy_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

start_loader() {
	local obj=$1 i

	"$LOADER" "$obj" > "$TMP/loader.out" 2> "$TMP/loader.err" &
	LOADER_PID=$!
	for ((i = 0; i < ATTACH_TIMEOUT_S * 20; i++)); do
		grep -q '^attached' "$TMP/loader.out" && return 0
		kill -0 "$LOADER_PID" 2>/dev/null || break
		sleep 0.05
	done
	log "loader for $obj did not attach: $(cat "$TMP/loader.err")"
	return 1
}

stop_loader() {
	[ -n "$LOADER_PID" ] && kill "$LOADER_PID" 2>/dev/null && wait "$LOADER_PID" 2>/dev/null
	LOADER_PID=
}

# One workload run: prints "cpu_ns_per_req wall_ns_per_req own_cpu_ns_per_req" (system-wide
# CPU is only meaningful on an otherwise idle host; the submitter's own CPU time holds the
# insert/issue programs, not the completion's).
workload() {
	local j0 j1 res hz

	hz=$(getconf CLK_TCK)
	j0=$(busy_jiffies)
	res=$("$HELPER" "$LOOP" "$READS" 0 0 1) || return 1
	j1=$(busy_jiffies)
	python3 -c '
import json, sys
r = json.loads(sys.argv[1]); n = r["reads"]; wall = r["elapsed_ns"] / n; own = r["cpu_ns"] / n
print(f"{(int(sys.argv[3]) - int(sys.argv[2])) * 1e9 / int(sys.argv[4]) / n:.0f} {wall:.0f} {own:.0f}")' \
		"$res" "$j0" "$j1" "$hz"
}

obj_of() { case $1 in floor) echo "$FLOOR_OBJ" ;; block) echo "$BLOCK_OBJ" ;; esac; }

: > "$RAW"
workload > /dev/null || die "workload failed"	# warm-up
for ((round = 1; round <= ROUNDS; round++)); do
	for cfg in none floor block; do
		if [ "$cfg" != none ] && ! start_loader "$(obj_of "$cfg")"; then
			stop_loader
			die "round $round: $cfg could not be attached"
		fi
		res=$(workload) || { stop_loader; die "round $round $cfg: workload failed"; }
		stop_loader
		set -- $res
		printf 'block\t%s\t%s\tcpu_ns_per_req\t%s\n' "$round" "$cfg" "$1" >> "$RAW"
		printf 'block\t%s\t%s\twall_ns_per_req\t%s\n' "$round" "$cfg" "$2" >> "$RAW"
		printf 'block\t%s\t%s\town_cpu_ns_per_req\t%s\n' "$round" "$cfg" "$3" >> "$RAW"
		log "round $round $cfg: $1 ns CPU (all), $3 ns CPU (submitter), $2 ns wall per request"
	done
done

# The programs' own run time per request (statistics on only for these runs).
echo 1 > /proc/sys/kernel/bpf_stats_enabled
for ((round = 1; round <= ROUNDS; round++)); do
for cfg in floor block; do
	start_loader "$(obj_of "$cfg")" || die "profile: $cfg could not be attached"
	"$HELPER" "$LOOP" "$READS" 0 0 1 > /dev/null
	bpftool -j prog show > "$TMP/progs.json"
	stop_loader
	python3 - "$TMP/progs.json" "$cfg" "$READS" "$round" >> "$RAW" <<'PY'
import json, sys
progs, cfg, reads = json.load(open(sys.argv[1])), sys.argv[2], int(sys.argv[3])
prefix = "floor_rq_" if cfg == "floor" else "btf_rq_"
ns = sum(p.get("run_time_ns", 0) for p in progs if p.get("name", "").startswith(prefix))
cnt = sum(p.get("run_cnt", 0) for p in progs if p.get("name", "").startswith(prefix))
print(f"block\t{sys.argv[4]}\t{cfg}\tprog_ns_per_req\t{ns / reads:.0f}")
print(f"block\t{sys.argv[4]}\t{cfg}\tprog_runs_per_req\t{cnt / reads:.2f}")
PY
done
done
echo "$STATS_OLD" > /proc/sys/kernel/bpf_stats_enabled

python3 - "$RAW" <<'PY' | tee "$OUT/block.txt"
import statistics, sys
vals = {}
for line in open(sys.argv[1]):
    part, rnd, cfg, metric, v = line.rstrip("\n").split("\t")
    vals.setdefault((cfg, metric), []).append(float(v))
med = {k: statistics.median(v) for k, v in vals.items()}
print("block I/O: 4 KiB O_DIRECT reads on a loop device, medians of "
      f"{len(vals[('none', 'cpu_ns_per_req')])} interleaved rounds")
print(f"{'config':8} {'CPU ns/req':>11} {'submitter':>10} {'wall ns/req':>12} {'prog ns/req':>12}")
for cfg in ("none", "floor", "block"):
    prog = med.get((cfg, "prog_ns_per_req"))
    print(f"{cfg:8} {med[(cfg, 'cpu_ns_per_req')]:11.0f} {med[(cfg, 'own_cpu_ns_per_req')]:10.0f} "
          f"{med[(cfg, 'wall_ns_per_req')]:12.0f} {'' if prog is None else f'{prog:.0f}':>12}")
cpu_floor = med[("floor", "cpu_ns_per_req")] - med[("none", "cpu_ns_per_req")]
cpu_block = med[("block", "cpu_ns_per_req")] - med[("none", "cpu_ns_per_req")]
print(f"added CPU per request: floor {cpu_floor:+.0f} ns, block {cpu_block:+.0f} ns")
print(f"block / floor, CPU per request: {med[('block', 'cpu_ns_per_req')] / med[('floor', 'cpu_ns_per_req')]:.3f}x"
      f" (all CPUs), {med[('block', 'own_cpu_ns_per_req')] / med[('floor', 'own_cpu_ns_per_req')]:.3f}x (submitter)")
print(f"block / floor, wall per request: {med[('block', 'wall_ns_per_req')] / med[('floor', 'wall_ns_per_req')]:.3f}x")
if ("block", "prog_ns_per_req") in med and med[("floor", "prog_ns_per_req")] > 0:
    print(f"block / floor, programs' own run time per request: "
          f"{med[('block', 'prog_ns_per_req')] / med[('floor', 'prog_ns_per_req')]:.2f}x "
          f"({med[('block', 'prog_runs_per_req')]:.2f} runs per request)")
PY

#!/usr/bin/env bash
# tests/bench/run.sh - lattop's overhead against the tools operators use today.
#
# Entry point of `make bench` (run as `O=build tests/bench/run.sh` after
# `make all`). Parts, all in one run so that every comparison is made on the
# same machine in the same minutes:
#   nginx    wrk against a one-worker nginx, interleaved rounds of: no tracer,
#            lattop --json, bpftrace (bench_lat.bt), syscount -L
#   storm    a getppid loop: ns added per syscall by an empty BPF program on
#            lattop's hooks (the floor), lattop, lattop --sample 16, bpftrace,
#            syscount -L
#   ui       lattop's dashboard and htop in private tmux servers with several
#            hundred extra processes: CPU, bytes per tick, RSS, first frame
#   churn    lattop's peak memory and CPU while thousands of short-lived
#            processes fill the kernel map (keys age out, the model evicts)
#   profile  BPF run-time statistics (kernel.bpf_stats_enabled) per program
#            during the storm: where the added nanoseconds go
#   history  the dashboard's per-row history (heatmap, sparkline) per tick with 4096
#            keys, against the table views it builds per tick anyway (same run)
#   scrape   one /metrics render (prom_render) at 100, 1,000, the default and the
#            largest --metrics-max-series: ms and bytes, as ratios to 100 (same run)
#   perf     (if perf is installed) kernel symbols the storm's CPU spends its
#            time in, per tracer
#   uprobe   a loop calling one noinline function: ns added per call by lattop -u
#            and by bpftrace's uprobe + uretprobe + hist() (tests/bench/uprobe_bench.py)
#   cgroup   the getppid storm under lattop with and without cgroup attribution
#            (--no-cgroups), interleaved rounds: the ratio per syscall (tests/bench/cgroup_bench.py)
#   maps     lattop's kernel memory (memlock per map) and the collector's CPU per tick with
#            the syscall map empty and nearly full; both derived for 128 CPUs (tests/bench/map_cost.py)
# Only measures and prints; never judges absolute times. Exit 0 when every
# part ran, 1 when something could not run (said on stderr and in the notes).
#
# Knobs (environment):
#   BENCH_ROUNDS=5          interleaved rounds of nginx and storm
#   BENCH_SECONDS=10        length of one wrk run
#   BENCH_STORM_ROUNDS=5    storm rounds
#   BENCH_STORM_CALLS=1500000  getppid calls per storm run
#   BENCH_STORM_CFGS        storm configurations (default: all; see part_storm)
#   BENCH_LATTOP_BASE       another lattop binary: storm configurations base-lattop, base-lattop-s16 (A/B)
#   BENCH_STORM_CPU         CPU the storm is pinned to (default: the last one; "none")
#   BENCH_WRK_THREADS=2 BENCH_WRK_CONNS=32
#   BENCH_UI_SECONDS=30     CPU window of the dashboard
#   BENCH_UI_TICKS=10       ticks over which bytes per tick are measured at 200x50
#   BENCH_UI_PROCS=300      extra processes on the host during the ui part
#   BENCH_UI_ROUNDS=1       rounds of the ui part (each: idle host, then loaded host; the tools
#                           interleaved, base-lattop too when BENCH_LATTOP_BASE is set)
#   BENCH_UI_LOAD=6         workers of the ui part's loaded variant (0: idle host only): each
#                           spawns short-lived processes and reads in bursts, so rows come,
#                           go and re-rank every tick (metrics suffixed _load)
#   BENCH_UI_READY=qQuit    text that marks lattop's first complete frame (its footer,
#                           drawn last)
#   BENCH_UI_DATA           text that marks lattop's first frame with data (" p99 ",
#                           the histogram pane's summary)
#   BENCH_CHURN_PROCS=6000 BENCH_CHURN_SECONDS=12  short-lived processes of the churn part
#   BENCH_PARTS="nginx storm ui churn profile history scrape perf runq uprobe cgroup maps"  (and "block": tests/bench/block.sh)
#   BENCH_RUNQ_ROUNDS=5 BENCH_RUNQ_TRIPS=200000  the runq part (tests/bench/runq_bench.py)
#   BENCH_UPROBE_ROUNDS=5 BENCH_UPROBE_CALLS=300000  the uprobe part (tests/bench/uprobe_bench.py)
#   BENCH_CGROUP_ROUNDS=7 BENCH_CGROUP_CALLS=2000000  the cgroup part (tests/bench/cgroup_bench.py)
#   BENCH_OUT               where raw results go (default $O/bench/results-<time>)
set -u

O=${O:-build}
ROUNDS=${BENCH_ROUNDS:-5}
SECS=${BENCH_SECONDS:-10}
STORM_ROUNDS=${BENCH_STORM_ROUNDS:-5}
STORM_CALLS=${BENCH_STORM_CALLS:-1500000}
STORM_CPU=${BENCH_STORM_CPU:-$(($(nproc) - 1))}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
WRK_CONNS=${BENCH_WRK_CONNS:-32}
UI_SECONDS=${BENCH_UI_SECONDS:-30}
UI_TICKS=${BENCH_UI_TICKS:-10}
UI_PROCS=${BENCH_UI_PROCS:-300}
UI_LOAD=${BENCH_UI_LOAD:-6}
UI_ROUNDS=${BENCH_UI_ROUNDS:-1}
UI_ROUND=1
UI_READY=${BENCH_UI_READY:-qQuit}
UI_DATA=${BENCH_UI_DATA:- p99 }
PARTS=${BENCH_PARTS:-nginx storm ui churn profile history scrape perf runq uprobe cgroup maps}
CHURN_PROCS=${BENCH_CHURN_PROCS:-6000}
CHURN_SECONDS=${BENCH_CHURN_SECONDS:-12}
ATTACH_TIMEOUT_S=20

HERE=$(cd "$(dirname "$0")" && pwd)
LATTOP=$O/lattop
LATTOP_BASE=${BENCH_LATTOP_BASE:-}
FLOOR=$O/bench/floor_loader
STORM=$O/tests/syscall_storm
BT_SCRIPT=$HERE/bench_lat.bt
CLK_TCK=$(getconf CLK_TCK)
OUT=${BENCH_OUT:-$O/bench/results-$(date +%Y%m%d-%H%M%S)}
RAW=$OUT/raw.tsv
NOTES=$OUT/notes.txt
TMP=$(mktemp -d /tmp/lattop-bench.XXXXXX)
TMUX_SOCK=bench-$$

PIDS=()			# everything we started, killed by pid on exit
SLEEPERS=()		# the ui part's extra processes
LOADERS=()		# the ui part's load workers
TRACER_PID=
FAILED=0

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }

# Something could not run: say so now, and again under the tables.
note() {
	log "NOTE: $*"
	printf '%s\n' "$*" >> "$NOTES"
	FAILED=1
}

# part round config metric value
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RAW"; }

now_s() { printf '%s' "$EPOCHREALTIME"; }

# Long waits in the background, so that a TERM to this script runs the
# cleanup at once instead of after the foreground child.
nap() {
	sleep "$1" &
	PIDS+=($!)
	wait $!
}

# Is PID still a live child of this script? A PID we started long ago may have
# been reaped and reused by someone else's process: never signal that one.
our_child() {
	local stat

	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	set -- $stat
	[ "$2" = "$$" ] && [ "$1" != Z ]
}

cleanup() {
	local p live=()

	trap - EXIT INT TERM
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	for p in "${PIDS[@]}" "${SLEEPERS[@]}" "${LOADERS[@]}"; do
		our_child "$p" && live+=("$p")
	done
	if ((${#live[@]})); then
		kill -TERM "${live[@]}" 2>/dev/null
		sleep 0.3
		for p in "${live[@]}"; do
			our_child "$p" && kill -KILL "$p" 2>/dev/null
		done
	fi
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# --- processes -------------------------------------------------------------

# Stop one of our processes: TERM (background jobs of a script ignore INT),
# then KILL if it has not gone within 5 s.
stop_pid() {
	local pid=$1 i

	[ -n "$pid" ] && our_child "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		our_child "$pid" || break
		sleep 0.1
	done
	our_child "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# utime + stime of a process, in clock ticks (fields 14 and 15 of stat,
# counted after the ")" that ends comm, which may contain spaces).
cpu_ticks() {
	local stat

	stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
	stat=${stat##*) }
	set -- $stat
	echo $((${12} + ${13}))
}

# CPU of a process over a window, in % of one core.
cpu_pct() {
	awk -v t0="$1" -v t1="$2" -v s="$3" -v hz="$CLK_TCK" \
		'BEGIN { printf "%.2f", (t1 - t0) / hz / s * 100 }'
}

# Number of BPF links (or perf events carrying BPF) a process holds.
bpf_links() {
	ls -l "/proc/$1/fd" 2>/dev/null | grep -cE 'anon_inode:(bpf_link|bpf-link|\[perf_event\])'
}

# wait_until PID DESCRIPTION COMMAND...: poll COMMAND every 50 ms until it
# succeeds, PID dies or ATTACH_TIMEOUT_S passes.
wait_until() {
	local pid=$1 what=$2 i
	shift 2

	for ((i = 0; i < ATTACH_TIMEOUT_S * 20; i++)); do
		"$@" && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			log "$what exited before it was ready: $(tail -3 "$TMP/tracer.err" 2>/dev/null | tr '\n' ' ')"
			return 1
		fi
		sleep 0.05
	done
	log "$what not ready after ${ATTACH_TIMEOUT_S}s: $(tail -3 "$TMP/tracer.err" 2>/dev/null | tr '\n' ' ')"
	return 1
}

has_line() { grep -q -- "$2" "$1" 2>/dev/null; }
has_links() { [ "$(bpf_links "$1")" -ge "$2" ]; }

# Is the tool for a configuration here at all? (Says why not, once per part.)
tracer_available() {
	case $1 in
	none) return 0 ;;
	floor) [ -x "$FLOOR" ] ;;
	lattop*) [ -x "$LATTOP" ] ;;
	base-lattop*) [ -n "$LATTOP_BASE" ] && [ -x "$LATTOP_BASE" ] ;;
	bpftrace) command -v bpftrace > /dev/null ;;
	syscount) command -v syscount > /dev/null ;;
	esac
}

# Start the tracer of a configuration; TRACER_PID is set and the call returns
# 0 only once its programs are attached, so no measurement sees a half-attached
# tracer.
start_tracer() {
	TRACER_PID=
	: > "$TMP/tracer.out"
	: > "$TMP/tracer.err"
	case $1 in
	none)
		return 0 ;;
	floor)
		"$FLOOR" > "$TMP/tracer.out" 2> "$TMP/tracer.err" &
		TRACER_PID=$!
		PIDS+=("$TRACER_PID")
		wait_until "$TRACER_PID" floor has_line "$TMP/tracer.out" '^attached' ;;
	lattop | lattop-s* | lattop-noclients | lattop-nobd | lattop-min | base-lattop*)
		local extra=() base=${1%-min} bin=$LATTOP
		[[ $base == base-* ]] && bin=$LATTOP_BASE base=${base#base-}
		case $base in
		lattop-noclients) extra=(--no-clients) ;;
		lattop-nobd) extra=(--no-breakdown) ;;
		lattop-s*) extra=(--sample "${base#lattop-s}") ;;
		esac
		# -min: the issue's "features off" figure, breakdown and cgroup attribution off.
		[[ $1 == *-min ]] && extra+=(--no-breakdown --no-cgroups)
		# A file rather than /dev/null: its first JSON line says the
		# programs are attached and the first tick was collected.
		"$bin" --json -i 1 "${extra[@]}" > "$TMP/tracer.out" 2> "$TMP/tracer.err" &
		TRACER_PID=$!
		PIDS+=("$TRACER_PID")
		wait_until "$TRACER_PID" "$1" has_line "$TMP/tracer.out" '^{' ;;
	bpftrace)
		bpftrace "$BT_SCRIPT" > "$TMP/tracer.out" 2> "$TMP/tracer.err" &
		TRACER_PID=$!
		PIDS+=("$TRACER_PID")
		# "Attaching N probes..." comes before the attach itself; the
		# perf events appear once it is done.
		wait_until "$TRACER_PID" bpftrace has_line "$TMP/tracer.out" '^Attaching' &&
			wait_until "$TRACER_PID" bpftrace has_links "$TRACER_PID" 2 ;;
	syscount)
		# Its banner is block-buffered into the file; its links are not.
		syscount -L > "$TMP/tracer.out" 2> "$TMP/tracer.err" &
		TRACER_PID=$!
		PIDS+=("$TRACER_PID")
		wait_until "$TRACER_PID" syscount has_links "$TRACER_PID" 2 ;;
	*)
		log "unknown configuration $1"
		return 1 ;;
	esac
	local rc=$?
	# Let the tracer's own start-up work (map creation, first reads) settle.
	sleep 0.3
	return $rc
}

# Stop the tracer and wait (up to 3 s) until its programs are gone: the
# kernel frees them a little after the process exits, and until then they
# would look like a foreign tracer to the next round's check.
stop_tracer() {
	local ids id i left=

	[ -n "$TRACER_PID" ] || return 0
	ids=$(bpf_prog_ids "$TRACER_PID")
	stop_pid "$TRACER_PID"
	TRACER_PID=
	for ((i = 0; i < 30; i++)); do
		left=
		for id in $ids; do
			bpftool prog show id "$id" > /dev/null 2>&1 && left+=" $id"
		done
		[ -z "$left" ] && return 0
		ids=$left
		sleep 0.1
	done
	log "programs$left of the last tracer still loaded 3 s after it exited"
}

# Busy share of all CPUs over one second, in %, while we run nothing: other
# work on a shared machine (a build, a fuzzer) halves nginx's throughput and
# must be visible next to the numbers.
machine_busy_pct() {
	local a b

	a=$(head -1 /proc/stat)
	sleep 1
	b=$(head -1 /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN {
		n = split(a, x); split(b, y);
		for (i = 2; i <= n; i++) { t += y[i] - x[i]; if (i == 5 || i == 6) idle += y[i] - x[i] }
		printf "%.0f", t ? (t - idle) / t * 100 : 0 }'
}

warn_if_busy() {
	local busy

	busy=$(machine_busy_pct)
	record "$1" 0 machine busy_pct "$busy"
	if [ "$busy" -ge 15 ]; then
		log "WARNING: $1: the machine is ${busy}% busy before we start: numbers will be noisy"
		printf '%s: the machine was %s%% busy with other work before the part started\n' \
			"$1" "$busy" >> "$OUT/busy.txt"
	fi
}

# --- nginx + wrk -------------------------------------------------------------

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# One worker, no access log, one small static file; everything in $TMP.
nginx_start() {
	local dir=$TMP/nginx i

	NGINX_PORT=$(free_port) || return 1
	mkdir -p "$dir/html" "$dir/tmp"
	head -c 612 /dev/zero | tr '\0' 'x' > "$dir/html/index.html"
	cat > "$dir/nginx.conf" <<-EOF
		worker_processes 1;
		daemon off;
		user root;
		pid $dir/nginx.pid;
		error_log $dir/error.log warn;
		events { worker_connections 1024; }
		http {
			access_log off;
			client_body_temp_path $dir/tmp/body;
			proxy_temp_path $dir/tmp/proxy;
			fastcgi_temp_path $dir/tmp/fastcgi;
			uwsgi_temp_path $dir/tmp/uwsgi;
			scgi_temp_path $dir/tmp/scgi;
			server {
				listen 127.0.0.1:$NGINX_PORT;
				root $dir/html;
			}
		}
	EOF
	nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" > "$dir/stdout" 2>&1 &
	NGINX_PID=$!
	PIDS+=("$NGINX_PID")
	for ((i = 0; i < 100; i++)); do
		if (exec 3<> "/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null; then
			return 0
		fi
		kill -0 "$NGINX_PID" 2>/dev/null || break
		sleep 0.05
	done
	log "nginx did not start: $(tail -3 "$dir/error.log" "$dir/stdout" 2>/dev/null | tr '\n' ' ')"
	return 1
}

# wrk output -> "requests_per_s p99_us", or nothing if the run was bad.
wrk_parse() {
	awk '
	function us(v) {
		if (v ~ /us$/) return v + 0;
		if (v ~ /ms$/) return v * 1000;
		if (v ~ /s$/) return v * 1000000;
		return v + 0;
	}
	$1 == "99%" { p99 = us($2) }
	$1 == "Requests/sec:" { rps = $2 }
	/Non-2xx|Socket errors/ { bad = bad $0 }
	END {
		if (bad != "") print "wrk errors: " bad > "/dev/stderr";
		if (rps != "" && p99 != "") printf "%s %.1f\n", rps, p99;
	}' "$1"
}

nginx_round() {
	local round=$1 cfg=$2 t0 t1 c0 c1 s0 s1 res

	if ! start_tracer "$cfg"; then
		note "nginx round $round: $cfg could not be attached"
		stop_tracer
		return
	fi
	check_foreign nginx "$round" "$cfg" before
	[ -n "$TRACER_PID" ] && c0=$(cpu_ticks "$TRACER_PID")
	s0=$(now_s)
	wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${SECS}s" --latency \
		"http://127.0.0.1:$NGINX_PORT/index.html" > "$TMP/wrk.out" 2>&1 &
	PIDS+=($!)
	wait $!
	s1=$(now_s)
	check_foreign nginx "$round" "$cfg" after
	if [ -n "$TRACER_PID" ]; then
		c1=$(cpu_ticks "$TRACER_PID")
		kill -0 "$TRACER_PID" 2>/dev/null || note "nginx round $round: $cfg died during the run"
	fi
	stop_tracer
	res=$(wrk_parse "$TMP/wrk.out")
	if [ -z "$res" ]; then
		note "nginx round $round: $cfg: wrk gave no result: $(tail -2 "$TMP/wrk.out" | tr '\n' ' ')"
		return
	fi
	set -- $res
	record nginx "$round" "$cfg" rps "$1"
	record nginx "$round" "$cfg" p99_us "$2"
	if [ -n "${c0:-}" ]; then
		record nginx "$round" "$cfg" cpu_pct "$(cpu_pct "$c0" "$c1" \
			"$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')")"
	fi
	log "nginx round $round $cfg: $1 req/s, p99 $2 us"
}

part_nginx() {
	local cfgs=() cfg round

	# lattop-noclients vs lattop: the cost of per-client tracking in the same run.
	for cfg in none lattop-noclients lattop bpftrace syscount; do
		if tracer_available "$cfg"; then
			cfgs+=("$cfg")
		elif [[ $cfg != lattop* ]]; then	# a missing lattop is noted once, in main
			note "nginx: $cfg skipped: not installed (make deps)"
		fi
	done
	command -v nginx > /dev/null && command -v wrk > /dev/null ||
		{ note "nginx: skipped: nginx or wrk missing (make deps)"; return; }
	warn_if_busy nginx
	nginx_start || { note "nginx: skipped: nginx did not start"; return; }
	log "nginx on 127.0.0.1:$NGINX_PORT; ${ROUNDS} rounds of ${cfgs[*]}, ${SECS}s each"
	# Warm caches and the TCP stack before the first measured round.
	wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d2s "http://127.0.0.1:$NGINX_PORT/index.html" > /dev/null 2>&1
	for ((round = 1; round <= ROUNDS; round++)); do
		for cfg in "${cfgs[@]}"; do
			nginx_round "$round" "$cfg"
		done
	done
	stop_pid "$NGINX_PID"
}

# --- syscall storm -----------------------------------------------------------

# One storm run -> "wall_ns_per_call cpu_ns_per_call". The CPU time (from
# wait4: utime + stime, which the kernel derives from its ns-exact runtime)
# includes the BPF programs, which run in the storm's context, but not the
# time other tasks of a shared machine take the CPU away.
storm_run() {
	local pin=()

	[ "$STORM_CPU" != none ] && command -v taskset > /dev/null && pin=(taskset -c "$STORM_CPU")
	python3 -c '
import json, os, subprocess, sys
calls = int(sys.argv[1])
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.PIPE, text=True)
out = p.stdout.read()
_, status, ru = os.wait4(p.pid, 0)
if status == 0:
    wall = json.loads(out)["ns_per_call"]
    print(wall, round((ru.ru_utime + ru.ru_stime) * 1e9 / calls, 1))
' "$STORM_CALLS" "${pin[@]}" "$STORM" "$STORM_CALLS"
}

# BPF programs on tracing hooks that are not our tracer's: another tracer on
# a shared machine (even one that was there before we started) slows every
# syscall and would be charged to whichever configuration is measured.
foreign_progs() {
	local ours

	ours=$( [ -n "$TRACER_PID" ] && bpf_prog_ids "$TRACER_PID" | tr '\n' ' ')
	bpftool -j prog show 2>/dev/null | python3 -c '
import json, sys
ours = set(sys.argv[1].split())
hooks = {"tracing", "raw_tracepoint", "tracepoint", "kprobe", "perf_event"}
try:
    progs = json.load(sys.stdin)
except ValueError:
    progs = []
print(" ".join(sorted(p.get("name", "?") for p in progs
    if p.get("type") in hooks and str(p["id"]) not in ours)))
' "$ours"
}

# Note, and record, a round measured while someone else traced too. Called
# before and after each measurement (WHEN), which catches most intruders.
check_foreign() {
	local part=$1 round=$2 cfg=$3 when=$4 f

	f=$(foreign_progs)
	[ -z "$f" ] && return 0
	log "WARNING: $part round $round $cfg: foreign BPF programs attached $when the run: $f"
	record "$part" "$round" "$cfg" foreign 1
	printf '%s round %s %s: foreign BPF programs attached %s the run (%s)\n' \
		"$part" "$round" "$cfg" "$when" "$f" >> "$OUT/foreign.txt"
}

part_storm() {
	local cfgs=() cfg round res

	[ -x "$STORM" ] || { note "storm: skipped: $STORM missing (make $STORM)"; return; }
	for cfg in ${BENCH_STORM_CFGS:-none floor lattop lattop-min lattop-nobd lattop-s16 lattop-s16-min \
		   base-lattop base-lattop-s16 bpftrace syscount}; do
		if tracer_available "$cfg"; then
			cfgs+=("$cfg")
		elif [[ $cfg != lattop* && $cfg != base-* ]]; then
			note "storm: $cfg skipped: not available"
		fi
	done
	log "storm: $STORM_ROUNDS rounds of ${cfgs[*]}, $STORM_CALLS getppid calls each, CPU $STORM_CPU"
	warn_if_busy storm
	storm_run > /dev/null	# warm-up
	for ((round = 1; round <= STORM_ROUNDS; round++)); do
		for cfg in "${cfgs[@]}"; do
			if ! start_tracer "$cfg"; then
				note "storm round $round: $cfg could not be attached"
				stop_tracer
				continue
			fi
			check_foreign storm "$round" "$cfg" before
			res=$(storm_run)
			check_foreign storm "$round" "$cfg" after
			stop_tracer
			[ -n "$res" ] || { note "storm round $round: $cfg: no result"; continue; }
			set -- $res
			record storm "$round" "$cfg" ns_per_call "$1"
			record storm "$round" "$cfg" cpu_ns_per_call "$2"
			log "storm round $round $cfg: $1 ns/call wall, $2 ns/call CPU"
		done
	done
}

# --- dashboard ---------------------------------------------------------------

tmx() { tmux -L "$TMUX_SOCK" "$@"; }

file_bytes() { stat -c %s "$1" 2>/dev/null || echo 0; }

# Poll the pane every 10 ms until its text contains READY; prints ms since
# T0. Gives up after 5 s or when the tool has exited.
first_frame_ms() {
	local t0=$1 ready=$2 deadline i=0

	deadline=$(awk -v a="$t0" 'BEGIN { printf "%.0f", a + 5 }')
	while [ "${EPOCHREALTIME%.*}" -lt "$deadline" ]; do
		if tmx capture-pane -p -t bench 2>/dev/null | grep -qF -- "$ready"; then
			awk -v a="$t0" -v b="$(now_s)" 'BEGIN { printf "%.0f", (b - a) * 1000 }'
			return 0
		fi
		# Every 10th poll only: each tmux call costs a few ms of resolution.
		((++i % 10 == 0)) && [ "$(tmx display-message -p -t bench '#{pane_dead}')" = 1 ] &&
			return 1
		sleep 0.01
	done
	return 1
}

# ui_measure NAME READY DATA COMMAND [SUFFIX]: one tool in a private tmux server.
# First frame (READY on screen) and first frame with data (DATA; "" when the
# first frame has data) at 80x24, then CPU, RSS and bytes per tick over
# UI_SECONDS at 80x24, then bytes per tick over UI_TICKS at 200x50. Both
# tools tick once a second. Metric names get SUFFIX (the loaded variant: _load).
ui_measure() {
	local name=$1 ready=$2 data=$3 cmd=$4 sx=${5:-} pipe=$TMP/$1${5:-}.pipe t0 ms pid c0 c1 s0 s1 b0 b1 w

	tmx kill-server 2>/dev/null
	# The server and a placeholder pane first, so the first-frame time is
	# the tool's own start-up, not tmux's.
	tmx -f /dev/null new-session -d -s bench -x 80 -y 24 'exec sleep 3600' ||
		{ note "ui: $name: tmux would not start"; return; }
	tmx set-option -g remain-on-exit on > /dev/null
	: > "$pipe"
	t0=$(now_s)
	tmx respawn-pane -k -t bench "exec $cmd"
	if ms=$(first_frame_ms "$t0" "$ready"); then
		record ui "$UI_ROUND" "$name" first_frame_ms$sx "$ms"
		if [ -n "$data" ]; then
			w=$(first_frame_ms "$t0" "$data") && record ui "$UI_ROUND" "$name" first_data_ms$sx "$w"
		fi
	else
		note "ui: $name: no frame containing '$ready' within 5 s: $(tmx capture-pane -p -t bench | grep . | head -3 | tr '\n' '|')"
		tmx kill-server
		return
	fi
	pid=$(tmx display-message -p -t bench '#{pane_pid}')
	tmx pipe-pane -o -t bench "cat >> '$pipe'"
	sleep 3	# steady state: past the first frames and the first data tick
	c0=$(cpu_ticks "$pid") b0=$(file_bytes "$pipe") s0=$(now_s)
	nap "$UI_SECONDS"
	c1=$(cpu_ticks "$pid") b1=$(file_bytes "$pipe") s1=$(now_s)
	kill -0 "$pid" 2>/dev/null || { note "ui: $name exited during the run"; tmx kill-server; return; }
	w=$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')
	record ui "$UI_ROUND" "$name" cpu_pct$sx "$(cpu_pct "$c0" "$c1" "$w")"
	record ui "$UI_ROUND" "$name" bytes_tick_80x24$sx "$(awk -v b=$((b1 - b0)) -v w="$w" 'BEGIN { printf "%.0f", b / w }')"
	record ui "$UI_ROUND" "$name" vmrss_kib$sx "$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")"
	record ui "$UI_ROUND" "$name" vmhwm_kib$sx "$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")"

	tmx resize-window -t bench -x 200 -y 50
	sleep 3
	b0=$(file_bytes "$pipe") s0=$(now_s)
	nap "$UI_TICKS"
	b1=$(file_bytes "$pipe") s1=$(now_s)
	w=$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')
	record ui "$UI_ROUND" "$name" bytes_tick_200x50$sx "$(awk -v b=$((b1 - b0)) -v w="$w" 'BEGIN { printf "%.0f", b / w }')"
	log "ui $name: first frame ${ms} ms; measured"
	tmx kill-server
}

part_ui() {
	local i

	command -v tmux > /dev/null || { note "ui: skipped: tmux missing (make deps)"; return; }
	warn_if_busy ui
	log "ui: starting $UI_PROCS extra processes"
	for ((i = 0; i < UI_PROCS; i++)); do
		sleep 600 &
		SLEEPERS+=($!)
		disown $!	# no "Killed" line for each of them at the end
	done
	log "ui: $(ls -d /proc/[0-9]* | wc -l) processes on the host"
	command -v htop > /dev/null || note "ui: htop skipped: not installed (apt-get install -y htop)"
	for ((UI_ROUND = 1; UI_ROUND <= UI_ROUNDS; UI_ROUND++)); do
		((UI_ROUNDS > 1)) && log "ui: round $UI_ROUND of $UI_ROUNDS"
		ui_tools ""
		if ((UI_LOAD > 0)); then
			ui_load_start
			ui_tools _load
			kill "${LOADERS[@]}" 2>/dev/null
			LOADERS=()
		fi
	done
	UI_ROUND=1
	kill -KILL "${SLEEPERS[@]}" 2>/dev/null	# alive: they sleep 600 s
	SLEEPERS=()
}

# ui_tools SUFFIX: each tool once on the host as it is (base-lattop when
# BENCH_LATTOP_BASE is set, lattop, htop), metrics suffixed SUFFIX.
ui_tools() {
	local sx=$1

	if [ -n "$LATTOP_BASE" ] && [ -x "$LATTOP_BASE" ]; then
		ui_measure base-lattop "$UI_READY" "$UI_DATA" \
			"$(realpath "$LATTOP_BASE") -i 1 --no-config" $sx
	fi
	if [ -x "$LATTOP" ]; then
		ui_measure lattop "$UI_READY" "$UI_DATA" "$(realpath "$LATTOP") -i 1 --no-config" $sx
	fi
	if command -v htop > /dev/null; then
		# A private htoprc, so the operator's settings neither change
		# the numbers nor get overwritten on exit.
		ui_measure htop F10Quit "" "env HTOPRC=$TMP/htoprc htop -d 10" $sx
	fi
}

# The loaded variant's host: UI_LOAD workers, each a loop of a few short-lived
# processes (new rows, rows that leave), a read of random size and a random
# pause (rates and ranks that move every tick), as on a host that builds.
ui_load_start() {
	local i

	log "ui: starting $UI_LOAD load workers"
	for ((i = 0; i < UI_LOAD; i++)); do
		(
			trap 'exit 0' TERM
			while :; do
				for ((j = RANDOM % 8; j > 0; j--)); do /bin/true; done
				head -c $((RANDOM * 8)) /dev/zero > /dev/null
				sleep "0.$((RANDOM % 4))"
			done
		) &
		LOADERS+=($!)
	done
}

# --- row history: the dashboard's per-tick cost of its heatmap/sparkline data ---

# bench_history times row_history_feed_snapshot (4096 (process, syscall) rows, 64
# rows watched) and the two view builds the dashboard already does per tick, on the
# same snapshot, interleaved; it prints "history METRIC VALUE" lines.
part_history() {
	local bin=$O/bench/bench_history metric value

	[ -x "$bin" ] || make -s O="$O" "$bin" >&2 || { note "history: $bin could not be built"; return; }
	log "history: 4096 keys, 400 ticks"
	"$bin" 4096 400 > "$TMP/history.txt" || { note "history: bench_history failed"; return; }
	while read -r _ metric value; do
		record history 1 lattop "$metric" "$value"
	done < "$TMP/history.txt"
}

# --- scrape: what one /metrics render costs ----------------------------------

# bench_scrape renders the exposition of a registry with 100, 1,000,
# METRICS_MAX_SERIES_DEFAULT and METRICS_MAX_SERIES_MAX label sets (pow2 buckets;
# fine up to the default) and prints "scrape METRIC VALUE" lines: ms, bytes, and
# their ratios to the 100-set render of the same run.
part_scrape() {
	local bin=$O/bench/bench_scrape metric value

	[ -x "$bin" ] || make -s O="$O" "$bin" >&2 || { note "scrape: $bin could not be built"; return; }
	log "scrape: renders at 100, 1000, default and maximum series"
	"$bin" > "$TMP/scrape.txt" || { note "scrape: bench_scrape failed"; return; }
	while read -r _ metric value; do
		record scrape 1 lattop "$metric" "$value"
	done < "$TMP/scrape.txt"
}

# --- process churn: memory and CPU with the kernel map full -------------------

# lattop --json while up to CHURN_PROCS short-lived processes are spawned (for at
# most CHURN_SECONDS): every one brings a few dozen new (process, syscall) keys,
# so the kernel map fills, keys of exited processes age out and the model evicts.
# What it shows: that memory stays bounded with the default limits.
part_churn() {
	local pid n=0 end c0 c1 t0 t1

	[ -x "$LATTOP" ] || { note "churn: skipped: $LATTOP missing"; return; }
	warn_if_busy churn
	"$LATTOP" --json -i 1 --no-clients > /dev/null 2> "$TMP/churn.err" &
	pid=$!
	sleep 2
	kill -0 "$pid" 2>/dev/null || { note "churn: lattop did not start: $(head -c 200 "$TMP/churn.err")"; return; }
	c0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat"); t0=$(date +%s.%N)
	end=$((SECONDS + CHURN_SECONDS))
	while ((SECONDS < end && n < CHURN_PROCS)); do
		/bin/true
		n=$((n + 1))
	done
	sleep 3	# a few ticks after the load: keys age out
	c1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat"); t1=$(date +%s.%N)
	record churn 1 lattop procs "$n"
	record churn 1 lattop vmhwm_kib "$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")"
	record churn 1 lattop vmrss_kib "$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")"
	record churn 1 lattop cpu_pct "$(awk -v c=$((c1 - c0)) -v hz="$CLK_TCK" -v a="$t0" -v b="$t1" \
		'BEGIN { printf "%.2f", 100 * c / hz / (b - a) }')"
	log "churn: $n processes; lattop VmHWM $(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status") KiB"
	kill -INT "$pid"
	wait "$pid" 2>/dev/null
}

# --- BPF run-time profile ----------------------------------------------------

# "id name" of every BPF program a process holds.
bpf_prog_ids() {
	local f

	for f in /proc/"$1"/fdinfo/*; do
		awk '/^prog_id:/ { print $2 }' "$f" 2>/dev/null
	done | sort -un
}

# "id name run_time_ns run_cnt" for the given program ids.
bpf_prog_stats() {
	local id

	for id in "$@"; do
		bpftool -j prog show id "$id" 2>/dev/null |
			python3 -c 'import json, sys; p = json.load(sys.stdin); print(p["id"], p.get("name", "?"), p.get("run_time_ns", 0), p.get("run_cnt", 0))'
	done
}

part_profile() {
	local old cfg ids before after

	command -v bpftool > /dev/null || { note "profile: skipped: bpftool missing"; return; }
	[ -x "$STORM" ] || { note "profile: skipped: $STORM missing"; return; }
	old=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null) ||
		{ note "profile: skipped: no kernel.bpf_stats_enabled"; return; }
	# Statistics cost two clock reads per program run: never on during
	# the timed parts, and restored to what it was.
	sysctl -qw kernel.bpf_stats_enabled=1
	for cfg in floor lattop lattop-s16 bpftrace syscount; do
		tracer_available "$cfg" || continue
		start_tracer "$cfg" || { note "profile: $cfg could not be attached"; stop_tracer; continue; }
		check_foreign profile 1 "$cfg" before
		ids=$(bpf_prog_ids "$TRACER_PID")
		before=$(bpf_prog_stats $ids)
		storm_run > /dev/null
		after=$(bpf_prog_stats $ids)
		check_foreign profile 1 "$cfg" after
		stop_tracer
		# Mean ns per run of each program that ran on (nearly) every one
		# of the storm's syscalls, i.e. the hot path, not exec/exit hooks;
		# join gives "id name time0 count0 name time1 count1".
		join <(sort <<< "$before") <(sort <<< "$after") |
			awk -v cfg="$cfg" -v calls="$STORM_CALLS" '$7 - $4 >= calls / 2 {
				printf "profile\t1\t%s\t%s\t%.1f\n", cfg, $2, ($6 - $3) / ($7 - $4) }' >> "$RAW"
	done
	sysctl -qw kernel.bpf_stats_enabled="$old"
}

# --- perf profile ---------------------------------------------------------------

# Where a traced getppid's time goes, by kernel symbol: a sampling profile of
# the storm process (cpu-clock works without a hardware PMU, as in these VMs).
part_perf() {
	local cfg

	command -v perf > /dev/null || { log "perf: not installed; part skipped"; return; }
	[ -x "$STORM" ] || { note "perf: skipped: $STORM missing"; return; }
	for cfg in floor lattop bpftrace; do
		tracer_available "$cfg" || continue
		start_tracer "$cfg" || { note "perf: $cfg could not be attached"; stop_tracer; continue; }
		check_foreign perf 1 "$cfg" before
		# The storm process only, not whatever else shares its CPU.
		perf record -q -e cpu-clock -o "$TMP/perf.data" -- \
			"$STORM" "$STORM_CALLS" > /dev/null 2> "$TMP/perf.err" ||
			{ note "perf: record failed: $(tail -1 "$TMP/perf.err")"; stop_tracer; continue; }
		check_foreign perf 1 "$cfg" after
		stop_tracer
		perf report -q -i "$TMP/perf.data" --stdio --no-children --sort sym \
			--percent-limit 1.5 2> /dev/null | grep . > "$OUT/perf-$cfg.txt"
	done
}

# --- main ----------------------------------------------------------------------

main() {
	local part

	if [ "$(id -u)" != 0 ]; then
		echo "bench: needs root (BPF, nginx as root, bpf_stats)" >&2
		exit 1
	fi
	mkdir -p "$OUT"
	: > "$RAW"
	: > "$NOTES"
	[ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
		log "tracefs not mounted and cannot be: bpftrace and syscount need it"
	if [ ! -x "$FLOOR" ]; then
		make -s O="$O" "$FLOOR" >&2 || note "floor: $FLOOR could not be built"
	fi
	[ -x "$LATTOP" ] || note "lattop: $LATTOP not built; every lattop row is missing"
	log "results in $OUT"
	for part in $PARTS; do
		case $part in
		nginx) part_nginx ;;
		storm) part_storm ;;
		ui) part_ui ;;
		churn) part_churn ;;
		profile) part_profile ;;
		history) part_history ;;
		scrape) part_scrape ;;
		perf) part_perf ;;
		runq) O="$O" BENCH_STORM_CPU="$STORM_CPU" python3 "$HERE/runq_bench.py" "$OUT" ||
			note "runq: the run-queue bench failed" ;;
		uprobe)
			[ -x "$O/bench/uprobe_loop" ] || make -s O="$O" "$O/bench/uprobe_loop" >&2 ||
				note "uprobe: $O/bench/uprobe_loop could not be built"
			O="$O" BENCH_STORM_CPU="$STORM_CPU" python3 "$HERE/uprobe_bench.py" "$OUT" ||
				note "uprobe: the uprobe bench failed" ;;
		cgroup) O="$O" BENCH_STORM_CPU="$STORM_CPU" python3 "$HERE/cgroup_bench.py" "$OUT" ||
			note "cgroup: the cgroup attribution bench failed" ;;
		maps) O="$O" python3 "$HERE/map_cost.py" "$OUT" ||
			note "maps: the kernel memory and map-read bench failed" ;;
		block) O="$O" BENCH_OUT="$OUT/block" "$HERE/block.sh" || note "block: tests/bench/block.sh failed" ;;
		*) note "unknown part '$part'" ;;
		esac
	done
	{
		echo "# $(uname -r), $(nproc) CPUs, $(date -u +%FT%TZ)"
		echo "# rounds=$ROUNDS seconds=$SECS storm_rounds=$STORM_ROUNDS storm_calls=$STORM_CALLS" \
			"wrk=-t$WRK_THREADS/-c$WRK_CONNS ui_seconds=$UI_SECONDS ui_procs=$UI_PROCS"
	} > "$OUT/env.txt"
	python3 "$HERE/report.py" "$OUT"
	if ((FAILED)); then
		echo "bench: some measurements could not run (see above and $NOTES)" >&2
		exit 1
	fi
	exit 0
}

main "$@"

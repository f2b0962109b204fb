#!/usr/bin/env bash
# Runs every test tier and prints "N passed, N failed, N skipped".
# Tiers: unit (cmocka), unit under ASan/UBSan, ring stress under TSan,
# fuzz smoke (libFuzzer, bounded), cli (the binary on files and --simulate,
# no root), integration (real BPF), UI (tmux).
# Env: O (build dir, default build), FUZZ_SECONDS (default 15),
#      LATTOP_REQUIRE_BPF=1 (a skipped BPF test is a failure), TIERS (subset).
set -u
cd "$(dirname "$0")/.."
O=${O:-build}
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
TIERS=${TIERS:-"unit asan tsan fuzz cli integration ui"}
LOG=${LOG:-$O/test-logs}
mkdir -p "$LOG"
passed=0 failed=0 skipped=0 failures=()

# run NAME CMD...: exit 0 pass, 77 skip, anything else fail; output kept in $LOG.
run() {
	local name=$1; shift
	local log="$LOG/${name//\//_}.log" rc
	timeout -k 10 "${TEST_TIMEOUT:-600}" "$@" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1)); echo "PASS  $name"
	elif [ $rc -eq 77 ]; then
		if [ "${LATTOP_REQUIRE_BPF:-0}" = 1 ] && grep -q 'BPF\|root' "$log"; then
			failed=$((failed + 1)); failures+=("$name"); echo "FAIL  $name (skipped, but BPF is required)"
		else
			skipped=$((skipped + 1)); echo "SKIP  $name: $(tail -n 1 "$log")"
		fi
	else
		failed=$((failed + 1)); failures+=("$name"); echo "FAIL  $name (exit $rc)"
		tail -n 25 "$log" | sed 's/^/    /'
	fi
}

tier() { case " $TIERS " in *" $1 "*) return 0 ;; esac; return 1; }

# run_script NAME SCRIPT [ENV...]: a test script; one that lost its exec bit fails
# (it would otherwise vanish from the run without a word).
run_script() {
	local name=$1 script=$2; shift 2
	if [ ! -x "$script" ]; then
		failed=$((failed + 1)); failures+=("$name"); echo "FAIL  $name (not executable: chmod +x $script)"
		return
	fi
	run "$name" env "$@" "$script"
}

unit_bins() { find "$1/tests" -maxdepth 1 -type f -name 'test_*' -perm -u+x 2>/dev/null | sort; }

if tier unit; then
	echo "== unit"
	for t in $(unit_bins "$O"); do run "unit/$(basename "$t")" "$t"; done
fi

if tier asan; then
	echo "== unit, cli + integration under AddressSanitizer/UBSan"
	if make -s O=build-asan SANITIZE=address,undefined all test-unit helpers >"$LOG/asan-build.log" 2>&1; then
		export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
		for t in $(unit_bins build-asan); do run "asan/$(basename "$t")" "$t"; done
		run "asan/simulate-batch" sh -c "build-asan/lattop --simulate -b -i 0.1 -n 5 >/dev/null"
		run "asan/simulate-json" sh -c "build-asan/lattop --simulate --json -i 0.1 -n 5 | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]'"
		for t in tests/cli/test_* tests/integration/test_*.py; do
			run_script "asan/$(basename "$t")" "$t" O=build-asan LATTOP="build-asan/lattop"
		done
		# The dashboard too: a leak at exit (LeakSanitizer) fails the test (tests/ui/lib.sh).
		for t in tests/ui/test_*.sh; do
			run_script "asan/$(basename "$t")" "$t" O=build-asan ASAN_LOG_DIR="$LOG/asan-ui-$(basename "$t")"
		done
		unset ASAN_OPTIONS UBSAN_OPTIONS
	else
		failed=$((failed + 1)); failures+=("asan/build"); echo "FAIL  asan/build"; tail -n 20 "$LOG/asan-build.log"
	fi
fi

if tier tsan; then
	echo "== ring stress, collector and replay under ThreadSanitizer"
	if make -s O=build-tsan SANITIZE=thread build-tsan/tests/test_spsc_stress build-tsan/lattop \
		>"$LOG/tsan-build.log" 2>&1; then
		export TSAN_OPTIONS=halt_on_error=1
		run "tsan/test_spsc_stress" build-tsan/tests/test_spsc_stress
		# The collector thread and a consumer; then a replay, whose collector waits for its consumer.
		tsan_rec="$LOG/tsan-$$.rec"
		rm -f "$tsan_rec"
		run "tsan/simulate-record" build-tsan/lattop record --simulate --json -i 0.1 -n 20 -o "$tsan_rec"
		run "tsan/replay-json" sh -c "build-tsan/lattop replay '$tsan_rec' --speed 0 --json | wc -l | grep -qx 20"
		run "tsan/exporter-scrapes" tests/helpers/tsan_exporter.sh build-tsan/lattop
		rm -f "$tsan_rec"
		unset TSAN_OPTIONS
	else
		failed=$((failed + 1)); failures+=("tsan/build"); echo "FAIL  tsan/build"; tail -n 20 "$LOG/tsan-build.log"
	fi
fi

if tier fuzz; then
	echo "== fuzz smoke (${FUZZ_SECONDS}s each)"
	if make -s fuzz >"$LOG/fuzz-build.log" 2>&1; then
		for f in "$O"/fuzz/fuzz_*; do
			[ -x "$f" ] || continue
			n=$(basename "$f"); corpus=tests/fuzz/corpus/${n#fuzz_}
			work="$O/fuzz-work/${n#fuzz_}"; mkdir -p "$work"
			[ -d "$corpus" ] || corpus=
			run "fuzz/$n" "$f" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=1024 \
				-artifact_prefix="$work/" "$work" $corpus
		done
	else
		failed=$((failed + 1)); failures+=("fuzz/build"); echo "FAIL  fuzz/build"; tail -n 20 "$LOG/fuzz-build.log"
	fi
fi

if tier cli; then
	echo "== cli (no root: files, --simulate, exit codes)"
	for t in tests/cli/test_*; do
		run_script "cli/$(basename "$t")" "$t"
	done
fi

if tier integration; then
	echo "== integration (real BPF)"
	for t in tests/integration/test_*; do
		run_script "integration/$(basename "$t")" "$t"
	done
fi

if tier ui; then
	echo "== UI (tmux)"
	for t in tests/ui/test_*.sh; do
		run_script "ui/$(basename "$t")" "$t"
	done
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ] || { echo "failed: ${failures[*]}"; exit 1; }

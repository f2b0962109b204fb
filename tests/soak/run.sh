#!/usr/bin/env bash
# The soak and fault suite (`make soak`; not part of `make test`): live lattop
# under a client-address flood, process churn, signal storms in every output
# mode, the dashboard's signals and tty loss, full filesystems, closed stdio,
# low ulimit -n and three instances at once. Prints a table of every check
# (PASS/FAIL with its figure) and exits 1 if any failed.
# Env: SOAK_SECONDS (whole soak, default 600, split across the parts),
#      O (build dir), LATTOP (binary override), SOAK_PARTS (subset:
#      "flood churn signals dashboard faults multi"), SOAK_RSS_MIB (default 64).
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
export O=${O:-build}
SOAK_SECONDS=${SOAK_SECONDS:-600}
PARTS=${SOAK_PARTS:-"flood churn signals dashboard faults multi"}
LOG=$O/soak-logs
mkdir -p "$LOG"
RESULTS=$LOG/results.tsv
: >"$RESULTS"
export SOAK_RESULTS=$ROOT/$RESULTS
case $O in /*) SOAK_RESULTS=$RESULTS ;; esac

lattop=${LATTOP:-$O/lattop}
for f in "$lattop" "$O/soak/soak_flood" "$O/soak/soak_churn" "$O/tests/syscall_truth"; do
	[ -x "$f" ] || { echo "soak: $f is not built: run 'make soak' (O=$O)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "soak: needs root (live BPF, a tmpfs mount)" >&2; exit 77; }

# Shares of SOAK_SECONDS (faults runs a fixed set of bounded cases, ~40 s).
share() { # PERCENT MINIMUM
	local s=$((SOAK_SECONDS * $1 / 100))
	[ $s -lt $2 ] && s=$2
	echo $s
}

child=
on_stop() {
	[ -n "$child" ] && kill -TERM "$child" 2>/dev/null
	wait 2>/dev/null
	exit 1
}
trap on_stop INT TERM HUP

# part NAME SECONDS CMD...: one driver, bounded by SECONDS + a margin.
part() {
	local name=$1 secs=$2 rc; shift 2
	case " $PARTS " in *" $name "*) ;; *) return ;; esac
	echo "== $name (${secs} s)"
	SOAK_PART_SECONDS=$secs timeout -k 10 $((secs + 180)) "$@" >"$LOG/$name.log" 2>&1 &
	child=$!
	wait "$child"
	rc=$?
	child=
	grep -E '^(PASS|FAIL|INFO)  ' "$LOG/$name.log" | sed 's/^/  /'
	if [ $rc = 77 ]; then
		printf '%s\tdriver\tSKIP\t%s\n' "$name" "$(tail -n 1 "$LOG/$name.log")" >>"$RESULTS"
	elif [ $rc != 0 ]; then
		printf '%s\tdriver ran to the end\tFAIL\texit %s (see %s)\n' "$name" "$rc" "$LOG/$name.log" >>"$RESULTS"
		tail -n 15 "$LOG/$name.log" | sed 's/^/    /'
	fi
}

t0=$SECONDS
started=$(date -u '+%Y-%m-%d %H:%M UTC')
part flood "$(share 30 25)" tests/soak/flood.py flood
part churn "$(share 20 22)" tests/soak/flood.py churn
part signals "$(share 25 30)" tests/soak/signals.py
part dashboard "$(share 10 30)" tests/soak/ui.sh
part faults 0 tests/soak/faults.sh
part multi "$(share 5 10)" tests/soak/multi.py

echo
echo "Soak of $started, SOAK_SECONDS=$SOAK_SECONDS, took $((SECONDS - t0)) s, $(uname -r), $(nproc) cores:"
echo
echo "| area | check | result | figures |"
echo "| --- | --- | --- | --- |"
awk -F'\t' '{ gsub(/\|/, "\\|", $4); printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$RESULTS"
pass=$(awk -F'\t' '$3 == "PASS"' "$RESULTS" | wc -l)
fail=$(awk -F'\t' '$3 == "FAIL"' "$RESULTS" | wc -l)
skip=$(awk -F'\t' '$3 == "SKIP"' "$RESULTS" | wc -l)
echo
echo "$pass passed, $fail failed, $skip skipped (logs in $LOG)"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]

#!/usr/bin/env bash
# Soak: every file lattop writes on a full filesystem (a 64 KiB tmpfs mounted
# here, filled: full, or one page left so that writing stops mid-file), closed
# stdio (>&- <&- 2>&-), /dev/full as stdout, low `ulimit -n`.
# Wanted (issue #10 parts 2 and 3): one clear line naming the file (or
# stdout), exit 1 when an output failed, no partial rows or files; a closed
# stdio descriptor never becomes an output file.
# One row per check in $SOAK_RESULTS. Bounded: every lattop run is -n N or timed out.
SOAK_LATTOP=${LATTOP:-}
. "$(dirname "$0")/../ui/lib.sh"
SOAKLIB=$ROOT/tests/soak/soaklib.py
RESULTS=${SOAK_RESULTS:-/dev/null}
if [ -n "$SOAK_LATTOP" ]; then
	case $SOAK_LATTOP in /*) LATTOP=$SOAK_LATTOP ;; *) LATTOP=$ROOT/$SOAK_LATTOP ;; esac
	ln -sf "$LATTOP" "$LATTOP_TAGGED"
fi
[ "$(id -u)" = 0 ] || { echo "SKIP: not root: the soak runs live BPF and mounts a tmpfs"; exit 77; }
[ -x "$LATTOP" ] || { echo "FAIL: $LATTOP not built"; exit 1; }

MNT=$TMPD/full
W=$TMPD/work
mkdir -p "$MNT" "$W"
TRAFFIC_PID=
soak_cleanup() {
	[ -n "$TRAFFIC_PID" ] && kill "$TRAFFIC_PID" 2>/dev/null
	mountpoint -q "$MNT" && umount "$MNT"
	cleanup
}
trap soak_cleanup EXIT
trap 'exit 1' INT TERM HUP

res() { # CHECK PASS|FAIL FIGURE
	printf 'faults\t%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RESULTS"
	echo "$2  faults: $1  ($3)"
}
pf() { [ "${1:-}" = 1 ] && echo PASS || echo FAIL; }
# One line, at most 160 characters, for the table.
oneline() { tr '\n' '|' <"$1" | cut -c1-160; }
# L ARGS...: lattop bounded in time; stdout/stderr in $W/out, $W/err; rc in $rc.
L() { timeout -k 5 30 "$LATTOP" "$@" >"$W/out" 2>"$W/err"; rc=$?; }
replay_problem() { # FILE: "" when it replays clean
	local out
	out=$(timeout 60 "$LATTOP" replay "$1" --speed 0 --json 2>&1 >/dev/null) || { echo "replay exit $?: $out" | cut -c1-120; return; }
	[ -z "$out" ] || echo "replay warns: $out" | cut -c1-120
}

# fill LEAVE_KIB: a fresh 64 KiB tmpfs, full but for LEAVE_KIB.
fill() {
	mountpoint -q "$MNT" && umount "$MNT"
	mount -t tmpfs -o size=64k,mode=0755 tmpfs "$MNT" || return 1
	dd if=/dev/zero of="$MNT/.fill" bs=4k 2>/dev/null
	[ "$1" -gt 0 ] && truncate -s "-$1K" "$MNT/.fill"
	sync
}

# Loopback traffic so that --csv has rows to write.
"$O/soak/soak_flood" $((20000 + $$ % 1000)) 128 1000000 600 2000 <<<go >/dev/null &
TRAFFIC_PID=$!

# --- full filesystems -----------------------------------------------------
if fill 0 && fill 4; then
	for leave in 0 4; do
		what=$([ $leave = 0 ] && echo "full" || echo "one page left")
		# --csv: the error once with the file's name, exit 1, only whole rows.
		fill $leave
		L -b -i 0.25 -n 8 --csv "$MNT/c.csv"
		named=$(grep -c 'c\.csv' "$W/err")
		rows=$(python3 "$SOAKLIB" csv "$MNT/c.csv")
		# Not even the header fits: lattop removes the file it created (no empty CSV left).
		[ "$rows" = "no CSV file" ] && grep -q "cannot write the header" "$W/err" && rows=
		res "--csv on a $what filesystem: exit 1, named once, whole rows" \
			"$(pf $([ $rc = 1 ] && [ "$named" = 1 ] && [ -z "$rows" ] && echo 1))" \
			"exit $rc, $named stderr lines name c.csv: '$(oneline "$W/err")'; file $(stat -c %s "$MNT/c.csv" 2>/dev/null || echo none) bytes${rows:+: $rows}"
		# record: the message names the file; what was written still replays.
		fill $leave
		L record -o "$MNT/r.rec" -i 0.25 -n 8
		named=$(grep -c 'r\.rec' "$W/err")
		rp=$([ -e "$MNT/r.rec" ] && [ -s "$MNT/r.rec" ] && replay_problem "$MNT/r.rec")
		res "record -o on a $what filesystem: exit 1, names the file" \
			"$(pf $([ $rc = 1 ] && [ "$named" -ge 1 ] && echo 1))" \
			"exit $rc: '$(oneline "$W/err")'"
	done
	# The snapshot key: the right file named, no partial files left.
	for leave in 0 4; do
		fill $leave
		want=$([ $leave = 0 ] && echo txt || echo json)
		start 100 30 -i 0.5 --snapshot-dir "$MNT"
		if screen_has F Syscalls 15; then
			sleep 1
			keys s
			screen_has E "snapshot.*\\.$want" 5
			status=$(capture | grep -m1 'snapshot' | sed 's/  */ /g' | cut -c1-140)
			left=$(cd "$MNT" && ls lattop-* 2>/dev/null | tr '\n' ' ')
			wrong=$(echo "$status" | grep -c "\\.$([ $want = txt ] && echo json || echo txt)")
			res "snapshot key, $([ $leave = 0 ] && echo "full" || echo "one page left"): names the .$want, leaves no files" \
				"$(pf $(echo "$status" | grep -q "\\.$want" && [ "$wrong" = 0 ] && [ -z "$left" ] && echo 1))" \
				"status '${status:-none}'; files left: ${left:-none}"
		else
			res "snapshot key on a full filesystem" FAIL "the dashboard never showed"
		fi
		t kill-server 2>/dev/null
		tagged_gone 5 >/dev/null
	done
	umount "$MNT"
else
	res "full filesystems" FAIL "cannot mount a 64 KiB tmpfs on $MNT"
fi

# --- closed stdio -----------------------------------------------------------
cd "$W" || exit 1
rm -f a.rec c.csv r*.rec c*.csv
L0() { timeout -k 5 30 sh -c "$1" 2>"$W/err"; rc=$?; }
L0 "exec '$LATTOP' record -o a.rec --json -n 2 -i 0.5 >&-"
rp=$([ -e a.rec ] && replay_problem a.rec)
res "record --json with stdout closed: 'stdout is closed', exit 1, file clean" \
	"$(pf $([ $rc = 1 ] && grep -q 'stdout is closed' "$W/err" && [ -z "$rp" ] && echo 1))" \
	"exit $rc: '$(oneline "$W/err")'; a.rec $([ -e a.rec ] && echo "$(stat -c %s a.rec) bytes${rp:+, $rp}" || echo "not created")"
L0 "exec '$LATTOP' --csv c.csv -b -n 2 -i 0.5 >&-"
cp=$([ -e c.csv ] && python3 "$SOAKLIB" csv c.csv)
res "--csv -b with stdout closed: 'stdout is closed', exit 1, no report in the CSV" \
	"$(pf $([ $rc = 1 ] && grep -q 'stdout is closed' "$W/err" && [ -z "$cp" ] && echo 1))" \
	"exit $rc: '$(oneline "$W/err")'; c.csv $([ -e c.csv ] && echo "$(stat -c %s c.csv) bytes${cp:+: $cp}" || echo "not created")"
L0 "exec '$LATTOP' record -o r1.rec -n 2 -i 0.2 >&-"
rp=$(replay_problem r1.rec)
res "record (quiet) with stdout closed: exit 0, replays clean" "$(pf $([ $rc = 0 ] && [ -z "$rp" ] && echo 1))" \
	"exit $rc: '$(oneline "$W/err")'${rp:+; $rp}"
L0 "exec '$LATTOP' --json -n 2 -i 0.2 <&- >j.out"
jp=$(python3 "$SOAKLIB" jsonl j.out 2)
res "--json with stdin closed: exit 0, 2 whole ticks" "$(pf $([ $rc = 0 ] && [ -z "$jp" ] && echo 1))" "exit $rc${jp:+; $jp}"
L0 "exec '$LATTOP' record -o r2.rec -n 2 -i 0.2 <&-"
rp=$(replay_problem r2.rec)
res "record with stdin closed: exit 0, replays clean" "$(pf $([ $rc = 0 ] && [ -z "$rp" ] && echo 1))" "exit $rc${rp:+; $rp}"
timeout -k 5 30 sh -c "exec '$LATTOP' record -o r3.rec -n 2 -i 0.2 2>&-"; rc=$?
rp=$(replay_problem r3.rec)
res "record with stderr closed: exit 0, no message in the recording" "$(pf $([ $rc = 0 ] && [ -z "$rp" ] && echo 1))" "exit $rc${rp:+; $rp}"
timeout -k 5 30 sh -c "exec '$LATTOP' --csv c3.csv -b -n 2 -i 0.2 2>&- >/dev/null"; rc=$?
cp=$(python3 "$SOAKLIB" csv c3.csv)
res "--csv with stderr closed: exit 0, whole rows" "$(pf $([ $rc = 0 ] && [ -z "$cp" ] && echo 1))" "exit $rc${cp:+; $cp}"

# --- /dev/full as stdout ----------------------------------------------------
for mode in --json -b; do
	L0 "exec '$LATTOP' $mode -n 3 -i 0.2 >/dev/full"
	res "$mode >/dev/full: exit 1, one line naming stdout" \
		"$(pf $([ $rc = 1 ] && [ "$(wc -l <"$W/err")" = 1 ] && grep -q 'stdout' "$W/err" && echo 1))" \
		"exit $rc: '$(oneline "$W/err")'"
done

# --- low ulimit -n: works, or says what is wrong (not "Invalid argument") -------
for n in 10 16; do
	for mode in json record; do
		rm -f u.rec u.out
		if [ $mode = json ]; then
			# bash: dash itself needs descriptors above 10 for a redirection.
			timeout -k 5 30 bash -c "ulimit -n $n && exec '$LATTOP' --json -n 2 -i 0.2" >u.out 2>"$W/err"
			rc=$?
			bad=$(python3 "$SOAKLIB" jsonl u.out 2)
		else
			timeout -k 5 30 bash -c "ulimit -n $n && exec '$LATTOP' record -o u.rec -n 2 -i 0.2" 2>"$W/err"
			rc=$?
			bad=$(replay_problem u.rec)
		fi
		if [ $rc = 0 ]; then
			ok=$([ -z "$bad" ] && echo 1)
		else
			# record may add its "recorded 0 ticks" line.
			ok=$([ $rc = 1 ] && [ "$(grep -vc '^lattop: recorded' "$W/err")" = 1 ] &&
				grep -qiE 'open files|descriptor|ulimit|RLIMIT_NOFILE' "$W/err" &&
				! grep -q 'Invalid argument' "$W/err" && echo 1)
		fi
		res "ulimit -n $n, $mode: works or says why" "$(pf "$ok")" \
			"exit $rc: '$(oneline "$W/err")'${bad:+; $bad}"
	done
done
exit 0

#!/usr/bin/env bash
# Issue 15, cgroups in the dashboard, over the simulation's five cgroups
# (nginx.service, docker:<12 hex>, pod:<uid>/<12 hex>, the root "/", and a
# hostile name with ESC [2J and BEL in it), at 80x24 and 200x50 and a resize:
# the CGROUP column of the processes (and, wide, clients) table; the
# Containers pane on g with the same cgroups, in the same order by calls, as
# `lattop --simulate --json` of the same seed (its "cgroups" array, when the
# JSON has one; else the rows' "cgroup" names, else the known simulated set);
# Enter on a cgroup shows only its processes (filter cg:NAME) and Esc comes
# back; G picks a cgroup and sets the cg: term; the hostile name reaches
# neither the terminal nor the snapshot file as control bytes.
. "$(dirname "$0")/lib.sh"

SEED=1
DOCKER_RE='docker:[0-9a-f]{12}'
POD_RE='pod:[0-9a-f]{8}/[0-9a-f]{12}'
EVIL_SHOWN='/lattop-sim/evil?[2J?name'	# ESC and BEL each shown as '?'

# The simulated cgroups from the JSON of the same seed: "name calls" lines, by calls
# descending (sanitised as the screen shows them: control bytes as '?').
json_cgroups() {
	"$LATTOP" --simulate --seed "$SEED" --json -n 3 -i 0.2 2>/dev/null | tail -n 1 | python3 -c '
import json, re, sys
d = json.loads(sys.stdin.read())
clean = lambda s: re.sub(r"[\x00-\x1f\x7f]", "?", s)
sums = {}
if isinstance(d.get("cgroups"), list):
    for c in d["cgroups"]:
        if c.get("id"):
            sums[clean(c.get("name") or c.get("path") or "")] = c.get("calls", 0)
else:
    for r in d.get("syscalls", []):
        name = r.get("cgroup")
        if name is None:
            sys.exit(3)	# no cgroups in this JSON yet
        if name:
            sums[clean(name)] = sums.get(clean(name), 0) + r.get("count", 0)
for n, c in sorted(sums.items(), key=lambda kv: -kv[1]):
    print(n, c)
'
}

# The Containers pane's rows: "name" per line, top to bottom (200 columns: at the line start).
pane_cgroups() {
	capture | sed -n '/ Containers  /,$p' | sed -n '3,$p' |
		grep -oE "^(nginx\.service|$DOCKER_RE|$POD_RE|/lattop-sim/evil\?\[2J\?name|/) " | sed 's/ $//'
}

# --- the set of cgroups the JSON knows, or the simulation's known five
if json_cgroups >"$TMPD/json.txt"; then
	[ "$(wc -l <"$TMPD/json.txt")" -eq 5 ] ||
		fail "JSON of seed $SEED: want 5 cgroups, got: $(cat "$TMPD/json.txt")"
	HAVE_JSON=1
	ok "JSON (seed $SEED) names 5 cgroups: $(cut -d' ' -f1 "$TMPD/json.txt" | tr '\n' ' ')"
else
	HAVE_JSON=0
	echo "note: this build's JSON carries no cgroups yet: checking the known simulated set"
fi

# ---------------------------------------------------------------- 200x50
mkdir -p "$TMPD/snaps"
start 200 50 --simulate --seed "$SEED" --no-color --snapshot-dir "$TMPD/snaps"
wait_for "futex"
wait_match 'PID COMMAND +CALLS/s +P99 +CGROUP'
wait_match "^ +[0-9]+ nginx +[0-9.k]+ +[0-9.]+[mun]?s +nginx\.service "
wait_match "^ +[0-9]+ postgres +[0-9.k]+ +[0-9.]+[mun]?s +$DOCKER_RE "
wait_match "^ +[0-9]+ redis-server +[0-9.k]+ +[0-9.]+[mun]?s +$POD_RE "
wait_match "^ +[0-9]+ sshd +[0-9.k]+ +[0-9.]+[mun]?s +/ "
wait_match "^ +2301 java +[0-9.k]+ +[0-9.]+[mun]?s +/lattop-sim/evil\?\[2J\?name "
ok "200x50: the processes table's CGROUP column names each process's cgroup"
# The clients table (own area when wide): a CGROUP column too.
wait_match "CGROUP +PROCESS"
wait_match "nginx\.service +[0-9]+ nginx"
ok "200x50: the clients table has a CGROUP column"

# The hostile name: sanitised on screen; the clear-screen never ran (the frame is intact).
t capture-pane -e -p >"$TMPD/screen.esc"
if LC_ALL=C grep -qP '\x07|\x1b\[2J' "$TMPD/screen.esc"; then fail "BEL or ESC[2J reached the terminal"; fi
capture | grep -qF "Syscalls  sort:" || fail "the frame is broken (cleared?)"
ok "200x50: the hostile cgroup name is shown as $EVIL_SHOWN, no control bytes reached the terminal"

keys g
wait_for "Containers  5 cgroups  sort:calls"
wait_match '^CGROUP +PROCS +CALLS/s +ERR/s +P99 +SLOWEST +REQ/s'
wait_match '^nginx\.service +3 +[0-9.k]+ +[0-9.k]+ +[0-9.]+[mun]?s +[a-z0-9_]+ +[0-9.k]+ '
wait_match "^$DOCKER_RE +2 +[0-9.k]+ +[0-9.k]+ +[0-9.]+[mun]?s +fsync "
pane_cgroups >"$TMPD/pane.txt"
[ "$(wc -l <"$TMPD/pane.txt")" -eq 5 ] || fail "Containers pane: want 5 cgroups, got: $(cat "$TMPD/pane.txt")"
if [ "$HAVE_JSON" = 1 ]; then
	diff <(sort "$TMPD/pane.txt") <(cut -d' ' -f1 "$TMPD/json.txt" | sort) >/dev/null ||
		fail "Containers pane and JSON name different cgroups: $(cat "$TMPD/pane.txt") vs $(cat "$TMPD/json.txt")"
	# The order by calls, where the JSON's calls differ by more than a quarter (ticks vary).
	prev_name='' prev_calls=0
	while read -r name calls; do
		if [ -n "$prev_name" ] && [ "$calls" -gt 0 ] && [ $((prev_calls * 4)) -gt $((calls * 5)) ]; then
			a=$(grep -nxF -- "$prev_name" "$TMPD/pane.txt" | cut -d: -f1)
			b=$(grep -nxF -- "$name" "$TMPD/pane.txt" | cut -d: -f1)
			[ "$a" -lt "$b" ] || fail "pane orders $name above $prev_name; JSON has $prev_calls > $calls calls"
		fi
		prev_name=$name prev_calls=$calls
	done <"$TMPD/json.txt"
	ok "200x50: the Containers pane lists the JSON's cgroups, in its order by calls"
else
	for want in nginx.service / "$EVIL_SHOWN"; do
		grep -qxF -- "$want" "$TMPD/pane.txt" || fail "Containers pane lacks $want"
	done
	grep -qxE "$DOCKER_RE" "$TMPD/pane.txt" || fail "Containers pane lacks a docker: cgroup"
	grep -qxE "$POD_RE" "$TMPD/pane.txt" || fail "Containers pane lacks a pod: cgroup"
	ok "200x50: the Containers pane lists the five simulated cgroups"
fi
# By calls: the CALLS/s column never grows down the pane.
capture | sed -n '/ Containers  /,$p' | sed -n '3,7p' | awk '{ v = $3; if (v ~ /k$/) { sub(/k$/, "", v); v = v * 1000 }
	if (NR > 1 && v + 0 > prev + 0) bad = 1; prev = v } END { exit bad }' ||
	fail "Containers pane not sorted by calls"
ok "200x50: sorted by CALLS/s"

# Enter on nginx.service: only its processes (three nginx), filter cg:nginx.service; Esc: back.
keys F3
keys -l "nginx.service"
keys Enter
sleep 0.3
keys Enter
wait_for "filter: cg:nginx.service"
wait_for "Processes  sort:"
sleep 1.2	# a tick with the filter
procs=$(capture | sed -n '/ Processes  sort:/,/ Clients  sort:/p' | grep -E '^ +[0-9]+ [a-z]' || true)
[ "$(wc -l <<<"$procs")" -eq 3 ] || fail "cg:nginx.service: want 3 processes, got: $procs"
grep -qvE '^ +[0-9]+ nginx +[0-9.k]+ +[0-9.]+[mun]?s +nginx\.service ' <<<"$procs" && fail "cg:nginx.service shows other rows: $procs"
ok "200x50: Enter on nginx.service shows its 3 nginx processes only (filter cg:nginx.service)"
keys Enter	# a process: its syscalls
wait_match "Syscalls of nginx\[120[123]\]"
keys Escape
wait_for "Processes  sort:"
keys Escape
wait_for "Containers  5 cgroups"
wait_for "filter: (none)"
ok "200x50: Enter on a process, then Esc Esc back to the Containers pane, filter restored"

# G: the picker; type-ahead "pod", Enter: the cg: term of the pod's container.
keys G
wait_for "Pick a cgroup"
keys -l "docker"
sleep 0.3
keys Enter
wait_match "filter: cg:$DOCKER_RE"
sleep 1.2
rows=$(capture | sed -n '/ Containers  /,$p' | sed -n '3,$p' | grep -oE "^($DOCKER_RE|nginx\.service|$POD_RE|/[^ ]*) " || true)
[ "$(wc -l <<<"$rows")" -eq 1 ] && grep -qE "^$DOCKER_RE" <<<"$rows" ||
	fail "after G docker: the pane shows: $rows"
ok "200x50: G picks a cgroup and sets the cg: term; the pane narrows to it"
keys /
keys C-u Enter
wait_for "filter: (none)"

# The snapshot file: the hostile name sanitised, no control bytes.
keys s
wait_for "snapshot: "
for f in "$TMPD"/snaps/*.txt; do
	[ -e "$f" ] || fail "no text snapshot written"
	if LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]' "$f"; then fail "$(basename "$f") has control bytes"; fi
	grep -qF -- "$EVIL_SHOWN" "$f" || fail "$(basename "$f") lacks the sanitised name"
done
ok "200x50: the text snapshot carries the sanitised name, no control bytes"
t kill-server
tagged_gone 5 >/dev/null

# ---------------------------------------------------------------- 80x24, then a resize
start 80 24 --simulate --seed "$SEED" --no-color
wait_for "futex"
wait_match 'PID COMMAND +CALLS/s +P99 +CGROUP'
wait_match ' nginx +[0-9.k]+ +[0-9.]+[mun]?s +ngin(x\.service|.?(…|~)[a-z.]*ice)$'
# 80 columns: CGROUP in SLOWEST's place, 10 cells: names keep head and tail around the cut.
wait_match ' postgres +[0-9.k]+ +[0-9.]+[mun]?s +dock[:0-9a-f]*(…|~)[0-9a-f]+$'
wait_match ' java +[0-9.k]+ +[0-9.]+[mun]?s +/lat[a-z-]*(…|~)[^ ]*me$'
ok "80x24: CGROUP column, long names cut head…tail"
keys g
wait_for "Containers  5 cgroups"
wait_match '(^| )nginx\.service +3 +[0-9]'
wait_match "(^| )/ +1 +[0-9]"
ok "80x24: the Containers pane fits (CGROUP PROCS CALLS/s P99 SLOWEST)"
t resize-window -x 200 -y 50 2>/dev/null || t resize-pane -x 200 -y 50
wait_match '^CGROUP +PROCS +CALLS/s +ERR/s +P99 +SLOWEST +REQ/s'
wait_match "^$POD_RE +1 "
t resize-window -x 80 -y 24 2>/dev/null || t resize-pane -x 80 -y 24
wait_for "Containers  5 cgroups"
kill -0 "$LATTOP_PID" 2>/dev/null || fail "lattop died on resize"
ok "resize 80x24 -> 200x50 -> 80x24: the Containers pane follows"
keys Enter	# the top cgroup (the hostile one, java's): its processes
wait_match 'filter: cg:[^ ]*evil'
wait_match ' java +[0-9.k]+ +[0-9.]+[mun]?s +/lat'
capture | grep -qE ' (nginx|postgres|redis-server|sshd) ' && fail "80x24: other processes under the hostile cgroup's filter"
ok "80x24: Enter on the top cgroup: its one process"
keys q

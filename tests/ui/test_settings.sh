#!/usr/bin/env bash
# Issue 11 point 9 at 80x24 and 200x50, over the simulation, with the
# settings file in the test's own $XDG_CONFIG_HOME:
#  - F2 changes theme, interval, waits view and hides a column; closing saves
#    them (0600, "settings saved to PATH"); a change after that is saved on quit;
#  - the next start applies them (header interval, waits view, column gone,
#    sort), and quitting without a change leaves the file as it was;
#  - -i 2 wins over the file's interval and is not written to it;
#  - --no-config and record --ui ignore the file and never write it;
#  - a bad line shows "lattoprc:N:" on the status line, the other lines apply;
#  - thresholds (slo) from the file, replaced by --slo for the run;
#  - a symlink planted at the path is neither read nor written through.
. "$(dirname "$0")/lib.sh"

syscalls_head() { capture | grep -m1 '^SYSCALL ' || true; }
sum() { md5sum "$1" | cut -d' ' -f1; }
quit() {
	keys q
	pid_gone "$LATTOP_PID" || fail "$1: q did not quit"
	t kill-server 2>/dev/null
}

for size in 80x24 200x50; do
	cols=${size%x*} rows=${size#*x}
	CFG=$TMPD/cfg-$size
	RC=$CFG/lattop/lattoprc
	UI_ENV="XDG_CONFIG_HOME='$CFG'"

	# --- no file yet: defaults; F2 changes four settings and saves on close.
	start "$cols" "$rows" --simulate --seed 3
	wait_for "every 1s"
	wait_for "view:WORK (w: +waits)"
	syscalls_head | grep -qw MAX || fail "$size: MAX not shown to start with"
	keys F2
	wait_for "Setup:"
	wait_for "theme           < default >"
	keys Right
	wait_for "theme           < basic >"
	keys Down Left
	wait_for "interval        < 0.5s >"
	wait_for "every 0.5s"	# applied at once, not only on save
	keys Down Down Down Down Right
	wait_for "waits           < on >"
	keys Down Enter
	wait_for "Columns of the syscalls table"
	keys Down Down Down Down Down Space
	wait_for "[ ] MAX"
	sleep 0.1
	keys Escape
	wait_for "hide.syscalls     MAX"
	[ -e "$RC" ] && fail "$size: saved before the setup screen closed"
	sleep 0.1
	keys Escape
	wait_for "settings saved to $RC"
	wait_gone "Setup:"
	[ "$(stat -c %a "$RC")" = 600 ] || fail "$size: mode $(stat -c %a "$RC"), want 600"
	[ "$(stat -c %a "$CFG/lattop")" = 700 ] || fail "$size: directory mode $(stat -c %a "$CFG/lattop")"
	grep -qx "theme = basic" "$RC" || fail "$size: theme not saved: $(cat "$RC")"
	grep -qx "interval = 0.5" "$RC" || fail "$size: interval not saved"
	grep -qx "waits = on" "$RC" || fail "$size: waits not saved"
	# MAX, and P99~ (off by default) after it.
	grep -qE '^hide\.syscalls = MAX(,? ?P99~)?$' "$RC" || fail "$size: hidden column not saved: $(grep hide "$RC")"
	syscalls_head | grep -qw MAX && fail "$size: MAX still shown after hiding it"
	ok "$size: F2 changed theme, interval, waits, a column; saved on close, 0600 in a 0700 dir"

	# A change outside the setup screen is saved on quit.
	keys I
	wait_for "sort:time asc"
	quit "$size"
	grep -qx "sort.syscalls = time asc" "$RC" || fail "$size: sort not saved on quit: $(cat "$RC")"
	ok "$size: a change made with a plain key (I) saved on quit"

	# --- the next start applies the file; quitting unchanged leaves it alone.
	before=$(sum "$RC")
	touch -d '2000-01-01' "$RC"
	start "$cols" "$rows" --simulate --seed 3
	wait_for "every 0.5s"
	wait_for "view:WORK+WAITS (w: work)"
	wait_for "sort:time asc"
	wait_for "SYSCALL"
	syscalls_head | grep -qw MAX && fail "$size: the saved hidden column is shown"
	syscalls_head | grep -qw P99 || fail "$size: the other columns went too: $(syscalls_head)"
	keys F2
	wait_for "theme           < basic >"
	keys Escape
	wait_for "settings unchanged"
	quit "$size"
	[ "$(sum "$RC")" = "$before" ] || fail "$size: an unchanged session rewrote the file"
	[ "$(stat -c %Y "$RC")" = "$(date -d 2000-01-01 +%s)" ] || fail "$size: file rewritten"
	ok "$size: settings applied at the next start (interval, waits view, hidden column, sort)"

	# --- the command line wins, and is not written to the file.
	start "$cols" "$rows" --simulate --seed 3 -i 2
	wait_for "every 2s"
	sleep 0.3
	capture | grep -qF "every 0.5s" && fail "$size: the file's interval beat -i 2"
	keys w	# a real change, so that quitting writes the file
	wait_for "view:WORK (w: +waits)"
	quit "$size"
	grep -qx "interval = 0.5" "$RC" || fail "$size: -i 2 leaked into the file: $(cat "$RC")"
	grep -qx "waits = off" "$RC" || fail "$size: waits change not saved"
	ok "$size: -i 2 wins over the file's interval and stays out of it"

	# --- record --ui: a recording never depends on the file (its interval above all).
	start "$cols" "$rows" record --simulate --seed 3 --ui -o "'$TMPD/rec-$size.rec'"
	wait_for "every 1s"
	capture | grep -qF "view:WORK+WAITS" && fail "$size: record --ui read the file's waits"
	keys w
	quit "$size"
	grep -qx "waits = off" "$RC" || fail "$size: record --ui wrote the file"
	ok "$size: record --ui neither reads nor writes the file"

	# --- --no-config: defaults, nothing written.
	before=$(sum "$RC")
	start "$cols" "$rows" --simulate --seed 3 --no-config
	wait_for "every 1s"
	wait_for "sort:time "
	capture | grep -qF "sort:time asc" && fail "$size: --no-config read the file's sort"
	syscalls_head | grep -qw MAX || fail "$size: --no-config applied the file's hidden column"
	keys F2
	wait_for "file: none (--no-config"
	keys Right Escape
	wait_for "settings not saved: --no-config"
	keys w
	quit "$size"
	[ "$(sum "$RC")" = "$before" ] || fail "$size: --no-config wrote the file"
	ok "$size: --no-config neither reads nor writes the file"

	# --- a bad line: FILE:LINE on the status line, the rest applies.
	echo "colour = red" >>"$RC"
	n=$(wc -l <"$RC")
	start "$cols" "$rows" --simulate --seed 3
	wait_for "lattoprc:$n: unknown key 'colour'"
	wait_for "every 0.5s"
	keys F2
	wait_for "lattoprc:$n: unknown key 'colour'"	# the setup screen lists it too
	keys Escape
	quit "$size"
	ok "$size: a bad line reported as lattoprc:$n:, the other lines applied"

	# --- thresholds: the file's, unless --slo is given.
	echo "slo = p99(read) < 10ms" >>"$RC"
	start "$cols" "$rows" --simulate --seed 3
	keys F2
	wait_for "slo: 1 threshold from the file"
	wait_for "p99(read) < 10ms"
	keys Escape
	quit "$size"
	start "$cols" "$rows" --simulate --seed 3 --slo "'p99(write)<1ms'"
	keys F2
	wait_for "slo: 1 threshold from --slo"
	wait_for "p99(write) < 1ms"
	capture | grep -qF "p99(read) < 10ms" && fail "$size: the file's slo beside --slo"
	keys Escape
	quit "$size"
	grep -qx "slo = p99(read) < 10ms" "$RC" || fail "$size: the file's slo line was lost"
	ok "$size: thresholds from the file, replaced by --slo for the run"

	# --- a symlink at the path: not read, not written through.
	victim=$TMPD/victim-$size
	printf 'interval = 5\nwaits = on\n' >"$victim"
	chmod 600 "$victim"
	before=$(sum "$victim")
	rm -f "$RC"
	ln -s "$victim" "$RC"
	start "$cols" "$rows" --simulate --seed 3
	wait_for "symbolic link"
	wait_for "every 1s"
	capture | grep -qF "view:WORK+WAITS" && fail "$size: the link's target was read"
	keys F2 Right
	wait_for "theme           < basic >"
	keys Escape
	wait_for "settings not saved: not following the symbolic link"
	keys t
	quit "$size"
	[ -L "$RC" ] || fail "$size: the symlink was replaced"
	[ "$(sum "$victim")" = "$before" ] || fail "$size: written through the symlink: $(cat "$victim")"
	ok "$size: a symlink at the path: not read, not written through, the status says why"
done
ok "settings saved, reloaded, overridden and refused at 80x24 and 200x50"

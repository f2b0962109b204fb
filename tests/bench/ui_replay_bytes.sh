#!/usr/bin/env bash
# ui_replay_bytes.sh LATTOP RECORDING WxH OUTPREFIX [SPEED]: one recording
# through a lattop's dashboard in a private tmux server of WxH, under
# script(1), so that two builds can be compared on the same data (live runs
# on a shared machine do not resolve a few per cent). Writes OUTPREFIX.out,
# .timing and .screen (the last frame), then prints tests/bench/ui_bytes.py's
# summary (bytes per tick, by kind and by screen row). Not a test.
#   e.g. lattop record -o loaded.rec -d 75   (on the host to look at), then
#        tests/bench/ui_replay_bytes.sh build/lattop loaded.rec 80x24 /tmp/new
set -u
[ $# -ge 4 ] || { echo "usage: $0 LATTOP RECORDING WxH OUTPREFIX [SPEED]" >&2; exit 2; }
bin=$(realpath "$1") rec=$(realpath "$2") size=$3 out=$4 speed=${5:-2}
w=${size%x*} h=${size#*x} sock=ui-replay-$$
here=$(cd "$(dirname "$0")" && pwd)
rm -f "$out.out" "$out.timing"
tmux -L "$sock" -f /dev/null new-session -d -x "$w" -y "$h" \
	"script -q --log-out '$out.out' --log-timing '$out.timing' -c \"'$bin' replay '$rec' --ui --no-config --speed $speed\""
for _ in $(seq 1 900); do	# until the header says END (at most 15 min)
	sleep 1
	tmux -L "$sock" capture-pane -p 2>/dev/null | grep -q ' END ' && break
done
sleep 1
tmux -L "$sock" capture-pane -p > "$out.screen"
tmux -L "$sock" send-keys q
sleep 1
tmux -L "$sock" kill-server 2>/dev/null
# Ticks are 1/SPEED s apart: skip the first 6 of them (first frame, first data, warm-up).
UI_BYTES_GAP_S=$(awk -v s="$speed" 'BEGIN { print 0.6 / s }') python3 "$here/ui_bytes.py" "$out.out" "$out.timing" "$(awk -v s="$speed" 'BEGIN { print 6 / s }')"

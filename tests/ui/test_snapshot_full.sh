#!/usr/bin/env bash
# The 's' key on a full filesystem: the status names the file that failed
# (the JSON here: the text fits, the tick does not), and a failed snapshot
# leaves no partial files behind. Then, with room again, it works.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || { echo "SKIP: mounting a tmpfs needs root"; exit 77; }
SNAPS=$TMPD/full
mkdir -p "$SNAPS"
mount -t tmpfs -o size=8k tmpfs "$SNAPS" || { echo "SKIP: cannot mount a tmpfs"; exit 77; }
trap 'st=$?; umount "$SNAPS" 2>/dev/null; (exit $st); cleanup' EXIT
# 8 KiB: the 80x24 screen (about 2 KiB) fits, the JSON of a many-clients tick does not.
start 80 24 --simulate many-clients --seed 3 -i 0.2 --cumulative --snapshot-dir "$SNAPS"
wait_for "Syscalls"
sleep 1
keys s
wait_match "snapshot: lattop-[0-9-]+\.json: No space left on device \(nothing kept"
[ -z "$(ls -A "$SNAPS")" ] || fail "a failed snapshot left files: $(ls -la "$SNAPS")"
ok "full filesystem: the .json is named, no partial files left"

# Fill the rest so that not even the text fits: the .txt is named.
dd if=/dev/zero of="$SNAPS/filler" bs=1k count=8 2>/dev/null
keys s
wait_match "snapshot: lattop-[0-9-]+\.txt: No space left on device \(nothing kept"
[ "$(ls -A "$SNAPS")" = filler ] || fail "files left: $(ls -A "$SNAPS")"
ok "no room for the text either: the .txt is named"
rm -f "$SNAPS/filler"
umount "$SNAPS"
keys s
wait_match "snapshot: $SNAPS/lattop-[0-9-]+\.txt and"
ok "with room again the snapshot is written"
keys q
pid_gone "$LATTOP_PID" 5 || fail "lattop did not quit"
echo PASS

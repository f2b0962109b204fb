#!/usr/bin/env bash
# README's Usage block is `lattop --help`, word for word: both come from the
# option table, so a new option shows in the README or this fails.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
readme=$(awk '/^## Usage$/ { u = 1; next } u && /^```$/ { if (inb) exit; inb = 1; next } inb' "$ROOT/README.md")
help=$("$O/lattop" --help) || { echo "FAIL: lattop --help exited $?"; exit 1; }
[ -n "$readme" ] || { echo "FAIL: no Usage block in README.md"; exit 1; }
if [ "$readme" != "$help" ]; then
	echo "FAIL: README's Usage block differs from lattop --help (paste the output of 'lattop --help'):"
	diff <(echo "$readme") <(echo "$help") | head -20
	exit 1
fi
# Every subcommand of the table is in it.
for c in record replay export serve fleet compare run; do
	grep -q "^ *lattop $c " <<<"$readme" || { echo "FAIL: README usage lacks 'lattop $c'"; exit 1; }
done
echo "ok: README Usage == lattop --help ($(wc -l <<<"$help") lines)"

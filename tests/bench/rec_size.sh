#!/usr/bin/env bash
# Recording size, format 3 vs the current format (6), and replay seek time on a synthetic busy
# host (tests/bench/bench_rec.c: 6,000 rows with totals, ~880 active a tick).
# BENCH_REC_ROWS=1000: 1,000 rows, every one active every tick (row_filler's
# load). TICKS (default 1200) ticks of 1 s, extrapolated to an hour. Not a test:
# figures only (the machine may be shared: the seek max is noisy).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
make -s -C "$ROOT" O="$O" "$O/bench/bench_rec"
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
"$O/bench/bench_rec" "${TICKS:-1200}" "$TMPD/busy.rec"

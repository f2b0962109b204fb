#!/usr/bin/env bash
# TSan tier: the exporter's threads (collector ingest, many HTTP scrapes
# sharing one rendered body) under ThreadSanitizer. lattop serve --simulate
# for 4 s at -i 0.1 while 16 clients scrape in a loop, both formats.
# Fails on a TSan report (halt_on_error: lattop exits non-zero), on a
# non-zero exit, or when scrapes did not get the ticks.
set -u
LATTOP=${1:?usage: tsan_exporter.sh LATTOP}
TMP=$(mktemp -d /tmp/lattop-tsan-exp.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
# 40 ticks take 4 s (slower under TSan): a lattop still running after 60 s hangs.
timeout -k 5 60 "$LATTOP" serve --simulate -i 0.1 -n 40 --listen 127.0.0.1:0 2>"$TMP/err" &
pid=$!
for ((i = 0; i < 100; i++)); do
	url=$(grep -o 'http://[^ ]*' "$TMP/err" | head -1)
	[ -n "$url" ] && break
	sleep 0.05
done
[ -n "$url" ] || { echo "FAIL: no serving line: $(cat "$TMP/err")"; exit 1; }
for c in $(seq 16); do
	(
		n=0
		while kill -0 $pid 2>/dev/null && [ $n -lt 400 ]; do	# $pid: timeout, which waits for lattop
			if [ $((c % 2)) = 0 ]; then
				curl -s -m 2 -o /dev/null -w '%{http_code}\n' "$url"
			else
				curl -s -m 2 -o /dev/null -w '%{http_code}\n' \
					-H 'Accept: application/openmetrics-text; version=1.0.0' "$url"
			fi
			n=$((n + 1))
		done
	) >"$TMP/codes.$c" &
done
wait $pid
rc=$?
wait
ok=$(cat "$TMP"/codes.* | grep -c '^200$')
[ $rc = 124 ] && { echo "FAIL: lattop serve -n 40 did not exit within 60 s (hang)"; exit 1; }
[ $rc = 0 ] || { echo "FAIL: lattop exited $rc"; head -40 "$TMP/err"; exit 1; }
[ "$ok" -ge 50 ] || { echo "FAIL: only $ok scrapes answered 200"; exit 1; }
echo "ok: $ok scrapes by 16 clients during 40 ticks, no TSan report"

#!/usr/bin/env bash
# The dashboard with --listen says where it serves metrics, first in the
# header's feature line (the probes' description after it is long and cut):
# at 120 columns the whole address shows, and it answers a scrape.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl not installed"; exit 77; }

start 120 30 --simulate -i 0.5 --listen 127.0.0.1:0
wait_match "metrics on 127\.0\.0\.1:[0-9]+;" 5
addr=$(capture | grep -oE "metrics on 127\.0\.0\.1:[0-9]+" | head -1 | cut -d' ' -f3)
ok "header shows metrics on $addr"
# The first frame comes before the first tick: scrape until a tick is in (5 s).
for ((i = 0; i < 50; i++)); do
	body=$(curl -s -m 5 "http://$addr/metrics") || fail "no answer from http://$addr/metrics"
	grep -q '^lattop_ticks_total [1-9]' <<<"$body" && break
	sleep 0.1
done
grep -q '^lattop_ticks_total [1-9]' <<<"$body" || fail "scrapes of $addr had no ticks within 5 s"
ok "the shown address answers with lattop's ticks"
keys q
pid_gone "$LATTOP_PID" 5 || fail "lattop did not quit"

#!/usr/bin/env bash
# The Clients pane over the simulation (no root): at 120x40 the simulated
# clients (IPv4 and IPv6, nginx :443/:80, postgres :5432, java's outgoing
# rows) are in a pane of their own; at 80x24 'C' shows them in place of the
# processes; --simulate many-clients fills the table (2048 rows) and the
# pane's title shows the evicted count rising.
. "$(dirname "$0")/lib.sh"

clients_pane() { capture | sed -n '/Clients  sort/,$p'; }

start 120 40 --simulate --seed 1 -i 0.2
wait_for "Clients  sort:requests" 5
wait_for "10.0.5.11" 5
pane=$(clients_pane)
for want in '^10\.1\.2\.3 +443 ' '^10\.0\.5\.11 +5432 ' '^127\.0\.0\.1 +6379 ' '^2001:db8:1::5 +443 '; do
	grep -qE -- "$want" <<<"$pane" || fail "120x40: no client row matching '$want'"
done
grep -qE 'postgres' <<<"$pane" || fail "120x40: no postgres in the clients pane"
grep -qE 'java' <<<"$pane" || fail "120x40: no java (outgoing) row"
grep -qE 'evicted 0 ' <<<"$pane" || fail "120x40: steady evicts clients"
ok "120x40: simulated clients (IPv4, IPv6, in and out) in their own pane"
keys q
pid_gone "$LATTOP_PID" 5 || fail "lattop did not quit"
t kill-server 2>/dev/null

start 80 24 --simulate --seed 1 -i 0.2
wait_for "events " 5
wait_for "SIMULATED data (profile steady, seed 1)" 5
sleep 0.5
capture | grep -qF "Clients  sort" && fail "80x24: a clients pane without 'C'"
keys C
wait_for "Clients  sort" 5
wait_for "10.1.2.3" 5
ok "80x24: C shows the simulated clients"
keys q
pid_gone "$LATTOP_PID" 5 || fail "lattop did not quit"
t kill-server 2>/dev/null

# 400 new addresses a second: the 2048-row table is full after ~5 s of
# simulated time, i.e. ~25 ticks of 0.2 s.
evicted() { capture | grep -oE 'Clients  sort:[a-z0-9]+  evicted [0-9]+' | grep -oE '[0-9]+$'; }
start 120 40 --simulate many-clients --seed 1 -i 0.2
wait_for "Clients  sort" 5
wait_for "profile many-clients, seed 1" 5
for ((i = 0; i < 200; i++)); do
	e=$(evicted)
	[ -n "$e" ] && [ "$e" -gt 0 ] && break
	sleep 0.1
done
[ -n "$e" ] && [ "$e" -gt 0 ] || fail "many-clients: evicted never rose above 0"
first=$e
sleep 1.5
second=$(evicted)
[ -n "$second" ] && [ "$second" -gt "$first" ] || fail "many-clients: evicted did not rise ($first then $second)"
clients_pane | grep -qE '^(10\.|2001:db8:)' || fail "many-clients: no 10.x / 2001:db8: rows"
ok "many-clients: evicted rises ($first, then $second)"
keys q
pid_gone "$LATTOP_PID" 5 || fail "lattop did not quit"

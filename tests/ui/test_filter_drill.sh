#!/usr/bin/env bash
# A typed filter narrows the tables; Enter drills down and Esc comes back.
. "$(dirname "$0")/lib.sh"

start 120 40 --simulate --seed 1 -i 0.2
wait_for "postgres"
wait_for "nginx"
keys / r e d i s Enter
wait_for "filter: redis"
wait_gone "postgres"
wait_gone "nginx"
capture | grep -qF "redis-server" || fail "filter removed the matching process"
ok "name filter narrows the processes table"

keys / C-u "sys:fsync" Enter
wait_for "filter: sys:fsync"
screen=$(capture)
grep -qE '^epoll_wait|^futex ' <<<"$screen" && fail "sys filter left other syscalls"
grep -qF "fsync" <<<"$screen" || fail "fsync missing"
ok "syscall filter narrows the syscalls table"

keys / C-u bad:term Enter
wait_for "unknown filter 'bad:'"
ok "a bad filter is reported, not applied"
keys / C-u Escape
wait_for "filter: (none)"
ok "Esc in an empty prompt clears the filter"

# Drill down from a syscall to its per-process breakdown and back.
keys Home Enter
wait_for "Processes calling"
wait_for "(Esc: back)"
keys Escape
wait_gone "Processes calling"
wait_for "Processes  sort"
ok "Enter drills down, Esc goes back (syscall)"
keys Tab Enter
wait_for "Syscalls of"
keys BSpace
wait_gone "Syscalls of"
ok "Enter drills down, Backspace goes back (process)"

# Pickers and pause.
keys p
wait_for "Pick a process"
keys Enter
wait_for "filter: pid:"
keys y
wait_for "Pick a syscall"
keys Escape
wait_gone "Pick a syscall"
ok "process picker sets a pid filter"
keys Space
wait_for "PAUSED"
keys Space
wait_gone "PAUSED"
ok "pause and resume"
keys c
wait_for "CUMULATIVE"
ok "cumulative toggle"

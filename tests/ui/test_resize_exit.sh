#!/usr/bin/env bash
# Resize down to 20x5 and back; SIGHUP, SIGTERM and closing the pane leave
# no lattop behind (pgrep on the test's tag); q and a fatal signal restore
# the terminal.
. "$(dirname "$0")/lib.sh"

start 80 24 --simulate -i 0.2
wait_for "Syscalls"
t resize-window -x 20 -y 5
wait_for "too small"
t resize-window -x 80 -y 24
wait_for "Syscalls"
wait_for "Processes"
ok "20x5 shows 'too small' and 80x24 recovers"
t resize-window -x 200 -y 50
wait_for "Processes"
ok "grows to 200x50"

kill -HUP "$LATTOP_PID"
pid_gone "$LATTOP_PID" || fail "SIGHUP left lattop running"
tagged_gone || fail "SIGHUP left a lattop process"
ok "SIGHUP: lattop exits"
t kill-server 2>/dev/null

start 80 24 --simulate -i 0.2
wait_for "Syscalls"
pid=$LATTOP_PID
t kill-pane
pid_gone "$pid" || fail "closing the pane left lattop running"
tagged_gone || fail "closing the pane left a lattop process"
ok "closing the tmux pane: lattop exits"
t kill-server 2>/dev/null

start 80 24 --simulate -i 0.2
wait_for "Syscalls"
kill -TERM "$LATTOP_PID"
pid_gone "$LATTOP_PID" || fail "SIGTERM left lattop running"
tagged_gone || fail "SIGTERM left a lattop process"
ok "SIGTERM: lattop exits"
t kill-server 2>/dev/null

# q leaves the terminal usable: a shell prompt works afterwards.
t new-session -d -x 80 -y 24 "bash --norc --noprofile"
t send-keys "LANG=C.UTF-8 $LATTOP_TAGGED --simulate -i 0.2; echo EXITED=\$?" Enter
wait_for "Syscalls"
t send-keys q
wait_for "EXITED=0"
t send-keys "stty -a | grep -o ' echo ' ; echo done" Enter
wait_for "done"
capture | grep -q " echo " || fail "terminal left without echo after q"
ok "q: exit status 0 and the terminal is restored (echo on)"
tagged_gone || fail "q left a lattop process"

# A crash (SIGSEGV) restores the terminal too, then dies of the signal.
t send-keys "clear; ulimit -c 0; LANG=C.UTF-8 $LATTOP_TAGGED --simulate -i 0.2; echo CRASHED=\$?" Enter
wait_for "Syscalls"
pkill -SEGV -f -- "^$LATTOP_TAGGED"
wait_for "CRASHED=139"
t send-keys "stty -a | grep -o ' echo ' ; echo done2" Enter
wait_for "done2"
capture | grep -q " echo " || fail "terminal left without echo after SIGSEGV"
capture | grep -q "Syscalls" && fail "still on the dashboard screen after SIGSEGV"
ok "SIGSEGV: terminal restored, exit by the signal (139)"

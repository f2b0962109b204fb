#!/usr/bin/env bash
# The terminal goes away without any SIGHUP (the pty is not lattop's
# controlling terminal, so closing it only shows as POLLHUP/EIO): lattop must
# notice, restore what it can and exit, not spin.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }

python3 - "$LATTOP_TAGGED" <<'PY' || fail "lattop did not leave when its tty went away"
import os, pty, subprocess, sys, time, select

master, slave = pty.openpty()
os.set_blocking(master, False)
env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
# start_new_session: a new session without a controlling terminal, so the
# pty's hang-up sends no SIGHUP.
p = subprocess.Popen([sys.argv[1], "--simulate", "-i", "0.2"], stdin=slave, stdout=slave,
                     stderr=slave, env=env, start_new_session=True, close_fds=True)
os.close(slave)
seen = b""
deadline = time.time() + 10
while b"Syscalls" not in seen and time.time() < deadline:
    if select.select([master], [], [], 0.2)[0]:
        try:
            seen += os.read(master, 65536)
        except OSError:
            break
assert b"Syscalls" in seen, "dashboard never drawn"
os.close(master)
t0 = time.time()
try:
    p.wait(timeout=5)
except subprocess.TimeoutExpired:
    with open(f"/proc/{p.pid}/stat") as f:
        st = f.read().split()
    print("still running after 5 s; utime+stime ticks:", int(st[13]) + int(st[14]))
    p.kill()
    sys.exit(1)
print(f"exited {p.returncode} {time.time() - t0:.2f}s after the tty closed")
PY
ok "tty closed without SIGHUP: lattop exits"
tagged_gone || fail "a lattop process is left"

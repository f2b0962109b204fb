#!/usr/bin/env python3
"""rename_self.py - a process that renames itself with prctl(PR_SET_NAME), for
the process-identity tests. Commands on stdin, one per line; each answers one
JSON line on stdout:
  work N         N newfstatat calls (os.stat) and N one-byte request/reply
                 exchanges over a loopback TCP connection to itself
  rename NAME    prctl(PR_SET_NAME, NAME) on the main thread (the group leader)
  exit
The first line printed is {"pid": PID, "port": PORT}."""
import ctypes
import json
import os
import socket
import sys

PR_SET_NAME = 15
libc = ctypes.CDLL(None, use_errno=True)

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
cli = socket.create_connection(srv.getsockname(), timeout=5)
conn, _ = srv.accept()


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


say({"pid": os.getpid(), "port": srv.getsockname()[1]})
for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    if words[0] == "work":
        n = int(words[1])
        for _ in range(n):
            os.stat("/")
            cli.sendall(b"q")
            conn.recv(1)
            conn.sendall(b"r")
            cli.recv(1)
        say({"worked": n})
    elif words[0] == "rename":
        name = words[1].encode()[:15]
        if libc.prctl(PR_SET_NAME, ctypes.c_char_p(name), 0, 0, 0) != 0:
            say({"error": os.strerror(ctypes.get_errno())})
        else:
            with open(f"/proc/{os.getpid()}/comm") as f:
                say({"renamed": f.read().strip()})
    elif words[0] == "exit":
        break

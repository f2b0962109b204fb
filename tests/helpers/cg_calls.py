#!/usr/bin/env python3
"""A process the cgroup tests move between cgroups: prints {"pid": N}, then for
every line "N" on stdin makes exactly N getppid calls (glibc does not cache
getppid: one syscall each) and answers {"done": N}. Exits on EOF. The calls
are made only when asked, so the test moves it first and then releases it:
every call is in the cgroup it was moved to."""
import json
import os
import sys

print(json.dumps({"pid": os.getpid()}), flush=True)
for line in sys.stdin:
    n = int(line)
    for _ in range(n):
        os.getppid()
    print(json.dumps({"done": n}), flush=True)

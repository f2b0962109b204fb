# row_settle_check.py FRAMES_DIR: judges the table order in screen captures
# of consecutive ticks (test_row_settle.sh). Not a test by itself (no exec
# bit: the runner runs executable scripts only).
#
# For each table whose header has a calls column (SYSCALL/PID: CALLS/s;
# CLIENT: REQ/s), rows are (identity, value). Between two consecutive frames
# a swap of two rows present in both is allowed only when one of them now
# differs from a value it showed in an earlier frame by more than the band
# (checked with slack for display rounding: 15 %, 1.8 sqrt(n)). In every
# frame no row sits above a row with more than twice its calls (+10).
import math
import os
import re
import sys

COLS = {"SYSCALL": "CALLS/s", "PID": "CALLS/s", "CLIENT": "REQ/s"}


def num(text):
    m = re.fullmatch(r"([0-9.]+)([kMG]?)", text)
    if not m:
        return None
    return float(m.group(1)) * {"": 1, "k": 1e3, "M": 1e6, "G": 1e9}[m.group(2)]


def tables(lines):
    """{table: [(ident, value)]} of one frame, in screen order."""
    out = {}
    for i, line in enumerate(lines):
        for first, col in COLS.items():
            m = re.search(r"(^|\s)" + re.escape(first) + r"\s", line)
            if not m or col not in line or (first == "PID" and "COMMAND" not in line):
                continue
            start = m.start() + len(m.group(1))
            end = line.index(col) + len(col)
            rows = []
            for row in lines[i + 1:]:
                cell = row[start:end]
                if not cell.strip() or "─" in cell:
                    break
                tokens = cell.split()
                value = num(tokens[-1]) if tokens else None
                if value is None:
                    break
                ident = " ".join(tokens[:-1]) if first != "PID" else tokens[0]
                if first == "CLIENT":	# address and port
                    ident = " ".join(tokens[:2])
                rows.append((ident, value))
            out[first] = rows
    return out


def band_exceeded(now, before):
    return abs(now - before) > max(0.15 * before, 1.8 * math.sqrt(before))


def main():
    d = sys.argv[1]
    frames = [tables(open(os.path.join(d, f), encoding="utf-8").read().splitlines())
              for f in sorted(os.listdir(d))]
    bad, swaps, held, checked = [], 0, 0, 0
    seen = {}  # (table, ident) -> values shown so far
    for f, frame in enumerate(frames):
        for tab, rows in frame.items():
            pos = {ident: k for k, (ident, _) in enumerate(rows)}
            val = dict(rows)
            for a in range(len(rows)):
                for b in range(a + 1, len(rows)):
                    va, vb = rows[a][1], rows[b][1]
                    checked += 1
                    if vb > 2 * va + 10:
                        bad.append(f"frame {f + 1} {tab}: {rows[a]} above {rows[b]}")
                    if vb > va:
                        held += 1
            prev = frames[f - 1].get(tab) if f else None
            if prev:
                ppos = {ident: k for k, (ident, _) in enumerate(prev)}
                both = [i for i in pos if i in ppos]
                for x in both:
                    for y in both:
                        if ppos[x] < ppos[y] and pos[x] > pos[y]:
                            swaps += 1
                            moved = any(band_exceeded(val[z], v)
                                        for z in (x, y) for v in seen.get((tab, z), []))
                            if not moved:
                                bad.append(f"frame {f + 1} {tab}: {x} ({val[x]}) and {y} "
                                           f"({val[y]}) swapped without a change past the band")
            for ident, v in rows:
                seen.setdefault((tab, ident), []).append(v)
    for b in bad:
        print("bad:", b)
    if not checked:
        print("no table rows found")
        return 1
    if not held:
        print("no row was ever held above one with more calls: the data proves nothing")
        return 1
    print(f"{len(frames)} frames, {checked} row pairs, {swaps} justified swaps, "
          f"{held} pairs held in place over a small difference")
    return 1 if bad else 0


sys.exit(main())

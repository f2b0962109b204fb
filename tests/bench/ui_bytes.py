#!/usr/bin/env python3
"""Where a dashboard's bytes go: a terminal byte stream written by
script(1) (--log-out OUT --log-timing TIMING) split into ticks (bursts of
output at least GAP_S apart), then per tick, per kind (text, cursor
movement, SGR attributes, erase) and per screen row or region.

usage: [UI_BYTES_GAP_S=0.3] ui_bytes.py OUT TIMING [SKIP_S [REGIONS]]
  SKIP_S   seconds of start-up left out (default 3)
  REGIONS  name:ROW0-ROW1[:COL0-COL1],... (0-based, inclusive), e.g.
           "header:0-1,syscalls:2-10,hist:11-22:0-32,procs:11-22:33-79"
Bytes are charged to the cell where the cursor is when they are written
(a cursor movement to the cell it moves to). The last burst (the exit) is
left out. Scroll-region moves are counted as "other" and not followed.
"""
import collections
import os
import re
import statistics
import sys

# A tick is drawn in one burst of a few ms; ticks 0.5 s apart (a replay at --speed 2)
GAP_S = float(os.environ.get('UI_BYTES_GAP_S', '0.3'))
CSI = re.compile(rb'\x1b\[([0-9;?]*)([@-~])')


def bursts(out, timing):
    pos = out.index(b'\n') + 1 if out.startswith(b'Script started') else 0
    ticks, t, last = [], 0.0, -10.0
    for line in timing:
        f = line.split()
        if not f:
            continue
        if f[0] in ('O', 'I', 'S', 'H'):   # --log-timing in the advanced format
            if f[0] != 'O':
                continue
            f = f[1:]
        delay, n = float(f[0]), int(f[1])
        t += delay
        if t - last >= GAP_S:
            ticks.append([t, b''])
        ticks[-1][1] += out[pos:pos + n]
        pos += n
        last = t
    return ticks


def main():
    out = open(sys.argv[1], 'rb').read()
    timing = open(sys.argv[2]).read().splitlines()
    skip = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    regions = sys.argv[4] if len(sys.argv) > 4 else ''
    ticks = [b for t, b in bursts(out, timing) if t >= skip][:-1]
    if not ticks:
        sys.exit('no ticks after the skip')
    kind, cell, sgr_n = collections.Counter(), collections.Counter(), 0
    row = col = 0
    for b in ticks:
        i = 0
        while i < len(b):
            c, n, k = b[i], 1, 'text'
            if c == 0x1b:
                m = CSI.match(b, i)
                if m:
                    p, f = m.group(1), m.group(2)
                    a = [int(x) if x.isdigit() else 0 for x in p.split(b';')] if p else []
                    n, k = len(m.group(0)), 'move'
                    v = a[0] if a else 1
                    if f == b'H':
                        row, col = v - 1, (a[1] if len(a) > 1 else 1) - 1
                    elif f in b'ABCDGd':
                        row += {b'A': -v, b'B': v}.get(f, 0)
                        col += {b'C': v, b'D': -v}.get(f, 0)
                        if f == b'G':
                            col = v - 1
                        elif f == b'd':
                            row = v - 1
                    elif f == b'm':
                        k = 'sgr'
                        sgr_n += 1
                    elif f in b'KJX':
                        k = 'erase'
                    else:
                        k = 'other'
                else:
                    n, k = (3 if b[i + 1:i + 2] in (b'(', b')') else 2), 'other'
            elif c in (0x0d, 0x0a, 0x08):
                k = 'move'
            elif c < 0x20:
                k = 'other'
            else:
                n = 4 if c >= 0xf0 else 3 if c >= 0xe0 else 2 if c >= 0xc0 else 1
            kind[k] += n
            cell[(row, col)] += n
            if c == 0x0d:
                col = 0
            elif c == 0x0a:
                row += 1
            elif c == 0x08:
                col -= 1
            elif k == 'text':
                col += 1
            i += n
    nt = len(ticks)
    sizes = [len(b) for b in ticks]
    print(f"ticks {nt}  bytes per tick: mean {statistics.mean(sizes):.0f}"
          f" median {statistics.median(sizes):.0f}")
    print("by kind, B/tick: " + "  ".join(f"{k} {v / nt:.0f}" for k, v in kind.most_common())
          + f"  (SGR sequences per tick {sgr_n / nt:.1f})")
    if regions:
        reg = {}
        for spec in regions.split(','):
            p = spec.split(':')
            r0, r1 = map(int, p[1].split('-'))
            c0, c1 = map(int, p[2].split('-')) if len(p) > 2 else (0, 1 << 30)
            reg[p[0]] = sum(v for (y, x), v in cell.items() if r0 <= y <= r1 and c0 <= x <= c1)
        print("by region, B/tick: " + "  ".join(f"{k} {v / nt:.0f}" for k, v in reg.items()))
    rows = collections.Counter()
    for (y, x), v in cell.items():
        rows[y] += v
    print("by row, B/tick: " + " ".join(f"{y}:{v / nt:.0f}" for y, v in sorted(rows.items())))


if __name__ == '__main__':
    main()

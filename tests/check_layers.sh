#!/usr/bin/env bash
# make check-layers: the layers of src/ include only what they may (STYLE.md).
#   core     pure C11: abi, core, gen; no libbpf, curses, threads
#   export   snapshots to text/JSON/CSV/files: abi, core, export; no libbpf, curses, threads
#   collect  libbpf and the collector thread: abi, core, export, collect; no curses, no ui
#   ui       curses: abi, core, export, ui, and of collect only the consumer side
#            (collector.h, consumer.h); no libbpf
#   net      HTTP in and out (libmicrohttpd, libcurl): abi, core, export, net; no libbpf,
#            curses, collect or ui
# src/*.c (main and the subcommands) wire everything and may include anything.
set -u
cd "$(dirname "$0")/.."
bad=0

# forbid LAYER REGEX WHY: no include line of LAYER's files matches REGEX.
forbid() {
	local layer=$1 re=$2 why=$3 hits
	hits=$(grep -nP "^\s*#\s*include\s*$re" src/$layer/*.[ch] 2>/dev/null)
	if [ -n "$hits" ]; then
		echo "check-layers: $layer must not include $why:" >&2
		echo "$hits" | sed 's/^/  /' >&2
		bad=1
	fi
}

# Project headers: only the layers listed above, never a path that climbs out (../).
forbid core '"(collect|export|ui)/' "collect, export or ui (core is the bottom layer)"
forbid export '"(collect|ui)/' "collect or ui"
forbid collect '"ui/' "ui"
forbid net '"(collect|ui)/' "collect or ui"
forbid ui '"collect/(?!collector\.h|consumer\.h)' "collect beyond collector.h and consumer.h"
forbid '*' '"\.\./' "a path with ../"
# Libraries.
forbid core '[<"](bpf/|curses|ncurses|term\.h|pthread|.*skel\.h)' "libbpf, curses or pthread"
forbid export '[<"](bpf/|curses|ncurses|term\.h|pthread|.*skel\.h)' "libbpf, curses or pthread"
forbid ui '[<"](bpf/|.*skel\.h)' "libbpf"
forbid collect '[<"](curses|ncurses|term\.h)' "curses"
forbid net '[<"](bpf/|curses|ncurses|term\.h|.*skel\.h)' "libbpf or curses"
forbid core '[<"](microhttpd|curl/)' "HTTP libraries (src/net)"
forbid export '[<"](microhttpd|curl/)' "HTTP libraries (src/net)"
forbid ui '[<"](microhttpd|curl/)' "HTTP libraries (src/net)"

[ $bad = 0 ] && echo "check-layers: ok"
exit $bad

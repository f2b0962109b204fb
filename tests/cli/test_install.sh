#!/usr/bin/env bash
# make install / uninstall into a DESTDIR: every file in place with its mode;
# the unit passes systemd-analyze verify (verified, never started: PID 1 here
# is not systemd); the man page renders with no groff warning; the bash
# completion parses and completes a subcommand, a syscall, a theme and
# per-command options; uninstall leaves no file behind.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
[ -x "$O/lattop" ] || { echo "FAIL: $O/lattop not built"; exit 1; }
T=$(mktemp -d /tmp/lattop-cli-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
D=$T/dest
P=/usr/local
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# The build's own outputs only: no rebuild with other flags (O may be an ASan tree).
make -s -C "$ROOT" O="$O" PREFIX=$P DESTDIR="$D" install >"$T/install.log" 2>&1 ||
	{ cat "$T/install.log"; echo "FAIL: make install"; exit 1; }

want=(
	"sbin/lattop 755"
	"share/man/man8/lattop.8 644"
	"share/bash-completion/completions/lattop 644"
	"lib/systemd/system/lattop.service 644"
)
for th in "$ROOT"/themes/*.theme; do want+=("share/lattop/themes/$(basename "$th") 644"); done
for w in "${want[@]}"; do
	f=${w% *} mode=${w#* }
	if [ -f "$D$P/$f" ] && [ "$(stat -c %a "$D$P/$f")" = "$mode" ]; then :; else
		fail "$P/$f missing or not mode $mode"
	fi
done
n_files=$(find "$D" -type f | wc -l)
[ "$n_files" -eq "${#want[@]}" ] && ok "install: ${#want[@]} files, modes right" ||
	fail "install put $n_files files, want ${#want[@]}: $(find "$D" -type f)"
cmp -s "$O/lattop" "$D$P/sbin/lattop" || fail "installed binary differs from $O/lattop"

# The unit: for lattop serve at the installed path, with the capabilities it needs only.
U=$D$P/lib/systemd/system/lattop.service
grep -q "^ExecStart=$P/sbin/lattop serve" "$U" && ok "unit runs $P/sbin/lattop serve" ||
	fail "unit ExecStart: $(grep ExecStart "$U")"
grep -q '^CapabilityBoundingSet=CAP_BPF CAP_PERFMON$' "$U" || fail "unit capability set"
grep -q '^NoNewPrivileges=yes$' "$U" && grep -q '^ProtectSystem=strict$' "$U" ||
	fail "unit hardening lines"
if command -v systemd-analyze >/dev/null; then
	# ExecStart must name an existing executable: verify a copy pointing into DESTDIR.
	mkdir -p "$T/verify"
	sed "s|$P/sbin/lattop|$D$P/sbin/lattop|" "$U" >"$T/verify/lattop.service"
	if MANPATH=$D$P/share/man systemd-analyze verify "$T/verify/lattop.service" >"$T/verify.out" 2>&1 &&
	   [ ! -s "$T/verify.out" ]; then
		ok "systemd-analyze verify: clean"
	else
		fail "systemd-analyze verify: $(cat "$T/verify.out")"
	fi
else
	echo "note: systemd-analyze missing: unit not verified (apt-get install systemd)"
fi

# The man page: no groff warning, and every option of --help in it.
M=$D$P/share/man/man8/lattop.8
if command -v groff >/dev/null; then
	groff -man -ww -z "$M" >"$T/groff.out" 2>&1 && [ ! -s "$T/groff.out" ] &&
		ok "groff -man -ww -z: no warning" || fail "groff: $(head -5 "$T/groff.out")"
	text=$(groff -man -Tutf8 "$M" 2>/dev/null | sed 's/.\x08//g; s/\xe2\x80\x90/-/g')
	missing=""
	for opt in $("$O/lattop" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
		grep -q -- "$opt" <<<"$text" || missing="$missing $opt"
	done
	[ -z "$missing" ] && ok "man page has every --help option" || fail "not in the man page:$missing"
	for cmd in record replay export serve fleet compare run; do
		grep -q "^ *lattop $cmd" <<<"$text" || fail "man SYNOPSIS lacks $cmd"
	done
else
	echo "note: groff missing: man page not rendered"
fi

# The completion: parses, and completes from the tables.
C=$D$P/share/bash-completion/completions/lattop
bash -n "$C" && ok "completion: bash -n" || fail "completion does not parse"
complete_words() {	# complete_words WORD... : COMPREPLY for the last word
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _lattop; [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$C" "$@" 2>&1 | sort | tr '\n' ' '
}
got=$(complete_words lattop se)
[ "$got" = "serve " ] && ok "lattop se<TAB>: serve" || fail "lattop se<TAB>: '$got'"
got=$(complete_words lattop -s rea)
for w in read readahead readlink readv; do
	case " $got " in *" $w "*) ;; *) fail "lattop -s rea<TAB> lacks $w: '$got'" ;; esac
done
ok "lattop -s rea<TAB>: $got"
case " $got " in *" write "*) fail "-s rea offers write" ;; esac
got=$(complete_words lattop --theme m)
[ "$got" = "mono " ] && ok "--theme m<TAB>: mono" || fail "--theme m<TAB>: '$got'"
got=$(complete_words lattop serve --li)
[ "$got" = "--listen --listen-insecure " ] && ok "serve --li<TAB>: $got" || fail "serve --li<TAB>: '$got'"
got=$(complete_words lattop replay --li)
[ -z "$got" ] && ok "replay --li<TAB>: nothing (not a replay option)" || fail "replay --li<TAB>: '$got'"
got=$(complete_words lattop compare --thr)
[ "$got" = "--threshold-p50 --threshold-p99 " ] && ok "compare --thr<TAB>: $got" ||
	fail "compare --thr<TAB>: '$got'"
got=$(complete_words lattop --metrics-buckets f)
[ "$got" = "fine " ] || fail "--metrics-buckets f<TAB>: '$got'"
touch "$T/out.rec"
got=$(cd "$T" && complete_words lattop record -o ou)
[ "$got" = "out.rec " ] && ok "record -o ou<TAB>: a file" || fail "record -o ou<TAB>: '$got'"

# Per-command help comes from the same table.
h=$("$O/lattop" serve --help) && grep -q -- '--listen ADDR:PORT' <<<"$h" && ! grep -q -- '--speed' <<<"$h" &&
	ok "serve --help: its options only" || fail "serve --help"

make -s -C "$ROOT" O="$O" PREFIX=$P DESTDIR="$D" uninstall >"$T/uninstall.log" 2>&1 || fail "make uninstall"
left=$(find "$D" -type f)
[ -z "$left" ] && ok "uninstall: no file left" || fail "uninstall left: $left"
[ ! -e "$D$P/share/lattop" ] || fail "uninstall left $P/share/lattop"

[ $fails -eq 0 ] && { echo "PASS"; exit 0; }
echo "$fails failure(s)"
exit 1

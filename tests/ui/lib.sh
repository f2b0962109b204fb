# Shared helpers for the tmux-driven UI tests: a private tmux server per test,
# the real binary inside it, bounded waits. Exit codes: 0 pass, 1 fail, 77 skip.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
LATTOP=$O/lattop
SOCK=lattop-ui-$$-$RANDOM
TMPD=$(mktemp -d /tmp/lattop-ui.XXXXXX)
export LATTOP_THEMES_DIR=$ROOT/themes

command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 77; }
[ -x "$LATTOP" ] || { echo "FAIL: $LATTOP not built"; exit 1; }
# The binary runs under a per-test name, so that pgrep finds this test's
# lattop processes and nobody else's.
TAG=lattop-ui-tag-$$-$RANDOM
ln -s "$LATTOP" "$TMPD/$TAG"
LATTOP_TAGGED=$TMPD/$TAG

t() { tmux -L "$SOCK" -f /dev/null "$@"; }

# Under the ASan tier (ASAN_LOG_DIR set): sanitizer reports go to files there,
# and any report (a leak at exit among them) fails the test.
if [ -n "${ASAN_LOG_DIR:-}" ]; then
	rm -rf "$ASAN_LOG_DIR"
	mkdir -p "$ASAN_LOG_DIR"
	export ASAN_OPTIONS="detect_leaks=1:log_path=$ASAN_LOG_DIR/asan"
	export UBSAN_OPTIONS="print_stacktrace=1:log_path=$ASAN_LOG_DIR/ubsan"
fi

# An EXIT trap: the script keeps its own exit status unless a sanitizer reported.
cleanup() {
	t kill-server 2>/dev/null
	# A hung-up lattop exits by itself (and writes its sanitizer report): give it time.
	[ -n "${LATTOP_TAGGED:-}" ] && tagged_gone 5 >/dev/null
	# Never leave a lattop of ours behind, even when a test failed half-way.
	[ -n "${LATTOP_TAGGED:-}" ] && pkill -KILL -f -- "^$LATTOP_TAGGED" 2>/dev/null
	rm -rf "$TMPD"
	if [ -n "${ASAN_LOG_DIR:-}" ] && [ -n "$(ls -A "$ASAN_LOG_DIR" 2>/dev/null)" ]; then
		echo "FAIL: sanitizer reports in $ASAN_LOG_DIR:"
		head -n 40 "$ASAN_LOG_DIR"/*
		exit 1
	fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; echo "--- screen:"; capture 2>/dev/null; exit 1; }
ok() { echo "ok: $*"; }

# start COLS ROWS ARGS...: lattop in a new private server, UTF-8 locale
# (UI_LANG overrides it; UI_ENV adds "VAR=value ..." to its environment).
# The settings file (lattoprc) is the test's own, empty unless the test
# writes one: one test's saved settings never reach the next.
start() {
	local cols=$1 rows=$2; shift 2
	local try
	# A server killed a moment ago may still hold the socket: retry briefly.
	for try in 1 2 3 4 5; do
		t new-session -d -x "$cols" -y "$rows" -c "$TMPD" \
			"cd '$TMPD' && LANG=${UI_LANG:-C.UTF-8} LC_ALL=${UI_LANG:-C.UTF-8} XDG_CONFIG_HOME='$TMPD/config' ${UI_ENV:-} exec '$LATTOP_TAGGED' $*" &&
			break
		[ $try = 5 ] && fail "tmux start"
		sleep 0.2
	done
	t set-option -g remain-on-exit off >/dev/null 2>&1
	LATTOP_PID=$(t display -p '#{pane_pid}')
}

capture() { t capture-pane -p; }

# require_live_bpf: skip (exit 77) unless root with kernel BTF; under
# LATTOP_REQUIRE_BPF=1 (CI) that is a failure.
require_live_bpf() {
	if [ "$(id -u)" != 0 ] || [ ! -e /sys/kernel/btf/vmlinux ]; then
		[ "${LATTOP_REQUIRE_BPF:-}" = 1 ] && { echo "FAIL (BPF required): not root or no BTF"; exit 1; }
		echo "SKIP: live tracing needs root and kernel BTF"; exit 77
	fi
}

# write_settings TEXT: the test's own settings file, lines joined by \n (printf %b).
write_settings() {
	mkdir -p "$TMPD/config/lattop"
	printf '%b' "$1" >"$TMPD/config/lattop/lattoprc"
	chmod 600 "$TMPD/config/lattop/lattoprc"
}
# With attributes and colours as escape sequences.
capture_esc() { t capture-pane -e -p; }

# screen_has GREP_FLAG PATTERN LIMIT: poll the screen with grep -q$GREP_FLAG for LIMIT seconds.
screen_has() {
	local flag=$1 pattern=$2 limit=$3 i
	for ((i = 0; i < limit * 20; i++)); do
		capture | grep -q"$flag" -- "$pattern" && return 0
		sleep 0.05
	done
	return 1
}

# wait_for TEXT [SECONDS]: until the screen shows TEXT (fixed string).
wait_for() {
	screen_has F "$1" "${2:-5}" || fail "screen never showed '$1' within ${2:-5}s"
}

# wait_match REGEX [SECONDS]: the same for an extended regular expression.
wait_match() {
	screen_has E "$1" "${2:-5}" || fail "screen never matched /$1/ within ${2:-5}s"
}

# wait_gone TEXT [SECONDS]
wait_gone() {
	local text=$1 limit=${2:-5} i
	for ((i = 0; i < limit * 20; i++)); do
		capture | grep -qF -- "$text" || return 0
		sleep 0.05
	done
	fail "screen still shows '$text' after ${limit}s"
}

keys() { t send-keys "$@"; }

# pid_gone PID [SECONDS]
pid_gone() {
	local pid=$1 limit=${2:-5} i
	for ((i = 0; i < limit * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# tagged_gone [SECONDS]: no process of this test's lattop is left (pgrep on the tag).
tagged_gone() {
	local limit=${1:-5} i
	for ((i = 0; i < limit * 20; i++)); do
		pgrep -f -- "^$LATTOP_TAGGED" >/dev/null || return 0
		sleep 0.05
	done
	echo "left behind: $(pgrep -af -- "^$LATTOP_TAGGED")"
	return 1
}

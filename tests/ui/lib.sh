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

t() { tmux -L "$SOCK" -f /dev/null "$@"; }

cleanup() {
	t kill-server 2>/dev/null
	rm -rf "$TMPD"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; echo "--- screen:"; capture 2>/dev/null; exit 1; }
ok() { echo "ok: $*"; }

# start COLS ROWS ARGS...: lattop in a new private server, UTF-8 locale.
start() {
	local cols=$1 rows=$2; shift 2
	t new-session -d -x "$cols" -y "$rows" -c "$TMPD" \
		"cd '$TMPD' && LANG=C.UTF-8 LC_ALL=C.UTF-8 exec '$LATTOP' $*" || fail "tmux start"
	t set-option -g remain-on-exit off >/dev/null 2>&1
	LATTOP_PID=$(t display -p '#{pane_pid}')
}

capture() { t capture-pane -p; }

# wait_for TEXT [SECONDS]: until the screen shows TEXT (fixed string).
wait_for() {
	local text=$1 limit=${2:-5} i
	for ((i = 0; i < limit * 20; i++)); do
		capture | grep -qF -- "$text" && return 0
		sleep 0.05
	done
	fail "screen never showed '$text' within ${limit}s"
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

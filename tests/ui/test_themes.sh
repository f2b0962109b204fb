#!/usr/bin/env bash
# Themes and terminal capabilities: NO_COLOR and --no-color give monochrome;
# an 8-colour terminal gets the 8-colour palette instead of 256-colour codes;
# 't' cycles the shipped themes; a bad theme file is reported with file:line
# and the dashboard runs on defaults; a non-UTF-8 locale gets ASCII bars and
# borders.
. "$(dirname "$0")/lib.sh"

# Colour SGRs: 30-37/40-47/90-97/100-107 or 38;5;N / 48;5;N.
has_colour() { LC_ALL=C grep -qP '\x1b\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|10[0-7]|[34]8;5;[0-9]+)(;[0-9;]*)?m'; }
has_256() { LC_ALL=C grep -qP '\x1b\[([0-9;]*;)?[34]8;5;[0-9]+'; }

start 100 30 --simulate -i 0.2
wait_for "futex"
capture_esc | has_256 || fail "default theme on a 256-colour terminal uses no 256-colour codes"
ok "default theme: 256 colours"
keys t
wait_for "theme basic"
keys t
wait_for "theme mono"
sleep 0.5
capture_esc | has_colour && fail "mono theme still sends colours"
keys t
wait_for "theme high-contrast"
keys t
wait_for "theme default"
ok "'t' cycles default -> basic -> mono -> high-contrast -> default"
t kill-server 2>/dev/null

for how in "NO_COLOR=1" "--no-color"; do
	case $how in --*) UI_ENV= start 100 30 --simulate -i 0.2 "$how" ;;
	*) UI_ENV=$how start 100 30 --simulate -i 0.2 ;; esac
	wait_for "futex"
	sleep 0.5
	capture_esc | has_colour && fail "$how: colours on the screen"
	capture_esc | LC_ALL=C grep -qP '\x1b\[([0-9;]*;)?7(;[0-9;]*)?m' || fail "$how: no reverse video (bars, header)"
	ok "$how: monochrome (attributes only)"
	t kill-server 2>/dev/null
done

UI_ENV="TERM=xterm" start 100 30 --simulate -i 0.2
wait_for "futex"
sleep 0.5
capture_esc | has_256 && fail "8-colour terminal got 256-colour codes"
capture_esc | has_colour || fail "8-colour terminal got no colour at all"
ok "TERM=xterm (8 colours): the 256-colour theme falls back to the 8-colour one"
t kill-server 2>/dev/null

printf 'bar = green\nnosuchrole = red\np50 = purple\n' >"$TMPD/bad.theme"
start 100 30 --simulate -i 0.2 --theme "$TMPD/bad.theme"
wait_for "futex"
wait_for "bad.theme:2: unknown role 'nosuchrole' (+1 more)"
ok "bad theme file: warning with file:line on the status line, dashboard runs"
t kill-server 2>/dev/null

UI_LANG=C start 100 30 --simulate -i 0.2
wait_for "futex"
sleep 0.5
screen=$(capture)
LC_ALL=C grep -qP '[\x80-\xff]' <<<"$screen" && fail "non-UTF-8 locale: non-ASCII bytes on the screen"
grep -qE '^-+ Syscalls' <<<"$screen" || fail "non-UTF-8 locale: no ASCII border"
grep -qE '[0-9.]+(ns|us|ms|s) +\|@+ [0-9]+' <<<"$screen" || fail "non-UTF-8 locale: no '@' bars"
ok "LANG=C: ASCII borders and '@' bars"

#!/usr/bin/env bash
# The metrics endpoint's security and HTTP surface, on --simulate (no root,
# no BPF), loopback only: --listen off loopback is refused without TLS and
# basic auth (exit 2 and the reason) and accepted with --listen-insecure; a
# web config others may read, or a symlink, is refused; TLS + bcrypt basic
# auth end to end with curl (a throwaway self-signed certificate from
# openssl, a bcrypt hash from python3's crypt, i.e. libxcrypt): 200 with the
# password, 401 with WWW-Authenticate without it or with a wrong one, 404
# elsewhere, 405 for POST, HEAD; port 0 resolved in the stderr line; serve
# writes nothing on stdout and stops on SIGTERM with one line; slow-header
# clients do not hold up a scrape.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
L=$O/lattop
[ -x "$L" ] || { echo "FAIL: $L not built"; exit 1; }
for t in curl openssl python3; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done
T=$(mktemp -d /tmp/lattop-cli-listen.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
cd "$T"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
C="curl -s --max-time 5"

# start NAME ARGS...: lattop in the background, stderr to NAME.err; sets PID
# and ADDR (host:port from "serving metrics on http(s)://ADDR/metrics"), waits <= 5 s.
start() {
	local name=$1
	shift
	"$L" "$@" >"$name.out" 2>"$name.err" &
	PID=$!
	PIDS+=("$PID")
	ADDR=
	for _ in $(seq 50); do
		ADDR=$(sed -n 's#^lattop: serving metrics on https\{0,1\}://\(.*\)/metrics$#\1#p' "$name.err")
		[ -n "$ADDR" ] && return 0
		kill -0 "$PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# stop PID: SIGTERM, wait <= 5 s; the exit status in $st (not a subshell: wait needs the parent).
stop() {
	local pid=$1
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	st=$?
}

code() { $C -o /dev/null -w '%{http_code}' "$@"; }

# --- refusal off loopback ----------------------------------------------------
"$L" serve --simulate --listen 0.0.0.0:0 >out 2>err
st=$?
if [ $st = 2 ] && grep -q "refusing to serve metrics on 0.0.0.0:0 without TLS and basic auth" err &&
	grep -q -- "--listen-insecure" err && [ ! -s out ]; then
	ok "--listen 0.0.0.0:0 without auth: exit 2 and the reason"
else
	fail "--listen 0.0.0.0 without auth: exit $st, $(cat err)"
fi
"$L" --simulate -b -n 1 --listen 0.0.0.0:0 >out 2>err
st=$?
[ $st = 2 ] && grep -q "refusing" err && [ ! -s out ] && ok "live -b --listen 0.0.0.0 refused before any tick" ||
	fail "live --listen 0.0.0.0: exit $st, $(cat out err)"
"$L" record --simulate -n 1 -o refused.lrec --listen 0.0.0.0:0 >out 2>err
st=$?
[ $st = 2 ] && grep -q "refusing" err && [ ! -e refused.lrec ] &&
	ok "record --listen 0.0.0.0 refused before the recording is created" ||
	fail "record --listen 0.0.0.0: exit $st, file $(ls refused.lrec 2>&1), $(cat err)"
"$L" --simulate -b -n 1 --listen 127.0.0.1:70000 >out 2>err
st=$?
[ $st = 2 ] && grep -q "bad --listen '127.0.0.1:70000'" err && ok "port 70000: exit 2" ||
	fail "bad port: exit $st, $(cat err)"

# --- --listen-insecure -------------------------------------------------------
if start ins serve --simulate -i 0.2 --listen 0.0.0.0:0 --listen-insecure; then
	port=${ADDR##*:}
	case $ADDR in 0.0.0.0:[1-9]*) ok "--listen-insecure 0.0.0.0:0 serves on $ADDR" ;;
	*) fail "insecure address '$ADDR'" ;; esac
	body=$($C "http://127.0.0.1:$port/metrics")
	[[ $body == *"lattop_"* ]] && ok "plain scrape through 127.0.0.1:$port" ||
		fail "insecure scrape: '$body'"
else
	fail "--listen-insecure did not start: $(cat ins.err)"
fi
stop "$PID"
[ "$st" = 0 ] && grep -q "^lattop: stopped serving metrics on http://0.0.0.0:$port/metrics$" ins.err &&
	[ ! -s ins.out ] && [ "$(wc -l <ins.err)" = 2 ] &&
	ok "serve: exit 0 on SIGTERM, nothing on stdout, one line at start and one at stop" ||
	fail "serve stop: exit $st, stdout $(wc -c <ins.out) bytes, stderr: $(cat ins.err)"

# --- loopback: HTTP surface ----------------------------------------------------
if start rec record --simulate -i 0.2 -n 3 -o rec.lrec --listen 127.0.0.1:0; then
	wait "$PID"
	st=$?
	[ $st = 0 ] && [ -s rec.lrec ] && grep -q "recorded 3 ticks" rec.err && ok "record --listen: serves and records" ||
		fail "record --listen: exit $st, $(cat rec.err)"
else
	fail "record --listen did not start: $(cat rec.err)"
fi
if start lo serve --simulate -i 0.2 --listen 127.0.0.1:0; then
	[[ $ADDR == 127.0.0.1:* && ${ADDR##*:} != 0 ]] && ok "port 0 resolved: $ADDR" || fail "address $ADDR"
	hdr=$($C -D - -o body "http://$ADDR/metrics")
	grep -qi '^content-type: text/plain; version=0.0.4' <<<"$hdr" && grep -q "lattop_" body &&
		ok "GET /metrics: text 0.0.4" || fail "GET /metrics: $hdr"
	$C -H 'Accept: application/openmetrics-text; version=1.0.0' -D om.hdr -o om "http://$ADDR/metrics"
	grep -qi '^content-type: application/openmetrics-text' om.hdr && [ "$(tail -n 1 om)" = "# EOF" ] &&
		ok "Accept: openmetrics -> OpenMetrics, ends with # EOF" || fail "openmetrics: $(cat om.hdr)"
	[ "$(code "http://$ADDR/")" = 404 ] && [ "$(code "http://$ADDR/metrics/x")" = 404 ] &&
		ok "404 elsewhere" || fail "404"
	[ "$(code -X POST -d x=1 "http://$ADDR/metrics")" = 405 ] && [ "$(code -X DELETE "http://$ADDR/metrics")" = 405 ] &&
		ok "405 for POST and DELETE" || fail "405"
	h=$($C -I "http://$ADDR/metrics")
	grep -q "^HTTP/1.1 200" <<<"$h" && grep -qi "^content-length: [1-9]" <<<"$h" && ok "HEAD: 200 with a length" ||
		fail "HEAD: $h"
	# Slow clients: 30 connections that sent half a request line hold 30 threads, not the server.
	python3 - "${ADDR##*:}" <<'PY' && ok "30 slow-header clients: a scrape still answers at once" || fail "slow clients held up a scrape"
import socket, sys, time, urllib.request
port = int(sys.argv[1])
slow = []
for _ in range(30):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"GET /met")
    slow.append(s)
t0 = time.monotonic()
body = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=3).read()
dt = time.monotonic() - t0
print("  scrape with 30 slow clients open: %.1f ms, %d bytes" % (dt * 1000, len(body)))
assert b"lattop_" in body and dt < 1.0, dt
PY
	# The same address twice: the second says why and fails at run time (1), not as a usage error.
	"$L" serve --simulate --listen "$ADDR" >out 2>err
	st=$?
	[ $st = 1 ] && grep -q "cannot listen on $ADDR: Address already in use" err &&
		ok "address in use: exit 1 and the reason" || fail "address in use: exit $st, $(cat err)"
	stop "$PID"
else
	fail "loopback serve did not start: $(cat lo.err)"
fi
if python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
	if start v6 --simulate -b -i 0.2 --listen '[::1]:0'; then
		[[ $ADDR == "[::1]:"* ]] && grep -q lattop_ <<<"$($C "http://$ADDR/metrics")" &&
			ok "[::1]:0 serves (live -b): $ADDR" || fail "[::1]: $ADDR"
		stop "$PID"
	else
		fail "[::1]:0 did not start: $(cat v6.err)"
	fi
else
	echo "skip: no IPv6 loopback"
fi

# --- web config files ----------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=localhost \
	-addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1 || { fail "openssl req"; exit 1; }
HASH=$(python3 -W ignore -c 'import crypt; print(crypt.crypt("s3cret pass", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)))' 2>/dev/null)
[[ $HASH == '$2b$10$'* ]] || { echo "SKIP: python3 crypt has no bcrypt"; exit 77; }
mkdir conf
printf 'tls_server_config:\n  cert_file: ../cert.pem   # relative to this file\n  key_file: %s/key.pem\nbasic_auth_users:\n  prom: %s\n' \
	"$T" "$HASH" >conf/web.yml
chmod 644 conf/web.yml
"$L" serve --simulate --listen 127.0.0.1:0 --web-config conf/web.yml >out 2>err
st=$?
[ $st = 2 ] && grep -q "mode 0644 lets group or others read it.*chmod 600 conf/web.yml" err &&
	ok "web config 0644 refused: exit 2, 'chmod 600'" || fail "0644 web config: exit $st, $(cat err)"
chmod 600 conf/web.yml
ln -s web.yml conf/link.yml
"$L" serve --simulate --listen 127.0.0.1:0 --web-config conf/link.yml >out 2>err
st=$?
[ $st = 2 ] && grep -q "is a symbolic link" err && ok "web config symlink refused: exit 2" ||
	fail "symlink web config: exit $st, $(cat err)"
if [ "$(id -u)" = 0 ]; then
	cp conf/web.yml conf/other.yml
	chown nobody conf/other.yml
	"$L" serve --simulate --listen 127.0.0.1:0 --web-config conf/other.yml >out 2>err
	st=$?
	[ $st = 2 ] && grep -q "owned by uid" err && ok "web config of another user refused: exit 2" ||
		fail "foreign owner: exit $st, $(cat err)"
fi
printf 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  min_version: TLS13\n' >conf/bad.yml
chmod 600 conf/bad.yml
"$L" serve --simulate --listen 127.0.0.1:0 --web-config conf/bad.yml >out 2>err
st=$?
[ $st = 2 ] && grep -q "conf/bad.yml: line 4: tls_server_config: 'min_version' is not supported" err &&
	ok "unsupported key refused with its line: exit 2" || fail "bad.yml: exit $st, $(cat err)"
printf 'tls_server_config:\n  cert_file: ../cert.pem\n  key_file: ../key.pem\n' >conf/tlsonly.yml
chmod 600 conf/tlsonly.yml
"$L" serve --simulate --listen 0.0.0.0:0 --web-config conf/tlsonly.yml >out 2>err
st=$?
[ $st = 2 ] && grep -q "refusing" err && ok "TLS without users off loopback: refused" ||
	fail "TLS only off loopback: exit $st, $(cat err)"

# --- TLS + basic auth end to end ---------------------------------------------------
if start tls serve --simulate -i 0.2 --listen 0.0.0.0:0 --web-config conf/web.yml; then
	grep -q "^lattop: serving metrics on https://0.0.0.0:" tls.err && ok "TLS+auth off loopback: https:// line" ||
		fail "tls line: $(cat tls.err)"
	U="https://127.0.0.1:${ADDR##*:}"
	S="--cacert cert.pem"
	body=$($C $S -u 'prom:s3cret pass' "$U/metrics")
	[[ $body == *"lattop_"* ]] && ok "TLS + right password: the metrics" || fail "TLS scrape: '$body'"
	h=$($C $S -D - -o /dev/null "$U/metrics")
	grep -q "^HTTP/1.1 401" <<<"$h" && grep -qi '^www-authenticate: basic realm="lattop"' <<<"$h" &&
		ok "no credentials: 401 with WWW-Authenticate" || fail "no credentials: $h"
	[ "$(code $S -u 'prom:s3cret' "$U/metrics")" = 401 ] && ok "wrong password: 401" || fail "wrong password"
	[ "$(code $S -u 'nobody:s3cret pass' "$U/metrics")" = 401 ] && ok "unknown user: 401" || fail "unknown user"
	[ "$(code $S -u 'prom:s3cret pass' "$U/other")" = 404 ] && ok "TLS + auth elsewhere: 404" || fail "tls 404"
	[ "$(code $S "$U/other")" = 401 ] && ok "no credentials elsewhere: 401 (paths are not revealed)" ||
		fail "tls 401 on other path"
	[ "$(code "http://127.0.0.1:${ADDR##*:}/metrics")" != 200 ] && ok "plain HTTP to the TLS port: no answer" ||
		fail "plain HTTP answered on the TLS port"
	# A certificate the client does not trust is refused by the client, i.e. it is really TLS.
	[ "$(code -u 'prom:s3cret pass' "$U/metrics")" = 000 ] && ok "untrusted certificate: curl refuses" ||
		fail "curl accepted an untrusted certificate"
	stop "$PID"
	[ "$st" = 0 ] && grep -q "^lattop: stopped serving metrics on https://" tls.err && ok "TLS serve stops cleanly" ||
		fail "TLS stop: exit $st"
else
	fail "TLS serve did not start: $(cat tls.err)"
fi

echo "$fails failed"
[ $fails = 0 ]

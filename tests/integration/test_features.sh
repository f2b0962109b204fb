#!/usr/bin/env bash
# lattop --features (issue #13): as root the report says what this host can
# do, checked against ground truth the test gets elsewhere: kprobe and fentry
# (kfunc) attaches tried with bpftrace, a classic tracepoint attach with
# bpftrace, the kprobe PMU in sysfs, the cgroup2 mount in /proc/self/mountinfo.
# The JSON is validated by jq and python3; exit 0 when syscalls works. As
# nobody: exit 1, syscalls not ok with a reason naming root. In a private
# mount namespace without tracefs: tracefs "mountable", classic tracepoints
# still ok (a private mount, undone: no mount and no temp dir left).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
L=$O/lattop
[ -x "$L" ] || { echo "FAIL: $L not built"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (loads BPF)"; exit 77; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "SKIP: no kernel BTF"; exit 77; }
for c in jq python3; do
	command -v $c >/dev/null || { echo "SKIP: $c missing"; exit 77; }
done
T=$(mktemp -d /tmp/lattop-features.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

start=$(date +%s%N)
"$L" --features --json >"$T/f.json" 2>"$T/f.err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
[ $rc -eq 0 ] && ok "--features --json: exit 0 in $ms ms" || fail "exit $rc: $(cat "$T/f.err")"
[ -s "$T/f.err" ] && fail "stderr not empty: $(head -3 "$T/f.err")"
jq -e . "$T/f.json" >/dev/null || fail "jq cannot parse the JSON"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/f.json" || fail "python3 cannot parse it"
[ "$(wc -l <"$T/f.json")" -eq 1 ] || fail "the JSON is not one line"

# jqis FILTER WANT WHAT: the filter's value must be WANT.
jqis() {
	local got
	got=$(jq -r "$1" "$T/f.json")
	[ "$got" = "$2" ] && ok "$3: $1 = $got" || fail "$3: $1 = $got, want $2"
}
jqis .ready true "ready"
jqis .families.syscalls.ok true "syscalls works"
jqis .families.syscalls.required true "syscalls is the required family"
jqis .attach.tp_btf.ok true "tp_btf"
jqis .attach.raw_tp.ok true "raw_tp"
jqis .kernel.btf.path /sys/kernel/btf/vmlinux "BTF"
jqis .privileges.root.ok true "root"
jqis .kernel_release "$(uname -r)" "kernel release"
for g in families attach kernel privileges; do
	# Every item: ok, required, and a reason when not ok.
	bad=$(jq -r ".$g | to_entries[] | select((.value.ok|type) != \"boolean\" or
		(.value.ok == false and ((.value.reason // \"\") | length) < 10)) | .key" "$T/f.json")
	[ -z "$bad" ] || fail "$g: items without ok or a reason: $bad"
done
n=$(jq '[.families, .attach, .kernel, .privileges | length] | add' "$T/f.json")
[ "$n" -ge 20 ] && ok "$n items, each with ok and, when not ok, a reason" || fail "only $n items"

# Ground truth: kprobe / fentry / tracepoint attaches with bpftrace.
bt() { timeout 20 bpftrace -e "$1" >"$T/bt.out" 2>&1; }
if command -v bpftrace >/dev/null; then
	bt 'kprobe:do_nanosleep { exit(); }' && want=true || want=false
	jqis .attach.kprobe.ok $want "kprobe as bpftrace finds it ($(grep -v RLIMIT "$T/bt.out" | grep -m1 ERROR))"
	bt 'kfunc:do_nanosleep { exit(); }' && want=true || want=false
	jqis .attach.fentry.ok $want "fentry as bpftrace's kfunc finds it ($(grep -v RLIMIT "$T/bt.out" | grep -m1 ERROR))"
	bt 'tracepoint:sched:sched_switch { exit(); }' && want=true || want=false
	jqis .attach.tracepoint.ok $want "classic tracepoint as bpftrace finds it"
else
	echo "note: bpftrace missing: kprobe/fentry checked against sysfs only"
fi
[ -e /sys/bus/event_source/devices/kprobe ] && want=true || want=false
jqis .attach.kprobe.ok $want "kprobe PMU in sysfs"
[ -e /sys/bus/event_source/devices/uprobe ] && want=true || want=false
jqis .attach.uprobe.ok $want "uprobe PMU in sysfs"
for f in kprobe fentry; do
	[ "$(jq -r .attach.$f.ok "$T/f.json")" = true ] ||
		echo "  $f reason: $(jq -r .attach.$f.reason "$T/f.json")"
done

# cgroup v2: where /proc/self/mountinfo has it, and hybrid when v1 hierarchies are mounted too.
cg2=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -1)
v1=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup") n++; break } } END { print n + 0 }' \
	/proc/self/mountinfo)
if [ -n "$cg2" ]; then
	jqis .kernel.cgroup_v2.path "$cg2" "cgroup v2 mount"
	if [ "$v1" -gt 0 ]; then
		jq -r .kernel.cgroup_v2.detail "$T/f.json" | grep -q "hybrid: $v1 " &&
			ok "hybrid with $v1 v1 hierarchies" || fail "not said hybrid ($v1 v1 mounts)"
	fi
else
	jqis .kernel.cgroup_v2.ok false "no cgroup2 mount"
fi
for tp in sock_recv_length block_rq_issue; do
	grep -qw "btf_trace_$tp" <(bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -o "btf_trace_$tp'") &&
		want=true || want=false
	case $tp in sock_*) key=sock_tracepoints ;; *) key=block_tracepoints ;; esac
	jqis .kernel.$key.ok $want "$tp in the kernel's BTF"
done

# Text: the verdict first, a line per item.
"$L" --features >"$T/f.txt" 2>&1
rc=$?
[ $rc -eq 0 ] && head -1 "$T/f.txt" | grep -q ": ready" && ok "text: exit 0, $(head -1 "$T/f.txt")" ||
	fail "text: exit $rc: $(head -1 "$T/f.txt")"
grep -qE '^  kprobe +(ok|no) ' "$T/f.txt" && grep -qE '^  syscalls +ok  \(required\)' "$T/f.txt" ||
	fail "text lines: $(cat "$T/f.txt")"

# Not root: exit 1 (a rollout gate), syscalls not ok, the reason says root.
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$L" --features --json >"$T/n.json" 2>"$T/n.err"
	rc=$?
	[ $rc -eq 1 ] && [ "$(jq -r .ready "$T/n.json")" = false ] &&
		[ "$(jq -r .families.syscalls.ok "$T/n.json")" = false ] &&
		jq -r .families.syscalls.reason "$T/n.json" | grep -q root &&
		ok "as nobody: exit 1, $(jq -r .families.syscalls.reason "$T/n.json")" ||
		fail "as nobody: exit $rc, $(head -c 400 "$T/n.json")"
fi

# tracefs not mounted (private mount namespace): mountable, tracepoints still work, nothing left.
if command -v unshare >/dev/null && unshare -m --propagation private true 2>/dev/null; then
	unshare -m --propagation private sh -c 'umount /sys/kernel/tracing 2>/dev/null;
		umount /sys/kernel/debug/tracing 2>/dev/null; "$1" --features --json;
		echo "left=$(grep -c " - tracefs " /proc/self/mountinfo)"' sh "$L" >"$T/u.out" 2>&1
	left=$(sed -n 's/^left=//p' "$T/u.out")
	head -1 "$T/u.out" >"$T/f.json"
	jq -r .kernel.tracefs.detail "$T/f.json" | grep -q mountable &&
		[ "$(jq -r .attach.tracepoint.ok "$T/f.json")" = true ] && [ "$left" = 0 ] &&
		ok "without tracefs: mountable, classic tracepoints ok, $left tracefs mounts left" ||
		fail "without tracefs: left=$left, $(head -c 600 "$T/u.out")"
	ls -d /tmp/lattop-tracefs.* >/dev/null 2>&1 && fail "a /tmp/lattop-tracefs.* dir is left"
fi

[ $fails -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"

#!/usr/bin/env python3
"""lattop run in CI (issue #11, point 10): with --json stdout is the JSON alone, with
the assertions and the verdict inside (read here with jq, as a CI script would); the
PATH lookup of COMMAND is lattop's, not charged to the command (exactly one execve,
no failed ones, for `true`); --quiet prints only the verdict lines; --junit writes a
JUnit report (parsed here with xml.etree) into a new 0600 file, escaped.

Ground truth: `true` and `sh -c 'exit N'` make exactly one execve (their own start),
a #!-less script two (the kernel's ENOEXEC, then /bin/sh, as execvp does)."""
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import lattest  # noqa: E402
from lattest import LATTOP, check, fail  # noqa: E402

VERDICT_LINE = re.compile(r"^(PASS|FAIL)  .+   \(actual [^)]+\)(  \(.*\))?$|"
                          r"^lattop run: \d+ assertions?, \d+ failed$")


def run(args, env=None, timeout_s=60):
    p = subprocess.run([LATTOP, "run"] + args, capture_output=True, text=True,
                       timeout=timeout_s, env=env, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def run_jq(args, jq_filter, env=None, timeout_s=60):
    """lattop run ARGS | jq -r FILTER: (lattop's exit, jq's exit, jq's output, lattop's stderr)."""
    lat = subprocess.Popen([LATTOP, "run"] + args, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
    jq = subprocess.Popen(["jq", "-r", jq_filter], stdin=lat.stdout, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    lat.stdout.close()
    out, jq_err = jq.communicate(timeout=timeout_s)
    err = lat.stderr.read().decode(errors="replace")
    lat.wait(timeout=timeout_s)
    return lat.returncode, jq.returncode, out.strip(), err + jq_err


def main():
    lattest.require_bpf()
    if not shutil.which("jq"):
        fail("jq is not installed: run 'make deps' (it is in the Makefile's DEB_PKGS)")
    tmp = tempfile.mkdtemp(prefix="lattop-runci-")
    try:
        checks(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def checks(tmp):
    # 1. run --json | jq .verdict: pass and fail. `true` is found through PATH.
    rc, jrc, out, err = run_jq(["--json", "-a", "count(execve) == 1", "-a",
                                "errors(execve) == 0", "--", "true"], ".verdict")
    check(rc == 0 and jrc == 0 and out == "pass",
          f"run --json ... -- true | jq .verdict is pass: lattop {rc}, jq {jrc}, {out!r} {err!r}")
    rc, jrc, out, _ = run_jq(["--json", "-a", "count(execve) == 1", "-a",
                              "errors(execve) == 0", "--", "true"],
                             "[.assertions[] | [.expr, .passed, .actual]] | tostring")
    check(json.loads(out) == [["count(execve) == 1", True, 1], ["errors(execve) == 0", True, 0]],
          f"the assertions are in the JSON with their actual values: {out}")
    rc, jrc, out, err = run_jq(["--json", "-a", "count(execve) == 2", "--", "true"],
                               "[.verdict, .assertions[0].passed, .assertions[0].actual,"
                               " .assertions_failed, .exit_status] | tostring")
    check(rc == 1 and jrc == 0 and json.loads(out) == ["fail", False, 1, 1, 0],
          f"a failing assertion: verdict fail, actual 1, lattop exits 1: {rc} {out} {err!r}")
    check("FAIL  count(execve) == 2   (actual 1)" in err,
          f"with --json the verdict lines are on stderr: {err!r}")
    rc, jrc, out, _ = run_jq(["--json", "--", "sh", "-c", "exit 4"],
                             "[.verdict, .exit_status, (.assertions | length)] | tostring")
    check(rc == 4 and json.loads(out) == ["fail", 4, 0],
          f"no assertions, the command exits 4: verdict fail, exit_status 4: {rc} {out}")

    # 2. The JSON alone on stdout even when the command writes to its stdout
    # (that goes to stderr); the whole of stdout is one JSON document.
    rc, out, err = run(["--json", "-a", "count(write) >= 2", "--", "sh", "-c",
                        "echo noise-on-stdout; echo more-noise"])
    doc = json.loads(out)
    check(rc == 0 and doc["verdict"] == "pass" and out.count("\n") == 1,
          f"stdout is one JSON line: exit {rc}, {out.count(chr(10))} lines")
    check("noise-on-stdout" in err.splitlines() and "more-noise" in err.splitlines()
          and "more-noise" not in out.splitlines(), "the command's stdout went to stderr")
    check(doc["command"] == ["sh", "-c", "echo noise-on-stdout; echo more-noise"]
          and any(r["syscall"] == "write" for r in doc["syscalls"]),
          "the JSON keeps the summary (syscalls) and names the command")

    # 3. PATH lookup: misses along PATH (missing dirs, a non-executable file of the
    # same name) are lattop's, before the child is traced: one execve, no errors.
    nox = os.path.join(tmp, "nox")
    os.mkdir(nox)
    with open(os.path.join(nox, "true"), "w") as f:
        f.write("#!/bin/sh\nexit 9\n")
    os.chmod(os.path.join(nox, "true"), 0o644)
    path = ":".join(["/nonexistent-a", "/nonexistent-b", nox, "/nonexistent-c",
                     "/usr/local/bin", "/usr/bin", "/bin"])
    env = dict(os.environ, PATH=path)
    rc, out, err = run(["-a", "count(execve) == 1", "-a", "errors(execve) == 0", "--", "true"],
                       env=env)
    check(rc == 0 and out.count("PASS  ") == 2,
          f"true through a PATH of 6 misses: count(execve) == 1, errors(execve) == 0: "
          f"exit {rc} {[l for l in out.splitlines() if l.startswith(('PASS', 'FAIL'))]}")
    # A #!-less script found along PATH runs through /bin/sh, as execvp does.
    bindir = os.path.join(tmp, "bin")
    os.mkdir(bindir)
    with open(os.path.join(bindir, "noshebang"), "w") as f:
        f.write("exit 7\n")
    os.chmod(os.path.join(bindir, "noshebang"), 0o755)
    env = dict(os.environ, PATH=f"/nonexistent-a:{bindir}:/usr/bin:/bin")
    rc, out, err = run(["-q", "-a", "count(execve) == 2", "-a", "errors(execve) == 1", "--",
                        "noshebang"], env=env)
    check(rc == 7 and out.count("PASS  ") == 2,
          f"a #!-less script runs by /bin/sh (its ENOEXEC is the one failed execve), "
          f"exit 7: {rc} {out!r} {err!r}")
    # Found only where it cannot be executed; not found at all: one line, exit 1, as before.
    env = dict(os.environ, PATH=f"{nox}:/nonexistent-a")
    rc, out, err = run(["--", "true"], env=env)
    check(rc == 1 and err == "lattop run: cannot run 'true': Permission denied\n" and out == "",
          f"only a non-executable match: exit 1, Permission denied: {rc} {err!r}")
    rc, out, err = run(["--", "lattop-no-such-command"])
    check(rc == 1 and out == "" and
          err == "lattop run: cannot run 'lattop-no-such-command': No such file or directory\n",
          f"not found along PATH: exit 1, one line: {rc} {err!r}")
    # With --json a consumer still reads a verdict, and why.
    rc, jrc, out, err = run_jq(["--json", "-a", "count(execve) == 1", "--",
                                "lattop-no-such-command"],
                               "[.verdict, .error, .exit_status] | tostring")
    check(rc == 1 and jrc == 0 and json.loads(out) ==
          ["fail", "cannot run 'lattop-no-such-command': No such file or directory", None],
          f"--json when the command cannot run: verdict fail with the error: {out} {err!r}")

    # 4. --quiet: the verdict lines only, one per assertion and the count.
    rc, out, err = run(["--quiet", "-a", "count(execve) == 1", "-a", "count(execve) > 1",
                        "--", "true"])
    lines = out.splitlines()
    check(rc == 1 and len(lines) == 3 and all(VERDICT_LINE.match(l) for l in lines),
          f"--quiet prints only the 3 verdict lines: {lines}")
    check(lines[0].startswith("PASS") and lines[1].startswith("FAIL")
          and lines[2] == "lattop run: 2 assertions, 1 failed", f"in order: {lines}")
    rc, out, _ = run(["-a", "count(execve) == 1", "--", "true"])
    check(len(out.splitlines()) > 5 and "execve" in out,
          "without --quiet the summary is printed (control)")
    rc, out, err = run(["--json", "-q", "-a", "count(execve) == 1", "--", "true"])
    check(rc == 0 and json.loads(out)["verdict"] == "pass" and "PASS" not in err,
          f"--json --quiet: the JSON, and no verdict lines on stderr: {err!r}")

    # 5. --junit: parsed; one testcase per assertion plus the exit status; a hostile
    # command text (<, &, " and a control byte) escaped; the file new and 0600.
    report = os.path.join(tmp, "report.xml")
    hostile = 'a<b&c"d\x01e'
    rc, out, err = run(["-q", "--junit", report, "-a", "count(execve) == 1",
                        "-a", "p99 < 1ns", "-a", "errors(execve) == 5", "--",
                        "sh", "-c", "exit 3", hostile])
    check(rc == 1, f"two failed assertions: exit 1: {rc} {err!r}")
    st = os.lstat(report)
    check(stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600,
          f"the report is a regular file, mode 0600: {oct(st.st_mode)}")
    root = ET.parse(report).getroot()
    suites = root.findall("testsuite")
    check(root.tag == "testsuites" and len(suites) == 1, "one testsuite")
    suite = suites[0]
    cases = suite.findall("testcase")
    asserts = [c for c in cases if c.get("classname") == "lattop.run.assert"]
    check(len(asserts) == 3 and [c.get("name") for c in asserts] ==
          ["count(execve) == 1", "p99 < 1ns", "errors(execve) == 5"],
          f"one testcase per assertion, in order: {[c.get('name') for c in asserts]}")
    failed = [c for c in cases if c.find("failure") is not None]
    check(int(suite.get("tests")) == 4 == len(cases) and int(suite.get("failures")) == 3
          == len(failed) and suite.get("errors") == "0",
          f"tests 4 (3 assertions + the exit status), failures 3: {suite.attrib}")
    msg = asserts[2].find("failure").get("message")
    check(asserts[0].find("failure") is None and msg == "actual 0, expected errors(execve) == 5",
          f"a failure names actual and expected: {msg!r}")
    exit_case = [c for c in cases if c.get("classname") == "lattop.run.command"]
    check(len(exit_case) == 1 and exit_case[0].find("failure") is not None
          and "status 3" in exit_case[0].find("failure").get("message"),
          "the command's exit status 3 is a failed testcase")
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    check(props.get("command") == 'sh -c exit 3 a<b&c"d?e' and props.get("exit_status") == "3",
          f"the hostile command text is escaped (control byte as ?): {props}")
    raw = open(report, "rb").read()
    check(b"\x01" not in raw and b"&lt;b&amp;c&quot;d?e" in raw, "escaped in the file itself")

    # Never overwritten, never through a symlink.
    before = raw
    rc, _, err = run(["--junit", report, "--", "true"])
    check(rc == 1 and "never overwrites" in err and open(report, "rb").read() == before,
          f"an existing report is refused and kept: {rc} {err!r}")
    target = os.path.join(tmp, "target")
    link = os.path.join(tmp, "link.xml")
    os.symlink(target, link)
    rc, _, err = run(["--junit", link, "--", "true"])
    check(rc == 1 and not os.path.exists(target), f"a symlink is not followed: {rc} {err!r}")

    rc, _, err = run(["--junit", "--", "true"])
    check(rc == 2 and "--junit needs a file name" in err, f"--junit without a file: {rc} {err!r}")

    # A run that cannot start still leaves a report CI can read: an error testcase.
    report2 = os.path.join(tmp, "report2.xml")
    rc, _, err = run(["--junit", report2, "-a", "count(execve) == 1", "--",
                      "lattop-no-such-command"])
    suite = ET.parse(report2).getroot().find("testsuite")
    errs = [c.find("error") for c in suite.findall("testcase") if c.find("error") is not None]
    check(rc == 1 and suite.get("errors") == "1" and len(errs) == 1
          and "lattop-no-such-command" in errs[0].get("message"),
          f"a command that cannot run: a report with one error: {suite.attrib}")


if __name__ == "__main__":
    main()

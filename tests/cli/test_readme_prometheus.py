#!/usr/bin/env python3
"""The README's Prometheus section is what operators paste: its alerting rule
file passes `promtool check rules`, its scrape config passes `promtool check
config` (with that rule file beside it), and every example PromQL query
parses (each one wrapped into a recording rule for promtool). A broken copy of
the rule is refused, so the check can fail. No root, no lattop run."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402
import promtest  # noqa: E402

if not os.access(promtest.PROMTOOL, os.X_OK):
    print("SKIP: promtool missing: apt-get install prometheus")
    sys.exit(77)


def promtool(*args):
    p = subprocess.run([promtest.PROMTOOL] + list(args), capture_output=True, text=True,
                       timeout=60)
    return p.returncode, (p.stdout + p.stderr).strip()


yaml_blocks = promtest.readme_blocks("yaml")
rules = [b for b in yaml_blocks if b.lstrip().startswith("groups:")]
configs = [b for b in yaml_blocks if "scrape_configs:" in b]
queries = promtest.readme_queries()
lattest.check(len(rules) == 1, f"README's Prometheus section has one rule file block ({len(rules)})")
lattest.check(len(configs) == 1, f"README's Prometheus section has one scrape config ({len(configs)})")
lattest.check(len(queries) >= 5, f"README has the example queries ({len(queries)})")
for name in ("histogram_quantile", "lattop_syscall_latency_seconds_bucket",
             "lattop_syscall_errors_total", "lattop_lost_events_total",
             "lattop_runq_latency_seconds_bucket"):
    lattest.check(any(name in q for q in queries), f"a README query uses {name}")
lattest.check("alert:" in rules[0] and "p99" in rules[0], "the rule file has a p99 alert")

with tempfile.TemporaryDirectory(prefix="lattop-readme-prom-") as d:
    rule_path = os.path.join(d, "lattop-rules.yml")
    with open(rule_path, "w") as f:
        f.write(rules[0])
    rc, out = promtool("check", "rules", rule_path)
    print(out)
    lattest.check(rc == 0, "promtool check rules: README's rule file passes")

    cfg_path = os.path.join(d, "prometheus.yml")
    with open(cfg_path, "w") as f:
        f.write(configs[0])
    rc, out = promtool("check", "config", cfg_path)
    print(out)
    lattest.check(rc == 0, "promtool check config: README's scrape config (with the rule file) passes")

    q_path = os.path.join(d, "queries.yml")
    with open(q_path, "w") as f:
        f.write("groups:\n  - name: readme_queries\n    rules:\n")
        for i, q in enumerate(queries):
            f.write(f"      - record: readme:query{i}\n        expr: {json.dumps(q)}\n")
    rc, out = promtool("check", "rules", q_path)
    print(out)
    lattest.check(rc == 0, f"all {len(queries)} README queries parse (as recording rules)")

    bad_path = os.path.join(d, "bad.yml")
    with open(bad_path, "w") as f:
        f.write(rules[0].replace("histogram_quantile(0.99,", "histogram_quantile(0.99 ,,"))
    rc, out = promtool("check", "rules", bad_path)
    lattest.check(rc != 0, "a broken copy of the rule is refused by promtool (the check can fail)")
print("PASS")

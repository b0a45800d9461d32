#!/usr/bin/env python3
"""The catch-up dry run at scale (issue 6, item 4): `sched catchup --dry-run`
on 10,000 jobs of mixed schedules after a year of downtime.

Usage:
    python3 bench/catchup_dryrun.py --sched build/cli/sched [--jobs 10000] [--days 365] [--repeat 5]

It writes bench/scale.py's state (the same mix of schedules and zones) with
every watermark at now - --days and maxMissedRuns 5, and prints the median
wall and CPU time of --repeat runs of

    sched --state FILE catchup --dry-run          >/dev/null
    sched --state FILE catchup --dry-run --json   >/dev/null

with the planned runs and skipped fires the JSON reports. The planning alone
is bench/catchup_scale.cc. Target: planning < 200 ms.
"""

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sched", required=True, help="the sched binary, e.g. build/cli/sched")
    ap.add_argument("--jobs", type=int, default=10000, help="number of jobs (default 10000)")
    ap.add_argument("--days", type=int, default=365, help="days of downtime (default 365)")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each command, median reported (default 5)")
    a = ap.parse_args()
    sched = os.path.abspath(a.sched)
    scratch = tempfile.mkdtemp(prefix="sched-dryrun-")
    try:
        state = os.path.join(scratch, "state.json")
        size = scale.write_state(state, a.jobs, dt.timedelta(days=a.days), max_missed_runs=5)
        env = scale.clean_env(scratch)
        base = [sched, "--state", state, "catchup", "--dry-run"]
        text = scale.medians([scale.timed(base, env, scratch) for _ in range(a.repeat)])
        as_json = scale.medians([scale.timed(base + ["--json"], env, scratch) for _ in range(a.repeat)])
        doc = json.loads(subprocess.run(base + ["--json"], stdout=subprocess.PIPE, env=env, cwd=scratch,
                                        check=True).stdout)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    runs = sum(len(job["runs"]) for job in doc["jobs"])
    skipped = sum(job["skipped"]["count"] for job in doc["jobs"])
    print(f"sched catchup --dry-run: {a.jobs} jobs of mixed schedules, {a.days} days down, maxMissedRuns 5, "
          f"state {size / 1e6:.1f} MB; median of {a.repeat}")
    print(f"{'command':<28} {'wall ms':>8} {'cpu ms':>7}")
    print(f"{'catchup --dry-run':<28} {text[0]:>8.1f} {text[1]:>7.0f}")
    print(f"{'catchup --dry-run --json':<28} {as_json[0]:>8.1f} {as_json[1]:>7.0f}")
    print(f"planned {runs} runs, {skipped} skipped fires over {len(doc['jobs'])} jobs")
    print("target: planning < 200 ms (bench/catchup_scale for the planning alone)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""sched at scale: start-up, memory, `sched add`, `sched state --json`.

Usage:
    python3 bench/scale.py --sched build/cli/sched [--sizes 1000,10000,100000] [--quick]
                           [--repeat N] [--lean] [--keep]

For each size N it writes a state file of N jobs (the state file format of
README.md "The state file", version "1.0", every member in the order sched
writes them) with a realistic mix of schedules: daily at various hours,
hourly, every 15 minutes, weekdays, weekly, monthly and a few every minute;
zones from ten IANA zones and "" (the scheduler's zone); command `true`,
source "cli"; every job last ran a week ago (watermark = now - 7 days), so
`sched run` plans a week of catch-up at start. Then it measures:

  ready ms      from starting `sched --state FILE run` (no config file) to the
                READY=1 datagram it sends on $NOTIFY_SOCKET once its catch-up
                is planned (median of --repeat runs, each on a fresh copy);
                the runner is killed (SIGKILL) right after
  RSS/HWM MB    VmRSS and VmHWM of the runner at ready (/proc/PID/status;
                from the median run)
  run HWM MB    VmHWM of one more start after RUN_SECONDS (3 s) of running:
                its peak while it works through the catch-up's runs and
                state writes. The RSS target is checked against the larger
                of this and RSS.
  add ms        `sched --state FILE add ...` wall time, median of 5, each
                on a fresh copy of the generated file
  state ms      `sched --state FILE state --json >/dev/null` wall time,
                median of 5
  file MB       size of the generated state file

Every copy is fsynced before it is measured, as a state file sched wrote is:
a copy still in the page cache would make the measured command's own fsync
write it out too (9 MB more at 10,000 jobs).

It prints one table with the issue's targets beside it. --quick measures
1,000 and 10,000 jobs with one start each and 3 runs of add and state.
Nothing outside a scratch folder under $TMPDIR is touched; --keep leaves it.
--lean writes jobs with only the members LEAN_MEMBERS names (about 200
bytes a job instead of 920): a diagnostic for sizes whose full file sched
refuses to read (more than 256 MiB: from about 280,000 jobs of this mix), not
the realistic case. Error lines the runner logged are printed under the
table; a runner that moved the file aside and started empty fails the row.

The functions write_state() and job_mix() are shared with bench/idle.py and
bench/catchup_dryrun.py.
"""

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ZONES = [
    "",
    "UTC",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Australia/Lord_Howe",
]

# How long the extra start of each size runs before its peak memory is read.
RUN_SECONDS = 3.0

TARGETS = {
    10000: {"ready_ms": 300, "rss_mb": 50, "add_ms": 100, "state_ms": 150},
    100000: {"ready_ms": 3000, "rss_mb": 300},
}


def rfc3339(t):
    """A datetime (UTC) as sched writes instants: milliseconds and Z."""
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def job_mix(i, rng):
    """The schedule of job i: the realistic mix (percent of jobs)."""
    m, h = rng.randrange(60), rng.randrange(24)
    r = i % 100
    if r < 40:
        return f"{m} {h} * * *"  # daily at various hours
    if r < 60:
        return f"{m} * * * *"  # hourly
    if r < 70:
        return "*/15 * * * *"
    if r < 85:
        return f"{m} {h} * * 1-5"  # weekdays
    if r < 93:
        return f"{m} {h} * * {rng.randrange(7)}"  # weekly
    if r < 99:
        return f"{m} {h} {rng.randrange(1, 29)} * *"  # monthly
    return "* * * * *"  # a few every minute


def make_job(name, schedule, zone, watermark, max_missed_runs, workdir, rng):
    """One job record as `sched add` and a runner leave it after a few runs."""
    last_run = watermark.replace(second=0, microsecond=0)
    started = last_run + dt.timedelta(milliseconds=rng.randrange(1, 40))
    duration = rng.randrange(2, 900)
    return {
        "name": name,
        "schedule": schedule,
        "enabled": True,
        "catchUp": True,
        "maxMissedRuns": max_missed_runs,
        "currentRunCount": rng.randrange(1, 5000),
        "lastRun": rfc3339(last_run),
        "nextRun": rfc3339(last_run + dt.timedelta(hours=1)),
        "watermark": rfc3339(watermark),
        "timezone": zone,
        "dayMatch": "any",
        "dstGap": "run-after",
        "dstRepeat": "auto",
        "protect": True,
        "catchUpWindowMs": None,
        "timeoutMs": None,
        "command": "true",
        "workdir": workdir,
        "env": {},
        "source": "cli",
        "lastStatus": "ok",
        "lastTrigger": "schedule",
        "lastExitCode": 0,
        "lastDurationMs": duration,
        "lastStartedAt": rfc3339(started),
        "lastFinishedAt": rfc3339(started + dt.timedelta(milliseconds=duration)),
        "lastError": None,
        "skippedCount": 0,
        "triggerRequestedAt": None,
    }


LEAN_MEMBERS = ("name", "schedule", "watermark", "timezone", "command", "source")


def write_state(path, n, downtime, max_missed_runs=5, schedule_of=job_mix, seed=1, lean=False):
    """Writes a state file of n jobs whose watermark is now - downtime.

    schedule_of(i, rng) gives job i's schedule; lean keeps only
    LEAN_MEMBERS of each job (sched reads such a file; the rest take their
    defaults). Returns the file's size."""
    rng = random.Random(seed)
    watermark = dt.datetime.now(dt.timezone.utc) - downtime
    workdir = os.path.dirname(os.path.abspath(path))
    jobs = [
        make_job(f"job-{i:06d}", schedule_of(i, rng), ZONES[i % len(ZONES)], watermark, max_missed_runs, workdir, rng)
        for i in range(n)
    ]
    if lean:
        jobs = [{k: job[k] for k in LEAN_MEMBERS} for job in jobs]
    doc = {"version": "1.0", "timestamp": rfc3339(dt.datetime.now(dt.timezone.utc)), "jobs": jobs}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.chmod(path, 0o600)
    return os.path.getsize(path)


def clean_env(scratch):
    """The environment of every sched command: no config file, no state
    from the user's, no systemd socket unless one is given."""
    env = dict(os.environ)
    for key in ("SCHED_CONFIG", "SCHED_STATE", "NOTIFY_SOCKET"):
        env.pop(key, None)
    env["XDG_CONFIG_HOME"] = os.path.join(scratch, "config")
    env["XDG_STATE_HOME"] = os.path.join(scratch, "state")
    return env


def proc_cpu_ms(pid):
    """User + system CPU time of pid (all its threads) so far, in ms."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


def children_cpu_ms():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * 1000.0


def proc_status(pid):
    """VmRSS and VmHWM of pid in MB."""
    out = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024.0
    return out


class Runner:
    """`sched run` on a state file, with a NOTIFY_SOCKET we listen on."""

    def __init__(self, sched, state, scratch, config=None, log_name="run.log"):
        self.sched, self.state, self.scratch, self.config = sched, state, scratch, config
        self.log_path = os.path.join(scratch, log_name)
        self.sock_path = os.path.join(scratch, "notify.sock")
        self.proc = None

    def start(self, timeout=300.0):
        """Starts the runner and waits for READY=1. Returns seconds to ready."""
        if os.path.exists(self.sock_path):
            os.unlink(self.sock_path)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(self.sock_path)
        sock.settimeout(0.05)
        env = clean_env(self.scratch)
        env["NOTIFY_SOCKET"] = self.sock_path
        cmd = [self.sched, "--state", self.state]
        if self.config:
            cmd += ["--config", self.config]
        cmd.append("run")
        log = open(self.log_path, "wb")
        try:
            t0 = time.monotonic()
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.scratch)
            while True:
                try:
                    msg = sock.recv(4096).decode()
                except socket.timeout:
                    msg = ""
                if "READY=1" in msg.split("\n"):
                    return time.monotonic() - t0
                if self.proc.poll() is not None:
                    raise RuntimeError(f"sched run exited {self.proc.returncode} before READY=1; log:\n{self.log()}")
                if time.monotonic() - t0 > timeout:
                    raise RuntimeError(f"no READY=1 within {timeout} s; log:\n{self.log()}")
        finally:
            log.close()
            sock.close()

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self, timeout=60):
        """SIGTERM and wait: a clean stop, for measurements that go on."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()


def check_loaded(state, log_text):
    """Fails when the runner did not run on the whole file: a corrupt or
    too big file is moved aside and the runner starts empty, which would
    make a fast, meaningless start. Returns the log's error lines."""
    folder = os.path.dirname(state)
    aside = [f for f in os.listdir(folder) if ".corrupt-" in f]
    errors = [line for line in log_text.splitlines() if " error " in line or "corrupt" in line]
    if aside:
        raise RuntimeError(f"the runner did not load {state}: {aside} {errors[:3]}")
    return errors


def timed(cmd, env, cwd, stdout=subprocess.DEVNULL):
    """(wall ms, CPU ms) of one run, which must exit 0."""
    cpu0, t0 = children_cpu_ms(), time.monotonic()
    r = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=cwd)
    wall_ms, cpu_ms = (time.monotonic() - t0) * 1000.0, children_cpu_ms() - cpu0
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.decode().strip()}")
    return wall_ms, cpu_ms


def medians(runs):
    """Per-column medians of (wall, cpu) pairs."""
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def copy_synced(source, target):
    """Copies the state file and puts the copy on disk (see the module's text)."""
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)
    with open(target, "rb") as f:
        os.fsync(f.fileno())
    folder = os.open(os.path.dirname(target) or ".", os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def measure(sched, n, scratch, ready_repeat, cmd_repeat, lean):
    folder = os.path.join(scratch, f"n{n}")
    os.makedirs(folder, exist_ok=True)
    pristine = os.path.join(folder, "pristine.json")
    size = write_state(pristine, n, dt.timedelta(days=7), lean=lean)
    state = os.path.join(folder, "state.json")
    env = clean_env(scratch)

    errors = []

    def start_fresh(run_seconds=0.0):
        """Starts a runner on a fresh copy, runs it `run_seconds` past ready and kills it.
        Returns (seconds to ready, VmRSS/VmHWM then, CPU ms then)."""
        for f in os.listdir(folder):
            if f.startswith("state.json"):
                os.unlink(os.path.join(folder, f))
        copy_synced(pristine, state)
        runner = Runner(sched, state, folder)
        try:
            seconds = runner.start()
            time.sleep(run_seconds)
            mem = proc_status(runner.proc.pid)
            cpu = proc_cpu_ms(runner.proc.pid)
        finally:
            runner.kill()
        errors.extend(check_loaded(state, runner.log()))
        return seconds, mem, cpu

    ready = []
    for _ in range(ready_repeat):
        seconds, mem, cpu = start_fresh()
        ready.append((seconds * 1000.0, mem, cpu))
    ready.sort(key=lambda r: r[0])
    ready_ms, mem, ready_cpu = ready[len(ready) // 2]
    _, running, _ = start_fresh(RUN_SECONDS)

    def fresh_copy():
        copy_synced(pristine, state)

    # Each add and each state --json on a fresh copy of the generated file.
    runs = []
    for i in range(cmd_repeat):
        fresh_copy()
        runs.append(timed([sched, "--state", state, "add", f"added-{i}", "-s", "30 4 * * *", "-c", "true"], env,
                          folder))
    add_ms, add_cpu = medians(runs)
    fresh_copy()
    state_ms, state_cpu = medians(
        [timed([sched, "--state", state, "state", "--json"], env, folder) for _ in range(cmd_repeat)])
    listed = json.loads(subprocess.run([sched, "--state", state, "state", "--json"], stdout=subprocess.PIPE,
                                       env=env, cwd=folder, check=True).stdout)
    if len(listed["jobs"]) != n:
        raise RuntimeError(f"state --json lists {len(listed['jobs'])} jobs, expected {n}")
    return {"n": n, "ready_ms": ready_ms, "rss_mb": mem["VmRSS"], "hwm_mb": mem["VmHWM"],
            "run_hwm_mb": running["VmHWM"], "add_ms": add_ms,
            "state_ms": state_ms, "file_mb": size / 1e6, "ready_cpu": ready_cpu, "add_cpu": add_cpu,
            "state_cpu": state_cpu, "errors": errors}


def target_text(n):
    t = TARGETS.get(n)
    if not t:
        return ""
    parts = [f"ready < {t['ready_ms']} ms", f"RSS < {t['rss_mb']} MB"]
    if "add_ms" in t:
        parts += [f"add < {t['add_ms']} ms", f"state --json < {t['state_ms']} ms"]
    return ", ".join(parts)


def verdict(row):
    t = TARGETS.get(row["n"])
    if not t:
        return ""
    measured = dict(row, rss_mb=max(row["rss_mb"], row["run_hwm_mb"]))
    missed = [k for k in ("ready_ms", "rss_mb", "add_ms", "state_ms") if k in t and measured[k] >= t[k]]
    return "ok" if not missed else "MISSED: " + ", ".join(missed)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sched", required=True, help="the sched binary, e.g. build/cli/sched")
    ap.add_argument("--sizes", help="comma-separated job counts (default 1000,10000,100000; --quick: 1000,10000)")
    ap.add_argument("--quick", action="store_true", help="one start per size, 3 runs of add and state")
    ap.add_argument("--repeat", type=int, help="starts per size, median reported (default 3; --quick: 1)")
    ap.add_argument("--lean", action="store_true",
                    help="jobs with only " + ", ".join(LEAN_MEMBERS) + ": a smaller file than sched writes")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder and print its path")
    a = ap.parse_args()
    sizes = [int(s) for s in (a.sizes or ("1000,10000" if a.quick else "1000,10000,100000")).split(",")]
    ready_repeat = a.repeat or (1 if a.quick else 3)
    cmd_repeat = 3 if a.quick else 5
    sched = os.path.abspath(a.sched)
    scratch = tempfile.mkdtemp(prefix="sched-scale-")
    rows = []
    try:
        for n in sizes:
            try:
                rows.append(measure(sched, n, scratch, ready_repeat, cmd_repeat, a.lean))
            except RuntimeError as e:
                rows.append({"n": n, "error": str(e).splitlines()[0][:200]})
            print(f"measured {n} jobs", file=sys.stderr)
    finally:
        if a.keep:
            print(f"scratch folder: {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    with open("/proc/loadavg", encoding="ascii") as f:
        load = " ".join(f.read().split()[:3])
    print(f"sched at scale: {a.sched}, {'LEAN state files, ' if a.lean else ''}start after 7 days down; "
          f"ready = median of {ready_repeat} start(s), add and state --json = median of {cmd_repeat}; "
          f"{os.cpu_count()} CPUs, load average {load}")
    print("(cpu: user + system CPU time of the same runs, less sensitive to a busy machine than wall time)")
    print(f"{'jobs':>7} {'ready ms':>9} {'RSS MB':>7} {'HWM MB':>7} {'run HWM MB':>10} {'add ms':>7} {'state ms':>9}"
          f" {'file MB':>8}"
          f" | {'ready cpu':>9} {'add cpu':>8} {'state cpu':>9} | target")
    for r in rows:
        if "error" in r:
            print(f"{r['n']:>7} FAILED: {r['error']}")
            continue
        print(f"{r['n']:>7} {r['ready_ms']:>9.1f} {r['rss_mb']:>7.1f} {r['hwm_mb']:>7.1f} {r['run_hwm_mb']:>10.1f} "
              f"{r['add_ms']:>7.1f} "
              f"{r['state_ms']:>9.1f} {r['file_mb']:>8.1f} | {r['ready_cpu']:>9.0f} {r['add_cpu']:>8.0f} "
              f"{r['state_cpu']:>9.0f} | {target_text(r['n'])}  {verdict(r)}".rstrip())
    for r in rows:
        for line in r.get("errors", [])[:2]:
            print(f"  {r['n']} jobs, the runner logged: {line[:300]}")
    return 1 if any("error" in r for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())

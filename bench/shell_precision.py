#!/usr/bin/env python3
"""Firing precision of shell jobs through `sched run` (issue 6, item 3).

Usage:
    python3 bench/shell_precision.py --sched build/cli/sched [--seconds 30] [--jobs 200]
                                     [--clocks start,date] [--stamp build/bench/start_stamp]

--jobs jobs (default 200) on `* * * * * *` are defined in a config file and
`sched --state FILE --config FILE run` runs them for --seconds seconds
(default 30), with `[scheduler] max_concurrent` = the number of jobs, then
with the default 16, once for each clock of --clocks:

  start  the job's process start: `shell` is build/bench/start_stamp
         (--stamp), which notes CLOCK_REALTIME as it starts and appends it
         with $SCHED_SCHEDULED_AT to a ledger. What sched itself adds: the
         durable write of the starts, the spawn, the exec.
  date   `/bin/sh -c 'printf ... "$(date +%s.%N)" "$SCHED_SCHEDULED_AT" >> LEDGER'`:
         also /bin/sh's start, a fork and date's exec, about 2 ms of CPU a
         job; 200 of them at once on 2 cores wait for one another.
  bash   shell = "/bin/bash" and bash's $EPOCHREALTIME: bash's start, no fork.

With the start clock, a last row starts the same processes with no
scheduler: at each whole second of a window as long, a plain loop of
posix_spawn from one thread starts --jobs start_stamp processes (no state
file, no pipes, no bookkeeping), and reaps them once it has spawned them
all. It is what this machine allows any launcher, and the floor under
sched's rows.

A run's lateness is the clock it read minus its SCHED_SCHEDULED_AT. Runs
scheduled in the window [ready + 2 s, ready + 2 s + S) count. Printed per
row: runs counted and expected, median, p99 and max lateness in ms, the
state file's writes per second (renames onto its name, seen with inotify
IN_MOVED_TO on its folder during the window), and the CPU time the runner
itself used per run (user + system of `sched run`'s threads during the
window, from /proc/PID/stat, over the runs counted; its jobs' own CPU is not
in it).
Target: p99 < 50 ms.
"""

import argparse
import ctypes
import ctypes.util
import datetime as dt
import os
import select
import shutil
import struct
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale  # noqa: E402

IN_MOVED_TO = 0x00000080
IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000


class RenameCounter:
    """Counts renames onto `name` in `folder` (inotify through libc)."""

    def __init__(self, folder, name):
        self.libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self.fd = self.libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0 or self.libc.inotify_add_watch(self.fd, folder.encode(), IN_MOVED_TO) < 0:
            raise OSError(ctypes.get_errno(), "inotify")
        self.name = name.encode()
        self.count = 0
        self.counting = False
        self.stopping = False
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while not self.stopping:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                continue
            at = 0
            while at < len(data):
                _, mask, _, length = struct.unpack_from("iIII", data, at)
                name = data[at + 16:at + 16 + length].rstrip(b"\0")
                if self.counting and mask & IN_MOVED_TO and name == self.name:
                    self.count += 1
                at += 16 + length

    def close(self):
        self.stopping = True
        self.thread.join()
        os.close(self.fd)


def write_config(path, jobs, max_concurrent, ledger, clock, stamp):
    shell = None
    if clock == "start":
        command, shell = ledger, stamp
    elif clock == "bash":
        command, shell = f"""printf '%s %s\\n' "$EPOCHREALTIME" "$SCHED_SCHEDULED_AT" >> {ledger}""", "/bin/bash"
    else:
        command = f"""printf '%s %s\\n' "$(date +%s.%N)" "$SCHED_SCHEDULED_AT" >> {ledger}"""
    quoted = command.replace("\\", "\\\\").replace('"', '\\"')
    with open(path, "w", encoding="utf-8") as f:
        f.write("[scheduler]\n")
        if max_concurrent is not None:
            f.write(f"max_concurrent = {max_concurrent}\n")
        if shell is not None:
            f.write(f'shell = "{shell}"\n')
        for i in range(jobs):
            f.write(f'\n[jobs.shell-{i:03d}]\nschedule = "* * * * * *"\ncommand = "{quoted}"\n')


def cpu_seconds(pid):
    """User + system CPU seconds of process `pid` (all its threads, not its children)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def parse_instant(text):
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc).timestamp()


def measure(sched, jobs, seconds, max_concurrent, clock, stamp, scratch):
    folder = tempfile.mkdtemp(prefix="row-", dir=scratch)
    state = os.path.join(folder, "state.json")
    config = os.path.join(folder, "sched.toml")
    ledger = os.path.join(folder, "ledger")
    write_config(config, jobs, max_concurrent, ledger, clock, stamp)
    counter = RenameCounter(folder, "state.json")
    runner = scale.Runner(sched, state, folder, config=config)
    try:
        runner.start()
        start = int(time.time()) + 3  # the next whole second + 2 s of warm-up
        end = start + seconds
        time.sleep(max(0.0, start - time.time()))
        counter.counting = True
        cpu_start = cpu_seconds(runner.proc.pid)
        time.sleep(max(0.0, end - time.time()))
        cpu = cpu_seconds(runner.proc.pid) - cpu_start
        counter.counting = False
        time.sleep(1.0)  # runs due before `end` finish
    finally:
        runner.stop()
        counter.close()
    errors = scale.check_loaded(state, runner.log())
    lateness = []
    with open(ledger, encoding="ascii") as f:
        for line in f:
            actual, scheduled = line.split()
            at = parse_instant(scheduled)
            if start <= at < end:
                lateness.append((float(actual) - at) * 1000.0)
    lateness.sort()
    skips = sum(1 for line in runner.log().splitlines() if "skip" in line)
    return {"label": f"{max_concurrent if max_concurrent is not None else 16}", "clock": clock, "runs": len(lateness),
            "expected": jobs * seconds, "lateness": lateness, "writes": counter.count / seconds, "skip_lines": skips,
            "errors": errors, "cpu_ms_per_run": cpu * 1000.0 / max(1, len(lateness))}


def bare_launch(stamp, jobs, seconds, scratch):
    """Lateness of `jobs` start_stamp processes started at each whole second for `seconds` seconds by
    a plain loop of posix_spawn, one after another, with no scheduler: no state file, no pipes, no
    bookkeeping. What this machine allows any launcher that starts processes from one thread."""
    folder = tempfile.mkdtemp(prefix="bare-", dir=scratch)
    ledger = os.path.join(folder, "ledger")
    start = int(time.time()) + 2
    base = dict(os.environ)
    lateness = []
    for second in range(start, start + seconds):
        env = dict(base, SCHED_SCHEDULED_AT=dt.datetime.fromtimestamp(second, dt.timezone.utc)
                   .strftime("%Y-%m-%dT%H:%M:%S.000Z"))
        time.sleep(max(0.0, second - 0.002 - time.time()))
        while time.time() < second:
            pass
        pids = [os.posix_spawn(stamp, [stamp, "-c", ledger], env) for _ in range(jobs)]
        for pid in pids:
            os.waitpid(pid, 0)
    with open(ledger, encoding="ascii") as f:
        for line in f:
            actual, scheduled = line.split()
            lateness.append((float(actual) - parse_instant(scheduled)) * 1000.0)
    lateness.sort()
    return {"label": "-", "clock": "bare", "runs": len(lateness), "expected": jobs * seconds, "lateness": lateness,
            "writes": float("nan"), "skip_lines": 0, "errors": [], "cpu_ms_per_run": float("nan")}


def spawn_floor(stamp, count):
    """CPU seconds (this process and its children) of `count` posix_spawn + exec + exit + wait of
    start_stamp, one after another: what starting a process costs on this machine, whoever starts it."""
    before = os.times()
    for _ in range(count):
        pid = os.posix_spawn(stamp, [stamp, "-c", os.devnull], os.environ)
        os.waitpid(pid, 0)
    after = os.times()
    return sum(getattr(after, f) - getattr(before, f) for f in ("user", "system", "children_user", "children_system"))


def figure(value, width, decimals):
    """`value` right-aligned in `width`, or "-" where the row has no such figure (NaN)."""
    return f"{'-':>{width}}" if value != value else f"{value:>{width}.{decimals}f}"


CLOCKS = {"start": "process start (start_stamp)", "date": "date +%s.%N in /bin/sh", "bash": "$EPOCHREALTIME in bash",
          "bare": "no scheduler: spawn loop"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sched", required=True, help="the sched binary, e.g. build/cli/sched")
    ap.add_argument("--seconds", type=int, default=30, help="length of the window (default 30)")
    ap.add_argument("--jobs", type=int, default=200, help="number of jobs (default 200)")
    ap.add_argument("--clocks", default="start,date", help="comma-separated: start, date, bash (default start,date)")
    ap.add_argument("--stamp", help="the start_stamp binary (default: bench/start_stamp next to --sched's folder)")
    a = ap.parse_args()
    sched = os.path.abspath(a.sched)
    clocks = [c for c in a.clocks.split(",") if c]
    if not clocks or any(c not in CLOCKS for c in clocks):
        ap.error("--clocks takes start, date and bash, separated by commas")
    stamp = os.path.abspath(a.stamp or os.path.join(os.path.dirname(os.path.dirname(sched)), "bench", "start_stamp"))
    if "start" in clocks and not os.access(stamp, os.X_OK):
        ap.error(f"{stamp}: no start_stamp there (build it: cmake --build build --target start_stamp, or pass --stamp)")
    scratch = tempfile.mkdtemp(prefix="sched-shell-")
    try:
        rows = [measure(sched, a.jobs, a.seconds, mc, clock, stamp, scratch) for clock in clocks for mc in (a.jobs, None)]
        if "start" in clocks:
            rows.append(bare_launch(stamp, a.jobs, a.seconds, scratch))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{a.jobs} shell jobs on \"* * * * * *\" through sched run for {a.seconds} s; "
          f"lateness = the job's clock - $SCHED_SCHEDULED_AT")
    print(f"{'clock':<30} {'max_concurrent':>14} {'runs/expected':>15} {'median ms':>9} {'p99 ms':>8} {'max ms':>8} "
          f"{'writes/s':>9} {'runner CPU ms/run':>17}")
    for r in rows:
        v = r["lateness"]
        if not v:
            print(f"{CLOCKS[r['clock']]:<30} {r['label']:>14} {'0/' + str(r['expected']):>15} no runs")
            continue
        p99 = v[min(len(v) - 1, (len(v) * 99 + 99) // 100 - 1)]
        note = f"  ({r['skip_lines']} log lines mention skips)" if r["skip_lines"] else ""
        print(f"{CLOCKS[r['clock']]:<30} {r['label']:>14} {str(r['runs']) + '/' + str(r['expected']):>15} "
              f"{v[len(v) // 2]:>9.2f} {p99:>8.2f} {v[-1]:>8.2f} {figure(r['writes'], 9, 1)} "
              f"{figure(r['cpu_ms_per_run'], 17, 2)}{note}")
    for r in rows:
        for line in r["errors"][:2]:
            print(f"  {r['clock']}, max_concurrent {r['label']}, the runner logged: {line[:300]}")
    if "start" in clocks:
        cpu = spawn_floor(stamp, a.jobs) / a.jobs
        cores = os.cpu_count() or 1
        print(f"floor: starting a process (posix_spawn, exec, exit, wait of start_stamp, from Python) costs "
              f"{cpu * 1000:.2f} ms of CPU here; {a.jobs} at once need {a.jobs * cpu * 1000 / cores:.0f} ms "
              f"on {cores} cores before the last can start")
    print("target: p99 < 50 ms; fires of one instant share one state write")
    return 0


if __name__ == "__main__":
    sys.exit(main())

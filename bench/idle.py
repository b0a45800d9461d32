#!/usr/bin/env python3
"""What an idle `sched run` costs: wake-ups and bytes written.

Usage:
    python3 bench/idle.py --sched build/cli/sched [--seconds 60] [--sizes 10,10000]

For each size N it writes a state file of N daily jobs (bench/scale.py's
format) whose fire times all lie at least two hours away from now in their
own zones, with watermarks at now, so that nothing is caught up and nothing
fires. It starts `sched --state FILE run` (no config file), waits for its
READY=1, and compares two samples taken 5 s and 5 + --seconds s after the
start:

  wake-ups      the sum of voluntary_ctxt_switches over every thread
                (/proc/PID/task/*/status): each is a thread going to sleep
                after a wake-up
  nonvol        the same for nonvoluntary_ctxt_switches (preemptions)
  write_bytes   /proc/PID/io write_bytes: bytes the process caused to be
                sent to the storage layer
  wchar         /proc/PID/io wchar: bytes passed to write() and its kin,
                to any file, pipe or socket (the log included)

The wake-ups of threads that end between the samples are not counted; the
thread counts at both samples are printed, with each thread's share. Targets
(issue 6): at most 2 wake-ups a minute and no bytes written, whatever N.
"""

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
import zoneinfo

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale  # noqa: E402


def quiet_daily(start_gap_hours):
    """A schedule_of for scale.write_state: daily jobs at a wall time at
    least start_gap_hours after now (and as far before it) in the job's zone."""
    now = dt.datetime.now(dt.timezone.utc)

    def schedule_of(i, rng):
        zone = scale.ZONES[i % len(scale.ZONES)]
        local = now.astimezone(zoneinfo.ZoneInfo(zone)) if zone else now.astimezone()
        hour = (local.hour + start_gap_hours + rng.randrange(24 - 2 * start_gap_hours)) % 24
        return f"{rng.randrange(60)} {hour} * * *"

    return schedule_of


def threads(pid):
    """{tid: (name, voluntary, nonvoluntary)} of every thread of pid."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm", encoding="utf-8") as f:
                name = f.read().strip()
            fields = {}
            with open(f"/proc/{pid}/task/{tid}/status", encoding="ascii") as f:
                for line in f:
                    key, _, value = line.partition(":")
                    fields[key] = value.strip()
            out[int(tid)] = (name, int(fields["voluntary_ctxt_switches"]), int(fields["nonvoluntary_ctxt_switches"]))
        except FileNotFoundError:
            pass  # the thread ended meanwhile
    return out


def io(pid):
    with open(f"/proc/{pid}/io", encoding="ascii") as f:
        return {k: int(v) for k, v in (line.split(":") for line in f)}


def measure(sched, n, seconds, scratch):
    folder = os.path.join(scratch, f"n{n}")
    os.makedirs(folder)
    state = os.path.join(folder, "state.json")
    scale.write_state(state, n, dt.timedelta(0), schedule_of=quiet_daily(2))
    runner = scale.Runner(sched, state, folder)
    try:
        t0 = time.monotonic()
        ready = runner.start()
        pid = runner.proc.pid
        time.sleep(max(0.0, 5.0 - (time.monotonic() - t0)))
        before_threads, before_io = threads(pid), io(pid)
        time.sleep(seconds)
        after_threads, after_io = threads(pid), io(pid)
        alive = runner.proc.poll() is None
    finally:
        runner.stop()
    errors = scale.check_loaded(state, runner.log())
    if not alive:
        raise RuntimeError(f"sched run ended during the measurement; log:\n{runner.log()}")
    per_thread = []
    for tid, (name, vol, nonvol) in sorted(after_threads.items()):
        _, vol0, nonvol0 = before_threads.get(tid, (name, 0, 0))
        per_thread.append((tid, name, vol - vol0, nonvol - nonvol0, tid in before_threads))
    log_lines = [line for line in runner.log().splitlines() if line.strip()]
    return {
        "n": n,
        "ready_ms": ready * 1000.0,
        "wakeups": sum(t[2] for t in per_thread),
        "nonvol": sum(t[3] for t in per_thread),
        "write_bytes": after_io["write_bytes"] - before_io["write_bytes"],
        "wchar": after_io["wchar"] - before_io["wchar"],
        "threads": (len(before_threads), len(after_threads)),
        "per_thread": per_thread,
        "log_lines": len(log_lines),
        "errors": errors,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sched", required=True, help="the sched binary, e.g. build/cli/sched")
    ap.add_argument("--seconds", type=float, default=60.0, help="length of the idle window (default 60)")
    ap.add_argument("--sizes", default="10,10000", help="comma-separated job counts (default 10,10000)")
    a = ap.parse_args()
    sched = os.path.abspath(a.sched)
    scratch = tempfile.mkdtemp(prefix="sched-idle-")
    try:
        rows = [measure(sched, int(n), a.seconds, scratch) for n in a.sizes.split(",")]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    per_minute = 60.0 / a.seconds
    print(f"idle sched run: {a.sched}, daily jobs none of which fires, window t=5 s .. t={5 + a.seconds:g} s")
    print(f"{'jobs':>7} {'wake-ups':>9} {'per min':>8} {'nonvol':>7} {'write_bytes':>12} {'wchar':>8} "
          f"{'threads':>8}  target: <= 2 wake-ups/min, 0 bytes written")
    for r in rows:
        ok = r["wakeups"] * per_minute <= 2 and r["write_bytes"] == 0 and r["wchar"] == 0
        print(f"{r['n']:>7} {r['wakeups']:>9} {r['wakeups'] * per_minute:>8.1f} {r['nonvol']:>7} "
              f"{r['write_bytes']:>12} {r['wchar']:>8} {r['threads'][0]:>3}->{r['threads'][1]:<3}  "
              f"{'ok' if ok else 'MISSED'}")
    for r in rows:
        busy = [f"{name}[{tid}]: {vol}" for tid, name, vol, _, _ in r["per_thread"] if vol]
        print(f"  {r['n']} jobs, wake-ups by thread: {', '.join(busy) or 'none'}; "
              f"ready after {r['ready_ms']:.0f} ms; {r['log_lines']} log lines")
        for line in r["errors"][:2]:
            print(f"  {r['n']} jobs, the runner logged: {line[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

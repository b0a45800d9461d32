#!/usr/bin/env python3
"""Kill -9 torture of `sched run`.

Usage: torture.py SCHED [--cycles N] [--seed S] [--jobs 20] [--clients 4]
                  [--extra 4] [--keep DIR]

One state file, JOBS jobs on `* * * * * *` whose command appends
"$SCHED_JOB $SCHED_SCHEDULED_AT $SCHED_TRIGGER" to a ledger (some then sleep
0.3-0.9 s, so that runs are going on when the runner dies). Each cycle starts
`sched run`, kills it with SIGKILL 0.2-2 s after it was started (during its
start-up, its catch-up, runs and state writes) and starts the next one. All
the while CLIENTS client threads run `sched add`, `remove`, `pause`, `resume`
(1-3 names) and `trigger`: each client owns some of the JOBS jobs and EXTRA
names of its own, so that it alone decides what state each command implies,
and each command's exit code and output are predictable.

After every cycle (clients held still for the check) and at the end:
  - the state file parses and has version "1.0", each job once;
  - the jobs, and which are paused, are exactly what the clients' successful
    commands said (a removed job never comes back, a pause never gets lost);
  - no (job, scheduled instant) of a scheduled or catch-up run is in the
    ledger twice, and each such run was recorded in the state before it ran
    (the job's watermark is at or after it);
  - the next runner starts: "another scheduler" is accepted only while the
    pid it names is a `sched trigger` of a client that is still running
    (it holds the runner's lock while it runs a job in the foreground).
Each command must exit as the client's knowledge predicts (0, 4 for an
unknown name, 5 for a taken one) with its exact message; `sched trigger` may
also exit 3 "another scheduler (pid N)" when N is a runner or a trigger of
ours that held the runner's lock while the command ran (counted apart).
At the end, after a clean stop (SIGTERM, exit 0): no temporary state file is
left, `sched state --json` shows no runner, no runner logged an error, and
every manual run in the ledger matches a distinct successful trigger.

A double run is reported with the triggers of its runs, then the commands
the clients ran on that job and the runners' log lines about it, from 3 s
before the instant to 3 s after.

The figures printed: cycles, runs recorded by kind, duplicates (must be 0),
commands issued and succeeded, manual runs and triggers, job processes that
outlived a killed runner (how many, for how long; they are in process groups
of their own and are not sched's to kill once it is dead), time per cycle.

Exit status 0 when every check holds, 1 otherwise, 2 for bad usage. The seed
is printed first; --seed replays the same choices (timing still varies).
The work folder is removed at the end unless --keep DIR names it, or a check
failed (then its path is printed). Every process started here, job process
groups included, is killed on exit.

ctest runs the short form (30 cycles); the long form is --cycles 500.
"""

import argparse
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from ledger import Ledger, command_for, epoch, match_manual  # noqa: E402

EVERY_SECOND = "* * * * * *"
ERROR_LINE = re.compile(r"^\S+ error ")
TRIGGER_REFUSED = re.compile(r"^sched trigger: another scheduler \(pid (\d+)\) is using .*\n$")


def clock_text(t):
    """HH:MM:SS.mmm (UTC) of a time.time()."""
    return time.strftime("%H:%M:%S", time.gmtime(t)) + f".{int(t * 1000) % 1000:03d}"


class Failures:
    """Check failures, printed as they happen; thread-safe."""

    def __init__(self, limit=50):
        self.items, self.limit = [], limit
        self._lock = threading.Lock()

    def add(self, message):
        with self._lock:
            self.items.append(message)
            if len(self.items) <= self.limit:
                print("FAIL: " + message, flush=True)

    def __bool__(self):
        return bool(self.items)


class Gate:
    """Lets the checker hold the clients still: close() returns once no
    client is inside a command; open() lets them go on."""

    def __init__(self):
        self._cond = threading.Condition()
        self._closed = False
        self._stopping = False
        self._active = 0

    def enter(self):
        with self._cond:
            while self._closed and not self._stopping:
                self._cond.wait()
            if self._stopping:
                return False
            self._active += 1
            return True

    def leave(self):
        with self._cond:
            self._active -= 1
            self._cond.notify_all()

    def close(self):
        with self._cond:
            self._closed = True
            while self._active:
                self._cond.wait()

    def open(self):
        with self._cond:
            self._closed = False
            self._cond.notify_all()

    def stop(self):
        with self._cond:
            self._stopping = True
            self._cond.notify_all()


class Job:
    """What the owner's successful commands say about one name."""

    def __init__(self, name, command, exists):
        self.name, self.command = name, command
        self.exists, self.enabled = exists, exists
        self.last = "the initial sched add" if exists else "nothing"
        self.history = []  # (start, end, "op by client-N") of each successful command, time.time()


class Client(threading.Thread):
    """Runs random commands on the names it owns, checks each exit code and
    output against what it knows of those names, and updates that knowledge."""

    def __init__(self, index, names, torture, seed):
        super().__init__(name=f"client-{index}", daemon=True)
        self.index, self.names, self.t = index, names, torture
        self.rng = random.Random(seed)
        self.issued = {}  # subcommand -> [issued, succeeded]
        self.triggers = []  # (job, start, end) of each successful trigger
        self.foreground = 0  # triggers that ran the job themselves (no runner then)
        self.refused = 0  # triggers refused while another process held the runner lock

    def run(self):
        while self.t.gate.enter():
            try:
                self.step()
            except Exception as e:  # a command that hung, or a bug here: report, go on
                self.t.failures.add(f"{self.name}: {type(e).__name__}: {e}")
            finally:
                self.t.gate.leave()
            time.sleep(self.rng.uniform(0, 0.03))

    def choose(self, job):
        base = job.name.startswith("base-")
        if job.exists:
            weights = {"pause": 3, "resume": 3, "trigger": 1.5, "remove": 0.25 if base else 1.2, "add": 0.3}
        else:
            weights = {"add": 4, "remove": 0.3, "pause": 0.2, "resume": 0.2, "trigger": 0.3}
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def step(self):
        t = self.t
        job = t.jobs[self.rng.choice(self.names)]
        op = self.choose(job)
        names = [job.name]
        if op in ("pause", "resume") and self.rng.random() < 0.25:
            for extra in self.rng.sample(self.names, self.rng.randint(1, 2)):
                if extra not in names:
                    names.append(extra)
        args = [t.sched, "--state", t.state, op, *names]
        if op == "add":
            args += ["-s", EVERY_SECOND, "-c", job.command, "--tz", "UTC"]
        code, out, err, start, end = t.fleet.run(args, cwd=t.work, subcommand=op)
        counts = self.issued.setdefault(op, [0, 0])
        counts[0] += 1
        missing = [n for n in names if not t.jobs[n].exists]
        what = f"{self.name}: sched {op} {' '.join(names)}"
        stamp = clock_text(end)

        if op == "add":
            taken = f"sched add: job {job.name} already exists (use --replace to redefine it)\n"
            expect = (5, "", taken) if job.exists else (0, None, "")
        elif missing:
            listed = f"no job named {missing[0]}" if len(missing) == 1 else "no jobs named " + ", ".join(missing)
            expect = (4, "", f"sched {op}: {listed}\n")
        else:
            expect = (0, None, "")
        if op == "trigger" and code == 3 and t.lock_was_held(err, start):
            self.refused += 1
            return
        if code != expect[0] or err != expect[2] or (expect[1] is not None and out != expect[1]):
            t.failures.add(f"{what}: exit {code} (wanted {expect[0]}), stdout {out!r}, stderr {err!r}")
            return
        if code != 0:
            return
        counts[1] += 1
        self.apply(op, names, out, what, start, end)
        for n in names:
            t.jobs[n].last = f"{op} by {self.name} at {stamp}"
            t.jobs[n].history.append((start, end, f"{op} by {self.name}"))

    def apply(self, op, names, out, what, start, end):
        """Checks the output of a successful command and records what it did."""
        t = self.t
        jobs = [t.jobs[n] for n in names]
        if op == "add":
            wanted = f"added job {names[0]}: {EVERY_SECOND} in UTC\nnext runs:\n"
            if not out.startswith(wanted):
                t.failures.add(f"{what}: stdout {out!r}, wanted it to start with {wanted!r}")
            jobs[0].exists = jobs[0].enabled = True
        elif op == "remove":
            if out != f"removed job {names[0]}\n":
                t.failures.add(f"{what}: stdout {out!r}")
            jobs[0].exists = False
        elif op in ("pause", "resume"):
            pause = op == "pause"
            wanted = "".join(
                (f"paused job {j.name}\n" if j.enabled else f"job {j.name} was already paused\n")
                if pause
                else (f"resumed job {j.name}\n" if not j.enabled else f"job {j.name} was not paused\n")
                for j in jobs
            )
            if out != wanted:
                t.failures.add(f"{what}: stdout {out!r}, wanted {wanted!r}")
            for j in jobs:
                j.enabled = not pause
        elif op == "trigger":
            name = names[0]
            asked = re.fullmatch(rf"asked the running scheduler \(pid \d+\) to run job {re.escape(name)} now\n", out)
            ran = f"job {name}: started the manual run for " in out and f"job {name}: the manual run for " in out
            if not asked and not ran:
                t.failures.add(f"{what}: stdout {out!r}")
            if ran and not asked:
                self.foreground += 1
            self.triggers.append((name, start, end))


class Torture:
    def __init__(self, args, seed):
        self.args = args
        self.sched = os.path.abspath(args.sched)
        self.rng = random.Random(seed)
        self.seed = seed
        self.work = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="sched-torture-")
        os.makedirs(self.work, exist_ok=True)
        self.state = os.path.join(self.work, "state", "state.json")
        self.logs = os.path.join(self.work, "logs")
        os.makedirs(self.logs, exist_ok=True)
        home = os.path.join(self.work, "home")
        os.makedirs(home, exist_ok=True)
        self.tag = f"torture-{os.getpid()}-{seed}"
        self.fleet = harness.Fleet(home, self.tag)
        self.ledger = Ledger(os.path.join(self.work, "ledger"))
        self.failures = Failures()
        self.gate = Gate()
        self.gate.close()  # clients wait for the first runner
        self.jobs = {}
        self.clients = []
        self.done = threading.Event()
        # Figures.
        self.kill_time = {}  # runner id -> time.time() of its SIGKILL
        self.last_seen = {}  # runner id -> last time.time() a job process of it was seen
        self.seen_lock = threading.Lock()
        self.left_at_kill = []  # job processes alive right after each kill
        self.lock_waits = 0
        self.killed_before_ready = 0
        self.killed_in_write = 0
        self.ready_times = []
        self.runner_life = {}  # pid -> [spawned, reaped or None], time.time()
        self.max_temp_files = 0

    # --- setup --------------------------------------------------------------

    def setup(self):
        ledger = self.ledger.path
        for i in range(self.args.jobs):
            name = f"base-{i:02d}"
            sleep = (i % 4) * 0.3
            self.jobs[name] = Job(name, command_for(ledger, f"{sleep:.1f}" if sleep else None), True)
        for c in range(self.args.clients):
            for k in range(self.args.extra):
                name = f"x{c}-{k}"
                self.jobs[name] = Job(name, command_for(ledger, None), False)
        for job in self.jobs.values():
            if not job.exists:
                continue
            args = [self.sched, "--state", self.state, "add", job.name, "-s", EVERY_SECOND, "-c", job.command]
            code, out, err, _, _ = self.fleet.run(args + ["--tz", "UTC"], cwd=self.work, subcommand="add")
            if code != 0 or err:
                raise RuntimeError(f"setup: sched add {job.name}: exit {code}: {err}")
        names = list(self.jobs)
        for c in range(self.args.clients):
            owned = [n for i, n in enumerate(names) if n.startswith(f"x{c}-") or (n.startswith("base-") and i % self.args.clients == c)]
            self.clients.append(Client(c, owned, self, self.rng.getrandbits(64)))

    # --- job processes that outlive their runner ------------------------------

    def watch_orphans(self):
        while not self.done.wait(0.1):
            self.note_job_processes()

    def note_job_processes(self):
        now = time.time()
        seen = {p.runner for p in harness.tagged_processes(self.tag) if p.is_job}
        with self.seen_lock:
            for runner in seen:
                self.last_seen[runner] = now
        return seen

    # --- runners ----------------------------------------------------------------

    def log_path(self, runner, kind):
        return os.path.join(self.logs, f"run-{runner}.{kind}")

    def spawn_runner(self, runner):
        spawned = time.time()
        with open(self.log_path(runner, "log"), "w") as out, open(self.log_path(runner, "err"), "w") as err:
            proc = self.fleet.spawn([self.sched, "--state", self.state, "run"], runner, cwd=self.work, stdout=out, stderr=err)
        self.runner_life[proc.pid] = [spawned, None]
        return proc

    def reap_runner(self, proc):
        proc.wait()
        self.runner_life[proc.pid][1] = time.time()
        self.fleet.reaped(proc)

    def lock_was_held(self, err, start):
        """Whether `err` is "another scheduler (pid N)" and N is a runner or a
        `sched trigger` of ours that was alive after `start` (the lock it
        holds was released too late for the command that says so)."""
        match = TRIGGER_REFUSED.match(err)
        if not match:
            return False
        pid = int(match.group(1))
        client = self.fleet.client(pid)
        if client is not None and client[0] == "trigger" and (client[2] is None or client[2] >= start):
            return True
        life = self.runner_life.get(pid)
        return life is not None and (life[1] is None or life[1] >= start)

    def ready(self, runner):
        with open(self.log_path(runner, "log")) as f:
            return " info scheduler started (pid " in f.read()

    def refused(self, runner, proc, spawned):
        """A runner that exited before its kill: True if it only found the
        lock held by a client's foreground `sched trigger` (waited for, then
        to be started again); else a failure is recorded and False returned."""
        with open(self.log_path(runner, "err")) as f:
            err = f.read()
        match = harness.ANOTHER_SCHEDULER.match(err)
        holder = self.fleet.client(int(match.group(1))) if match and proc.returncode == 3 else None
        # The holder must be a trigger of ours that was still running when this runner tried.
        if holder is None or holder[0] != "trigger" or (holder[2] is not None and holder[2] < spawned):
            self.failures.add(f"runner {runner} exited {proc.returncode} before it was killed: {err.strip()!r}")
            return False
        self.lock_waits += 1
        pid = int(match.group(1))
        if not harness.wait_for(lambda: self.fleet.client(pid)[2] is not None, 60):
            self.failures.add(f"runner {runner}: the trigger (pid {pid}) holding the runner lock did not end in 60 s")
            return False
        return True

    def cycle(self, n):
        runner = f"{n:04d}"
        while True:
            delay = self.rng.uniform(0.2, 2.0)
            spawned = time.time()
            proc = self.spawn_runner(runner)
            deadline = time.monotonic() + delay
            ready_at = None
            while time.monotonic() < deadline and proc.poll() is None:
                if ready_at is None and self.ready(runner):
                    ready_at = time.time()
                time.sleep(0.01)
            if proc.poll() is None:
                break
            self.reap_runner(proc)
            if not self.refused(runner, proc, spawned):
                return False
        proc.send_signal(signal.SIGKILL)
        self.reap_runner(proc)
        self.kill_time[runner] = time.time()
        if ready_at is None and not self.ready(runner):
            self.killed_before_ready += 1
        elif ready_at is not None:
            self.ready_times.append(ready_at - spawned)
        left = [p for p in harness.tagged_processes(self.tag) if p.is_job and p.runner == runner]
        self.left_at_kill.append(len(left))
        if left:
            with self.seen_lock:
                self.last_seen[runner] = time.time()
        temps = harness.temp_files(self.state)
        self.max_temp_files = max(self.max_temp_files, len(temps))
        if any(f".tmp-{proc.pid}-" in name for name in temps):
            self.killed_in_write += 1
        return True

    # --- checks -----------------------------------------------------------------

    def check(self, when):
        """The invariants; the caller holds the clients still."""
        for job, instant, count in self.ledger.read_new():
            kinds = ", ".join(self.ledger.triggers[(job, instant)])
            self.failures.add(f"{when}: job {job} ran {count} times for {instant} ({kinds})")
            self.explain(job, instant)
        if self.ledger.malformed:
            self.failures.add(f"{when}: malformed ledger lines: {self.ledger.malformed[:5]}")
            self.ledger.malformed.clear()
        try:
            doc = harness.read_state(self.state)
        except (OSError, ValueError) as e:
            self.failures.add(f"{when}: {e}")
            return
        if doc.get("version") != "1.0":
            self.failures.add(f"{when}: state version {doc.get('version')!r}, wanted \"1.0\"")
        records = doc.get("jobs", [])
        names = [r.get("name") for r in records]
        for name in sorted({n for n in names if names.count(n) > 1}):
            self.failures.add(f"{when}: job {name} is in the state {names.count(name)} times")
        found = {r.get("name"): r for r in records}
        for name, job in self.jobs.items():
            record = found.get(name)
            if job.exists != (record is not None):
                state = "missing from" if job.exists else "in"
                self.failures.add(f"{when}: job {name} is {state} the state, but the last successful command was {job.last}")
            elif record is not None and record.get("enabled") is not job.enabled:
                self.failures.add(
                    f"{when}: job {name} has enabled {record.get('enabled')}, "
                    f"but the last successful command was {job.last}"
                )
        for name in sorted(set(found) - set(self.jobs)):
            self.failures.add(f"{when}: job {name} is in the state, and nobody added it")
        for name, record in found.items():
            latest = self.ledger.latest.get(name)
            if latest and (record.get("watermark") or "") < latest:
                self.failures.add(
                    f"{when}: job {name} ran for {latest} but its watermark is {record.get('watermark')}: "
                    "that run's start was not in the state before it ran"
                )

    def explain(self, job, instant, around=3.0):
        """Prints what the clients and the runners did to `job` within
        `around` seconds of `instant`: the failure alone does not say."""
        at = epoch(instant)
        print(f"  what happened to {job} from {around:.0f} s before {instant} to {around:.0f} s after:")
        for start, end, what in self.jobs[job].history:
            if at - around <= end and start <= at + around:
                print(f"    {clock_text(start)}-{clock_text(end)} {what}")
        mentions = (f"job {job}:", f"[{job}]", f"[{job}:stderr]")
        for name in sorted(os.listdir(self.logs), key=lambda n: (len(n), n)):
            if not name.endswith(".log"):
                continue
            with open(os.path.join(self.logs, name), errors="replace") as f:
                for line in f:
                    try:
                        logged = epoch(line[:19] + ".000Z") + int(line[20:23]) / 1000
                    except ValueError:
                        continue
                    if abs(logged - at) <= around and any(m in line for m in mentions):
                        print(f"    {name}: {line.rstrip()}")

    def stop_cleanly(self):
        """The last runner, which runs the pending manual requests, then SIGTERM."""
        runner = "final"
        proc = self.spawn_runner(runner)
        if not harness.wait_for(lambda: self.ready(runner) or proc.poll() is not None, 30) or proc.poll() is not None:
            self.failures.add(f"the final runner did not start: exit {proc.poll()}, {open(self.log_path(runner, 'err')).read()!r}")
            return

        def requests_done():
            try:
                return not any(r.get("triggerRequestedAt") for r in harness.read_state(self.state)["jobs"])
            except (OSError, ValueError, KeyError):
                return False

        if not harness.wait_for(requests_done, 10, 0.1):
            self.failures.add("the final runner left trigger requests in the state for 10 s")
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=60)
        except Exception:
            self.failures.add("the final runner did not stop within 60 s of SIGTERM")
            return
        self.fleet.reaped(proc)
        with open(self.log_path(runner, "log")) as f:
            lines = f.read().splitlines()
        if code != 0 or not lines or not lines[-1].endswith(" info stopped"):
            self.failures.add(f"the final runner stopped with exit {code}, last line {lines[-1:]!r}")

    def final_checks(self):
        left = harness.wait_for(lambda: not [p for p in harness.tagged_processes(self.tag) if p.is_job], 10, 0.05)
        if not left:
            self.failures.add("job processes still running 10 s after the clean stop")
        self.check("at the end")
        temps = harness.temp_files(self.state)
        if temps:
            self.failures.add(f"temporary files left after the clean stop: {temps}")
        code, out, err, _, _ = self.fleet.run([self.sched, "--state", self.state, "state", "--json"], self.work, "state")
        if code != 0 or '"runner": null' not in out:
            self.failures.add(f"sched state --json after the clean stop: exit {code}, runner not null: {err!r}")
        errors = []
        for name in sorted(os.listdir(self.logs)):
            if name.endswith(".log"):
                with open(os.path.join(self.logs, name)) as f:
                    errors += [f"{name}: {line}" for line in f if ERROR_LINE.match(line)]
        if errors:
            self.failures.add(f"{len(errors)} error lines in the runners' logs, such as: " + " | ".join(errors[:5]))
        triggers = [t for c in self.clients for t in c.triggers]
        unmatched, self.unused_triggers = match_manual(self.ledger.manual, triggers)
        if unmatched:
            self.failures.add(f"{len(unmatched)} manual runs without a trigger to account for them: {unmatched[:5]}")

    # --- the whole run ------------------------------------------------------------

    def run(self):
        self.setup()
        watcher = threading.Thread(target=self.watch_orphans, daemon=True)
        watcher.start()
        for client in self.clients:
            client.start()
        started = time.monotonic()
        cycles = 0
        try:
            for n in range(self.args.cycles):
                self.gate.open()
                if not self.cycle(n):
                    break
                cycles += 1
                self.gate.close()
                self.check(f"after cycle {n}")
                if len(self.failures.items) > self.failures.limit:
                    break
                if self.args.progress and (n + 1) % self.args.progress == 0:
                    print(f"torture: {n + 1} cycles, {self.ledger.total()} runs, {len(self.failures.items)} failures", flush=True)
        finally:
            self.gate.stop()
            for client in self.clients:
                client.join(timeout=120)
        elapsed = time.monotonic() - started
        self.stop_cleanly()
        self.final_checks()
        self.done.set()
        watcher.join()
        self.report(cycles, elapsed)

    def report(self, cycles, elapsed):
        led = self.ledger
        print(f"torture: seed {self.seed}, {cycles} cycles in {elapsed:.1f} s, {elapsed / max(cycles, 1):.2f} s per cycle")
        ready = sorted(self.ready_times)
        median = ready[len(ready) // 2] if ready else 0
        print(
            f"torture: kills: {self.killed_before_ready} before the runner logged its start, "
            f"{self.killed_in_write} in the middle of a state write (temporary file left), "
            f"{sum(1 for n in self.left_at_kill if n)} while jobs ran; start-up {median * 1000:.0f} ms (median); "
            f"{self.lock_waits} restarts waited for a foreground trigger holding the runner lock"
        )
        print(
            f"torture: runs recorded {led.total()} (schedule {led.by_trigger['schedule']}, "
            f"catch-up {led.by_trigger['catch-up']}, manual {led.by_trigger['manual']}); "
            f"duplicates {len(led.duplicates)}"
        )
        totals = {}
        for client in self.clients:
            for op, (issued, ok) in client.issued.items():
                totals.setdefault(op, [0, 0])
                totals[op][0] += issued
                totals[op][1] += ok
        issued = sum(v[0] for v in totals.values())
        ok = sum(v[1] for v in totals.values())
        detail = ", ".join(f"{op} {v[1]}/{v[0]}" for op, v in sorted(totals.items()))
        print(f"torture: commands issued {issued}, exited 0 {ok} ({detail}; the others were refused as expected)")
        triggered = sum(len(c.triggers) for c in self.clients)
        foreground = sum(c.foreground for c in self.clients)
        refused = sum(c.refused for c in self.clients)
        print(
            f"torture: triggers exited 0 {triggered} ({foreground} ran in the foreground), {refused} exited 3 "
            "while another trigger or a runner held the runner lock; manual runs "
            f"{led.by_trigger['manual']}, triggers without a run {getattr(self, 'unused_triggers', '?')} "
            "(coalesced, skipped by protect, or lost with a killed runner)"
        )
        with self.seen_lock:
            lifetimes = sorted(
                self.last_seen[r] - self.kill_time[r] for r in self.kill_time if self.last_seen.get(r, 0) >= self.kill_time[r]
            )
        if lifetimes:
            print(
                f"torture: job processes outlived {len(lifetimes)} of {len(self.kill_time)} killed runners: "
                f"at most {max(self.left_at_kill)} at once, gone after {lifetimes[len(lifetimes) // 2]:.2f} s (median), "
                f"{lifetimes[-1]:.2f} s (longest)"
            )
        else:
            print(f"torture: no job process outlived any of the {len(self.kill_time)} killed runners")
        print(f"torture: temporary state files: at most {self.max_temp_files} after a kill")


def parse_args():
    parser = argparse.ArgumentParser(description="Kill -9 torture of sched run (see the docstring).")
    parser.add_argument("sched", help="the sched binary")
    parser.add_argument("--cycles", type=int, default=30, help="runner kills (default 30; the long form is 500)")
    parser.add_argument("--seed", type=int, help="the seed of every random choice (default: random, printed)")
    parser.add_argument("--jobs", type=int, default=20, help="every-second jobs at the start (default 20)")
    parser.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--extra", type=int, default=4, help="names each client adds and removes (default 4)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    parser.add_argument("--progress", type=int, default=0, metavar="N", help="print a line every N cycles")
    args = parser.parse_args()
    if args.cycles < 1 or args.jobs < 0 or args.clients < 1 or args.extra < 0:
        parser.error("--cycles and --clients must be 1 or more, --jobs and --extra 0 or more")
    if args.keep and os.path.isdir(args.keep) and os.listdir(args.keep):
        parser.error(f"--keep {args.keep}: the folder is not empty; give a new or empty one")
    return args


def main():
    os.umask(0o022)  # sched refuses group-writable files: results must not depend on the caller's umask
    args = parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().getrandbits(32)
    print(f"torture: seed {seed} (replay the same choices with --seed {seed})", flush=True)
    harness.install_signal_exit()
    torture = Torture(args, seed)
    try:
        torture.run()
    except KeyboardInterrupt as e:
        torture.failures.add(f"interrupted ({e})")
    finally:
        torture.done.set()
        torture.gate.stop()
        left = torture.fleet.kill_all()
        if left:
            print(f"torture: killed {left} job processes left at exit")
    if torture.failures:
        print(f"torture: FAILED, {len(torture.failures.items)} failures; files kept in {torture.work}")
        return 1
    print("torture: all checks passed")
    if not args.keep:
        shutil.rmtree(torture.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Concurrent commands against one state file while `sched run` runs.

Usage: concurrency.py SCHED [--seed S] [--keep DIR]

With a runner running (jobs that fire every 5 s, spread over the seconds,
and append "$SCHED_JOB $SCHED_SCHEDULED_AT $SCHED_TRIGGER" to a ledger, so
that the runner records runs every second meanwhile):
  1. 64 `sched add` of distinct names, released at once: all exit 0 and the
     state holds each of the 64 names exactly once, also after the runner
     has run every one of them;
  2. 64 chains, one per job, in parallel: each runs pause, resume, pause, ...
     (1 to 4 commands, chosen by the seed) on its job, one after another.
     Every command exits 0 with its exact message; the state says exactly
     what the chain's commands said, also after the runner has written its
     bookkeeping again; and the runner follows: from 3 s after the last
     command on, for a whole period (5 s), a job left paused does not run
     and a job left running does;
  3. 16 `sched add` of one name, released at once: one exits 0, the 15
     others exit 5 with "sched add: job same already exists (use --replace
     to redefine it)", and the name is in the state once.
No command may meet "state file busy" (the lock waits 5 s, far more than
these need); the runner logs no error, stops cleanly on SIGTERM (exit 0)
and leaves no temporary file; no (job, scheduled instant) runs twice.

Commands of one step start together: each waits on one pipe, which is
closed once all of them are waiting. The figures printed: how long each
step took, from the release to the end of its last command. Exit status 0
when every check holds, 1 otherwise, 2 for bad usage. The work folder is
removed unless --keep DIR names it or a check failed. Every process started
here is killed on exit.
"""

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from ledger import Ledger, command_for  # noqa: E402

# Each job fires every PERIOD seconds, the jobs spread over the period, so
# that the runner starts and records runs every second.
PERIOD = 5


def schedule_of(name):
    """c17 fires at seconds 2, 7, 12, ...; a name without a number at 0, 5, 10, ..."""
    digits = "".join(ch for ch in name if ch.isdigit())
    return f"{int(digits or 0) % PERIOD}/{PERIOD} * * * * *"


def rfc3339(t):
    """The whole second at or before `t` as sched writes instants."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t))

TAKEN = "sched add: job {} already exists (use --replace to redefine it)\n"

# Runs its arguments as sched commands on one job, one after another, once
# its standard input (the start pipe) is closed; prints each exit status.
CHAIN = 'read _; sched=$1 state=$2 name=$3; shift 3; for op; do "$sched" --state "$state" $op "$name"; echo "exit $?"; done'


class Concurrency:
    def __init__(self, args, seed):
        self.sched = os.path.abspath(args.sched)
        self.rng = random.Random(seed)
        self.seed = seed
        self.work = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="sched-concurrency-")
        os.makedirs(os.path.join(self.work, "home"), exist_ok=True)
        self.state = os.path.join(self.work, "state", "state.json")
        self.log = os.path.join(self.work, "run.log")
        self.ledger = Ledger(os.path.join(self.work, "ledger"))
        self.command = command_for(self.ledger.path, None)
        self.fleet = harness.Fleet(os.path.join(self.work, "home"), f"concurrency-{os.getpid()}-{seed}")
        self.failures = []
        self.runner = None

    def fail(self, message):
        self.failures.append(message)
        print("FAIL: " + message, flush=True)

    # --- commands released together -----------------------------------------

    def together(self, argv_list):
        """Starts one process per argv (each a `sh -c SCRIPT sh ARGS...` that
        reads its stdin first), releases them at once, and returns
        [(exit code, stdout, stderr)] in order, and the seconds from release
        to the last one's end."""
        read_end, write_end = os.pipe()
        procs = []
        try:
            for argv in argv_list:
                procs.append(
                    self.fleet.spawn(
                        argv, "client", cwd=self.work, stdin=read_end,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                    )
                )
        finally:
            os.close(read_end)
        # Released once every one is a shell blocked on the pipe (or the deadline passes).
        waiting = lambda: all(self.blocked_shell(p.pid) for p in procs)  # noqa: E731
        if not harness.wait_for(waiting, 10, 0.005):
            print("concurrency: not every command was waiting after 10 s; released anyway", flush=True)
        released = time.monotonic()
        os.close(write_end)
        results = [None] * len(procs)

        def collect(i):
            out, err = procs[i].communicate(timeout=120)
            results[i] = (procs[i].returncode, out, err)
            self.fleet.reaped(procs[i])

        threads = [threading.Thread(target=collect, args=(i,)) for i in range(len(procs))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results, time.monotonic() - released

    @staticmethod
    def blocked_shell(pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            return True  # gone: it cannot be released any later
        return stat.startswith(f"{pid} (sh) S")

    def sched_once(self, *args):
        return ["sh", "-c", 'read _; exec "$@"', "sh", self.sched, "--state", self.state, *args]

    # --- the runner ----------------------------------------------------------

    def start_runner(self):
        with open(self.log, "w") as out, open(self.log + ".err", "w") as err:
            self.runner = self.fleet.spawn([self.sched, "--state", self.state, "run"], "runner", cwd=self.work,
                                           stdout=out, stderr=err)
        started = lambda: " info scheduler started (pid " in open(self.log).read() or self.runner.poll() is not None  # noqa: E731
        if not harness.wait_for(started, 30) or self.runner.poll() is not None:
            raise RuntimeError(f"sched run did not start: {open(self.log + '.err').read()!r}")

    def stop_runner(self):
        self.runner.send_signal(signal.SIGTERM)
        try:
            code = self.runner.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.fail("sched run did not stop within 60 s of SIGTERM")
            return
        self.fleet.reaped(self.runner)
        lines = open(self.log).read().splitlines()
        if code != 0 or not lines or not lines[-1].endswith(" info stopped"):
            self.fail(f"sched run stopped with exit {code}, last line {lines[-1:]!r}")

    # --- checks ------------------------------------------------------------

    def jobs_in_state(self, when):
        """{name: record} of the state file; a name twice is a failure."""
        try:
            doc = harness.read_state(self.state)
        except (OSError, ValueError) as e:
            self.fail(f"{when}: {e}")
            return {}
        if doc.get("version") != "1.0":
            self.fail(f"{when}: state version {doc.get('version')!r}")
        names = [r["name"] for r in doc["jobs"]]
        for name in sorted({n for n in names if names.count(n) > 1}):
            self.fail(f"{when}: job {name} is in the state {names.count(name)} times")
        return {r["name"]: r for r in doc["jobs"]}

    def check_enabled(self, expected, when):
        found = self.jobs_in_state(when)
        if set(found) != set(expected):
            self.fail(f"{when}: jobs {sorted(set(found) ^ set(expected))} are missing or extra")
        wrong = sorted(n for n, enabled in expected.items() if n in found and found[n]["enabled"] is not enabled)
        if wrong:
            self.fail(f"{when}: enabled differs from what the commands said for {wrong}")

    def wait_for_runs(self, names, after, timeout):
        """Waits until each of `names` has a run for a fire later than `after`; returns those without one."""

        def missing():
            self.ledger.read_new()
            return sorted(n for n in names if self.ledger.latest.get(n, "") <= after)

        harness.wait_for(lambda: not missing(), timeout, 0.1)
        return missing()

    def wait_for_runner_write(self, after):
        """Waits until the runner has written the state file after wall time `after` (its own bookkeeping)."""

        def written():
            try:
                return os.stat(self.state).st_mtime > after + 1
            except OSError:
                return False

        return harness.wait_for(written, 10, 0.05)

    # --- the steps -------------------------------------------------------------

    def step_add(self, names):
        """Returns the names whose add exited 0."""
        argv = [self.sched_once("add", n, "-s", schedule_of(n), "-c", self.command, "--tz", "UTC") for n in names]
        results, took = self.together(argv)
        added = []
        for n, (code, out, err) in zip(names, results):
            if code != 0 or err or not out.startswith(f"added job {n}: {schedule_of(n)} in UTC\nnext runs:\n"):
                self.fail(f"sched add {n}: exit {code}, stdout {out!r}, stderr {err!r}")
            else:
                added.append(n)
        print(f"concurrency: {len(names)} parallel adds of distinct names took {took * 1000:.0f} ms", flush=True)
        self.check_enabled(dict.fromkeys(added, True), "after the adds")
        since = rfc3339(time.time())
        missing = self.wait_for_runs(added, since, 30)
        if missing:
            self.fail(f"after the adds, the runner did not run {missing} within 30 s")
        self.check_enabled(dict.fromkeys(added, True), "after the runner ran the added jobs")
        return added

    def check_chain(self, name, ops, result):
        """Checks one chain's output, command by command; returns whether the
        job is enabled after the commands of the chain that exited 0."""
        code, out, err = result
        enabled = True
        lines = out.splitlines()
        if code != 0 or "state file busy" in err or err:
            self.fail(f"chain {name} ({' '.join(ops)}): exit {code}, stderr {err!r}")
        for op in ops:
            said = []
            while lines and not lines[0].startswith("exit "):
                said.append(lines.pop(0))
            status = lines.pop(0) if lines else "exit ?"
            if status != "exit 0":
                self.fail(f"chain {name}: sched {op} {name}: {status}")
                continue
            if op == "pause":
                wanted = f"paused job {name}" if enabled else f"job {name} was already paused"
            else:
                wanted = f"resumed job {name}" if not enabled else f"job {name} was not paused"
            if said != [wanted]:
                self.fail(f"chain {name}: sched {op} {name} printed {said!r}, wanted {wanted!r}")
            enabled = op == "resume"
        return enabled

    def step_toggle(self, names):
        chains = {n: ["pause", "resume", "pause", "resume"][: self.rng.randint(1, 4)] for n in names}
        argv = [["sh", "-c", CHAIN, "sh", self.sched, self.state, n, *chains[n]] for n in names]
        results, took = self.together(argv)
        ended = time.time()
        expected = {n: self.check_chain(n, chains[n], result) for n, result in zip(names, results)}
        commands = sum(len(c) for c in chains.values())
        paused = sorted(n for n, enabled in expected.items() if not enabled)
        print(
            f"concurrency: {commands} pause/resume commands in {len(names)} parallel chains took "
            f"{took * 1000:.0f} ms; {len(paused)} jobs left paused",
            flush=True,
        )
        self.check_enabled(expected, "after the pause/resume chains")
        if not self.wait_for_runner_write(ended):
            self.fail("the runner wrote no bookkeeping within 10 s of the pause/resume chains")
        self.check_enabled(expected, "after the runner wrote its bookkeeping")
        # The runner follows within a second; 3 s are allowed. From then on,
        # through a whole period of the schedules (5 s), only jobs left running run.
        since = rfc3339(ended + 3)
        running = [n for n, enabled in expected.items() if enabled]
        missing = self.wait_for_runs(running, since, 30)
        if missing:
            self.fail(f"jobs resumed by the chains had no run for a fire at or after {since}: {missing}")
        time.sleep(max(0.0, ended + 3 + PERIOD - time.time()))  # a paused job must NOT run meanwhile
        self.ledger.read_new()
        ran = sorted(n for n in paused if self.ledger.latest.get(n, "") >= since)
        if ran:
            self.fail(f"jobs paused by the chains still ran for fires at or after {since}: {ran}")
        return expected

    def step_same_name(self, expected, count=16):
        argv = [self.sched_once("add", "same", "-s", schedule_of("same"), "-c", self.command, "--tz", "UTC")] * count
        results, took = self.together(argv)
        winners = [i for i, r in enumerate(results) if r[0] == 0]
        if len(winners) != 1:
            self.fail(f"{len(winners)} of {count} parallel adds of one name exited 0, wanted 1")
        for i, (code, out, err) in enumerate(results):
            if i in winners:
                if err or not out.startswith(f"added job same: {schedule_of('same')} in UTC\n"):
                    self.fail(f"the add of same that exited 0 printed {out!r}, {err!r}")
            elif (code, out, err) != (5, "", TAKEN.format("same")):
                self.fail(f"a losing add of same: exit {code}, stdout {out!r}, stderr {err!r}")
        print(f"concurrency: {count} parallel adds of one name took {took * 1000:.0f} ms", flush=True)
        expected["same"] = True
        self.check_enabled(expected, "after the adds of one name")

    def run(self):
        harness.install_signal_exit()
        self.start_runner()
        names = self.step_add([f"c{i:02d}" for i in range(64)])
        expected = self.step_toggle(names)
        self.step_same_name(expected)
        self.stop_runner()
        self.check_enabled(expected, "after the runner stopped")
        temps = harness.temp_files(self.state)
        if temps:
            self.fail(f"temporary files left after the clean stop: {temps}")
        self.ledger.read_new()
        if self.ledger.duplicates or self.ledger.malformed:
            self.fail(f"runs twice: {self.ledger.duplicates[:5]}; malformed lines: {self.ledger.malformed[:5]}")
        lines = open(self.log).read().splitlines()
        errors = [line for line in lines if " error " in line.split("[", 1)[0]]
        warnings = [line for line in lines if line.split(" ", 2)[1:2] == ["warning"]]
        if errors:
            self.fail(f"the runner logged {len(errors)} errors, such as {errors[:3]}")
        print(f"concurrency: {self.ledger.total()} runs, 0 twice; the runner logged {len(warnings)} warnings, {len(errors)} errors")


def main():
    os.umask(0o022)  # sched refuses group-writable files: results must not depend on the caller's umask
    parser = argparse.ArgumentParser(description="Concurrent sched commands while sched run runs (see the docstring).")
    parser.add_argument("sched", help="the sched binary")
    parser.add_argument("--seed", type=int, help="the seed of the pause/resume chains (default: random, printed)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    args = parser.parse_args()
    if args.keep and os.path.isdir(args.keep) and os.listdir(args.keep):
        parser.error(f"--keep {args.keep}: the folder is not empty; give a new or empty one")
    seed = args.seed if args.seed is not None else random.SystemRandom().getrandbits(32)
    print(f"concurrency: seed {seed} (replay the same chains with --seed {seed})", flush=True)
    test = Concurrency(args, seed)
    try:
        test.run()
    except (Exception, KeyboardInterrupt) as e:
        test.fail(f"{type(e).__name__}: {e}")
    finally:
        left = test.fleet.kill_all()
        if left:
            print(f"concurrency: killed {left} job processes left at exit")
    if test.failures:
        print(f"concurrency: FAILED, {len(test.failures)} failures; files kept in {test.work}")
        return 1
    print("concurrency: all checks passed")
    if not args.keep:
        shutil.rmtree(test.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the reliability tests (torture.py, concurrency.py) share: running the
real `sched` binary with a clean environment, finding the job processes it
started through /proc (procps is not installed), and killing every process
a test started when it ends, however it ends.

Every process a test starts carries HARNESS_TAG=<random> in its environment,
and so do the jobs `sched` starts from it (a job sees the scheduler's
environment). That is how leftovers are found: by tag, not by name.
"""

import json
import os
import re
import signal
import subprocess
import threading
import time

TAG_VAR = "SCHED_HARNESS_TAG"
RUNNER_VAR = "SCHED_HARNESS_RUNNER"  # which runner (or "client") a process came from

# `sched run` refuses a state file that another process holds (exit 3).
ANOTHER_SCHEDULER = re.compile(r"^sched run: another scheduler \(pid (\d+)\) is using .*\n$")


def clean_env(home, tag, runner):
    """The environment of a sched process: nothing from the caller's SCHED_*,
    XDG_* or NOTIFY_SOCKET, UTC, a HOME of the test's own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SCHED_", "XDG_")) and key != "NOTIFY_SOCKET"
    }
    env.update({"TZ": "UTC", "HOME": home, "LC_ALL": "C", TAG_VAR: tag, RUNNER_VAR: runner})
    return env


class Proc:
    """One /proc entry: pid, state letter, parent, process group, and the
    harness variables of its environment."""

    __slots__ = ("pid", "state", "ppid", "pgid", "tag", "runner", "is_job")

    def __init__(self, pid, state, ppid, pgid, env):
        self.pid, self.state, self.ppid, self.pgid = pid, state, ppid, pgid
        self.tag = env.get(TAG_VAR)
        self.runner = env.get(RUNNER_VAR)
        self.is_job = "SCHED_JOB" in env


def read_proc(pid):
    """The Proc of `pid`, or None if it is gone or not readable."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode("utf-8", "replace")
        with open(f"/proc/{pid}/environ", "rb") as f:
            raw = f.read()
    except OSError:
        return None
    # The command name is in parentheses and may hold anything: split after the last ')'.
    fields = stat[stat.rfind(")") + 2 :].split()
    env = {}
    for item in raw.split(b"\0"):
        key, sep, value = item.partition(b"=")
        if sep and key in (TAG_VAR.encode(), RUNNER_VAR.encode(), b"SCHED_JOB"):
            env[key.decode()] = value.decode("utf-8", "replace")
    return Proc(pid, fields[0], int(fields[1]), int(fields[2]), env)


def tagged_processes(tag):
    """Every live (not zombie) process whose environment carries `tag`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        proc = read_proc(int(entry))
        if proc is not None and proc.tag == tag and proc.state != "Z":
            found.append(proc)
    return found


def pid_alive(pid):
    proc = read_proc(pid)
    return proc is not None and proc.state != "Z"


class Fleet:
    """The processes a test started. Each runs under `setpriv --pdeathsig
    KILL`, so that it dies with the test even if the test is killed by a
    signal it cannot catch (a ctest timeout); kill_all() ends the rest and
    every job process group carrying the tag. Thread-safe."""

    def __init__(self, home, tag):
        self.home, self.tag = home, tag
        self._lock = threading.Lock()
        self._procs = []  # Popen objects not reaped yet
        self._clients = {}  # pid -> [subcommand, started, ended or None], the latest process with that pid

    def env(self, runner):
        return clean_env(self.home, self.tag, runner)

    def spawn(self, args, runner, **popen_args):
        popen_args.setdefault("stdin", subprocess.DEVNULL)
        proc = subprocess.Popen(["setpriv", "--pdeathsig", "KILL", "--", *args], env=self.env(runner), **popen_args)
        with self._lock:
            self._procs.append(proc)
        return proc

    def reaped(self, proc):
        """Forgets `proc`, which the caller has waited for."""
        with self._lock:
            if proc in self._procs:
                self._procs.remove(proc)

    def run(self, args, cwd, subcommand, timeout=60):
        """Runs a sched command to its end: (exit code, stdout, stderr, start, end), with
        wall-clock times. A command still running after `timeout` is killed and raises."""
        started = time.time()
        proc = self.spawn(args, "client", cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with self._lock:
            self._clients[proc.pid] = [subcommand, started, None]
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
        finally:
            ended = time.time()
            with self._lock:
                self._clients[proc.pid][2] = ended
            self.reaped(proc)
        return proc.returncode, out, err, started, ended

    def client(self, pid):
        """(subcommand, started, ended or None) of the latest client command with `pid`, or None."""
        with self._lock:
            info = self._clients.get(pid)
            return tuple(info) if info else None

    def kill_all(self):
        """SIGKILL to every process started here and to every process group
        of a tagged job; returns how many job processes were still there."""
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        left = [p for p in tagged_processes(self.tag) if p.is_job]
        own_group = os.getpgrp()
        for proc in left:
            try:
                if proc.pgid not in (own_group, 0, 1):
                    os.killpg(proc.pgid, signal.SIGKILL)
                os.kill(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return len(left)


def read_state(path):
    """The state file as JSON; raises ValueError with the reason when it does not parse."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        return json.loads(data)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path} does not parse: {e} ({len(data)} bytes)") from None


def temp_files(state_file):
    """The store's temporary files (<file>.tmp-PID-RANDOM) next to the state file."""
    folder, name = os.path.split(state_file)
    return sorted(entry for entry in os.listdir(folder or ".") if entry.startswith(name + ".tmp-"))


def wait_for(predicate, timeout, interval=0.02):
    """Polls `predicate` until it returns a true value or `timeout` seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def install_signal_exit():
    """SIGTERM and SIGHUP end the test like Ctrl-C does, so that its finally blocks kill what it started."""

    def stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)

"""The ledger of the reliability tests: one line "JOB SCHEDULED_AT TRIGGER"
appended by every run of every job (one `>>` append of one short line, which
O_APPEND makes atomic), read incrementally while jobs still write to it.

Scheduled and catch-up runs are identified by (job, scheduled instant) and
must be unique. A manual run's instant is the second `sched trigger` asked
for it, so two triggers in one second share it: manual runs are matched to
the trigger commands instead (match_manual).
"""

import calendar
import heapq
import re
import time

INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$")
TRIGGERS = ("schedule", "catch-up", "manual")


def command_for(ledger_path, sleep):
    """The shell command of a job: append its line, then (optionally) keep running a while."""
    quoted = "'" + ledger_path.replace("'", "'\\''") + "'"
    command = f'echo "$SCHED_JOB $SCHED_SCHEDULED_AT $SCHED_TRIGGER" >> {quoted}'
    return command + (f"; sleep {sleep}" if sleep else "")


def epoch(instant):
    """Seconds since the epoch of an instant "YYYY-MM-DDTHH:MM:SS.000Z"."""
    return calendar.timegm(time.strptime(instant[:19], "%Y-%m-%dT%H:%M:%S"))


class Ledger:
    def __init__(self, path):
        self.path = path
        self._offset = 0
        self._partial = b""
        self.runs = {}  # (job, instant) -> how many non-manual runs
        self.triggers = {}  # (job, instant) -> the triggers of those runs, in ledger order
        self.latest = {}  # job -> latest instant of a non-manual run
        self.manual = []  # (job, instant)
        self.by_trigger = dict.fromkeys(TRIGGERS, 0)
        self.duplicates = []  # (job, instant, count)
        self.malformed = []

    def read_new(self):
        """Reads what was appended since the last call; returns the new duplicates."""
        try:
            with open(self.path, "rb") as f:
                f.seek(self._offset)
                data = f.read()
        except FileNotFoundError:
            return []
        self._offset += len(data)
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()  # a line still being written, or b""
        new_duplicates = []
        for raw in lines:
            parts = raw.decode("utf-8", "replace").split(" ")
            if len(parts) != 3 or not INSTANT.match(parts[1]) or parts[2] not in TRIGGERS:
                self.malformed.append(raw)
                continue
            job, instant, trigger = parts
            self.by_trigger[trigger] += 1
            if trigger == "manual":
                self.manual.append((job, instant))
                continue
            count = self.runs.get((job, instant), 0) + 1
            self.runs[(job, instant)] = count
            self.triggers.setdefault((job, instant), []).append(trigger)
            if instant > self.latest.get(job, ""):
                self.latest[job] = instant
            if count > 1:
                new_duplicates.append((job, instant, count))
        self.duplicates += new_duplicates
        return new_duplicates

    def total(self):
        return sum(self.by_trigger.values())


def match_manual(manual_runs, triggers):
    """Matches each manual run (job, instant) to a distinct successful trigger
    (job, start, end) of the same job whose command was running during that
    second (floor(start) <= instant <= floor(end)). Returns (unmatched runs,
    number of triggers left without a run). Greedy by earliest end, which
    finds a complete matching whenever one exists."""
    runs_by_job, triggers_by_job = {}, {}
    for job, instant in manual_runs:
        runs_by_job.setdefault(job, []).append(epoch(instant))
    for job, start, end in triggers:
        triggers_by_job.setdefault(job, []).append((int(start), int(end)))
    unmatched, unused = [], 0
    for job in set(runs_by_job) | set(triggers_by_job):
        runs = sorted(runs_by_job.get(job, []))
        pending = sorted(triggers_by_job.get(job, []))
        open_ends, i = [], 0
        for at in runs:
            while i < len(pending) and pending[i][0] <= at:
                heapq.heappush(open_ends, pending[i][1])
                i += 1
            while open_ends and open_ends[0] < at:
                heapq.heappop(open_ends)
                unused += 1
            if open_ends:
                heapq.heappop(open_ends)
            else:
                unmatched.append((job, time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(at))))
        unused += len(open_ends) + len(pending) - i
    return unmatched, unused

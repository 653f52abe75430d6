"""What a service account's projects cost in Sheets requests, and how many more it can take.

Pure: the projects' settings (time zone, report day and time, as last read), the cron
interval and whether idle runs skip unchanged sheets come in; an estimate comes out. The
cost of each thing a run does is measured in docs/benchmarks.md (requests, not time):

- an idle run (nothing due, sheet unchanged, ``skip_unchanged``): **0** Sheets requests
  (its one Drive request counts against another, far larger quota);
- a read of the sheet: **1** read (one ``spreadsheets.get`` with grid data);
- the day's check writes its flags and Problems: **1** write (one ``batchUpdate``; the
  flags tab is read again first only when the read is more than a few seconds old);
- each email sent: **1** write (its outcome row in Log), and **1** more for its
  ``sending`` row where no other write of the run carries it (a report run).

On a project's week that makes: every project day, the check at 00:00 in its time zone (1
read + 1 write); every weekday, the team read from 09:00 (1 read); on the report day, the
report at its time (1 read + 2 writes). Without ``skip_unchanged`` every run reads (1
read). Staff edits, stale-read re-reads and reminder emails add a few more (a read, a
write) that no setting foretells.

Google allows one service account 60 reads and 60 writes a minute. Two limits follow:

- the day: a key's reads (and writes) a day at most 60 × 1,440;
- the busiest run: every project of one time zone wants its check in the same run at
  midnight; a run's requests should fit in one cron interval (60 × ``every_minutes`` reads,
  and as many writes), or the run still works at the next interval (later, never lost).

``room`` is how many more projects like the ones it has (the default project when it has
none) a key takes before either limit is reached.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sheetsync.model import Settings

READ = 1  # one read: spreadsheets.get with grid data
CHECK_WRITE = (0, 1)  # the check's write: one batchUpdate (no re-read after a fresh read)
EMAIL = 2  # a report email: its sending row and its outcome row in Log (writes)
PER_MINUTE = 60  # Google's Sheets quota per service account: reads, and writes, a minute
DAY_MINUTES = 1440
TEAM_READ = time(9, 0)
WEEK = 7


@dataclass(frozen=True)
class Load:
    """One key's estimate: its projects, a day's requests, its busiest run, its room."""

    projects: int
    reads_a_day: float  # averaged over a week
    writes_a_day: float
    busiest_at: datetime | None  # the UTC moment of the busiest run (None: no project)
    busiest_reads: int
    busiest_writes: int
    room: int  # more projects like these before a limit is reached

    @property
    def busiest_minutes(self) -> float:
        """The least the busiest run takes at 60 reads and 60 writes a minute."""
        return max(self.busiest_reads, self.busiest_writes) / PER_MINUTE

    @property
    def requests_a_day(self) -> float:
        return self.reads_a_day + self.writes_a_day


def _run_at(moment: datetime, every_minutes: int) -> datetime:
    """The first cron run at or after ``moment`` (runs at multiples of the interval, UTC)."""
    utc = moment.astimezone(UTC)
    base = utc.replace(hour=0, minute=0, second=0, microsecond=0)
    minutes = (utc - base).total_seconds() / 60
    steps = -int(-minutes // every_minutes)  # ceil
    return base + timedelta(minutes=steps * every_minutes)


def week_of_runs(settings: Settings, start: date, every_minutes: int,
                 skip_unchanged: bool = True) -> Counter[tuple[datetime, str]]:
    """(run moment, "read" | "write") -> requests, over the 7 project days from ``start``."""
    out: Counter[tuple[datetime, str]] = Counter()
    zone = ZoneInfo(settings.time_zone)
    for offset in range(WEEK):
        day = start + timedelta(days=offset)
        midnight = _run_at(datetime.combine(day, time(0), tzinfo=zone), every_minutes)
        out[midnight, "read"] += READ + CHECK_WRITE[0]
        out[midnight, "write"] += CHECK_WRITE[1]
        if day.weekday() < 5:  # the team read (nudges, reminders) from 09:00 on weekdays
            out[_run_at(datetime.combine(day, TEAM_READ, tzinfo=zone), every_minutes),
                "read"] += READ
        if day.weekday() == settings.report_day:  # fortnightly: counted every week (worst)
            report = _run_at(datetime.combine(day, settings.report_time, tzinfo=zone),
                             every_minutes)
            out[report, "read"] += READ
            out[report, "write"] += EMAIL
        if not skip_unchanged:  # every other run of the day reads
            runs = DAY_MINUTES // every_minutes - 1
            first = datetime.combine(day, time(0), tzinfo=zone)
            for k in range(1, runs + 1):
                out[_run_at(first + timedelta(minutes=k * every_minutes), every_minutes),
                    "read"] += READ
    return out


def estimate(projects: Sequence[Settings], *, start: date, every_minutes: int = 15,
             skip_unchanged: bool = True) -> Load:
    """The load of one key's projects over the week from ``start``, and its room."""
    runs: Counter[tuple[datetime, str]] = Counter()
    for settings in projects:
        runs.update(week_of_runs(settings, start, every_minutes, skip_unchanged))
    sample = list(projects) or [Settings("a new project")]
    if not projects:
        typical = estimate(sample, start=start, every_minutes=every_minutes,
                           skip_unchanged=skip_unchanged)
        return Load(0, 0.0, 0.0, None, 0, 0, typical.room + 1)
    reads = sum(n for (_, kind), n in runs.items() if kind == "read")
    writes = sum(n for (_, kind), n in runs.items() if kind == "write")
    moments = sorted({moment for moment, _ in runs})
    busiest = max(moments, key=lambda m: (max(runs[m, "read"], runs[m, "write"]), -m.timestamp()))
    b_reads, b_writes = runs[busiest, "read"], runs[busiest, "write"]
    count = len(projects)
    per_run = PER_MINUTE * every_minutes
    per_day = PER_MINUTE * DAY_MINUTES
    limits = [per_run * count // b_reads if b_reads else None,
              per_run * count // b_writes if b_writes else None,
              per_day * WEEK * count // reads if reads else None,
              per_day * WEEK * count // writes if writes else None]
    most = min(x for x in limits if x is not None)
    return Load(count, reads / WEEK, writes / WEEK, busiest, b_reads, b_writes,
                max(0, most - count))

"""A simulated month of ``sheetsync run`` every 15 minutes (CONTRACT sections 4 and 7).

December 2026, two projects and the agency digest, over the real code path: the real
reconciler and jobs, real .xlsx files read and written by the real backend, the real ledger
in a state dir, a real loopback SMTP server. To keep 2,976 runs fast, the runs happen
in-process (what ``sheetsync run --now`` does: ``reconcile_all`` then the agency jobs), and
a workbook is read from disk again only when its file changed (a run that wrote it).

- London (GB calendar), weekly on Friday 16:00: Christmas (Fri 25) and New Year's Day
  (Fri 1 Jan) move their reports to Thursday 24 and Thursday 31 December; Boxing Day
  (observed Mon 28) is no working day.
- Shanghai (CN calendar), every second Friday 16:00, with its own day off Fri 18 Dec: that
  report goes Thu 17 Dec; New Year's Day moves the next one to Thu 31 Dec.
- One team member owns an overdue milestone in each project: one nudge a day at most,
  each milestone again after 3 days. Each project has an overdue client item: reminders.
- The digest goes every Tuesday at 09:00 UTC.

The expected emails are worked out here from the calendar, independently of sheetsync's
code; then every email must be one of them, none twice, none on a day that is no working
day of its project.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest

from sheetsync.backends import Backend
from sheetsync.core.digest import DigestSchedule
from sheetsync.host import config
from sheetsync.jobs import registry
from sheetsync.shell import reconcile, wiring
from tests.fixtures_smtp import LoopbackSmtpServer
from tests.xlsx_factory import make_workbook

DEV = "dev@studio.example"
LEAD = "lead@studio.example"
START, END = datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
GB_OFF = {date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)}
CN_OFF = {date(2026, 12, 18), date(2027, 1, 1)}  # its own Holidays, and New Year's Day


def workbook(path: Path, name: str, zone: str, calendar: str, *, every: str = "1",
             holidays: str = "") -> Path:
    fields = {"Project": name, "Client": "Acme", "Client emails": "client@acme.example",
              "PM email": "pm@studio.example", "Team emails": "team@studio.example",
              "Time zone": zone, "Report day": "Friday", "Report time": "16:00",
              "Holiday calendar": calendar, "Report every weeks": every, "Holidays": holidays,
              "Reminder every days": "3"}
    return make_workbook(path, {
        "Project": [["Field", "Value"], *([k, v] for k, v in fields.items())],
        "Milestones": [
            ["ID", "Milestone", "Owner", "Owner email", "Start", "Due", "Status",
             "Acceptance criteria"],
            ["M1", f"{name} build", "Team", DEV, "2026-11-02", "2026-11-25", "In progress", "x"],
            ["M2", f"{name} copy", "Client", "", "2026-11-02", "2026-11-26", "In progress", "y"],
            ["M3", f"{name} launch", "Team", "", "2026-11-02", "2027-03-01", "Not started", "z"],
        ],
        "Updates": [["Date", "Type", "Update"], ["2026-11-20", "Next", "Build goes on"]],
    })


class ReadOnChange:
    """The real backend; its read is repeated only when the file changed on disk."""

    cache: ClassVar[dict[str, tuple[tuple[int, int], Any]]] = {}

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)

    def read(self) -> Any:
        stat = Path(self._backend.source).stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        held = self.cache.get(self._backend.source)
        if held is None or held[0] != stamp:
            held = (stamp, self._backend.read())
            self.cache[self._backend.source] = held
        return held[1]


def client_days(zone_off: set[date]) -> list[date]:
    day, out = date(2026, 12, 1), []
    while day <= date(2026, 12, 31):
        if day.weekday() < 5 and day not in zone_off:
            out.append(day)
        day += timedelta(days=1)
    return out


def with_cadence(days: list[date], every: int = 3) -> list[date]:
    out: list[date] = []
    for day in days:
        if not out or day >= out[-1] + timedelta(days=every):
            out.append(day)
    return out


GB_REPORTS = [date(2026, 12, d) for d in (4, 11, 18, 24, 31)]
CN_REPORTS = [date(2026, 12, 4), date(2026, 12, 17), date(2026, 12, 31)]
GB_PREVIEWS = [date(2026, 12, d) for d in (3, 10, 17, 23, 30)]
CN_PREVIEWS = [date(2026, 12, 3), date(2026, 12, 16), date(2026, 12, 30)]
DIGESTS = [date(2026, 12, d) for d in (1, 8, 15, 22, 29)]


def quiet_days(off: set[date], reports: list[date]) -> list[date]:
    """Days a reminder or a nudge may go: client days, not Friday, not a report's day."""
    return [d for d in client_days(off) if d.weekday() != 4 and d not in reports]


def expected_nudges() -> list[date]:
    gb, cn = set(quiet_days(GB_OFF, GB_REPORTS)), set(quiet_days(CN_OFF, CN_REPORTS))
    last: dict[str, date] = {}
    out = []
    for day in sorted(gb | cn):
        due = [p for p, days in (("gb", gb), ("cn", cn))
               if day in days and (p not in last or day >= last[p] + timedelta(days=3))]
        if due:
            out.append(day)
            last.update(dict.fromkeys(due, day))
    return out


def test_a_month_of_runs_every_15_minutes(tmp_path: Path, smtp_server: LoopbackSmtpServer,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    gb = workbook(tmp_path / "london.xlsx", "London", "Europe/London", "GB")
    cn = workbook(tmp_path / "shanghai.xlsx", "Shanghai", "Asia/Shanghai", "CN", every="2",
                  holidays="2026-12-18")
    env = {"SHEETSYNC_SMTP_HOST": smtp_server.host, "SHEETSYNC_SMTP_PORT": str(smtp_server.port),
           "SHEETSYNC_SMTP_SECURITY": "none", "SHEETSYNC_FROM": "projects@studio.example",
           "SHEETSYNC_STATE_DIR": str(tmp_path / "state"), "SHEETSYNC_DIGEST_TO": LEAD}
    cfg = replace(config.load(None, env=env),
                  digest=DigestSchedule((LEAD,), day=1, time_zone="UTC"))
    real = wiring.context_for(cfg, START).open_source
    sources = [str(gb), str(cn)]

    def run(now: datetime) -> None:
        ctx = replace(wiring.context_for(cfg, now), open_source=lambda s: ReadOnChange(real(s)))
        with ctx.transport:
            results = reconcile.reconcile_all(sources, ctx, registry.JOBS)
            reconcile.agency(results, ctx, registry.AGENCY_JOBS)

    # sheetsync has been running: the last reports before December went out.
    run(datetime(2026, 11, 20, 8, 5, tzinfo=UTC))  # Shanghai's fortnightly report of 20 Nov
    run(datetime(2026, 11, 27, 16, 5, tzinfo=UTC))  # London's weekly report of 27 Nov
    smtp_server.reset()

    now, when = START, []  # the simulated moment each email went at
    while now < END:
        run(now)
        when += [now] * (len(smtp_server.messages) - len(when))
        now += timedelta(minutes=15)

    sent: list[tuple[str, str, date]] = []
    for got, moment in zip(smtp_server.messages, when, strict=True):
        job = str(got.message["X-Sheetsync-Job"])
        project = "cn" if "Shanghai" in str(got.message["Subject"]) else "gb"
        zone = ZoneInfo("Asia/Shanghai" if project == "cn" else "Europe/London")
        local = moment.astimezone(zone).date() if job not in ("digest", "nudge") else \
            moment.astimezone(UTC).date()
        sent.append((job, project if job not in ("digest", "nudge") else "", local))
    assert all(n == 1 for n in Counter(sent).values()), "an email went twice"

    def days(job: str, project: str = "") -> list[date]:
        return sorted(d for j, p, d in sent if j == job and p == project)

    assert days("report", "gb") == GB_REPORTS
    assert days("report", "cn") == CN_REPORTS
    assert days("preview", "gb") == GB_PREVIEWS
    assert days("preview", "cn") == CN_PREVIEWS
    assert days("remind", "gb") == with_cadence(quiet_days(GB_OFF, GB_REPORTS))
    assert days("remind", "cn") == with_cadence(quiet_days(CN_OFF, CN_REPORTS))
    assert days("nudge") == expected_nudges()
    assert days("digest") == DIGESTS
    for job, project, day in sent:  # no client email on a day that is no working day
        if job in ("report", "remind"):
            assert day.weekday() < 5 and day not in (GB_OFF if project == "gb" else CN_OFF)
    nudges = [m for m in smtp_server.messages if m.message["X-Sheetsync-Job"] == "nudge"]
    assert {tuple(m.rcpt_tos) for m in nudges} == {(DEV,)}
    assert len(smtp_server.messages) == len(sent)

"""The retrospective's figures on dataclass literals: every edge the contract names."""

from __future__ import annotations

from datetime import date

from sheetsync.core import history, logtab, retro
from sheetsync.model import (
    Change,
    ChangeStatus,
    Layout,
    Milestone,
    OwnedTab,
    Owner,
    Project,
    Settings,
    Status,
)

AS_OF = date(2026, 12, 1)
LOG_HEAD = ("Time", "Job", "Project", "Recipients", "Subject", "Result", "Message-ID", "Detail")


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def ms(*, extra: tuple[Milestone, ...] = ()) -> tuple[Milestone, ...]:
    return (
        # on time: done before its baseline (History says 10 Nov; Due moved since to 12 Nov)
        Milestone("M1", 2, "Kick-off", status=Status.DONE, due=d(11, 12), done_on=d(11, 9),
                  client_confirmed=True, confirmed_on=d(11, 12)),
        # done 4 days after a baseline that History does not know yet: Due stands in
        Milestone("M2", 3, "Design", status=Status.DONE, due=d(11, 16), done_on=d(11, 20),
                  delay_reason="Team capacity", confirmed_on=d(11, 30)),
        # open past due (baseline 20 Nov): 11 days to the as-of date, reason from CR-1
        Milestone("M3", 4, "Build", status=Status.IN_PROGRESS, due=d(11, 27)),
        # client item done late by 2 days (no baseline row: Due is its baseline)
        Milestone("M4", 5, "Copy", owner=Owner.CLIENT, status=Status.DONE, due=d(11, 10),
                  done_on=d(11, 12), delay_reason="Client late"),
        # client item still open past due: 5 days late, no reason
        Milestone("M5", 6, "Photos", owner=Owner.CLIENT, due=d(11, 26)),
        # cancelled: left out of everything, even though late and with a change
        Milestone("M6", 7, "Old idea", status=Status.CANCELLED, due=d(10, 1)),
        # open, not yet due: no slip
        Milestone("M7", 8, "Launch", due=d(12, 18)),
        # Done without a Done on: not on time, slip unknown
        Milestone("M8", 9, "Docs", status=Status.DONE, due=d(11, 20)),
        *extra,
    )


CHANGES = (
    Change("CR-1", 2, milestone="M3", old_due=d(11, 20), new_due=d(11, 27),
           status=ChangeStatus.APPROVED),
    # moved a date earlier: counts as -3 days added
    Change("CR-2", 3, milestone="M7", old_due=d(12, 21), new_due=d(12, 18),
           status=ChangeStatus.APPROVED),
    Change("CR-3", 4, milestone="M7", status=ChangeStatus.REJECTED),
    Change("CR-4", 5, milestone="M5", status=ChangeStatus.PROPOSED),
    Change("CR-5", 6, milestone="M6", old_due=d(9, 1), new_due=d(10, 1),
           status=ChangeStatus.APPROVED),  # on a cancelled row: not counted
)
HISTORY = OwnedTab("History", True, (
    ("Date", "ID", "Field", "From", "To"),
    ("2026-11-01", "M1", "Baseline due", "", "2026-11-10"),
    ("2026-11-01", "M3", "Baseline due", "", "2026-11-20"),
    ("2026-11-05", "M1", "Due", "2026-11-10", "2026-11-12"),
    ("2026-11-06", "M3", "Due", "2026-11-20", "2026-11-27"),
))


def mid(job: str, day: str) -> str:
    return logtab.message_id(job, day, "acme", "n", "pm@studio.example")


LOG = OwnedTab("Log", True, (
    LOG_HEAD,
    ("t", "report", "Acme", "a@x", "s", "sent", mid("report", "2026-11-06"), ""),
    ("t", "report", "Acme", "a@x", "s", "sent", mid("report", "2026-11-13"), ""),
    ("t", "report", "Acme", "a@x", "s", "failed", mid("report", "2026-11-20"), ""),
    ("t", "remind", "Acme", "a@x", "s", "sent", mid("remind", "2026-11-30"), "items: M5"),
))


def project(milestones: tuple[Milestone, ...] | None = None) -> Project:
    layout = Layout(None, OwnedTab("Problems", False), LOG, HISTORY)
    return Project("acme.xlsx", Settings("Acme"), milestones=milestones or ms(),
                   changes=CHANGES, layout=layout)


def figures(**kw: object) -> retro.Retro:
    p = project()
    return retro.retro(p, history.read(HISTORY), AS_OF, **kw)  # type: ignore[arg-type]


def test_every_metric_by_hand() -> None:
    r = figures()
    m = r.metrics
    assert (m.milestones, m.done) == (7, 4)  # M6 cancelled is out; M1 M2 M4 M8 done
    assert m.on_time == 1  # M1 only (M8 has no Done on; M2, M4 late)
    assert m.on_time_rate == 0.25
    # M2 20-16=4, M3 (open) 1 Dec - 20 Nov = 11, M4 12-10=2, M5 1 Dec - 26 Nov = 5
    assert m.slip_days == 4 + 11 + 2 + 5
    # M3's date was moved by the approved CR-1, but its Delay reason is blank: "unknown
    # where blank" (the Problems line suggests Scope change; only staff's choice counts)
    assert dict(m.slip_days_by_reason) == {"unknown": 11 + 5, "Team capacity": 4,
                                           "Client late": 2}
    assert next(k for k, _ in m.slip_days_by_reason) == "unknown"
    assert (m.client_items, m.client_items_late, m.client_days_late) == (2, 2, 2 + 5)
    assert m.confirmation_days_median == 6.5  # M1 3 days, M2 10 days
    assert m.changes == retro.ChangeTotals(count=4, approved=2, declined=1, proposed=1,
                                           days_added=7 - 3)
    assert (m.reminders, m.reports) == (1, 2)


def test_rows_say_baseline_against_actual() -> None:
    rows = {r.id: r for r in figures().rows}
    assert rows["M1"].baseline_due == d(11, 10) and rows["M1"].due == d(11, 12)
    assert rows["M2"].baseline_due == d(11, 16)  # no History row: its Due
    assert rows["M3"].slip_days == 11 and rows["M3"].reason == ""
    assert rows["M7"].slip_days == 0
    assert rows["M8"].slip_days is None and not rows["M8"].on_time
    assert "M6" not in rows


def test_a_phase_counts_only_dues_inside_it_and_its_emails() -> None:
    r = figures(start=d(11, 15), end=d(11, 30))
    assert [row.id for row in r.rows] == ["M2", "M3", "M5", "M8"]
    assert r.metrics.changes.count == 2  # CR-1 on M3, CR-4 on M5
    assert r.metrics.reports == 0 and r.metrics.reminders == 1


def test_nothing_done_gives_no_rate_and_no_median() -> None:
    p = project((Milestone("M1", 2, "Only", due=d(12, 20)),))
    r = retro.retro(p, history.read(None), AS_OF)
    assert r.metrics.on_time_rate is None and r.metrics.confirmation_days_median is None
    assert r.metrics.slip_days == 0 and r.metrics.slip_days_by_reason == ()


def test_a_duplicate_id_counts_once_and_a_cancelled_first_row_hides_its_copy() -> None:
    twice = ms(extra=(Milestone("M1", 20, "Copy of M1", due=d(9, 1)),
                      Milestone("M6", 21, "Revived", due=d(9, 1))))
    r = retro.retro(project(twice), history.read(HISTORY), AS_OF)
    assert r.metrics.milestones == 7


def test_json_shape() -> None:
    out = retro.to_json(figures())
    assert out["from"] == "2026-11-10" and out["to"] == "2026-12-18"
    assert out["metrics"]["changes"]["days_added"] == 4
    assert out["metrics"]["confirmation_days_median"] == 6.5
    assert out["milestones"][0] == {"id": "M1", "baseline_due": "2026-11-10",
                                    "due": "2026-11-12", "done_on": "2026-11-09",
                                    "slip_days": 0, "reason": None}
    whole = retro.to_json(retro.retro(project((ms()[0],)), history.read(None), AS_OF))
    assert whole["metrics"]["confirmation_days_median"] == 3
    assert isinstance(whole["metrics"]["confirmation_days_median"], int)


def test_the_on_time_rate_rounds_half_up_on_the_exact_fraction() -> None:
    """"2 decimals" as a person rounds: 1/8 = 0.125 is 0.13 and 29/200 = 0.145 is 0.15 (a
    float's round() gives 0.12 and 0.14: binary halves go to even, 0.145 is stored low)."""
    def rate(on_time: int, late: int) -> float | None:
        rows = tuple(Milestone(f"T{i}", i + 2, "t", status=Status.DONE, due=d(11, 10),
                               done_on=d(11, 9)) for i in range(on_time))
        rows += tuple(Milestone(f"L{i}", i + 900, "t", status=Status.DONE, due=d(11, 10),
                                done_on=d(11, 11)) for i in range(late))
        return retro.retro(project(rows), history.read(None), AS_OF).metrics.on_time_rate

    assert [rate(1, 7), rate(5, 3), rate(3, 5), rate(29, 171), rate(2, 1), rate(1, 2)] == [
        0.13, 0.63, 0.38, 0.15, 0.67, 0.33]
    assert rate(1, 0) == 1.0 and rate(0, 3) == 0.0

"""Working days, fortnightly report days, the preview's checklist, nudges and the digest's
order, as pure rules (CONTRACT section 7). The emails themselves: test_followthrough.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from sheetsync.core import calendar as due
from sheetsync.core import digest, nudges, preview, rules, workdays
from sheetsync.core.cells import Bad
from sheetsync.core.report import build_report
from sheetsync.jobs import remind, weekly_report
from sheetsync.model import (
    Change,
    ChangeStatus,
    Milestone,
    Owner,
    Project,
    Settings,
    Status,
    Update,
    UpdateType,
)

CN = Settings("Shanghai site", time_zone="Asia/Shanghai", holiday_calendar="CN")
GB = Settings("London site", time_zone="Europe/London", holiday_calendar="GB")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text + "+00:00")


# --------------------------------------------------------------------------- working days


def test_a_calendar_code_is_checked_not_guessed() -> None:
    assert workdays.parse_calendar(" cn ") == "CN"
    assert workdays.parse_calendar("us-ca") == "US-CA"
    assert workdays.parse_calendar(None) is None
    assert workdays.parse_calendar("Narnia") == Bad("unknown_calendar")
    assert workdays.parse_calendar("US-XX") == Bad("unknown_calendar")


def test_public_holidays_and_the_projects_own_days_off() -> None:
    assert not workdays.is_working_day(date(2026, 12, 25), GB)  # Christmas, a Friday
    assert not workdays.is_working_day(date(2026, 12, 28), GB)  # Boxing Day (observed)
    assert workdays.is_working_day(date(2026, 12, 24), GB)
    assert not workdays.is_working_day(date(2026, 10, 1), CN)  # National Day
    own = replace(GB, holidays=(date(2026, 12, 24),))
    assert not workdays.is_working_day(date(2026, 12, 24), own)
    assert workdays.why_not(date(2026, 12, 25), GB).startswith("a public holiday")


def test_make_up_working_days_count_but_never_bring_a_client_email() -> None:
    # Saturday 10 October 2026 is a 调休 working day in China (the holidays package knows it).
    saturday = date(2026, 10, 10)
    assert workdays.is_working_day(saturday, CN)
    assert not workdays.is_client_day(saturday, CN)
    # A make-up day the package does not know yet: typed in Working days (补班日).
    later = date(2027, 9, 25)
    assert not workdays.is_working_day(later, CN) or later in CN.working_days
    typed = replace(CN, working_days=(later,))
    assert workdays.is_working_day(later, typed) and not workdays.is_client_day(later, typed)


def test_counting_working_days() -> None:
    # From Wed 23 Dec 2026 in GB: Thu 24, (Fri 25, Sat, Sun, Mon 28 off), Tue 29, Wed 30.
    assert workdays.add_working_days(date(2026, 12, 23), 3, GB) == date(2026, 12, 30)
    assert workdays.working_days_between(date(2026, 12, 23), date(2026, 12, 30), GB) == 3


# --------------------------------------------------------------------------- report days


def test_a_report_day_on_a_holiday_goes_the_working_day_before() -> None:
    # GB: Friday 25 December -> Thursday 24 December, at 16:00 London.
    assert due.last_report_date(utc("2026-12-24 15:59"), GB) == date(2026, 12, 18)
    assert due.last_report_date(utc("2026-12-24 16:00"), GB) == date(2026, 12, 24)
    assert due.last_report_date(utc("2026-12-25 17:00"), GB) == date(2026, 12, 24)
    # CN: Friday 2 October (National Day, with 1 October) -> Wednesday 30 September.
    assert due.send_day(date(2026, 10, 2), CN) == date(2026, 9, 30)
    assert due.last_report_date(utc("2026-09-30 08:00"), CN) == date(2026, 9, 30)  # 16:00 CST
    assert weekly_report.when(CN, utc("2026-10-02 09:00")) is None  # no client email today


def test_reminders_skip_days_off_and_the_day_a_report_moved_to() -> None:
    assert due.reminder_day(utc("2026-12-28 10:00"), GB) is None  # Boxing Day (observed)
    assert due.reminder_day(utc("2026-12-24 10:00"), GB) is None  # the moved report day
    assert due.reminder_day(utc("2026-12-29 10:00"), GB) == date(2026, 12, 29)
    assert remind.when(CN, utc("2026-10-10 02:00")) is None  # a make-up Saturday


def test_the_catch_up_counts_working_days() -> None:
    # The report of Fri 27 Nov may go until the 3rd working day after: with Monday 30 Nov
    # a day off, that is Tue 1, Wed 2, Thu 3 Dec, at the report time.
    off = replace(GB, holidays=(date(2026, 11, 30),))
    assert not due.report_due(utc("2026-12-03 16:00"), off).too_late
    assert due.report_due(utc("2026-12-03 16:01"), off).too_late
    assert due.report_due(utc("2026-12-02 16:01"), GB).too_late


def test_fortnightly_report_days_count_from_the_anchor() -> None:
    s = replace(GB, report_every_weeks=2)
    anchor = date(2026, 11, 6)
    assert due.is_report_day(date(2026, 11, 20), s, anchor)
    assert not due.is_report_day(date(2026, 11, 27), s, anchor)
    assert due.last_report_date(utc("2026-11-30 10:00"), s, anchor) == date(2026, 11, 20)
    assert due.next_send_day(date(2026, 11, 20), s, anchor) == date(2026, 12, 4)
    # The anchor: the first report day after the first milestone start, or the first in Log.
    started = Project("x", s, milestones=(Milestone("M1", 2, "Kick-off", start=date(2026, 11, 4)),))
    assert due.report_anchor(started) == date(2026, 11, 6)


def test_the_preview_is_due_the_working_day_before_until_the_report_goes() -> None:
    # GB Friday 18 Dec report: preview Thursday 17 Dec 16:00 until Friday 16:00.
    assert due.preview_due(utc("2026-12-17 15:59"), GB) is None
    assert due.preview_due(utc("2026-12-17 16:00"), GB) == date(2026, 12, 18)
    assert due.preview_due(utc("2026-12-18 15:59"), GB) == date(2026, 12, 18)
    assert due.preview_due(utc("2026-12-18 16:00"), GB) is None
    # The report moved to Thu 24 Dec: its preview goes Wed 23 Dec.
    assert due.preview_due(utc("2026-12-23 16:30"), GB) == date(2026, 12, 24)


# --------------------------------------------------------------------------- the checklist

AS_OF = date(2026, 11, 26)  # a Thursday: the preview of Friday 27 November's report


def _project(*, updates: tuple[Update, ...] = (), changes: tuple[Change, ...] = ()) -> Project:
    return Project("x", Settings("Acme", pm_email="pm@team.example"), milestones=(
        Milestone("M1", 2, "Build", Owner.TEAM, Status.IN_PROGRESS, due=date(2026, 11, 24),
                  acceptance="Works", owner_email="dev@team.example"),
        Milestone("M2", 3, "Launch", Owner.TEAM, due=date(2026, 12, 4)),
        Milestone("M3", 4, "Copy", Owner.CLIENT, due=date(2026, 12, 1)),
    ), updates=updates, changes=changes)


def _checks(project: Project) -> dict[str, preview.Check]:
    found = preview.checklist(project, rules.assess(project, AS_OF),
                              rules.assess(project, AS_OF + timedelta(days=1)), AS_OF)
    return {c.code.value: c for c in found}


def test_the_checklist_names_what_to_fix() -> None:
    old = Update(2, date(2026, 11, 16), UpdateType.DONE, "Designs sent")
    changes = (Change("CR-1", 2, status=ChangeStatus.PROPOSED, client_approved=True),)
    found = _checks(_project(updates=(old,), changes=changes))
    assert list(found) == ["NO_UPDATES", "TEAM_OVERDUE", "NO_ACCEPTANCE",
                           "CHANGE_WAITING_ON_TEAM"]
    assert found["NO_UPDATES"].lines[0].on == date(2026, 11, 16)
    assert found["TEAM_OVERDUE"].ids == ("M1",)
    assert found["TEAM_OVERDUE"].lines[0].who == "dev@team.example"
    assert found["NO_ACCEPTANCE"].ids == ("M2",)  # not M3: a client item has none to agree
    assert found["CHANGE_WAITING_ON_TEAM"].lines[0].what == "approved"


def test_a_recent_update_and_a_clean_sheet_leave_only_what_is_true() -> None:
    fresh = Update(2, date(2026, 11, 25), UpdateType.NEXT, "Launch prep")
    found = _checks(_project(updates=(fresh,)))
    assert "NO_UPDATES" not in found and "CHANGE_WAITING_ON_TEAM" not in found


# --------------------------------------------------------------------------- nudges


def test_nudge_items_and_their_cadence() -> None:
    project = _project()
    project = replace(project, milestones=(*project.milestones, Milestone(
        "M4", 5, "Hosting", Owner.TEAM, due=date(2026, 11, 30), owner_email="DEV@team.example"),
        Milestone("M5", 6, "Later", Owner.TEAM, due=date(2026, 12, 10),
                  owner_email="dev@team.example")))
    day = date(2026, 11, 26)  # Thursday: Monday 30 Nov is the 2nd working day after
    found = nudges.items(project, "key", rules.assess(project, day), day)
    assert [(who, i.id) for who, i in found] == [("dev@team.example", "M1"),
                                                 ("dev@team.example", "M4")]
    with_cadence = [(who, i, 3) for who, i in found]
    assert len(nudges.select(with_cadence, [], day)) == 2
    history = [(day, ("key#M1",))]
    assert [i.id for i in nudges.select(with_cadence, history, day + timedelta(days=1))] == ["M4"]
    assert len(nudges.select(with_cadence, history, day + timedelta(days=3))) == 2
    assert not nudges.nudge_day(project, date(2026, 11, 27))  # the report day
    assert not nudges.nudge_day(project, date(2026, 11, 28))  # Saturday


# --------------------------------------------------------------------------- digest order


def test_the_digest_puts_the_projects_needing_attention_first() -> None:
    def built(name: str, milestones: tuple[Milestone, ...]) -> digest.Row:
        project = Project(name, Settings(name), milestones=milestones)
        report = build_report(project, rules.assess(project, AS_OF), AS_OF)
        return digest.row(name, report, digest.Sends(), last_update=None, next_report=None,
                          problems=0, language="en", paused=False)

    calm = built("Calm", (Milestone("M1", 2, "A", due=date(2027, 1, 1)),))
    late = built("Late", (Milestone("M1", 2, "A", due=date(2026, 11, 1)),))
    waiting = built("Waiting", (Milestone("M1", 2, "A", Owner.CLIENT, due=date(2026, 11, 20)),))
    broken = digest.unreadable("gone.xlsx", "the file does not exist")
    troubled = replace(calm, project="Troubled",
                       troubles=(digest.Trouble("report", "2026-11-20", "failed"),))
    order = [r.project for r in digest.ordered([calm, late, waiting, broken, troubled])]
    assert order == ["gone.xlsx", "Troubled", "Waiting", "Late", "Calm"]
    assert waiting.state == "late" and waiting.oldest_client_days_late == 6
    data = digest.digest_json([waiting])["projects"][0]
    assert {"project", "state", "waiting_on_client", "oldest_client_days_late",
            "days_since_update", "last_report", "next_report"} <= set(data)


def test_digest_schedule_defaults() -> None:
    assert digest.DigestSchedule().day == 0 and digest.DigestSchedule().time == time(9, 0)


def test_the_digest_section_of_the_config(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from sheetsync.errors import ConfigError
    from sheetsync.host import config

    path = tmp_path / "sheetsync.toml"
    path.write_text('[digest]\nto = ["a@studio.example", "b@studio.example"]\nday = "周二"\n'
                    'time = "08:30"\ntime_zone = "Asia/Shanghai"\n', encoding="utf-8")
    got = config.load(str(path), env={})
    assert got.digest == digest.DigestSchedule(("a@studio.example", "b@studio.example"), 1,
                                               time(8, 30), "Asia/Shanghai")
    assert config.load(str(path), env={"SHEETSYNC_DIGEST_TO": "c@studio.example"}).digest.to \
        == ("c@studio.example",)
    assert config.load(None, env={}).digest == digest.DigestSchedule()
    path.write_text('[digest]\nto = "not an address"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="not one plain address"):
        config.load(str(path), env={})
    path.write_text('[digest]\nday = "Someday"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="weekday"):
        config.load(str(path), env={})

"""reminders.py and render_reminder: what a reminder holds, when, in what tone and words."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest

from sheetsync.core import reminders, rules
from sheetsync.core.parse import parse_workbook
from sheetsync.core.reminders import FIRM, FIRMER, FRIENDLY, AskKind, HeldUp, Item, Move, Reminder
from sheetsync.lang import catalog
from sheetsync.model import (
    Change,
    ChangeStatus,
    Milestone,
    Owner,
    Project,
    RawTab,
    RawWorkbook,
    Settings,
    Status,
)
from sheetsync.render.emails import render_reminder

AS_OF = date(2026, 11, 26)  # a Thursday; the report day is Friday
EVERY = 3


def day(offset: int) -> date:
    return AS_OF + timedelta(days=offset)


def ms(mid: str, row: int, title: str, **fields: object) -> Milestone:
    return Milestone(mid, row, title, **fields)  # type: ignore[arg-type]


def acme(**changes: object) -> Project:
    """Client copy 6 days late, held up by it: Build, then Go-live; a delivery unconfirmed
    for 2 days past its window; one still inside it; and four change requests."""
    milestones = (
        ms("M1", 2, "Kick-off", due=day(-40), status=Status.DONE, done_on=day(-41),
           client_confirmed=True),
        ms("M2", 3, "Homepage copy", owner=Owner.CLIENT, due=day(-6),
           status=Status.IN_PROGRESS, depends_on=("M1",)),
        ms("M3", 4, "Build", due=day(10), depends_on=("M2",)),
        ms("M4", 5, "Go-live", due=day(20), depends_on=("M3",)),
        ms("M5", 6, "Visual design", due=day(-9), status=Status.DONE, done_on=day(-7),
           acceptance="Marketing signs off in Figma"),
        ms("M6", 7, "Analytics", due=day(-1), status=Status.DONE, done_on=day(-1)),
        ms("M7", 8, "Brand assets", owner=Owner.CLIENT, due=day(-2), depends_on=("M1",)),
        ms("M8", 9, "Team work late", due=day(-3)),
    )
    base = (
        Change("CR-1", 2, date=day(-4), change="Add a blog", milestone="M4",
               old_due=day(20), new_due=day(34), impact="+2 weeks"),
        Change("CR-2", 3, date=day(-3), change="Exactly three days old", milestone="M3"),
        Change("CR-3", 4, date=day(-10), change="Client said no", client_approved=False),
        Change("CR-4", 5, date=day(-10), change="Approved", status=ChangeStatus.APPROVED,
               client_approved=True),
        Change("CR-5", 6, date=None, change="No date"),
    )
    settings = Settings(name="Acme website rollout", client="Acme Corp",
                        client_emails=("maria@acme.example",),
                        sponsor_email="robert@acme.example", pm_name="Sam Lee",
                        pm_email="sam@studio.example", reminder_every_days=EVERY)
    p = Project("acme.xlsx", settings, milestones, (), base)
    return replace(p, **changes)  # type: ignore[arg-type]


def candidates(p: Project, as_of: date = AS_OF) -> list[Item]:
    return reminders.candidates(p, rules.assess(p, as_of), as_of)


def by_id(items: list[Item]) -> dict[str, Item]:
    return {i.id: i for i in items}


# --------------------------------------------------------------------------- candidates


def test_what_waits_on_the_client_most_pressing_first() -> None:
    items = candidates(acme())
    assert [(i.kind, i.id) for i in items] == [
        (AskKind.CLIENT_OVERDUE, "M2"),  # 6 days late
        (AskKind.CLIENT_OVERDUE, "M7"),  # 2 days late
        (AskKind.UNCONFIRMED, "M5"),
        (AskKind.CHANGE, "CR-1"),
    ]


def test_team_work_late_and_deliveries_inside_their_window_are_not_the_clients() -> None:
    ids = {i.id for i in candidates(acme())}
    assert "M8" not in ids  # OVERDUE is ours
    assert "M6" not in ids  # AWAITING_CONFIRMATION: still inside the window


def test_a_client_item_says_its_due_date_how_late_and_what_moves() -> None:
    m2 = by_id(candidates(acme()))["M2"]
    assert (m2.due, m2.days_late) == (day(-6), 6)
    assert m2.holds_up == (HeldUp("M3", "Build", 6), HeldUp("M4", "Go-live", 6))


def test_a_confirmation_says_when_it_was_delivered_and_when_confirmation_was_due() -> None:
    m5 = by_id(candidates(acme()))["M5"]
    assert (m5.since, m5.due, m5.days_late) == (day(-7), day(-2), 2)
    assert m5.note == "Marketing signs off in Figma"
    assert m5.holds_up == ()  # nothing depends on it


def test_a_change_request_waits_only_after_more_than_reminder_every_days() -> None:
    def change_ids(as_of: date) -> set[str]:
        return {i.id for i in candidates(acme(), as_of) if i.kind is AskKind.CHANGE}

    assert change_ids(AS_OF) == {"CR-1"}  # CR-2 is exactly 3 days old: not yet
    assert change_ids(day(1)) == {"CR-1", "CR-2"}
    # decided by the client (Yes or No), approved, rejected, or undated: never chased
    assert not change_ids(day(30)) & {"CR-3", "CR-4", "CR-5"}


def test_a_change_request_says_since_when_what_it_would_move_and_what_waits() -> None:
    cr1 = by_id(candidates(acme()))["CR-1"]
    assert (cr1.since, cr1.days_late, cr1.due) == (day(-4), 4, None)
    assert cr1.move == Move("M4", "Go-live", day(20), day(34))
    assert cr1.note == "+2 weeks"
    assert cr1.holds_up == (HeldUp("M4", "Go-live", 0),)


def test_a_duplicated_id_is_judged_on_its_first_row_only() -> None:
    p = acme()
    dup = ms("M2", 20, "Homepage copy again", owner=Owner.CLIENT, due=day(-30))
    p = replace(p, milestones=(*p.milestones, dup))
    assert [i.id for i in candidates(p)].count("M2") == 1
    assert by_id(candidates(p))["M2"].days_late == 6


# --------------------------------------------------------------------------- select


def history_of(*sent: tuple[int, tuple[str, ...]]) -> list[tuple[date, tuple[str, ...]]]:
    return [(day(offset), ids) for offset, ids in sent]


def test_the_first_reminder_is_friendly_and_copies_nobody() -> None:
    r = reminders.select(candidates(acme()), [], AS_OF, EVERY)
    assert r is not None
    assert r.ids == ("M2", "M7", "M5", "CR-1")
    assert {i.mention for i in r.items} == {1}
    assert (r.tone, r.cc_sponsor) == (FRIENDLY, False)


def test_an_item_is_mentioned_again_only_after_its_gap() -> None:
    items = candidates(acme())
    r = reminders.select(items, history_of((-2, ("M2", "M5")), (-3, ("M7",))), AS_OF, EVERY)
    assert r is not None
    assert r.ids == ("M7", "CR-1")  # M2 and M5 were mentioned 2 days ago
    assert by_id(list(r.items))["M7"].mention == 2

    assert reminders.select(items, history_of((-1, ("M2", "M7", "M5", "CR-1"))), AS_OF,
                            EVERY) is None


def test_a_reminder_already_sent_today_does_not_count_as_an_earlier_mention() -> None:
    items = candidates(acme())
    today = history_of((0, ("M2",)), (-3, ("M2",)))
    r = reminders.select(items, today, AS_OF, EVERY)
    assert r is not None
    assert by_id(list(r.items))["M2"].mention == 2  # the same email as this morning's


def test_the_tone_steps_up_and_the_sponsor_is_copied_from_the_third_mention() -> None:
    items = [i for i in candidates(acme()) if i.id == "M2"]
    first = reminders.select(items, [], AS_OF, EVERY)
    second = reminders.select(items, history_of((-3, ("M2",))), AS_OF, EVERY)
    third = reminders.select(items, history_of((-6, ("M2",)), (-3, ("M2",))), AS_OF, EVERY)
    fifth = reminders.select(items, history_of(*((-3 * k, ("M2",)) for k in range(1, 5))),
                             AS_OF, EVERY)
    assert first and second and third and fifth
    assert [(r.tone, r.cc_sponsor, r.items[0].mention) for r in (first, second, third, fifth)] \
        == [(FRIENDLY, False, 1), (FIRMER, False, 2), (FIRM, True, 3), (FIRM, True, 5)]


def test_the_email_takes_the_tone_of_its_most_mentioned_item() -> None:
    r = reminders.select(candidates(acme()), history_of((-8, ("M5",)), (-4, ("M5",))), AS_OF,
                         EVERY)
    assert r is not None
    assert by_id(list(r.items))["M2"].mention == 1
    assert (r.tone, r.cc_sponsor) == (FIRM, True)


@pytest.mark.parametrize("settle", ["done", "confirmed", "decided", "cancelled"])
def test_items_done_confirmed_or_decided_since_drop_out_at_once(settle: str) -> None:
    p = acme()
    ms_by = {m.id: m for m in p.milestones}
    if settle == "done":
        ms_by["M2"] = replace(ms_by["M2"], status=Status.DONE, done_on=AS_OF)
        gone = "M2"
    elif settle == "confirmed":
        ms_by["M5"] = replace(ms_by["M5"], client_confirmed=True)
        gone = "M5"
    elif settle == "cancelled":
        ms_by["M7"] = replace(ms_by["M7"], status=Status.CANCELLED)
        gone = "M7"
    else:
        p = replace(p, changes=tuple(replace(c, status=ChangeStatus.APPROVED,
                                             client_approved=True) if c.id == "CR-1" else c
                                     for c in p.changes))
        gone = "CR-1"
    p = replace(p, milestones=tuple(ms_by.values()))
    history = history_of((-9, ("M2", "M5", "M7", "CR-1")), (-6, ("M2", "M5", "M7", "CR-1")),
                         (-3, ("M2", "M5", "M7", "CR-1")))
    r = reminders.select(candidates(p), history, AS_OF, EVERY)
    assert r is not None
    assert gone not in r.ids
    assert len(r.ids) == 3


def test_nothing_waiting_means_no_reminder() -> None:
    p = acme(milestones=(), changes=())
    assert candidates(p) == []
    assert reminders.select([], [], AS_OF, EVERY) is None


# --------------------------------------------------------------------------- the email


def reminder(tone: reminders.Tone = FRIENDLY, cc: bool = False, mention: int = 1) -> Reminder:
    items = tuple(replace(i, mention=mention) for i in candidates(acme()))
    return Reminder(AS_OF, items, tone, cc)


def test_subject_names_the_project_and_the_count_and_steps_up() -> None:
    s = acme().settings
    assert render_reminder(reminder(), s).subject == \
        "Acme website rollout: 4 items waiting on you"
    assert render_reminder(reminder(FIRM, True), s).subject.startswith("Action needed: ")
    one = Reminder(AS_OF, reminder().items[:1], FRIENDLY, False)
    assert render_reminder(one, s).subject == "Acme website rollout: 1 item waiting on you"
    zh = render_reminder(reminder(), replace(s, language="zh")).subject
    assert zh == "Acme website rollout：有 4 项待您处理"


def test_the_text_part_says_due_lateness_what_moves_and_what_to_do() -> None:
    text = " ".join(render_reminder(reminder(), acme().settings).text.split())
    assert "M2 Homepage copy" in text
    assert "It was due Fri 20 Nov and is 6 days late." in text
    assert "If this stays late, M3 Build and M4 Go-live move by 6 days." in text
    assert "Please complete it and send us what it needs" in text
    assert "Delivered Thu 19 Nov. Your confirmation was due Tue 24 Nov, 2 days ago." in text
    assert "Acceptance criteria: Marketing signs off in Figma" in text
    assert "Please check it and reply to confirm acceptance" in text
    assert "Proposed Sun 22 Nov; it has waited 4 days for your decision." in text
    assert "If approved, M4 Go-live moves from Wed 16 Dec to Wed 30 Dec." in text
    assert "M4 Go-live waits on this." in text
    assert "Please reply to approve or reject this change." in text
    assert "Sam Lee" in text and "your answer goes to Sam Lee" in text
    assert "A friendly note" in text
    assert "robert@acme.example" not in text


def test_the_firm_reminder_says_the_sponsor_is_copied_and_counts_the_mentions() -> None:
    rendered = render_reminder(reminder(FIRM, True, mention=3), acme().settings)
    text = " ".join(rendered.text.split())
    assert "We have copied robert@acme.example" in text
    assert "3rd reminder" in text and "3rd reminder" in rendered.html
    assert "several reminders" in text


@pytest.mark.parametrize("tone", [FRIENDLY, FIRMER, FIRM])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_tone_has_its_own_words_in_both_languages(tone: reminders.Tone,
                                                        language: str) -> None:
    words = catalog.get(language).table
    rendered = render_reminder(reminder(tone), replace(acme().settings, language=language))
    assert words[f"r_thanks_{tone}"] in rendered.text
    assert words[f"r_thanks_{tone}"] in rendered.html
    intro = catalog.get(language).n(f"r_intro_{tone}", 4, project="Acme website rollout", n=4)
    assert "".join(intro.split()) in "".join(rendered.text.split())
    assert "".join(intro.split()) in "".join(rendered.html.split())


def test_chinese_reminder_reads_in_chinese() -> None:
    rendered = render_reminder(reminder(FIRMER, mention=2), replace(acme().settings,
                                                                    language="zh"))
    text = "".join(rendered.text.split())
    assert "原定11月20日（周五）完成，已逾期6天。" in text
    assert "如果此项继续延误，M3Build和M4Go-live将推迟6天。" in text
    assert "第2次提醒" in text
    assert 'lang="zh-CN"' in rendered.html


def test_html_is_email_safe_and_escapes_every_value() -> None:
    p = acme()
    evil = "<script>alert(1)</script> & <b>bold</b>"
    p = replace(p, settings=replace(p.settings, name=evil, pm_name=evil),
                milestones=tuple(replace(m, title=evil) if m.id == "M3" else m
                                 for m in p.milestones))
    r = reminders.select(candidates(p), [], AS_OF, EVERY)
    assert r is not None
    rendered = render_reminder(r, p.settings)
    assert "<script" not in rendered.html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in rendered.html
    assert "<style" not in rendered.html and "<link" not in rendered.html
    assert "max-width:640px" in rendered.html
    assert not re.search(r"width:\s*(?:[4-9]\d\d|\d{4,})px", rendered.html.replace(
        "max-width:640px", ""))
    assert evil in rendered.text  # the text part is plain text, shown as typed
    assert "\n" not in rendered.subject


def test_a_project_without_a_pm_name_signs_as_the_team() -> None:
    s = replace(acme().settings, pm_name="", pm_email="")
    text = render_reminder(reminder(), s).text
    assert "Your project team" in text
    assert "your answer goes to your project manager" in " ".join(text.split())


# --------------------------------------------------------------------------- change requests


def test_an_approved_change_not_applied_to_its_milestone_is_a_problem_for_staff() -> None:
    raw = RawWorkbook("acme", (
        RawTab("Project", (("Field", "Value"), ("Project", "Acme"))),
        RawTab("Milestones", (("ID", "Milestone", "Due"), ("M1", "Build", "2026-12-01"))),
        RawTab("Changes", (("ID", "Date", "Change", "Milestone", "New due", "Status"),
                           ("CR-1", "2026-11-20", "More pages", "M1", "2026-12-15", "Approved"),
                           ("CR-2", "2026-11-20", "Applied", "M1", "2026-12-01", "Approved"),
                           ("CR-3", "2026-11-20", "Proposed", "M1", "2026-12-20", "Proposed"))),
    ))
    problems = parse_workbook(raw, "acme.xlsx").problems
    changes = [p for p in problems if p.tab == "Changes"]
    assert len(changes) == 1
    assert changes[0].cell == "E2"
    assert "CR-1" in changes[0].problem and "M1" in changes[0].how_to_fix


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_html_fits_a_375_px_phone_even_with_a_hostile_long_title(language: str) -> None:
    from tests.test_render_browser import measure

    p = acme()
    long_title = "x" * 300 + " https://example.com/" + "a/" * 60
    p = replace(p, settings=replace(p.settings, language=language),
                milestones=tuple(replace(m, title=long_title) if m.id in ("M2", "M3") else m
                                 for m in p.milestones))
    r = reminders.select(candidates(p), history_of((-3, ("M2",)), (-6, ("M2",))), AS_OF, EVERY)
    assert r is not None
    numbers = measure(render_reminder(r, p.settings).html, 375)
    assert numbers["inner"] == 375
    assert numbers["scroll"] == 375, numbers
    assert numbers["scripts"] == 0


# --------------------------------------------------------------------------- what a good PM says

HELP = {"en": "a short call to go through it; a first draft you can edit",
        "zh": "电话沟通一次；先起草一版供您修改"}
OFFERED = {"en": "We can help: a short call to go through it and a first draft you can edit.",
           "zh": "我们可以帮忙：电话沟通一次和先起草一版供您修改。"}


def _reminder_text(language: str, help_offer: str) -> tuple[str, str]:
    p = acme()
    p = replace(p, settings=replace(p.settings, language=language, help_offer=help_offer))
    r = reminders.select(candidates(p), [], AS_OF, EVERY)
    assert r is not None
    out = render_reminder(r, p.settings)
    return out.text, out.html


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_reminder_asks_why_offers_the_help_listed_and_says_the_consequence(
        language: str) -> None:
    words = catalog.get(language)
    text, html = _reminder_text(language, HELP[language])
    for part in (text, html):
        assert words("ask_why") in part
        assert OFFERED[language] in part
    # the consequence: what waits on the late item, on its card
    held = words.join(["M3 Build", "M4 Go-live"])
    assert words.n("r_moves", 2, names=held, days=words.days(6)) in text.replace("\n  ", "")
    assert text.index(words("ask_why")) > text.index("M2")  # after the items, before thanks


@pytest.mark.parametrize("language", ["en", "zh"])
def test_without_help_listed_a_reminder_only_asks_why(language: str) -> None:
    words = catalog.get(language)
    text, html = _reminder_text(language, "")
    assert words("ask_why") in text and words("ask_why") in html
    prefix = words("offer_help", help="@").split("@")[0]
    assert prefix not in text and prefix not in html


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_passage_adds_little_length_on_a_375_px_phone(language: str) -> None:
    """The figure docs/report.md gives: the reminder's extra height at 375 px."""
    from tests.test_render_browser import measure

    with_help = measure(_reminder_text(language, HELP[language])[1], 375)
    words = catalog.get(language)
    plain = _reminder_text(language, HELP[language])[1]
    start = plain.index(words("ask_why"))
    end = plain.index("</p>", start)
    without = plain[:plain.rindex("<p", 0, start)] + plain[end + len("</p>"):]
    extra = int(str(with_help["height"])) - int(str(measure(without, 375)["height"]))
    assert 0 < extra <= 140, extra

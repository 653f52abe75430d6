"""What a reply means for the sheet: decide (one Responses row) and overlay (read back)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from sheetsync.core import replies, responses, rules, tokens
from sheetsync.core.replies import Reply
from sheetsync.model import (
    Change,
    ChangeStatus,
    Flag,
    Milestone,
    Owner,
    Project,
    Settings,
    Status,
)

SECRET = b"s" * 32
TODAY = date(2026, 11, 27)
PROJECT = Project(
    source="p.xlsx",
    settings=Settings(name="Acme rollout", client_emails=("ann@client.example",),
                      sponsor_email="boss@client.example", pm_email="pm@agency.example"),
    milestones=(
        Milestone("M1", 2, "Kick-off", status=Status.DONE, due=date(2026, 11, 2),
                  done_on=date(2026, 11, 2)),
        Milestone("M2", 3, "Design", status=Status.DONE, due=date(2026, 11, 20),
                  done_on=date(2026, 11, 25), client_confirmed=False),
        Milestone("C1", 4, "Send logos", owner=Owner.CLIENT, due=date(2026, 11, 20)),
        Milestone("M4", 5, "Build", due=date(2026, 12, 20)),
    ),
    changes=(Change("CR1", 2, milestone="M4"),),
)
CTX = responses.Context(SECRET, TODAY, "2026-11-27 10:00",
                        others=(("Other", ("M1", "M2")),))


def reply(item="M1", action="confirm", *, sender="ann@client.example", body="",
          project="Acme rollout", day=TODAY, token=None, **kw) -> Reply:
    tag = token or tokens.sign(SECRET, project, item, action, day).tag
    subject = kw.pop("subject", f"Re: {action.title()} {item} · Acme rollout {tag}")
    return Reply(message_id=kw.pop("message_id", "<r1@client.example>"), sender=sender,
                 sender_name="Ann Lee", subject=subject, text=body, **kw)


def decide(r: Reply) -> responses.Response:
    return responses.decide(r, replies.parse(r), PROJECT, CTX)


def test_a_confirmation_is_applied_and_clears_the_flag():
    row = decide(reply())
    assert row.result == "applied" and row.item == "M1" and row.action == "confirm"
    before = rules.assess(PROJECT, TODAY)[0].flags
    after = responses.overlay(PROJECT, (row,))
    assert before == (Flag.UNCONFIRMED,) and rules.assess(after, TODAY)[0].flags == ()
    m = after.milestones[0]
    assert (m.client_confirmed, m.confirmed_on, m.confirmed_by) == (
        True, TODAY, "Ann Lee")


def test_changes_give_changes_requested_with_the_clients_words():
    body = ("What is missing (write below this line):\nThe logo is blurred on page 2.\n\n"
            "-- \nAnn\n\nOn Fri, Nov 27, 2026 at 9:00 PM PM wrote:\n> old text")
    row = decide(reply("M2", "changes", body=body,
                       subject=f"Re: Changes needed M2 · Acme rollout "
                       f"{tokens.sign(SECRET, 'Acme rollout', 'M2', 'changes', TODAY).tag}"))
    assert row.result == "applied"
    row = responses.decide(reply("M2", "changes", body=body),
                           replies.parse(reply("M2", "changes", body=body),
                                         ["What is missing (write below this line):"]),
                           PROJECT, CTX)
    assert row.value == "The logo is blurred on page 2."
    after = responses.overlay(PROJECT, (row,))
    a = rules.assess(after, TODAY)[1]
    assert a.flags == (Flag.CHANGES_REQUESTED,)
    assert after.milestones[1].changes_note == "The logo is blurred on page 2."


def test_approve_decline_done_and_date():
    rows = (decide(reply("CR1", "approve", message_id="<a>")),
            decide(reply("C1", "date", body="We can do 15 Dec 2026.", message_id="<b>")))
    assert [r.result for r in rows] == ["applied", "applied"]
    assert rows[1].value == "2026-12-15"
    after = responses.overlay(PROJECT, rows)
    c = after.changes[0]
    assert (c.status, c.client_approved, c.decided_on) == (ChangeStatus.APPROVED, True, TODAY)
    c1 = after.milestones[2]
    assert c1.promised == date(2026, 12, 15)
    assert Flag.CLIENT_OVERDUE not in rules.assess(after, TODAY)[2].flags
    assert Flag.CLIENT_OVERDUE in rules.assess(after, date(2026, 12, 16))[2].flags
    done = decide(reply("C1", "done", message_id="<c>"))
    after = responses.overlay(PROJECT, (done,))
    assert after.milestones[2].status is Status.DONE and after.milestones[2].done_on == TODAY
    assert rules.assess(after, TODAY)[2].flags == ()


def test_a_staff_typed_value_always_wins():
    typed = replace(PROJECT, milestones=(
        replace(PROJECT.milestones[0], changes_note=""),
        replace(PROJECT.milestones[1], client_confirmed=True),
        replace(PROJECT.milestones[2], due=date(2027, 1, 10)),
        PROJECT.milestones[3]),
        changes=(replace(PROJECT.changes[0], client_approved=False,
                         status=ChangeStatus.REJECTED),))
    rows = (
        responses.Response("2026-11-27 10:00", "ann@client.example", "M1", "confirm", "",
                           "<1>", "applied"),
        responses.Response("2026-11-27 10:00", "ann@client.example", "M2", "changes", "x",
                           "<2>", "applied"),
        responses.Response("2026-11-27 10:00", "ann@client.example", "C1", "date",
                           "2026-12-15", "<3>", "applied"),
        responses.Response("2026-11-27 10:00", "ann@client.example", "CR1", "approve", "Yes",
                           "<4>", "applied"),
    )
    assert responses.overlay(typed, rows) == typed


def test_ignored_rows_change_nothing():
    row = responses.Response("2026-11-27 10:00", "x@evil.example", "M1", "confirm", "",
                             "<1>", "ignored: x is not a client address")
    assert responses.overlay(PROJECT, (row,)) is PROJECT


@pytest.mark.parametrize(("r", "why"), [
    (reply(token="[ss:" + "a" * 21 + "]"), "not valid"),
    (reply(project="Other"), "another project (Other)"),
    (reply(item="M2", subject=f"Re: Confirm M1 · Acme rollout "
           f"{tokens.sign(SECRET, 'Acme rollout', 'M2', 'confirm', TODAY).tag}"),
     "another item (M2)"),
    (reply(day=date(2026, 9, 1)), "expired"),
    (reply(sender="eve@elsewhere.example"), "not a client address"),
    (reply(sender="", problem="several_senders"), "more than one sender"),
    (reply(dkim="fail body hash did not verify"), "DKIM signature failed"),
    (reply(subject="Re: Confirm M1 · Acme rollout\r\nBcc: eve@evil.example "
           f"{tokens.sign(SECRET, 'Acme rollout', 'M1', 'confirm', TODAY).tag}"),
     "line breaks"),
    (reply(problem="too_large", size=5_300_000), "too large"),
    (reply("M2", "changes", problem="charset x-unknown"), "charset x-unknown"),
    (reply("C1", "date", body="<p>soon</p>"), "no date"),
    (reply("C1", "date", body="2026-11-01"), "already passed"),
    (reply("M4", "confirm"), "not a delivered milestone"),
    (reply("M9", "confirm"), "M9 is no longer in the sheet"),
])
def test_attacks_and_mistakes_end_in_an_ignored_row(r, why):
    row = decide(r)
    assert row.result.startswith("ignored: ") and why in row.result, row.result
    assert responses.overlay(PROJECT, (row,)) is PROJECT


def test_cells_are_one_clean_line():
    row = decide(reply("M2", "changes", body="line one\r\n\tline two\x00 =1+1"))
    assert row.value == "line one line two =1+1"


def test_the_project_is_found_by_the_subject():
    other = replace(PROJECT, settings=replace(PROJECT.settings, name="Acme"))
    parsed = replies.parse(reply())
    assert responses.find_project(parsed, (other, PROJECT)) is PROJECT
    junk = replies.parse(reply(subject="Confirm M1 · Acme rollout\nBcc: x [ss:aaaa]"))
    assert responses.find_project(junk, (other, PROJECT)) is PROJECT
    assert responses.find_project(replies.parse(reply(subject="hello")), (PROJECT,)) is None


def test_rows_read_back_in_either_language_and_any_column_order():
    rows = (("结果", "时间", "发件人", "事项", "操作", "内容", "邮件编号"),
            ("applied", "2026-11-27 10:00", "ann@client.example", "M1", "confirm", "", "<1>"))
    (r,) = responses.read_rows(rows)
    assert r.applied and r.item == "M1" and r.day == TODAY and r.message_id == "<1>"
    assert responses.seen_ids((r,)) == {"<1>"}


def test_the_report_says_promised_by_and_who_confirmed_and_lists_changes():
    from sheetsync.core.report import build_report
    from sheetsync.render.emails import render_report

    rows = (decide(reply("C1", "date", body="2026-12-01", message_id="<p>")),
            decide(reply("M1", "confirm", message_id="<c>")),
            decide(reply("M2", "changes", body="Logo blurred", message_id="<x>")))
    after = responses.overlay(PROJECT, rows)
    text = render_report(build_report(after, rules.assess(after, TODAY), TODAY),
                         after.settings).text
    assert "promised by Tue 1 Dec" in text
    assert "confirmed by Ann Lee on Fri 27 Nov" in text
    assert "Logo blurred" in text.split("Problems")[1].split("Next steps")[0]
    assert "M2" not in text.split("Waiting on you")[1].split("Timeline")[0]


def test_staff_typing_changes_needed_gives_changes_requested():
    from sheetsync.core import cells, writeplan

    assert cells.parse_confirmed("Changes needed") == "changes"
    assert cells.parse_confirmed("需要修改") == "changes"
    assert cells.parse_confirmed("No") is False and cells.parse_confirmed(True) is True
    typed = replace(PROJECT.milestones[0], changes_note="")
    project = replace(PROJECT, milestones=(typed, *PROJECT.milestones[1:]))
    a = rules.assess(project, TODAY)[0]
    assert a.flags == (Flag.CHANGES_REQUESTED,)
    assert writeplan.flag_detail(a, "en", 5) == "Changes requested by the client"
    replied = replace(typed, changes_note="Logo blurred")
    b = rules.assess(replace(project, milestones=(replied, *project.milestones[1:])), TODAY)[0]
    assert writeplan.flag_detail(b, "zh", 5) == "客户要求修改：“Logo blurred”"

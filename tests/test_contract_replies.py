"""Acceptance cases of CONTRACT section 6 (clients answer from the email) that the flow
tests of ``test_inbox_flow`` do not already hold: each drives the installed command as a
process, a real .xlsx file and the pymap IMAP server, and reads the outbox back.
"""

from __future__ import annotations

import email
import json
from email import policy
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest

from tests.fixtures_imap import ImapServer, client_reply, parse_mailto
from tests.test_inbox_flow import (
    CLIENT,
    emails,
    example_with_mailbox,
    html_of,
    link,
    sheetsync,
    text_of,
)

NOW = "2026-11-28T10:00+00:00"


@pytest.fixture
def setup(tmp_path: Path, imap_server: ImapServer) -> tuple[Path, dict[str, str]]:
    return example_with_mailbox(tmp_path, imap_server)


def set_field(book: Path, field: str, value: str) -> None:
    wb = openpyxl.load_workbook(book)
    for row in wb["Project"].iter_rows():
        if row[0].value == field:
            row[1].value = value
    wb.save(book)


def report_text(env: dict[str, str], book: Path, as_of: str = "2026-11-27") -> str:
    code, _, err = sheetsync(env, "report", str(book), "--as-of", as_of)
    assert code == 0, err
    return text_of(report_of(env, as_of))


def report_of(env: dict[str, str], as_of: str) -> EmailMessage:
    """The report for ``as_of``, by its Message-ID (two emails written in one second sort
    by a hash in the outbox, not by time)."""
    [found] = [m for m in emails(Path(env["SHEETSYNC_OUTBOX"]))
               if m["X-Sheetsync-Job"] == "report" and f".report.{as_of}." in m["Message-ID"]]
    return found


def inbox(env: dict[str, str], book: Path, now: str = NOW) -> list[dict[str, str]]:
    code, out, err = sheetsync(env, "inbox", str(book), "--now", now, "--json")
    assert code == 0, err
    [project] = json.loads(out)["projects"]
    return list(project["responses"])


def milestone(env: dict[str, str], book: Path, item: str, as_of: str) -> dict[str, object]:
    code, out, err = sheetsync(env, "check", str(book), "--as-of", as_of, "--json",
                               "--dry-run")
    assert code == 0, err
    found: dict[str, object] = next(m for m in json.loads(out)["projects"][0]["milestones"]
                                    if m["id"] == item)
    return found


def test_the_reports_approve_and_decline_name_the_change_request(setup, imap_server):
    """The example's CR-2 affects M13: the report's buttons must stand for CR-2 itself, so
    that pressing Approve settles the change request (not "item M13 is gone")."""
    book, env = setup
    text = report_text(env, book)
    approve = link(text, "Approve", "CR-2")
    assert "CR-2" in parse_mailto(link(text, "Decline", "CR-2"))[1]
    imap_server.append(client_reply(approve, CLIENT, "Fine by us."))
    [row] = inbox(env, book)
    assert (row["item"], row["action"], row["result"]) == ("CR-2", "approve", "applied")
    nxt = report_text(env, book, "2026-12-04")
    assert "CR-2" not in nxt.split("Waiting on you")[1].split("Timeline")[0]


@pytest.mark.parametrize("how", ["env", "file"])
def test_a_mailbox_with_a_display_name_gives_a_plain_mailto_address(setup, imap_server,
                                                                    tmp_path, how):
    """``from = "Studio Projects <projects@...>"`` is a usual From; the button's mailto
    must still be the bare address (RFC 6068), and the reply to it is applied."""
    book, env = setup
    del env["SHEETSYNC_INBOX_ADDRESS"]
    if how == "env":
        env["SHEETSYNC_FROM"] = "Studio Projects <projects@studio.example>"
        args: tuple[str, ...] = ()
    else:
        conf = tmp_path / "sheetsync.toml"
        conf.write_text('[inbox]\naddress = "Studio Replies <replies@studio.example>"\n',
                        encoding="utf-8")
        args = ("--config", str(conf))
    code, _, err = sheetsync(env, *args, "report", str(book), "--as-of", "2026-11-27")
    assert code == 0, err
    text = text_of(emails(Path(env["SHEETSYNC_OUTBOX"]))[0])
    url = link(text, "Confirm", "M4")
    address = parse_mailto(url)[0]
    assert address == ("projects@studio.example" if how == "env" else "replies@studio.example")
    assert url.startswith(f"mailto:{address}?subject=")
    imap_server.append(client_reply(url, CLIENT, "ok"))
    code, out, err = sheetsync(env, *args, "inbox", str(book), "--now", NOW, "--json")
    assert code == 0, err
    assert [r["result"] for r in json.loads(out)["projects"][0]["responses"]] == ["applied"]


def test_a_promised_date_is_the_items_projected_due(setup, imap_server):
    """``date`` makes the promised date the item's projected due: check --json says so, and
    what waits on the item moves with it."""
    book, env = setup
    text = report_text(env, book)
    before = milestone(env, book, "M10", "2026-11-28")
    imap_server.append(client_reply(link(text, "New date", "M5"), CLIENT,
                                    "We will send it by 15 Dec 2026."))
    [row] = inbox(env, book)
    assert (row["result"], row["value"]) == ("applied", "2026-12-15")
    m5 = milestone(env, book, "M5", "2026-11-28")
    assert m5["flags"] == [] and m5["projected_due"] == "2026-12-15"
    m10 = milestone(env, book, "M10", "2026-11-28")  # due 9 Dec, waits on M5 (due 20 Nov)
    assert before["projected_due"] == "2026-12-17"
    assert m10["projected_due"] == "2027-01-03"  # M5 moves 25 days: so does M10
    # once the promise has passed, the item is late again, from its Due
    late = milestone(env, book, "M5", "2026-12-16")
    assert late["flags"] == ["CLIENT_OVERDUE"] and late["projected_due"] == "2026-12-16"


def test_a_long_project_name_cut_in_the_subject_still_reaches_its_project(setup, imap_server):
    book, env = setup
    name = ("Acme Corporation - global website rollout, phase two: e-commerce, CMS and "
            "analytics migration")
    set_field(book, "Project", name)
    text = report_text(env, book)
    url = link(text, "Confirm", "M4")
    assert name not in parse_mailto(url)[1]  # cut to keep the subject short
    imap_server.append(client_reply(url, CLIENT, "ok"))
    [row] = inbox(env, book)
    assert (row["item"], row["result"]) == ("M4", "applied")



def test_a_done_or_changes_reply_is_not_asked_for_confirmation_again(setup, imap_server):
    """After ``done`` on the client's own item and ``changes`` on a delivery, the report's
    Completed section says neither is "awaiting your confirmation": the client's item never
    needed it, and a delivery with changes requested is never asked again (CONTRACT §6)."""
    book, env = setup
    text = report_text(env, book)
    imap_server.append(client_reply(link(text, "Done", "M5"), CLIENT, "Sent today."),
                       client_reply(link(text, "Changes needed", "M8"), CLIENT,
                                    "The banner text is wrong."))
    assert [r["result"] for r in inbox(env, book)] == ["applied", "applied"]
    code, _, err = sheetsync(env, "report", str(book), "--as-of", "2026-11-28", "--force")
    assert code == 0, err
    report = report_of(env, "2026-11-28")
    completed = text_of(report).split("Completed this week")[1].split("Problems and risks")[0]
    assert "M5 Homepage and product copy: delivered Sat 28 Nov" in completed
    assert "M8 Analytics and cookie consent: delivered Wed 25 Nov" in completed
    assert "awaiting your" not in completed
    html = html_of(report)
    assert "awaiting your confirmation" not in html
    assert "changes requested" in text_of(report)


def test_a_paused_project_records_replies_and_sends_no_acknowledgement(setup, imap_server):
    """``Reports paused`` = Yes stops every client email of the project (CONTRACT §1): a
    reply to an earlier email is still recorded and applied, and nothing goes back."""
    book, env = setup
    text = report_text(env, book)
    set_field(book, "Reports paused", "Yes")
    imap_server.append(client_reply(link(text, "Confirm", "M4"), CLIENT, "ok"))
    assert [r["result"] for r in inbox(env, book)] == ["applied"]
    assert imap_server.unseen() == []
    assert milestone(env, book, "M4", "2026-11-28")["flags"] == []
    assert [m for m in emails(Path(env["SHEETSYNC_OUTBOX"]))
            if m["X-Sheetsync-Job"] == "ack"] == []


@pytest.mark.parametrize("edit", [
    lambda s: s.replace("·", "?"),  # a mail program that cannot write the middle dot
    lambda s: s.replace(" · Acme website rollout", ""),  # the client shortened the subject
])
def test_a_subject_that_lost_its_item_or_project_still_gets_its_row(setup, imap_server, edit):
    """Every message carrying a token gets one row in Responses (CONTRACT §6): where the
    subject no longer says the item and project in clear, the token says them."""
    book, env = setup
    text = report_text(env, book)
    url = link(text, "Confirm", "M4")
    msg = email.message_from_bytes(client_reply(url, CLIENT, "ok"), policy=policy.SMTP)
    subject = str(msg["Subject"])
    del msg["Subject"]
    msg["Subject"] = edit(subject)
    assert str(msg["Subject"]) != subject and "[ss:" in str(msg["Subject"])
    imap_server.append(msg.as_bytes())
    [row] = inbox(env, book)
    assert (row["item"], row["action"], row["result"]) == ("M4", "confirm", "applied")
    assert imap_server.unseen() == []


def test_any_secret_signs_the_buttons(setup, imap_server):
    """SHEETSYNC_SECRET is the key that signs action tokens (CONTRACT §5): a short one still
    signs them (doctor asks for a longer one), rather than stopping every report."""
    book, env = setup
    env["SHEETSYNC_SECRET"] = "s3cret"
    text = report_text(env, book)
    imap_server.append(client_reply(link(text, "Confirm", "M4"), CLIENT, "ok"))
    assert [r["result"] for r in inbox(env, book)] == ["applied"]
    assert not (Path(env["SHEETSYNC_STATE_DIR"]) / "reply-key").exists()

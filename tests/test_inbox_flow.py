"""Clients answer from the email, end to end, with no hand edits in between (issue 13):

report with buttons -> the client's reply APPENDed to a real IMAP server (pymap) ->
``sheetsync inbox`` records and applies it -> ``check --json`` shows the flag cleared ->
the next report says who confirmed -> one acknowledgement, however often inbox runs.
The commands run as processes; emails go to the outbox folder and are read back.
"""

from __future__ import annotations

import email
import json
import re
import shutil
import subprocess
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheetsync.core import tokens
from sheetsync.render import actions
from tests.fixtures_env import SHEETSYNC, child_environ
from tests.fixtures_imap import ImapServer, client_reply

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "acme-rollout.xlsx"
SECRET = "test-secret-0123456789abcdef"
CLIENT = "maria.chen@acme.example"
INBOX = "replies@studio.example"


def sheetsync(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    done = subprocess.run([*SHEETSYNC, *args], env=env, capture_output=True, text=True,
                          timeout=120)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def setup(tmp_path: Path, imap_server: ImapServer) -> tuple[Path, dict[str, str]]:
    return example_with_mailbox(tmp_path, imap_server)


def example_with_mailbox(tmp_path: Path, imap_server: ImapServer) -> tuple[Path, dict[str, str]]:
    """The example project as an .xlsx file, the outbox, a state dir and the mailbox."""
    book = tmp_path / "acme.xlsx"
    shutil.copy(EXAMPLE, book)
    env = child_environ(SHEETSYNC_STATE_DIR=str(tmp_path / "state"),
                        SHEETSYNC_OUTBOX=str(tmp_path / "outbox"),
                        SHEETSYNC_FROM="projects@studio.example",
                        SHEETSYNC_INBOX_ADDRESS=INBOX, SHEETSYNC_SECRET=SECRET,
                        **imap_server.env())
    return book, env


def emails(folder: Path) -> list[EmailMessage]:
    out = []
    for path in sorted(folder.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(msg, EmailMessage)
        out.append(msg)
    return out


def text_of(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def link(text: str, label: str, item: str) -> str:
    found = [u for lab, u in re.findall(r"\[([^\]]+)\] (mailto:\S+)", text)
             if lab == label and f"%20{item}%20" in u]
    assert len(found) == 1, (label, item, text[:3000])
    return found[0]


def responses_tab(book: Path) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(book)
    name = next(n for n in wb.sheetnames if n in ("Responses", "回复"))
    return [tuple(c.value for c in row) for row in wb[name].iter_rows()]


@pytest.mark.parametrize(("lang", "label"), [("en", "Confirm"), ("zh", "确认")])
def test_report_reply_inbox_check_report_ack(setup, imap_server, lang, label):
    book, env = setup
    if lang == "zh":
        wb = openpyxl.load_workbook(book)
        ws = wb["Project"]
        for row in ws.iter_rows():
            if row[0].value == "Language":
                row[1].value = "中文"
        wb.save(book)
    outbox = Path(env["SHEETSYNC_OUTBOX"])
    code, out, err = sheetsync(env, "report", str(book), "--as-of", "2026-11-27")
    assert code == 0, err
    [report] = emails(outbox)
    text, html = text_of(report), html_of(report)
    hint = "you only need to press Send" if lang == "en" else "您只需点击“发送”"
    assert hint in text and hint in html
    url = link(text, label, "M4")
    assert len(url) < actions.MAX_LINK and url.replace("&", "&amp;") in html
    assert 'height="44"' in html

    imap_server.append(client_reply(url, CLIENT, "Looks great, thanks!",
                                    history=text[:2000], prefix="Re: " if lang == "en"
                                    else "回复: "))
    code, out, err = sheetsync(env, "inbox", str(book), "--now", "2026-11-28T10:00+00:00",
                               "--json")
    assert code == 0, err
    [project] = json.loads(out)["projects"]
    [row] = project["responses"]
    assert (row["from"], row["item"], row["action"], row["result"]) == (
        f"Ann Lee <{CLIENT}>", "M4", "confirm", "applied")
    assert imap_server.unseen() == [] and imap_server.count() == 1

    code, out, err = sheetsync(env, "check", str(book), "--as-of", "2026-11-28", "--json")
    m4 = next(m for m in json.loads(out)["projects"][0]["milestones"] if m["id"] == "M4")
    assert m4["flags"] == []

    acks = [m for m in emails(outbox) if m["X-Sheetsync-Job"] == "ack"]
    assert len(acks) == 1 and acks[0]["To"] == CLIENT and "M4" in str(acks[0]["Subject"])

    # the same message again (a second copy delivered): no row, no ack
    imap_server.append(client_reply(url, CLIENT, "Looks great, thanks!",
                                    message_id=str(row["message_id"])))
    code, out, err = sheetsync(env, "inbox", str(book), "--now", "2026-11-28T11:00+00:00",
                               "--json")
    assert code == 0, err
    assert json.loads(out)["projects"][0]["responses"] == []
    assert len(responses_tab(book)) == 2  # the header and one row
    assert len([m for m in emails(outbox) if m["X-Sheetsync-Job"] == "ack"]) == 1

    code, out, err = sheetsync(env, "report", str(book), "--as-of", "2026-12-04")
    assert code == 0, err
    nxt = [m for m in emails(outbox) if m["X-Sheetsync-Job"] == "report"][-1]
    said = "confirmed by Ann Lee on" if lang == "en" else "已由 Ann Lee 于"
    assert said in text_of(nxt)


def attack(url: str, **kw: Any) -> bytes:
    return client_reply(url, kw.pop("sender", CLIENT), kw.pop("words", "ok"), **kw)


def test_attacks_end_in_ignored_rows_and_change_nothing_else(setup, imap_server):
    book, env = setup
    code, _, err = sheetsync(env, "report", str(book), "--as-of", "2026-11-27")
    assert code == 0, err
    [report] = emails(Path(env["SHEETSYNC_OUTBOX"]))
    text = text_of(report)
    confirm = link(text, "Confirm", "M4")
    before = sheetsync(env, "check", str(book), "--as-of", "2026-11-28", "--json")[1]
    tag = re.search(r"ss%3A([a-z2-7]{21})", confirm)
    assert tag
    forged = confirm.replace(tag.group(1), tag.group(1)[:-1] + ("a" if tag.group(1)[-1] != "a"
                                                                 else "b"))
    other_item = confirm.replace("%20M4%20", "%20M8%20")
    old = tokens.sign(SECRET.encode(), "Acme website rollout", "M4", "confirm",
                      tokens.EPOCH.replace(year=2026, month=9, day=1))
    expired = confirm.replace(tag.group(1), old.text)
    messages = [
        attack(forged), attack(other_item), attack(expired),
        attack(confirm, sender="eve@elsewhere.example"),
        attack(confirm, sender="pm.friend@other.example", prefix="Fwd: "),
        attack(confirm, words="x", history="> old\n" * 900_000),
        attack(confirm).replace(b'charset="utf-8"', b'charset="x-unknown"'),
    ]
    imap_server.append(*messages)
    code, out, err = sheetsync(env, "inbox", str(book), "--now", "2026-11-28T10:00+00:00",
                               "--json")
    assert code == 0, err
    results = [r["result"] for r in json.loads(out)["projects"][0]["responses"]]
    assert len(results) == len(messages) and all(r.startswith("ignored: ") for r in results)
    after = sheetsync(env, "check", str(book), "--as-of", "2026-11-28", "--json")[1]
    assert json.loads(after)["projects"][0]["milestones"] == json.loads(before)[
        "projects"][0]["milestones"]
    assert [m for m in emails(Path(env["SHEETSYNC_OUTBOX"]))
            if m["X-Sheetsync-Job"] == "ack"] == []


def test_dkim_injection_and_html_only_in_process(setup, imap_server, monkeypatch):
    """The attacks that need a DNS answer (DKIM, signed with a test key) or hand-built
    bytes, through the same flow in this process."""
    from sheetsync.cli import inbox_cmd
    from sheetsync.host import config
    from sheetsync.shell import wiring
    from tests.fixtures_imap import dkim_signer

    book, env = setup
    for key, value in env.items():
        if key.startswith("SHEETSYNC_"):
            monkeypatch.setenv(key, value)
    code, _, err = sheetsync(env, "report", str(book), "--as-of", "2026-11-27")
    assert code == 0, err
    text = text_of(emails(Path(env["SHEETSYNC_OUTBOX"]))[0])
    confirm = link(text, "Confirm", "M4")
    new_date = link(text, "New date", "M5")
    signer = dkim_signer("acme.example")
    good = signer.sign(attack(confirm, message_id="<signed@acme.example>"))
    head, _, body = good.partition(b"\r\n\r\n")
    tampered = head + b"\r\n\r\n" + body.replace(b"ok", b"OK, and more", 1)
    assert tampered != good
    subject = re.search(r"subject=([^&]+)", confirm)
    assert subject
    from urllib.parse import unquote
    injected = ("From: Ann Lee <maria.chen@acme.example>\r\nTo: " + INBOX + "\r\n"
                "Message-ID: <inject@acme.example>\r\nSubject: =?utf-8?q?"
                + unquote(subject.group(1)).replace(" [ss:", "=0D=0ABcc:_eve@evil.example [ss:")
                .replace(" ", "_").replace("·", "=C2=B7") + "?=\r\n\r\nok\r\n").encode()
    html_only = client_reply(new_date, CLIENT, "", html_only=True,
                             message_id="<html@acme.example>").replace(
        b"</body>", b"<script>var d='2027-01-15'</script><style>p{}</style></body>")
    imap_server.append(tampered, injected, html_only)
    cfg = config.load(None)
    ctx = wiring.context_for(cfg, __import__("datetime").datetime.fromisoformat(
        "2026-11-28T10:00+00:00"))
    with ctx.transport:
        result = inbox_cmd.run_inbox(cfg, ctx, [str(book)], dns=signer.dns())
    rows = {r.message_id: r for r in result.projects[0].responses}
    assert set(rows) == {"<signed@acme.example>", "<inject@acme.example>",
                         "<html@acme.example>"}
    assert rows["<signed@acme.example>"].result.startswith("ignored: the DKIM signature failed")
    assert rows["<inject@acme.example>"].result.startswith("ignored: the subject holds")
    assert rows["<html@acme.example>"].result == "ignored: no date found in the reply"
    assert [m for m in emails(Path(env["SHEETSYNC_OUTBOX"]))
            if m["X-Sheetsync-Job"] == "ack"] == []
    # a good signature is applied, and its result recorded (the tampered copy's Message-ID
    # is taken: it is never applied again, so this is another message)
    imap_server.append(good)
    imap_server.append(signer.sign(attack(confirm, message_id="<signed2@acme.example>")))
    with ctx.transport:
        result = inbox_cmd.run_inbox(cfg, ctx, [str(book)], dns=signer.dns())
    [row] = result.projects[0].responses
    assert row.message_id == "<signed2@acme.example>"
    assert row.result == "applied" and row.dkim == "pass acme.example"


def test_run_reads_the_replies_first(setup, imap_server):
    book, env = setup
    code, _, err = sheetsync(env, "report", str(book), "--as-of", "2026-11-27")
    assert code == 0, err
    url = link(text_of(emails(Path(env["SHEETSYNC_OUTBOX"]))[0]), "Confirm", "M4")
    imap_server.append(client_reply(url, CLIENT, "yes"))
    code, out, err = sheetsync(env, "run", str(book), "--now", "2026-11-28T10:00+00:00",
                               "--json")
    assert code == 0, err
    [project] = json.loads(out)["projects"]
    first = project["actions"][0]
    assert first["job"] == "inbox" and "1 applied" in first["detail"], project
    assert imap_server.unseen() == []
    code, out, _ = sheetsync(env, "check", str(book), "--as-of", "2026-11-28", "--json",
                             "--dry-run")
    m4 = next(m for m in json.loads(out)["projects"][0]["milestones"] if m["id"] == "M4")
    assert m4["flags"] == []


def test_runs_inbox_step_reads_no_sheet_while_no_reply_waits(setup, imap_server, monkeypatch):
    """``run`` reads the mailbox on every run; with nothing tokened in it no sheet is opened
    (so an idle run stays free of Sheets requests), while ``inbox`` itself lists them all."""
    from dataclasses import replace
    from datetime import datetime
    from typing import cast

    from sheetsync.cli import inbox_cmd
    from sheetsync.host import config
    from sheetsync.shell import wiring

    book, env = setup
    for key, value in env.items():
        if key.startswith("SHEETSYNC_"):
            monkeypatch.setenv(key, value)
    cfg = config.load(None)
    ctx = wiring.context_for(cfg, datetime.fromisoformat("2026-11-28T10:00+00:00"))
    opened: list[str] = []
    real = ctx.open_source

    def counting(source: str) -> Any:
        opened.append(source)
        return cast(Any, real)(source)

    ctx = replace(ctx, open_source=counting)
    with ctx.transport:
        assert inbox_cmd.inbox_step(cfg, ctx, [str(book)]) == ({}, "")
        assert opened == []
        listed = inbox_cmd.run_inbox(cfg, ctx, [str(book)])
    assert opened == [str(book)] and [p.source for p in listed.projects] == [str(book)]

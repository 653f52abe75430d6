"""The IMAP edge against a real server (pymap on loopback), and reading a message's bytes."""

from __future__ import annotations

import pytest

from sheetsync.core import tokens
from sheetsync.errors import InboxError
from sheetsync.mail import inbound
from sheetsync.mail.imap import ImapInbox
from sheetsync.mailboxes import ImapSettings
from tests.fixtures_imap import client_reply, dkim_signer

TAG = tokens.sign(b"x", "Acme", "M1", "confirm", tokens.EPOCH).tag
MAILTO = f"mailto:replies@agency.example?subject=Confirm%20M1%20%C2%B7%20Acme%20{TAG}&body=OK"


def settings(server) -> ImapSettings:
    return ImapSettings(server.host, server.port, "none", server.user, server.password,
                        server.folder)


def test_unseen_reads_tokened_messages_in_full_and_marks_only_what_it_is_told(imap_server):
    plain = client_reply("mailto:x@agency.example?subject=Hello", "ann@client.example")
    big = client_reply(MAILTO, "ann@client.example", history="x" * 80 + "\n" * 1,
                       message_id="<big@c>")
    imap_server.append(client_reply(MAILTO, "ann@client.example", "fine"), plain, big)
    with ImapInbox(settings(imap_server), max_bytes=len(big) - 1) as box:
        found = box.unseen()
        assert [f.tokened for f in found] == [True, False, True]
        assert found[0].raw.startswith(b"From: Ann Lee") or b"Subject: Re: Confirm" in found[0].raw
        assert found[1].raw == b"" and found[2].raw == b""  # not tokened / too large
        assert found[2].size >= len(big)
        box.mark_seen([found[0].uid])
        trips = box.round_trips
    assert trips <= 6  # LOGIN, SELECT, SEARCH, FETCH headers, FETCH bodies, STORE
    assert len(imap_server.unseen()) == 2 and imap_server.count() == 3  # nothing deleted


def test_a_wrong_password_is_a_sentence(imap_server):
    bad = ImapSettings(imap_server.host, imap_server.port, "none", imap_server.user, "nope")
    with pytest.raises(InboxError, match="refused the login"):
        ImapInbox(bad).__enter__()


def test_no_server_is_a_sentence():
    with pytest.raises(InboxError, match="cannot be reached"):
        ImapInbox(ImapSettings("127.0.0.1", 9, "none", "u", "p", timeout=2)).__enter__()


def test_a_reply_decodes_sender_subject_and_words():
    raw = client_reply(MAILTO, "Ann@Client.example", "looks good", history="old")
    r = inbound.to_reply(raw)
    assert (r.sender, r.sender_name, r.dkim, r.problem) == ("ann@client.example", "Ann Lee",
                                                          "none", "")
    assert r.subject.startswith("Re: Confirm M1 · Acme [ss:") and "looks good" in r.text


def test_dkim_pass_and_fail():
    signer = dkim_signer()
    raw = signer.sign(client_reply(MAILTO, "ann@client.example", "yes"))
    assert inbound.to_reply(raw, signer.dns()).dkim == "pass client.example"
    tampered = raw.replace(b"yes", b"no!")
    assert inbound.to_reply(tampered, signer.dns()).dkim.startswith("fail")
    other = dkim_signer()
    assert inbound.to_reply(raw, other.dns()).dkim.startswith("fail")


def test_html_only_charsets_and_size():
    html = inbound.to_reply(client_reply(MAILTO, "a@c.example", "new text", html_only=True))
    assert "new text" in html.text and "<div>" not in html.text
    gb = inbound.to_reply(client_reply(MAILTO, "a@c.example", "需要修改标志", charset="gb18030"))
    assert "需要修改标志" in gb.text and gb.problem == ""
    lying = client_reply(MAILTO, "a@c.example", "x").replace(b'charset="utf-8"',
                                                             b'charset="x-unknown"')
    assert inbound.to_reply(lying).problem == "charset x-unknown"
    huge = client_reply(MAILTO, "a@c.example", "ok", history="> old\n" * 900_000)
    r = inbound.to_reply(huge)
    assert r.problem == "too_large" and r.subject.startswith("Re: Confirm") and r.size > 5e6


def test_two_senders_and_no_message_id():
    raw = client_reply(MAILTO, "a@c.example").replace(
        b"From: Ann Lee <a@c.example>", b"From: a@c.example, b@d.example")
    r = inbound.to_reply(raw)
    assert r.problem == "several_senders" and r.sender == ""
    bare = b"From: a@c.example\r\nSubject: x\r\n\r\nhi\r\n"
    assert inbound.to_reply(bare).message_id.endswith("@no-message-id.invalid>")

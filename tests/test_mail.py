"""The mail edge against a real loopback SMTP server (aiosmtpd): nothing of smtplib is mocked."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import yagmail.oauth2

from sheetsync.errors import ConfigError, PermanentDeliveryError
from sheetsync.mail.mime import build_mime, mime_bytes
from sheetsync.mail.transport import (
    MAX_BACKOFF,
    OutboxTransport,
    SmtpSettings,
    SmtpTransport,
    backoff_delays,
    open_transport,
    probe,
)
from sheetsync.model import Message
from tests.fixtures_smtp import (
    LoopbackSmtpServer,
    self_signed_certificate,
    server_tls_context,
    start_smtp_server,
)

WHEN = dt.datetime(2025, 3, 7, 16, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def message(n: int = 1, **changes: Any) -> Message:
    base = Message(
        project="Acme Website",
        sender="pm@agency.example",
        to=("client@acme.example", "boss@acme.example"),
        cc=("pm@agency.example",),
        reply_to="pm@agency.example",
        subject=f"Acme Website: weekly report {n}",
        text=f"Summary\n\nOn track. <not a tag> & co, report {n}.\n",
        html=f"<html><body><h1>Summary</h1><p>On track, report {n}.</p></body></html>",
        message_id=f"<report-{n}.acme@sheetsync.example>",
        headers=(("X-Sheetsync-Job", "weekly_report"),),
    )
    return replace(base, **changes)


def settings_for(server: LoopbackSmtpServer, **changes: Any) -> SmtpSettings:
    return SmtpSettings(host=server.host, port=server.port, security="none", **changes)


class Sleeps(list[float]):
    """An injected sleep that records its waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def transport(server: LoopbackSmtpServer, **kwargs: Any) -> tuple[SmtpTransport, Sleeps]:
    sleeps = Sleeps()
    return SmtpTransport(settings_for(server), sleep=sleeps, clock=lambda: WHEN, **kwargs), sleeps


def parts(mime: EmailMessage) -> dict[str, str]:
    """The leaf parts by type, line ends as a mailbox stores them (the wire has CRLF)."""
    return {
        p.get_content_type(): p.get_content().replace("\r\n", "\n")
        for p in mime.walk()
        if not p.is_multipart()
    }


# --------------------------------------------------------------------------- settings


def test_settings_default_port_follows_security() -> None:
    assert SmtpSettings(host="h", security="ssl").checked().port == 465
    assert SmtpSettings(host="h", security="STARTTLS ").checked().port == 587
    assert SmtpSettings(host="h", security="none").checked().port == 25
    assert SmtpSettings(host="h", port=2525, security="none").checked().port == 2525
    assert SmtpSettings(host="h", security="ssl").where == "h:465"


def test_settings_reject_unknown_security_with_a_sentence() -> None:
    with pytest.raises(ConfigError, match="ssl, starttls or none"):
        SmtpSettings(host="h", security="tls").checked()
    with pytest.raises(ConfigError, match="ssl, starttls or none"):
        SmtpTransport(SmtpSettings(host="h", security="tls"))  # a transport checks its settings


# --------------------------------------------------------------------------- build_mime


def test_mime_has_real_text_and_html_parts_and_the_headers() -> None:
    msg = message()
    mime = email.message_from_bytes(mime_bytes(build_mime(msg, WHEN)), policy=email.policy.default)
    assert mime.get_content_type() == "multipart/alternative"
    body = parts(mime)  # type: ignore[arg-type]
    assert body["text/plain"] == msg.text  # as is: no <br>, no markup
    assert body["text/html"].strip() == msg.html
    assert mime["From"] == "pm@agency.example"
    assert mime["To"] == "client@acme.example, boss@acme.example"
    assert mime["Cc"] == "pm@agency.example"
    assert mime["Reply-To"] == "pm@agency.example"
    assert mime["Message-ID"] == msg.message_id
    assert mime["MIME-Version"] == "1.0"
    assert mime["X-Sheetsync-Job"] == "weekly_report"
    assert mime["Date"].datetime == WHEN
    assert "Bcc" not in mime


def test_mime_leaves_out_empty_cc_and_reply_to() -> None:
    mime = build_mime(message(cc=(), reply_to=""), WHEN)
    assert "Cc" not in mime and "Reply-To" not in mime


def test_mime_is_7bit_safe_for_chinese() -> None:
    chinese = message(subject="项目周报", text="已完成：设计稿", html="<p>已完成</p>")
    raw = mime_bytes(build_mime(chinese, WHEN))
    assert raw.isascii()  # no 8BITMIME needed on the way
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")


def test_from_may_carry_one_display_name() -> None:
    mime = build_mime(message(sender="Agency 项目组 <pm@agency.example>"), WHEN)
    assert mime["From"].addresses[0].display_name == "Agency 项目组"
    with pytest.raises(PermanentDeliveryError, match="one mailbox"):
        build_mime(message(sender="A <a@agency.example>, B <b@agency.example>"), WHEN)


@pytest.mark.parametrize(
    "changes",
    [
        {"subject": "Weekly\r\nBcc: spy@evil.example"},
        {"subject": "Weekly\nX-Injected: 1"},
        {"subject": "Weekly\u2028Bcc: spy@evil.example"},
        {"to": ("client@acme.example\r\nBcc: spy@evil.example",)},
        {"to": ("client@acme.example, spy@evil.example",)},
        {"to": ("Client <client@acme.example>",)},
        {"cc": ("spy@evil.example (comment)",)},
        {"reply_to": "spy@evil.example\nBcc: x@evil.example"},
        {"headers": (("X-Note", "a\r\nBcc: spy@evil.example"),)},
        {"headers": (("Bcc", "spy@evil.example"),)},
        {"message_id": "<x@y>\r\nBcc: spy@evil.example"},
        {"message_id": "no-angle-brackets@sheetsync.example"},
        {"to": ()},
    ],
)
def test_injection_and_bad_addresses_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(PermanentDeliveryError):
        build_mime(message(**changes), WHEN)


# --------------------------------------------------------------------------- SMTP, real server


def test_sends_multipart_to_envelope_recipients(smtp_server: LoopbackSmtpServer) -> None:
    msg = message()
    tr, _ = transport(smtp_server)
    with tr:
        delivery = tr.send(msg)
    assert (delivery.result, delivery.detail, delivery.message_id) == ("sent", "", msg.message_id)
    (got,) = smtp_server.messages
    assert got.mail_from == "pm@agency.example"
    assert got.rcpt_tos == ("client@acme.example", "boss@acme.example", "pm@agency.example")
    assert got.message["To"] == "client@acme.example, boss@acme.example"
    assert got.message["Cc"] == "pm@agency.example"
    assert got.message["Reply-To"] == "pm@agency.example"
    assert "Bcc" not in got.message
    body = parts(got.message)
    assert body["text/plain"] == msg.text
    assert "<" not in body["text/plain"].replace("<not a tag>", "")
    assert body["text/html"].strip() == msg.html
    assert got.raw == mime_bytes(build_mime(msg, WHEN))  # the same bytes as the outbox


def test_chinese_subject_and_body_round_trip(smtp_server: LoopbackSmtpServer) -> None:
    msg = message(
        subject="官网项目：第 12 周周报（概况、已完成、需要您）",
        text="概况\n进度正常。\n\n需要您\n请确认设计稿。\n",
        html="<p>概况：进度正常。</p><p>需要您：请确认设计稿。</p>",
        sender="项目经理 王伟 <pm@agency.example>",
    )
    tr, _ = transport(smtp_server)
    with tr:
        assert tr.send(msg).result == "sent"
    got = smtp_server.messages[0].message
    assert got["Subject"] == msg.subject
    assert got["From"].addresses[0].display_name == "项目经理 王伟"
    body = parts(got)
    assert body["text/plain"] == msg.text
    assert body["text/html"].strip() == msg.html


def test_injection_attempt_sends_nothing(smtp_server: LoopbackSmtpServer) -> None:
    tr, _ = transport(smtp_server)
    with tr:
        bad = tr.send(message(subject="Hi\r\nBcc: spy@evil.example"))
        worse = tr.send(message(to=("client@acme.example, spy@evil.example",)))
    assert bad.result == worse.result == "failed"
    assert "line break" in bad.detail and "not a single plain email address" in worse.detail
    assert smtp_server.messages == [] and smtp_server.connections == 0


def test_many_messages_use_exactly_one_connection(smtp_server: LoopbackSmtpServer) -> None:
    tr, _ = transport(smtp_server)
    with tr:
        results = [tr.send(message(n)).result for n in range(25)]
    assert results == ["sent"] * 25
    assert len(smtp_server.messages) == 25
    assert smtp_server.connections == 1 == tr.connections_opened
    assert [m.message["Message-ID"] for m in smtp_server.messages] == [
        message(n).message_id for n in range(25)
    ]


def test_temporary_451_is_retried_after_a_bounded_wait(smtp_server: LoopbackSmtpServer) -> None:
    smtp_server.fail_data_next(1, code=451)
    tr, sleeps = transport(smtp_server, retries=3, backoff=2.0)
    with tr:
        delivery = tr.send(message())
    assert delivery.result == "sent"
    assert sleeps == [2.0]
    assert len(smtp_server.messages) == 1 and smtp_server.connections == 1


def test_421_closes_the_connection_and_the_retry_reconnects(
    smtp_server: LoopbackSmtpServer,
) -> None:
    smtp_server.fail_data_next(1, code=421)
    tr, sleeps = transport(smtp_server)
    with tr:
        assert tr.send(message(1)).result == "sent"
        assert tr.send(message(2)).result == "sent"
    assert sleeps == [1.0] and len(smtp_server.messages) == 2
    assert smtp_server.connections == 2 == tr.connections_opened


def test_persistent_451_fails_after_the_retries(smtp_server: LoopbackSmtpServer) -> None:
    smtp_server.fail_data_next(10, code=451)
    tr, sleeps = transport(smtp_server, retries=3, backoff=1.0)
    with tr:
        delivery = tr.send(message())
    assert delivery.result == "failed"
    assert "451" in delivery.detail and "4 tries" in delivery.detail
    assert sleeps == [1.0, 2.0, 4.0]
    assert smtp_server.messages == []


def test_backoff_is_exponential_and_capped() -> None:
    assert backoff_delays(3, 1.0) == (1.0, 2.0, 4.0)
    assert backoff_delays(10, 5.0)[-1] == MAX_BACKOFF
    assert max(backoff_delays(10, 5.0)) <= MAX_BACKOFF
    assert backoff_delays(0, 1.0) == ()


def test_permanent_refusal_fails_at_once_and_next_message_goes_through(
    smtp_server: LoopbackSmtpServer,
) -> None:
    smtp_server.reject_recipient("gone@acme.example", code=550)
    tr, sleeps = transport(smtp_server)
    with tr:
        refused = tr.send(message(1, to=("gone@acme.example",), cc=()))
        fine = tr.send(message(2))
    assert refused.result == "failed" and "550" in refused.detail
    assert "correct the addresses" in refused.detail
    assert fine.result == "sent"
    assert sleeps == []
    assert [m.message["Message-ID"] for m in smtp_server.messages] == [message(2).message_id]
    assert smtp_server.connections == 1


def test_554_on_data_fails_without_retry(smtp_server: LoopbackSmtpServer) -> None:
    smtp_server.fail_all_data(554)
    tr, sleeps = transport(smtp_server)
    with tr:
        delivery = tr.send(message())
    assert delivery.result == "failed" and "554" in delivery.detail and sleeps == []


def test_partial_refusal_is_sent_and_names_the_refused(smtp_server: LoopbackSmtpServer) -> None:
    smtp_server.reject_recipient("boss@acme.example")
    tr, _ = transport(smtp_server)
    with tr:
        delivery = tr.send(message())
    assert delivery.result == "sent"
    assert delivery.refused == ("boss@acme.example",)
    assert "boss@acme.example" in delivery.detail and "550" in delivery.detail
    assert smtp_server.messages[0].rcpt_tos == ("client@acme.example", "pm@agency.example")


def test_a_connection_dropped_while_idle_is_reopened_at_once(
    smtp_server: LoopbackSmtpServer,
) -> None:
    tr, sleeps = transport(smtp_server)
    with tr:
        assert tr.send(message(1)).result == "sent"
        smtp_server.drop_open_connections()
        assert tr.send(message(2)).result == "sent"
        assert tr.send(message(3)).result == "sent"
    assert len(smtp_server.messages) == 3
    assert smtp_server.connections == 2 == tr.connections_opened
    assert sleeps == []


def test_a_dropped_connect_is_retried(smtp_server: LoopbackSmtpServer) -> None:
    smtp_server.drop_next_connection()
    tr, sleeps = transport(smtp_server)
    with tr:
        assert tr.send(message()).result == "sent"
    assert sleeps == [1.0] and smtp_server.connections == 2 and tr.connections_opened == 1


def test_unreachable_server_fails_with_a_sentence_then_fails_fast() -> None:
    with start_smtp_server() as server:
        port = server.port  # a port that nothing listens on once the block ends
    sleeps = Sleeps()
    settings = SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=2)
    with SmtpTransport(settings, retries=2, sleep=sleeps) as tr:
        first = tr.send(message(1))
        second = tr.send(message(2))
    assert first.result == second.result == "failed"
    assert "could not be reached" in first.detail and "SHEETSYNC_SMTP_HOST" in first.detail
    assert second.detail == first.detail
    assert sleeps == [1.0, 2.0]  # no waiting again for the second message
    assert tr.connections_opened == 0


# --------------------------------------------------------------------------- login


def test_login_with_the_right_password() -> None:
    with start_smtp_server(users={"pm@agency.example": "s3cret"}) as server:
        settings = settings_for(server, user="pm@agency.example", password="s3cret")
        with SmtpTransport(settings) as tr:
            assert tr.send(message(1)).result == tr.send(message(2)).result == "sent"
        assert server.logins == ["pm@agency.example"]
        assert server.connections == 1


@pytest.mark.parametrize("user", ["apikey", "AKIAEXAMPLE", "postmaster@mg.example"])
def test_login_with_the_user_exactly_as_configured(user: str) -> None:
    """SendGrid's ``apikey``, an SES key: yagmail would log in as ``apikey@gmail.com``."""
    with start_smtp_server(users={user: "s3cret"}) as server:
        settings = settings_for(server, user=user, password="s3cret")
        assert probe(settings) == (True, f"logged in as {user}")
        with SmtpTransport(settings, retries=0) as tr:
            assert tr.send(message(1)).result == "sent"
        assert server.logins == [user, user]  # doctor's probe, then the send: one code path
        assert len(server.messages) == 1


def test_probe_fails_where_the_send_fails() -> None:
    with start_smtp_server(users={"apikey": "s3cret"}) as server:
        settings = settings_for(server, user="apikey", password="wrong")
        ok, sentence = probe(settings)
        assert not ok and "SHEETSYNC_SMTP_PASSWORD" in sentence
        with SmtpTransport(settings, retries=0) as tr, pytest.raises(PermanentDeliveryError):
            tr.send(message(1))
        assert server.logins == [] and server.messages == []


def test_wrong_password_raises_a_sentence_for_the_admin_once() -> None:
    with start_smtp_server(users={"pm@agency.example": "s3cret"}) as server:
        settings = settings_for(server, user="pm@agency.example", password="wrong")
        with SmtpTransport(settings, sleep=Sleeps()) as tr:
            with pytest.raises(PermanentDeliveryError) as first:
                tr.send(message(1))
            with pytest.raises(PermanentDeliveryError) as second:
                tr.send(message(2))
        assert "SHEETSYNC_SMTP_USER" in str(first.value)
        assert "SHEETSYNC_SMTP_PASSWORD" in str(first.value) and "app password" in str(first.value)
        assert second.value is first.value
        assert server.connections == 1  # no second login attempt: no account lock-out
        assert server.messages == []


def test_oauth2_file_that_yagmail_would_prompt_for_is_a_config_error(tmp_path: Path) -> None:
    installed = tmp_path / "oauth2.json"
    installed.write_text(json.dumps({"installed": {"client_id": "x", "client_secret": "y"}}))
    for path in (tmp_path / "missing.json", installed):
        settings = SmtpSettings(host="smtp.gmail.com", security="ssl", user="pm@gmail.com",
                                oauth2_file=str(path))
        with pytest.raises(ConfigError, match="google_refresh_token"):
            SmtpTransport(settings)


@pytest.fixture
def google_token_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, str]]]:
    """A loopback stand-in for accounts.google.com's token endpoint, as yagmail calls it."""
    calls: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            form = dict(p.split("=", 1) for p in self.rfile.read(length).decode().split("&"))
            calls.append(form)
            ok = form.get("refresh_token") == "good-refresh"
            body = json.dumps({"access_token": "ya29.loopback", "expires_in": 3600}
                              if ok else {"error": "invalid_grant"}).encode()
            self.send_response(200 if ok else 400)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setattr(yagmail.oauth2, "GOOGLE_ACCOUNTS_BASE_URL",
                        f"http://127.0.0.1:{httpd.server_port}")
    yield calls
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("refresh, sent", [("good-refresh", True), ("revoked", False)])
def test_gmail_xoauth2_login_checks_the_answer(
    tmp_path: Path, google_token_endpoint: list[dict[str, str]], refresh: str, sent: bool
) -> None:
    oauth2 = tmp_path / "oauth2.json"
    oauth2.write_text(json.dumps({"google_client_id": "cid", "google_client_secret": "csecret",
                                  "google_refresh_token": refresh}))
    with start_smtp_server(users={"pm@gmail.com": "ya29.loopback"}) as server:
        settings = settings_for(server, user="pm@gmail.com", oauth2_file=str(oauth2))
        with SmtpTransport(settings, sleep=Sleeps()) as tr:
            if sent:
                assert tr.send(message()).result == "sent"
                assert server.logins == ["xoauth2:pm@gmail.com"]
            else:
                with pytest.raises(PermanentDeliveryError, match="OAuth2 file"):
                    tr.send(message())
                assert server.messages == []
    assert google_token_endpoint[0]["refresh_token"] == refresh


# --------------------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert, key)."""
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return server_tls_context(*certificate)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_login_when_the_certificate_is_trusted(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, security: str
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    with start_smtp_server(users={"pm@agency.example": "s3cret"}, tls=security,
                           tls_context=server_context(certificate)) as server:
        settings = SmtpSettings(host=server.host, port=server.port, security=security,
                                user="pm@agency.example", password="s3cret")
        with SmtpTransport(settings) as tr:
            assert tr.send(message(1)).result == tr.send(message(2)).result == "sent"
        assert server.logins == ["pm@agency.example"] and server.connections == 1


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_untrusted_certificate_is_refused(
    certificate: tuple[Path, Path], security: str
) -> None:
    # yagmail alone would go on: smtplib's default TLS context does not verify anything.
    with start_smtp_server(users={"pm@agency.example": "s3cret"}, tls=security,
                           tls_context=server_context(certificate)) as server:
        settings = SmtpSettings(host=server.host, port=server.port, security=security,
                                user="pm@agency.example", password="s3cret")
        with SmtpTransport(settings, sleep=Sleeps()) as tr, \
                pytest.raises(PermanentDeliveryError, match="could not be verified"):
            tr.send(message())
        assert server.logins == [] and server.messages == []


def test_starttls_against_a_plain_server_says_what_to_set(
    smtp_server: LoopbackSmtpServer,
) -> None:
    settings = SmtpSettings(host=smtp_server.host, port=smtp_server.port, security="starttls")
    with SmtpTransport(settings) as tr, \
            pytest.raises(PermanentDeliveryError, match="does not offer STARTTLS"):
        tr.send(message())


# --------------------------------------------------------------------------- outbox


def test_outbox_writes_parseable_eml_and_html(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "box"
    msg = message(project="官网 Acme / Website!", subject="周报")
    with OutboxTransport(folder, clock=lambda: WHEN) as tr:
        delivery = tr.send(msg)
        assert tr.connections_opened == 0
    (eml,) = folder.glob("*.eml")
    assert eml.name.startswith("20250307-160005-官网-acme-website-") and len(eml.stem) == 40
    assert delivery == replace(delivery, result="sent", detail=f"written to {eml}")
    assert eml.read_bytes() == mime_bytes(build_mime(msg, WHEN))
    parsed = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "周报" and parsed["Message-ID"] == msg.message_id
    assert parts(parsed)["text/plain"] == msg.text  # type: ignore[arg-type]
    assert eml.with_suffix(".html").read_text(encoding="utf-8-sig") == msg.html
    assert sorted(p.suffix for p in folder.iterdir()) == [".eml", ".html"]  # no temp files


def test_outbox_refuses_injection_too(tmp_path: Path) -> None:
    with OutboxTransport(tmp_path) as tr:
        assert tr.send(message(subject="a\nBcc: x@evil.example")).result == "failed"
    assert list(tmp_path.iterdir()) == []


def test_open_transport_chooses_the_outbox_without_a_host(tmp_path: Path) -> None:
    assert isinstance(open_transport(None, tmp_path), OutboxTransport)
    assert isinstance(open_transport(SmtpSettings(host=""), None), OutboxTransport)
    chosen = open_transport(SmtpSettings(host="mail.example"), tmp_path)
    assert isinstance(chosen, OutboxTransport) and chosen.folder == tmp_path
    assert isinstance(open_transport(SmtpSettings(host="mail.example"), None), SmtpTransport)


# --------------------------------------------------------------------------- stored, then lost


def test_a_connection_lost_after_the_server_stored_the_message_is_unknown_not_retried(
    smtp_server: LoopbackSmtpServer,
) -> None:
    """Issue 11 item 1: the server stores the message, then drops the connection before 250.
    Resending would give the client a second copy with the same Message-ID."""
    smtp_server.drop_after_storing(1)
    sleeps = Sleeps()
    with SmtpTransport(settings_for(smtp_server), retries=3, sleep=sleeps) as tr:
        first = tr.send(message(1))
        second = tr.send(message(2))  # the next one goes through a new connection
    assert first.result == "unknown" and "may have been delivered" in first.detail
    assert second.result == "sent"
    assert sleeps == []
    ids = [m.message["Message-ID"] for m in smtp_server.messages]
    assert ids == [message(1).message_id, message(2).message_id]  # each exactly once

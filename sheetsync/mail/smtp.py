"""SMTP: one connection per ``with`` block, opened through yagmail 0.16 (connection, TLS,
login) but never through ``yagmail.send()``, which reconnects on every call and rewrites the
content (see docs/mail.md). ``probe`` is the same conversation with no email (``doctor``).
"""

from __future__ import annotations

import json
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import yagmail
import yagmail.oauth2

from sheetsync.errors import (
    ConfigError,
    DeliveryError,
    PermanentDeliveryError,
    TemporaryDeliveryError,
)
from sheetsync.mail.answers import (
    backoff_delays,
    classify,
    connect_failure,
    connection_lost,
    failed,
    local_now,
    partial_sentence,
    refusal_sentence,
)
from sheetsync.mail.mime import build_mime, mime_bytes
from sheetsync.model import Delivery, Message, SmtpSettings


class SmtpTransport:
    """Sends through one SMTP connection per ``with`` block (opened at the first send).

    Temporary failures (4xx, a dropped connection, refused or timed-out connects) are tried
    again up to ``retries`` more times, waiting ``backoff``, 2x, 4x ... seconds (at most
    MAX_BACKOFF) through ``sleep``. A connection the server dropped between two messages is
    reopened at once. Once connecting has failed on every try, later messages of the block
    fail at once instead of waiting again. A refused login raises PermanentDeliveryError, and
    so does every later send of the block, without a new attempt (no account lock-outs).
    """

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        retries: int = 3,
        backoff: float = 1.0,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], datetime] = local_now,
    ) -> None:
        self.settings = settings = settings.checked()
        self.connections_opened = 0
        self._delays = backoff_delays(retries, backoff)
        self._sleep = sleep
        self._clock = clock
        self._oauth2 = _read_oauth2_file(settings.oauth2_file) if settings.oauth2_file else None
        self._yag: Any = None  # the yagmail client that holds the open connection
        self._unreachable = ""  # the detail once connecting failed on every try
        self._fatal: PermanentDeliveryError | None = None
        self.last_failure = ""  # the sentence of the last failure to connect or log in

    def __enter__(self) -> Self:
        self._unreachable = ""
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Say QUIT and close the connection, if one is open."""
        yag, self._yag = self._yag, None
        if yag is not None:
            try:
                yag.close()  # QUIT; also marks it closed so its __del__ leaves it alone
            except (smtplib.SMTPException, OSError):
                yag.smtp.close()

    def send(self, msg: Message) -> Delivery:
        """Send ``msg`` to ``msg.recipients``; see the class docstring for failures."""
        try:
            mime = build_mime(msg, self._clock())
        except PermanentDeliveryError as exc:
            return failed(msg, str(exc))
        sender, data = mime["From"].addresses[0].addr_spec, mime_bytes(mime)
        if self._fatal is not None:
            raise self._fatal
        if self._unreachable:
            return failed(msg, self._unreachable)
        tries = 0
        outcome = self._attempt(msg, sender, data)
        while not isinstance(outcome, Delivery) and tries < len(self._delays):
            self._sleep(self._delays[tries])
            tries += 1
            outcome = self._attempt(msg, sender, data)
        if isinstance(outcome, Delivery):
            return outcome
        connecting, reason = outcome
        n = "1 try" if tries == 0 else f"{tries + 1} tries"
        if connecting:
            self._unreachable = (
                f"The mail server at {self.settings.where} could not be reached ({reason}) "
                f"on {n}; check SHEETSYNC_SMTP_HOST and SHEETSYNC_SMTP_PORT, or run again later."
            )
            return failed(msg, self._unreachable)
        return failed(
            msg,
            f"The mail server at {self.settings.where} answered '{reason}' on {n}, so the "
            f"email was not sent; run the job again later.",
        )

    def _attempt(self, msg: Message, sender: str, data: bytes) -> Delivery | tuple[bool, str]:
        """One try: a Delivery when settled, else (failed while connecting, reason) to retry."""
        reused = self._yag is not None
        try:
            smtp = self._connection()
        except TemporaryDeliveryError as exc:
            return True, str(exc)
        try:
            refused = _sendmail(smtp, sender, list(msg.recipients), data)
        except _MaybeStored as cut:  # never retried: the client might get it twice
            self.close()
            return Delivery(message_id=msg.message_id, result="unknown", detail=(
                f"reached the mail server at {self.settings.where} in full, but no answer "
                f"came ({cut}), so it may have been delivered"))
        except (smtplib.SMTPException, OSError) as exc:
            temporary, reason = classify(exc)
            lost = connection_lost(exc)
            if lost or smtp.sock is None:  # smtplib closed it (e.g. after 421), or it broke
                self.close()
                if lost and reused:  # dropped while idle between messages: reopen at once
                    return self._attempt(msg, sender, data)
            if temporary:
                return False, reason
            return failed(msg, refusal_sentence(exc, reason))
        if refused:
            return Delivery(
                message_id=msg.message_id,
                result="sent",
                detail=partial_sentence(refused),
                refused=tuple(a for a in msg.recipients if a in refused),
            )
        return Delivery(message_id=msg.message_id, result="sent", detail="")

    def _connection(self) -> smtplib.SMTP:
        """The open connection; opened and logged in through yagmail when there is none.

        The yagmail client is kept while the connection is used: yagmail's ``__del__`` says
        QUIT, so dropping the client would close the connection under us.
        """
        if self._yag is not None:
            return self._yag.smtp  # type: ignore[no-any-return]
        yag = _yagmail_client(self.settings)
        try:
            yag.login()  # connects, says EHLO, STARTTLS when asked; never logs in (below)
            if self._oauth2 is not None:
                _login_xoauth2(yag.smtp, self.settings.user, self._oauth2, self.settings.timeout)
            elif self.settings.user:  # the user exactly as configured: yagmail would add
                yag.smtp.login(self.settings.user, self.settings.password)  # @gmail.com
        except (smtplib.SMTPException, OSError) as exc:
            if yag.smtp is not None:
                self.connections_opened += 1
                yag.is_closed = True
                yag.smtp.close()
            raise self._connect_failure(exc) from exc
        self.connections_opened += 1
        self._yag = yag
        return yag.smtp  # type: ignore[no-any-return]

    def _connect_failure(self, exc: BaseException) -> DeliveryError:
        """TemporaryDeliveryError to retry, else the PermanentDeliveryError to raise (kept)."""
        temporary, text = connect_failure(self.settings, exc, oauth2=self._oauth2 is not None)
        self.last_failure = text
        if temporary:
            return TemporaryDeliveryError(classify(exc)[1])
        self._fatal = PermanentDeliveryError(text)
        return self._fatal

    def probe(self) -> str:
        """Connect, EHLO, STARTTLS or SSL, log in as a send would, then QUIT; no email.

        Returns what the login step did; a DeliveryError (``last_failure`` says it in one
        sentence) when any step failed. Nothing is retried.
        """
        self._connection()
        self.close()
        s = self.settings
        if not s.user:
            return "no login configured"
        return f"logged in {'with OAuth2 ' if self._oauth2 else ''}as {s.user}"


def _yagmail_client(s: SmtpSettings) -> Any:
    """A yagmail client set up so that ``login()`` only connects, secures and logs in.

    yagmail wants a user even without a login (else it reads ~/.yagmail); it is never used:
    yagmail turns a user without ``@`` (``apikey`` of SendGrid, an SES key) into
    ``apikey@gmail.com``, so the login, password or OAuth2, is done by ``_connection`` with
    the user exactly as configured. Its own TLS would not verify certificates, so a verifying
    context is passed in.
    """
    context = ssl.create_default_context()
    extra: dict[str, Any] = {"timeout": s.timeout}
    if s.security == "ssl":
        extra["context"] = context
    return yagmail.SMTP(
        user="sheetsync@localhost",
        password=s.password,
        host=s.host,
        port=s.port,
        smtp_ssl=s.security == "ssl",
        smtp_starttls={"context": context} if s.security == "starttls" else False,
        smtp_skip_login=True,
        soft_email_validation=False,
        **extra,
    )


class _MaybeStored(Exception):
    """The whole message went to the server, then no answer came: stored or not, unknown."""


def _sendmail(smtp: smtplib.SMTP, sender: str, recipients: list[str],
              data: bytes) -> dict[str, tuple[int, bytes]]:
    """``smtplib.SMTP.sendmail`` (MAIL, RCPT, DATA), except that a connection lost or timed
    out after the message's final dot raises ``_MaybeStored``: the server may have stored
    the message (RFC 5321 4.1.1.4), so it must not be retried like a failure before it."""
    before_dot = smtp.send

    def send(chunk: bytes | str) -> None:
        before_dot(chunk)
        if isinstance(chunk, bytes) and chunk.endswith(b"\r\n.\r\n"):
            smtp.getreply = after_dot  # type: ignore[method-assign]

    reply = smtp.getreply

    def after_dot() -> tuple[int, bytes]:
        try:
            return reply()
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            raise _MaybeStored(str(exc) or type(exc).__name__) from exc

    smtp.send = send  # type: ignore[method-assign,assignment]
    try:
        return smtp.sendmail(sender, recipients, data)
    finally:  # back to the class's own methods
        smtp.__dict__.pop("send", None)
        smtp.__dict__.pop("getreply", None)


_OAUTH2_KEYS = ("google_client_id", "google_client_secret", "google_refresh_token")


def _read_oauth2_file(path: str) -> dict[str, str]:
    """The three Google OAuth2 values of a yagmail OAuth2 file, or ConfigError.

    yagmail itself would prompt on the terminal (``input()``) for a missing or unfinished file,
    which hangs a scheduled job, so the file is read here and never handed to yagmail.
    """
    try:
        data = json.loads(Path(path).expanduser().read_text(encoding="utf-8"))
        values = {key: str(data[key]).strip() for key in _OAUTH2_KEYS}
    except (OSError, ValueError, KeyError, TypeError):
        values = {}
    if not values or not all(values.values()):
        raise ConfigError(
            f"The OAuth2 file {path} is missing or lacks google_client_id, "
            f"google_client_secret or google_refresh_token; create it with yagmail's OAuth2 "
            f"setup on a desktop first."
        )
    return values


def _login_xoauth2(smtp: smtplib.SMTP, user: str, info: dict[str, str], timeout: float) -> None:
    """Gmail's XOAUTH2 login on an open connection, with the server's answer checked.

    yagmail's own OAuth2 login sends AUTH without reading the reply, and skips STARTTLS when a
    TLS context is given; its token refresh has no timeout. Only its URL and string helpers
    are used.
    """
    form = {
        "client_id": info["google_client_id"],
        "client_secret": info["google_client_secret"],
        "refresh_token": info["google_refresh_token"],
        "grant_type": "refresh_token",
    }
    url = yagmail.oauth2.command_to_url("o/oauth2/token")
    try:
        with urllib.request.urlopen(url, urllib.parse.urlencode(form).encode(), timeout) as answer:
            token = json.loads(answer.read())["access_token"]
    except urllib.error.HTTPError as exc:  # 400/401: the refresh token was revoked or is wrong
        code = 535 if exc.code in (400, 401) else 454
        raise smtplib.SMTPAuthenticationError(code, f"Google answered {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, ValueError, KeyError) as exc:
        raise OSError(f"Google's token service failed: {exc}") from exc
    auth = yagmail.oauth2.generate_oauth2_string(user, token, as_base64=False)
    smtp.ehlo_or_helo_if_needed()
    smtp.auth("XOAUTH2", lambda challenge=None: "" if challenge is not None else auth)

"""The mail edge: a ``Message`` goes to an SMTP server or an outbox folder.

Owns ``SmtpSettings``, the two transports and ``open_transport``. The email itself (MIME, the
address and header checks, the outbox file name) is built by ``sheetsync.mail.mime``, which is
pure. ``SmtpTransport`` keeps one SMTP connection for a whole ``with`` block, opened through
yagmail 0.16 (connection, TLS, login) but never through ``yagmail.send()``: that method
reconnects on every call and rewrites the content (see docs/mail.md). ``OutboxTransport``
writes the same bytes to ``.eml`` files instead. Both return a ``Delivery`` per message;
only problems that would fail every message (a refused login, an unverifiable certificate,
a security setting the server does not speak) raise ``PermanentDeliveryError``.

What a server's answer means lives here too, although it is pure: ``classify`` (worth another
try?), ``backoff_delays`` and the refusal sentences read smtplib's and ssl's exceptions and
decide the transport's retries, so they belong to the SMTP conversation, not to the email.
``doctor``'s SMTP check uses ``classify`` for the same reason.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

import yagmail
import yagmail.oauth2

from sheetsync.errors import (
    ConfigError,
    DeliveryError,
    PermanentDeliveryError,
    TemporaryDeliveryError,
)
from sheetsync.mail.mime import build_mime, mime_bytes, outbox_stem
from sheetsync.model import Delivery, Message

DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
DEFAULT_OUTBOX = Path("outbox")  # the outbox when neither a folder nor an SMTP host is set
MAX_BACKOFF = 30.0  # seconds: no single wait between two tries is longer


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server (CONTRACT section 5); ``port`` None means the usual one.

    ``user`` empty means no login. ``oauth2_file`` is a yagmail OAuth2 file for Gmail
    (``google_client_id``, ``google_client_secret``, ``google_refresh_token``); it replaces the
    password. ``sender`` is the From address the composer puts in each ``Message``; the
    transport itself sends from ``Message.sender``.
    """

    host: str
    port: int | None = None
    security: str = "starttls"
    user: str = ""
    password: str = ""
    oauth2_file: str = ""
    sender: str = ""
    timeout: float = 30.0

    def __post_init__(self) -> None:
        security = self.security.strip().lower()
        if security not in DEFAULT_PORTS:
            raise ConfigError(
                f"Set SHEETSYNC_SMTP_SECURITY to ssl, starttls or none "
                f"(it is {self.security!r})."
            )
        object.__setattr__(self, "security", security)
        if self.port is None:
            object.__setattr__(self, "port", DEFAULT_PORTS[security])
        elif not 0 < self.port < 65536:
            raise ConfigError(
                f"Set SHEETSYNC_SMTP_PORT to a port number from 1 to 65535 (it is {self.port})."
            )
        if self.timeout <= 0:
            raise ConfigError(f"Set the SMTP timeout to a positive number of seconds "
                              f"(it is {self.timeout}).")
        if self.oauth2_file and not self.user:
            raise ConfigError(
                "Set SHEETSYNC_SMTP_USER to the Gmail address the OAuth2 file belongs to."
            )

    @property
    def where(self) -> str:
        """``host:port``, as shown in messages."""
        return f"{self.host}:{self.port}"


# --------------------------------------------------------------------------- server answers


def backoff_delays(retries: int, backoff: float) -> tuple[float, ...]:
    """The waits before each retry: backoff, 2*backoff, 4*backoff, ... each at most MAX_BACKOFF."""
    return tuple(min(backoff * 2**i, MAX_BACKOFF) for i in range(max(retries, 0)))


def _reply_text(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return " ".join(f"{code} {words}".split())[:200]


def classify(exc: BaseException) -> tuple[bool, str]:
    """(worth another try, what the server said) for an smtplib or socket failure."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = exc.recipients.items()
        temporary = all(not 500 <= code < 600 for code, _ in exc.recipients.values())
        return temporary, "; ".join(f"{addr}: {_reply_text(c, t)}" for addr, (c, t) in replies)
    if isinstance(exc, smtplib.SMTPResponseException):
        return not 500 <= exc.smtp_code < 600, _reply_text(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True, "the server closed the connection"
    if isinstance(exc, smtplib.SMTPException | ssl.SSLError) or not isinstance(exc, OSError):
        return False, getattr(exc, "reason", None) or str(exc) or type(exc).__name__
    return True, exc.strerror or str(exc) or type(exc).__name__  # refused, timed out, no route


def _connection_lost(exc: BaseException) -> bool:
    """True for a dropped or broken connection (smtplib's own errors are OSErrors too)."""
    return isinstance(exc, smtplib.SMTPServerDisconnected) or (
        isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)
    )


def refusal_sentence(exc: BaseException, reason: str) -> str:
    """The Delivery detail for a message the server refused for good."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"The mail server refused every recipient ({reason}); correct the addresses."
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (f"The mail server refused the sender {exc.sender} ({reason}); set SHEETSYNC_FROM "
                f"to an address this server may send from.")
    return (f"The mail server refused the email ({reason}); check its addresses and content "
            f"before sending it again.")


def partial_sentence(refused: dict[str, tuple[int, bytes]]) -> str:
    """The Delivery detail when some recipients were refused and the others got the email."""
    who = ", ".join(f"{addr} ({_reply_text(c, t)})" for addr, (c, t) in refused.items())
    return f"The mail server refused {who} while the others got the email; correct those addresses."


def _failed(msg: Message, detail: str) -> Delivery:
    return Delivery(message_id=msg.message_id, result="failed", detail=detail)


def _now() -> datetime:
    return datetime.now().astimezone()


# --------------------------------------------------------------------------- transports


class Transport(Protocol):
    """Sends Messages; use it as ``with transport: transport.send(msg)``."""

    connections_opened: int

    def __enter__(self) -> Self: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def send(self, msg: Message) -> Delivery: ...


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
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.settings = settings
        self.connections_opened = 0
        self._delays = backoff_delays(retries, backoff)
        self._sleep = sleep
        self._clock = clock
        self._oauth2 = _read_oauth2_file(settings.oauth2_file) if settings.oauth2_file else None
        self._yag: Any = None  # the yagmail client that holds the open connection
        self._unreachable = ""  # the detail once connecting failed on every try
        self._fatal: PermanentDeliveryError | None = None

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
            return _failed(msg, str(exc))
        sender, data = mime["From"].addresses[0].addr_spec, mime_bytes(mime)
        if self._fatal is not None:
            raise self._fatal
        if self._unreachable:
            return _failed(msg, self._unreachable)
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
            return _failed(msg, self._unreachable)
        return _failed(
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
            refused = smtp.sendmail(sender, list(msg.recipients), data)
        except (smtplib.SMTPException, OSError) as exc:
            temporary, reason = classify(exc)
            lost = _connection_lost(exc)
            if lost or smtp.sock is None:  # smtplib closed it (e.g. after 421), or it broke
                self.close()
                if lost and reused:  # dropped while idle between messages: reopen at once
                    return self._attempt(msg, sender, data)
            if temporary:
                return False, reason
            return _failed(msg, refusal_sentence(exc, reason))
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
            yag.login()  # connects, says EHLO, STARTTLS when asked, logs in unless skipped
            if self._oauth2 is not None:
                _login_xoauth2(yag.smtp, self.settings.user, self._oauth2, self.settings.timeout)
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
        temporary, reason = classify(exc)
        where = self.settings.where
        if isinstance(exc, ssl.SSLCertVerificationError):
            text = (f"The TLS certificate of the mail server at {where} could not be verified "
                    f"({exc.verify_message}); set SHEETSYNC_SMTP_HOST to the name on its "
                    f"certificate.")
        elif isinstance(exc, ssl.SSLError):
            text = (f"TLS with the mail server at {where} failed ({reason}); check "
                    f"SHEETSYNC_SMTP_SECURITY and SHEETSYNC_SMTP_PORT (ssl is usually port 465, "
                    f"starttls 587).")
        elif isinstance(exc, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(exc):
            text = (f"The mail server at {where} does not offer STARTTLS; set "
                    f"SHEETSYNC_SMTP_SECURITY to ssl or none, or use another port.")
        elif isinstance(exc, smtplib.SMTPNotSupportedError):
            text = (f"The mail server at {where} does not offer a login on this connection; "
                    f"set SHEETSYNC_SMTP_SECURITY to starttls or ssl, or leave "
                    f"SHEETSYNC_SMTP_USER empty.")
        elif temporary:
            return TemporaryDeliveryError(reason)
        elif isinstance(exc, smtplib.SMTPAuthenticationError):
            what = (f"the OAuth2 file {self.settings.oauth2_file}" if self._oauth2 else
                    "SHEETSYNC_SMTP_PASSWORD (for Gmail, an app password)")
            text = (f"The mail server at {where} refused the login of {self.settings.user!r} "
                    f"({reason}); check SHEETSYNC_SMTP_USER and {what}.")
        else:
            text = (f"The mail server at {where} refused the connection ({reason}); check "
                    f"SHEETSYNC_SMTP_HOST and SHEETSYNC_SMTP_PORT.")
        self._fatal = PermanentDeliveryError(text)
        return self._fatal


def _yagmail_client(s: SmtpSettings) -> Any:
    """A yagmail client set up so that ``login()`` only connects, secures and logs in.

    yagmail wants a user even without a login (else it reads ~/.yagmail); it is unused then.
    Its own TLS would not verify certificates, so a verifying context is passed in. The
    OAuth2 login is done here, not by yagmail (see ``_login_xoauth2``).
    """
    context = ssl.create_default_context()
    extra: dict[str, Any] = {"timeout": s.timeout}
    if s.security == "ssl":
        extra["context"] = context
    return yagmail.SMTP(
        user=s.user or "sheetsync@localhost",
        password=s.password,
        host=s.host,
        port=s.port,
        smtp_ssl=s.security == "ssl",
        smtp_starttls={"context": context} if s.security == "starttls" else False,
        smtp_skip_login=not s.user or bool(s.oauth2_file),
        soft_email_validation=False,
        **extra,
    )


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


class OutboxTransport:
    """Writes each email into ``folder`` instead of sending it (CONTRACT section 5).

    ``<YYYYmmdd-HHMMSS>-<project>-<id>.eml`` holds exactly the bytes SMTP would carry; the
    sibling ``.html`` is the HTML part, to open in a browser. Both are written atomically.
    """

    def __init__(self, folder: Path, clock: Callable[[], datetime] = _now) -> None:
        self.folder = Path(folder)
        self.connections_opened = 0
        self._clock = clock

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    def send(self, msg: Message) -> Delivery:
        """Write ``msg`` as .eml + .html; Delivery detail names the .eml file."""
        when = self._clock()
        try:
            data = mime_bytes(build_mime(msg, when))
        except PermanentDeliveryError as exc:
            return _failed(msg, str(exc))
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"The outbox folder {self.folder} cannot be created ({exc.strerror}); set "
                f"SHEETSYNC_OUTBOX to a folder sheetsync may write to."
            ) from exc
        eml = self.folder / f"{outbox_stem(msg, when)}.eml"
        try:
            # A BOM makes browsers read the preview as UTF-8 even without a <meta charset>.
            _write_atomic(eml.with_suffix(".html"), "\ufeff".encode() + msg.html.encode())
            _write_atomic(eml, data)
        except OSError as exc:
            return _failed(msg, f"The email could not be written to {eml} ({exc.strerror}); "
                                f"free some disk space or set SHEETSYNC_OUTBOX to another folder.")
        return Delivery(message_id=msg.message_id, result="sent", detail=f"written to {eml}")


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def open_transport(settings: SmtpSettings | None, outbox: Path | None) -> Transport:
    """The outbox when a folder is given or no SMTP host is set (then ./outbox), else SMTP."""
    if outbox is not None:
        return OutboxTransport(outbox)
    if settings is None or not settings.host:
        return OutboxTransport(DEFAULT_OUTBOX)
    return SmtpTransport(settings)

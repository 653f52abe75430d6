"""A real, scriptable SMTP server on 127.0.0.1 for the mail edge (aiosmtpd).

``smtp_server`` is the pytest fixture; ``start_smtp_server()`` is the same server as a plain
function (a context manager) so benchmarks and scripts can start one too::

    with start_smtp_server() as server:
        ...  # server.host, server.port, server.messages, server.connections

The server listens on an ephemeral port, records every accepted message and counts every
connection, and can be told to misbehave: answer DATA with 4xx/5xx, refuse a recipient,
close connections. ``users`` turns on AUTH (PLAIN/LOGIN) and ``tls`` serves STARTTLS
(``"starttls"``) or implicit TLS (``"ssl"``) with the given server ``ssl.SSLContext``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import email
import email.policy
import ipaddress
import logging
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.fixtures_env import child_environ

# aiosmtpd logs a warning about its own deprecated attribute on every successful AUTH.
logging.getLogger("mail.log").addFilter(
    lambda record: "login_data is deprecated" not in record.getMessage()
)


@dataclass(frozen=True)
class Received:
    """One message the server accepted: the envelope and the content as it arrived."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    message: EmailMessage


@dataclass
class _Script:
    """What the server should do next; changed from the test thread, read on the server's."""

    fail_data: list[int] = field(default_factory=list)  # codes for the next DATA commands
    fail_all_data: int | None = None
    rejected: dict[str, int] = field(default_factory=dict)  # lower-cased address -> code
    drop_next: int = 0
    drop_after_storing: int = 0  # store the next n messages, then close without answering


_REPLIES = {
    421: "421 4.3.2 Service shutting down, try again later",
    450: "450 4.2.1 Mailbox busy, try again later",
    451: "451 4.3.0 Temporary local problem, try again later",
    452: "452 4.3.1 Insufficient system storage",
    550: "550 5.1.1 No such user here",
    552: "552 5.3.4 Message too big",
    553: "553 5.1.3 Mailbox name not allowed",
    554: "554 5.7.1 Message rejected as spam",
}


def _reply(code: int) -> str:
    return _REPLIES.get(code, f"{code} {code // 100}.0.0 Scripted failure")


class _Dropper(asyncio.Protocol):
    """Stands in for an SMTP session: closes the connection before any greeting."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.close()


class LoopbackSmtpServer:
    """The handler, the scripting and the record of one loopback SMTP server."""

    def __init__(self, users: dict[str, str] | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self.messages: list[Received] = []
        self.connections = 0
        self.logins: list[str] = []
        self._users = users
        self._script = _Script()
        self._lock = threading.Lock()
        self._sessions: list[SMTP] = []
        self._controller: Controller | None = None

    # ------------------------------------------------------------------ scripting (test side)

    def fail_data_next(self, n: int, code: int = 451) -> None:
        """Answer the next ``n`` DATA commands with ``code``, then accept again."""
        with self._lock:
            self._script.fail_data.extend([code] * n)

    def fail_all_data(self, code: int = 554) -> None:
        """Answer every DATA command with ``code`` until ``reset()``."""
        with self._lock:
            self._script.fail_all_data = code

    def reject_recipient(self, addr: str, code: int = 550) -> None:
        """Answer RCPT TO for ``addr`` with ``code``; other recipients are still accepted."""
        with self._lock:
            self._script.rejected[addr.lower()] = code

    def drop_next_connection(self, n: int = 1) -> None:
        """Close the next ``n`` new connections at once, before the 220 greeting."""
        with self._lock:
            self._script.drop_next += n

    def drop_after_storing(self, n: int = 1) -> None:
        """Store the next ``n`` messages, then close the connection before answering 250:
        the client cannot know the message was taken."""
        with self._lock:
            self._script.drop_after_storing += n

    def drop_open_connections(self) -> None:
        """Close every open session now, as a server does when a connection sits idle."""
        controller = self._controller
        assert controller is not None, "the server is not running"

        done = threading.Event()

        def close_all() -> None:
            for session in list(self._sessions):
                if session.transport is not None:
                    session.transport.close()
            done.set()

        controller.loop.call_soon_threadsafe(close_all)
        done.wait(5)

    def reset(self) -> None:
        """Forget the script, the messages and the counts."""
        with self._lock:
            self._script = _Script()
            self.messages.clear()
            self.connections = 0
            self.logins.clear()

    # ------------------------------------------------------------------ aiosmtpd hooks

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        with self._lock:
            code = self._script.rejected.get(address.lower())
        if code is not None:
            return _reply(code)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self._lock:
            code = self._script.fail_all_data
            if code is None and self._script.fail_data:
                code = self._script.fail_data.pop(0)
        if code is not None:
            return _reply(code)
        raw = cast(bytes, envelope.original_content)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        with self._lock:
            self.messages.append(
                Received(
                    mail_from=envelope.mail_from or "",
                    rcpt_tos=tuple(envelope.rcpt_tos),
                    raw=raw,
                    message=cast(EmailMessage, parsed),
                )
            )
            drop = self._script.drop_after_storing > 0
            self._script.drop_after_storing -= drop
        if drop and server.transport is not None:
            server.transport.abort()  # stored, and the 250 never goes out
            return "421 4.3.2 never sent: the connection is already closed"
        return "250 2.0.0 Message accepted for delivery"

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword) or self._users is None:
            return AuthResult(success=False, handled=False)
        user, password = data.login.decode(), data.password.decode()
        ok = self._users.get(user) == password
        if ok:
            with self._lock:
                self.logins.append(user)
        return AuthResult(success=ok, handled=False)

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        """Gmail's XOAUTH2: ``user=<user>^Aauth=Bearer <token>^A^A``; the token is the password."""
        try:
            text = base64.b64decode(args[1], validate=True).decode()
            fields = dict(part.split("=", 1) for part in text.split("\x01") if part)
        except (IndexError, ValueError, binascii.Error):
            return AuthResult(success=False, handled=False)
        user, token = fields.get("user", ""), fields.get("auth", "").removeprefix("Bearer ")
        ok = self._users is not None and self._users.get(user) == token
        if ok:
            with self._lock:
                self.logins.append(f"xoauth2:{user}")
        return AuthResult(success=ok, handled=False)

    # ------------------------------------------------------------------ server side plumbing

    def _factory(self, smtp_kwargs: dict[str, Any]) -> asyncio.Protocol:
        with self._lock:
            self.connections += 1
            if self._script.drop_next:
                self._script.drop_next -= 1
                return _Dropper()
        session = _TrackedSMTP(self, self, **smtp_kwargs)
        self._sessions.append(session)
        return session


class _TrackedSMTP(SMTP):
    """aiosmtpd's SMTP session, remembered while open so tests can cut it."""

    def __init__(self, owner: LoopbackSmtpServer, handler: Any, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._owner = owner

    def connection_lost(self, error: Exception | None) -> None:
        if self in self._owner._sessions:
            self._owner._sessions.remove(self)
        super().connection_lost(error)


class _EphemeralController(Controller):
    """A Controller that binds port 0 and learns the real port before its self-test."""

    def __init__(self, owner: LoopbackSmtpServer, **kwargs: Any) -> None:
        super().__init__(owner, hostname=owner.host, port=0, **kwargs)
        self._owner = owner

    def factory(self) -> Any:
        return self._owner._factory(self.SMTP_kwargs)

    def _trigger_server(self) -> None:
        server = cast(asyncio.Server, self.server)
        self.port = server.sockets[0].getsockname()[1]
        super()._trigger_server()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """Write a one-day self-signed certificate for 127.0.0.1 into ``folder``: (cert, key).

    Clients trust it only when told to, e.g. with ``SSL_CERT_FILE`` set to the cert file.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def server_tls_context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    """The server side TLS context for ``start_smtp_server(tls=...)``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


@contextmanager
def start_smtp_server(
    *,
    users: dict[str, str] | None = None,
    tls: str = "",
    tls_context: ssl.SSLContext | None = None,
) -> Iterator[LoopbackSmtpServer]:
    """Run a loopback SMTP server for the ``with`` block; see the module docstring."""
    server = LoopbackSmtpServer(users)
    kwargs: dict[str, Any] = {"ready_timeout": 10.0}
    if users is not None:
        kwargs["authenticator"] = server._authenticate
        # aiosmtpd cannot tell an implicit-TLS socket from a plain one: only ask for STARTTLS.
        kwargs["auth_require_tls"] = tls == "starttls"
    if tls == "starttls":
        kwargs["tls_context"] = tls_context
        kwargs["require_starttls"] = True
    elif tls == "ssl":
        kwargs["ssl_context"] = tls_context
    elif tls:
        raise ValueError(f"tls must be '', 'starttls' or 'ssl', not {tls!r}")
    controller = _EphemeralController(server, **kwargs)
    controller.start()
    server._controller = controller
    server.port = controller.port
    server.reset()  # the Controller's own start-up probe is not a client connection
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[LoopbackSmtpServer]:
    """A plain (no TLS, no AUTH) loopback SMTP server, fresh for each test."""
    with start_smtp_server() as server:
        yield server


def smtp_env(server: LoopbackSmtpServer, state: Path, sender: str) -> dict[str, str]:
    """The SHEETSYNC_* settings that mail through ``server`` (no TLS, no login), with this
    From address and state dir."""
    return {"SHEETSYNC_SMTP_HOST": server.host, "SHEETSYNC_SMTP_PORT": str(server.port),
            "SHEETSYNC_SMTP_SECURITY": "none", "SHEETSYNC_FROM": sender,
            "SHEETSYNC_STATE_DIR": str(state)}


def sheetsync_env(server: LoopbackSmtpServer, state: Path, sender: str) -> dict[str, str]:
    """The environment of a ``sheetsync`` process that mails through ``server``: a clean one
    (``child_environ``) with ``smtp_env``'s settings."""
    return child_environ(**smtp_env(server, state, sender))

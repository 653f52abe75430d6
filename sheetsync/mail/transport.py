"""The mail edge: a ``Message`` goes to an SMTP server or an outbox folder.

``open_transport`` picks one; both return a ``Delivery`` per message, and only problems that
would fail every message (a refused login, an unverifiable certificate, a security setting
the server does not speak) raise ``PermanentDeliveryError``. The email itself (MIME, the
address and header checks, the outbox file name) is built by ``sheetsync.mail.mime``, which
is pure; what a server's answer means is ``sheetsync.mail.answers``; the SMTP conversation is
``sheetsync.mail.smtp`` and the outbox ``sheetsync.mail.outbox``. The settings type is
``sheetsync.model.SmtpSettings`` (the config builds it, this edge uses it).
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from sheetsync.mail.answers import (
    MAX_BACKOFF,
    backoff_delays,
    classify,
    connect_failure,
    partial_sentence,
    refusal_sentence,
)
from sheetsync.mail.outbox import DEFAULT_OUTBOX, OutboxTransport
from sheetsync.mail.smtp import SmtpTransport
from sheetsync.model import DEFAULT_PORTS, Delivery, Message, SmtpSettings

__all__ = ["DEFAULT_OUTBOX", "DEFAULT_PORTS", "MAX_BACKOFF", "OutboxTransport", "SmtpSettings",
           "SmtpTransport", "Transport", "backoff_delays", "classify", "connect_failure",
           "open_transport", "partial_sentence", "probe", "refusal_sentence"]


class Transport(Protocol):
    """Sends Messages; use it as ``with transport: transport.send(msg)``."""

    connections_opened: int

    def __enter__(self) -> Self: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def send(self, msg: Message) -> Delivery: ...


def open_transport(settings: SmtpSettings | None, outbox: Path | None) -> Transport:
    """The outbox when a folder is given or no SMTP host is set (then ./outbox), else SMTP."""
    if outbox is not None:
        return OutboxTransport(outbox)
    if settings is None or not settings.host:
        return OutboxTransport(DEFAULT_OUTBOX)
    return SmtpTransport(settings)


def probe(settings: SmtpSettings) -> tuple[bool, str]:
    """Log in to the SMTP server as a send would, then QUIT, sending nothing.

    (True, what the login step did) or (False, one sentence: what failed, what to change).
    """
    from sheetsync.errors import ConfigError, DeliveryError

    try:
        transport = SmtpTransport(settings, retries=0)
    except ConfigError as exc:
        return False, str(exc)
    try:
        return True, transport.probe()
    except DeliveryError as exc:
        return False, transport.last_failure or str(exc)

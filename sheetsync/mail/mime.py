"""What an email is: a ``Message`` as MIME bytes, with every address and header checked.

Owns ``build_mime`` (multipart/alternative, UTF-8, 7-bit safe, a boundary fixed by the
content), ``mime_bytes``, the address and header checks that refuse a line break, a second
recipient or a structural header before anything is sent (``plain_address``,
``sender_mailbox``), and ``outbox_stem``, the name an email's outbox files get.

Pure like the core: no clock (the date is an argument), no sockets, no files. The same bytes
go on the wire (``mail.SmtpTransport``) and into the outbox (``mail.OutboxTransport``). What an
SMTP server's answer means (``mail.classify``, the retry waits, the refusal sentences) is not
here: it speaks smtplib's exceptions and drives the transport's retries, so it lives with the
transport in ``mail.py``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy
from typing import Any

from sheetsync.errors import PermanentDeliveryError
from sheetsync.model import Message


class _Policy(EmailPolicy):
    """The SMTP policy, never folding the Message-ID: a folded one is legal, but a mail
    library reads it back with the fold's space in front, so it no longer equals the
    ``message_id`` that ``report --json`` and the Log tab give (a msg-id has no space to
    fold at, and stays far under the 998-octet line limit)."""

    def fold(self, name: str, value: Any) -> str:
        if name.lower() == "message-id":
            return f"{name}: {str(value).strip()}{self.linesep}"
        return str(super().fold(name, value))

    def fold_binary(self, name: str, value: Any) -> bytes:
        if name.lower() == "message-id":
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)


# SMTP policy, but bodies are always 7-bit safe (base64 or quoted-printable) so that a server
# without 8BITMIME still takes Chinese text unchanged.
MIME_POLICY = _Policy(linesep="\r\n", cte_type="7bit")

_BREAKS = frozenset("\r\n\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_MESSAGE_ID = re.compile(r"<[!-;=?-~]+@[!-;=?-~]+>")  # printable ASCII, no "<", ">" inside
_HEADER_NAME = re.compile(r"[!-9;-~]+")
_RESERVED_HEADERS = frozenset(
    ["from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "mime-version",
     "sender", "return-path", "auto-submitted"]
)
# RFC 3834: every email sheetsync sends is made by a program, so auto-responders and
# out-of-office replies must not answer it (replies by people still go to Reply-To, the PM).
AUTO_SUBMITTED = "auto-generated"


def _check_value(name: str, value: str) -> None:
    if any(ch in _BREAKS for ch in value):
        raise PermanentDeliveryError(
            f"The {name} header would contain a line break, so the email was not sent; "
            f"remove the line break from {value[:60]!r} in the sheet."
        )


def plain_address(value: str, field: str) -> Address:
    """``value`` as an ``Address`` if it is exactly one plain ASCII address, else raise."""
    _check_value(field, value)
    try:
        address = Address(addr_spec=value)
        ok = value.isascii() and address.addr_spec == value and bool(address.domain)
    except Exception:  # the parser raises ValueError, IndexError and header defects
        ok = False
    if not ok:
        hint = "" if value.isascii() else " (write a non-ASCII domain in its xn-- form)"
        raise PermanentDeliveryError(
            f"The {field} address {value!r} is not a single plain email address, so the email "
            f"was not sent; correct it in the sheet{hint}."
        )
    return address


_REGISTRY = HeaderRegistry()


def sender_mailbox(value: str) -> Address:
    """The From mailbox: a plain address, or one ``Display Name <address>``."""
    if "<" not in value:
        return plain_address(value, "From")
    _check_value("From", value)
    try:
        header: Any = _REGISTRY("From", value)
        (mailbox,) = header.addresses
        ok = not header.defects and len(header.groups) == 1
    except Exception:
        ok = False
    if not ok:
        raise PermanentDeliveryError(
            f"The From address {value!r} is not one mailbox; set SHEETSYNC_FROM to an address "
            f"like pm@example.com or Name <pm@example.com>."
        )
    plain_address(mailbox.addr_spec, "From")
    return Address(display_name=mailbox.display_name, addr_spec=mailbox.addr_spec)


def _extra_header(name: str, value: str) -> tuple[str, str]:
    if not _HEADER_NAME.fullmatch(name) or name.lower() in _RESERVED_HEADERS or (
        name.lower().startswith(("content-", "resent-"))
    ):
        raise PermanentDeliveryError(
            f"The extra header name {name!r} is not allowed; use an X- header name instead."
        )
    _check_value(name, value)
    return name, value


def build_mime(msg: Message, when: datetime) -> EmailMessage:
    """The email for ``msg``: multipart/alternative (text/plain, text/html), UTF-8, dated ``when``.

    Headers: From, To, Cc (when any), Reply-To (when set), Subject, Date, Message-ID (as given,
    never made here), ``Auto-Submitted: auto-generated`` (RFC 3834), MIME-Version and
    ``msg.headers``; never Bcc. A header value with a line
    break, or an address that is not a single plain address, raises PermanentDeliveryError, so
    no sheet value can add a header or a recipient.
    """
    if when.tzinfo is None:
        raise ValueError("build_mime needs a timezone-aware datetime for the Date header.")
    sender = sender_mailbox(msg.sender)
    to = tuple(plain_address(a, "To") for a in msg.to)
    cc = tuple(plain_address(a, "Cc") for a in msg.cc)
    reply_to = plain_address(msg.reply_to, "Reply-To") if msg.reply_to else None
    if not to:
        raise PermanentDeliveryError(
            "The email has no To address, so it was not sent; fill in the client emails."
        )
    _check_value("Subject", msg.subject)
    _check_value("Message-ID", msg.message_id)
    if not _MESSAGE_ID.fullmatch(msg.message_id):
        raise PermanentDeliveryError(
            f"The Message-ID {msg.message_id!r} is not of the form <id@domain>, so the email "
            f"was not sent; report this as a bug in sheetsync."
        )
    extra = [_extra_header(name, value) for name, value in msg.headers]

    mime = EmailMessage(policy=MIME_POLICY)
    mime["From"] = sender
    mime["To"] = to
    if cc:
        mime["Cc"] = cc
    if reply_to is not None:
        mime["Reply-To"] = reply_to
    mime["Subject"] = msg.subject
    mime["Date"] = when
    mime["Message-ID"] = msg.message_id
    mime["Auto-Submitted"] = AUTO_SUBMITTED
    for name, value in extra:
        mime[name] = value
    mime.set_content(msg.text, subtype="plain", charset="utf-8")
    mime.add_alternative(msg.html, subtype="html", charset="utf-8")
    for part in mime.iter_parts():
        del part["MIME-Version"]  # belongs on the top level only
    mime.set_boundary(_boundary(msg))
    return mime


def _boundary(msg: Message) -> str:
    """A MIME boundary fixed by the content, so one Message always gives the same bytes."""
    seed = "\0".join((msg.message_id, msg.subject, msg.text, msg.html))
    for n in range(100):
        boundary = "=_sheetsync_" + hashlib.sha256(f"{n}\0{seed}".encode()).hexdigest()[:32]
        if boundary not in msg.text and boundary not in msg.html:
            return boundary
    raise PermanentDeliveryError("No MIME boundary fits this email; report this as a bug.")


def mime_bytes(mime: EmailMessage) -> bytes:
    """The bytes that go on the wire and into the outbox (CRLF line ends)."""
    return mime.as_bytes(policy=MIME_POLICY)


def _slug(text: str) -> str:
    words = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFKC", text).casefold())
    return words.strip("-")[:40].strip("-") or "project"


def outbox_stem(msg: Message, when: datetime) -> str:
    """``YYYYmmdd-HHMMSS-<project slug>-<short id>``: sortable, readable, one per Message-ID."""
    short = hashlib.sha256(msg.message_id.encode()).hexdigest()[:8]
    return f"{when:%Y%m%d-%H%M%S}-{_slug(msg.project)}-{short}"

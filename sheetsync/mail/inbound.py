"""A received message, as bytes, becomes a ``replies.Reply`` (no network but DKIM's DNS).

What is decided here is only what the bytes say: the one sender, the decoded subject, the
client's text (the plain part, else the words of the HTML part), the DKIM result and what
could not be read (too large, an unknown charset). What it means is the core's.

DKIM is checked with dkimpy wherever the message carries a ``DKIM-Signature``; the DNS
lookup is a function handed in (dkimpy's own, over dnspython, unless a test gives one).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import replace
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser

import dkim

from sheetsync.core.replies import Reply

MAX_BYTES = 1_000_000  # a reply larger than this is not read (a 5 MB quoted history...)
DnsFunc = Callable[..., bytes | None]


class _Words(HTMLParser):
    """The readable words of an HTML body: tags dropped, blocks as lines, scripts and
    styles left out, and a line ``>`` where a quoted block (Gmail, Outlook) begins."""

    BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "table", "hr"})
    HIDDEN = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = " ".join(v or "" for k, v in attrs if k == "class")
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "blockquote" or "gmail_quote" in classes or "OutlookMessageHeader" in classes:
            self.out.append("\n>\n")
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.out.append(data)


def html_words(html: str) -> str:
    parser = _Words()
    parser.feed(html)
    parser.close()
    return re.sub(r"[ \t\xa0]+", " ", "".join(parser.out))


def _message_id(msg: EmailMessage | None, raw: bytes) -> str:
    found = str(msg.get("Message-ID", "") if msg is not None else "").strip()
    if found:
        return " ".join(found.split())
    return f"<{hashlib.sha256(raw).hexdigest()[:32]}@no-message-id.invalid>"


def _sender(msg: EmailMessage) -> tuple[str, str, str]:
    """(address, display name, problem) of the one From address."""
    found = getaddresses([str(v) for v in msg.get_all("From", [])])
    found = [(name, addr) for name, addr in found if addr]
    if len(found) != 1 or "@" not in found[0][1]:
        return "", found[0][0] if found else "", "several_senders"
    name, addr = found[0]
    try:
        Address(addr_spec=addr)
    except (ValueError, IndexError):
        return "", name, "several_senders"
    return addr.strip().casefold(), name.strip(), ""


def _text(msg: EmailMessage) -> tuple[str, str]:
    """(text, problem): the plain part, else the HTML part's words; ``charset X`` when the
    part's charset is unknown or its bytes are not in it."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", ""
    charset = part.get_content_charset() or "us-ascii"
    try:
        payload = part.get_payload(decode=True)
        # strict: a lie about the charset is not guessed at
        text = (payload if isinstance(payload, bytes) else b"").decode(charset)
    except (LookupError, UnicodeDecodeError):
        return "", f"charset {charset[:40]}"
    if part.get_content_subtype() == "html":
        text = html_words(text)
    return text, ""


def check_dkim(raw: bytes, dnsfunc: DnsFunc | None) -> str:
    """``none``, ``pass <domain>`` or ``fail <why>`` for the message's DKIM signature."""
    signer = dkim.DKIM(raw)
    try:
        kwargs = {"dnsfunc": dnsfunc} if dnsfunc is not None else {}
        good = signer.verify(**kwargs)
    except dkim.DKIMException as exc:
        return f"fail {' '.join(str(exc).split())[:120]}"
    except Exception as exc:  # dkimpy raises a few plain errors on mangled signatures
        return f"fail {type(exc).__name__}"
    domain = (signer.domain or b"").decode("ascii", "replace")
    return f"pass {domain}" if good else f"fail signature did not verify ({domain})"


def to_reply(raw: bytes, dnsfunc: DnsFunc | None = None, max_bytes: int = MAX_BYTES) -> Reply:
    """The ``Reply`` of one message's bytes; never raises on what a sender put in it."""
    if len(raw) > max_bytes:
        head = BytesHeaderParser(policy=policy.default).parsebytes(raw[:200_000])
        return Reply(message_id=_message_id(head, raw), sender="", sender_name="",
                     subject=str(head.get("Subject", "")), text="", problem="too_large",
                     size=len(raw))
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    try:
        subject = str(msg.get("Subject", ""))
    except (ValueError, IndexError):  # a malformed encoded word
        subject = ""
    sender, name, problem = _sender(msg)
    try:
        text, unreadable = _text(msg)
    except (ValueError, KeyError, IndexError, AssertionError):
        text, unreadable = "", "charset unreadable"
    dkim_result = check_dkim(raw, dnsfunc) if msg.get("DKIM-Signature") else "none"
    return Reply(message_id=_message_id(msg, raw), sender=sender, sender_name=name,
                 subject=subject, text=text, dkim=dkim_result, problem=problem or unreadable,
                 size=len(raw))


def too_large(head: bytes, size: int) -> Reply:
    """The ``Reply`` of a message too large to read, from its header block alone."""
    return replace(to_reply(head + b"\r\n", max_bytes=-1), size=size)


def subject_of(header_bytes: bytes) -> str:
    """The decoded subject of a message's header block (to pick tokened ones cheaply)."""
    head = BytesHeaderParser(policy=policy.default).parsebytes(header_bytes)
    try:
        return str(head.get("Subject", ""))
    except (ValueError, IndexError):
        return ""

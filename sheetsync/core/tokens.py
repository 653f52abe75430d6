"""The signed token of a reply action (CONTRACT section 6), as pure functions.

A token says which action a button stands for and the day it was issued; its MAC binds
that to the project and the item, which the subject carries in clear beside it:

    Confirm M3 · Acme rollout [ss:4kq2m7xw9c3ha5tbe2rfq]

The token is 13 bytes in lower-case base32 (21 characters, no padding): 2 bytes of issue
day (days since 2020-01-01), 1 byte of action, and the first 10 bytes (80 bits) of
HMAC-SHA256(secret, "sheetsync/1", project, item, action, day). Base32 survives subject
re-encoding, case changes and ``Re:`` prefixes; 80 bits cannot be guessed. The project is
matched by its name as ``schema.norm`` sees it, so a token survives a change of case.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sheetsync.core.schema import norm

ACTIONS = ("confirm", "changes", "approve", "decline", "done", "date")
MAX_AGE_DAYS = 60  # a token older than this is expired
EPOCH = date(2020, 1, 1)
MAC_BYTES = 10
TOKEN_RE = re.compile(r"\[\s*ss:\s*([a-z2-7]{21})\s*\]", re.IGNORECASE)
_PART_SEP = b"\x1f"


@dataclass(frozen=True)
class Token:
    """What a token says in clear: the action and the day it was issued."""

    action: str
    day: date
    mac: bytes

    @property
    def text(self) -> str:
        raw = ((self.day - EPOCH).days.to_bytes(2, "big")
               + bytes([ACTIONS.index(self.action)]) + self.mac)
        return base64.b32encode(raw).decode("ascii").rstrip("=").lower()

    @property
    def tag(self) -> str:
        """The token as it stands in a subject."""
        return f"[ss:{self.text}]"


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a token: ``reason`` is "" when it may be applied."""

    token: Token | None
    reason: str = ""  # "bad_token", "expired", "other_item", "other_project", "future"
    detail: str = ""  # e.g. the item or project the token is really for

    @property
    def ok(self) -> bool:
        return self.token is not None and not self.reason


def _mac(secret: bytes, project: str, item: str, action: str, day: date) -> bytes:
    parts = (b"sheetsync/1", norm(project).encode(), item.strip().encode(), action.encode(),
             day.isoformat().encode())
    return hmac.new(secret, _PART_SEP.join(parts), hashlib.sha256).digest()[:MAC_BYTES]


def sign(secret: bytes, project: str, item: str, action: str, day: date) -> Token:
    """The token of one button: ``action`` on ``item`` of ``project``, issued on ``day``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not EPOCH <= day < EPOCH + timedelta(days=65535):
        raise ValueError(f"a token cannot be issued on {day}")
    return Token(action, day, _mac(secret, project, item, action, day))


def find(text: str) -> Token | None:
    """The last well-formed ``[ss:...]`` token in a subject, or None (malformed is None)."""
    found = TOKEN_RE.findall(text or "")
    if not found:
        return None
    return decode(found[-1])


def decode(text: str) -> Token | None:
    """A token's clear parts, unchecked; None when it is not a token at all."""
    text = text.strip().upper()
    if len(text) != 21:
        return None
    try:
        raw = base64.b32decode(text + "===")
    except ValueError:
        return None
    if len(raw) != 3 + MAC_BYTES or raw[2] >= len(ACTIONS):
        return None
    return Token(ACTIONS[raw[2]], EPOCH + timedelta(days=int.from_bytes(raw[:2], "big")),
                 raw[3:])


def verify(secret: bytes, token: Token | None, project: str, item: str, today: date, *,
           items: Iterable[str] = (), projects: Iterable[tuple[str, Iterable[str]]] = (),
           max_age: int = MAX_AGE_DAYS) -> Verdict:
    """Whether ``token`` was signed for ``item`` of ``project`` and is still young enough.

    When it was not, ``items`` (the project's other IDs) and ``projects`` (other projects'
    names with their IDs) are tried, only to say why: a token copied from another item or
    another project reads as such rather than as a forgery. Comparisons are constant-time.
    """
    if token is None:
        return Verdict(None, "bad_token")
    good = _mac(secret, project, item, token.action, token.day)
    if not hmac.compare_digest(good, token.mac):
        for other in items:
            if other != item and hmac.compare_digest(
                    _mac(secret, project, other, token.action, token.day), token.mac):
                return Verdict(token, "other_item", other)
        for name, ids in projects:
            if norm(name) == norm(project):
                continue
            for other in ids:
                if hmac.compare_digest(_mac(secret, name, other, token.action, token.day),
                                       token.mac):
                    return Verdict(token, "other_project", name)
        return Verdict(token, "bad_token")
    if token.day > today + timedelta(days=1):  # a day of slack for time zones
        return Verdict(token, "future")
    if (today - token.day).days > max_age:
        return Verdict(token, "expired", token.day.isoformat())
    return Verdict(token)

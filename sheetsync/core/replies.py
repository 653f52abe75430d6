"""Reading a client's reply, as pure functions over text already decoded by the mail edge.

A reply arrives as a ``Reply``: its subject (``Re: Confirm M3 · Acme rollout [ss:...]``), the
sender, and its text (the plain part, or the words of the HTML part when there is no plain
one). Here it becomes what the client meant: the item, the project named in the subject,
the token, the client's own words (the text above the quoted history and the signature,
without the prompt lines the prefilled body carried) and, for a new date, the first date
in those words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sheetsync.core import cells, tokens
from sheetsync.core.cells import Bad
from sheetsync.core.schema import norm

SEPARATOR = " · "  # between the item and the project in an action subject
PROJECT_SHOWN = 80  # characters of a project name an action subject carries (``shown``)
WORDS_KEPT = 500  # characters of the client's words kept in a Responses row
# Re:, Fwd: and their translations, as mail programs put them in front of a subject.
_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|antw|ref|tr|rv|回复|回覆|答复|转发|轉寄|转寄)"
    r"\s*(?:\[\d+\])?\s*[:：]\s*)+", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]")
# Where the quoted history starts, in the ways common mail programs write it.
_QUOTE_START = re.compile(
    r"^\s*(?:>|On .{0,300} wrote:?\s*$|Le .{0,200} a écrit|Am .{0,200} schrieb"
    r"|-{2,}\s*(?:Original Message|Forwarded message|原始邮件|转发邮件)"
    r"|_{10,}\s*$|From:\s|发件人[:：]|寄件者[:：]|在.{0,200}写道[:：]?\s*$"
    r"|.{0,200}于.{0,100}写道[:：]?\s*$)", re.IGNORECASE)
_ANY_TOKEN = re.compile(r"\[\s*ss:[^\]]*\]", re.IGNORECASE)
_SIGNATURE = re.compile(r"^(?:-- ?|—— ?)$")
_DATE_CANDIDATE = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号]?"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
    r"|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}")


@dataclass(frozen=True)
class Reply:
    """One message as the mail edge decoded it; ``problem`` says what it could not read."""

    message_id: str
    sender: str  # the From address, lower-cased; "" when there is not exactly one
    sender_name: str
    subject: str
    text: str  # the plain part, or the words of the HTML part
    dkim: str = "none"  # "none", "pass <domain>", or "fail <why>"
    problem: str = ""  # "too_large", "charset <name>", "several_senders", ...
    size: int = 0


@dataclass(frozen=True)
class Parsed:
    """What a reply means, before any check against a project."""

    token: tokens.Token | None
    item: str
    project_text: str  # the subject's text after the item: the project's name
    words: str  # the client's own words, cut to WORDS_KEPT
    subject_clean: bool  # no control characters in the subject


def strip_prefixes(subject: str) -> str:
    """The subject without ``Re:``/``Fwd:``/``回复:`` prefixes, however many."""
    return _PREFIX.sub("", subject or "", count=1).strip()


def subject_parts(subject: str) -> tuple[str, str]:
    """(item, project text) of an action subject, ("", "") when it is not one."""
    core = strip_prefixes(subject)
    core = _ANY_TOKEN.sub("", core).strip()
    head, sep, tail = core.partition(SEPARATOR.strip())
    if not sep:
        return "", ""
    words = head.split()
    return (words[-1] if words else ""), " ".join(tail.split())


def own_words(text: str, prompts: Iterable[str] = ()) -> str:
    """The client's own words: above the quoted history and the signature, without the
    prompt lines of the prefilled body (also where the client typed on the prompt's own
    line, after its colon: the prompt's example date is never theirs), blank lines
    squeezed, cut to ``WORDS_KEPT``."""
    wanted = [p.split() for p in prompts if p.strip()]
    found = [re.compile(r"\s*".join(re.escape(w) for w in words), re.IGNORECASE)
             for words in sorted(wanted, key=len, reverse=True)]
    kept: list[str] = []
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _QUOTE_START.match(line) or _SIGNATURE.match(line.rstrip()):
            break
        own = line
        for prompt in found:
            own = prompt.sub(" ", own)
        if not own.strip():
            continue
        kept.append(own.strip())
        if sum(len(k) for k in kept) > WORDS_KEPT * 2:
            break
    words = " ".join(" ".join(kept).split())
    return words if len(words) <= WORDS_KEPT else words[:WORDS_KEPT - 1] + "…"


def first_date(words: str, order: str | None) -> date | None:
    """The first date the client wrote; a numeric form that reads two ways needs ``order``."""
    for match in _DATE_CANDIDATE.finditer(words or ""):
        found = cells.parse_date(match.group(0), order)
        if found is not None and not isinstance(found, Bad):
            return found
    return None


def parse(reply: Reply, prompts: Iterable[str] = ()) -> Parsed:
    item, project_text = subject_parts(reply.subject)
    return Parsed(
        token=tokens.find(reply.subject),
        item=item,
        project_text=project_text,
        words=own_words(reply.text, prompts),
        subject_clean=not _CONTROL.search(reply.subject or ""),
    )


def shown(name: str) -> str:
    """A project's name as an action subject carries it: one line, cut to PROJECT_SHOWN."""
    return " ".join(name.split())[:PROJECT_SHOWN]


def names_project(project_text: str, name: str) -> bool:
    """Whether the subject's project text is this project's name (case and spaces aside)."""
    return bool(project_text) and norm(project_text) == norm(name)

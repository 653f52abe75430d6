"""Reply buttons and acknowledgements, as pure functions (CONTRACT section 6).

A button is a ``mailto:`` link (RFC 6068: every octet of the subject and body outside the
unreserved set percent-encoded as UTF-8, line breaks as ``%0D%0A``) to the sheetsync
mailbox. Its subject is ``<Action> <ID> · <Project> [ss:<token>]``; its body tells the
client what to write where there is something to write. Each link stays under
``MAX_LINK`` characters, which common mail programs and webmail open whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from email.utils import parseaddr
from urllib.parse import quote

from sheetsync.core import replies, responses, tokens
from sheetsync.lang import catalog

MAX_LINK = 1800
# What each kind of waiting item offers (CONTRACT section 6).
OFFERED = {
    "confirm": ("confirm", "changes"),
    "approve": ("approve", "decline"),
    "client": ("done", "date"),
}


@dataclass(frozen=True)
class Button:
    action: str
    label: str
    url: str


@dataclass(frozen=True)
class Signer:
    """What every button of one email is made with: the key, the mailbox, the issue day."""

    secret: bytes
    address: str
    day: date


def _rfc6068(text: str) -> str:
    return quote(text.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")


def subject(action: str, item: str, project: str, language: str, token: tokens.Token) -> str:
    name = replies.shown(project)
    label = catalog.get(language)(f"btn_{action}")
    return f"{label} {item}{replies.SEPARATOR}{name} {token.tag}"


def body(action: str, language: str) -> str:
    t = catalog.get(language)
    key = {"changes": "reply_prompt_changes", "date": "reply_prompt_date"}.get(
        action, "reply_prompt_other")
    return t(key) + "\n\n"


def mailto(address: str, subject_text: str, body_text: str) -> str:
    """The link; ``address`` may be written ``Name <name@domain>`` (a From line), the
    link holds the bare address as RFC 6068 wants."""
    local, _, domain = (parseaddr(address)[1] or address).partition("@")
    link = (f"mailto:{quote(local, safe='')}@{domain}?subject={_rfc6068(subject_text)}"
            f"&body={_rfc6068(body_text)}")
    return link


def buttons(kind: str, item: str, project: str, language: str, signer: Signer | None
            ) -> tuple[Button, ...]:
    """The buttons of one waiting item, or none without a signer or for another kind."""
    if signer is None or not signer.address or kind not in OFFERED:
        return ()
    out = []
    for action in OFFERED[kind]:
        token = tokens.sign(signer.secret, project, item, action, signer.day)
        url = mailto(signer.address, subject(action, item, project, language, token),
                     body(action, language))
        if len(url) > MAX_LINK:  # never a link a mail program would cut: leave it out
            continue
        out.append(Button(action, catalog.get(language)(f"btn_{action}"), url))
    return tuple(out)


def acknowledgement(row: responses.Response, project: str, title: str, language: str
                    ) -> tuple[str, str, str]:
    """(subject, text, html) of the short note that tells the client their answer counted."""
    from html import escape

    t = catalog.get(language)
    action = t(f"btn_{row.action}")
    subject_text = t("ack_subject", action=action, item=row.item, project=project)
    lines = [t("ack_thanks", item=row.item, title=title, action=action,
                   date=t.date(row.day) if row.day else row.time)]
    if row.value and row.action in ("changes", "date"):
        lines.append(t("ack_value", value=row.value))
    lines += [t("ack_next"), "", t("regards"), t("team")]
    text = "\n\n".join(line for line in lines[:-2] if line) + "\n\n" + "\n".join(
        lines[-2:]) + "\n"
    html = ("<!DOCTYPE html><html><body>"
            + "".join(f"<p>{escape(line)}</p>" for line in lines if line)
            + "</body></html>")
    return subject_text, text, html

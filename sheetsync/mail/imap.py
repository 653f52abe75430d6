"""The sheetsync mailbox over IMAP (CONTRACT sections 5 and 6), through imap-tools.

One session a run: log in, select the folder, find the unseen messages, read their headers
and sizes in one FETCH, read in full only those whose subject carries a token and that are
small enough, and later mark as seen the ones the caller recorded. Nothing is ever deleted
or moved, and nothing is expunged: ``+FLAGS (\\Seen)`` is stored with a plain UID STORE,
because imap-tools' ``flag()`` also sends EXPUNGE, which would remove mail that another
program marked deleted.
"""

from __future__ import annotations

import contextlib
import imaplib
import ssl
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Self

from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import MailboxLoginError, UnexpectedCommandStatusError
from imap_tools.message import MailMessage

from sheetsync.core import tokens
from sheetsync.errors import InboxError
from sheetsync.mail.inbound import MAX_BYTES, subject_of
from sheetsync.mailboxes import ImapSettings

SECURITIES = ("ssl", "starttls", "none")
FETCH_CHUNK = 100  # messages a FETCH asks for at once


@dataclass(frozen=True)
class Fetched:
    """One unseen message: its UID, size, subject, and its bytes when read in full."""

    uid: str
    size: int
    subject: str
    raw: bytes = b""
    head: bytes = b""  # the header block, as read first

    @property
    def tokened(self) -> bool:
        return tokens.TOKEN_RE.search(self.subject) is not None


class _Kept(MailMessage):
    """A fetched message that keeps its bytes as they came (DKIM needs them unchanged)."""

    def __init__(self, fetch_data: list) -> None:  # type: ignore[type-arg]
        self.raw = self._get_message_data_parts(fetch_data)[0]
        super().__init__(fetch_data)


class ImapInbox:
    """A session with the sheetsync mailbox; ``round_trips`` counts the commands sent."""

    def __init__(self, settings: ImapSettings, max_bytes: int = MAX_BYTES) -> None:
        if settings.security not in SECURITIES:
            raise InboxError(f"SHEETSYNC_IMAP_SECURITY must be one of {', '.join(SECURITIES)}.")
        self.settings = settings
        self.max_bytes = max_bytes
        self.round_trips = 0
        self._box: BaseMailBox | None = None

    def _mailbox(self) -> BaseMailBox:
        s = self.settings
        port = s.port or s.default_port
        if s.security == "ssl":
            return MailBox(s.host, port, timeout=s.timeout,
                           ssl_context=ssl.create_default_context())
        if s.security == "starttls":
            return MailBoxStartTls(s.host, port, timeout=s.timeout,
                                   ssl_context=ssl.create_default_context())
        return MailBoxUnencrypted(s.host, port, timeout=s.timeout)

    def __enter__(self) -> Self:
        s = self.settings
        try:
            box = self._mailbox()
            box.email_message_class = _Kept
            if s.oauth2_file:
                box.xoauth2(s.user, _access_token(s), initial_folder=s.folder)
            else:
                box.login(s.user, s.password, initial_folder=s.folder)
        except MailboxLoginError as exc:
            raise InboxError(
                f"The IMAP server {s.where} refused the login of {s.user!r}; check "
                "SHEETSYNC_IMAP_USER and SHEETSYNC_IMAP_PASSWORD (for Gmail, an app password "
                "or OAuth2, and IMAP turned on in its settings).") from exc
        except UnexpectedCommandStatusError as exc:
            raise InboxError(f"The IMAP folder {s.folder!r} cannot be opened on {s.where} "
                             f"({exc}); check SHEETSYNC_IMAP_FOLDER.") from exc
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
            raise InboxError(f"The IMAP server {s.where} cannot be reached ({exc}); check "
                             "SHEETSYNC_IMAP_HOST, SHEETSYNC_IMAP_PORT and "
                             "SHEETSYNC_IMAP_SECURITY.") from exc
        self.round_trips += 3 if s.security == "starttls" else 2  # (STARTTLS,) LOGIN, SELECT
        self._box = box
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._box is not None:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                self._box.logout()
            self._box = None

    @property
    def box(self) -> BaseMailBox:
        if self._box is None:
            raise InboxError("the IMAP session is not open")
        return self._box

    def _call(self, what: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return fn(*args, **kwargs)
        except (OSError, imaplib.IMAP4.error, UnexpectedCommandStatusError) as exc:
            raise InboxError(f"The IMAP server {self.settings.where} failed to {what} "
                             f"({exc}); sheetsync tries again on the next run.") from exc

    def _fetch(self, uids: list[str], headers_only: bool) -> dict[str, _Kept]:
        """Messages by UID, a chunk a FETCH; any the bulk answer did not pair up (a server
        may slip in unsolicited FLAGS lines) is asked for again on its own."""
        got: dict[str, _Kept] = {}
        for chunk in _chunks(uids, FETCH_CHUNK):
            found = self._call("read messages", lambda c=chunk: list(self.box.fetch(
                uid_list=c, headers_only=headers_only, mark_seen=False, bulk=True)))
            self.round_trips += 1
            got.update((m.uid, m) for m in found if m.uid in chunk)
        for uid in [u for u in uids if u not in got]:
            found = self._call("read a message", lambda u=uid: list(self.box.fetch(
                uid_list=[u], headers_only=headers_only, mark_seen=False)))
            self.round_trips += 1
            got.update((m.uid, m) for m in found if m.uid == uid)
        return got

    def unseen(self) -> list[Fetched]:
        """Every unseen message's size and subject; the tokened small ones in full."""
        uids = self._call("search the folder", self.box.uids, AND(seen=False))
        self.round_trips += 1
        heads = [Fetched(uid, m.size_rfc822, subject_of(m.raw), head=m.raw)
                 for uid, m in self._fetch(uids, headers_only=True).items()]
        wanted = [h.uid for h in heads if h.tokened and h.size <= self.max_bytes]
        full = self._fetch(wanted, headers_only=False)
        return [replace(h, raw=full[h.uid].raw) if h.uid in full else h for h in heads]

    def mark_seen(self, uids: Iterable[str]) -> None:
        """Flag these messages \\Seen (one UID STORE); never deletes, never expunges."""
        uids = [u for u in dict.fromkeys(uids) if u]
        if not uids:
            return
        result = self._call("mark messages as seen", self.box.client.uid, "STORE",
                            ",".join(uids), "+FLAGS", "(\\Seen)")
        self.round_trips += 1
        if result[0] != "OK":
            raise InboxError(f"The IMAP server {self.settings.where} would not mark messages "
                             f"as seen ({result[1]!r}).")


def _access_token(s: ImapSettings) -> str:
    """A fresh Google access token from the same OAuth2 file the SMTP login uses."""
    import json
    import urllib.error
    import urllib.parse
    import urllib.request

    import yagmail

    from sheetsync.mail.smtp import _read_oauth2_file

    info = _read_oauth2_file(s.oauth2_file)
    form = {"client_id": info["google_client_id"],
            "client_secret": info["google_client_secret"],
            "refresh_token": info["google_refresh_token"], "grant_type": "refresh_token"}
    url = yagmail.oauth2.command_to_url("o/oauth2/token")
    try:
        with urllib.request.urlopen(url, urllib.parse.urlencode(form).encode(),
                                    s.timeout) as answer:
            return str(json.loads(answer.read())["access_token"])
    except (urllib.error.URLError, TimeoutError, ValueError, KeyError) as exc:
        raise InboxError(f"Google's token service would not give an access token for the "
                         f"OAuth2 file {s.oauth2_file} ({exc}); make the file again.") from exc


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]

"""Several service accounts: which key file opens a sheet (issue 16, item 5).

One service account gets 60 Sheets reads and 60 writes a minute; an agency with more
projects than that serves adds accounts and shares each sheet with one of them. The key
files come in the configured order (``credentials`` as a list, or ``SHEETSYNC_CREDENTIALS``
with paths separated by ``os.pathsep``). For one sheet, ``KeyRing``:

- starts with the key the ``KeyMemory`` remembers for it (the state dir's ``keys/``
  folder, ``host.keychoice``), else with the first key file;
- when an answer says the sheet is not shared with that account (a 403 "The caller does
  not have permission", or a 404: ``gsheets_errors.not_shared``), puts the next key in
  place and the refused request is sent again: each key is tried once per run of a sheet.
  Any other answer (a protected range, a quota, the network) is that error, as before;
- when a request succeeds with another key than the remembered one, remembers it, so the
  next run sends no request with a wrong key;
- when none may open it, ``gsheets_errors.Explainer`` names every account in one sentence.

With one key file there is no ring at all: everything is as it was with a single key.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.service_account import Credentials

from sheetsync.backends import KeyMemory
from sheetsync.backends.gsheets_errors import not_shared
from sheetsync.backends.gsheets_http import load_credentials
from sheetsync.errors import ConfigError

if TYPE_CHECKING:
    from sheetsync.backends.gsheets import GoogleSheet


class KeyRing:
    """The key files one sheet may be opened with, and the one in use."""

    def __init__(self, sheet_id: str, keys: Sequence[Path],
                 memory: KeyMemory | None = None) -> None:
        self.sheet_id = sheet_id
        self.keys = tuple(dict.fromkeys(keys))
        self.memory = memory if len(self.keys) > 1 else None
        self.recalled = self.memory.recall(sheet_id) if self.memory is not None else None
        self.tried: set[Path] = set()
        self.current = self.keys[0]
        self.settled = True  # the key in place is the remembered one (nothing to record)
        self.sheet: GoogleSheet | None = None

    # ------------------------------------------------------------------ choosing
    def _email(self, path: Path) -> str | None:
        try:
            return str(load_credentials(path).service_account_email)
        except ConfigError:
            return None

    def order(self) -> list[Path]:
        """The remembered key first (matched by its account's email), then the others in
        the configured order."""
        keys = list(self.keys)
        if self.recalled:
            known = [k for k in keys if self._email(k) == self.recalled]
            keys = known[:1] + [k for k in keys if k not in known[:1]]
        return keys

    def first(self) -> tuple[Path, Credentials]:
        """The key to start with: the first in ``order`` that loads. With one key file, or
        when none loads, the first one's ConfigError (the key file's own sentence)."""
        order = self.order()
        start = next((k for k in order if self._email(k) is not None), order[0])
        self.current = start
        creds = load_credentials(start)
        self.settled = len(self.keys) < 2 or self.recalled == creds.service_account_email
        return start, creds

    def attach(self, sheet: GoogleSheet) -> None:
        """Serve ``sheet``'s requests (several keys only; one key needs nothing)."""
        if len(self.keys) < 2:
            return
        self.sheet = sheet
        sheet.http.keys = self
        sheet.explain.accounts = self.accounts

    # ------------------------------------------------------------------ KeySwitch
    def refused(self, response: requests.Response) -> bool:
        """Put the next untried key in place when ``response`` says "not shared"."""
        if self.sheet is None or not not_shared(response):
            return False
        self.tried.add(self.current)
        for path in self.order():
            if path in self.tried:
                continue
            self.tried.add(path)
            try:
                creds = load_credentials(path)
            except ConfigError:
                continue  # doctor says what is wrong with it
            self._use(path, creds)
            return True
        return False

    def answered(self) -> None:
        if self.settled:
            return
        self.settled = True
        if self.sheet is not None and self.memory is not None:
            self.recalled = self.sheet.email
            self.memory.remember(self.sheet_id, self.sheet.email, str(self.current))

    def _use(self, path: Path, creds: Credentials) -> None:
        sheet = self.sheet
        assert sheet is not None
        old = sheet.http.session
        sheet.http.auth = creds
        sheet.http.session = AuthorizedSession(creds)  # type: ignore[no-untyped-call]
        old.close()
        self.current, self.settled = path, False
        sheet.email = sheet.explain.email = str(creds.service_account_email)
        sheet.key_file = sheet.explain.key_file = path

    def accounts(self) -> list[str]:
        """Every configured account's email, or what is wrong with its key file."""
        return [self._email(path) or f"{path}, a key file that cannot be loaded"
                for path in self.keys]

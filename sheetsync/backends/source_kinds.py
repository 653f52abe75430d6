"""The two kinds of SOURCE (``sheetsync.backends.SourceKind``): a Google Sheet and an .xlsx file.

Each brings its own open, doctor checks, template lay-out and canonical spelling; the
backend modules themselves are imported only when a source of their kind is used.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from sheetsync.backends import Access, Backend
from sheetsync.core import sources
from sheetsync.core.findings import Finding, tab_findings
from sheetsync.errors import ConfigError, NotNew, SheetsyncError

if TYPE_CHECKING:
    from sheetsync.backends.gsheets import GoogleSheet
    from sheetsync.backends.gsheets_http import RetryPolicy
    from sheetsync.blueprint.layout import Blueprint


class GoogleSheetKind:
    """``gsheet:<id>`` or a docs.google.com/spreadsheets URL, reached with a service account."""

    name = sources.GSHEET

    def open(self, source: str, access: Access) -> Backend:
        from sheetsync.backends.gsheets import GoogleSheet

        return GoogleSheet.open(source, credentials=access.credentials,
                                endpoint=access.endpoint, retry=retry_policy(access),
                                pace=access.pace, keys=access.keys, memory=access.key_memory)

    def prepare(self, access: Access, *, needed: bool) -> Finding | None:
        """The service-account key file: present, a service-account JSON key, its client_email."""
        from sheetsync.backends.gsheets_http import load_credentials

        if len(access.keys) > 1:
            return _several_keys(access.keys, needed)
        if access.credentials is None:
            return Finding(not needed, "Key file: none is configured; set SHEETSYNC_CREDENTIALS "
                                       "to a service-account JSON key for Google Sheet sources.")
        path = Path(access.credentials)
        if not path.exists() and not needed:
            return Finding(True, f"Key file: none at {path}; it is only needed for Google "
                                 "Sheet sources.")
        try:
            creds = load_credentials(path)
        except ConfigError as err:
            return Finding(False, f"Key file: {err}")
        return Finding(True, f"Key file {path}: service account {creds.service_account_email} "
                             "(share each Google Sheet with it as an Editor).")

    def diagnose(self, source: str, access: Access, *, ready: bool = True) -> list[Finding]:
        """Access through the service account (one request, few retries), and its tabs."""
        from sheetsync.backends.gsheets import GoogleSheet

        if not ready:
            return [Finding(False, f"{source}: not checked; fix the key file first.")]
        try:
            sheet = GoogleSheet.open(source, credentials=access.credentials,
                                     endpoint=access.endpoint,
                                     retry=replace(retry_policy(access), max_tries=2,
                                                   max_total_wait=5),
                                     keys=access.keys, memory=access.key_memory)
            titles = list(sheet.tabs)
        except SheetsyncError as err:
            return [Finding(False, f"{source}: {err}", err.detail)]
        opened = Finding(True, f'{source}: opens as "{sheet.title}" for {sheet.email}.')
        return [opened, *tab_findings(source, titles), *_room(source, sheet),
                *_drive_finding(sheet)]

    def lay_out(self, source: str, blueprint: Blueprint, access: Access) -> list[str]:
        from sheetsync.backends.gsheets import GoogleSheet
        from sheetsync.backends.gsheets_template import init_sheet

        sheet = GoogleSheet.open(source, credentials=access.credentials,
                                 endpoint=access.endpoint, retry=retry_policy(access),
                                 keys=access.keys, memory=access.key_memory)
        return init_sheet(sheet, blueprint).lines()

    def canonical(self, source: str) -> str:
        return sources.canonical(source)


def _room(source: str, sheet: GoogleSheet) -> list[Finding]:
    """A sheet near Google's limit of cells: said before a check's History or Timeline
    passes it (that write would then leave them out and say so in Problems)."""
    from sheetsync.backends.gsheets_errors import CELL_LIMIT

    cells = sum(t.rows * t.cols for t in sheet.tabs.values())
    if cells < CELL_LIMIT * 0.8:
        return []
    return [Finding(False, f"{source}: uses {cells:,} of Google's limit of {CELL_LIMIT:,} "
                           "cells (every tab's empty rows and columns count); delete unused "
                           "tabs, or the empty rows and columns at the end of large tabs, so "
                           "History, Board and Timeline keep room to grow.")]


def _several_keys(keys: tuple[Path, ...], needed: bool) -> Finding:
    """Several key files: OK when each loads (each one's line comes with the key section)."""
    from sheetsync.backends.gsheets_http import load_credentials

    emails, broken = [], []
    for path in keys:
        try:
            emails.append(str(load_credentials(path).service_account_email))
        except ConfigError:
            broken.append(str(path))
    said = (f"Key files: {len(emails)} of {len(keys)} load"
            f"{' (' + ', '.join(emails) + ')' if emails else ''}")
    if broken:  # each broken one gets its own line in the key section
        return Finding(bool(emails) or not needed,
                       f"{said}; {', '.join(broken)} cannot be loaded (see below).")
    return Finding(True, f"{said}; share each Google Sheet with one of them as an Editor.")


def retry_policy(access: Access) -> RetryPolicy:
    """The backend's retry policy with the configured timeouts (``host.config`` reads them)."""
    from sheetsync.backends.gsheets_http import RetryPolicy

    base = RetryPolicy()
    return replace(base, connect_timeout=access.connect_timeout or base.connect_timeout,
                   read_timeout=access.read_timeout or base.read_timeout,
                   budget=access.retry_budget or base.budget)


_DRIVE_TOLD: set[str] = set()  # key files whose Drive access doctor asked already


def _drive_finding(sheet: GoogleSheet) -> list[Finding]:
    """Said once per key file: ``run`` cannot skip unchanged sheets (it reads them instead)."""
    from sheetsync.backends.gsheets_drive import why_not

    if str(sheet.key_file) in _DRIVE_TOLD:
        return []
    _DRIVE_TOLD.add(str(sheet.key_file))
    trouble = why_not(sheet)
    if not trouble:
        return []
    return [Finding(True, f"{sheet.source}: {trouble}")]


class XlsxKind:
    """The path of an .xlsx file, saved beside itself and renamed into place."""

    name = sources.XLSX

    def open(self, source: str, access: Access) -> Backend:
        from sheetsync.backends.xlsx import XlsxFile

        return XlsxFile(source, lock_dir=access.lock_dir)

    def prepare(self, access: Access, *, needed: bool) -> Finding | None:
        return None  # a file needs nothing shared by all files

    def diagnose(self, source: str, access: Access, *, ready: bool = True) -> list[Finding]:
        """Exists, readable, writable, its tabs, nothing that blocks writing."""
        from sheetsync.backends.xlsx import XlsxFile

        path = Path(source)
        if not path.exists():
            return [Finding(False, f"{path} does not exist; check the path, or create it with "
                                   f"'sheetsync init {path}'.")]
        if not os.access(path, os.R_OK):
            return [Finding(False, f"{path} cannot be read by this user; make it readable "
                                   "(chmod u+r).")]
        try:
            raw = XlsxFile(path).read()
        except (SheetsyncError, OSError) as err:
            return [Finding(False, f"{path}: {err}")]
        findings = [Finding(True, f"{path}: readable, {len(raw.tabs)} sheetsync tabs."),
                    writable_file(path)]
        if not raw.can_write:
            findings.append(Finding(False, f"{path}: sheetsync will not write to it now: "
                                           f"{raw.write_refusal}."))
        findings.extend(tab_findings(str(path), [t.name for t in raw.tabs]))
        return findings

    def lay_out(self, source: str, blueprint: Blueprint, access: Access) -> list[str]:
        path = create_xlsx(source, blueprint)
        return [f"Created {path} ({blueprint.language} template): tabs "
                f"{', '.join(t.title for t in blueprint.tabs)}, with example rows to overwrite."]

    def canonical(self, source: str) -> str:
        return sources.canonical(source)


def create_xlsx(source: str | os.PathLike[str], blueprint: Blueprint) -> Path:
    """A new project workbook from the template; an existing file is never touched."""
    from sheetsync.backends.xlsx_template import write_template

    target = Path(source)
    if target.exists():
        raise NotNew(f"{source} already exists and init never overwrites a workbook; "
                     "give the path of a new .xlsx file.")
    if target.suffix.lower() != ".xlsx":
        raise NotNew(f"{target} does not end in .xlsx; give the new workbook a name like "
                     "project.xlsx.")
    return write_template(target, blueprint)


def writable_file(path: Path) -> Finding:
    """sheetsync saves beside the file and renames over it: both must be writable."""
    folder = path.parent if str(path.parent) else Path()
    if not os.access(path, os.W_OK):
        return Finding(False, f"{path} is read-only for this user; make it writable (chmod u+w) "
                              "so sheetsync can write flags, Problems and Log.")
    if not os.access(folder, os.W_OK | os.X_OK):
        return Finding(False, f"The folder {folder} is read-only for this user, and sheetsync "
                              "saves through a temporary file there; make the folder writable.")
    return Finding(True, f"{path}: writable.")


KINDS = (GoogleSheetKind(), XlsxKind())

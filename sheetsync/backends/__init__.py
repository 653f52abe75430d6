"""Where a project workbook lives: an .xlsx file or a Google Sheet.

Both backends satisfy ``Backend``: ``read()`` returns every tab sheetsync knows (by
``schema.canonical_tab``) as a ``RawWorkbook`` in one batch, and ``apply(plan)`` writes a
``WritePlan`` and nothing else. How a backend must apply a plan:

- ``plan.flag_cells`` go to ``plan.flags_tab``. A cell with ``key == ""`` (a header, or a
  stale flag on a row with no ID) is written at its (row, col). A cell with a ``key``
  belongs to the milestone whose ID (in column ``plan.id_col``) is ``key``: staff may have
  inserted, deleted or sorted rows since the read, so the backend re-reads the ID column
  just before writing and moves each cell to the row that holds its ID now
  (``writeplan.remap``); a cell whose ID is gone or no longer unique is skipped (the next
  run writes it).
- ``plan.problems_rows``, when not None, is the whole content of the Problems tab (header
  first); the tab is created if missing and every older row beyond the new ones is blanked.
- ``plan.log_rows`` are appended after the last row of the Log tab, which is created with
  ``plan.log_header`` first when missing. With ``plan.echo_log``, ``apply`` returns the Log
  tab as it stands just after the write, in the same write (the send guard reads it).
- Everything is written as text, never as a formula; no other cell is touched.
- An empty plan writes nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sheetsync.core import sources
from sheetsync.core.findings import Finding
from sheetsync.model import RawTab, RawWorkbook, WritePlan

if TYPE_CHECKING:
    from sheetsync.blueprint.layout import Blueprint


class Backend(Protocol):
    source: str  # as the user gave it, for messages and JSON
    api_requests: int  # requests sent to a remote service so far (0 for a file)

    def read(self) -> RawWorkbook: ...

    def apply(self, plan: WritePlan) -> RawTab | None:
        """Write the plan; with ``plan.echo_log``, return the Log tab as it stands just
        after this write (other runs' rows included), else None."""
        ...

    def modified_time(self) -> str | None:
        """A stamp that moves whenever the workbook changes (a Google Sheet's Drive
        ``modifiedTime``), or None when it cannot be told cheaply: then ``run`` reads."""
        ...


class KeyMemory(Protocol):
    """Which service account opened each Google Sheet last (``host.keychoice`` keeps it in
    the state dir), so a run with several key files goes straight to the right one."""

    def recall(self, sheet_id: str) -> str | None:
        """The service-account email that last opened the sheet, or None."""
        ...

    def remember(self, sheet_id: str, email: str, key_file: str) -> None: ...


@dataclass(frozen=True)
class Access:
    """How this run reaches its sources (from the config): the key, the endpoint, the locks."""

    credentials: Path | None = None
    endpoint: str | None = None
    lock_dir: Path | None = None
    # Google request timeouts in seconds (None: the backend's own defaults)
    connect_timeout: float | None = None
    read_timeout: float | None = None
    retry_budget: float | None = None
    # pace(service account, "read" | "write") -> seconds waited: the host's quota buckets
    pace: Callable[[str, str], float] | None = None
    # every key file, in the order a new sheet tries them (``credentials`` is the first);
    # empty: just ``credentials``. ``key_memory`` remembers each sheet's choice.
    keys: tuple[Path, ...] = ()
    key_memory: KeyMemory | None = None


class SourceKind(Protocol):
    """One kind of SOURCE: everything sheetsync does that depends on where a workbook lives."""

    name: str

    def open(self, source: str, access: Access) -> Backend:
        """The backend that reads and writes it (nothing is sent yet for a remote one)."""
        ...

    def prepare(self, access: Access, *, needed: bool) -> Finding | None:
        """``doctor``: what every source of this kind needs first (a key file), if anything."""
        ...

    def diagnose(self, source: str, access: Access, *, ready: bool = True) -> list[Finding]:
        """``doctor``: can it be read and written, which tabs it has; nothing is written."""
        ...

    def lay_out(self, source: str, blueprint: Blueprint, access: Access) -> list[str]:
        """``init``: lay the template on a new workbook; what was done, one line each."""
        ...

    def canonical(self, source: str) -> str:
        """One spelling per workbook (one lock and one journal each)."""
        ...


def kinds() -> tuple[SourceKind, ...]:
    """Every kind of SOURCE, in the order ``doctor`` prepares them."""
    from sheetsync.backends.source_kinds import KINDS

    return KINDS


def kind(source: str) -> SourceKind:
    """The kind of a SOURCE; a web address that is no Google Sheet is a ConfigError."""
    name = sources.kind_of(source)
    return next(k for k in kinds() if k.name == name)


def open_backend(source: str, *, credentials: Path | None = None,
                 endpoint: str | None = None, lock_dir: Path | None = None) -> Backend:
    """The backend for a SOURCE: an .xlsx path, a Google Sheet URL or ``gsheet:<id>``."""
    return kind(source).open(source, Access(credentials, endpoint, lock_dir))

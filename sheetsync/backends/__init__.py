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
  ``plan.log_header`` first when missing.
- Everything is written as text, never as a formula; no other cell is touched.
- An empty plan writes nothing at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from sheetsync.core import sources
from sheetsync.errors import ConfigError
from sheetsync.model import RawWorkbook, WritePlan


class Backend(Protocol):
    source: str  # as the user gave it, for messages and JSON
    api_requests: int  # requests sent to a remote service so far (0 for a file)

    def read(self) -> RawWorkbook: ...

    def apply(self, plan: WritePlan) -> None: ...


def open_backend(source: str, *, credentials: Path | None = None,
                 endpoint: str | None = None, lock_dir: Path | None = None) -> Backend:
    """The backend for a SOURCE: an .xlsx path, a Google Sheet URL or ``gsheet:<id>``."""
    if sources.is_google(source):
        from sheetsync.backends.gsheets import GoogleSheet

        return GoogleSheet.open(source, credentials=credentials, endpoint=endpoint)
    if source.startswith(("http://", "https://")):
        raise ConfigError(
            f"{source} is not a Google Sheet address; give a docs.google.com/spreadsheets URL, "
            "gsheet:<spreadsheet id>, or the path of an .xlsx file."
        )
    from sheetsync.backends.xlsx import XlsxFile

    return XlsxFile(source, lock_dir=lock_dir)

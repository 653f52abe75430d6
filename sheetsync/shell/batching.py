"""One write per project per run: the writes of one project's jobs in ``run``, merged.

``Batched`` wraps the backend that ``run`` reads a project through (``reconcile``). A write
of flags, Problems and job tabs (the day's check) is held instead of sent. The next write
takes it along: the ``sending`` Log row a send announces itself with (``delivery.claim``),
whose answer carries the Log for the guard, or any other Log rows. So on a day when the
check and an email are both due, the flags, the Problems tab and the ``sending`` row are
one write (one ``spreadsheets:batchUpdate`` on Google, one file replace for an .xlsx), and
the guard's look at the Log comes back in its answer. What is still held when the
project's jobs are done goes out alone (``flush``).

A merged write the sheet refuses (a protected Log, a Viewer share: nothing was written) is
sent again in its two parts, so the flags never wait on the Log. Any other failure of a
held write (sent, or perhaps sent: never twice) is kept in ``failures`` under the job that
made it, for the runner to report that job as failed and not record it as done. Only
the runner knows which job is running (``owner``); this module knows no job by name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sheetsync.backends import Backend
from sheetsync.errors import AccessDenied, SheetsyncError, WriteRefused
from sheetsync.model import RawTab, RawWorkbook, WritePlan


@dataclass
class _Held:
    plan: WritePlan
    owner: str


class Batched:
    """A ``Backend`` whose flag and Problems writes wait for the next write, or ``flush``."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.source = inner.source
        self.owner = ""  # the job running now: a write held is told to it if it fails
        self.failures: dict[str, str] = {}  # job -> why its held write failed
        self._held: _Held | None = None

    @property
    def api_requests(self) -> int:
        return self.inner.api_requests

    @api_requests.setter
    def api_requests(self, value: int) -> None:
        self.inner.api_requests = value

    def read(self) -> RawWorkbook:
        return self.inner.read()

    def modified_time(self) -> str | None:
        return self.inner.modified_time()

    def apply(self, plan: WritePlan) -> RawTab | None:
        if plan.empty:
            return None
        if not plan.log_rows and not plan.echo_log:  # flags, Problems, job tabs: hold
            self.flush()
            self._held = _Held(plan, self.owner)
            return None
        held, self._held = self._held, None
        if held is None:
            return self.inner.apply(plan)
        if not _log_only(plan):
            self._send(held)
            return self.inner.apply(plan)
        merged = replace(held.plan, log_tab=plan.log_tab, log_header=plan.log_header,
                         log_rows=held.plan.log_rows + plan.log_rows,
                         echo_log=plan.echo_log)
        try:
            return self.inner.apply(merged)
        except (AccessDenied, WriteRefused):  # refused whole, nothing written: the parts
            self._send(held)
            return self.inner.apply(plan)
        except SheetsyncError as exc:  # perhaps written: never sent twice; told to its job
            self.failures[held.owner] = str(exc)
            raise

    def flush(self) -> None:
        """Send what is held, alone; a failure goes to ``failures``."""
        held, self._held = self._held, None
        if held is not None:
            self._send(held)

    def _send(self, held: _Held) -> None:
        try:
            self.inner.apply(held.plan)
        except SheetsyncError as exc:
            self.failures[held.owner] = str(exc)


def _log_only(plan: WritePlan) -> bool:
    return not (plan.flag_cells or plan.problems_rows is not None or plan.tabs)

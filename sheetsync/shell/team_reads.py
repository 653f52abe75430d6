"""When an idle run must still read a project: for the jobs over every project.

The team nudges and the digest (``shell/agency``) work on every project *as read in the
same run*. A project skipped as idle (``reconcile._idle``: nothing due, sheet unchanged)
would be missing from them, so a project is still read:

- once a working day (Monday to Friday in its time zone) at the first run from 09:00, the
  nudge time, recorded in the ledger as the job ``team-read`` for that project day; the
  nudges go out in that same run;
- in every run while the week's digest is due and not settled.

This costs one read per project per working day beside the daily check (docs/google-sheets.md,
"Idle runs"). A person with projects in several time zones gets the nudge at the first of
them to reach 09:00; projects of theirs in a later time zone that were idle in that run are
not in it (they are in the next day's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sheetsync.core import calendar
from sheetsync.core.digest import DigestSchedule
from sheetsync.host.ledger import Ledger
from sheetsync.model import Settings

JOB = "team-read"


@dataclass(frozen=True)
class TeamReads:
    ledger: Ledger
    now: datetime
    digest: DigestSchedule | None = None

    def _day(self, settings: Settings) -> str:
        """The project day whose team read is due now, or ""."""
        here = calendar.local(self.now, settings)
        if here.weekday() >= 5 or here.time() < calendar.REMINDER_TIME:
            return ""
        return here.date().isoformat()

    def needed(self, source: str, settings: Settings) -> bool:
        """Whether this run must read the project for the jobs over every project."""
        if self._digest_due():
            return True
        day = self._day(settings)
        return bool(day) and self.ledger.status(source, JOB, day).state != "done"

    def read(self, source: str, settings: Settings) -> None:
        """The project was read in this run: the nudges of its day have it."""
        day = self._day(settings)
        if day and self.ledger.status(source, JOB, day).state != "done":
            self.ledger.done(source, JOB, day, at=self.now, detail="read for the team jobs")

    def _digest_due(self) -> bool:
        if self.digest is None or not self.digest.to:
            return False
        from sheetsync.shell.agency import agency_key, digest_period

        period, _ = digest_period(self.digest, self.now)
        state = self.ledger.status(agency_key("digest"), "digest", period.isoformat()).state
        return state not in ("sent", "skipped", "done", "unknown")

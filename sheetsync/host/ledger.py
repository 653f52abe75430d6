"""Local run state: what each job did for each project and period, and the locks.

The state dir (``SHEETSYNC_STATE_DIR``, by default the user's state folder: see
``places``; 0700, its files 0600) holds one append-only journal a project
(``<key>/journal.jsonl``, one JSON object a line, fsynced) and one lock file a project.
It is what makes "at most once" true even when the sheet cannot be written:

- before an email is sent, an ``intent`` record names the job, the period (a report's
  week-ending date, a reminder's day) and the Message-ID;
- after it, an ``outcome`` record says ``sent`` or ``failed``;
- an intent with no outcome means the process died between the two: the email may or may
  not have gone, so it is ``unknown`` and is never sent again by itself (the admin is told;
  ``--force`` resends);
- a Log row the sheet would not take is kept as ``log_pending`` (every field of the row)
  until a ``logged`` record says a later run wrote it: no send's Log row is ever lost.

Locks are ``filelock`` locks (``flock``): the operating system releases them when a process
dies, so a killed run never leaves a lock that blocks the next one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from sheetsync.core import sources
from sheetsync.errors import ConfigError, LockBusy
from sheetsync.host.places import open_private, private_dir

LOCK_WAIT = 5.0  # seconds; a second process waits this long, then leaves the project alone


def canonical_source(source: str) -> str:
    """One spelling per project (``sources.canonical``): one lock and one journal each."""
    return sources.canonical(source)


def project_key(source: str) -> str:
    """A short, file-safe, stable name for a SOURCE (the same for every spelling of it)."""
    source = canonical_source(source)
    readable = re.sub(r"[^A-Za-z0-9]+", "-", Path(source).stem if "/" in source else source)
    digest = hashlib.sha256(source.encode()).hexdigest()[:10]
    return f"{readable.strip('-')[:40]}-{digest}"


@dataclass(frozen=True)
class Record:
    kind: str  # "intent", "outcome", "done", "log_pending" or "logged"
    job: str
    period: str
    at: str
    message_id: str = ""
    result: str = ""
    detail: str = ""
    recipients: tuple[str, ...] = ()
    subject: str = ""
    items: tuple[str, ...] = ()
    cc_sponsor: bool = False


@dataclass(frozen=True)
class PeriodStatus:
    """Where one job stands for one period."""

    state: str  # "none", "sent", "failed", "unknown", "done", "skipped"
    message_id: str = ""
    detail: str = ""
    records: tuple[Record, ...] = field(default=())


class Ledger:
    def __init__(self, state_dir: str | os.PathLike[str]) -> None:
        self.root = Path(state_dir)
        self._held: dict[str, int] = {}  # project key -> depth, so a flow may lock again inside
        # the last journal parsed, by (path, mtime, size): a run asks it many times
        self._parsed: tuple[tuple[str, int, int], tuple[Record, ...]] | None = None

    @contextmanager
    def _io(self) -> Iterator[None]:
        """A state file that cannot be read or written is the admin's to fix (exit 2)."""
        try:
            yield
        except Timeout:  # filelock's Timeout is an OSError too: a busy lock, not a broken dir
            raise
        except OSError as exc:
            raise ConfigError(
                f"the state dir {self.root} cannot be used ({exc.strerror or exc}: "
                f"{exc.filename or self.root}); set SHEETSYNC_STATE_DIR to a folder this user "
                "can write, and run every sheetsync command as that same user.") from exc

    def _dir(self, source: str) -> Path:
        path = self.root / project_key(source)
        with self._io():
            private_dir(self.root)
            private_dir(path)
        return path

    @contextmanager
    def lock(self, source: str, wait: float = LOCK_WAIT) -> Iterator[None]:
        """Hold the project's lock; ``LockBusy`` if another process keeps it past ``wait``.

        Re-entrant within this Ledger: ``run`` holds it around a project's jobs, and the
        delivery inside takes it again without waiting on itself.
        """
        key = project_key(source)
        if self._held.get(key):
            self._held[key] += 1
            try:
                yield
            finally:
                self._held[key] -= 1
            return
        lock = FileLock(str(self._dir(source) / "lock"), mode=0o600)
        try:
            with self._io():
                lock.acquire(timeout=wait)
        except Timeout as exc:
            raise LockBusy(f"another sheetsync process is working on {source}; this run left "
                           "it alone and the next run will pick it up.") from exc
        self._held[key] = 1
        try:
            yield
        finally:
            self._held[key] = 0
            lock.release()

    # ------------------------------------------------------------------ journal

    def unknown_sends(self, source: str) -> tuple[tuple[str, str, str], ...]:
        """(job, period, Message-ID) of every send of unknown fate not yet resolved, oldest
        first; reads only (``doctor`` writes nothing, not even the project's folder)."""
        if not (self.root / project_key(source) / "journal.jsonl").exists():
            return ()
        seen = dict.fromkeys((r.job, r.period) for r in self.records(source))
        out = []
        for job, period in seen:
            status = self.status(source, job, period)
            if status.state == "unknown":
                out.append((job, period, status.message_id))
        return tuple(out)

    def records(self, source: str) -> tuple[Record, ...]:
        """Every record of a project's journal, oldest first (parsed once per file state)."""
        path = self._dir(source) / "journal.jsonl"
        try:
            stat = path.stat()
        except FileNotFoundError:
            return ()
        stamp = (str(path), stat.st_mtime_ns, stat.st_size)
        if self._parsed is not None and self._parsed[0] == stamp:
            return self._parsed[1]
        out = []
        with self._io():
            text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a crash
            if isinstance(data, dict):
                data = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
                out.append(Record(**{k: v for k, v in data.items()
                                     if k in Record.__dataclass_fields__}))
        self._parsed = (stamp, tuple(out))
        return self._parsed[1]

    def _append(self, source: str, record: Record) -> None:
        data: dict[str, Any] = {k: v for k, v in record.__dict__.items()
                                if v not in ("", (), False)}
        data |= {"kind": record.kind, "job": record.job, "period": record.period}
        path = self._dir(source) / "journal.jsonl"
        line = (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")
        with self._io(), os.fdopen(open_private(path, os.O_RDWR | os.O_APPEND), "a+b") as fh:
            if fh.seek(0, os.SEEK_END):
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":  # a line cut short by a crash: end it, keep this one
                    line = b"\n" + line
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    def status(self, source: str, job: str, period: str) -> PeriodStatus:
        """The last word on (job, period): sent beats everything; an open intent is unknown."""
        mine = tuple(r for r in self.records(source) if r.job == job and r.period == period)
        outcomes = {r.message_id: r for r in mine if r.kind == "outcome"}
        for r in mine:
            if r.kind == "outcome" and r.result == "sent":
                return PeriodStatus("sent", r.message_id, r.detail, mine)
        for r in mine:
            if r.kind == "intent" and r.message_id not in outcomes:
                return PeriodStatus("unknown", r.message_id, "", mine)
        dones = [r for r in mine if r.kind == "done"]
        if dones:
            return PeriodStatus(dones[-1].result or "done", "", dones[-1].detail, mine)
        if outcomes:
            last = list(outcomes.values())[-1]
            return PeriodStatus(last.result, last.message_id, last.detail, mine)
        return PeriodStatus("none", records=mine)

    def intend(self, source: str, job: str, period: str, *, at: datetime, message_id: str,
               recipients: tuple[str, ...], subject: str, items: tuple[str, ...] = (),
               cc_sponsor: bool = False) -> None:
        self._append(source, Record("intent", job, period, at.isoformat(), message_id,
                                    recipients=recipients, subject=subject, items=items,
                                    cc_sponsor=cc_sponsor))

    def outcome(self, source: str, job: str, period: str, *, at: datetime, message_id: str,
                result: str, detail: str = "", items: tuple[str, ...] = ()) -> None:
        self._append(source, Record("outcome", job, period, at.isoformat(), message_id,
                                    result=result, detail=detail, items=items))

    def done(self, source: str, job: str, period: str, *, at: datetime, result: str = "done",
             detail: str = "") -> None:
        """A job that sends nothing (the check), or a period deliberately skipped."""
        self._append(source, Record("done", job, period, at.isoformat(), result=result,
                                    detail=detail))

    def log_pending(self, source: str, job: str, period: str, *, at: datetime,
                    message_id: str, result: str, detail: str,
                    recipients: tuple[str, ...], subject: str) -> None:
        """A Log row the sheet did not take (``at`` is the row's own time): kept to write."""
        self._append(source, Record("log_pending", job, period, at.isoformat(), message_id,
                                    result=result, detail=detail, recipients=recipients,
                                    subject=subject))

    def logged(self, source: str, pending: Record) -> None:
        """A pending Log row was written at last."""
        self._append(source, Record("logged", pending.job, pending.period, pending.at,
                                    pending.message_id, result=pending.result))

    def pending_logs(self, source: str) -> tuple[Record, ...]:
        """Log rows still to write, oldest first (each once, however often it failed)."""
        def key(r: Record) -> tuple[str, str, str, str, str]:
            return (r.job, r.period, r.at, r.message_id, r.result)

        records = self.records(source)
        written = {key(r) for r in records if r.kind == "logged"}
        out: dict[tuple[str, str, str, str, str], Record] = {}
        for r in records:
            if r.kind == "log_pending" and key(r) not in written:
                out.setdefault(key(r), r)
        return tuple(out.values())

    def sent_items(self, source: str, job: str) -> tuple[tuple[date, tuple[str, ...]], ...]:
        """(period day, items) of every email of a job that went out, oldest first."""
        out = []
        for r in self.records(source):
            if r.job == job and r.kind == "outcome" and r.result == "sent":
                try:
                    out.append((date.fromisoformat(r.period), r.items))
                except ValueError:
                    continue
        return tuple(out)

    # ------------------------------------------------------------------ admin alerts

    def first_alert_today(self, key: str, day: date) -> bool:
        """True once per (problem key, day): the admin hears of a problem once a day."""
        path = self.root / "alerts.jsonl"
        with self._io():
            private_dir(self.root)
        with self._io(), FileLock(str(self.root / "alerts.lock"), mode=0o600):
            seen = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
            line = json.dumps({"day": day.isoformat(), "key": key}, ensure_ascii=False)
            if line in seen:
                return False
            with os.fdopen(open_private(path, os.O_WRONLY | os.O_APPEND), "a",
                           encoding="utf-8") as fh:
                fh.write(line + "\n")
        return True

    def forget_alert(self, key: str, day: date) -> None:
        """Undo ``first_alert_today`` for an alert that could not be sent: the next run tries."""
        path = self.root / "alerts.jsonl"
        line = json.dumps({"day": day.isoformat(), "key": key}, ensure_ascii=False)
        with self._io(), FileLock(str(self.root / "alerts.lock"), mode=0o600):
            if not path.exists():
                return
            kept = [seen for seen in path.read_text(encoding="utf-8").splitlines()
                    if seen != line]
            with os.fdopen(open_private(path, os.O_WRONLY | os.O_TRUNC), "w",
                           encoding="utf-8") as fh:
                fh.write("".join(f"{seen}\n" for seen in kept))

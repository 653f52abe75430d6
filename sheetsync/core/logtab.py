"""What the sheet's Log tab says was sent: the second record of "at most once".

The state dir is the first record; the Log tab travels with the sheet, so a new cron host
with an empty state dir still knows which reports went out. Pure: rows in, facts out.
Message-IDs name their job and period (``<sheetsync.report.2026-11-27.…@…>``), which is how
a Log row is matched to a period.
"""

from __future__ import annotations

from datetime import date

from sheetsync.core import schema
from sheetsync.model import OwnedTab

ITEMS = "items: "


def message_id(job: str, period: str, key: str, nonce: str, sender: str) -> str:
    """A unique Message-ID that names the job and period it belongs to."""
    domain = sender.rpartition("@")[2].strip(" >") or "sheetsync.invalid"
    return f"<sheetsync.{job}.{period}.{key}.{nonce}@{domain}>"


def logged_sent(log: OwnedTab, job: str, period: str) -> str:
    """The Message-ID of a Log row that says this job's email for this period was sent."""
    marker = f".{job}.{period}."
    for cells in _rows(log, job):
        if cells.get("result") == "sent" and marker in cells.get("message_id", ""):
            return cells["message_id"]
    return ""


def logged_periods(log: OwnedTab, job: str) -> tuple[tuple[date, str], ...]:
    """(period day, Message-ID) of every sent email of ``job`` that the Log tab records."""
    out = []
    for cells in _rows(log, job):
        mid = cells.get("message_id", "")
        parts = mid.split(".")
        if cells.get("result") != "sent" or len(parts) < 3:
            continue
        try:
            out.append((date.fromisoformat(parts[2]), mid))
        except ValueError:
            continue
    return tuple(out)


def items_detail(items: tuple[str, ...]) -> str:
    """How a Log row's Detail names the items an email mentioned."""
    return ITEMS + ", ".join(items)


def _rows(log: OwnedTab, job: str) -> list[dict[str, str]]:
    if not log.rows:
        return []
    cols = {schema.column_key(schema.LOG, h): i for i, h in enumerate(log.rows[0])}
    out = []
    for row in log.rows[1:]:
        cells = {key: (row[i].strip() if i < len(row) else "")
                 for key, i in cols.items() if key is not None}
        if cells.get("job") == job:
            out.append(cells)
    return out


def logged_items(log: OwnedTab, job: str) -> tuple[tuple[date, tuple[str, ...]], ...]:
    """(period day, items) of every sent email of ``job`` that the Log tab records."""
    out = []
    for cells in _rows(log, job):
        marker = cells.get("message_id", "").split(".")
        detail = cells.get("detail", "")
        if cells.get("result") != "sent" or len(marker) < 3 or not detail.startswith(ITEMS):
            continue
        try:
            day = date.fromisoformat(marker[2])
        except ValueError:
            continue
        items = detail[len(ITEMS):].split(";")[0]
        out.append((day, tuple(i.strip() for i in items.split(",") if i.strip())))
    return tuple(out)


SENDING = "sending"  # a Log row written just before a send: the guard across hosts


def open_sending(log: OwnedTab, job: str, period: str) -> tuple[str, ...]:
    """Message-IDs of this job's ``sending`` rows for ``period`` that no later row of the
    same Message-ID settles (sent, failed, unknown, skipped), in sheet order: a send in
    progress on some host, or one that host never finished."""
    marker = f".{job}.{period}."
    rows = [c for c in _rows(log, job) if marker in c.get("message_id", "")]
    settled = {c["message_id"] for c in rows if c.get("result") != SENDING}
    return tuple(dict.fromkeys(c["message_id"] for c in rows
                               if c.get("result") == SENDING and c["message_id"] not in settled))

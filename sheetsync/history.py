"""What the sheet's Log tab says was sent: the second record of "at most once".

The state dir is the first record; the Log tab travels with the sheet, so a new cron host
with an empty state dir still knows which reports went out. Pure: rows in, facts out.
Message-IDs name their job and period (``<sheetsync.report.2026-11-27.…@…>``), which is how
a Log row is matched to a period.
"""

from __future__ import annotations

from sheetsync import schema
from sheetsync.model import OwnedTab


def message_id(job: str, period: str, key: str, nonce: str, sender: str) -> str:
    """A unique Message-ID that names the job and period it belongs to."""
    domain = sender.rpartition("@")[2].strip(" >") or "sheetsync.invalid"
    return f"<sheetsync.{job}.{period}.{key}.{nonce}@{domain}>"


def logged_sent(log: OwnedTab, job: str, period: str) -> str:
    """The Message-ID of a Log row that says this job's email for this period was sent."""
    if not log.rows:
        return ""
    cols = {schema.column_key(schema.LOG, h): i for i, h in enumerate(log.rows[0])}
    j, r, m = cols.get("job"), cols.get("result"), cols.get("message_id")
    if j is None or r is None or m is None:
        return ""
    marker = f".{job}.{period}."
    for row in log.rows[1:]:
        cell = row + ("",) * (max(j, r, m) + 1 - len(row))
        if cell[j].strip() == job and cell[r].strip() == "sent" and marker in cell[m]:
            return cell[m].strip()
    return ""

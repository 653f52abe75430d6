"""What the commands print: the JSON shapes of CONTRACT section 4, and one-line summaries.

Pure: outcomes in, plain dicts and strings out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sheetsync.core import impact
from sheetsync.shell.drafts import Sent
from sheetsync.shell.pipeline import Checked
from sheetsync.shell.reconcile import ProjectRun


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def checked_json(c: Checked) -> dict[str, Any]:
    """One project of ``check --json``: CONTRACT §4, plus ``projected_due`` per milestone."""
    if c.project is None:
        return {"project": c.source, "source": c.source, "milestones": [], "problems": [],
                "error": str(c.error), "api_requests": c.api_requests}
    projected = impact.project_dates(c.project, c.as_of) if c.as_of else {}
    return {
        "project": c.project.settings.name,
        "source": c.source,
        "as_of": _iso(c.as_of),
        "milestones": [
            {"id": a.milestone.id, "row": a.milestone.row, "title": a.milestone.title,
             "owner": a.milestone.owner.value, "status": a.milestone.status.value,
             "due": _iso(a.milestone.due), "flags": [f.value for f in a.flags],
             "days_overdue": a.days_overdue,
             "projected_due": _iso(projected[a.milestone.id].projected_due)
             if a.milestone.id in projected else None}
            for a in c.assessments
        ],
        "problems": [asdict(p) for p in c.project.problems],
        "written": c.written,
        "api_requests": c.api_requests,
    }


def check_json(results: list[Checked], as_of: date | None) -> dict[str, Any]:
    days = {c.as_of for c in results if c.as_of}
    shown = as_of or (days.pop() if len(days) == 1 else None)
    return {"as_of": _iso(shown), "projects": [checked_json(c) for c in results]}


def lead(label: str, name: str = "") -> str:
    """What a project's line starts with: its name in the config file, else its SOURCE
    (``label``), and the name its Project tab gives when that says more: thirty projects
    copied from one template all call themselves "Acme website rollout"."""
    return f"{label} ({name})" if name and name != label else label


def check_line(c: Checked, label: str = "") -> str:
    """One line a project for a person at a terminal, led by ``label`` (see ``lead``)."""
    label = label or c.source
    if c.project is None:
        return f"{label}: FAILED: {c.error}"
    flagged = sum(1 for a in c.assessments if a.flags)
    counts: dict[str, int] = {}
    for a in c.assessments:
        for f in a.flags:
            counts[f.value] = counts.get(f.value, 0) + 1
    flags = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "none"
    wrote = ("written back" if c.written else "not written (--dry-run)" if c.dry_run
             else "nothing written (see Problems)" if c.refused else "nothing to write")
    return (f"{lead(label, c.project.settings.name)}: "
            f"{count(len(c.assessments), 'milestone')}, "
            f"{flagged} flagged ({flags}); {count(len(c.project.problems), 'problem')}; "
            f"{wrote}")


def count(n: int, noun: str) -> str:
    """``1 problem``, ``2 problems``: a number and its noun, for every summary line."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def sent_json(s: Sent) -> dict[str, Any]:
    """One project of ``report --json`` (and ``remind --json``, which adds ``items``)."""
    return {"project": s.project, "source": s.source, "result": s.result,
            "recipients": list(s.recipients), "subject": s.subject,
            "message_id": s.message_id, "detail": s.detail, "period": s.period,
            "api_requests": s.api_requests}


def sent_line(s: Sent, job: str = "report", label: str = "") -> str:
    """One line a project's email for a person at a terminal, led by ``label`` (``lead``)."""
    who = ", ".join(s.recipients) or "nobody"
    head = lead(label or s.source, s.project)
    if s.result == "sent":
        return f"{head}: {job} sent to {who}" + (f" ({s.detail})" if s.detail else "")
    return f"{head}: {job} {s.result}" + (f": {s.detail}" if s.detail else "")


@dataclass(frozen=True)
class RunSummary:
    """What one ``sheetsync run`` (or one tick of ``schedule``) did over every project."""

    projects: int = 0
    checks: int = 0
    sent: int = 0
    problems: int = 0
    failures: int = 0
    unknown: int = 0
    lines: tuple[str, ...] = field(default=())

    def line(self) -> str:
        return (f"sheetsync run: {count(self.projects, 'project')}, "
                f"{count(self.checks, 'check')}, {count(self.sent, 'email')} sent, "
                f"{count(self.problems, 'problem')} in sheets, "
                f"{count(self.failures, 'failure')}"
                + (f", {count(self.unknown, 'unknown send')}" if self.unknown else ""))


def summarise_run(results: Sequence[ProjectRun],
                  name: Callable[[str], str] = lambda source: "") -> RunSummary:
    """What a run did; its lines led by each project's config name (``name`` of its
    SOURCE), else the SOURCE, with the sheet's own name beside it (``lead``)."""
    lines = []
    for r in results:
        head = lead(name(r.source) or r.source, r.project)
        if r.error:
            lines.append(f"{head}: FAILED: {r.error}")
        for a in r.actions:
            if a.result == "failed":
                lines.append(f"{head}: {a.job} FAILED: {a.detail}")
            elif a.unknown:
                lines.append(f"{head}: {a.job} UNKNOWN: {a.detail.removeprefix('unknown: ')}")
            if a.log_pending and a.result != "failed":
                lines.append(f"{head}: {a.job} LOG ROW KEPT: {a.log_pending}")
    return RunSummary(
        projects=sum(1 for r in results if r.source),
        checks=sum(r.checks for r in results),
        sent=sum(1 for r in results for a in r.actions if a.result == "sent"),
        problems=sum(r.problems for r in results),
        failures=sum(1 for r in results if r.error or any(  # unknown ones are counted apart
            a.result == "failed" or a.log_pending for a in r.actions)),
        unknown=sum(1 for r in results for a in r.actions if a.unknown),
        lines=tuple(lines),
    )


def run_json(now: datetime, results: Sequence[ProjectRun]) -> dict[str, Any]:
    """``run --json``: each project's actions, and the quota it cost (Sheets, Drive, waits)."""
    return {"now": now.isoformat(), "api_requests": sum(r.api_requests for r in results),
            "drive_requests": sum(r.drive_requests for r in results),
            "waited_s": round(sum(r.waited_s for r in results), 1), "projects": [
        {"project": r.project, "source": r.source,
         "actions": [{"job": a.job, "result": a.result, "detail": a.detail}
                     for a in r.actions], "api_requests": r.api_requests,
         "drive_requests": r.drive_requests, "read": not r.idle,
         "waited_s": round(r.waited_s, 1),
         **({"error": r.error} if r.error else {})}
        for r in results]}

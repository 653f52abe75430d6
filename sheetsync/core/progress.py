"""What a check adds for progress and its history: the History rows that changed, the Board
and the Timeline, and a gentle problem for each slip without a Delay reason.

Pure: the parsed project (whose ``layout`` holds the job-owned tabs as read), its
assessments and the as-of date in; ``Extras`` out, for ``writeplan`` to carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sheetsync.core import board, gantt, history, retro, schema
from sheetsync.lang import catalog
from sheetsync.model import Assessment, OwnedTab, Problem, Project, Status, TabWrite, a1


@dataclass(frozen=True)
class Extras:
    problems: tuple[Problem, ...] = ()
    tabs: tuple[TabWrite, ...] = ()
    history: tuple[history.Entry, ...] = ()


def planned_slip(a: Assessment, baseline: date | None, as_of: date) -> int:
    """Days a milestone is behind its baseline now: Done on if done, else its Due or today,
    whichever is later (a Due moved out is a slip before it is late)."""
    m = a.milestone
    if baseline is None or m.status is Status.CANCELLED:
        return 0
    if m.status is Status.DONE:
        return max(0, (m.done_on - baseline).days) if m.done_on else 0
    end = max(m.due, as_of) if m.due else as_of
    return max(0, (end - baseline).days)


def slip_problems(project: Project, assessments: tuple[Assessment, ...],
                  recorded: history.Recorded, as_of: date) -> tuple[Problem, ...]:
    """"M4 slipped 9 days; pick a Delay reason…" for each slip nobody gave a reason for
    (where an approved change moved the date, the line suggests Scope change and names
    the change: only what staff choose counts in the retrospective). Only where the
    Milestones tab has a Delay reason column: an older sheet is not nagged."""
    layout = project.layout
    if layout is None or layout.flags is None or not layout.delay_col:
        return ()
    lang = project.settings.language
    words = catalog.get(lang)
    out: list[Problem] = []
    seen: set[str] = set()
    for a in assessments:
        m = a.milestone
        if m.id in seen:
            continue
        seen.add(m.id)
        days = planned_slip(a, history.baseline_of(recorded, m), as_of)
        if days <= 0 or m.delay_reason or "delay_reason" in m.unreadable:
            continue
        change = retro.moved_by(m, project.changes)
        problem, fix = words.problem(
            "slipped_change" if change else "slipped", id=m.id,
            days=words.sheet_n("slip_days", days, n=days),
            choices=schema.choices(schema.DELAY_REASONS, lang),
            change=change.id if change else "",
            scope=schema.shown(schema.DELAY_REASONS, "Scope change", lang))
        out.append(Problem(layout.flags.tab, a1(m.row, layout.delay_col), "", problem, fix))
    return tuple(out)


def _clean(rows: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
    out = []
    for r in rows:  # blank cells at the end first (a Timeline row is mostly blank weeks)
        end = len(r)
        while end and (not r[end - 1] or r[end - 1].isspace()):
            end -= 1
        out.append(tuple(c.strip() for c in r[:end]))
    while out and not out[-1]:
        out.pop()
    return out


def unchanged(new: TabWrite, old: OwnedTab | None) -> bool:
    """A rewrite that would leave the same text: a second check on the same day writes
    nothing. (Each card's text holds its date and the note the as-of day, so a colour
    cannot change while the text stays: flags change with the data or the day.)"""
    return old is not None and old.exists and _clean(new.rows) == _clean(old.rows)


def _title(tab: OwnedTab | None, kind: str, language: str) -> str:
    return tab.name if tab is not None and tab.exists else schema.tab_title(kind, language)


def for_check(project: Project, assessments: tuple[Assessment, ...], as_of: date) -> Extras:
    """History rows, Board, Timeline and slip problems of a check on ``as_of``."""
    layout = project.layout
    lang = project.settings.language
    history_tab = layout.history if layout else None
    recorded = history.read(history_tab)
    entries = history.changes(assessments, recorded, as_of, lang)
    tabs: list[TabWrite] = []
    if entries:
        tabs.append(TabWrite(
            _title(history_tab, schema.HISTORY, lang), history.rows(entries, lang),
            append=True, header=history.header(lang),
            styles=(), widths=((1, 12.0), (2, 8.0), (3, 16.0), (4, 24.0), (5, 24.0))))
    baselines = dict(recorded.baselines)
    for e in entries:
        if e.field == history.BASELINE:
            baselines.setdefault(e.id, date.fromisoformat(e.new))
    board_old = layout.board if layout else None
    timeline_old = layout.timeline if layout else None
    for new, old in ((board.tab(assessments, as_of, lang, board_old,
                                _title(board_old, schema.BOARD, lang)), board_old),
                     (gantt.tab(assessments, baselines, as_of, lang, timeline_old,
                                _title(timeline_old, schema.TIMELINE, lang)), timeline_old)):
        if not unchanged(new, old):
            tabs.append(new)
    return Extras(slip_problems(project, assessments, recorded, as_of), tuple(tabs),
                  entries)

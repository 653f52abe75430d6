"""The retrospective as a document for the meeting with the client: HTML to show and print,
and a plain-text summary for the email that carries it.

``render_retro(retro, settings)`` fills ``templates/retro.html.j2`` with the figures of
``core.retro``, the project's language catalog (``t``) and the geometry of its charts,
computed here: a baseline-against-actual timeline (inline SVG), slip by reason and
confirmation times (HTML bars). No script, no network, nothing but the page itself; it
prints on A4. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sheetsync.core import schema
from sheetsync.core.retro import Retro, Row
from sheetsync.lang import catalog
from sheetsync.lang.catalog import Catalog
from sheetsync.model import Change, ChangeStatus, Owner, Settings, Status
from sheetsync.render.emails import Rendered, environment
from sheetsync.render.phrases import one_line, underline

CHART_WIDTH = 1000  # the timeline's SVG user units; it scales to the page
LABEL_WIDTH = 250
ROW_HEIGHT = 28
AXIS_HEIGHT = 34
DEFAULT_SPAN = 14  # days drawn before the end of a milestone with no Start
COLOURS = {"plan": "#c9d2dc", "done": "#3c9a5f", "slip": "#d64545", "open": "#3b82f6",
           "client": "#8b5cf6", "today": "#1d4ed8", "baseline": "#1f2933"}
LESSON_ROWS = 5


@dataclass(frozen=True)
class Bar:
    """One milestone on the timeline chart, in SVG user units."""

    row: Row
    y: float
    plan_x: float  # the planned bar: start to baseline
    plan_w: float
    x: float  # what happened: start to Done on (or today, or Due while still ahead)
    w: float
    colour: str
    slip_x: float  # the part past the baseline, drawn red
    slip_w: float
    baseline_x: float | None  # the diamond


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    today_x: float | None


@dataclass(frozen=True)
class Level:
    """One bar of an HTML bar chart: a label, a value and its share of the largest."""

    label: str
    value: int | float
    percent: float
    note: str = ""


def _end(row: Row, as_of: date) -> date | None:
    if row.status is Status.DONE:
        return row.done_on
    if row.due is None:
        return None
    return max(row.due, as_of) if row.baseline_due and as_of > row.baseline_due else row.due


def chart(retro: Retro, t: Catalog) -> Chart:
    """The baseline-against-actual timeline: plan in grey, what happened in colour, the
    slip past the baseline in red, a diamond at the baseline, a line at the as-of date."""
    spans: list[tuple[Row, date, date | None]] = []
    for row in retro.rows:
        end = _end(row, retro.as_of)
        anchor = end or row.baseline_due or row.due
        if anchor is None:
            continue
        start = row.start or (min(anchor, row.baseline_due or anchor) -
                              timedelta(days=DEFAULT_SPAN))
        spans.append((row, start, end))
    days = [d for row, s, e in spans for d in (s, e, row.baseline_due) if d is not None]
    lo = min(days, default=retro.as_of) - timedelta(days=3)
    hi = max([*days, retro.as_of], default=retro.as_of) + timedelta(days=3)
    total = max((hi - lo).days, 1)
    plot = CHART_WIDTH - LABEL_WIDTH - 10

    def x(day: date) -> float:
        return round(LABEL_WIDTH + plot * (day - lo).days / total, 1)

    bars = []
    for i, (row, start, end) in enumerate(spans):
        y = AXIS_HEIGHT + i * ROW_HEIGHT
        base = row.baseline_due
        plan_x = x(start)
        plan_w = max(x(base) - plan_x, 2) if base else 0
        finish = end or base or start
        colour = (COLOURS["done"] if row.status is Status.DONE
                  else COLOURS["client"] if row.owner is Owner.CLIENT else COLOURS["open"])
        slip_x = slip_w = 0.0
        if base and finish > base and (row.slip_days or 0) > 0:
            slip_x, slip_w = x(base), max(x(finish) - x(base), 2)
        bars.append(Bar(row, y, plan_x, plan_w, plan_x, max(x(finish) - plan_x, 3), colour,
                        slip_x, slip_w, x(base) if base else None))
    ticks: list[Tick] = []
    month = date(lo.year, lo.month, 1)
    while month <= hi:
        if month >= lo:
            ticks.append(Tick(x(month), f"{t.month(month)} {month.year}" if month.month == 1
                              or not ticks else t.month(month)))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    today = x(retro.as_of) if lo <= retro.as_of <= hi else None
    return Chart(CHART_WIDTH, AXIS_HEIGHT + len(bars) * ROW_HEIGHT + 8, tuple(bars),
                 tuple(ticks), today)


def levels(pairs: list[tuple[str, int | float, str]]) -> tuple[Level, ...]:
    top = max((v for _, v, _ in pairs), default=0) or 1
    return tuple(Level(label, value, round(100 * value / top, 1), note)
                 for label, value, note in pairs)


def _days_added(c: Change) -> str:
    """What an approved change added (signed); blank for the others."""
    if c.status is not ChangeStatus.APPROVED or not (c.old_due and c.new_due):
        return ""
    days = (c.new_due - c.old_due).days
    return f"+{days}" if days > 0 else str(days)


def reason_label(reason: str, t: Catalog) -> str:
    """A Delay reason in the project's language ("unknown": not given)."""
    if reason in schema.DELAY_REASONS:
        return schema.shown(schema.DELAY_REASONS, reason, t.language)
    return t("retro_reason_unknown")


def render_retro(retro: Retro, settings: Settings) -> Rendered:
    """(subject, text, html) of the retrospective in the project's language."""
    t = catalog.get(settings.language)
    m = retro.metrics
    first = retro.start or retro.first_due
    last = retro.end or retro.last_due
    period = t("retro_period", span=t.span(first, last), year=last.year) if first and last else ""
    subject = t("retro_subject", project=one_line(retro.project), period=period)
    by_reason = levels([(reason_label(r, t), days, "") for r, days in m.slip_days_by_reason])
    confirm = levels([(f"{r.id} {one_line(r.title)}", r.confirmation_days, "")
                      for r in retro.rows if r.confirmation_days is not None])
    client = [r for r in retro.rows if r.owner is Owner.CLIENT]
    context = {
        "r": retro, "m": m, "t": t, "settings": settings, "subject": subject,
        "period": period, "chart": chart(retro, t), "colours": COLOURS,
        "by_reason": by_reason, "confirm": confirm, "client": client,
        "lesson_rows": range(LESSON_ROWS), "one_line": one_line,
        "reason_label": lambda reason: reason_label(reason, t) if reason else "",
        "percent": (f"{round(100 * m.on_time_rate)}%" if m.on_time_rate is not None else "–"),
        "number": lambda v: "–" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)),
        "owner": lambda o: schema.shown(schema.OWNERS, o, t.language),
        "change_status": lambda c: schema.shown(schema.CHANGE_STATUSES, c, t.language),
        "days_added": _days_added,
        "underline": underline,
    }
    html = environment().get_template("retro.html.j2").render(context)
    text = environment().get_template("retro.txt.j2").render(context)
    return Rendered(subject, text, html)

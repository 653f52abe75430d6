"""From a ``RawWorkbook`` to a ``Project`` and its problems (CONTRACT section 1).

Tabs, headers and rows are found by ``tables``. Every cell that cannot be read becomes a
``Problem`` (tab, A1 cell, value, what is wrong, how to fix) in the project's language, and
the milestone it belongs to remembers which field was unreadable so the rules mark it
``INVALID`` rather than guess.
"""

from __future__ import annotations

from dataclasses import replace

from sheetsync.core import cells, graph, ids, responses, schema
from sheetsync.core.rules import first_rows
from sheetsync.core.settings_tab import read_settings
from sheetsync.core.tables import (
    LAST_COLUMN,
    Reader,
    RowReader,
    Sheet,
    a1_split,
    data_rows,
    find_tabs,
    flag_columns,
    sheet_of,
)
from sheetsync.lang import catalog
from sheetsync.model import (
    Change,
    ChangeStatus,
    FlagCells,
    Layout,
    Milestone,
    OwnedTab,
    Owner,
    Project,
    RawTab,
    RawWorkbook,
    Status,
    Update,
    blank,
    cell_text,
)

# --------------------------------------------------------------------------- Milestones


def _milestones(sheet: Sheet | None, reader: Reader) -> tuple[Milestone, ...]:
    if sheet is None or "id" not in sheet.columns:
        return ()
    out: list[Milestone] = []
    first_row: dict[str, int] = {}
    for row in data_rows(sheet, skip=schema.JOB_OWNED_COLUMNS):
        cell = RowReader(sheet, row, reader)
        key = cell.get("id", cells.parse_id)
        if not key:
            if "id" not in cell.unreadable:
                reader.report(sheet.tab.name, row, sheet.columns["id"], None, "no_id")
            continue
        if ids.key(key) in first_row:  # M1 and m1 are one ID: the later row is INVALID
            reader.report(sheet.tab.name, row, sheet.columns["id"], key, "duplicate_id",
                          id=key, first=str(first_row[ids.key(key)]))
            cell.unreadable.add("id")
        first_row.setdefault(ids.key(key), row)
        title = cell.get("title", cells.parse_text)
        if title is None and "title" not in cell.unreadable and "title" in sheet.columns:
            reader.report(sheet.tab.name, row, sheet.columns["title"], None, "required",
                          column=schema.header(schema.MILESTONES, "title", reader.language))
        status = cell.word("status", schema.STATUSES) or Status.NOT_STARTED
        due = cell.date("due")
        confirmed = cell.get("client_confirmed", cells.parse_confirmed, schema.CONFIRMATIONS)
        if due is None and "due" not in cell.unreadable and status is not Status.CANCELLED:
            if "due" in sheet.columns:  # else the missing column is the one problem
                reader.report(sheet.tab.name, row, sheet.columns["due"], None, "required",
                              column=schema.header(schema.MILESTONES, "due", reader.language))
            cell.unreadable.add("due")
        out.append(Milestone(
            id=key,
            row=row,
            title=title or "",
            owner=cell.word("owner", schema.OWNERS) or Owner.TEAM,
            status=status,
            start=cell.date("start"),
            due=due,
            acceptance=cell.get("acceptance", cells.parse_text) or "",
            done_on=cell.date("done_on"),
            client_confirmed=confirmed if isinstance(confirmed, bool) else None,
            changes_note="" if confirmed == schema.CHANGES_NEEDED else None,
            confirmed_on=cell.date("confirmed_on"),
            depends_on=cell.get("depends_on", cells.parse_ids) or (),
            notes=cell.get("notes", cells.parse_text) or "",
            delay_reason=cell.word("delay_reason", schema.DELAY_REASONS) or "",
            unreadable=frozenset(cell.unreadable),
            owner_email=cell.get("owner_email", cells.parse_address_cell) or "",
        ))
    return tuple(out)


def _dependency_problems(sheet: Sheet | None, milestones: tuple[Milestone, ...],
                         reader: Reader) -> tuple[Milestone, ...]:
    """Unknown IDs, self-dependencies and cycles; their rows cannot judge AT_RISK."""
    if sheet is None:
        return milestones
    known = {m.id for m in milestones}
    col = sheet.columns.get("depends_on", 0)
    bad_rows: set[int] = set()
    for m in milestones:
        value = sheet.tab.value(m.row, col)
        if m.id in m.depends_on:
            reader.report(sheet.tab.name, m.row, col, value, "self_dependency", id=m.id)
            bad_rows.add(m.row)  # flagged INVALID: the row cannot be judged AT_RISK
        unknown = [dep for dep in m.depends_on if dep != m.id and dep not in known]
        if len(unknown) == 1:
            reader.report(sheet.tab.name, m.row, col, value, "unknown_dependency",
                          id=unknown[0])
        elif unknown:  # one problem for the cell, however many IDs it lists
            reader.report(sheet.tab.name, m.row, col, value, "unknown_dependencies",
                          count=str(len(unknown)),
                          ids=catalog.get(reader.language).join(unknown))
        if unknown:
            bad_rows.add(m.row)
    first = first_rows(milestones)
    for loop in graph.cycles({k: m.depends_on for k, m in first.items()}):
        head = first[loop[0]]
        arrow = " → "
        reader.report(sheet.tab.name, head.row, col, sheet.tab.value(head.row, col),
                      "dependency_cycle", cycle=arrow.join((*loop, loop[0])))
        bad_rows.update(first[k].row for k in loop)
    return tuple(replace(m, unreadable=m.unreadable | {"depends_on"}) if m.row in bad_rows
                 else m for m in milestones)


# --------------------------------------------------------------------------- Updates, Changes


def _updates(sheet: Sheet | None, known: dict[str, str],
             reader: Reader) -> tuple[Update, ...]:
    if sheet is None:
        return ()
    out: list[Update] = []
    for row in data_rows(sheet):
        cell = RowReader(sheet, row, reader)
        when = cell.date("date")
        kind = cell.word("type", schema.UPDATE_TYPES)
        text = cell.get("text", cells.parse_text)
        milestone = ids.spelled(cell.get("milestone", cells.parse_id) or "", known)
        by = cell.get("by", cells.parse_text) or ""
        internal = cell.get("internal", cells.parse_yes_no, schema.YES_NO)
        for key, value in (("date", when), ("type", kind), ("text", text)):
            if value is None and key not in cell.unreadable and key in sheet.columns:
                reader.report(sheet.tab.name, row, sheet.columns[key], None, "required",
                              column=schema.header(schema.UPDATES, key, reader.language))
                cell.unreadable.add(key)
        if milestone and ids.key(milestone) not in known:
            reader.report(sheet.tab.name, row, sheet.columns["milestone"], milestone,
                          "unknown_milestone", id=milestone)
        if when is None or kind is None or text is None:
            continue
        out.append(Update(row=row, date=when, type=kind, text=text, milestone=milestone, by=by,
                          # an unreadable Internal keeps the row out of client emails
                          internal=bool(internal) or "internal" in cell.unreadable))
    return tuple(out)


def _changes(sheet: Sheet | None, milestones: tuple[Milestone, ...],
             reader: Reader) -> tuple[Change, ...]:
    if sheet is None or "id" not in sheet.columns:
        return ()
    by_id, known = first_rows(milestones), ids.spellings(milestones)
    out: list[Change] = []
    for row in data_rows(sheet):
        cell = RowReader(sheet, row, reader)
        key = cell.get("id", cells.parse_id)
        if not key:
            reader.report(sheet.tab.name, row, sheet.columns["id"], None, "no_id")
            continue
        milestone = ids.spelled(cell.get("milestone", cells.parse_id) or "", known)
        if milestone and milestone not in by_id:
            reader.report(sheet.tab.name, row, sheet.columns["milestone"], milestone,
                          "unknown_milestone", id=milestone)
        change = Change(
            id=key, row=row, date=cell.date("date"),
            requested_by=cell.get("requested_by", cells.parse_text) or "",
            change=cell.get("change", cells.parse_text) or "",
            impact=cell.get("impact", cells.parse_text) or "",
            milestone=milestone, old_due=cell.date("old_due"), new_due=cell.date("new_due"),
            status=cell.word("status", schema.CHANGE_STATUSES) or ChangeStatus.PROPOSED,
            client_approved=cell.get("client_approved", cells.parse_yes_no, schema.YES_NO),
            decided_on=cell.date("decided_on"),
        )
        target = by_id.get(milestone)
        if (change.status is ChangeStatus.APPROVED and change.new_due and target is not None
                and target.due is not None and target.due != change.new_due):
            reader.report(sheet.tab.name, row, sheet.columns.get("new_due", 0),
                          change.new_due, "approved_change_not_applied", change=key,
                          milestone=milestone, new_due=change.new_due.isoformat(),
                          due=target.due.isoformat())
        out.append(change)
    return tuple(out)


# --------------------------------------------------------------------------- job-owned places


def owned_tab(tab: RawTab | None, kind: str, language: str) -> OwnedTab:
    """A job-owned tab (``schema.LOG``, ...) as read, or as a write's answer shows it."""
    return _owned(tab, kind, language)


def _owned(tab: RawTab | None, kind: str, language: str) -> OwnedTab:
    if tab is None:
        return OwnedTab(schema.tab_title(kind, language), exists=False)
    rows = tuple(_trim(tuple(v if type(v) is str else cell_text(v) for v in row))
                 for row in tab.rows)  # text is most cells of a job's tab: as it is
    while rows and not rows[-1]:
        rows = rows[:-1]
    return OwnedTab(tab.name, exists=True, rows=rows)


def _trim(row: tuple[str, ...]) -> tuple[str, ...]:
    end = len(row)
    while end and (not row[end - 1] or row[end - 1].isspace()):
        end -= 1
    return row[:end] if end < len(row) else row


def _flag_cells(sheet: Sheet | None, language: str, reader: Reader) -> FlagCells | None:
    """Where Flag and Flag detail go: their columns when staff have them, else the first
    columns right of the header that are empty in every row (staff notes without a header
    stay theirs). A merged range over those columns is a problem, and no flag is written."""
    if sheet is None or "id" not in sheet.columns or not sheet.header_row:
        return None
    flag_col, detail_col = flag_columns(sheet)
    flag_header = detail_header = ""
    if "flag" not in sheet.columns or "flag_detail" not in sheet.columns:
        if "flag" not in sheet.columns:
            flag_header = schema.header(schema.MILESTONES, "flag", language)
        if "flag_detail" not in sheet.columns:
            detail_header = schema.header(schema.MILESTONES, "flag_detail", language)
        merged = _merged_over(sheet.tab, {c for c, h in ((flag_col, flag_header),
                                                        (detail_col, detail_header)) if h},
                              sheet.header_row)
        if merged:
            reader.report(sheet.tab.name, merged[0], merged[1], None, "merged_in_the_way",
                          range=merged[2])
            return None
        if max(flag_col, detail_col) > LAST_COLUMN:  # a header as far right as XFD1
            header = sheet.tab.rows[sheet.header_row - 1]
            right = max(c for c, v in enumerate(header, start=1) if not blank(v))
            reader.report(sheet.tab.name, sheet.header_row, right, header[right - 1],
                          "no_room_for_flags")
            return None
    current = []
    for row in range(sheet.header_row + 1, len(sheet.tab.rows) + 1):
        flag, detail = (cell_text(sheet.tab.value(row, c)) for c in (flag_col, detail_col))
        ident = cell_text(sheet.tab.value(row, sheet.columns["id"])).strip()
        if flag or detail or ident:
            current.append((row, ident, flag, detail))
    return FlagCells(sheet.tab.name, sheet.header_row, sheet.columns["id"], flag_col, detail_col,
                     flag_header, detail_header, tuple(current))


def _merged_over(tab: RawTab, cols: set[int], from_row: int) -> tuple[int, int, str] | None:
    """The first merged range covering one of ``cols`` from ``from_row`` (the header) down,
    where the flags go: (row, col, "K1:L1"). A title merged across above the table is not
    in their way."""
    for ref in tab.merged:
        first, _, last = ref.replace("$", "").partition(":")
        try:
            (r1, c1), (r2, c2) = a1_split(first), a1_split(last or first)
        except ValueError:
            continue
        if r2 >= from_row and any(c1 <= c <= c2 for c in cols):
            return r1, c1, ref
    return None


# --------------------------------------------------------------------------- the whole workbook


def _language(raw: RawWorkbook) -> str:
    """The project's language, read first so that every problem is said in it."""
    quiet = Reader()
    sheet = sheet_of(find_tabs(raw, quiet), schema.PROJECT, quiet, required=False)
    return read_settings(sheet, raw, quiet).language


def parse_workbook(raw: RawWorkbook, source: str) -> Project:
    """Read every tab sheetsync knows; never raises on what staff typed."""
    reader = Reader(language=_language(raw))
    tabs = find_tabs(raw, reader)
    project_sheet = sheet_of(tabs, schema.PROJECT, reader, required=True)
    settings = read_settings(project_sheet, raw, reader)
    reader.date_order = settings.date_order
    if raw.locale and not settings.date_order:  # a Google Sheet: its locale settles the rest
        reader.locale, reader.locale_orders = raw.locale, cells.locale_date_orders(raw.locale)
    ms_sheet = sheet_of(tabs, schema.MILESTONES, reader, required=True)
    milestones = _dependency_problems(ms_sheet, ids.respell(_milestones(ms_sheet, reader)),
                                      reader)
    known = ids.spellings(milestones)
    updates = _updates(sheet_of(tabs, schema.UPDATES, reader, required=False), known, reader)
    changes = _changes(sheet_of(tabs, schema.CHANGES, reader, required=False), milestones, reader)
    if not raw.can_write:
        reader.report(raw.title, 0, 0, None, "write_refused", reason=raw.write_refusal)
    layout = Layout(
        flags=_flag_cells(ms_sheet, settings.language, reader),
        problems=_owned(tabs.get(schema.PROBLEMS), schema.PROBLEMS, settings.language),
        log=_owned(tabs.get(schema.LOG), schema.LOG, settings.language),
        responses=_owned(tabs.get(schema.RESPONSES), schema.RESPONSES, settings.language),
        history=_owned(tabs.get(schema.HISTORY), schema.HISTORY, settings.language),
        board=_owned(tabs.get(schema.BOARD), schema.BOARD, settings.language),
        timeline=_owned(tabs.get(schema.TIMELINE), schema.TIMELINE, settings.language),
        delay_col=ms_sheet.columns.get("delay_reason", 0) if ms_sheet else 0,
    )
    project = Project(source=source, settings=settings, milestones=milestones,
                      updates=updates, changes=changes, problems=tuple(reader.problems),
                      layout=layout)
    assert layout.responses is not None
    return responses.overlay(project, responses.read_rows(layout.responses.rows))


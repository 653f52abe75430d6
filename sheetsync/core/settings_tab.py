"""The Project tab (CONTRACT section 1): one setting a row, read into ``Settings``.

Every value that cannot be read is a problem at its cell (through the ``Reader``), and the
setting keeps its default: a project with an unreadable Report day still has a report day.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sheetsync.core import cells, schema, workdays
from sheetsync.core.cells import Bad
from sheetsync.core.tables import Reader, Sheet, data_rows
from sheetsync.model import RawWorkbook, Settings


def read_settings(sheet: Sheet | None, raw: RawWorkbook, reader: Reader) -> Settings:
    found: dict[str, tuple[int, Any]] = {}  # field key -> (row, value)
    if sheet is not None:
        if "field" not in sheet.columns:  # no header: Field and Value are columns A and B
            sheet = Sheet(sheet.tab, 0, {"field": 1, "value": 2})
        sheet.columns.setdefault("value", sheet.columns["field"] + 1)
        for row in data_rows(sheet):
            key = schema.field_key(sheet.value(row, "field"))
            if key is not None and key not in found:
                found[key] = (row, sheet.value(row, "value"))

    def read(key: str, parse: Callable[[Any], Any], choices: Any = None) -> Any:
        if key not in found:
            return None
        row, value = found[key]
        result = parse(value)
        if isinstance(result, Bad):
            assert sheet is not None
            reader.bad(sheet, row, "value", result, choices)
            return None
        return result

    language = read("language", lambda v: cells.parse_word(v, schema.LANGUAGES),
                    schema.LANGUAGES) or "en"

    def addresses(key: str) -> tuple[str, ...]:
        result = read(key, cells.parse_addresses)
        if not result:
            return ()
        good, bad = result
        assert sheet is not None
        for text, why in bad:
            reader.report(sheet.tab.name, found[key][0], sheet.columns["value"], text, why.code)
        return tuple(good)

    def one_address(key: str) -> str:
        return read(key, cells.parse_address_cell) or ""

    date_order = read("date_order", cells.parse_date_order, schema.DATE_ORDERS)
    settings = Settings(
        name=read("name", cells.parse_text) or raw.title,
        client=read("client", cells.parse_text) or "",
        client_emails=addresses("client_emails"),
        sponsor_email=one_address("sponsor_email"),
        pm_name=read("pm_name", cells.parse_text) or "",
        pm_email=one_address("pm_email"),
        cc=addresses("cc"),
        # blank: UTC (CONTRACT section 1), a Google Sheet's own time zone notwithstanding
        time_zone=read("time_zone", cells.parse_time_zone) or "UTC",
        language=language,
        report_day=_or(read("report_day", lambda v: cells.parse_word(v, schema.WEEKDAYS),
                            schema.WEEKDAYS), 4),
        report_time=read("report_time", cells.parse_time) or Settings.report_time,
        due_soon_days=_or(read("due_soon_days", cells.parse_int), 7),
        confirm_within_days=_or(read("confirm_within_days", cells.parse_int), 5),
        reminder_every_days=_or(read("reminder_every_days",
                                     lambda v: cells.parse_int(v, 1, 365)), 3),
        help_offer=read("help_offer", cells.parse_text) or "",
        date_order=date_order,  # as staff set it; a Google Sheet's locale fills in per cell
        reports_paused=bool(read("reports_paused", cells.parse_yes_no, schema.YES_NO)),
        team_emails=addresses("team_emails"),
        report_every_weeks=_or(read("report_every_weeks", lambda v: cells.parse_int(v, 1, 2)),
                               1),
        holiday_calendar=read("holiday_calendar", workdays.parse_calendar) or "",
        holidays=read("holidays", lambda v: cells.parse_dates(v, date_order)) or (),
        working_days=read("working_days", lambda v: cells.parse_dates(v, date_order)) or (),
    )
    if not settings.client_emails:
        tab = sheet.tab.name if sheet else schema.tab_title(schema.PROJECT, language)
        if sheet and "client_emails" in found:
            row, col = found["client_emails"][0], sheet.columns["value"]
        elif sheet:  # the Field cell of the first row below the settings, where it goes
            row, col = max(data_rows(sheet), default=sheet.header_row) + 1, sheet.columns["field"]
        else:
            row, col = 1, 1
        reader.report(tab, row, col, found.get("client_emails", (0, None))[1], "no_recipients")
    return settings


def _or(value: int | None, default: int) -> int:
    return default if value is None else value

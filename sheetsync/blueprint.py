"""The template workbook as plain data: tabs, headers, notes, dropdowns, formats, examples.

Everything is derived from ``schema`` (tab titles, headers, Project fields, value words) and
``model`` (flags, Settings defaults), so a template cannot drift from what the parser reads.
Nothing here knows a spreadsheet library: colours are ``RRGGBB``, number formats and
dropdown words are strings, positions are 1-based (row, column). ``backends.xlsx_template``
renders a ``Blueprint`` to .xlsx; a Google Sheets ``init`` can lay down the same thing.

``template(language)`` is the blank-ish workbook staff start from (a few sample rows);
``example_project()`` is the Acme demo, whose milestones raise every flag on ``EXAMPLE_AS_OF``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sheetsync import schema
from sheetsync.model import (
    CellValue,
    Change,
    ChangeStatus,
    Flag,
    Milestone,
    Owner,
    Settings,
    Status,
    UpdateType,
    column_letter,
)

FIRST_ROW = 2  # the first data row under the header
LAST_ROW = 1000  # how far down formats, dropdowns and highlights reach
DATE_FORMAT = "yyyy-mm-dd"
JOB_FILL = "E8EAED"  # job-owned headers: grey, italic
JOB_FONT = "5F6368"
HELP_FONT = "5F6368"  # the Project tab's About column
JOB_TAB_COLOUR = "9AA0A6"
EXAMPLE_AS_OF = date(2026, 11, 27)  # a Friday: the day the Acme example is judged

# The flags in the order CONTRACT section 2 lists them.
FLAGS = (Flag.OVERDUE, Flag.CLIENT_OVERDUE, Flag.DUE_SOON, Flag.BLOCKED,
         Flag.AWAITING_CONFIRMATION, Flag.UNCONFIRMED, Flag.AT_RISK, Flag.INVALID)


# --------------------------------------------------------------------------- the shapes


@dataclass(frozen=True)
class Column:
    """One column of a tab: its header and everything a renderer lays down under it."""

    key: str  # the schema column key, e.g. "due"; "about" for the Project help column
    header: str
    note: str  # the header's note: what goes there and the allowed values
    width: float  # in characters
    date: bool = False  # rows FIRST_ROW..LAST_ROW get DATE_FORMAT
    words: tuple[str, ...] = ()  # a dropdown (allow blank) over the whole column, if any
    job_owned: bool = False  # written by sheetsync only: grey italic header
    help: bool = False  # reading help only, shown grey and italic; sheetsync ignores it


@dataclass(frozen=True)
class CellDropdown:
    """A dropdown on one cell (the Project tab's Value of Language, Report day...)."""

    row: int
    col: int
    words: tuple[str, ...]


@dataclass(frozen=True)
class Highlight:
    """A conditional format: colour a whole row when its Flag cell holds one of ``flags``."""

    name: str
    flags: tuple[Flag, ...]
    fill: str
    font: str

    def formula(self, column: str, row: int = FIRST_ROW) -> str:
        """The rule's formula for the top-left row of the range, e.g. SEARCH on ``$M2``."""
        tests = [f'ISNUMBER(SEARCH("{flag}",${column}{row}))' for flag in self.flags]
        return tests[0] if len(tests) == 1 else "OR(" + ",".join(tests) + ")"


@dataclass(frozen=True)
class Tab:
    """One tab: header row 1, data from row 2."""

    key: str  # canonical tab name, e.g. schema.MILESTONES
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[CellValue, ...], ...] = ()  # example rows, from row 2, in column order
    cell_dropdowns: tuple[CellDropdown, ...] = ()
    job_owned: bool = False  # the whole tab is written by sheetsync
    freeze_rows: int = 1
    freeze_cols: int = 0
    highlights: tuple[Highlight, ...] = ()  # in priority order, each stops the ones after
    highlight_key: str = ""  # the column the highlights read

    def col(self, key: str) -> int:
        """The 1-based column of a key."""
        return next(i for i, c in enumerate(self.columns, start=1) if c.key == key)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def highlight_range(self) -> str:
        """The A1 range the highlights cover: every column, rows FIRST_ROW..LAST_ROW."""
        return f"A{FIRST_ROW}:{column_letter(len(self.columns))}{LAST_ROW}"

    @property
    def highlight_column(self) -> str:
        return column_letter(self.col(self.highlight_key))


@dataclass(frozen=True)
class Blueprint:
    """A whole workbook in one language."""

    language: str
    title: str  # the workbook's document title
    tabs: tuple[Tab, ...]

    def tab(self, key: str) -> Tab:
        return next(t for t in self.tabs if t.key == key)

    def dropdown_hint(self, choices: tuple[str, ...]) -> str:
        """What a dropdown says when another word is typed (it only warns)."""
        return _fill(DROPDOWN_HINT, self.language, choices)


@dataclass(frozen=True)
class Say:
    """One text in both languages."""

    en: str
    zh: str

    def __call__(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


Row = Mapping[str, Any]  # column key -> an enum, bool, date, Say or plain value


@dataclass(frozen=True)
class Content:
    """What a workbook holds besides its structure: settings and example rows by key."""

    title: str
    settings: Row  # Project field key -> value
    milestones: tuple[Row, ...] = ()
    updates: tuple[Row, ...] = ()
    changes: tuple[Row, ...] = ()


# --------------------------------------------------------------------------- value words

COLUMN_WORDS: dict[tuple[str, str], dict[Any, tuple[str, ...]]] = {
    (schema.MILESTONES, "owner"): schema.OWNERS,
    (schema.MILESTONES, "status"): schema.STATUSES,
    (schema.MILESTONES, "client_confirmed"): schema.YES_NO,
    (schema.UPDATES, "type"): schema.UPDATE_TYPES,
    (schema.UPDATES, "internal"): schema.YES_NO,
    (schema.CHANGES, "status"): schema.CHANGE_STATUSES,
    (schema.CHANGES, "client_approved"): schema.YES_NO,
}
FIELD_WORDS: dict[str, dict[Any, tuple[str, ...]]] = {
    "language": schema.LANGUAGES,
    "report_day": schema.WEEKDAYS,
    "date_order": schema.DATE_ORDERS,
    "reports_paused": schema.YES_NO,
}
DATE_COLUMNS = {
    schema.MILESTONES: ("start", "due", "done_on", "confirmed_on"),
    schema.UPDATES: ("date",),
    schema.CHANGES: ("date", "old_due", "new_due", "decided_on"),
}


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def word(table: Mapping[Any, tuple[str, ...]], key: Any, language: str) -> str:
    """The word a template shows for a value: English first, else the first Chinese alias.

    Languages are shown by their own names (English, 中文) in both templates.
    """
    names = table[key]
    if table is schema.LANGUAGES:
        return names[1]
    if language == "zh":
        return next((n for n in names if _chinese(n)), names[0])
    return names[0]


def words(table: Mapping[Any, tuple[str, ...]], language: str) -> tuple[str, ...]:
    """Every value of a list, as a dropdown shows them, in the list's order."""
    return tuple(word(table, key, language) for key in table)


# --------------------------------------------------------------------------- notes

ABOUT_HEADER = Say("About", "填写说明")  # the Project tab's help column, not read
VALUE_COL = 2  # the Project tab's Value column
DATE_HINT = Say("Type a date like 2026-11-27.", "日期，例如 2026-11-27。")
DROPDOWN_HINT = Say("Use one of: {words}. Other words are checked at the next run.",
                   "请使用以下之一：{words}。其他写法会在下次运行时检查。")
JOB_NOTE = Say("Written by sheetsync — do not edit.", "由 sheetsync 填写——请勿修改。")
UPDATE_TYPE_MEANINGS = {
    UpdateType.DONE: Say("something finished", "完成的工作"),
    UpdateType.PROBLEM: Say("an issue or risk", "问题或风险"),
    UpdateType.NEXT: Say("a planned next step", "下一步计划"),
    UpdateType.NOTE: Say("anything else", "其他说明"),
}

# (tab, column key) -> note; {words} is the dropdown's words, {default} its blank meaning,
# {yes}/{no} the yes/no words, {date} DATE_HINT, {flags} every flag code.
NOTES: dict[tuple[str, str], Say] = {
    (schema.PROJECT, "field"): Say(
        "The name of a setting. Keep the names as they are; fill in the Value column.",
        "设置名称。请保持名称不变，在“值”列填写。"),
    (schema.PROJECT, "value"): Say(
        "The setting's value. The About column says what each one means.",
        "设置的值。“填写说明”列解释每一项。"),
    (schema.PROJECT, "about"): Say(
        "Help only: sheetsync does not read this column.",
        "仅供参考：sheetsync 不读取此列。"),
    (schema.MILESTONES, "id"): Say(
        "A short unique code for the row, e.g. M1. Required: other tabs refer to it.",
        "此行的唯一编号，例如 M1。必填：其他表用它引用此行。"),
    (schema.MILESTONES, "title"): Say(
        "What will be delivered, in a few words. Required.",
        "交付内容，简短描述。必填。"),
    (schema.MILESTONES, "owner"): Say(
        "Who must act: {words}. Blank means {default}.",
        "由谁负责：{words}。留空表示{default}。"),
    (schema.MILESTONES, "start"): Say(
        "Planned start (optional). {date}", "计划开始日期（可选）。{date}"),
    (schema.MILESTONES, "due"): Say(
        "The day it is due. Required unless Cancelled. {date}",
        "截止日期。除已取消外必填。{date}"),
    (schema.MILESTONES, "status"): Say(
        "One of: {words}. Blank means {default}.",
        "以下之一：{words}。留空表示{default}。"),
    (schema.MILESTONES, "acceptance"): Say(
        "What the client checks before confirming it (optional).",
        "客户确认前要检查的内容（可选）。"),
    (schema.MILESTONES, "done_on"): Say(
        "The day the team delivered it; fill it in with Status Done, the client's "
        "confirmation window counts from it. {date}",
        "交付日期；状态为完成时请填写，客户确认期限从这天算起。{date}"),
    (schema.MILESTONES, "client_confirmed"): Say(
        "Has the client accepted it? {words}, or blank.",
        "客户是否已验收？{words}，或留空。"),
    (schema.MILESTONES, "confirmed_on"): Say(
        "The day the client confirmed it (optional). {date}",
        "客户确认的日期（可选）。{date}"),
    (schema.MILESTONES, "depends_on"): Say(
        "IDs that must finish first, separated by commas, e.g. M2, M3.",
        "需先完成的编号，用逗号或顿号分隔，例如 M2、M3。"),
    (schema.MILESTONES, "notes"): Say("Anything else worth knowing (optional).",
                                      "其他说明（可选）。"),
    (schema.MILESTONES, "flag"): Say(
        "{job} The row's flags: {flags}.", "{job}此行的标记：{flags}。"),
    (schema.MILESTONES, "flag_detail"): Say(
        "{job} The flags in words, e.g. 'Overdue by 3 days'.",
        "{job}用文字说明标记，例如“逾期 3 天”。"),
    (schema.UPDATES, "date"): Say("The day of the update. Required. {date}",
                                  "进展日期。必填。{date}"),
    (schema.UPDATES, "type"): Say("Required. {meanings}.", "必填。{meanings}。"),
    (schema.UPDATES, "text"): Say(
        "What happened, in a sentence or two. Clients read it unless Internal is {yes}. "
        "Required.",
        "发生了什么，一两句话。除非“内部”为{yes}，客户会看到。必填。"),
    (schema.UPDATES, "milestone"): Say(
        "The ID of the milestone it is about (optional), e.g. M3.",
        "相关里程碑的编号（可选），例如 M3。"),
    (schema.UPDATES, "by"): Say("Who wrote it (optional).", "填写人（可选）。"),
    (schema.UPDATES, "internal"): Say(
        "{yes} keeps the row out of every client email. Blank means {no}.",
        "填{yes}则此行不会出现在任何客户邮件中。留空表示{no}。"),
    (schema.CHANGES, "id"): Say("A short unique code, e.g. CR-1. Required.",
                                "唯一编号，例如 CR-1。必填。"),
    (schema.CHANGES, "date"): Say("The day it was asked for. {date}", "提出日期。{date}"),
    (schema.CHANGES, "requested_by"): Say("Who asked for it.", "提出人。"),
    (schema.CHANGES, "change"): Say("What changes, in a sentence.", "变更内容，一句话。"),
    (schema.CHANGES, "impact"): Say("What it costs: days, money, scope.",
                                    "影响：工期、费用、范围。"),
    (schema.CHANGES, "milestone"): Say(
        "The ID of the milestone whose date it moves (optional).",
        "受影响的里程碑编号（可选）。"),
    (schema.CHANGES, "old_due"): Say("The milestone's due date before the change. {date}",
                                     "变更前的截止日期。{date}"),
    (schema.CHANGES, "new_due"): Say(
        "The due date asked for. Once Approved, change the milestone's Due to it too. {date}",
        "申请的新截止日期。批准后，请同时修改该里程碑的截止日期。{date}"),
    (schema.CHANGES, "status"): Say("One of: {words}. Blank means {default}.",
                                    "以下之一：{words}。留空表示{default}。"),
    (schema.CHANGES, "client_approved"): Say(
        "Has the client approved it in writing? {words}, or blank.",
        "客户是否书面批准？{words}，或留空。"),
    (schema.CHANGES, "decided_on"): Say(
        "The day it was approved or rejected (optional); the weekly report lists changes "
        "agreed that week. {date}",
        "批准或拒绝的日期（可选）；周报会列出当周确认的变更。{date}"),
    (schema.PROBLEMS, "tab"): Say("{job} The tab with the problem.", "{job}问题所在的工作表。"),
    (schema.PROBLEMS, "cell"): Say("{job} The cell to fix, e.g. E7.",
                                   "{job}需要修改的单元格，例如 E7。"),
    (schema.PROBLEMS, "value"): Say("{job} What the cell holds now.", "{job}单元格当前内容。"),
    (schema.PROBLEMS, "problem"): Say("{job} What is wrong.", "{job}问题是什么。"),
    (schema.PROBLEMS, "how_to_fix"): Say(
        "{job} What to change. Fixed rows go away at the next check.",
        "{job}如何修改。改好后，下次检查时此行会消失。"),
    (schema.LOG, "time"): Say("{job} When sheetsync did it.", "{job}sheetsync 执行的时间。"),
    (schema.LOG, "job"): Say("{job} Which job: check, report or remind.",
                             "{job}任务：check、report 或 remind。"),
    (schema.LOG, "project"): Say("{job} The project name.", "{job}项目名称。"),
    (schema.LOG, "recipients"): Say("{job} Who the email went to.", "{job}邮件收件人。"),
    (schema.LOG, "subject"): Say("{job} The email's subject.", "{job}邮件主题。"),
    (schema.LOG, "result"): Say("{job} sent, skipped, dry-run or failed.",
                                "{job}sent、skipped、dry-run 或 failed。"),
    (schema.LOG, "message_id"): Say("{job} The email's Message-ID, to find it in a mailbox.",
                                    "{job}邮件的 Message-ID，可用于在邮箱中查找。"),
    (schema.LOG, "detail"): Say("{job} More about the result.", "{job}结果的详细说明。"),
}

# Project field key -> what it means; {words}, {default}, {yes}, {no} as above.
FIELD_HELP: dict[str, Say] = {
    "name": Say("Project name, shown in every email subject. Blank: the file's name.",
                "项目名称，显示在每封邮件的主题中。留空：使用文件名。"),
    "client": Say("The client organisation.", "客户单位名称。"),
    "client_emails": Say(
        "Who gets the weekly report, separated by commas. Required: without it nothing "
        "is sent.", "周报收件人，用逗号分隔。必填：否则不会发送任何邮件。"),
    "sponsor_email": Say(
        "The client's senior contact, copied from the third reminder about one item.",
        "客户负责人邮箱；同一事项第三次提醒起抄送此人。"),
    "pm_name": Say("The project manager: signs every email.", "项目经理：邮件署名。"),
    "pm_email": Say("Client replies go here; copied on every client email.",
                    "客户回复发到这里；每封客户邮件都会抄送。"),
    "cc": Say("More addresses to copy, separated by commas (optional).",
              "其他抄送地址，用逗号分隔（可选）。"),
    "time_zone": Say(
        "The project's time zone, e.g. Europe/London or Asia/Shanghai. Blank: {default}.",
        "项目时区，例如 Asia/Shanghai 或 Europe/London。留空：{default}。"),
    "language": Say("Language of the emails and of sheetsync's notes: {words}. "
                    "Blank: {default}.",
                    "邮件及 sheetsync 说明的语言：{words}。留空：{default}。"),
    "report_day": Say("The day the weekly report goes out. Blank: {default}.",
                      "每周发送报告的日子。留空：{default}。"),
    "report_time": Say("Time of the weekly report, HH:MM in the project's time zone. "
                       "Blank: {default}.",
                       "发送周报的时间，HH:MM，项目时区。留空：{default}。"),
    "due_soon_days": Say("How many days ahead a milestone counts as due soon. "
                         "Blank: {default}.",
                         "距截止日期多少天内算作临期。留空：{default}。"),
    "confirm_within_days": Say("Days the client has to confirm a delivered milestone. "
                               "Blank: {default}.",
                               "客户确认已交付里程碑的期限（天）。留空：{default}。"),
    "reminder_every_days": Say("Fewest days between two reminders about one item. "
                               "Blank: {default}.",
                               "同一事项两次提醒之间至少相隔的天数。留空：{default}。"),
    "date_order": Say(
        "How to read dates like 03/04/2026: {words} (D day, M month, Y year). Blank: such "
        "dates are listed in Problems, never guessed.",
        "如何理解 03/04/2026 这类日期：{words}。留空：此类日期会列入“问题”表，不会猜测。"),
    "reports_paused": Say("{yes} stops every client email of this project. Blank: {no}.",
                          "填{yes}则停止发送此项目的所有客户邮件。留空：{no}。"),
}

WIDTHS: dict[str, float] = {
    "field": 24, "value": 44, "about": 70,
    "title": 34, "acceptance": 30, "depends_on": 12, "notes": 32, "flag": 26,
    "flag_detail": 40, "text": 60, "change": 40, "impact": 28, "requested_by": 18,
    "problem": 44, "how_to_fix": 60, "recipients": 36, "subject": 40, "message_id": 36,
    "detail": 40, "time": 22, "client_confirmed": 16, "client_approved": 16,
    "id": 8,
}
DATE_WIDTH = 12
DEFAULT_WIDTH = 14

HIGHLIGHTS = (
    Highlight("late", (Flag.OVERDUE, Flag.CLIENT_OVERDUE), fill="F4C7C3", font="A50E0E"),
    Highlight("at risk", (Flag.BLOCKED, Flag.AT_RISK), fill="F9CB9C", font="7F3F00"),
    Highlight("due soon", (Flag.DUE_SOON,), fill="FFE599", font="7F6000"),
    Highlight("waiting for the client", (Flag.AWAITING_CONFIRMATION, Flag.UNCONFIRMED),
              fill="CFE2F3", font="0B5394"),
    Highlight("cannot be judged", (Flag.INVALID,), fill="D9D9D9", font="434343"),
)


def _defaults(language: str) -> dict[str, str]:
    """What a blank setting means, said with the template's own words."""
    d = Settings(name="")
    return {
        "time_zone": d.time_zone,
        "language": word(schema.LANGUAGES, d.language, language),
        "report_day": word(schema.WEEKDAYS, d.report_day, language),
        "report_time": d.report_time.strftime("%H:%M"),
        "due_soon_days": str(d.due_soon_days),
        "confirm_within_days": str(d.confirm_within_days),
        "reminder_every_days": str(d.reminder_every_days),
    }


def _fill(text: Say, language: str, choices: tuple[str, ...] = (), default: str = "") -> str:
    """A note in one language, its placeholders filled from the schema's words."""
    sep = "、" if language == "zh" else ", "
    meanings = ("；" if language == "zh" else "; ").join(
        f"{word(schema.UPDATE_TYPES, kind, language)}{'：' if language == 'zh' else ': '}"
        f"{meaning(language)}" for kind, meaning in UPDATE_TYPE_MEANINGS.items())
    return text(language).format(
        words=sep.join(choices), default=default, date=DATE_HINT(language),
        yes=word(schema.YES_NO, True, language), no=word(schema.YES_NO, False, language),
        job=JOB_NOTE(language),
        flags=sep.join(FLAGS), meanings=meanings)


# --------------------------------------------------------------------------- building


def _cell(value: Any, table: Mapping[Any, tuple[str, ...]] | None, language: str) -> CellValue:
    """A content value as the cell holds it: list values become the language's word."""
    if isinstance(value, Say):
        return value(language)
    if table is not None and value is not None and value in table:
        return word(table, value, language)
    return value


# What a blank cell of a dropdown column means: the model's own defaults.
_DEFAULT_WORD: dict[tuple[str, str], Any] = {
    (schema.MILESTONES, "owner"): Milestone.owner,
    (schema.MILESTONES, "status"): Milestone.status,
    (schema.CHANGES, "status"): Change.status,
}


def _column(tab: str, key: str, language: str) -> Column:
    table = COLUMN_WORDS.get((tab, key))
    choices = words(table, language) if table is not None else ()
    default = _DEFAULT_WORD.get((tab, key))
    return Column(
        key=key,
        header=schema.header(tab, key, language),
        note=_fill(NOTES[(tab, key)], language, choices,
                   word(table, default, language) if table and default else ""),
        width=DATE_WIDTH if key in DATE_COLUMNS.get(tab, ()) else WIDTHS.get(key, DEFAULT_WIDTH),
        date=key in DATE_COLUMNS.get(tab, ()),
        words=choices,
        job_owned=tab in schema.JOB_OWNED_TABS or (
            tab == schema.MILESTONES and key in schema.JOB_OWNED_COLUMNS),
    )


def _table_tab(tab: str, language: str, rows: tuple[Row, ...] = ()) -> Tab:
    columns = tuple(_column(tab, key, language) for key in schema.COLUMNS[tab])
    body = tuple(tuple(_cell(row.get(c.key), COLUMN_WORDS.get((tab, c.key)), language)
                       for c in columns) for row in rows)
    milestones = tab == schema.MILESTONES
    return Tab(
        key=tab, title=schema.tab_title(tab, language), columns=columns, rows=body,
        job_owned=tab in schema.JOB_OWNED_TABS,
        freeze_cols=2 if milestones else 0,  # ID and Milestone stay in view
        highlights=HIGHLIGHTS if milestones else (),
        highlight_key="flag" if milestones else "",
    )


def _project_tab(settings: Row, language: str) -> Tab:
    """Field / Value / About, one row per Project field, in schema order."""
    defaults = _defaults(language)
    columns = tuple(_column(schema.PROJECT, key, language) for key in ("field", "value")) + (
        Column("about", ABOUT_HEADER(language),
               _fill(NOTES[(schema.PROJECT, "about")], language), WIDTHS["about"], help=True),
    )
    rows: list[tuple[CellValue, ...]] = []
    dropdowns: list[CellDropdown] = []
    for row, key in enumerate(schema.FIELDS, start=FIRST_ROW):
        table = FIELD_WORDS.get(key)
        choices = words(table, language) if table is not None else ()
        about = _fill(FIELD_HELP[key], language, choices, defaults.get(key, ""))
        rows.append((schema.field_name(key, language),
                     _cell(settings.get(key), table, language), about))
        if choices:
            dropdowns.append(CellDropdown(row, VALUE_COL, choices))
    return Tab(key=schema.PROJECT, title=schema.tab_title(schema.PROJECT, language),
               columns=columns, rows=tuple(rows), cell_dropdowns=tuple(dropdowns))


def build(content: Content, language: str) -> Blueprint:
    """A whole workbook: every tab of schema.TABS, in order, holding ``content``."""
    rows = {schema.MILESTONES: content.milestones, schema.UPDATES: content.updates,
            schema.CHANGES: content.changes}
    tabs = tuple(_project_tab(content.settings, language) if tab == schema.PROJECT
                 else _table_tab(tab, language, rows.get(tab, ()))
                 for tab in schema.TABS)
    return Blueprint(language=language, title=content.title, tabs=tabs)


def template(language: str = "en") -> Blueprint:
    """The workbook staff start a project from, with a few sample rows to overwrite."""
    if language not in schema.LANGUAGES:
        raise ValueError(f"unknown template language {language!r}")
    return build(_sample(language), language)


def example_project() -> Blueprint:
    """The Acme demo project (English): on EXAMPLE_AS_OF it raises every flag."""
    return build(ACME, "en")


# --------------------------------------------------------------------------- sample content


def _sample(language: str) -> Content:
    zh = language == "zh"
    return Content(
        title=Say("sheetsync project template", "sheetsync 项目模板")(language),
        settings={
            "name": Say("Example project", "示例项目"),
            "client": Say("Example Client Ltd", "示例客户有限公司"),
            "client_emails": "client@example.com",
            "sponsor_email": "sponsor@example.com",
            "pm_name": Say("Alex Morgan", "王芳"),
            "pm_email": "pm@example.com",
            "time_zone": "Asia/Shanghai" if zh else "Europe/London",
            "language": language,
            "report_day": 4,
            "report_time": "16:00",
            "due_soon_days": 7,
            "confirm_within_days": 5,
            "reminder_every_days": 3,
            "date_order": "YMD" if zh else None,
            "reports_paused": False,
        },
        milestones=(
            {"id": "M1", "title": Say("Kick-off meeting", "项目启动会"), "owner": Owner.TEAM,
             "start": date(2026, 3, 2), "due": date(2026, 3, 6), "status": Status.DONE,
             "acceptance": Say("Plan and contacts agreed", "确认计划与联系人"),
             "done_on": date(2026, 3, 5), "client_confirmed": True,
             "confirmed_on": date(2026, 3, 9)},
            {"id": "M2", "title": Say("Designs", "设计稿"), "owner": Owner.TEAM,
             "start": date(2026, 3, 9), "due": date(2026, 3, 27), "status": Status.IN_PROGRESS,
             "acceptance": Say("Client signs off the designs", "客户签字确认设计稿"),
             "depends_on": "M1"},
            {"id": "M3", "title": Say("Texts and photos from the client", "客户提供文字和图片"),
             "owner": Owner.CLIENT, "due": date(2026, 4, 3), "status": Status.NOT_STARTED,
             "depends_on": "M1"},
            {"id": "M4", "title": Say("Launch", "上线"), "owner": Owner.TEAM,
             "due": date(2026, 4, 24), "status": Status.NOT_STARTED,
             "depends_on": Say("M2, M3", "M2、M3"),
             "notes": Say("Launch on a Tuesday morning", "周二上午上线")},
        ),
        updates=(
            {"date": date(2026, 3, 5), "type": UpdateType.DONE, "milestone": "M1",
             "text": Say("Kick-off held; plan agreed.", "启动会已召开，计划已确认。"),
             "by": Say("Alex Morgan", "王芳"), "internal": False},
            {"date": date(2026, 3, 6), "type": UpdateType.PROBLEM, "milestone": "M3",
             "text": Say("Photos may arrive a week late.", "图片可能晚到一周。"),
             "by": Say("Alex Morgan", "王芳"), "internal": False},
            {"date": date(2026, 3, 6), "type": UpdateType.NEXT, "milestone": "M2",
             "text": Say("First designs on Friday.", "周五提交第一版设计稿。"),
             "by": Say("Alex Morgan", "王芳"), "internal": False},
            {"date": date(2026, 3, 6), "type": UpdateType.NOTE,
             "text": Say("Designer on leave 20-24 March.", "设计师 3 月 20-24 日休假。"),
             "by": Say("Alex Morgan", "王芳"), "internal": True},
        ),
        changes=(
            {"id": "CR-1", "date": date(2026, 3, 4), "requested_by": Say("Client", "客户"),
             "change": Say("Add a contact form", "增加联系表单"),
             "impact": Say("+2 days on the designs", "设计稿延后 2 天"), "milestone": "M2",
             "old_due": date(2026, 3, 25), "new_due": date(2026, 3, 27),
             "status": ChangeStatus.APPROVED, "client_approved": True},
        ),
    )


def _m(ident: str, title: str, owner: Owner, status: Status, due: object, *,
       start: date | None = None, done_on: date | None = None, confirmed: bool | None = None,
       confirmed_on: date | None = None, depends: str = "", acceptance: str = "",
       notes: str = "") -> Row:
    return {"id": ident, "title": title, "owner": owner, "status": status, "start": start,
            "due": due, "done_on": done_on, "client_confirmed": confirmed,
            "confirmed_on": confirmed_on, "depends_on": depends or None,
            "acceptance": acceptance or None, "notes": notes or None}


def _u(day: date, kind: UpdateType, text: str, milestone: str = "", by: str = "Sam Lee",
       internal: bool = False) -> Row:
    return {"date": day, "type": kind, "text": text, "milestone": milestone or None,
            "by": by, "internal": internal}


_TEAM, _CLIENT = Owner.TEAM, Owner.CLIENT

# As of Friday 2026-11-27 (Due soon days 7, Confirm within days 5), the flags are:
#   M4 UNCONFIRMED, M5 CLIENT_OVERDUE, M6 OVERDUE, M7 DUE_SOON, M8 AWAITING_CONFIRMATION,
#   M9 BLOCKED + DUE_SOON + AT_RISK, M10 and M11 AT_RISK (M11 through M10), M12 INVALID
#   (its Due 31/02/2026 does not exist: the one deliberate problem), M13 AT_RISK.
ACME = Content(
    title="Acme website rollout",
    settings={
        "name": "Acme website rollout",
        "client": "Acme Corp",
        "client_emails": "maria.chen@acme.example, ops@acme.example",
        "sponsor_email": "robert.kim@acme.example",
        "pm_name": "Sam Lee",
        "pm_email": "sam.lee@studio.example",
        "cc": "accounts@studio.example",
        "time_zone": "Europe/London",
        "language": "en",
        "report_day": 4,
        "report_time": "16:00",
        "due_soon_days": 7,
        "confirm_within_days": 5,
        "reminder_every_days": 3,
        "date_order": "DMY",
        "reports_paused": False,
    },
    milestones=(
        _m("M1", "Kick-off workshop", _TEAM, Status.DONE, date(2026, 9, 11),
           start=date(2026, 9, 7), done_on=date(2026, 9, 10), confirmed=True,
           confirmed_on=date(2026, 9, 14), acceptance="Goals, scope and contacts agreed"),
        _m("M2", "Brand guidelines and content brief", _CLIENT, Status.DONE, date(2026, 9, 25),
           start=date(2026, 9, 14), done_on=date(2026, 9, 24),
           notes="Maria sent the brand book and the tone-of-voice guide"),
        _m("M3", "Sitemap and wireframes", _TEAM, Status.DONE, date(2026, 10, 16),
           start=date(2026, 9, 28), done_on=date(2026, 10, 15), confirmed=True,
           confirmed_on=date(2026, 10, 20), depends="M1, M2",
           acceptance="Maria signs off the sitemap and 12 wireframes"),
        _m("M4", "Visual design: home, product and checkout", _TEAM, Status.DONE,
           date(2026, 11, 6), start=date(2026, 10, 19), done_on=date(2026, 11, 13), depends="M3",
           acceptance="Acme marketing signs off the designs in Figma",
           notes="Delivered a week late; sign-off chased on 20 Nov"),
        _m("M5", "Homepage and product copy", _CLIENT, Status.IN_PROGRESS, date(2026, 11, 20),
           start=date(2026, 11, 2), depends="M2",
           acceptance="Final copy for 40 product pages in the shared folder"),
        _m("M6", "CMS build and page templates", _TEAM, Status.IN_PROGRESS, date(2026, 11, 24),
           start=date(2026, 11, 9), depends="M4",
           acceptance="All templates on staging, editable by Acme editors",
           notes="New due agreed in CR-1 (store locator)"),
        _m("M7", "Hosting, domain and SSL", _TEAM, Status.IN_PROGRESS, date(2026, 12, 1),
           start=date(2026, 11, 16), acceptance="www.acme.example served over HTTPS"),
        _m("M8", "Analytics and cookie consent", _TEAM, Status.DONE, date(2026, 11, 27),
           start=date(2026, 11, 18), done_on=date(2026, 11, 25),
           acceptance="Consent banner live; GA4 events visible to Acme"),
        _m("M9", "Product catalogue import", _TEAM, Status.BLOCKED, date(2026, 12, 4),
           start=date(2026, 11, 23), depends="M6",
           notes="Waiting for the product export from Acme's ERP"),
        _m("M10", "Content entry", _TEAM, Status.NOT_STARTED, date(2026, 12, 9), depends="M5, M9",
           acceptance="Every page of the sitemap filled in"),
        _m("M11", "User acceptance testing", _CLIENT, Status.NOT_STARTED, date(2026, 12, 16),
           depends="M10", acceptance="Acme's test list passed, no blocking bugs"),
        _m("M12", "Editor training", _TEAM, Status.NOT_STARTED, "31/02/2026",
           notes="Date to agree with Maria"),
        _m("M13", "Go-live", _TEAM, Status.NOT_STARTED, date(2026, 12, 18),
           depends="M7, M11, M12", acceptance="Site live, redirects checked, monitoring on"),
    ),
    updates=(
        _u(date(2026, 11, 13), UpdateType.DONE, "Visual designs sent to Acme for sign-off.",
           "M4"),
        _u(date(2026, 11, 16), UpdateType.NEXT, "CMS build continues; hosting set-up starts.",
           "M6", by="Priya Shah"),
        _u(date(2026, 11, 23), UpdateType.PROBLEM,
           "Product page templates took longer than planned; the CMS build runs 3 days late.",
           "M6", by="Priya Shah"),
        _u(date(2026, 11, 24), UpdateType.NOTE,
           "Acme asked for a French version of the site; raised as change request CR-2."),
        _u(date(2026, 11, 25), UpdateType.DONE,
           "Analytics and the cookie consent banner are live on staging.", "M8",
           by="Priya Shah"),
        _u(date(2026, 11, 26), UpdateType.PROBLEM,
           "The product export from Acme's ERP has not arrived, so the catalogue import is on "
           "hold.", "M9"),
        _u(date(2026, 11, 26), UpdateType.NOTE,
           "Priya is off on Monday; Tom covers the CMS templates.", "M6", internal=True),
        _u(date(2026, 11, 27), UpdateType.NEXT,
           "Finish the CMS templates by Tuesday; SSL certificate goes live on Monday.", "M6"),
        _u(date(2026, 11, 27), UpdateType.NEXT,
           "Please send the homepage and product copy by Wednesday 2 December.", "M5"),
    ),
    changes=(
        {"id": "CR-1", "date": date(2026, 11, 5), "requested_by": "Maria Chen",
         "change": "Add a store locator page with a map", "impact": "+1 week on the CMS build",
         "milestone": "M6", "old_due": date(2026, 11, 17), "new_due": date(2026, 11, 24),
         "status": ChangeStatus.APPROVED, "client_approved": True},
        {"id": "CR-2", "date": date(2026, 11, 23), "requested_by": "Maria Chen",
         "change": "Add a French version of the whole site",
         "impact": "+3 weeks and a translation budget; go-live moves to January",
         "milestone": "M13", "old_due": date(2026, 12, 18), "new_due": date(2027, 1, 8),
         "status": ChangeStatus.PROPOSED},
        {"id": "CR-3", "date": date(2026, 10, 28), "requested_by": "Acme IT",
         "change": "Switch the checkout to a new payment provider",
         "impact": "+4 weeks on the CMS build", "milestone": "M6",
         "status": ChangeStatus.REJECTED, "client_approved": False},
    ),
)

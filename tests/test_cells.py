"""Reading one cell (CONTRACT section 1): every form staff may type, and what is a problem."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest

from sheetsync.core import cells, schema
from sheetsync.core.cells import Bad
from sheetsync.lang import catalog
from sheetsync.model import (
    FORMULA_ERROR,
    FORMULA_NO_RESULT,
    ChangeStatus,
    Owner,
    Status,
    Unreadable,
    UpdateType,
)

NOV_27 = date(2026, 11, 27)


def code(result: object) -> str:
    assert isinstance(result, Bad), f"expected a problem, got {result!r}"
    return result.code


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize("value", [
    date(2026, 11, 27),
    datetime(2026, 11, 27, 0, 0),
    datetime(2026, 11, 27, 17, 45, 12),
    46353,  # the spreadsheet serial number of 2026-11-27
    46353.0,
    46353.75,  # a serial with a time of day
    "46353",
    "2026-11-27",
    "2026/11/27",
    "2026.11.27",
    "2026-11-27 10:30",
    "2026-11-27T10:30:00",
    "27 Nov 2026",
    "27 November 2026",
    "27 Nov. 2026",
    "Nov 27, 2026",
    "November 27, 2026",
    "Friday, 27 November 2026",
    "2026年11月27日",
    "2026 年 11 月 27 日",
    "2026年11月27号",
    "  2026-11-27  ",
])
def test_every_contract_date_form_reads_as_that_day(value: object) -> None:
    assert cells.parse_date(value) == NOV_27


@pytest.mark.parametrize("value", ["2026-11-27", "27 Nov 2026", "2026年11月27日", 46353])
@pytest.mark.parametrize("order", ["YMD", "DMY", "MDY", None])
def test_unambiguous_forms_do_not_depend_on_date_order(value: object, order: str | None) -> None:
    assert cells.parse_date(value, order) == NOV_27


@pytest.mark.parametrize("text, order, expected", [
    ("03/04/2026", "DMY", date(2026, 4, 3)),
    ("03/04/2026", "MDY", date(2026, 3, 4)),
    ("27/11/2026", "DMY", NOV_27),
    ("11/27/2026", "MDY", NOV_27),
    ("27.11.2026", "DMY", NOV_27),
    ("27-11-26", "DMY", NOV_27),
    ("11/27/26", "MDY", NOV_27),
    ("26/11/27", "YMD", NOV_27),
    ("3/4/2026", "DMY", date(2026, 4, 3)),
])
def test_date_order_settles_numeric_day_month_forms(text: str, order: str, expected: date) -> None:
    assert cells.parse_date(text, order) == expected


@pytest.mark.parametrize("text, expected", [
    ("27/11/2026", NOV_27),  # 27 cannot be a month
    ("11/27/2026", NOV_27),
    ("04/04/2026", date(2026, 4, 4)),  # both readings are the same day
])
def test_numeric_forms_readable_one_way_only_need_no_date_order(text: str, expected: date) -> None:
    assert cells.parse_date(text) == expected


@pytest.mark.parametrize("text", ["03/04/2026", "1/2/2026", "12.11.2026", "05-06-2027"])
def test_a_numeric_date_read_two_ways_without_date_order_is_a_problem(text: str) -> None:
    assert code(cells.parse_date(text)) == "ambiguous_date"


@pytest.mark.parametrize("text", ["26/11/27", "27-11-26", "11/12/13"])
def test_a_two_digit_year_that_could_come_first_or_last_is_ambiguous(text: str) -> None:
    assert code(cells.parse_date(text)) == "ambiguous_date"


@pytest.mark.parametrize("text, order", [
    ("31/02/2026", None),
    ("31/02/2026", "DMY"),
    ("02/31/2026", "MDY"),
    ("13/04/2026", "MDY"),  # no 13th month
    ("2026-02-30", None),
    ("2026-13-01", None),
    ("2026年2月30日", None),
])
def test_a_day_that_is_not_in_the_calendar_is_a_problem(text: str, order: str | None) -> None:
    assert code(cells.parse_date(text, order)) == "not_a_real_date"


@pytest.mark.parametrize("text", ["27 Nov", "Nov 27", "November", "Nov 2026", "11月27日",
                                  "Friday"])
def test_a_date_with_a_part_missing_is_a_problem_never_this_year(text: str) -> None:
    assert code(cells.parse_date(text)) == "date_part_missing"


@pytest.mark.parametrize("value", ["2026", 2026, 2026.0])
def test_a_bare_year_is_not_read_as_a_serial_number(value: object) -> None:
    assert code(cells.parse_date(value)) == "date_part_missing"


@pytest.mark.parametrize("value", [
    "tomorrow", "next week", "TBD", "Q4 2026", "27/11", "27 11 2026", "27 Nov 2026 maybe",
    "Nov 32, 2026", "-5", 3_000_000, float("nan"), float("inf"), True, False,
    time(9, 30), "2026-11-27Z12",
])
def test_anything_else_is_not_a_date(value: object) -> None:
    assert code(cells.parse_date(value)) in ("not_a_date", "not_a_real_date")


@pytest.mark.parametrize("value", [None, "", "   ", "\n"])
def test_a_blank_date_cell_is_blank_not_a_problem(value: object) -> None:
    assert cells.parse_date(value) is None


def test_a_formula_without_result_is_unreadable_and_says_why() -> None:
    result = cells.parse_date(Unreadable(FORMULA_NO_RESULT, "=X1"))
    assert code(result) == FORMULA_NO_RESULT
    assert isinstance(result, Bad) and result.facts["shown"] == "=X1"
    other = cells.parse_date(Unreadable("a reason no catalog knows", "?"))
    assert other == Bad("unreadable", {"reason": "a reason no catalog knows"})


# --------------------------------------------------------------------------- yes / no


@pytest.mark.parametrize("value", [True, "Yes", "yes", " YES ", "y", "Y", "true", "TRUE", "✓",
                                   "是", "已确认", 1])
def test_yes_in_every_form(value: object) -> None:
    assert cells.parse_yes_no(value) is True


@pytest.mark.parametrize("value", [False, "No", "no", " NO ", "n", "false", "False", "否", 0])
def test_no_in_every_form(value: object) -> None:
    assert cells.parse_yes_no(value) is False


@pytest.mark.parametrize("value", [None, "", "  "])
def test_blank_yes_no_is_neither(value: object) -> None:
    assert cells.parse_yes_no(value) is None


@pytest.mark.parametrize("value", ["maybe", "yes please", "2", "ok?"])
def test_other_yes_no_words_are_a_problem(value: object) -> None:
    assert code(cells.parse_yes_no(value)) == "not_in_list"


# --------------------------------------------------------------------------- value words

CONTRACT_WORDS = [
    (schema.OWNERS, Owner.TEAM, ["Team", "us", "we", "vendor", "我方", "团队"]),
    (schema.OWNERS, Owner.CLIENT, ["Client", "customer", "客户", "甲方"]),
    (schema.STATUSES, Status.NOT_STARTED, ["Not started", "todo", "open", "未开始"]),
    (schema.STATUSES, Status.IN_PROGRESS, ["In progress", "doing", "wip", "进行中"]),
    (schema.STATUSES, Status.DONE, ["Done", "complete", "completed", "finished", "完成",
                                    "已完成"]),
    (schema.STATUSES, Status.BLOCKED, ["Blocked", "on hold", "阻塞", "暂停"]),
    (schema.STATUSES, Status.CANCELLED, ["Cancelled", "canceled", "dropped", "取消", "已取消"]),
    (schema.UPDATE_TYPES, UpdateType.DONE, ["Done", "completed", "完成", "已完成"]),
    (schema.UPDATE_TYPES, UpdateType.PROBLEM, ["Problem", "issue", "risk", "blocker", "问题",
                                               "风险"]),
    (schema.UPDATE_TYPES, UpdateType.NEXT, ["Next", "plan", "next step", "下一步", "计划"]),
    (schema.UPDATE_TYPES, UpdateType.NOTE, ["Note", "备注"]),
    (schema.CHANGE_STATUSES, ChangeStatus.PROPOSED, ["Proposed", "待定", "提议"]),
    (schema.CHANGE_STATUSES, ChangeStatus.APPROVED, ["Approved", "已批准"]),
    (schema.CHANGE_STATUSES, ChangeStatus.REJECTED, ["Rejected", "已拒绝"]),
]


def _spellings(word: str) -> list[str]:
    """The word as typed, shouted, whispered, padded, and with its inner spaces doubled."""
    return [word, word.upper(), word.lower(), f"  {word}\t", word.replace(" ", "  ")]


@pytest.mark.parametrize("table, expected, words", CONTRACT_WORDS,
                         ids=[f"{e.__class__.__name__}.{e.name}" for _, e, _ in CONTRACT_WORDS])
def test_every_contract_alias_in_any_case_and_spacing(table, expected, words) -> None:
    for word in words:
        for spelling in _spellings(word):
            assert cells.parse_word(spelling, table) is expected, repr(spelling)


@pytest.mark.parametrize("table", [schema.OWNERS, schema.STATUSES, schema.UPDATE_TYPES,
                                   schema.CHANGE_STATUSES])
def test_a_word_not_in_the_list_is_a_problem(table) -> None:
    assert code(cells.parse_word("someday", table)) == "not_in_list"
    assert code(cells.parse_word(42, table)) == "not_in_list"
    assert cells.parse_word("  ", table) is None


@pytest.mark.parametrize("value, expected", [
    ("Friday", 4), ("fri", 4), ("周五", 4), ("星期五", 4), ("monday", 0), ("星期日", 6),
])
def test_report_day_words(value: str, expected: int) -> None:
    assert cells.parse_word(value, schema.WEEKDAYS) == expected


@pytest.mark.parametrize("value, expected", [
    ("en", "en"), ("English", "en"), ("zh", "zh"), ("中文", "zh"), (" CHINESE ", "zh"),
])
def test_language_words(value: str, expected: str) -> None:
    assert cells.parse_word(value, schema.LANGUAGES) == expected


@pytest.mark.parametrize("value, expected", [("YMD", "YMD"), ("dmy", "DMY"), (" MDY ", "MDY")])
def test_date_order_words(value: str, expected: str) -> None:
    assert cells.parse_date_order(value) == expected


# --------------------------------------------------------------------------- IDs


@pytest.mark.parametrize("value, expected", [
    ("M1", ("M1",)),
    ("M1, M2", ("M1", "M2")),
    ("M1;M2", ("M1", "M2")),
    ("M1、M2", ("M1", "M2")),
    ("M1 M2", ("M1", "M2")),
    ("M1,M2; M3、M4  M5", ("M1", "M2", "M3", "M4", "M5")),
    ("M1\nM2", ("M1", "M2")),
    ("M1，M2；M3", ("M1", "M2", "M3")),  # full-width comma and semicolon
    (" M2 , M1, M2 ", ("M2", "M1")),  # each once, in the order given
    (7, ("7",)),
    (7.0, ("7",)),
])
def test_id_lists_split_on_every_separator(value: object, expected: tuple[str, ...]) -> None:
    assert cells.parse_ids(value) == expected


def test_a_numeric_id_reads_as_its_text() -> None:
    assert cells.parse_id(3) == "3"
    assert cells.parse_id(3.0) == "3"
    assert cells.parse_id(" M1 ") == "M1"


# --------------------------------------------------------------------------- addresses


@pytest.mark.parametrize("text, expected", [
    ("ann@acme.example", "ann@acme.example"),
    ("  ann@acme.example ", "ann@acme.example"),
    ("Ann Lee <ann@acme.example>", "ann@acme.example"),
    ("<ann@acme.example>", "ann@acme.example"),
    ("张三 <zhang@acme.cn>", "zhang@acme.cn"),
    ("first.last+tag@sub.acme.example", "first.last+tag@sub.acme.example"),
])
def test_a_plain_address_is_accepted(text: str, expected: str) -> None:
    assert cells.parse_address(text) == expected


@pytest.mark.parametrize("text", [
    "a@b.com\nBcc: x@y.com",
    "a@b.com\r\nBcc: x@y.com",
    "a@b.com Bcc: x@y.com",
    "a@b.com\tBcc: x@y.com",
    "Bcc: x@y.com",
    "a@b.com\x00x@y.com",
    "mailto:a@b.com",
])
def test_header_injection_is_a_problem_and_never_an_address(text: str) -> None:
    assert code(cells.parse_address(text)) == "suspicious_address"


@pytest.mark.parametrize("text", [
    "ann", "ann@", "@acme.example", "ann@acme", "ann@@acme.example", "ann acme@x.example",
    "Ann <ann@acme.example> extra", "a@b.com x@y.com", "Ann ann@acme.example", "ann@acme..example",
    "a@b.com\x0bx@y.com", "a@b.com\u2028x@y.com",
    ".ann@acme.example", "ann.@acme.example", "an..n@acme.example",  # dots only between
    "ann@-acme.example", "ann@acme-.example",  # a domain label neither starts nor ends with -
])
def test_anything_but_one_plain_address_is_a_problem(text: str) -> None:
    assert isinstance(cells.parse_address(text), Bad)


def test_address_lists_split_on_comma_semicolon_and_new_lines() -> None:
    good, bad = cells.parse_addresses("a@x.example, b@x.example; c@x.example\nd@x.example,")
    assert good == ("a@x.example", "b@x.example", "c@x.example", "d@x.example")
    assert bad == ()


def test_an_address_list_keeps_each_address_once_whatever_its_case() -> None:
    good, _ = cells.parse_addresses("a@x.example; A@X.example; Ann <a@x.example>")
    assert good == ("a@x.example",)


def test_injected_header_line_in_an_address_list_is_never_a_recipient() -> None:
    good, bad = cells.parse_addresses("a@b.com\nBcc: x@y.com")
    assert good == ("a@b.com",)
    assert [(text, why.code) for text, why in bad] == [("Bcc: x@y.com", "suspicious_address")]
    assert not any("x@y.com" in g for g in good)

    good, bad = cells.parse_addresses("a@b.com Bcc: x@y.com, c@d.com")
    assert good == ("c@d.com",)
    assert len(bad) == 1


def test_blank_address_list_is_blank() -> None:
    assert cells.parse_addresses(None) is None
    assert cells.parse_addresses("   ") is None


# --------------------------------------------------------------------------- time zone, time


@pytest.mark.parametrize("value, expected", [
    ("Asia/Shanghai", "Asia/Shanghai"), (" Europe/London ", "Europe/London"),
    ("UTC", "UTC"), ("utc", "UTC"), ("GMT", "UTC"), ("America/New_York", "America/New_York"),
])
def test_time_zone_names(value: str, expected: str) -> None:
    assert cells.parse_time_zone(value) == expected


@pytest.mark.parametrize("value", ["Beijing time", "Asia", "Europe", "../../etc/passwd",
                                   "/etc/localtime", "Asia/Shang hai", "a\x00b", "+08:00", 8])
def test_a_time_zone_that_is_not_an_iana_name_is_a_problem(value: object) -> None:
    assert code(cells.parse_time_zone(value)) == "not_a_time_zone"


@pytest.mark.parametrize("value, expected", [
    ("16:00", time(16, 0)), ("9:30", time(9, 30)), ("09:30", time(9, 30)),
    ("16：00", time(16, 0)), ("16:00:59", time(16, 0)), (time(8, 15, 30), time(8, 15)),
    (datetime(2026, 1, 1, 8, 15), time(8, 15)), (0.5, time(12, 0)), (0.75, time(18, 0)),
])
def test_report_time(value: object, expected: time) -> None:
    assert cells.parse_time(value) == expected


@pytest.mark.parametrize("value", ["24:00", "16:60", "4pm", "noon", "16", 1, 1.5, -0.5, True])
def test_a_report_time_that_is_not_hh_mm_is_a_problem(value: object) -> None:
    assert code(cells.parse_time(value)) == "not_a_time"


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("value, expected", [
    (7, 7), (7.0, 7), ("7", 7), (" 7 ", 7), ("7 days", 7), ("1 day", 1), ("7天", 7), (0, 0),
    (365, 365),
])
def test_whole_numbers_of_days(value: object, expected: int) -> None:
    assert cells.parse_int(value) == expected


@pytest.mark.parametrize("value", [7.5, -1, "-1", 366, "a week", True, float("nan"),
                                   float("inf"), "7 weeks"])
def test_a_number_of_days_that_is_not_a_whole_number_in_range_is_a_problem(value) -> None:
    assert code(cells.parse_int(value)) in ("not_a_number", "number_out_of_range")


def test_reminder_gap_has_its_own_lowest_value() -> None:
    assert code(cells.parse_int(0, 1, 365)) == "number_out_of_range"
    assert cells.parse_int(1, 1, 365) == 1


# --------------------------------------------------------------------------- every reader


READERS = [
    cells.parse_date, cells.parse_yes_no, cells.parse_text, cells.parse_id, cells.parse_ids,
    cells.parse_int, cells.parse_time, cells.parse_time_zone, cells.parse_date_order,
    cells.parse_addresses, lambda v: cells.parse_word(v, schema.STATUSES),
]


@pytest.mark.parametrize("reader", READERS)
def test_every_reader_says_a_formula_without_result_is_unreadable(reader) -> None:
    assert code(reader(Unreadable("no saved result", "=A1"))) == "unreadable"
    assert code(reader(Unreadable(FORMULA_ERROR, "#REF!"))) == FORMULA_ERROR


@pytest.mark.parametrize(("text", "order", "expected"), [
    ("11/27/2026 14:30:00", "MDY", date(2026, 11, 27)),  # how Google shows a date-time cell
    ("27/11/2026 9:05", "DMY", date(2026, 11, 27)),
    ("11/27/2026 2:30 PM", "MDY", date(2026, 11, 27)),
    ("2026年11月27日 14:30", None, date(2026, 11, 27)),
])
def test_a_date_with_a_time_of_day_reads_as_its_date(text: str, order: str | None,
                                                      expected: date) -> None:
    assert cells.parse_date(text, order) == expected


def test_a_date_followed_by_something_else_is_still_not_a_date() -> None:
    assert isinstance(cells.parse_date("11/27/2026 later", "MDY"), Bad)


@pytest.mark.parametrize("value, said", [
    (-5, "1899-12-25"), (0, "1899-12-30"), (0.5, "1899-12-30"), ("0", "1899-12-30"),
    (datetime(1899, 12, 25), "1899-12-25"),  # -5 typed into a date-formatted cell
    (date(1989, 12, 31), "1989-12-31"), ("1900-01-01", "1900-01-01"),
    ("2101-01-01", "2101-01-01"), (2958465, "9999-12-31"), ("31/12/2200", "2200-12-31"),
])
def test_a_date_before_1990_or_after_2100_is_a_problem_never_used(value: object,
                                                                  said: str) -> None:
    result = cells.parse_date(value, "DMY")
    assert isinstance(result, cells.Bad) and result.code == "implausible_date"
    assert result.facts == {"date": said}
    problem, _ = catalog.get("en").problem(result.code, **result.facts)
    assert problem.startswith(f"is this really {said}?")


@pytest.mark.parametrize("value", [date(1990, 1, 1), date(2100, 12, 31), "2026-11-27", 32874])
def test_the_ends_of_the_plausible_years_are_dates(value: object) -> None:
    assert isinstance(cells.parse_date(value), date)


DATE_PROBLEMS = ("not_a_date", "not_a_real_date", "ambiguous_date", "date_part_missing",
                 "implausible_date", "date_order_from_locale")


@pytest.mark.parametrize("language", catalog.LANGUAGES)
@pytest.mark.parametrize("code_", DATE_PROBLEMS)
def test_a_date_fix_shows_the_format_and_an_example_no_one_takes_for_the_answer(
        language: str, code_: str) -> None:
    """"Type it as 2026-11-27" under 31/02/2026 read as if 2026-11-27 were the right date."""
    _, fix = catalog.get(language).problem(code_, date="1899-12-25", order="DMY",
                                           locale="en_GB")
    assert "YYYY-MM-DD" in fix and "1999-12-31" in fix
    assert not re.search(r"20\d\d-\d\d-\d\d", fix)

"""``run`` on a workbook open in Excel or LibreOffice: checked, nothing written, tried again."""

from __future__ import annotations

from pathlib import Path

from tests.test_run import actions, book, env, run  # noqa: F401 - fixtures used by name
from tests.xlsx_factory import read_values

TUESDAY = "2026-11-24T10:00+00:00"  # no report due: only the daily check


def test_run_writes_nothing_while_the_workbook_is_open_and_writes_once_it_is_closed(
        env: dict[str, str], book: Path) -> None:  # noqa: F811
    lock = book.with_name(f".~lock.{book.name}#")
    lock.write_text("Maria,maria-pc,2026-11-24T09:58;", encoding="utf-8")
    before = book.read_bytes()

    code, data, _ = run(str(book), now=TUESDAY)

    assert code == 0
    assert actions(data)[0] == ("check", "skipped")
    assert book.read_bytes() == before  # no flag, no Log row: Maria's next save keeps all

    lock.unlink()  # Maria closed it: the next run the same day checks again and writes
    code, data, _ = run(str(book), now="2026-11-24T10:30+00:00")
    assert code == 0
    assert actions(data)[0] == ("check", "done")
    header = read_values(book, "Milestones")[0]
    assert "Flag" in header

"""Issue 16, item 6: ``run --shard I/N`` and the ``sheetsync.api`` library calls.

Real parts: copies of the example workbook, the outbox, the CLI in-process.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheetsync import api
from sheetsync.cli.main import main
from sheetsync.core.sources import shard_of
from sheetsync.host.config import Config

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "acme-rollout.xlsx"
FRIDAY = datetime(2026, 11, 27, 16, 5, tzinfo=UTC)  # the example's report time has passed


@pytest.fixture
def books(tmp_path: Path, clean_env: None) -> list[Path]:
    out = []
    for n in range(12):
        book = tmp_path / f"p{n:02d}.xlsx"
        shutil.copyfile(EXAMPLE, book)
        out.append(book)
    return out


def test_shards_split_the_projects_without_overlap(books: list[Path], tmp_path: Path) -> None:
    seen: list[str] = []
    for i in (1, 2, 3):
        out = CliRunner().invoke(main, ["run", *map(str, books), "--shard", f"{i}/3", "--now",
                                        "2026-11-25T07:00+00:00", "--json"],
                                 catch_exceptions=False)
        assert out.exit_code == 0, out.output
        mine = [p["source"] for p in json.loads(out.stdout)["projects"]]
        assert all(shard_of(s, 3) == i for s in mine)
        seen += mine
    assert sorted(seen) == sorted(map(str, books))  # every project once


def test_the_shard_is_stable_and_canonical() -> None:
    assert shard_of("gsheet:1AbC", 7) == shard_of("https://docs.google.com/spreadsheets/d/"
                                                   "1AbC/edit#gid=0", 7)
    assert shard_of("gsheet:1AbC", 7) == 4  # sha256("gsheet:1AbC")[:8] % 7 + 1, everywhere
    assert {shard_of(f"gsheet:{n}", 1) for n in range(50)} == {1}
    counts = [sum(1 for n in range(3000) if shard_of(f"gsheet:id{n}", 3) == i) for i in (1, 2, 3)]
    assert all(900 < c < 1100 for c in counts), counts  # an even spread


@pytest.mark.parametrize("bad", ["0/3", "4/3", "1/0", "a/b", "3"])
def test_a_bad_shard_is_a_usage_error(bad: str, clean_env: None) -> None:
    out = CliRunner().invoke(main, ["run", "x.xlsx", "--shard", bad])
    assert out.exit_code == 2 and "I/N" in out.output and "Traceback" not in out.output


def test_the_api_returns_what_the_cli_prints(books: list[Path], tmp_path: Path) -> None:
    cfg = Config(state_dir=str(tmp_path / "state"), outbox=str(tmp_path / "outbox"))
    source = str(books[0])
    checked = api.check(source, now=FRIDAY, as_of=date(2026, 11, 27), config=cfg)
    assert checked.error is None and checked.written and checked.project is not None
    assert any(a.flags for a in checked.assessments)

    first = api.run_project(source, now=FRIDAY, config=cfg)
    assert not first.failed and [a.job for a in first.actions] == ["check", "report"]
    assert first.actions[1].result == "sent"
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
    again = api.run_project(source, now=FRIDAY, config=cfg)
    assert again.actions == () and not again.failed  # nothing twice

    sent = api.report(source, now=FRIDAY, config=cfg)
    assert sent.result == "skipped"  # the week's report went out already
    reminded = api.remind(source, now=datetime(2026, 11, 30, 10, tzinfo=UTC), config=cfg)
    assert reminded.result in ("sent", "skipped") and reminded.project == first.project

    missing = api.run_project(str(tmp_path / "none.xlsx"), now=FRIDAY, config=cfg)
    assert missing.failed and missing.error
    with pytest.raises(ValueError, match="time zone"):
        api.run_project(source, now=datetime(2026, 11, 27, 16), config=cfg)

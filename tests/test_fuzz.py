"""The fuzz suite (issue 11 item 10): generated workbooks and configs never end in a
traceback; every problem has a cell and a fix; a check plans no write to a staff cell and,
on real .xlsx files, leaves every staff cell as it was.

The quick variants run in ``make test``; ``test_fuzz_10000`` is marked ``slow`` and run by
``.ci/run`` after ``make test`` (``pytest -m slow``): 10,000 workbooks, in chunks of fixed
seeds, and no new chunk once ``SLOW_BUDGET`` seconds have passed (about 400 s on an idle
2-core machine).
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from sheetsync.errors import ConfigError
from sheetsync.host import config
from sheetsync.model import RawWorkbook
from tests.fuzz_workbooks import check_case, config_files, workbooks

as_ofs = st.dates(min_value=date(1901, 1, 1), max_value=date(9998, 12, 31))
SLOW_CASES = 10_000
SLOW_BUDGET = 570.0  # seconds: the run stops after the chunk that passes it


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(workbooks(), as_ofs)
def test_fuzz_quick(raw: RawWorkbook, as_of: date) -> None:
    check_case(raw, as_of)


CHUNK = 500  # cases per hypothesis run; the time bound is checked between runs


@pytest.mark.slow
def test_fuzz_10000() -> None:
    started, seen = time.monotonic(), [0]

    def chunk(number: int) -> None:
        @seed(20261127 + number)
        @settings(max_examples=CHUNK, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(workbooks(), as_ofs)
        def case(raw: RawWorkbook, as_of: date) -> None:
            seen[0] += 1
            check_case(raw, as_of)

        case()

    number = 0
    while seen[0] < SLOW_CASES and time.monotonic() - started < SLOW_BUDGET:
        chunk(number)
        number += 1
    elapsed = time.monotonic() - started
    print(f"fuzz: {seen[0]} workbooks in {elapsed:.0f} s")
    # the time bound wins on a machine too busy for 10,000 (CI must not hang): said, not failed
    assert seen[0] >= SLOW_CASES or elapsed >= SLOW_BUDGET


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(config_files())
def test_fuzz_configs_load_or_say_what_to_fix(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_text(text, encoding="utf-8")
    try:
        cfg = config.load(str(path), env={})
    except ConfigError as err:
        assert str(err) and "Traceback" not in str(err)
        return
    assert all("\x00" not in p.source for p in cfg.projects)

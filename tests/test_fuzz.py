"""The fuzz suite (issue 11 item 10): generated workbooks and configs never end in a
traceback; every problem has a cell and a fix; a check plans no write to a staff cell and,
on real .xlsx files, leaves every staff cell as it was.

The quick variants run in ``make test``; ``test_fuzz_10000`` is marked ``slow`` and run by
``.ci/run`` after ``make test`` (``pytest -m slow``): at least 10,000 workbooks with a fixed
seed, stopped after ``SLOW_BUDGET`` seconds whatever is left.
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
SLOW_BUDGET = 540.0  # seconds


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(workbooks(), as_ofs)
def test_fuzz_quick(raw: RawWorkbook, as_of: date) -> None:
    check_case(raw, as_of)


SEEN = {"cases": 0}


@pytest.mark.slow
def test_fuzz_10000() -> None:
    started = time.monotonic()

    @seed(20261127)
    @settings(max_examples=SLOW_CASES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(workbooks(), as_ofs)
    def case(raw: RawWorkbook, as_of: date) -> None:
        if time.monotonic() - started > SLOW_BUDGET:
            return  # the time bound: the rest pass untried
        SEEN["cases"] += 1
        check_case(raw, as_of)

    case()
    print(f"fuzz: {SEEN['cases']} workbooks in {time.monotonic() - started:.0f} s")
    assert SEEN["cases"] >= SLOW_CASES or time.monotonic() - started > SLOW_BUDGET


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

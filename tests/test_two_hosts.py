"""Two ``sheetsync run`` processes with different state dirs, one workbook, at once (issue 11
item 2): the host-wide .xlsx write lock keeps every write whole, and the ``sending`` Log row,
read back before the send, lets exactly one of them send each project's weekly report."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.fixtures_env import SHEETSYNC
from tests.fixtures_smtp import LoopbackSmtpServer, sheetsync_env
from tests.xlsx_factory import read_values

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "acme-rollout.xlsx"


@pytest.mark.parametrize("attempt", range(3))
def test_two_runs_with_different_state_dirs_send_one_report(
        tmp_path: Path, smtp_server: LoopbackSmtpServer, attempt: int) -> None:
    books = [tmp_path / f"acme{n}.xlsx" for n in (1, 2)]
    for book in books:
        shutil.copy(EXAMPLE, book)
    procs = [subprocess.Popen(
        [*SHEETSYNC, "run", *map(str, books), "--now", "2026-11-27T16:05+00:00", "--json"],
        cwd=tmp_path, env=sheetsync_env(smtp_server, tmp_path / f"state{n}",
                                        "projects@studio.example"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in (1, 2)]
    outs = [p.communicate(timeout=180) for p in procs]
    assert all("Traceback" not in err for _, err in outs), outs
    reports = [m for m in smtp_server.messages if m.message["X-Sheetsync-Job"] == "report"]
    assert len(reports) == 2  # one per project (the two copies are two projects), not four
    for book in books:
        rows = read_values(book, "Log")
        header = rows[0]
        results = [r[header.index("Result")] for r in rows[1:] if any(r)]
        assert results.count("sent") == 1, results  # nothing overwritten, nothing twice

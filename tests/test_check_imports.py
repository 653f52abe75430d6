"""``sheetsync check`` loads only what it needs: no mail, rendering or Jinja, no openpyxl."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HEAVY = ("jinja2", "yagmail", "premailer", "sheetsync.mail", "sheetsync.render", "openpyxl")
PROBE = (  # each loaded module as its package (sheetsync.mail, jinja2), compared to HEAVY
    "import sys\n"
    "from sheetsync.cli.main import main\n"
    "try:\n    main(sys.argv[1:])\nexcept SystemExit as exc:\n    code = exc.code\n"
    "units = {'.'.join(m.split('.')[:2 if m.startswith('sheetsync.') else 1]) "
    "for m in sys.modules}\n"
    f"print(sorted(units & set({HEAVY!r})))\n"
)


def test_check_does_not_import_the_mail_rendering_or_openpyxl_stack(tmp_path: Path) -> None:
    book = tmp_path / "acme.xlsx"
    shutil.copy(Path(__file__).resolve().parents[1] / "examples" / "acme-rollout.xlsx", book)
    out = subprocess.run([sys.executable, "-c", PROBE, "check", str(book), "--as-of",
                          "2026-11-27"], capture_output=True, text=True, cwd=tmp_path,
                         timeout=60, check=True)
    assert "written back" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout

"""The env file's mode is one fact: the systemd unit and the admin guide say the same.

The trial found ``sheetsync.service`` saying 600 and admin.md 640 (cron runs as the
``sheetsync`` user and reads it too, so root-owned, group ``sheetsync``, 640).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_env_files_mode_agrees_between_the_unit_and_the_admin_guide() -> None:
    unit = (ROOT / "jobs" / "sheetsync.service").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "admin.md").read_text(encoding="utf-8")
    in_unit = set(re.findall(r"mode (\d{3})", unit))
    in_guide = set(re.findall(r"-m (\d{3}) \S+ /etc/sheetsync/env\b", guide))
    assert in_unit == in_guide == {"640"}

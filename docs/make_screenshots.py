"""Refresh docs/report-en-375.png, docs/report-en-1024.png, docs/report-zh-375.png, and the
staff emails docs/preview-en-375.png and docs/digest-en-375.png.

Renders the example report of tests/test_render.py and photographs it in headless
Chromium (``apt-get install chromium``; ``fonts-noto-cjk`` for the Chinese one):

    .venv/bin/python docs/make_screenshots.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_render_browser import make_screenshots  # noqa: E402
from tests.test_staff_browser import make_staff_screenshots  # noqa: E402

if __name__ == "__main__":
    for path in [*make_screenshots(ROOT / "docs"), *make_staff_screenshots(ROOT / "docs")]:
        print(path.relative_to(ROOT))

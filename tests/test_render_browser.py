"""The HTML report in a real headless Chromium: nothing runs off a 375 px phone or a
1024 px desktop window.

The email itself holds no script; the page the browser opens is the email with one small
script appended that measures the layout and writes the result into an attribute, which
``--dump-dom`` then prints. ``SHEETSYNC_SCREENSHOTS=1`` also saves the screenshots of
``docs/`` (``docs/make_screenshots.py`` does the same on its own).
"""

from __future__ import annotations

import html as htmllib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from sheetsync.core import rules
from sheetsync.render.emails import Rendered, weekly_email
from tests.test_render import AS_OF, IMPACT, example_project

CHROMIUM = "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--mute-audio", "--disable-extensions")
DOCS = Path(__file__).resolve().parent.parent / "docs"

WINDOW_MIN = 500  # headless Chromium never makes a window narrower than this
FRAME = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head>
<body style="margin:0;padding:{pad}px 0;background-color:#c9ced6;">
<iframe id="email" title="email" style="display:block;margin:0 auto;border:0;width:{width}px;\
height:{height}px;background-color:#ffffff;" srcdoc="{srcdoc}"></iframe>
{script}
</body></html>"""

# Runs in the frame page after load: measures the email document inside the iframe, whose
# viewport is exactly the width under test, and writes the numbers into an attribute.
MEASURE = """<script>
window.addEventListener("load", function () {
  var win = document.getElementById("email").contentWindow, doc = win.document;
  var worst = 0, who = "", all = doc.body.getElementsByTagName("*");
  for (var i = 0; i < all.length; i++) {
    var r = all[i].getBoundingClientRect();
    if (r.width > 0 && r.right > worst) {
      worst = r.right;
      who = all[i].tagName + ": " + (all[i].textContent || "").slice(0, 60);
    }
  }
  document.documentElement.setAttribute("data-measure", JSON.stringify({
    inner: win.innerWidth, scroll: doc.documentElement.scrollWidth, right: worst, who: who,
    height: doc.documentElement.scrollHeight,
    scripts: doc.getElementsByTagName("script").length}));
});
</script>"""


def chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    found = shutil.which("chromium")
    if not found:
        pytest.skip("chromium not installed: apt-get install chromium")
    return found


def _frame(email: str, width: int, height: int, script: str = "", pad: int = 0) -> str:
    return FRAME.format(width=width, height=height, pad=pad, script=script,
                        srcdoc=htmllib.escape(email, quote=True))


def _run(args: list[str], work: Path) -> str:
    cmd = [chromium(), *FLAGS, f"--user-data-dir={work / 'profile'}", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise AssertionError(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def measure(email: str, width: int) -> dict[str, object]:
    """Lay ``email`` out in a viewport ``width`` px wide and return the numbers."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        page = work / "page.html"
        page.write_text(_frame(email, width, 900, MEASURE), encoding="utf-8")
        window = max(width, WINDOW_MIN)
        dom = _run([f"--window-size={window},1000", "--dump-dom", page.as_uri()], work)
    found = re.search(r'data-measure="([^"]*)"', dom)
    assert found, f"the measuring script did not run: {dom[:500]}"
    return dict(json.loads(htmllib.unescape(found.group(1))))


def screenshot(email: str, width: int, target: Path) -> None:
    """Save a full-height screenshot of ``email`` laid out ``width`` px wide to ``target``;
    a phone width is shown on a grey backdrop, as the browser's window cannot be narrower."""
    height = int(str(measure(email, width)["height"]))
    pad = 16 if width < WINDOW_MIN else 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        page = work / "page.html"
        page.write_text(_frame(email, width, height, pad=pad), encoding="utf-8")
        shot = work / "shot.png"
        window = max(width, WINDOW_MIN)
        _run([f"--window-size={window},{height + 2 * pad}", f"--screenshot={shot}",
              page.as_uri()], work)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)


def rendered(language: str) -> Rendered:
    project = example_project(language)
    return weekly_email(project, rules.assess(project, AS_OF), AS_OF, IMPACT)


SHOTS = (("en", 375), ("en", 1024), ("zh", 375))


def make_screenshots(folder: Path = DOCS) -> list[Path]:
    """The screenshots of docs/report.md: English at phone and desktop width, Chinese phone."""
    saved = []
    for language, width in SHOTS:
        target = folder / f"report-{language}-{width}.png"
        screenshot(rendered(language).html, width, target)
        saved.append(target)
    return saved


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("width", [375, 1024])
def test_nothing_runs_off_the_right_edge(language: str, width: int) -> None:
    numbers = measure(rendered(language).html, width)
    assert numbers["inner"] == width
    assert numbers["scroll"] == width, numbers
    assert float(str(numbers["right"])) <= width, numbers


def test_a_hostile_long_value_still_fits_a_phone() -> None:
    from dataclasses import replace

    project = example_project("en")
    long_word = "x" * 300
    first = replace(project.milestones[3], title=f"{long_word} <b>bold</b> https://example.com/"
                                                 + "a/" * 60)
    project = replace(project, milestones=(*project.milestones[:3], first,
                                           *project.milestones[4:]))
    page = weekly_email(project, rules.assess(project, AS_OF), AS_OF).html
    numbers = measure(page, 375)
    assert numbers["scroll"] == 375, numbers


def test_the_email_itself_holds_no_script() -> None:
    page = rendered("en").html
    assert "<script" not in page.lower()


@pytest.mark.skipif(not os.environ.get("SHEETSYNC_SCREENSHOTS"),
                    reason="set SHEETSYNC_SCREENSHOTS=1 to refresh docs/report-*.png")
def test_save_screenshots() -> None:
    for path in make_screenshots():
        assert path.stat().st_size > 10_000

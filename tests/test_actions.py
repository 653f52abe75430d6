"""Reply buttons: mailto links as RFC 6068 says, short enough, and real buttons in Chromium."""

from __future__ import annotations

import html as htmllib
import json
import re
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sheetsync.core import replies, rules, tokens
from sheetsync.core.report import build_report
from sheetsync.render import actions
from sheetsync.render.emails import render_report
from tests.test_render import AS_OF, IMPACT, example_project
from tests.test_render_browser import WINDOW_MIN, _frame, _run

SIGNER = actions.Signer(b"k" * 32, "replies+x@studio.example", date(2026, 11, 27))


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize(("kind", "expected"), [("confirm", ("confirm", "changes")),
                                                ("approve", ("approve", "decline")),
                                                ("client", ("done", "date"))])
def test_links_decode_to_the_subject_and_body_and_verify(language, kind, expected):
    project = "Acme & Co: ünïcode / 项目 ?#%"
    found = actions.buttons(kind, "M4", project, language, SIGNER)
    assert tuple(b.action for b in found) == expected
    for b in found:
        parts = urlsplit(b.url)
        assert parts.scheme == "mailto" and parts.path == "replies%2Bx@studio.example"
        assert re.fullmatch(r"[A-Za-z0-9%._~\-]*", parts.query.replace("&", "").replace(
            "=", "")), "every reserved or non-ASCII octet is percent-encoded"
        q = parse_qs(parts.query)
        subject, body = q["subject"][0], q["body"][0]
        assert "\r\n" in body and len(b.url) < actions.MAX_LINK
        item, name = replies.subject_parts("Re: " + subject)
        assert (item, name) == ("M4", " ".join(project.split()))
        token = tokens.find(subject)
        assert token is not None and token.action == b.action
        assert tokens.verify(SIGNER.secret, token, project, "M4", SIGNER.day).ok


def test_no_signer_or_address_no_buttons_and_a_long_name_is_cut():
    assert actions.buttons("confirm", "M1", "P", "en", None) == ()
    long = actions.buttons("confirm", "M1", "P" * 5000, "en", SIGNER)
    assert long and all(len(b.url) < actions.MAX_LINK for b in long)


MEASURE = """<script>
window.addEventListener("load", function () {
  var doc = document.getElementById("email").contentWindow.document, out = [];
  var links = doc.querySelectorAll('a[href^="mailto:"]');
  for (var i = 0; i < links.length; i++) {
    var cell = links[i].parentElement.getBoundingClientRect();
    var r = links[i].getBoundingClientRect();
    out.push({h: cell.height, right: cell.right, text: links[i].textContent, lh: r.height});
  }
  document.documentElement.setAttribute("data-measure", JSON.stringify({
    buttons: out, scroll: doc.documentElement.scrollWidth}));
});
</script>"""


@pytest.mark.parametrize("language", ["en", "zh"])
def test_buttons_are_real_buttons_at_375_px_with_images_blocked(language):
    project = example_project(language)
    report = build_report(project, rules.assess(project, AS_OF), AS_OF, IMPACT)
    page = render_report(report, project.settings, SIGNER).html
    assert "<img" not in page  # nothing to block: the buttons are table cells and text
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        frame = work / "page.html"
        frame.write_text(_frame(page, 375, 900, MEASURE), encoding="utf-8")
        dom = _run([f"--window-size={WINDOW_MIN},1000", "--dump-dom", frame.as_uri()], work)
    found = re.search(r'data-measure="([^"]*)"', dom)
    assert found, dom[:300]
    numbers = json.loads(htmllib.unescape(found.group(1)))
    assert numbers["scroll"] == 375, numbers
    assert len(numbers["buttons"]) == 2 * len(report.waiting)
    for b in numbers["buttons"]:
        assert b["h"] >= 44 and b["right"] <= 375 and b["text"].strip(), b


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("action", ["confirm", "changes", "date"])
def test_an_acknowledgement_reads_as_paragraphs_with_one_blank_line_between(language, action):
    from sheetsync.core import responses

    row = responses.Response("2026-11-28 10:00", "Ann <ann@client.example>", "M4", action,
                             "The logo." if action == "changes" else "2026-12-15"
                             if action == "date" else "", "<1@client.example>", "applied")
    subject, text, _ = actions.acknowledgement(row, "Acme rollout", "Design", language)
    assert "M4" in subject and "\n\n\n" not in text and text.endswith("\n")
    assert text.count("\n\n") == (3 if action != "confirm" else 2)

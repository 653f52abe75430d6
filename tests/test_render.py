"""render.py: the subject, the text/plain part and the HTML part of the weekly report."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import date

import pytest
from jinja2 import StrictUndefined

from sheetsync.core import impact, rules
from sheetsync.core.report import build_report
from sheetsync.lang import catalog
from sheetsync.model import (
    Change,
    ChangeStatus,
    Milestone,
    Owner,
    Project,
    Settings,
    Status,
    Update,
    UpdateType,
)
from sheetsync.render.emails import Rendered, environment, render_report, weekly_email
from sheetsync.render.phrases import bullet, display_width, one_line

AS_OF = date(2026, 11, 27)  # a Friday
IMPACT = {"M4": 7}

TITLES = {
    "en": {"M1": "Kick-off workshop", "M2": "Requirements sign-off",
           "M3": "Sitemap and page list", "M4": "Brand assets and content",
           "M5": "Visual design", "M6": "Build", "M7": "Content migration",
           "M8": "Analytics setup", "M9": "User acceptance testing", "M10": "Go-live",
           "M11": "Print brochure", "CR1": "Add a blog section",
           "CR2": "Second language: German", "CR4": "Add a newsletter sign-up page",
           "impact4": "Content migration takes one more week",
           "name": "Acme website rollout",
           "pm": "Lena Fischer",
           "u1": "Homepage and product page designs finished",
           "u2": "Design files shared in Figma for your review",
           "u3": "Still waiting for admin access to Google Analytics",
           "u4": "Start building the page templates on Monday",
           "u5": "Our office is closed on Tue 1 Dec for a public holiday.",
           "impact": "About 3 extra days of build"},
    "zh": {"M1": "项目启动会", "M2": "需求签字确认", "M3": "网站地图与页面清单",
           "M4": "品牌素材与文案", "M5": "视觉设计", "M6": "网站开发", "M7": "内容迁移",
           "M8": "数据分析配置", "M9": "用户验收测试", "M10": "正式上线", "M11": "印刷宣传册",
           "CR1": "新增博客栏目", "CR2": "增加德语版本", "CR4": "新增邮件订阅页面",
           "impact4": "内容迁移多需一周", "name": "Acme 官网改版", "pm": "李娜",
           "u1": "首页与产品页设计完成", "u2": "设计文件已通过 Figma 分享，请审阅",
           "u3": "仍在等待 Google Analytics 管理员权限", "u4": "周一开始开发页面模板",
           "u5": "12月1日（周二）公司放假，办公室关闭。", "impact": "开发约增加 3 天"},
}


def example_project(language: str = "en") -> Project:
    """A website project at the end of a busy week: late client work, a blocked item,
    deliveries to confirm, two change requests awaiting the client and one agreed this week
    (its milestone already re-dated, as the sheet guide asks), plus an internal update, a
    rejected change and a cancelled milestone that must not show."""
    t = TITLES[language]
    d = date
    milestones = (
        Milestone("M1", 2, t["M1"], start=d(2026, 10, 19), due=d(2026, 10, 23),
                  status=Status.DONE, done_on=d(2026, 10, 23), client_confirmed=True),
        Milestone("M2", 3, t["M2"], owner=Owner.CLIENT, start=d(2026, 10, 26),
                  due=d(2026, 10, 30), status=Status.DONE, done_on=d(2026, 10, 30),
                  depends_on=("M1",)),
        Milestone("M3", 4, t["M3"], start=d(2026, 11, 2), due=d(2026, 11, 13),
                  status=Status.DONE, done_on=d(2026, 11, 13), depends_on=("M2",)),
        Milestone("M4", 5, t["M4"], owner=Owner.CLIENT, start=d(2026, 11, 2),
                  due=d(2026, 11, 20), status=Status.IN_PROGRESS, depends_on=("M2",)),
        Milestone("M5", 6, t["M5"], start=d(2026, 11, 9), due=d(2026, 11, 25),
                  status=Status.DONE, done_on=d(2026, 11, 25), depends_on=("M3",)),
        Milestone("M6", 7, t["M6"], start=d(2026, 11, 23), due=d(2026, 12, 18),
                  status=Status.IN_PROGRESS, depends_on=("M4", "M5")),
        Milestone("M7", 8, t["M7"], due=d(2026, 12, 11), depends_on=("M4",)),
        Milestone("M8", 9, t["M8"], start=d(2026, 11, 16), due=d(2026, 12, 10),
                  status=Status.BLOCKED),
        Milestone("M9", 10, t["M9"], owner=Owner.CLIENT, due=d(2026, 12, 30),
                  depends_on=("M6", "M7")),
        Milestone("M10", 11, t["M10"], due=d(2027, 1, 8), depends_on=("M9",)),
        Milestone("M11", 12, t["M11"], due=d(2026, 12, 1), status=Status.CANCELLED),
    )
    updates = (
        Update(2, d(2026, 11, 23), UpdateType.DONE, t["u1"], "M5", "Lena"),
        Update(3, d(2026, 11, 25), UpdateType.DONE, t["u2"], "M5", "Lena"),
        Update(4, d(2026, 11, 24), UpdateType.PROBLEM, t["u3"], "M8", "Omar"),
        Update(5, d(2026, 11, 26), UpdateType.NEXT, t["u4"], "M6", "Omar"),
        Update(6, d(2026, 11, 20), UpdateType.DONE, "LAST-WEEK-UPDATE", "M3"),
        Update(7, d(2026, 11, 26), UpdateType.NOTE, t["u5"]),
        Update(8, d(2026, 11, 25), UpdateType.PROBLEM, "INTERNAL-ONLY short-staffed", "M6",
               internal=True),
    )
    changes = (
        Change("CR1", 2, d(2026, 11, 24), "Jane Smith (Acme)", t["CR1"], t["impact"], "M6",
               d(2026, 12, 18), d(2026, 12, 23), ChangeStatus.PROPOSED),
        Change("CR2", 3, d(2026, 11, 10), "Jane Smith (Acme)", t["CR2"], "", "M10",
               d(2027, 1, 8), d(2027, 1, 15), ChangeStatus.APPROVED),
        Change("CR3", 4, d(2026, 11, 2), "Bob", "REJECTED-CHANGE", "", "M6",
               status=ChangeStatus.REJECTED),
        Change("CR4", 5, d(2026, 11, 25), "Jane Smith (Acme)", t["CR4"], t["impact4"], "M7",
               d(2026, 12, 4), d(2026, 12, 11), ChangeStatus.APPROVED, client_approved=True),
    )
    settings = Settings(name=t["name"], client="Acme Corp", pm_name=t["pm"], language=language,
                        pm_email="lena@studio.example", client_emails=("jane@acme.example",))
    return Project("acme.xlsx", settings, milestones, updates, changes)


# --------------------------------------------------------------------------- tests

HEADINGS = {
    "en": ["Summary", "Completed", "Problems", "Next steps", "Waiting on you", "Timeline"],
    "zh": ["概况", "已完成", "问题", "下一步", "需要您", "时间线"],
}
TAG = re.compile(r"</?[a-zA-Z!][^>]*>")


def render(p: Project) -> Rendered:
    return weekly_email(p, rules.assess(p, AS_OF), AS_OF, IMPACT)


@pytest.fixture(params=["en", "zh"])
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _positions(haystack: str, needles: list[str]) -> list[int]:
    found = []
    start = 0
    for needle in needles:
        start = haystack.index(needle, start)
        found.append(start)
    return found


def test_html_headings_in_contract_order(language: str) -> None:
    html = render(example_project(language)).html
    heads = re.findall(r"<h2[^>]*>(.*?)</h2>", html, flags=re.S)
    assert len(heads) == 6
    for head, word in zip(heads, HEADINGS[language], strict=True):
        assert word in head


def test_text_headings_in_order_and_underlined(language: str) -> None:
    text = render(example_project(language)).text
    _positions(text, HEADINGS[language])  # raises when one is missing or out of order
    lines = text.splitlines()
    heads = [(line, under) for line, under in itertools.pairwise(lines)
             if under and set(under) == {"-"}]
    assert len(heads) == 6
    for (line, under), word in zip(heads, HEADINGS[language], strict=True):
        assert word in line
        assert len(under) == display_width(line)


def test_text_part_holds_no_html_and_reads_on_its_own(language: str) -> None:
    text = render(example_project(language)).text
    assert not TAG.search(text)
    assert "&lt;" not in text and "&amp;" not in text and "&nbsp;" not in text
    assert "\n- " in text  # bullet lists
    assert re.search(r"^[.#=!< ]*(###|===|!!!)[.#=!> ]*  M\d", text, flags=re.M)  # text bars
    assert "\n\n\n\n" not in text


def test_internal_and_other_weeks_updates_and_rejected_changes_stay_out(language: str) -> None:
    out = render(example_project(language))
    for part in (out.text, out.html):
        assert "INTERNAL-ONLY" not in part
        assert "LAST-WEEK-UPDATE" not in part
        assert "REJECTED-CHANGE" not in part
        assert TITLES[language]["M11"] not in part  # cancelled


def test_subject_and_dates_per_language() -> None:
    en, zh = render(example_project("en")), render(example_project("zh"))
    assert en.subject == "Acme website rollout — weekly report, week ending 27 Nov 2026"
    assert zh.subject == "Acme 官网改版 — 项目周报（截至2026年11月27日）"
    assert "Sat 21 Nov – Fri 27 Nov 2026" in en.text and "Fri 20 Nov" in en.text
    assert "11月21日（周六） 至 2026年11月27日（周五）" in zh.text and "11月20日（周五）" in zh.text


def test_subject_is_one_line_whatever_the_name_holds() -> None:
    p = example_project("en")
    p = replace(p, settings=replace(p.settings, name="Acme\r\nBcc: victim@example.com\tX\x0b"))
    subject = render(p).subject
    assert "\r" not in subject and "\n" not in subject and "\x0b" not in subject
    assert subject.startswith("Acme Bcc: victim@example.com X — weekly report")


def test_signature_is_the_pm_or_the_team(language: str) -> None:
    p = example_project(language)
    out = render(p)
    assert out.text.split("\n-- \n")[0].rstrip().endswith(p.settings.pm_name)
    assert p.settings.pm_name in out.html
    nameless = render(replace(p, settings=replace(p.settings, pm_name="")))
    assert catalog.get(language).table["team"] in nameless.text


HOSTILE = '<script>alert("x")</script> & \'q\' =HYPERLINK("http://evil.example","click")'


def _hostile_project() -> Project:
    p = example_project("en")
    ms = tuple(replace(m, title=f"{m.title} {HOSTILE}") for m in p.milestones)
    ups = tuple(replace(u, text=f"{u.text} {HOSTILE}", by=HOSTILE) for u in p.updates)
    chs = tuple(replace(c, change=HOSTILE, impact=HOSTILE, requested_by=HOSTILE, id=HOSTILE)
                for c in p.changes)
    settings = replace(p.settings, name=f"Acme {HOSTILE}", client=HOSTILE, pm_name=HOSTILE)
    return replace(p, settings=settings, milestones=ms, updates=ups, changes=chs)


def test_every_sheet_value_is_escaped_in_html() -> None:
    html = render(_hostile_project()).html
    assert "<script" not in html.lower()
    assert 'alert("x")' not in html and "'q'" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;q&#39;" in html
    assert "=HYPERLINK(&#34;http://evil.example&#34;,&#34;click&#34;)" in html
    assert ' & ' not in html.replace("&amp;", "")  # no bare ampersand from a value


def test_hostile_values_read_as_plain_words_in_text() -> None:
    out = render(_hostile_project())
    assert HOSTILE in out.text
    assert "\n" not in out.subject


def test_html_is_email_safe(language: str) -> None:
    html = render(example_project(language)).html.lower()
    for banned in ("<script", "<style", "<link", "<img", "<iframe", "url(", "@import",
                   "javascript:", "position:", "src=", "<form"):
        assert banned not in html, banned
    assert "max-width:640px" in html
    for px in re.findall(r"(?<!max-)width:\s*(\d+)px", html):
        assert int(px) <= 375
    for px in re.findall(r'\swidth="(\d+)"', html):
        assert int(px) <= 375


def test_timeline_bars_are_table_cells_with_a_text_fallback(language: str) -> None:
    p = example_project(language)
    report = build_report(p, rules.assess(p, AS_OF), AS_OF, IMPACT)
    html = render_report(report, p.settings).html
    timeline = html[html.index(HEADINGS[language][-1]):]
    n = len(report.timeline.weeks)
    assert n <= 10
    assert timeline.count('<td bgcolor="') == n * len(report.timeline.rows)
    words = catalog.get(language)
    for row in report.timeline.rows:
        assert row.start is not None and row.end is not None
        assert words.span(row.start, row.end) in timeline


def test_the_legend_explains_the_marks_of_a_bar_beyond_the_weeks_shown(language: str) -> None:
    p = example_project(language)  # M1 and M2 ended before the first week shown
    report = build_report(p, rules.assess(p, AS_OF), AS_OF, IMPACT)
    out = render_report(report, p.settings)
    words = catalog.get(language)
    assert "&#8249;" in out.html and words("beyond") in out.html
    assert "\n<  ." in out.text and words("text_beyond") in out.text
    recent = replace(p, milestones=tuple(m for m in p.milestones if m.id not in ("M1", "M2")))
    report = build_report(recent, rules.assess(recent, AS_OF), AS_OF, IMPACT)
    out = render_report(report, recent.settings)
    assert not any(r.before or r.after for r in report.timeline.rows)
    assert words("beyond") not in out.html and words("text_beyond") not in out.text  # no mark


def test_waiting_on_you_says_what_each_item_holds_up() -> None:
    out = render(example_project("en"))
    waiting = out.text[out.text.index("Waiting on you"):out.text.index("Timeline")]
    assert "M6 Build, M7 Content migration, M9 User acceptance testing and M10" in waiting
    assert "Go-live wait on this; each day of delay moves them." in waiting
    assert "Projected slip if it stays open: 7 days." in waiting
    assert "It moves M6 Build from Fri 18 Dec to Wed 23 Dec." in waiting
    assert "we have approved it and need your approval" in waiting


def test_an_empty_project_renders_its_empty_sections(language: str) -> None:
    p = Project("x.xlsx", Settings(name="Empty", language=language))
    out = render(p)
    words = catalog.get(language).table
    for key in ("none_completed", "none_problems", "none_next", "none_waiting"):
        assert words[key] in out.text and words[key] in out.html


def test_environment_is_strict_and_escapes_html_only() -> None:
    env = environment()
    assert env.undefined is StrictUndefined
    assert callable(env.autoescape)
    assert env.autoescape("report.html.j2") and env.autoescape("_macros.html.j2")
    assert not env.autoescape("report.txt.j2")


def test_words_dates_days_and_lists() -> None:
    en, zh = catalog.get("en"), catalog.get("zh")
    friday = date(2026, 11, 27)
    assert (en.date(friday), zh.date(friday)) == ("Fri 27 Nov", "11月27日（周五）")
    assert (en.long(friday), zh.long(friday)) == ("27 Nov 2026", "2026年11月27日")
    assert (en.days(1), en.days(2), zh.days(2)) == ("1 day", "2 days", "2 天")
    assert (en.when(0), en.when(1), en.when(5)) == ("today", "tomorrow", "in 5 days")
    assert en.join(["A", "B", "C"]) == "A, B and C" and zh.join(["A", "B"]) == "A和B"
    assert en.join(list("ABCDEFG")) == "A, B, C, D and 3 more"
    assert catalog.get("fr").language == "en"
    assert [en.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "111th"]
    assert zh.ordinal(2) == "第2次" and zh.span(friday, date(2026, 12, 1)) == "11月27日–12月1日"
    assert en.span(friday, date(2026, 12, 1)) == "27 Nov – 1 Dec"
    assert (en.full(friday), zh.full(friday)) == ("Fri 27 Nov 2026", "2026年11月27日（周五）")


def test_text_helpers() -> None:
    assert one_line(" a\r\n b\t c ") == "a b c"
    assert bullet("one\ntwo") == "- one\n  two"
    assert display_width("项目 ab") == 7


def _section(part: str, language: str, heading: int) -> str:
    """One section of a rendered part: from its heading to the next one."""
    heads = HEADINGS[language]
    start = part.index(heads[heading])
    return part[start:part.index(heads[heading + 1], start)]


AGREED = {
    "en": ("Changes agreed this week",
           "CR4 Add a newsletter sign-up page — approved: M7 Content migration moves from "
           "Fri 4 Dec to Fri 11 Dec", "approved: M7 Content migration moves from Fri 4 Dec "
           "to Fri 11 Dec", "Impact: Content migration takes one more week"),
    "zh": ("本周已确认的变更",
           "CR4 新增邮件订阅页面 — 已批准：M7 内容迁移从12月4日（周五）调整到12月11日（周五）",
           "已批准：M7 内容迁移从12月4日（周五）调整到12月11日（周五）",
           "影响：内容迁移多需一周"),
}


def test_changes_agreed_this_week_are_listed_under_completed(language: str) -> None:
    heading, line, detail, impact = AGREED[language]
    out = render(example_project(language))
    text = _section(out.text, language, 1)
    assert heading in text and impact in text
    assert " ".join(line.split()) in " ".join(text.split())  # wrapped at 76 columns
    html = _section(out.html, language, 1)
    assert heading in html and detail in html and impact in html
    assert f"<strong>CR4 {TITLES[language]['CR4']}</strong>" in html
    for part in (text, html):  # the proposed CR1 of the same week is not agreed
        assert TITLES[language]["CR1"] not in part and "CR2" not in part
    for part in (out.text, out.html):  # and an agreed change waits on nobody
        assert TITLES[language]["CR4"] not in _section(part, language, 4)


def test_a_week_without_agreed_changes_has_no_such_block(language: str) -> None:
    p = example_project(language)
    p = replace(p, changes=tuple(c for c in p.changes if c.id != "CR4"))
    out = render(p)
    assert AGREED[language][0] not in out.text and AGREED[language][0] not in out.html


def test_agreed_changes_are_escaped_in_html() -> None:
    html = _section(render(_hostile_project()).html, "en", 1)
    assert "Changes agreed this week" in html
    assert "<script" not in html.lower()
    assert "<strong>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;q&#39;" in html
    assert "Impact: &lt;script&gt;" in html


SLIP = {"en": "Projected slip if it stays open", "zh": "预计后续工作推迟"}
MOVES = {"en": "It moves M6 Build from Fri 18 Dec to Wed 23 Dec.",
         "zh": "它将把M6 网站开发从12月18日（周五）调整到12月23日（周三）。"}
WAITS = {"en": "M6 Build, M9 User acceptance testing and M10 Go-live wait on this.",
         "zh": "M6 网站开发、M9 用户验收测试和M10 正式上线都在等待此项。"}


def _cards(text: str, language: str) -> dict[str, str]:
    """The Waiting on you items of the text part by their headline."""
    waiting = _section(text, language, 4)
    return {card.split("\n", 1)[0]: card for card in waiting.split("\n* [")[1:]}


def test_a_change_shows_its_own_date_move_never_a_lateness_slip(language: str) -> None:
    p = example_project(language)
    slips = impact.slips(p, AS_OF)  # what the weekly job hands in: M6 inherits M4's 7 days
    assert slips["M6"] == 7 and slips["M10"] == 7
    out = weekly_email(p, rules.assess(p, AS_OF), AS_OF, slips)
    cards = _cards(out.text, language)
    (cr1,) = [c for head, c in cards.items() if TITLES[language]["CR1"] in head]
    (cr2,) = [c for head, c in cards.items() if TITLES[language]["CR2"] in head]
    (m4,) = [c for head, c in cards.items() if TITLES[language]["M4"] in head]
    assert MOVES[language] in cr1 and WAITS[language] in " ".join(cr1.split())
    assert SLIP[language] not in cr1 and SLIP[language] not in cr2
    assert SLIP[language] in m4  # late client work keeps its slip
    assert out.text.count(SLIP[language]) == 1 and out.html.count(SLIP[language]) == 1
    html = _section(out.html, language, 4)
    card = html[html.index(TITLES[language]["CR1"]):html.index(TITLES[language]["CR2"])]
    assert MOVES[language] in card and WAITS[language] in card and SLIP[language] not in card


def test_the_slip_sentence_is_refused_to_a_change_even_when_the_model_has_one() -> None:
    p = example_project("en")
    report = build_report(p, rules.assess(p, AS_OF), AS_OF, IMPACT)
    forced = replace(report, waiting=tuple(replace(w, slip_days=9) for w in report.waiting))
    out = render_report(forced, p.settings)
    assert out.text.count("Projected slip if it stays open: 9 days.") == 1  # M4 only


@pytest.mark.parametrize("language", ["en", "zh"])
def test_under_the_clients_overdue_items_the_report_asks_why_and_offers_help(
        language: str) -> None:
    words = catalog.get(language)
    p = example_project(language)
    p = replace(p, settings=replace(p.settings, help_offer="A; B"))
    out = render(p)
    offer = words("offer_help", help=words.join(["A", "B"]))
    waiting = out.text[out.text.index(words("h_waiting")):out.text.index(words("h_timeline"))]
    assert words("ask_why") in waiting and offer in waiting
    html = out.html[out.html.index(words("h_waiting")):out.html.index(words("h_timeline"))]
    assert words("ask_why") in html and offer in html
    # nothing of the client's overdue: no passage
    calm = replace(p, milestones=tuple(m for m in p.milestones if m.owner is not Owner.CLIENT))
    out = render(calm)
    assert words("ask_why") not in out.text and words("ask_why") not in out.html

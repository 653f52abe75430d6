"""Every text with a count reads right for 0, 1 and 2, in both languages.

"At risk: M5, M6 is late" was the flag of a milestone waiting on two late ones. A text
whose words change with a count has a ``_one`` form in the catalog (``Catalog.n`` for the
client's words, ``Catalog.sheet_n`` for the sheet's); the terminal's English lines use
``summaries.count``. The first test finds every such text in the catalog, so a new one
without its ``_one`` form fails; the others spell out each pluralised text for 0, 1 and 2.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from sheetsync.core import writeplan
from sheetsync.lang import catalog
from sheetsync.model import Assessment, Flag, Milestone
from sheetsync.shell import alerts
from sheetsync.shell.summaries import count

EN = catalog.get("en")
ZH = catalog.get("zh")
# A count placeholder followed by a word whose English form follows the count: "{n} items",
# "{names} wait", "{ids} is". "{n} more" reads right for any count.
COUNTED = re.compile(r"\{(n|names|ids)\}\s+(?!more\b)[a-z]")


@pytest.mark.parametrize("section", ["words", "sheet"])
def test_every_text_whose_words_follow_a_count_has_its_one_form(section: str) -> None:
    table = EN.data[section]
    missing = [k for k, v in table.items() if isinstance(v, str) and not k.endswith("_one")
               and COUNTED.search(v) and f"{k}_one" not in table]
    assert missing == []
    for key in (k for k in table if k.endswith("_one")):
        assert key[:-len("_one")] in table  # a one form belongs to a pattern
        for cat in (EN, ZH):  # and every language has both
            assert key in cat.data[section] and key[:-len("_one")] in cat.data[section]


def _names(n: int, words: catalog.Catalog = EN) -> str:
    return words.join([f"M{i}" for i in range(1, n + 1)])


# key: (facts for a count, the English for 0, 1 and 2)
WORDS: dict[str, tuple[Any, tuple[str, str, str]]] = {
    "days": (lambda n: {"n": n}, ("0 days", "1 day", "2 days")),
    "progress": (lambda n: {"done": 0, "total": n, "percent": 0},
                 ("0 of 0 milestones done (0%).", "0 of 1 milestone done (0%).",
                  "0 of 2 milestones done (0%).")),
    "at_risk_detail": (lambda n: {"names": _names(n)},
                       ("at risk while  are late", "at risk while M1 is late",
                        "at risk while M1 and M2 are late")),
    "holds_work": (lambda n: {"names": _names(n)}, (
        " wait on this; each day of delay moves them.",
        "M1 waits on this; each day of delay moves it.",
        "M1 and M2 wait on this; each day of delay moves them.")),
    "holds_decision": (lambda n: {"names": _names(n)},
                       (" wait on this.", "M1 waits on this.", "M1 and M2 wait on this.")),
    "r_waits": (lambda n: {"names": _names(n)},
                (" wait on this.", "M1 waits on this.", "M1 and M2 wait on this.")),
    "r_moves": (lambda n: {"names": _names(n), "days": "3 days"}, (
        "If this stays late,  move by 3 days.", "If this stays late, M1 moves by 3 days.",
        "If this stays late, M1 and M2 move by 3 days.")),
    "r_subject_friendly": (lambda n: {"project": "P", "n": n}, (
        "P: 0 items waiting on you", "P: 1 item waiting on you",
        "P: 2 items waiting on you")),
    "r_subject_firmer": (lambda n: {"project": "P", "n": n}, (
        "Reminder: P: 0 items still waiting on you", "Reminder: P: 1 item still waiting on you",
        "Reminder: P: 2 items still waiting on you")),
    "r_subject_firm": (lambda n: {"project": "P", "n": n}, (
        "Action needed: P: 0 items still waiting on you",
        "Action needed: P: 1 item still waiting on you",
        "Action needed: P: 2 items still waiting on you")),
    "r_intro_friendly": (lambda n: {"project": "P", "n": n}, (
        "A friendly note about P: 0 items are waiting on you. Could you take a look when you "
        "have a moment?",
        "A friendly note about P: one item is waiting on you. Could you take a look when you "
        "have a moment?",
        "A friendly note about P: 2 items are waiting on you. Could you take a look when you "
        "have a moment?")),
    # the staff emails: the preview's checklist, the team nudge, the digest
    "pv_SHEET_PROBLEMS": (lambda n: {"n": n, "tab": "Milestones", "cell": "E7",
                                     "problem": "not a date"}, (
        "0 problems in the sheet: fix them as the Problems tab says (first: Milestones E7, "
        "not a date).",
        "1 problem in the sheet: fix it as the Problems tab says (Milestones E7, not a date).",
        "2 problems in the sheet: fix them as the Problems tab says (first: Milestones E7, "
        "not a date).")),
    "n_subject": (lambda n: {"n": n}, ("Your milestones: 0 need attention",
                                       "Your milestones: 1 needs attention",
                                       "Your milestones: 2 need attention")),
    "d_subject": (lambda n: {"n": n, "date": "23 Nov"}, (
        "Projects digest 23 Nov: 0 need attention", "Projects digest 23 Nov: 1 needs attention",
        "Projects digest 23 Nov: 2 need attention")),
    "d_intro": (lambda n: {"n": n}, ("0 projects, those needing attention first.", "1 project.",
                                     "2 projects, those needing attention first.")),
    "d_waiting": (lambda n: {"n": n}, ("0 waiting on client", "1 waits on client",
                                       "2 waiting on client")),
    "d_problems": (lambda n: {"n": n}, ("0 sheet problems", "1 sheet problem",
                                        "2 sheet problems")),
}


def test_the_list_above_is_every_pluralised_text_of_the_clients_words() -> None:
    assert {k[:-len("_one")] for k in EN.table if k.endswith("_one")} == set(WORDS)


@pytest.mark.parametrize("key", sorted(WORDS))
@pytest.mark.parametrize("n", [0, 1, 2])
def test_a_pluralised_text_in_english(key: str, n: int) -> None:
    facts, expected = WORDS[key]
    assert EN.n(key, n, **facts(n)) == expected[n]


@pytest.mark.parametrize("key", sorted(WORDS))
@pytest.mark.parametrize("n", [0, 1, 2])
def test_a_pluralised_text_in_chinese_is_whole_for_every_count(key: str, n: int) -> None:
    facts = WORDS[key][0](n)
    if "names" in facts:
        facts["names"] = _names(n, ZH)
    said = ZH.n(key, n, **facts)
    assert "{" not in said and said.strip()
    if "n" in facts and n != 1:
        assert str(n) in said


def _at_risk(late: tuple[str, ...]) -> Assessment:
    return Assessment(Milestone("M9", 10, "Launch"), (Flag.AT_RISK,), late_upstream=late)


@pytest.mark.parametrize("late, english", [
    (("M5",), "At risk: M5 is late"),
    (("M5", "M6"), "At risk: M5, M6 are late"),
])
def test_the_at_risk_flag_agrees_with_how_many_are_late(late: tuple[str, ...],
                                                        english: str) -> None:
    assert writeplan.flag_detail(_at_risk(late), "en", 5) == english
    chinese = writeplan.flag_detail(_at_risk(late), "zh", 5)
    assert ", ".join(late) in chinese or "、".join(late) in chinese


@pytest.mark.parametrize("n, english", [(0, "0 problems"), (1, "1 problem"), (2, "2 problems")])
def test_a_terminal_count(n: int, english: str) -> None:
    assert count(n, "problem") == english


@pytest.mark.parametrize("n, english", [(1, "sheetsync: 1 problem needs you"),
                                        (2, "sheetsync: 2 problems need you")])
def test_the_admins_alert_subject(n: int, english: str) -> None:
    assert alerts.subject(n) == english


def test_days_in_a_flag_detail() -> None:
    one = Assessment(Milestone("M1", 2, "A", due=date(2026, 11, 26)), (Flag.OVERDUE,),
                     days_overdue=1)
    two = Assessment(Milestone("M1", 2, "A", due=date(2026, 11, 25)), (Flag.OVERDUE,),
                     days_overdue=2)
    assert writeplan.flag_detail(one, "en", 5) == "Overdue by 1 day"
    assert writeplan.flag_detail(two, "en", 5) == "Overdue by 2 days"

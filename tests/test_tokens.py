"""The reply token: signed over project, item, action and day; short; survives subjects."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetsync.core import tokens

SECRET = b"k" * 32
DAY = date(2026, 11, 20)


def test_a_token_is_short_and_verifies_for_what_it_was_signed():
    t = tokens.sign(SECRET, "Acme rollout", "M3", "confirm", DAY)
    assert len(t.text) == 21 and t.tag == f"[ss:{t.text}]"
    assert tokens.verify(SECRET, tokens.decode(t.text), "acme  ROLLOUT", "M3", DAY).ok


@pytest.mark.parametrize("action", tokens.ACTIONS)
def test_every_action_round_trips(action):
    t = tokens.sign(SECRET, "P", "C1", action, DAY)
    back = tokens.find(f"Re: Re: x · P [ss:{t.text.upper()}]")
    assert back == t and back.action == action and back.day == DAY


def test_altered_tokens_are_refused():
    t = tokens.sign(SECRET, "P", "M1", "confirm", DAY)
    for i in range(len(t.text)):
        flipped = t.text[:i] + ("a" if t.text[i] != "a" else "b") + t.text[i + 1:]
        got = tokens.decode(flipped)
        assert got is None or not tokens.verify(SECRET, got, "P", "M1", DAY).ok


def test_a_token_of_another_key_is_a_forgery():
    t = tokens.sign(b"other", "P", "M1", "confirm", DAY)
    assert tokens.verify(SECRET, t, "P", "M1", DAY).reason == "bad_token"


def test_another_item_and_another_project_are_named():
    t = tokens.sign(SECRET, "P", "M2", "confirm", DAY)
    v = tokens.verify(SECRET, t, "P", "M1", DAY, items=("M1", "M2"))
    assert (v.reason, v.detail) == ("other_item", "M2")
    t = tokens.sign(SECRET, "Q", "M1", "confirm", DAY)
    v = tokens.verify(SECRET, t, "P", "M1", DAY, items=("M1",), projects=(("Q", ("M1",)),))
    assert (v.reason, v.detail) == ("other_project", "Q")


def test_age_limits():
    t = tokens.sign(SECRET, "P", "M1", "done", DAY)
    assert tokens.verify(SECRET, t, "P", "M1", DAY + timedelta(days=60)).ok
    v = tokens.verify(SECRET, t, "P", "M1", DAY + timedelta(days=61))
    assert (v.reason, v.detail) == ("expired", "2026-11-20")
    assert tokens.verify(SECRET, t, "P", "M1", DAY - timedelta(days=2)).reason == "future"


def test_malformed_tokens_are_none():
    assert tokens.find("Confirm M1 · P") is None
    assert tokens.find("[ss:short]") is None
    assert tokens.decode("9" * 21) is None
    assert tokens.verify(SECRET, None, "P", "M1", DAY).reason == "bad_token"


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=12),
       st.sampled_from(tokens.ACTIONS), st.dates(date(2020, 1, 1), date(2150, 1, 1)))
def test_any_project_item_action_day_round_trips(project, item, action, day):
    t = tokens.sign(SECRET, project, item, action, day)
    assert tokens.find(f"回复: 确认 {item} · {project} {t.tag}") == t
    assert tokens.verify(SECRET, t, project, item, day).ok

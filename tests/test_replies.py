"""Reading a reply: prefixes, the subject's parts, the client's own words, the first date."""

from __future__ import annotations

from datetime import date

import pytest

from sheetsync.core import replies


@pytest.mark.parametrize("subject", [
    "Confirm M3 · Acme rollout [ss:x]", "Re: Confirm M3 · Acme rollout [ss:x]",
    "RE: re: Fwd: Confirm M3 · Acme rollout [ss:x]", "回复: Confirm M3 · Acme rollout [ss:x]",
    "回复：答复：Confirm M3 · Acme rollout [ss:x]", "AW: Confirm M3 ·  Acme   rollout [ss:x]",
])
def test_subject_parts_survive_prefixes(subject):
    assert replies.subject_parts(subject) == ("M3", "Acme rollout")


def test_a_subject_without_the_separator_is_not_an_action():
    assert replies.subject_parts("Re: Weekly report") == ("", "")


@pytest.mark.parametrize("quote", [
    "> earlier", "On Fri, 27 Nov 2026 at 10:00, PM <pm@a.example> wrote:",
    "-----Original Message-----", "From: PM <pm@a.example>", "________________________________",
    "发件人: 项目经理", "在 2026年11月27日 10:00，项目经理 写道：", "-- ",
])
def test_own_words_stop_at_the_history_and_signature(quote):
    text = f"The logo is blurred.\nPlease fix.\n\n{quote}\nold stuff\nmore old stuff"
    assert replies.own_words(text) == "The logo is blurred. Please fix."


def test_prompt_lines_are_left_out_and_words_are_cut():
    text = "What is missing? Write it below:\n" + "x" * 2000
    words = replies.own_words(text, ["what is missing?  write it below:"])
    assert words.startswith("xxx") and len(words) == replies.WORDS_KEPT


@pytest.mark.parametrize(("words", "order", "day"), [
    ("We will send it by 2026-12-15, thanks", None, date(2026, 12, 15)),
    ("新日期：2026年12月15日", None, date(2026, 12, 15)),
    ("By 15 Dec 2026 at the latest", None, date(2026, 12, 15)),
    ("December 15th, 2026", None, date(2026, 12, 15)),
    ("15/12/2026", None, date(2026, 12, 15)),
    ("03/04/2026", "DMY", date(2026, 4, 3)),
    ("03/04/2026", None, None),
    ("no date here, only 42", None, None),
])
def test_first_date(words, order, day):
    assert replies.first_date(words, order) == day


@pytest.mark.parametrize(("typed", "day"), [
    ("Your new date (for example 2026-12-15), then press Send: 2027-01-10", date(2027, 1, 10)),
    ("your new date (for example 2026-12-15), then  press Send:10 Jan 2027", date(2027, 1, 10)),
    ("请写下新的日期（例如 2026-12-15），然后点击“发送”：2027年1月10日", date(2027, 1, 10)),
    ("Your new date (for example 2026-12-15), then press Send: soon", None),
])
def test_a_date_typed_after_the_prompt_is_the_clients_not_the_example(typed, day):
    """The client types on the prompt's own line, after its colon: the prompt's example
    date is sheetsync's words, never the date the client promises (CONTRACT §6)."""
    from sheetsync.shell.inbox_flow import prompts

    words = replies.own_words(typed + "\n\n-- \nAnn", prompts())
    assert replies.first_date(words, None) == day
    assert "for example" not in words and "例如" not in words


def test_words_typed_after_the_changes_prompt_are_kept_without_it():
    from sheetsync.shell.inbox_flow import prompts

    text = "What is missing or needs changing? Write it here, then press Send: The footer.\n"
    assert replies.own_words(text, prompts()) == "The footer."

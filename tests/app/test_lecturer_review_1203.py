"""Lecturer review 2026-12-03 (helper-339), what the app's pages show: the range bars' caption says only the kinds of
bar shown. The compression slide's framed savings and the dots' values: test_chart_layout.py."""

from __future__ import annotations

import pytest
from apptest_pages import shared_page


@pytest.mark.parametrize("preset, unmarked, stated", [("alphago-vs-brain", False, True),
                                                      ("lambda-gpt3-v100", True, False)])
def test_the_bars_caption_names_only_the_bars_shown(preset, unmarked, stated):
    """The AlphaGo preset's bars are all "stated" (its power's quoted range), yet the lecture read "Bars: unmarked, 80%
    prediction intervals …; "stated", as the sources state", where the CLI says no range there is a prediction
    interval; GPT-3 on one V100 has no stated bar."""
    at = shared_page("estimate", {"preset": preset, "lecture": "1"})
    bars = [c.value.replace("\\", "") for c in at.caption if c.value.replace("\\", "").startswith("Bars:")]
    assert len(bars) == 1, bars
    assert ("unmarked, 80% prediction intervals" in bars[0]) == unmarked
    assert ('"stated", as the sources state' in bars[0]) == stated


def test_a_headline_without_a_price_says_why_under_its_n_a():
    """Lecturer review 2026-12-03: the AlphaGo preset's headline read "Cost n/a" with nothing beside it; the caption
    under it names what is missing and where to give it."""
    from apptest_pages import run_page

    from app_pages.pages.estimate import NO_PRICE_WORDS
    at = run_page("estimate", {"preset": "alphago-vs-brain"})
    cost = next(m for m in at.metric if m.label == "Cost")
    assert cost.value == "n/a"
    assert NO_PRICE_WORDS in [c.value for c in at.caption]
    assert cost.help.endswith(NO_PRICE_WORDS)
    # not in a slide, whose four numbers keep to the room they have (a 640 × 360 frame had scrolled 81 px)
    slide = run_page("estimate", {"preset": "alphago-vs-brain", "lecture": "1"})
    assert NO_PRICE_WORDS not in [c.value for c in slide.caption]
    priced = run_page("estimate", {"preset": "lambda-gpt3-v100"})
    assert next(m for m in priced.metric if m.label == "Cost").value.startswith("$")
    assert NO_PRICE_WORDS not in [c.value for c in priced.caption]

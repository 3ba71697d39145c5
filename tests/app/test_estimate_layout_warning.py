"""A layout given that does not fit in memory is said under the Estimate page's headline, whose time it qualifies
(browser review 2026-11-26: the note was the last thing on the page, below the formulas)."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from apptest_pages import shared_page  # noqa: E402

PARAMS = {"model": "llama-3.1-70b", "tokens": "15e12", "devices": "1024", "hardware": "h100-sxm"}


def test_the_warning_stands_under_the_headline():
    at = shared_page("estimate", {**PARAMS, "tp": "1", "pp": "1", "zero": "0", "micro_batch": "8"})
    warnings = [w.value.replace("\\", "") for w in at.warning]
    said = [w for w in warnings if w.startswith("the layout given does not fit in memory (")]
    assert len(said) == 1 and "the planner's best that fits: 167.2 days" in said[0]
    # once: not repeated among the notes of how it was computed
    assert not any(i.value.replace("\\", "").startswith("the layout given does not fit") for i in at.info)


def test_a_layout_that_fits_has_no_such_warning():
    at = shared_page("estimate", PARAMS)
    assert not any("does not fit in memory" in w.value for w in at.warning)

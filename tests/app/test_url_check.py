"""A link's parameter that no input of the opened page reads is said and dropped (app_pages/inputs/url_check.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from apptest_pages import run_page, shared_page  # noqa: E402

from app_pages.pages.estimate import headline_values  # noqa: E402
from estimator.services import api  # noqa: E402


def _warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def test_a_typo_in_a_shared_link_is_said_and_dropped_not_silently_kept():
    """?devcies=8 drew the preset's own run on its own devices without a word, and stayed in every
    link copied from the page."""
    at = run_page("estimate", {"preset": "llama2-70b", "devcies": "8"})
    said = [w for w in _warnings(at) if "`devcies`" in w]
    assert said == ["Ignored URL parameter `devcies` = `8`: nothing on the page as opened reads it (a typo, or an input "
                    "of another page, tab or setting)."]
    # (a preset other than the default: Streamlit leaves a widget at its default out of the address)
    assert "devcies" not in at.query_params and at.query_params.get("preset") in ("llama2-70b", ["llama2-70b"])
    assert {m.label: m.value for m in at.metric if m.label in (want := headline_values(
        api.run(preset_id="llama2-70b").estimate))} == want
    at.run()  # said once: the check runs on the session's first run only
    assert sum("`devcies`" in w for w in _warnings(at)) == 1


@pytest.mark.parametrize("module, params", [
    ("estimate", {"preset": "llama2-70b", "tokens": "4e12", "region": "FRA"}),
    ("limits", {"lim": "Diminishing returns", "dr_k": "0.1"}),
    ("inference", {"inf_model": "llama-3.1-8b", "inf_bits": "8"}),
    ("lecture", {"claim": "gpt3-v100"}),
    ("compare", {"preset": "llama2-70b", "cmp_ref": "true"}),
])
def test_the_parameters_a_page_reads_are_never_called_unknown(module, params):
    at = shared_page(module, params)
    assert not [w for w in _warnings(at) if "nothing on the page as opened reads it" in w]
    assert set(params) <= set(at.query_params) | {"claim"}


def test_an_input_the_page_has_but_does_not_draw_now_is_not_called_unknown():
    """Review: ?tab=… in lecture mode (which draws no tabs) was warned as "no such input" and dropped."""
    at = shared_page("estimate", {"preset": "llama2-70b", "tab": "Export & share", "lecture": "1"})
    assert not [w for w in _warnings(at) if "nothing on the page as opened reads it" in w]


def test_a_refused_lecture_value_is_dropped_from_the_address():
    """Lecturer review 2026-11-29: ?lecture=banana was said to be ignored but stayed in the address, unlike other
    refused values."""
    from apptest_pages import shared_page
    at = shared_page("estimate", {"lecture": "banana"})
    assert any("Ignored URL parameter `lecture` = `banana`" in w.value for w in at.warning)
    assert "lecture" not in at.query_params
    assert "lecture" in shared_page("estimate", {"lecture": "1"}).query_params  # a good value stays

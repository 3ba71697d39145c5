"""App audit: the default preset (GPT-3 175B) with its workload changed lost its preset from the Export
tab's link (Streamlit leaves a bound widget's default out), so the link of "/?preset=gpt3-175b&tokens=1e12"
read "/?tokens=1e12": a custom workload of 10¹² tokens on other hardware, 7.57 years instead of 47.7 days,
with no word. The link now names the preset whenever its run is changed (``app_pages.inputs.links.url_params``);
the address bar is Streamlit's and keeps the gap (README)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

pytest.importorskip("streamlit")
from apptest_pages import shared_page  # noqa: E402

from app_pages.inputs.sidebar import DEFAULT_PRESET  # noqa: E402
from app_pages.pages import estimate as estimate_page  # noqa: E402
from estimator.services import api  # noqa: E402


def _address(at) -> dict[str, str]:
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def _share_link(at) -> dict[str, str]:
    link = next(code.value for code in at.code if code.value.startswith("http"))
    return dict(parse_qsl(urlsplit(link).query))


def _headline(at) -> dict[str, str]:
    labels = {label for label, _, _ in estimate_page.HEADLINE}
    return {m.label: m.value for m in at.metric if m.label in labels}


@pytest.mark.parametrize("change", [{"tokens": "1e12"}, {"flops": "1e24"},
                                    {"params": "1e11", "tokens": "3e11"}])
def test_the_default_preset_with_a_changed_workload_keeps_its_preset_in_the_share_link(change):
    at = shared_page("estimate", {"preset": DEFAULT_PRESET, **change, "tab": "Export & share"})
    kwargs = {k: float(v) for k, v in change.items()}
    expected = estimate_page.headline_values(api.run(preset_id=DEFAULT_PRESET, **kwargs).estimate)
    assert _headline(at) == expected
    link = _share_link(at)
    assert link["preset"] == DEFAULT_PRESET
    again = shared_page("estimate", link)  # reopened, the link gives the same run (it gave a custom workload)
    assert _headline(again) == expected
    assert again.title[0].value.replace("\\", "").startswith("Based on GPT-3")
    # the page no longer says the address bar holds the same inputs: it leaves the preset out (browser audit)
    said = " ".join(m.value for m in at.markdown)
    assert "share this one: it holds every input" in said
    assert "the address bar holds the same inputs" not in said
    assert urlsplit(next(code.value for code in at.code if code.value.startswith("http"))).path.startswith("/")


def test_the_share_link_names_every_preset_and_a_custom_workload_none():
    """Issue 55: a shared link holds every input, the default preset too (it had left it out, so the link
    would open another run once the default changed); the address bar is Streamlit's and still leaves it out."""
    landing = shared_page("estimate", {"tab": "Export & share"})
    assert "preset" not in _address(landing) and _share_link(landing)["preset"] == DEFAULT_PRESET
    assert _share_link(landing)["workload"] == "preset"
    custom = shared_page("estimate", {"workload": "params", "params": "1e9", "tokens": "2e10", "tab": "Export & share"})
    assert "preset" not in _address(custom) and "preset" not in _share_link(custom)
    other = shared_page("estimate", {"preset": "llama-65b", "tab": "Export & share"})
    assert _address(other)["preset"] == "llama-65b" and _share_link(other)["preset"] == "llama-65b"
    for at in (landing, custom, other):  # one wording: the link is the one to share
        assert "share this one: it holds every input" in " ".join(m.value for m in at.markdown)


def test_an_unknown_preset_in_a_link_is_still_refused_with_a_warning():
    at = shared_page("estimate", {"preset": "nosuch"})
    assert any("Ignored URL parameter `preset` = `nosuch`" in w.value for w in at.warning)
    assert "preset" not in _address(at)
    assert _headline(at) == estimate_page.headline_values(api.run(preset_id=DEFAULT_PRESET).estimate)


def test_the_sidebar_says_which_link_to_share_once_the_default_presets_workload_changes():
    """Lecturer review 2026-11-28: the lecture how-to promised the address follows every change, but after GPT-3's tokens
    were changed the address (`/?tokens=…`, Streamlit leaving the default preset out) reopened a custom workload. Since
    2026-11-29 `?tokens=…` alone reopens the default preset's run, as the page showed it; its parameters or FLOPs
    changed (`?params=…` alone reads as a custom workload, as the CLI's flags do) the sidebar says to share the Export
    tab's link, and nowhere the address names the preset."""
    from apptest_pages import run_page

    from app_pages.inputs.workload import SHARE_CHANGED_DEFAULT
    at = run_page("estimate", {})
    assert SHARE_CHANGED_DEFAULT not in [x.value for x in at.caption]
    at.number_input(key="tokens").set_value(1e12).run()
    assert SHARE_CHANGED_DEFAULT not in [x.value for x in at.caption]
    reopened = shared_page("estimate", {"tokens": "1000000000000"})  # the address the browser showed
    assert _headline(reopened) == _headline(at) == estimate_page.headline_values(
        api.run(preset_id=DEFAULT_PRESET, tokens=1e12).estimate)  # 47.7 days, not a custom 7B model's 7.57 years
    at.number_input(key="params").set_value(2e11).run()
    assert SHARE_CHANGED_DEFAULT in [x.value for x in at.caption]
    named = shared_page("estimate", {"preset": "llama2-70b", "tokens": "1e12"})
    assert SHARE_CHANGED_DEFAULT not in [x.value for x in named.caption]


def test_a_refused_token_count_in_a_link_keeps_the_default_preset():
    """Lecturer review 2026-11-29: `?tokens=1e400` said "Using the default instead" and opened a custom 7B workload."""
    at = shared_page("estimate", {"tokens": "1e400"})
    assert any("Ignored URL parameter `tokens` = `1e400`" in w.value for w in at.warning)
    assert _headline(at) == estimate_page.headline_values(api.run(preset_id=DEFAULT_PRESET).estimate)
    assert "workload" not in _address(at)

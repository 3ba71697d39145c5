"""A link names hardware as `--hardware` takes it: a name that names one bundled profile is mended to its id, one
that could be several is refused with those it could be (browser review 2026-11-26: the CLI took "NVIDIA
B300-SXM-270GB", a link to it became the H100)."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from apptest_pages import shared_page  # noqa: E402


@pytest.mark.parametrize("page, key, extra", [
    ("estimate", "hardware", {"params": "7e9", "tokens": "1e12"}),
    ("inference", "inf_hw", {"inf_model": "llama-3.1-8b"}),
])
def test_a_name_is_its_profile(page, key, extra):
    at = shared_page(page, {key: "NVIDIA B300-SXM-270GB", **extra})
    assert not at.warning or not any("Ignored URL parameter" in w.value for w in at.warning)
    assert [s.value for s in at.selectbox if s.key == key] == ["b300"]


def test_a_name_of_several_profiles_says_which():
    at = shared_page("estimate", {"hardware": "NVIDIA A100"})
    said = [w.value.replace("\\", "") for w in at.warning if "Ignored URL parameter" in w.value]
    assert said and "could be a100-pcie-80gb or a100-sxm-40gb or a100-sxm-80gb" in said[0]

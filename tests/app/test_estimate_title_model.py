"""A catalog model names the Estimate page's run (browser review 2026-11-26: "Custom workload on …" for Llama 3.1
70B)."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from apptest_pages import shared_page  # noqa: E402


def test_the_title_names_the_model():
    at = shared_page("estimate", {"model": "llama-3.1-70b", "tokens": "15e12", "devices": "1024"})
    assert [t.value.replace("\\", "") for t in at.title] == ["Llama 3.1 70B on NVIDIA H100 SXM 80GB"]
    at = shared_page("estimate", {"params": "7e9", "tokens": "1e12"})
    assert [t.value.replace("\\", "") for t in at.title] == ["Custom workload on NVIDIA H100 SXM 80GB"]

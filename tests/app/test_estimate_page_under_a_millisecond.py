"""The Estimate page refuses a run under one device-millisecond, as the CLI's `estimate` and the Python API do
(API review 2026-12-02: `--flops 1` printed a training time of 1.53 × 10⁻¹⁴ s)."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from apptest_pages import open_app  # noqa: E402


def test_one_flop_is_refused_on_the_page_with_the_clis_words_and_a_millisecond_is_answered():
    at = open_app({"flops": "1"})
    assert any("less than the one device-millisecond an estimate covers: give a larger workload" in e.value.replace("\\", "")
               and "Training FLOPs" in e.value for e in at.error)
    assert not any("Training time" in m.label for m in at.metric)
    at = open_app({"flops": "1e13"})
    assert not at.error and any("Training time" in m.label for m in at.metric)

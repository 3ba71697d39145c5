"""The Accuracy page shows the latency engine on speculative decoding's steps measured on a real GPU, with the same
figures as `validate --inference` (estimator/services/serving/measured_speculative.py) and the naive baseline beside."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from apptest_pages import shared_page  # noqa: E402

from estimator.services.serving.measured_speculative import measured_speculative_document  # noqa: E402


def test_the_page_shows_the_measured_speculative_steps_beside_the_naive_ratio():
    at = shared_page("accuracy")
    doc = measured_speculative_document()
    table = next(df.value for df in at.dataframe if "Step ÷ plain, measured" in df.value.columns)
    assert list(table["Draft tokens"]) == [r["draft_tokens"] for r in doc["rows"]] == [1, 3] * 8
    assert list(table["Hardware"]) == ["h100-sxm"] * 10 + ["h200-sxm"] * 6  # runs 9 and 10; run 14
    assert [round(x, 2) for x in table["Step ÷ plain, measured"]] == [1.18, 1.36, 1.20, 1.36, 1.19, 1.44, 1.32, 1.68, 1.49, 2.23,
                                                                      1.20, 1.37, 1.20, 1.36, 1.23, 1.60]
    assert [round(x, 2) for x in table["Step ÷ plain, predicted"]] == [1.07, 1.22, 1.07, 1.22, 1.07, 1.21, 1.07, 1.31, 1.10, 1.85,
                                                                       1.07, 1.20, 1.07, 1.20, 1.06, 1.19]
    assert set(table["In range"]) == {"yes"}
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # the page escapes Markdown's characters
    assert "the latency engine's 80% range (×/÷ 2.16) holding 100%" in text
    assert "The step's cost over a plain step: 1.14× off (predicted ÷ measured 0.85), the naive ratio (1) 1.36× off" in text

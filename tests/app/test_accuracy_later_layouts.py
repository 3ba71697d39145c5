"""The Accuracy page shows the step model on the published layouts gathered after its fit, with the same figures as
`validate` (estimator/services/training/later_layouts.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from apptest_pages import shared_page  # noqa: E402

from estimator.services.training.later_layouts import later_layouts_document  # noqa: E402


def test_the_page_shows_the_later_layouts_beside_the_flat_mfu():
    at = shared_page("accuracy")
    doc = later_layouts_document()
    assert any(h.value == "On published layouts gathered after the fit" for h in at.subheader)
    table = next(df.value for df in at.dataframe if "Recomputation" in df.value.columns)
    assert list(table.columns[:5]) == ["Row", "Model", "Recomputation", "Measured", "Step model"]
    assert list(table["Row"]) == [r["row_id"] for r in doc["rows"]] and table["Layout"].iloc[-1].endswith("fp8, sequence 262,144")
    assert list(table["Measured"]) == [r["measured_tokens_per_s_per_device"] for r in doc["rows"]]
    # `validate`'s words (code audit 2026-11-29: the page and the CLI wrote the verdict each their own way)
    assert list(table["Inside"]) == (["yes (bracket)"] * 2 + ["yes (range)"] * 2 + ["yes (bracket)"] * 3
                                     + ["yes (range)"] + ["yes (bracket)"] * 2
                                     + ["not scored (a variant of the device)"] * 17)
    assert table["Step model"].iloc[6] == "351 … 451"
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # the page escapes Markdown's characters
    assert "1.03× off the measured tokens/s in the median" in text and "the flat MFU 1.36×" in text
    assert "the step model's ratio is 1.17× off the measured one in the median (5 of 11 within 1.10×)" in text
    ratios = next(df.value for df in at.dataframe if "Ratio" in df.value.columns)
    assert len(ratios) == 11 and list(ratios["Measured"]) == [p["measured_ratio"] for p in doc["ratios"]["rows"]]


def test_the_page_shows_the_step_paths_check_on_whole_runs():
    """Evidence audit 2026-11-29: `validate` reports the step path's range on published whole runs; the page too."""
    from estimator.services.training.whole_runs import whole_runs_document
    at = shared_page("accuracy")
    doc = whole_runs_document()
    assert any(h.value == "On published whole runs" for h in at.subheader)
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Of the 10 runs not among the fitted layouts its 80% range holds 1" in text
    table = next(df.value for df in at.dataframe if "Step path" in df.value.columns)
    assert list(table["Run"]) == [r["run_id"] for r in doc["rows"]] and list(table["Inside"])[:2] == ["in the step fit"] * 2

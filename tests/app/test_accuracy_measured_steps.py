"""The Accuracy page shows the step model on the training steps measured on a real GPU, with the same figures
as `validate` (estimator/services/measured_steps.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from apptest_pages import shared_page  # noqa: E402

from estimator.services.measured_steps import measured_steps_document  # noqa: E402


def test_the_page_shows_the_measured_steps_beside_the_flat_mfu():
    at = shared_page("accuracy")
    doc = measured_steps_document()
    assert any(h.value == "On training steps measured on a real GPU" for h in at.subheader)
    summary = next(df.value for df in at.dataframe if "Step model: median factor" in df.value.columns)
    assert list(summary["PyTorch"]) == ["eager", "torch.compile"]
    assert [round(x, 2) for x in summary["Step model: median factor"]] == [
        round(doc["step_model"][m]["median_factor"], 2) for m in doc["modes"]]
    assert [round(x, 2) for x in summary["Flat MFU: median factor"]] == [
        round(doc["flat_mfu_baseline"][m]["median_factor"], 2) for m in doc["modes"]]
    table = next(df.value for df in at.dataframe if "Measured tokens/s" in df.value.columns)
    assert list(table["Model"]) == [r["name"] for r in doc["rows"]]
    assert round(table.loc[table["Model"] == "gpt3-xl", "Measured tokens/s"].item()) == 52216

"""The Accuracy page shows the step model on the training steps measured on a real GPU, with the same figures
as `validate` (estimator/services/training/measured_steps.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from apptest_pages import shared_page  # noqa: E402

from estimator.services.training.measured_steps import measured_steps_document  # noqa: E402


def test_the_page_shows_the_measured_steps_beside_the_flat_mfu():
    at = shared_page("accuracy")
    doc = measured_steps_document()
    assert any(h.value == "On training steps measured on a real GPU" for h in at.subheader)
    summary = next(df.value for df in at.dataframe if "PyTorch" in df.value.columns)
    assert list(summary["PyTorch"]) == ["eager", "torch.compile", "torch.compile, fp8"]
    # FP8's gain measured beside the step model's and the flat MFU's, as `validate` says it
    assert any("gpt3-xl-fp8-compiled ÷ gpt3-xl-compiled (run 13, h100-sxm): 1.15× the tokens/s measured, 1.30× in "
               "the step model, 2.00× by the flat MFU" in m.value.replace("\\", "") for m in at.markdown)
    # the baseline beside the step model: past the right edge at 1024 × 768 it went unseen (browser walk)
    assert list(summary.columns[:4]) == ["PyTorch", "Steps", "Step model", "Flat MFU"]
    assert [round(x, 2) for x in summary["Step model"]] == [
        round(doc["step_model"][m]["median_factor"], 2) for m in doc["modes"]]
    assert [round(x, 2) for x in summary["Flat MFU"]] == [
        round(doc["flat_mfu_baseline"][m]["median_factor"], 2) for m in doc["modes"]]
    table = next(df.value for df in at.dataframe if "Measured MFU" in df.value.columns)
    assert list(table["Model"]) == [r["name"] for r in doc["rows"]]
    # the row's name (its step, GPU and run: pinned) first, then the measured figure, the step model's and the baseline's
    assert list(table.columns[:6]) == ["Model", "GPU", "Run", "Measured", "Step model", "Flat MFU"]
    assert list(table["GPU"]) == [r["hardware"] for r in doc["rows"]]
    assert list(table["Run"]) == [r["run"] for r in doc["rows"]]  # two H100 runs of a step are told apart
    xl = table[(table["Model"] == "gpt3-xl") & (table["GPU"] == "h200-sxm")]
    assert round(xl["Measured"].item()) == 52216

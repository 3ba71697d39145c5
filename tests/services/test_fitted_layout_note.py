"""A run whose layout is one of the published layouts the step model was fitted on says so, in its notes and its
paper statement (researcher review: DeepSeek-V3's published layout, 2.40M H800-hours against 2.664M published, read as
a check of the step model where that row is one it was fitted on)."""

from __future__ import annotations

import pytest

from estimator import estimate
from estimator.core.training.plan import FITTED_LAYOUT
from estimator.io.layouts_data import load_step_fit
from estimator.report import humanize as hz
from estimator.report.statement import fitted_layout_sentence

DSV3 = dict(model="deepseek-v3", tokens=14.8e12, hardware="h800", precision="fp8", seq_len=4096,
            global_batch_tokens=62914560, pp=16, ep=64, expert_overlap=1)


def _note(est):
    return [n for n in est.notes if n.startswith(FITTED_LAYOUT)]


def test_deepseek_v3s_published_layout_is_said_to_be_in_sample():
    est = estimate(devices=2048, **DSV3)
    (note,) = _note(est)
    pred = next(p for p in load_step_fit()["predictions"] if p["row_id"] == "trmfu-054")
    measured, held = pred["measured_tokens_per_s_per_device"], pred["held_out_tokens_per_s_per_device"]
    assert "(trmfu-054: DeepSeek-AI 2024, DeepSeek-V3 Technical Report (arXiv:2412.19437)" in note
    assert f"the measured {hz.count(measured)} tokens/s a device is not a test" in note  # 1,540 (3 figures)
    assert f"predicted by a fit without its source, {hz.count(held)} ({max(held / measured, measured / held):.2f}× off" in note
    # the statement says it, with the held-out factor
    assert fitted_layout_sentence(est) == (
        " The run's layout is one of the published configurations the step model was fitted on, so its agreement with "
        f"that source is no test of the model; with that source held out of the fit, its throughput was "
        f"{max(held / measured, measured / held):.2f}~$\\times$ off the measured.")


@pytest.mark.parametrize("change", [dict(devices=1024), dict(devices=2048, seq_len=8192), dict(devices=2048, pp=8)])
def test_another_layout_of_the_same_model_is_not(change):
    est = estimate(**{**DSV3, **change})
    assert _note(est) == [] and fitted_layout_sentence(est) == ""

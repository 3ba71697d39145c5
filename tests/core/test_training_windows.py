"""Windowed attention in the training step (researcher review 2026-11-29: gpt-oss's 18 of 36 layers that attend over a
128-token window had been timed, and their FLOPs counted, over the whole 131,072-token sequence: attention 11.4 s of a
13.7 s step, MFU counting FLOPs no kernel runs)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from estimator.core.training.step import Layout, flops_per_token, step_hardware, step_time
from estimator.services.public import load_profile
from estimator.services.training.step_setup import resolve_model


def test_a_windowed_layer_attends_over_its_band_in_time_and_in_model_flops():
    _, shape, _, _, _ = resolve_model(model="gpt-oss-120b")
    assert (shape.window, shape.windowed_layers, shape.layers) == (128, 18, 36)
    s = 131072
    share = 0.5 + 0.5 * (2 * 128 / s - (128 / s) ** 2)   # half the layers whole, half their band
    assert shape.causal_attention_share(s) == pytest.approx(share)
    assert shape.causal_attention_share(128) == 1.0          # a sequence within the window: all of it
    full = replace(shape, window=None, windowed_layers=0)
    hw = step_hardware(load_profile("b200"))
    lay = Layout(seq_len=s, global_batch=64, micro_batch=1, tp=1, pp=1, cp=8, ep=8, dp=8, precision="fp8")
    windowed, whole = step_time(shape, lay, hw), step_time(full, lay, hw)
    assert windowed.parts.attention_s == pytest.approx(whole.parts.attention_s * share)
    (m_w, _), (m_f, _) = flops_per_token(shape, s), flops_per_token(full, s)
    attention_full = m_f - 6.0 * full.matmul_params_active()
    assert m_w == pytest.approx(6.0 * shape.matmul_params_active() + attention_full * share)
    assert 0 < windowed.mfu <= windowed.hfu < 1 and windowed.seconds < 0.75 * whole.seconds


def test_a_model_without_windows_is_timed_as_before():
    _, shape, _, _, _ = resolve_model(model="llama-3.1-8b")
    assert shape.window is None and shape.causal_attention_share(131072) == 1.0

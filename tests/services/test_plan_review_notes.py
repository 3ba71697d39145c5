"""Researcher review (2026-11-27, second): a pipeline whose stages do not divide the layers said nothing, and the
bubble's remedies offered interleaving to a layout it would take past the device's memory."""

from __future__ import annotations

from estimator import estimate

LLAMA_405B = dict(model="llama-3.1-405b", tokens=15e12, hardware="h100-sxm", devices=16384, seq_len=8192,
                  global_batch_tokens=16777216)


def _notes(**kw) -> list[str]:
    return list(estimate(**kw).notes)


def test_stages_that_do_not_divide_the_layers_are_said():
    notes = _notes(**LLAMA_405B, tp=8, pp=16, zero=1)
    (said,) = [n for n in notes if n.startswith("pipeline: ")]
    assert "126 layers over 16 stages do not split evenly" in said and "7.88 layers, the busiest holds 8" in said
    assert not any(n.startswith("pipeline: ") for n in _notes(**LLAMA_405B, tp=8, pp=2, zero=1))  # 63 a stage


def test_interleaving_offered_says_when_it_would_not_fit():
    notes = _notes(**LLAMA_405B, tp=8, pp=16, zero=1)
    (bubble,) = [n for n in notes if n.startswith("pipeline bubble")]
    assert "interleaved stages (vp 2: the bubble ÷ 2, MFU 33.8%, but 119 GB a device of 85.52 GB" in bubble

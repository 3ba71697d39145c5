"""Planner review 2026-12-02: plan says what estimate says of a tensor-parallel degree that splits the KV heads, and a
device count that holds no layout is told the fewest tried that do."""

from __future__ import annotations

import pytest

from estimator import plan
from estimator.core.base.errors import InputError


def test_plan_says_a_given_tensor_parallel_degree_splits_the_kv_heads():
    split = plan(model="llama-3.1-70b", hardware="h100-sxm", devices=64, tp=16, tokens=1e12)
    assert any(n.startswith("the best layout's tensor parallelism 16 over 8 KV heads splits them: Megatron-Core refuses "
                            "it") for n in split.notes)
    whole = plan(model="llama-3.1-70b", hardware="h100-sxm", devices=64, tokens=1e12)
    assert not any("KV heads splits them" in n for n in whole.notes)


def test_too_few_devices_are_told_the_fewest_tried_that_hold_a_layout():
    with pytest.raises(InputError) as refused:
        plan(model="llama-3.1-405b", hardware="h100-sxm", devices=64, tokens=1e12)
    words = str(refused.value)
    assert words.startswith("no layout of the model on 64 devices fits 85.52 GB per device")
    assert ": give more devices: 80 hold it, the fewest tried (TP 8 × PP 10 × DP 1, ZeRO-1" in words
    assert plan(model="llama-3.1-405b", hardware="h100-sxm", devices=80, tokens=1e12).best is not None  # as said
    # a split given holds on its multiples only: 72 at TP 8 × PP 9 holds none, twice as many do
    with pytest.raises(InputError, match=": give more devices: 144 hold it, the fewest tried \\(TP 8 × PP 9 × DP 2"):
        plan(model="llama-3.1-405b", hardware="h100-sxm", devices=72, tokens=1e12, tp=8, pp=9)

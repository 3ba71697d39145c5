"""Diff review 2026-12-02: the fewer-bits hint's weight-only words, and the MI250X's link within its node in serving
as in training."""

from __future__ import annotations

import pytest

from estimator import inference
from estimator.core.base.errors import InputError


@pytest.mark.parametrize("kw, ending", [
    # the T4 states an INT4 peak, which engines do not take (GPTQ/AWQ weights): no FP4 peak, weight-only
    (dict(model="llama-3.1-70b", hardware="t4", devices=4),
     "at 4 bits the weights fit (weight-only: the t4 states no FP4 peak)"),
    # DeepSeek-R1's FP8 release on A100s (an INT8 peak, no FP8 one) is served W8A16
    (dict(model="deepseek-r1", hardware="a100-sxm-80gb", devices=16, bits=16),
     "at 8 bits the weights fit (weight-only: the a100-sxm-80gb states no FP8 peak, and FP8 weights are served W8A16 "
     "there)"),
    # an H100 has the FP8 peak: no weight-only clause
    (dict(model="llama-3.1-70b", hardware="h100-sxm", devices=1), "use more devices, or fewer bits a weight: at 8 bits "
                                                                   "the weights fit"),
])
def test_the_fewer_bits_hint_says_where_those_bits_run_weight_only(kw, ending):
    with pytest.raises(InputError) as refused:
        inference(tokens=1e6, **kw)
    assert str(refused.value).endswith(ending) and "bits" in refused.value.fields


def test_the_mi250x_serves_its_tensor_parallel_group_over_the_link_between_its_packages():
    """The training step took 100 GB/s between the node's packages (a dual Infinity Fabric link) where serving took the
    package's 250 GB/s of links in all."""
    r = inference(model="llama-3.1-70b", hardware="mi250x", devices=4, tp=4, tokens=1e6)
    notes = " ".join(r.to_dict()["notes"])
    assert "two all-reduces per layer per step over 100 GB/s" in notes and "over 250 GB/s" not in notes

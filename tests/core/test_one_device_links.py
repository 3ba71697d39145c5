"""Researcher review 2026-11-29: one RTX 4090, whose profile states no links, was refused the step model ("needs
scale_up_devices, scale_out_gb_per_s") and timed by the flat 30% rule, beside an H100's step time in `compare`. A run
on one device crosses no link: the step model takes it, and two devices still need the links."""

from __future__ import annotations

from dataclasses import replace

import pytest

from estimator.core.base.errors import InputError
from estimator.core.training.step import (
    ONE_DEVICE_LINK_SOURCE,
    Layout,
    ModelShape,
    step_hardware,
    step_time,
)
from estimator.io.datafiles import default_profiles


def test_one_device_needs_no_link_and_its_step_uses_none():
    rtx = default_profiles().get("gh200-144gb")
    assert not rtx.scale_out_gb_per_s and not rtx.pcie_card  # the case: a profile that states no network
    with pytest.raises(InputError, match="the step model needs"):
        step_hardware(rtx, devices=2)
    hw = step_hardware(rtx, devices=1)
    assert ONE_DEVICE_LINK_SOURCE in hw.sources
    shape = ModelShape(layers=12, d_model=768, heads=12, kv_heads=12, vocab=50257, ffn=3072)
    for zero in (1, 3):
        layout = Layout(seq_len=2048, global_batch=512, micro_batch=4, tp=1, pp=1, cp=1, ep=1, dp=1, zero_stage=zero)
        a = step_time(shape, layout, hw)
        b = step_time(shape, layout, replace(hw, scale_up_gb_per_s=1e-3, scale_out_gb_per_s=1e-3))
        assert a.seconds == pytest.approx(b.seconds, rel=1e-12)  # no collective of one device crosses the link


def test_compare_times_one_consumer_card_by_the_step_model(cli):
    out = cli("compare", "--model", "gpt-3-125m", "--tokens", "3e11", "--devices", "1", "--hardware", "h100-sxm",
              "rtx-4090").out
    rows = [line for line in out.splitlines() if line.startswith(("h100-sxm", "rtx-4090"))]
    assert len(rows) == 2 and all(", step" in r for r in rows) and "30% rule" not in "".join(rows)

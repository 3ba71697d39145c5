"""A device's measured best matmul against the reference H100's: the step models' compute-bound rates on it
(issue 54: MLPerf's MI300X results held out by hardware were 1.5x too fast; the MI300X's best BF16 matmul reaches
51% of its peak where the H100's reaches 80%)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from estimator.core.base.errors import ProfileError
from estimator.core.hardware.matmul import (
    REFERENCE_MATMUL_FLOPS_PER_S,
    REFERENCE_PEAK_FLOPS_PER_S,
    REFERENCE_PROFILE,
    matmul_note,
    matmul_ratio,
)
from estimator.core.serving.estimate import inference
from estimator.core.serving.scenario import InferenceScenario
from estimator.core.training.step import Layout, ModelShape, step_hardware, step_time
from estimator.core.workload.architecture import Architecture
from estimator.io.datafiles import PROFILES_DIR, default_profiles, load_profile_file
from estimator.io.serving_data import load_serving_fit


@pytest.fixture(scope="module")
def profiles():
    return default_profiles().profiles


def test_the_reference_constants_are_the_h100_profiles_own(profiles):
    h100 = profiles[REFERENCE_PROFILE]
    assert h100.matmul_bf16_flops_per_s == REFERENCE_MATMUL_FLOPS_PER_S
    assert h100.peak("bf16") == REFERENCE_PEAK_FLOPS_PER_S
    assert matmul_ratio(h100) == 1.0 and matmul_note(h100, 0.6) is None


@pytest.mark.parametrize("pid, ratio", [
    ("mi300x", (668.4 / 1307.4) / (794.5 / 989)),      # 0.636
    ("mi325x", (784.9 / 1307.4) / (794.5 / 989)),      # 0.747
    ("a100-sxm-80gb", (271.2 / 312) / (794.5 / 989)),  # 1.082
    ("gb200", (1822 / 2500) / (794.5 / 989)),          # 0.907
    ("mi355x", (1565 / 2500) / (794.5 / 989)),         # 0.779: against this profile's peak, not the table's 2,300
    ("mi350x", (1565 / 2300) / (794.5 / 989)),         # 0.847: the same row, against the MI350X's 2,300
    ("mi250x", (2 * 147.0 / 383) / (794.5 / 989)),     # 0.956: one GCD's rate, twice
    ("h200-sxm", 1.0),                                 # the table's H100 row: "H200 is the same"
    ("h100-nvl", 1.0),                                 # not measured: the reference's share
    ("tpu-v5e", 1.0),
])
def test_each_devices_ratio(profiles, pid, ratio):
    assert matmul_ratio(profiles[pid]) == pytest.approx(ratio, rel=1e-6)


def test_a_profile_without_a_measurement_says_nothing(profiles):
    assert matmul_note(profiles["h100-nvl"], 0.6) is None
    note = matmul_note(profiles["mi300x"], 0.6)
    assert note == ("compute-bound phases at 0.38 of the peak (0.6 × 0.64): mi300x's best measured matrix multiply "
                    "reaches 51% of its 16-bit peak, the H100 SXM's 80% (its profile's [matmul]; measured at BF16, "
                    "taken for every precision)")


def _serve(profile, **kw):
    s = InferenceScenario(tokens=1e9, params=8e9, architecture=Architecture(layers=32, d_model=4096, heads=32, kv_heads=8),
                          devices=1, tp=1, batch_size=1, bits=16, prompt_tokens=16000, tokens_per_query=128, **kw)
    return inference(s, profile, load_serving_fit("optimized-2024"))


def test_serving_runs_its_compute_bound_phases_at_the_devices_share(profiles):
    """A 16,000-token prompt's prefill is compute-bound: without the MI300X's measurement its time to the first
    token (the prefill and one decode step) is about 0.64 of what it is with it; the fraction of the peak reported is
    0.6 × 0.64."""
    mi = profiles["mi300x"]
    unmeasured = replace(mi, matmul_bf16_flops_per_s=None, matmul_source="")
    with_share, without = _serve(mi), _serve(unmeasured)
    ratio = matmul_ratio(mi)
    assert with_share.utilization == pytest.approx(0.6 * ratio, rel=1e-9)
    assert without.utilization == pytest.approx(0.6, rel=1e-9)
    assert without.ttft_s / with_share.ttft_s == pytest.approx(ratio, rel=0.05)
    assert any(n.startswith("compute-bound phases at 0.38 of the peak (0.6 × 0.64)") for n in with_share.notes)
    assert not any(n.startswith("compute-bound phases at") for n in without.notes)


def test_a_fraction_given_is_of_the_devices_own_peak_and_not_scaled(profiles):
    mi = profiles["mi300x"]
    given = _serve(mi, utilization=0.5)
    assert given.utilization == 0.5
    assert not any(n.startswith("compute-bound phases at") for n in given.notes)


def test_the_training_step_model_takes_it_only_as_a_ceiling(profiles):
    """The training step's matrix multiplies never run past the device's best measured matmul (``step.matmul_cap``):
    an MI300X's step is longer with its measurement than without it; an H100's (80%, above the fitted 76%) is not."""
    shape = ModelShape(layers=24, d_model=2048, heads=16, kv_heads=16, vocab=50257, ffn=8192)
    layout = Layout(seq_len=2048, global_batch=8, micro_batch=8, precision="bf16")
    for hardware, longer in (("mi300x", True), ("h100-sxm", False)):
        p = profiles[hardware]
        with_share = step_time(shape, layout, step_hardware(p))
        without = step_time(shape, layout, step_hardware(replace(p, matmul_bf16_flops_per_s=None)))
        assert (with_share.seconds > without.seconds * 1.05) == longer
        assert with_share.seconds >= without.seconds


def _profile(tmp_path: Path, text: str):
    path = tmp_path / "p.toml"
    path.write_text(text)
    return load_profile_file(path)


H100 = (PROFILES_DIR / "h100-sxm.toml").read_text()


def test_a_measurement_above_the_peak_is_refused_with_its_field(tmp_path):
    with pytest.raises(ProfileError) as info:
        _profile(tmp_path, H100.replace("bf16_flops_per_s = 7.9450e14", "bf16_flops_per_s = 794.5"))
    assert info.value.field == "matmul.bf16_flops_per_s"
    with pytest.raises(ProfileError) as info:
        _profile(tmp_path, H100.replace("bf16_flops_per_s = 7.9450e14", "bf16_flops_per_s = 9.9e14"))
    assert info.value.field == "matmul.bf16_flops_per_s" and "above the 16-bit peak" in info.value.problem


def test_a_measurement_without_its_source_is_refused(tmp_path):
    start = H100.index("[matmul]")
    source = H100.index("source = ", start)
    text = H100[:source] + H100[H100.index("\n", source) + 1:]
    with pytest.raises(ProfileError) as info:
        _profile(tmp_path, text)
    assert info.value.field == "matmul.source"


def test_profiles_show_and_the_profiles_page_say_it(profiles, cli):
    out = cli("profiles", "show", "mi300x").out
    assert ("  best matmul 668 TFLOP/s at BF16, 51% of the 16-bit peak: 0.64 × the H100 SXM's share, what the serving "
            "step's compute-bound rate on it is multiplied by  (Stas Bekman, 'Machine Learning Engineering'") in out
    assert ("  best matmul not measured: the serving step takes the H100 SXM's share of the peak  "
            "(core/hardware/matmul.py (no [matmul] in the profile))") in cli("profiles", "show", "h100-nvl").out


@pytest.mark.parametrize("hardware, cap", [("mi300x", "0.67"), ("mi325x", "0.79"), ("mi355x", "0.82"), ("gb200", "0.96"),
                                           ("h100-sxm", None), ("b200", None), ("a100-sxm-80gb", None)])
def test_a_training_step_never_multiplies_faster_than_the_devices_best_matmul(hardware, cap):
    """Planner review 2026-11-28: the step model's fitted asymptotic share of the peak (76%) had run on every device, so
    an MI300X (best measured matmul 51% of its peak) was planned at 58% MFU. Its matrix multiplies and attention are
    held to the device's best (``step.matmul_cap``), said with the factor; devices at or above the fitted share (the
    H100 80%, the B200 78%, the A100 87%: the fit's own devices among them) are untouched and say nothing."""
    from estimator import estimate
    from estimator.core.training.step import matmul_cap, step_hardware
    from estimator.services.training.fitted_step import step_model
    profile = default_profiles().profiles[hardware]
    fitted = step_model()[0].gemm_efficiency   # (the shipped fit's 76%)
    notes = estimate(model="llama-3.1-70b", tokens=1e12, hardware=hardware, devices=64, tp=8, seq_len=8192).notes
    found = [n for n in notes if "best measured matrix multiply" in n]
    if cap is None:
        assert found == [] and matmul_cap(step_hardware(profile).matmul_share, fitted) == 1.0
    else:
        (note,) = found
        assert f"its matrix multiplies and attention are held to it, × {cap} of the fitted rates" in note
        assert f"{matmul_cap(step_hardware(profile).matmul_share, fitted):.2f}" == cap
        if hardware == "mi300x":
            assert note.startswith("on the AMD Instinct MI300X (OAM, 192GB) the best measured matrix multiply reaches 51% "
                                   "of the 16-bit peak (at BF16; its profile's [matmul]), below the 76% the step model's")


def test_an_mi300x_plan_stays_below_its_best_matmul():
    """The planner review's run: Qwen2.5 72B on 256 MI300X had led at 58.0% MFU; held to the MI300X's best matmul
    (51% of its peak), no layout's MFU passes it, and the plan says why."""
    from estimator.services.training.plan import plan
    mi = plan(model="qwen2.5-72b", tokens=1e12, hardware="mi300x", devices=256, seq_len=4096)
    assert all(row.planned.step.mfu < 0.514 for row in mi.rows)
    assert any("best measured matrix multiply reaches 51%" in n and "× 0.67 of the fitted rates" in n for n in mi.notes)
    h100 = plan(model="llama-3.1-70b", tokens=1e12, hardware="h100-sxm", devices=64, seq_len=8192)
    assert not any("best measured matrix multiply" in n for n in h100.notes)


QWEN3_30B_A3B = ModelShape(layers=48, d_model=2048, heads=32, kv_heads=4, vocab=151936, ffn=768, ffn_matrices=3,
                           experts=128, experts_per_token=8, head_dim=128)


def test_a_thin_matrix_multiply_is_held_by_the_ceiling_less_than_a_wide_one(profiles):
    """The half-efficiency dimension follows the rate the device's matmuls reach (its peak × the ceiling): a GEMM too
    thin to fill the device is bound by its tiles' pace, not by the sustained rate its best measured matmul shows. On
    an MI300X (ceiling 0.67) Qwen3 30B-A3B's narrow experts (width 768, 512 routed tokens each) take 1.03× the time they
    would without its measurement, a wide dense layer 1.33×; with the half-efficiency dimension from the peak alone
    both had taken 1/0.67 = 1.47×."""
    p = profiles["mi300x"]
    dense = ModelShape(layers=80, d_model=8192, heads=64, kv_heads=8, vocab=128256, ffn=28672, ffn_matrices=3)
    ratios = []
    for shape, layout in ((QWEN3_30B_A3B, Layout(seq_len=1024, global_batch=64, micro_batch=1, precision="bf16", ep=8,
                                                 dp=8)),
                          (dense, Layout(seq_len=8192, global_batch=64, micro_batch=1, precision="bf16", tp=8, dp=8))):
        held = step_time(shape, layout, step_hardware(p)).parts.matmul_s
        free = step_time(shape, layout, step_hardware(replace(p, matmul_bf16_flops_per_s=None))).parts.matmul_s
        ratios.append(held / free)
    assert ratios[0] == pytest.approx(1.03, abs=0.02)
    assert ratios[1] == pytest.approx(1.33, abs=0.03)


def test_a_gb200_multiplies_about_as_fast_as_a_b200_however_narrow(profiles):
    """The GB200 is the B200's chip at more power, its best measured matmul the faster (1,822 vs 1,745 TFLOP/s): Qwen3
    30B-A3B's narrow experts multiply within 4% of the B200's time (they had taken up to 8% longer: the ceiling had
    slowed the GB200's thin GEMMs as much as its wide ones)."""
    for micro_batch, seq_len in ((1, 4096), (1, 1024), (4, 8192)):
        layout = Layout(seq_len=seq_len, global_batch=64, micro_batch=micro_batch, precision="bf16", ep=8, dp=8)
        b200, gb200 = (step_time(QWEN3_30B_A3B, layout, step_hardware(profiles[p])).parts for p in ("b200", "gb200"))
        assert 0.9 * b200.matmul_s < gb200.matmul_s < 1.04 * b200.matmul_s

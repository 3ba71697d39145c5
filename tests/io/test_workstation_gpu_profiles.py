"""The workstation GPUs people serve and fine-tune on: the GeForce RTX 5090 (GB202, Blackwell), the RTX A6000 (GA102,
Ampere) and the RTX 6000 Ada Generation (AD102) (profiles/rtx-5090.toml, rtx-a6000.toml, rtx-6000-ada.toml). Their
figures as sourced, the names nvidia-smi and clouds give them, and an 8B model served on each."""

from __future__ import annotations

import json
import math

import pytest

from estimator.cli import main
from estimator.core.base.errors import UnknownHardwareError
from estimator.core.serving.step import link_for
from estimator.io.datafiles import PROFILES_DIR

MIB = 1024**2
IDS = ("rtx-5090", "rtx-a6000", "rtx-6000-ada")
# ACT's carbon per cm² of die (5 nm and 8 nm rows) and per GB of memory, and the package, as profiles/rtx-4090.toml
CPA_5NM, CPA_8NM, KG_PER_GB, PACKAGE_KG = 2.778, 1.807, 0.0743, 0.15


def test_the_profiles_validate_and_are_listed(capsys):
    for pid in IDS:
        assert main(["profiles", "validate", str(PROFILES_DIR / f"{pid}.toml")]) == 0
        assert capsys.readouterr().out.startswith("ok:")
    assert main(["profiles", "list"]) == 0
    listed = capsys.readouterr().out
    for name in ("NVIDIA GeForce RTX 5090", "NVIDIA RTX A6000 (48GB)", "NVIDIA RTX 6000 Ada Generation (48GB)"):
        assert name in listed
    assert main(["profiles", "show", "rtx-5090"]) == 0
    assert capsys.readouterr().out.startswith("NVIDIA GeForce RTX 5090 (rtx-5090), gpu, released 2025")


def test_the_rtx_5090s_peaks_are_the_whitepapers_with_fp32_accumulate(profiles):
    """RTX Blackwell whitepaper, Table 3 (170 SMs at the 2,407 MHz boost clock), dense: BF16/FP16 with FP32 accumulate
    209.5 (half the FP16-accumulate 419), FP8 with FP32 accumulate 419, FP4 with FP32 accumulate 1,676 (the only FP4
    row, not halved: NVIDIA's "3,352 AI TOPS" is it with sparsity), INT8 838 TOPS, FP32 and TF32 104.8."""
    card = profiles.get("rtx-5090")
    peaks = card.peak_flops_per_s
    assert peaks == {"fp32": 1.048e14, "tf32": 1.048e14, "bf16": 2.095e14, "fp16": 2.095e14, "fp8": 4.19e14,
                     "fp4": 1.676e15, "int8": 8.38e14}
    assert peaks["bf16"] == pytest.approx(170 * 512 * 2.407e9, rel=1e-3)
    assert peaks["fp32"] == pytest.approx(21760 * 2 * 2.407e9, rel=1e-3)
    assert peaks["fp8"] == 2 * peaks["bf16"] and peaks["int8"] == 2 * peaks["fp8"]
    assert peaks["fp4"] == 4 * peaks["fp8"] and 2 * peaks["fp4"] == pytest.approx(3352e12)  # 3,352 AI TOPS, sparse
    assert card.default_precision == "bf16" and card.release_year == 2025 and card.kind == "gpu"
    # the GeForce halving, as on the RTX 4090 (165.2 with FP32 accumulate): 1.27x its bf16
    assert peaks["bf16"] / profiles.get("rtx-4090").peak("bf16") == pytest.approx(209.5 / 165.2, rel=1e-3)
    assert "1,676" in card.peak_source and "209.5/419" in card.peak_source and "secondary" in card.peak_source


def test_the_rtx_5090s_memory_power_link_price_and_footprint(profiles):
    card = profiles.get("rtx-5090")
    assert card.memory_gb == 34.19 and card.memory_gb == pytest.approx(32607 * MIB / 1e9, abs=0.005)
    assert card.memory_bandwidth_gb_per_s == 1792.0 == 512 / 8 * 28  # 512-bit GDDR7 at 28 Gbps
    assert card.power.tdp_w == 575.0 and card.power.average_w == pytest.approx(0.99 * 575.0, rel=0.02)
    assert card.link_gb_per_s == pytest.approx(16 * 32 * 128 / 130 / 8, abs=0.05) == 63.0  # PCIe 5.0 x16, each way
    assert link_for(card) == (63.0, card.link_source) and "no NVLink" in card.link_source
    assert (card.price.usd_per_device_hour, card.price.date) == (0.99, "2026-10") and "$1,999" in card.price.basis
    assert "RunPod" in card.price.basis and "secondary source, verify before citing" in card.price.source
    assert card.pue == 1.0 and card.cooling == "none"
    assert card.sparse_2_4 and card.sparse_source
    assert (card.embodied.kg_co2e, card.embodied.basis) == (23.4, "die-area-model")
    assert card.embodied.kg_co2e == pytest.approx(7.50 * CPA_5NM + 32 * KG_PER_GB + PACKAGE_KG, abs=0.05)  # GB202 750 mm²
    u = card.utilization
    assert u.borrowed and u.family == "h100" and u.unlike_held_out == "a consumer GeForce GPU"


def test_the_rtx_a6000s_figures_are_the_ga102_whitepapers_full_rate(profiles):
    """GA102 whitepaper Table 3 (84 SMs at 1,800 MHz): BF16/FP16 with FP32 accumulate 154.8 dense (a professional
    card: not halved, where the GeForce RTX 3090's 71 is half its 142), TF32 77.4, INT8 309.7, FP32 38.7; no FP8."""
    card = profiles.get("rtx-a6000")
    peaks = card.peak_flops_per_s
    assert peaks == {"fp32": 3.87e13, "tf32": 7.74e13, "bf16": 1.548e14, "fp16": 1.548e14, "int8": 3.097e14}
    assert peaks["bf16"] == pytest.approx(84 * 1024 * 1.8e9, rel=1e-3) and peaks["tf32"] == peaks["bf16"] / 2
    assert peaks["fp32"] == pytest.approx(10752 * 2 * 1.8e9, rel=1e-3)
    assert peaks["int8"] == pytest.approx(2 * peaks["bf16"], rel=1e-3)
    # per SM and clock: the A6000's full 1024 against the RTX 3090's halved 512 (82 SMs at 1,695 MHz, 71 TFLOPS)
    assert profiles.get("rtx-3090").peak("fp16") / (82 * 1.695e9) == pytest.approx(512, rel=0.01)
    assert card.memory_gb == 51.53 and card.memory_gb == pytest.approx(49140 * MIB / 1e9, abs=0.005)  # ECC off
    assert card.memory_bandwidth_gb_per_s == 768.0 and card.power.tdp_w == 300.0
    assert card.link_gb_per_s == 56.25 == 112.5 / 2 and link_for(card) == (56.25, card.link_source)  # NVLink bridge
    assert (card.price.usd_per_device_hour, card.price.date) == (0.53, "2026-09") and "$4,649" in card.price.basis
    assert card.pue == 1.0 and card.cooling == "none" and card.sparse_2_4 and card.release_year == 2020
    assert (card.embodied.kg_co2e, card.embodied.basis) == (15.1, "die-area-model")
    assert card.embodied.kg_co2e == pytest.approx(6.284 * CPA_8NM + 48 * KG_PER_GB + PACKAGE_KG, abs=0.05)
    u = card.utilization
    assert u.borrowed and u.family == "a100" and not u.unlike_held_out


def test_the_rtx_6000_adas_figures_are_the_datasheets(profiles):
    """Datasheet: FP32 91.1, 'Tensor performance 1457.0 TFLOPS' (FP8 with sparsity: 728.5 dense), 48 GB GDDR6 with ECC
    at 960 GB/s, 300 W, PCIe 4.0 x16, no NVLink; BF16 364 dense with FP32 accumulate (142 SMs × 1024 × 2.505 GHz)."""
    card = profiles.get("rtx-6000-ada")
    peaks = card.peak_flops_per_s
    assert peaks == {"fp32": 9.11e13, "tf32": 1.821e14, "bf16": 3.642e14, "fp16": 3.642e14, "fp8": 7.285e14,
                     "int8": 7.285e14}
    assert peaks["fp8"] == 1457.0e12 / 2 and peaks["bf16"] == pytest.approx(142 * 1024 * 2.505e9, rel=1e-3)
    assert peaks["fp32"] == pytest.approx(18176 * 2 * 2.505e9, rel=1e-3)
    assert "OPEN" in card.notes and "1,457.0" in card.notes  # FP8's accumulate type, unstated
    assert card.memory_gb == 51.53 and card.memory_bandwidth_gb_per_s == 960.0 and card.power.tdp_w == 300.0
    assert card.link_gb_per_s == 31.5 and "NVLink" in card.link_source  # PCIe 4.0 x16, each way
    assert (card.price.usd_per_device_hour, card.price.date) == (1.57, "2026-09") and "$6,799" in card.price.basis
    assert card.pue == 1.0 and card.cooling == "none" and card.sparse_2_4 and card.release_year == 2022
    assert card.embodied.kg_co2e == 20.6 == profiles.get("l40s").embodied.kg_co2e  # AD102 with 48 GB either way
    u = card.utilization
    assert u.borrowed and u.family == "h100" and not u.unlike_held_out


@pytest.mark.parametrize("given, pid", [
    ("NVIDIA GeForce RTX 5090", "rtx-5090"), ("RTX 5090", "rtx-5090"), ("rtx5090", "rtx-5090"), ("rtx-5090", "rtx-5090"),
    ("GeForce RTX 5090", "rtx-5090"),
    ("NVIDIA RTX A6000", "rtx-a6000"), ("RTX A6000", "rtx-a6000"), ("A6000", "rtx-a6000"), ("RTX A6000 48GB", "rtx-a6000"),
    ("NVIDIA RTX 6000 Ada Generation", "rtx-6000-ada"), ("RTX 6000 Ada", "rtx-6000-ada"),
    ("NVIDIA RTX 6000 Ada", "rtx-6000-ada"), ("RTX 6000 Ada 48 GB", "rtx-6000-ada"),
    ("RTX 6000 Ada Generation 48GB", "rtx-6000-ada"),
])
def test_the_names_they_are_written_by_resolve_to_them(profiles, given, pid):
    assert profiles.get(given).id == pid


@pytest.mark.parametrize("given", [
    "RTX 6000",                            # the Turing Quadro RTX 6000 (24 GB), the A6000 or either 6000 Ada/PRO card
    "Quadro RTX 6000",                     # Turing, no profile
    "NVIDIA GeForce RTX 5090 Laptop GPU",  # a 24 GB laptop part
    "NVIDIA GeForce RTX 5090 D",           # the China-market card, its AI rate cut
])
def test_a_name_that_says_less_or_another_card_is_refused(profiles, given):
    with pytest.raises(UnknownHardwareError):
        profiles.get(given)


def test_the_other_rtx_names_resolve_as_before(profiles):
    for given, pid in (("RTX 4090", "rtx-4090"), ("NVIDIA GeForce RTX 3090", "rtx-3090"), ("RTX 4000 Ada", "rtx-4000-ada"),
                       ("NVIDIA RTX PRO 6000 Blackwell Server Edition", "rtx-pro-6000-server")):
        assert profiles.get(given).id == pid


def _inference(capsys, hardware: str, *extra: str) -> dict:
    assert main(["inference", "--model", "llama-3.1-8b", "--hardware", hardware, "--devices", "1", "--tokens", "1e6",
                 "--format", "json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("hardware, pid", [("RTX 5090", "rtx-5090"), ("RTX A6000", "rtx-a6000"),
                                           ("RTX 6000 Ada", "rtx-6000-ada")])
def test_an_8b_model_is_served_on_each_with_finite_figures(capsys, hardware, pid):
    out = _inference(capsys, hardware)
    assert out["hardware"] == pid and out["precision"] == "bf16" and out["batch"] == 1 and out["max_batch_size"] >= 1
    for key in ("seconds_per_output_token", "tokens_per_s", "joules_per_output_token", "energy_kwh", "device_hours"):
        assert math.isfinite(out[key]) and out[key] > 0, key
    assert out["bound"] == "memory"  # batch 1 reads every weight once per token


def test_a_16_bit_8b_model_on_the_rtx_5090_runs_near_its_bandwidth(capsys):
    """Batch 1 at 16 bits: a token reads the 16.06 GB of weights once, 8.96 ms at 1,792 GB/s; the step reads them (less
    the input embedding's unread rows) at 0.9 of the bandwidth and the engine adds its fitted per-layer cost, so the
    time per token (12.1 ms as shipped) is above that and below twice it."""
    out = _inference(capsys, "RTX 5090", "--bits", "16")
    assert out["memory_gb"]["weights"] == pytest.approx(16.06)
    floor = out["memory_gb"]["weights"] * 1e9 / 1792e9
    assert floor < out["seconds_per_output_token"] < 2 * floor
    assert 0.9 * floor < out["step_s"]["memory"] < floor / 0.9


def test_the_rtx_5090_is_faster_per_token_than_the_4090_by_about_the_bandwidth_ratio(capsys):
    """The memory-bound step is 1,792 ÷ 1,008 = 1.78x shorter; the engine's fitted per-layer cost is the same on both,
    so the whole time per token is a little less than that faster (1.60x as shipped)."""
    new, old = (_inference(capsys, hw, "--bits", "16") for hw in ("rtx-5090", "rtx-4090"))
    assert old["step_s"]["memory"] / new["step_s"]["memory"] == pytest.approx(1792 / 1008, rel=0.01)
    ratio = old["seconds_per_output_token"] / new["seconds_per_output_token"]
    assert 1.55 < ratio < 1792 / 1008 < 1.9

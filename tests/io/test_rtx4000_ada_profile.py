"""The NVIDIA RTX 4000 Ada Generation (profiles/rtx-4000-ada.toml): a 20 GB, 130 W single-slot Ada card (AD104,
48 SMs at a 2,175 MHz boost clock). Its figures, the names nvidia-smi and clouds give it, and an 8B model served on
it (MLPerf Inference's later rounds run the card)."""

from __future__ import annotations

import json

import pytest

from estimator.cli import main
from estimator.core.base.errors import UnknownHardwareError
from estimator.core.hardware.base_profile import guess_base_profile
from estimator.core.serving.step import link_for
from estimator.io.datafiles import PROFILES_DIR

SMS, BOOST_HZ = 48, 2.175e9  # 6,144 CUDA cores ÷ 128 per Ada SM; the boost clock (the profile's peak source)
MIB = 1024**2


@pytest.fixture(scope="module")
def card(profiles):
    return profiles.get("rtx-4000-ada")


def test_the_profile_validates_and_is_listed(capsys):
    assert main(["profiles", "validate", str(PROFILES_DIR / "rtx-4000-ada.toml")]) == 0
    assert capsys.readouterr().out.startswith("ok:")
    assert main(["profiles", "list"]) == 0
    assert "NVIDIA RTX 4000 Ada Generation (20GB, 130 W)" in capsys.readouterr().out


def test_the_dense_peaks_are_the_ada_sms_rates_at_the_boost_clock(card):
    """FP32 26.7 TFLOPS (6,144 cores × 2 FLOP × 2.175 GHz); bf16/fp16 1024 and fp8/int8 2048 FLOP per SM per clock
    (the Ada whitepaper's RTX 4090 rates), dense: 106.9 and 213.8 TFLOPS. No FP4 on Ada, no sourced tf32."""
    peaks = card.peak_flops_per_s
    assert peaks == {"fp32": 2.67e13, "bf16": 1.069e14, "fp16": 1.069e14, "fp8": 2.138e14, "int8": 2.138e14}
    assert peaks["fp32"] == pytest.approx(6144 * 2 * BOOST_HZ, rel=2e-3)
    assert peaks["bf16"] == pytest.approx(SMS * 1024 * BOOST_HZ, rel=1e-3)
    assert peaks["fp8"] == pytest.approx(SMS * 2048 * BOOST_HZ, rel=1e-3) and peaks["fp8"] == 2 * peaks["bf16"]
    assert card.default_precision == "bf16" and card.peak("bf16") == 1.069e14
    # above the 83.0 TFLOP/s bf16 GEMM measured on the card (peak source), which the halved GeForce rate is not
    assert peaks["bf16"] > 83.0e12 > SMS * 512 * BOOST_HZ
    # NVIDIA's datasheet tensor figure (327.6 TFLOPS sparse FP8) is named in the notes as the open question
    assert "327.6" in card.notes and "OPEN" in card.notes


def test_memory_power_link_and_price(card):
    assert card.memory_gb == 21.47 and card.memory_gb == pytest.approx(20475 * MIB / 1e9, abs=0.005)
    assert card.memory_bandwidth_gb_per_s == 360.0
    assert card.power.tdp_w == 130.0 and card.power.average_w == pytest.approx(0.99 * 130.0, rel=0.02)
    assert card.link_gb_per_s == 31.5 and link_for(card) == (31.5, card.link_source)  # PCIe 4.0 x16, each way
    assert (card.price.usd_per_device_hour, card.price.date) == (0.76, "2026-09")
    assert "DigitalOcean" in card.price.basis and "secondary source, verify before citing" in card.price.source
    assert card.release_year == 2023 and card.kind == "gpu" and card.pue == 1.1
    assert (card.embodied.kg_co2e, card.embodied.basis) == (9.82, "die-area-model")
    assert card.utilization.borrowed and card.utilization.family == "h100" and not card.utilization.unlike_held_out
    assert not card.sparse_2_4  # no [sparsity] table stated yet (the notes say why)
    for source in (card.peak_source, card.memory_source, card.link_source, card.power.source, card.price.source):
        assert "http" in source or "scribd.com" in source


@pytest.mark.parametrize("given", [
    "NVIDIA RTX 4000 Ada Generation",        # nvidia-smi's and NVIDIA's driver table's name; RunPod's GPU id
    "RTX 4000 Ada", "NVIDIA RTX 4000 Ada",   # the short name clouds list it by
    "RTX 4000 Ada Generation", "nvidia rtx 4000 ada generation", "rtx-4000-ada",
    "NVIDIA RTX 4000 Ada Generation 20GB",   # with its marketed memory
    "NVIDIA RTX 4000 Ada Generation (20GB GDDR6)",
    "RTX 4000 ADA-PCIE-20GB", "NVIDIA RTX 4000 ADA-PCIE-20GB",   # MLPerf Inference v5.1's system-description form
])
def test_the_names_it_is_written_by_resolve_to_it(profiles, given):
    assert profiles.get(given).id == "rtx-4000-ada"


@pytest.mark.parametrize("given, pid", [
    ("RTX 4090", "rtx-4090"), ("NVIDIA GeForce RTX 4090", "rtx-4090"), ("rtx4090", "rtx-4090"),
    ("NVIDIA RTX PRO 6000 Blackwell Server Edition", "rtx-pro-6000-server"),
    ("NVIDIA GeForce RTX 3090", "rtx-3090"), ("NVIDIA L4", "l4"), ("NVIDIA L40S", "l40s"),
])
def test_the_other_rtx_and_ada_names_resolve_as_before(profiles, given, pid):
    assert profiles.get(given).id == pid


@pytest.mark.parametrize("given", ["RTX 4000", "NVIDIA RTX 4000 SFF Ada Generation", "Quadro RTX 4000",
                                   "NVIDIA RTX A4000"])
def test_a_name_that_says_less_or_another_card_is_refused_not_taken_as_it(profiles, given):
    """"RTX 4000" alone could be the Turing Quadro RTX 4000 or the 70 W SFF card: it is refused (naming the
    profile it could be), as are the SFF card, the Quadro and the Ampere RTX A4000, which have no profile."""
    with pytest.raises(UnknownHardwareError):
        profiles.get(given)


def test_a_measured_card_starts_from_this_profile(profiles):
    names = {pid: p.name for pid, p in profiles.profiles.items()}
    assert guess_base_profile("NVIDIA RTX 4000 Ada Generation", "gpu", names) == "rtx-4000-ada"


def _inference(capsys, bits: str) -> dict:
    assert main(["inference", "--model", "llama-3.1-8b", "--hardware", "rtx-4000-ada", "--bits", bits,
                 "--tokens", "1e6", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_an_8_bit_llama_3_1_8b_is_served_at_its_bandwidth(capsys):
    """8-bit weights (9.08 GB: the embedding and the LM head stay at 16 bits) fit in 20 GB; at batch 1 a token
    reads them once, 25 ms at 360 GB/s, so about 36 tokens/s, at the fp8 peak when compute-bound."""
    out = _inference(capsys, "8")
    assert out["hardware"] == "rtx-4000-ada" and out["precision"] == "fp8" and out["peak_flops_per_s"] == 2.138e14
    assert out["tokens_per_s"] > 0 and out["bound"] == "memory" and out["max_batch_size"] > 100
    assert out["memory_gb"]["total"] < 0.9 * 21.47
    weights_s = out["memory_gb"]["weights"] * 1e9 / 360e9
    assert weights_s < out["seconds_per_output_token"] < 1.5 * weights_s
    assert 20 < out["tokens_per_s"] < 40
    assert out["cost_usd"] == pytest.approx(out["device_hours"] * 0.76, rel=1e-9)


def test_a_16_bit_llama_3_1_8b_still_fits(capsys):
    out = _inference(capsys, "16")
    assert out["precision"] == "bf16" and out["peak_flops_per_s"] == 1.069e14
    assert out["memory_gb"]["weights"] == pytest.approx(16.06) and out["max_batch_size"] >= 1
    assert 0 < out["tokens_per_s"] < 0.6 * _inference(capsys, "8")["tokens_per_s"]

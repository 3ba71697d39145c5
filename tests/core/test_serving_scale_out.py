"""A serving replica beyond one scale-up domain all-reduces over the scale-out network the profile states, and is
refused where the profile states none (serving review 2026-11-28: the A800, an HGX A100 board with NVLink capped at
400 GB/s, had all-reduced across two nodes at its NVLink's 200 GB/s, 2.3× faster than the A100 over InfiniBand)."""

from __future__ import annotations

import dataclasses

import pytest

from estimator.core.base.errors import InputError
from estimator.core.serving.estimate import InferenceScenario, inference
from estimator.io import serving_data
from estimator.io.datafiles import default_profiles


def _tpot_s(profile, tp: int) -> float:
    m = serving_data.catalog_model("llama-3.1-70b")
    s = InferenceScenario(params=m.params, tokens=1e9, architecture=m.arch, devices=tp, tp=tp, batch_size=256)
    r = inference(s, profile, serving_data.load_serving_fit())
    return r.seconds_per_output_token


def test_an_a800_replica_across_nodes_is_no_faster_than_an_a100s():
    """Inside one server the A800's capped NVLink makes it a little slower than the A100; across two servers both
    all-reduce over the same 25 GB/s of HDR InfiniBand per GPU, and their time per output token is within 5%."""
    profiles = default_profiles().profiles
    a800, a100 = profiles["a800"], profiles["a100-sxm-80gb"]
    assert a800.scale_out_gb_per_s == a100.scale_out_gb_per_s == 25.0
    assert _tpot_s(a800, 16) == pytest.approx(_tpot_s(a100, 16), rel=0.05)
    assert _tpot_s(a800, 8) >= _tpot_s(a100, 8)


@pytest.mark.parametrize("profile_id", ["h100-nvl", "h200-nvl"])
def test_an_nvl_card_beyond_its_bridge_all_reduces_over_pcie_gen5(profile_id):
    """Beyond its NVLink bridge an NVL card sends over its PCIe Gen5 x16 link, 63.0 GB/s each way: a replica of 8 is
    slower a token than on an H100 SXM server's NVSwitch (it had been timed at the bridge's 300-450 GB/s)."""
    profiles = default_profiles().profiles
    p = profiles[profile_id]
    assert p.scale_out_gb_per_s == pytest.approx(16 * 32 * 128 / 130 / 8, abs=0.05)
    assert _tpot_s(p, 8) > _tpot_s(profiles["h100-sxm"], 8)


def test_a_replica_beyond_the_domain_of_a_profile_without_a_network_is_refused():
    p = dataclasses.replace(default_profiles().profiles["h100-sxm"], scale_out_gb_per_s=None, scale_out_source=None)
    m = serving_data.catalog_model("llama-3.1-70b")
    s = InferenceScenario(params=m.params, tokens=1e9, architecture=m.arch, devices=16, tp=16, batch_size=8)
    with pytest.raises(InputError, match=r"spans 2 scale-up domains of 8.*no scale-out bandwidth") as e:
        inference(s, p, serving_data.load_serving_fit())
    assert e.value.field == "tp"
    # inside the domain the network is never used: the same time per output token as the profile that states it
    s8 = dataclasses.replace(s, devices=8, tp=8)
    fit = serving_data.load_serving_fit()
    assert inference(s8, p, fit).seconds_per_output_token == inference(
        s8, default_profiles().profiles["h100-sxm"], fit).seconds_per_output_token


def test_a_pcie_card_reaches_past_its_nvlink_pair_over_pcie():
    """Serving review 2026-11-29: the H100 PCIe and the A100 80GB PCIe at tensor parallel 8 had every card's all-reduces
    at the NVLink bridge's 300 GB/s, where a bridge joins 2 cards and the rest meet over PCIe (Gen5 x16, 63.0 GB/s a
    direction; Gen4 x16, 31.5), as the H100 NVL profile had it; a pair stays on its bridge. The devices not given say
    they are the tensor-parallel degree given, once."""
    from estimator.services.serving import inference as serving
    for hardware, pcie in (("h100-pcie", 63.0), ("a100-pcie-80gb", 31.5)):
        eight = serving.inference_report(tokens=1e6, model="llama-3.1-70b", hardware=hardware, tp=8, bits=8).result
        pair = serving.inference_report(tokens=1e6, model="llama-3.1-70b", hardware=hardware, tp=2, bits=8).result
        (said8,) = [n for n in eight.notes if n.startswith("8 devices")]
        (said2,) = [n for n in pair.notes if n.startswith("2 devices")]
        assert f"over {pcie:g} GB/s" in said8 and "over 300 GB/s" in said2
        assert said8.startswith("8 devices (not given: the tensor-parallel degree given) in tensor parallelism")


def test_a_profile_with_only_its_scale_up_link_is_served_over_it(tmp_path):
    """Newcomer review 2026-11-29: a profile stating `scale_up_gb_per_s` and no `link_gb_per_s` passed validation and
    training took its link, but serving fell back to PCIe 4.0's 31.5 GB/s and said the profile states no link."""
    import re
    from pathlib import Path

    from estimator.services.serving import inference as serving
    text = (Path(__file__).resolve().parents[2] / "profiles" / "h100-sxm.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^link_gb_per_s = .*\n", "", text)
    assert "scale_up_gb_per_s = 450.0" in text and "link_gb_per_s = " not in text.replace("scale_up_gb_per_s", "")
    (tmp_path / "own.toml").write_text(text.replace('id = "h100-sxm"', 'id = "own-h100"'), encoding="utf-8")
    own = serving.inference_report(tokens=1e6, model="llama-3.1-70b", hardware=str(tmp_path / "own.toml"), tp=8,
                                   batch_size=64).result
    stock = serving.inference_report(tokens=1e6, model="llama-3.1-70b", hardware="h100-sxm", tp=8,
                                     batch_size=64).result
    assert own.seconds_per_output_token == stock.seconds_per_output_token
    assert not [n for n in own.notes if "states no link" in n]

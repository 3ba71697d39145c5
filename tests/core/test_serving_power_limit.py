"""A power limit per device (`inference --power-limit-w`): the step worked by hand on a toy model, the scenario's
refusals, the CLI and the Python API agreeing, and an MLPerf-sized configuration end to end."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from estimator.cli.main import main
from estimator.core.base.errors import InputError
from estimator.core.serving.step import Device, ServingFit, step
from estimator.core.workload.architecture import Architecture
from estimator.io import serving_data
from estimator.services import limits

TOY = Architecture(layers=2, d_model=8, heads=2, kv_heads=1, head_dim=4, vocab=10)
N = 1000.0
DEVICE = Device(id="toy", memory_gb=1.0, bandwidth_gb_per_s=1.0, peak_flops_per_s=1e6, tdp_w=100.0, link_gb_per_s=1.0)
FIT = ServingFit(engine_s_per_layer=0.01, engine_s_per_sequence=0.001, tp_s_per_allreduce=0.002,
                 busy_per_roofline_s=2.0, tpot_log_half_width=0.4, energy_log_half_width=0.4, level=0.8,
                 n_configs=1, n_models=1, power_limit_exponent=0.5)
KW = dict(params=N, arch=TOY, device=DEVICE, fit=FIT, batch=4, prompt_tokens=6, output_tokens=2, tp=2, weight_bits=8,
          kv_bits=16)


def test_a_limit_below_the_draw_holds_it_there_and_stretches_the_step():
    free = step(**KW)
    held = step(**KW, power_limit_w=50.0)
    assert free.power_w > 50.0 and free.unlimited_power_w is None and free.power_limit_stretch == 1.0
    # the draw is the limit; every part of the step runs (draw ÷ limit)^0.5 times as long, as the exponent was fitted
    # to whole systems' tokens/s
    stretch = (free.power_w / 50.0) ** 0.5
    assert held.power_w == 50.0 and held.power_fraction == pytest.approx(0.5)
    assert held.unlimited_power_w == pytest.approx(free.power_w) and held.power_limit_stretch == pytest.approx(stretch)
    for part in ("memory_s", "compute_s", "gpu_s", "prefill_s", "tp_s", "engine_s"):
        assert getattr(held, part) == pytest.approx(getattr(free, part) * stretch)
    assert held.tpot_s == pytest.approx(free.tpot_s * stretch)
    assert held.joules_per_output_token == pytest.approx(50.0 * 2 * held.tpot_s / 4)


def test_a_limit_above_the_draw_or_an_exponent_of_0_changes_no_time():
    free = step(**KW)
    assert step(**KW, power_limit_w=99.0) == free                         # above the draw: limits nothing
    flat = step(**{**KW, "fit": replace(FIT, power_limit_exponent=0.0)}, power_limit_w=50.0)
    assert flat.tpot_s == free.tpot_s and flat.power_w == 50.0             # exponent 0: the draw capped, no slowdown


def test_a_power_given_and_a_limit_together_are_refused():
    with pytest.raises(InputError, match="give a power or a power limit, not both"):
        step(**KW, power_w=40.0, power_limit_w=50.0)


def test_a_limit_outside_the_devices_range_is_refused_by_the_api_and_the_cli(capsys):
    base = dict(hardware="h200-sxm", model="llama-2-70b", tokens=1e9)
    for limit, words in ((800, "at most its TDP (700 W)"), (140, "above its idle draw (140 W")):
        with pytest.raises(InputError, match=words.replace("(", r"\(").replace(")", r"\)")):
            limits.inference_report(**base, power_limit_w=limit)
        assert main(["inference", "--model", "llama-2-70b", "--hardware", "h200-sxm", "--tokens", "1e9",
                     "--power-limit-w", str(limit)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: a power limit of") and words in err and err.count("\n") == 1
    with pytest.raises(InputError, match="not both"):
        limits.inference_report(**base, power_limit_w=500, power_w=400)
    with pytest.raises(InputError, match="finite"):
        limits.inference_report(**base, power_limit_w=float("nan"))


def test_mlperfs_maxq_configuration_at_500_w_serves_about_the_measured_share_of_its_uncapped_throughput(capsys):
    """Llama 2 70B in FP8 on 8 H200s at the largest batch, uncapped and held to 500 W a GPU (NVIDIA's MaxQ setting for
    it in MLPerf Inference v4.1, which measured 25,262 tokens/s there against 31,303 uncapped: 0.807)."""
    args = ["inference", "--model", "llama-2-70b", "--hardware", "h200-sxm", "--tokens", "1e9", "--devices", "8",
            "--bits", "8", "--batch-size", "max", "--format", "json"]
    assert main(args) == 0
    free = json.loads(capsys.readouterr().out)
    assert main([*args, "--power-limit-w", "500"]) == 0
    held = json.loads(capsys.readouterr().out)
    api = limits.inference_report(hardware="h200-sxm", model="llama-2-70b", tokens=1e9, devices=8, bits=8,
                                  batch_size="max", power_limit_w=500).result
    assert held["tokens_per_s"] == pytest.approx(api.tokens_per_s, rel=1e-12)    # the CLI and the API agree
    exponent = serving_data.load_serving_fit().power_limit_exponent
    assert exponent == pytest.approx(0.667, abs=0.001)
    assert free["power_w_per_device"] == 700.0 and held["power_w_per_device"] == 500.0
    assert held["power_limit"] == {"w_per_device": 500.0, "unlimited_w_per_device": 700.0,
                                   "stretch": pytest.approx((700 / 500) ** exponent)}
    # tokens/s falls to (500 ÷ 700)^0.667 = 0.799 of the uncapped (MLPerf measured 0.807)
    assert held["tokens_per_s"] / free["tokens_per_s"] == pytest.approx((500 / 700) ** exponent)
    # the node at the wall: the devices at their limit and their hosts' part, as without a limit
    host = free["node_power_w"] / 8 - 700.0
    assert held["node_power_w"] == pytest.approx(8 * (500.0 + host))
    assert any(n.startswith("power limit 500 W per device: the modelled draw, 700 W, is held to it") for n in held["notes"])
    assert held["assumptions"]["power_w"]["source"].startswith("the power limit given, 500 W per device")


def test_a_limit_the_draw_stays_under_says_it_limits_nothing():
    r = limits.inference_report(hardware="h100-sxm", model="llama-3.1-8b", tokens=1e9, power_limit_w=600).result
    free = limits.inference_report(hardware="h100-sxm", model="llama-3.1-8b", tokens=1e9).result
    assert r.seconds_per_output_token == free.seconds_per_output_token and r.power_limit_stretch == 1.0
    assert any(n.startswith("power limit 600 W per device: above the modelled draw") for n in r.notes)


def test_the_how_to_quotes_what_the_cli_prints():
    """docs/how-to/estimate-serving.md's power-limit bullet: Llama 2 70B FP8 on 8 H200s at the largest batch, uncapped
    and at 500 W a GPU, its tokens/s and energy per token as the CLI rounds them."""
    import re
    from pathlib import Path

    from estimator.report import humanize as hz
    text = " ".join((Path(__file__).resolve().parents[2] / "docs" / "how-to" / "estimate-serving.md").read_text().split())
    kw = dict(hardware="h200-sxm", model="llama-2-70b", tokens=1e9, devices=8, bits=8, batch_size="max")
    free = limits.inference_report(**kw).result
    held = limits.inference_report(**kw, power_limit_w=500).result
    tps = [hz.count(round(r.tokens_per_s, -2)) for r in (free, held)]
    mj = [hz.joules(r.joules_per_output_token).removesuffix(" mJ") for r in (free, held)]
    sentence = (f"serves {tps[0]} tokens/s at 700 W a GPU and {tps[1]} at 500 W (MLPerf v4.1 measured 31,303 and "
                f"25,262), {mj[0]} and {mj[1]} mJ per token")
    assert sentence in text, sentence
    assert re.search(r"\(draw ÷ limit\)\^0\.667 times as long", text)
    exponent = serving_data.load_serving_fit().power_limit_exponent
    assert f"{exponent:.3f}" == "0.667"

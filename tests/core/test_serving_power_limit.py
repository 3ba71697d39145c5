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
from estimator.services.serving import inference as serving

TOY = Architecture(layers=2, d_model=8, heads=2, kv_heads=1, head_dim=4, vocab=10)
N = 1000.0
DEVICE = Device(id="toy", memory_gb=1.0, bandwidth_gb_per_s=1.0, peak_flops_per_s=1e6, tdp_w=100.0, link_gb_per_s=1.0)
FIT = ServingFit(engine_s_per_layer=0.01, engine_s_per_sequence=0.001, tp_s_per_allreduce=0.002,
                 busy_per_roofline_s=2.0, tpot_log_half_width=0.4, energy_log_half_width=0.4, level=0.8,
                 n_configs=1, n_models=1, power_limit_exponent=0.5)
KW = dict(params=N, arch=TOY, device=DEVICE, fit=FIT, batch=4, prompt_tokens=6, output_tokens=2, tp=2, weight_bits=8,
          kv_bits=16)


def test_a_limit_below_the_draw_holds_it_there_and_stretches_the_step():
    from estimator.core.serving.step import load_power_fraction
    mixed = {**KW, "fit": replace(FIT, mixed_prefill=True)}     # prompts riding in the steps (the default engine's way)
    free = step(**mixed)
    held = step(**mixed, power_limit_w=50.0)
    assert free.power_w > 50.0 and free.unlimited_power_w is None and free.power_limit_stretch == 1.0
    # two phases: the steps the sequences decode in (the other requests' prompts riding in them), at their draw by
    # load, and a request's own prompt apart, at the prefill's draw (the TDP)
    # (the own prompt's all-reduces, apart, draw as the decode steps do: their draw judged without them)
    own = free.own_prefill_s
    ride_s = free.tpot_s - own
    ride_w = 100.0 * load_power_fraction(replace(FIT, mixed_prefill=True), free.gpu_s, free.prefill_s - own,
                                         ride_s - free.own_tp_s, free.compute_s / free.gpu_s)
    assert free.power_w == pytest.approx((ride_w * ride_s + 100.0 * own) / free.tpot_s)
    # the draw is the limit; every part of the decode steps runs ((draw − idle) ÷ (limit − idle))^0.5 times as long,
    # idle 0.2 × 100 W: the power above idle, which does the work, is what the limit takes away; the own prompt's
    # phase by the prefill's own: ((100 − 20) ÷ (50 − 20))^0.5
    stretch, prefill = ((ride_w - 20.0) / (50.0 - 20.0)) ** 0.5, (80.0 / 30.0) ** 0.5
    assert held.power_w == 50.0 and held.power_fraction == pytest.approx(0.5)
    assert held.unlimited_power_w == pytest.approx(free.power_w) and held.power_limit_stretch == pytest.approx(stretch)
    for part in ("memory_s", "compute_s", "gpu_s", "tp_s", "engine_s"):
        assert getattr(held, part) == pytest.approx(getattr(free, part) * stretch)
    assert held.own_prefill_s == pytest.approx(own * prefill)
    assert held.prefill_s == pytest.approx((free.prefill_s - own) * stretch + own * prefill)
    assert held.tpot_s == pytest.approx(ride_s * stretch + own * prefill)
    assert held.joules_per_output_token == pytest.approx(50.0 * 2 * held.tpot_s / 4)
    assert held.prefill_limit_stretch == pytest.approx(prefill)


def test_an_engine_that_prefills_apart_holds_its_prefill_phase_at_the_prefills_draw():
    """Review 2026-11-27: vllm-2024's prefill is a phase of its own at the prefill's draw (the TDP): under a limit it
    slows by its own stretch, the rest of the step by the step's."""
    free = step(**KW)
    held = step(**KW, power_limit_w=50.0)
    stretch, prefill = held.power_limit_stretch, (80.0 / 30.0) ** 0.5
    assert held.prefill_s == pytest.approx(free.prefill_s * prefill) and prefill > stretch > 1.0
    assert held.tpot_s == pytest.approx((free.tpot_s - free.prefill_s) * stretch + free.prefill_s * prefill)
    # a limit above the step's average draw but under the TDP: the prefill phase alone slows
    above = step(**KW, power_limit_w=99.0)
    assert above.power_limit_stretch == 1.0 and above.unlimited_power_w is None
    assert above.tpot_s == pytest.approx(free.tpot_s + free.prefill_s * ((80.0 / 79.0) ** 0.5 - 1.0))
    # held, that phase draws the limit, not the TDP, for longer: the step's draw by load again (review 2026-11-27:
    # the energy had risen); by hand, idle 0.2 + the decode's and the prefill's shares of the busy time, the
    # prefill's at the limit's 0.99 of the TDP; the energy per token the power × devices × TPOT ÷ batch
    from estimator.core.serving.step import DECODE_POWER_FRACTION, compute_share
    k, t = FIT.busy_per_roofline_s, above.tpot_s - above.own_tp_s   # the own prompt's all-reduces draw as the steps
    decode = DECODE_POWER_FRACTION + (1.0 - DECODE_POWER_FRACTION) * compute_share(above.compute_s, above.gpu_s)
    share = 0.2 + (decode - 0.2) * min(1.0, k * above.gpu_s / t) + (0.99 - 0.2) * min(1.0, k * above.prefill_s / t)
    assert above.power_w == pytest.approx(100.0 * min(0.99, share))
    assert above.joules_per_output_token == pytest.approx(above.power_w * 2 * above.tpot_s / 4)
    # just above the step's draw (94.6 W), far below the prefill's (100 W): the prefill alone held, the energy a
    # token lower than unlimited (2.98 against 3.02), the time 1.010× as long (2.79 against 2.84 and 1.011× while the
    # own prompt's all-reduces rode in every step: since 2026-11-30 they are with its prefill, drawn as the steps)
    lower = step(**KW, power_limit_w=free.power_w + 0.5)
    assert lower.unlimited_power_w is None and lower.power_w < free.power_w
    assert lower.joules_per_output_token == pytest.approx(2.975, abs=0.001)
    assert lower.joules_per_output_token < free.joules_per_output_token
    assert lower.tpot_s / free.tpot_s == pytest.approx(1.0102, abs=1e-4)


def test_a_limit_near_idle_costs_more_energy_not_less_and_a_quarter_of_the_tdp_is_the_floor():
    """Only the power above idle does work: held near idle, a step takes far longer and its energy rises; below a
    quarter of the TDP (NVIDIA's DGX B200 allows 0.2-0.29 of its rated power) a limit is refused."""
    joules = [step(**KW, power_limit_w=w).joules_per_output_token for w in (60.0, 40.0, 30.0, 25.0)]
    assert joules[-1] > joules[-2] > joules[-3]
    with pytest.raises(InputError, match=r"below a quarter of the device.s 100 W"):
        step(**KW, power_limit_w=24.9)
    with pytest.raises(InputError, match=r"below a quarter"):
        step(**KW, power_limit_w=float("nan"))


def test_a_limit_at_the_tdp_or_an_exponent_of_0_changes_no_step():
    mixed = {**KW, "fit": replace(FIT, mixed_prefill=True)}
    free = step(**mixed)
    above = step(**mixed, power_limit_w=99.0)                   # above the decode steps' draw: they run as without it
    assert above.power_limit_stretch == 1.0
    # but under the prefill's draw (the TDP): a prompt alone runs longer (the time to the first token), and so does a
    # request's own prompt's phase, apart from the steps
    assert above.prefill_limit_stretch == pytest.approx((80.0 / 79.0) ** 0.5)
    assert above.tpot_s == pytest.approx(free.tpot_s + free.own_prefill_s * ((80.0 / 79.0) ** 0.5 - 1.0))
    assert above.user_tpot_s == pytest.approx(free.user_tpot_s) and above.power_w < free.power_w
    assert step(**KW, power_limit_w=100.0) == step(**KW)
    flat = step(**{**KW, "fit": replace(FIT, power_limit_exponent=0.0)}, power_limit_w=50.0)
    assert flat.tpot_s == step(**KW).tpot_s and flat.power_w == 50.0   # exponent 0: the draw capped, no slowdown


def test_a_power_given_and_a_limit_together_are_refused():
    with pytest.raises(InputError, match="give a power or a power limit, not both"):
        step(**KW, power_w=40.0, power_limit_w=50.0)


def test_a_limit_outside_the_devices_range_is_refused_by_the_api_and_the_cli(capsys):
    base = dict(hardware="h200-sxm", model="llama-2-70b", tokens=1e9)
    words = "outside h200-sxm's range of 175-700 W: a quarter of its TDP up to it"
    for limit in (800, 170):
        with pytest.raises(InputError, match=words.replace("(", r"\(").replace(")", r"\)")):
            serving.inference_report(**base, power_limit_w=limit)
        assert main(["inference", "--model", "llama-2-70b", "--hardware", "h200-sxm", "--tokens", "1e9",
                     "--power-limit-w", str(limit)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: a power limit of") and words in err and err.count("\n") == 1
    with pytest.raises(InputError, match="not both"):
        serving.inference_report(**base, power_limit_w=500, power_w=400)
    with pytest.raises(InputError, match="finite"):
        serving.inference_report(**base, power_limit_w=float("nan"))


def test_mlperfs_maxq_configuration_at_500_w_serves_the_fitted_share_of_its_uncapped_throughput(capsys):
    """Llama 2 70B in FP8 on 8 H200s at the largest batch, uncapped and held to 500 W a GPU (NVIDIA's MaxQ setting for
    it in MLPerf Inference v4.1, which measured 25,262 tokens/s there against 31,303 uncapped: 0.807; those rows are in
    the fit, so this is the model's arithmetic, not a check)."""
    args = ["inference", "--model", "llama-2-70b", "--hardware", "h200-sxm", "--tokens", "1e9", "--devices", "8",
            "--bits", "8", "--batch-size", "max", "--format", "json"]
    assert main(args) == 0
    free = json.loads(capsys.readouterr().out)
    assert main([*args, "--power-limit-w", "500"]) == 0
    held = json.loads(capsys.readouterr().out)
    api = serving.inference_report(hardware="h200-sxm", model="llama-2-70b", tokens=1e9, devices=8, bits=8,
                                  batch_size="max", power_limit_w=500).result
    assert held["tokens_per_s"] == pytest.approx(api.tokens_per_s, rel=1e-12)    # the CLI and the API agree
    exponent = serving_data.load_serving_fit().power_limit_exponent
    assert exponent == pytest.approx(0.478, abs=0.001)
    assert serving_data.load_serving_fit().power_limit_tdp_shares == pytest.approx((0.5, 500 / 700), abs=1e-4)
    assert free["power_w_per_device"] == 700.0 and held["power_w_per_device"] == 500.0
    working = (500 - 140) / (700 - 140)
    assert held["power_limit"] == {"w_per_device": 500.0, "unlimited_w_per_device": 700.0,
                                   "stretch": pytest.approx(working ** -exponent),
                                   "prefill_stretch": pytest.approx(working ** -exponent)}
    # tokens/s falls to ((500 − 140) ÷ (700 − 140))^0.478 = 0.81 of the uncapped
    assert held["tokens_per_s"] / free["tokens_per_s"] == pytest.approx(working ** exponent)
    # the node at the wall: the devices at their limit and their hosts' part, as without a limit
    host = free["node_power_w"] / 8 - 700.0
    assert held["node_power_w"] == pytest.approx(8 * (500.0 + host))
    assert any(n.startswith("power limit 500 W per device: the modelled draw, 700 W, is held to it") for n in held["notes"])
    assert not any("extrapolated" in n for n in held["notes"])
    assert held["assumptions"]["power_w"]["source"].startswith("the power limit given, 500 W per device")


def test_a_limit_outside_the_fitted_ones_says_it_is_extrapolated_and_a_chip_draw_takes_none(capsys):
    r = serving.inference_report(hardware="h200-sxm", model="llama-2-70b", tokens=1e9, devices=8, bits=8,
                                batch_size="max", power_limit_w=300).result
    assert any("300 W is 0.43 of the TDP, below the limits the exponent was fitted at (0.50–0.71 of it" in n
               and n.endswith("extrapolated") for n in r.notes)
    # between the highest fitted share and the TDP it interpolates: no such words
    r = serving.inference_report(hardware="h200-sxm", model="llama-2-70b", tokens=1e9, devices=8, bits=8,
                                batch_size="max", power_limit_w=600).result
    assert not any("extrapolated" in n for n in r.notes)
    # the exponent is GPUs': a TPU (which states no TDP either), a CPU server, a system are refused
    for hw, kind in (("tpu-v5e", "a TPU"), ("tpu-v3", "a TPU"), ("cpu-server-2s-epyc", "a CPU"), ("gaudi3", "an accelerator")):
        with pytest.raises(InputError, match=f"{hw} is {kind}, not a GPU"):
            serving.inference_report(hardware=hw, params=7e9, tokens=1e9, power_limit_w=250)
    assert main(["inference", "--params", "7e9", "--hardware", "tpu-v5e", "--tokens", "1e9", "--power-limit-w", "30"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_the_time_to_the_first_token_slows_at_the_prefills_draw_even_where_the_steps_is_under_the_limit():
    """Review 2026-11-27: Llama 2 70B FP8 on 8 H200s at batch 1 with 3,000-token prompts; its steps draw 465 W, so a
    600 W limit leaves them alone, but a prompt's prefill draws the TDP and is held to 600 W."""
    kw = dict(hardware="h200-sxm", model="llama-2-70b", tokens=1e9, devices=8, bits=8, batch_size=1, prompt_tokens=3000)
    free = serving.inference_report(**kw).result
    held = serving.inference_report(**kw, power_limit_w=600).result
    assert held.seconds_per_output_token == free.seconds_per_output_token and held.power_limit_stretch == 1.0
    exponent = serving_data.load_serving_fit().power_limit_exponent
    prefill_stretch = ((700 - 140) / (600 - 140)) ** exponent
    one_step = free.seconds_per_output_token
    assert held.ttft_s - one_step == pytest.approx((free.ttft_s - one_step) * prefill_stretch)
    assert any("a prompt's prefill alone, at the prefill's draw, 1.10× as long" in n for n in held.notes)


def test_a_limit_holds_with_a_draft_expert_parallelism_and_beams():
    """The limit reaches the step however it is served: speculative decoding, expert parallelism, beam search."""
    cases = (dict(hardware="h100-sxm", model="llama-3.1-8b", tokens=1e9, devices=1, batch_size="max", draft_tokens=3),
             dict(hardware="h200-sxm", model="deepseek-v3", tokens=1e9, devices=8, ep=8, bits=8, batch_size="max"),
             dict(hardware="h100-sxm", model="gptj-99", tokens=1e9, devices=8, batch_size="max", bits=8, kv_bits=8))
    for kw in cases:
        free = serving.inference_report(**kw).result
        held = serving.inference_report(**kw, power_limit_w=400).result
        assert free.power_w_per_device > 400 and held.power_w_per_device == 400.0, kw
        assert held.tokens_per_s < free.tokens_per_s and held.power_limit_stretch > 1.0, kw


def test_the_how_to_quotes_what_the_cli_prints():
    """docs/how-to/estimate-serving.md's power-limit bullet: MLPerf's Llama 2 70B benchmark (its query, an 8-bit KV
    cache) in FP8 on 8 H200s at the largest batch, uncapped and at 500 W a GPU, its tokens/s and energy per token as
    the CLI rounds them, and the exponent."""
    from pathlib import Path

    from estimator.report import humanize as hz
    text = " ".join((Path(__file__).resolve().parents[2] / "docs" / "how-to" / "estimate-serving.md").read_text().split())
    kw = dict(hardware="h200-sxm", model="llama2-70b-99", tokens=1e9, devices=8, bits=8, kv_bits=8, batch_size="max")
    free = serving.inference_report(**kw).result
    held = serving.inference_report(**kw, power_limit_w=500).result
    tps = [hz.count(round(r.tokens_per_s, -2)) for r in (free, held)]
    mj = [hz.joules(r.joules_per_output_token).removesuffix(" mJ") for r in (free, held)]
    sentence = f"serves {tps[0]} tokens/s at 700 W a GPU and {tps[1]} at 500 W ({mj[0]} and {mj[1]} mJ per token)"
    assert sentence in text, sentence
    exponent = serving_data.load_serving_fit().power_limit_exponent
    assert f"((draw − idle) ÷ (limit − idle))^{exponent:.2f} times as long" in text


def test_the_nodes_range_keeps_a_capped_device_under_its_limit(capsys):
    """Review 2026-11-27: at 350 W a device the node's range top was the uncapped ×1.24 of the whole node (799 W), a
    device drawing above its cap; now the devices' part of the top is the limit, the host's part × the profile's
    ratio: 350 + 294 × 1.24 = 715 W on one H100; uncapped, the devices' part is held to the TDP, the limit a device
    runs at by default (serving review 2026-11-27)."""
    from estimator.io.datafiles import default_profiles
    profile = default_profiles().by_id("h100-sxm")
    high = profile.power.average_range_w[1] / profile.power.average_w
    args = ["inference", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--devices", "1", "--batch-size", "max",
            "--tokens", "1e9", "--format", "json"]
    assert main([*args, "--power-limit-w", "350"]) == 0
    capped = json.loads(capsys.readouterr().out)
    host = capped["node_power_w"] - 350.0
    assert host == pytest.approx(294.0, abs=1.0)
    assert capped["range"]["node_power_w"][1] == pytest.approx(350.0 + host * high)
    assert capped["range"]["node_power_w"][1] == pytest.approx(715.0, abs=1.0)
    assert main(args) == 0
    free = json.loads(capsys.readouterr().out)
    device = free["power_w_per_device"]
    top = min(device * high, max(profile.power.tdp_w, device)) + (free["node_power_w"] - device) * high
    assert free["range"]["node_power_w"][1] == pytest.approx(top)


def test_the_result_says_whether_a_prefill_phase_of_its_own_is_held():
    """vllm-2024 prefills as its own phase: at 320 W its step's draw (311 W; 295 W at 300 W before its refit with
    prefill steps of their own, 2026-12-01) is under the limit and the phase alone is held (1.72×); the default
    engine's prompts ride in the steps, so its whole step is held and no phase apart."""
    apart = serving.inference_report(model="llama-3.1-8b", tokens=1e9, batch_size="max", engine="vllm-2024",
                                    power_limit_w=320).result
    assert apart.prefill_phase_held and apart.power_limit_stretch == 1.0
    assert apart.prefill_limit_stretch == pytest.approx(1.72, abs=0.01)
    mixed = serving.inference_report(model="llama-3.1-8b", tokens=1e9, batch_size="max", power_limit_w=350).result
    assert not mixed.prefill_phase_held and mixed.power_limit_stretch > 1.0

"""The user-journey review's findings (2026-11-25: a lecturer, a researcher and an engineer using the CLI
and the app end to end), each as the behaviour now expected."""

from __future__ import annotations

from apptest_pages import shared_page
from robustness_helpers import run

from estimator.report import humanize as hz

# L3: a scaling table's "range" says what it is, and what it leaves out -----------------------------------

def test_the_scaling_tables_say_what_their_ranges_are(capsys):
    code, out, _ = run(capsys, "scaling", "diminishing")
    assert code == 0
    note = next(line for line in out.splitlines() if line.startswith("  · ranges:"))
    assert "80% prediction intervals from the utilisation and power fits" in note
    assert "the errors, the base and the exponent are taken as exact" in note
    assert "the exponent moves the multiplier most: it is (current ÷ target error)^(1/k)" in note
    code, out, _ = run(capsys, "scaling", "chinchilla", "--flops", "1e23", "--hardware", "h100-sxm")
    assert code == 0 and "the split and the law's constants are taken as exact" in out
    code, out, _ = run(capsys, "scaling", "chinchilla", "--flops", "1e23")  # nothing priced: no ranges to explain
    assert code == 0 and "· ranges:" not in out
    # the brain's ranges are stated, not fitted, as the Limits page says (review)
    for argv in (("diminishing", "--hardware", "brain"), ("chinchilla", "--flops", "1e23", "--hardware", "brain")):
        code, out, _ = run(capsys, "scaling", *argv)
        note = next(line for line in out.splitlines() if line.startswith("  · ranges:"))
        assert code == 0 and "as their sources state them, with no measured coverage" in note
        assert "prediction intervals" not in note


# P1: a FLOPs preset whose model's size is known takes tokens alone ------------------------------------

def test_gpt3_on_more_tokens_is_its_own_model_on_them():
    from apptest_pages import shared_page

    from estimator.io.datafiles import load_presets
    from estimator.services import api
    preset = load_presets()["gpt3-175b"]
    r = api.run(preset_id="gpt3-175b", tokens=6e11)  # was refused: "states no parameters to go with the tokens"
    assert r.estimate.flops == 6 * preset.model_params * 6e11
    assert r.scenario.origin("params") == "preset:gpt3-175b" and r.scenario.origin("tokens") == "user"
    assert r.scenario.source("params") == preset.why["model_params"]  # Brown et al. 2020, Table 2.1
    assert "tokens" in r.changed and not r.comparison  # no longer the published run: not compared with it
    at = shared_page("estimate", {"preset": "gpt3-175b", "tokens": "6e11"})  # the app, from the same service
    assert not at.error and hz.duration(r.estimate.wall_clock_s) in [m.value for m in at.metric]


def test_gpt3_twice_as_big_keeps_its_tokens_from_its_flops():
    """Lecturer review 2026-12-01: "what if GPT-3 were twice as big?" (the parameters changed on the default preset)
    was refused for want of tokens, and the page's numbers cleared: its tokens are its FLOPs ÷ 6·N, 2.99 × 10¹¹."""
    import pytest
    from apptest_pages import shared_page

    from estimator.core.base.errors import InputError
    from estimator.services import api
    r = api.run(preset_id="gpt3-175b", params=3.5e11)
    assert r.scenario.tokens == pytest.approx(3.14e23 / (6 * 175e9))
    assert r.estimate.flops == pytest.approx(2 * 3.14e23)
    assert r.scenario.origin("tokens") == "preset:gpt3-175b" and "FLOPs ÷ (6 × its" in r.scenario.source("tokens")
    at = shared_page("estimate", {"preset": "gpt3-175b", "params": "3.5e11"})
    assert not at.error and hz.duration(r.estimate.wall_clock_s) in [m.value for m in at.metric]
    with pytest.raises(InputError, match="states no tokens to go with the parameters given"):
        api.run(preset_id="t5-11b", params=22e9)  # no decoder shape: 6·N·D does not give its tokens


def test_an_encoder_decoder_preset_does_not_take_6nd_on_its_tokens_alone(capsys):
    """T5-11B and Meena state their size, not a shape 6·N·D fits: their tokens alone are refused (review:
    T5-11B on 1T tokens gave 6.6e22 FLOPs against its published 4.05e22); with the parameters, 6·N·D is asked for."""
    import pytest

    from estimator.core.base.errors import InputError
    from estimator.services import api
    for pid in ("t5-11b", "meena"):
        with pytest.raises(InputError, match="no shape that 6·N·D fits") as info:
            api.run(preset_id=pid, tokens=1e12)
        assert info.value.fields == ("params", "tokens")
    assert api.run(preset_id="t5-11b", params=11e9, tokens=1e12).estimate.flops == pytest.approx(6.6e22)


def test_a_bound_refusal_names_the_model_or_preset_that_gave_the_parameters(capsys):
    """Neither run typed --params (review: both were told to change it)."""
    code, _, err = run(capsys, "estimate", "--model", "llama-3.1-405b", "--tokens", "1e17", "--hardware", "gtx-580")
    assert code == 2 and err.rstrip().endswith("(--model, --tokens, --utilization)")
    code, _, err = run(capsys, "estimate", "--preset", "gpt3-175b", "--tokens", "1e17", "--hardware", "k80",
                       "--devices", "1", "--utilization", "0.01")
    assert code == 2 and err.rstrip().endswith("(--preset, --tokens, --utilization)")
    code, _, err = run(capsys, "estimate", "--params", "4e11", "--tokens", "1e17", "--hardware", "gtx-580")
    assert code == 2 and err.rstrip().endswith("(--params, --tokens, --utilization)")


# A1: a grid source chosen without its country or region says what is used meanwhile -------------------

def test_a_grid_source_without_its_choice_says_which_intensity_stays():
    at = shared_page("estimate", {"workload": "params", "params": "7e9", "tokens": "2e12", "grid_by": "country"})
    assert "No country: until one is chosen, the world average, 475 gCO2e/kWh" in [x.value.replace("\\", "") for x in at.caption]
    at = shared_page("estimate", {"preset": "gpt3-175b", "grid_by": "cloud"})
    assert "No cloud region: until one is chosen, the preset's 429 gCO2e/kWh" in [x.value.replace("\\", "") for x in at.caption]
    at = shared_page("estimate", {"workload": "params", "params": "7e9", "tokens": "2e12", "region": "FRA"})
    assert not [x for x in at.caption if x.value.startswith("No country")]


# I1: the Inference page's totals with their ranges, and its result as a file --------------------------

def test_the_inference_page_shows_its_totals_with_ranges_and_exports_the_clis_json(captured_downloads, capsys):
    from apptest_pages import run_page

    from estimator.cli.main import main
    from estimator.services.serving import inference as serving
    at = run_page("inference", {"inf_model": "llama-3.1-8b", "inf_hw": "a100-sxm-80gb"})
    assert not at.error
    shown = {m.label: m.value for m in at.metric}
    rep = serving.inference_report(hardware="a100-sxm-80gb", model="llama-3.1-8b", tokens=1e9)
    r = rep.result
    n = hz.count(r.tokens)
    assert shown[f"Total energy, devices only ({n} tokens)"] == hz.energy(r.energy_kwh)  # was only in a tooltip
    assert shown[f"Total CO₂e, devices only ({n} tokens)"] == hz.co2e(r.co2e_kg)
    assert shown[f"Total time, one replica ({n} tokens)"] == hz.duration(r.estimate.wall_clock_s)
    assert shown[f"Total cost ({n} tokens)"] == hz.money(r.cost_usd)
    bars = [h.proto.body for h in at.get("html") if "cce-range" in h.proto.body]
    assert any(hz.energy(r.range["energy_kwh"][0]) in b and hz.energy(r.range["energy_kwh"][1]) in b for b in bars)
    # the page's tokens at their default are the CLI's without --tokens: the note that the totals are illustrative in
    # both (app review 2026-12-01: the page's JSON had lacked it)
    assert main(["inference", "--model", "llama-3.1-8b", "--hardware", "a100-sxm-80gb", "--format", "json"]) == 0
    assert captured_downloads["inference.json"] == capsys.readouterr().out  # byte for byte
    assert "none given, illustrative" in captured_downloads["inference.json"]
    # the cost's help says what it is priced from (review: "PUE included" on a price per device-hour)
    helps = {m.label: m.help for m in at.metric}
    assert helps[f"Total cost ({n} tokens)"] == "device-hours × the price per device-hour"
    assert helps[f"Total energy, devices only ({n} tokens)"].startswith("The devices' energy: PUE included, the host")



# The provenance facts an export states, in the JSON too (the review's remaining gap) -------------------

def test_the_json_carries_the_provenance_the_csv_repeats(capsys):
    import json
    code, out, _ = run(capsys, "estimate", "--params", "7e9", "--tokens", "2e12", "--hardware", "h100-sxm",
                       "--devices", "256", "--region", "FRA", "--format", "json")
    assert code == 0
    assert json.loads(out)["provenance"] == {"price_basis": "on-demand", "power_includes_host": True,
                                             "grid_country": "FRA", "cloud_region": None, "ewif_country": "USA",
                                             "ewif_fallback_country": "FRA"}
    code, out, _ = run(capsys, "estimate", "--flops", "1e21", "--power-w", "500", "--cloud", "gcp:europe-west1",
                       "--price-usd-per-hour", "2", "--format", "json")
    p = json.loads(out)["provenance"]
    assert code == 0 and (p["price_basis"], p["power_includes_host"]) == ("given", None)
    assert (p["grid_country"], p["cloud_region"]) == ("BEL", "gcp:europe-west1")

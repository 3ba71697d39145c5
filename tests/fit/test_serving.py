"""The serving model against the measurements: leave-one-model-out accuracy and interval coverage
(issue 13's acceptance figures, from the shipped data through the public CLI), the shipped fit,
the catalog and the measured data files, and the `inference` command's JSON keys and errors."""

from __future__ import annotations

import json

import pytest

from estimator.cli.main import main
from estimator.core.base.errors import InputError
from estimator.fit.serving_fit import cross_validate, fit, fit_params
from estimator.io import serving_data
from estimator.services.serving import accuracy as serving_accuracy


def run_json(capsys, *argv):
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_issue_13_acceptance_from_the_cli(capsys):
    doc = run_json(capsys, "validate", "--inference")
    j, t = doc["joules_per_output_token"], doc["seconds_per_output_token"]
    assert j["model"]["n"] == t["model"]["n"] == 32
    assert j["model"]["median_factor"] <= 1.35
    assert t["model"]["median_factor"] <= 1.5
    # the stated 80% ranges hold 75–90% of the models, each counted once, out of sample: what the grouped interval
    # calibrates (grouped conformal: plain conformal held TPOT 66%); and of the configurations, TPOT's 75–90% and J per
    # token's at least 75%. J per token's holds 30 of the 32 configurations (94%): the two CodeLlama models are 28 of
    # them and 27 are inside, each of the two counting once in the interval (82% of the models); 28 of 32 before
    # vllm-2024's prefill steps of their own (2026-12-01), whose figures are pinned below, over-coverage said in
    # docs/explanation/serving-model.md
    for q in (j, t):
        assert 0.75 <= q["model"]["interval_coverage_by_model"] <= 0.90
        assert 0.75 <= q["model"]["interval_coverage"]
    assert t["model"]["interval_coverage"] <= 0.90
    # the figures as they stand (re-run `python -m estimator validate --inference` to see them)
    # (J 1.16x, 28 of 32 inside, before a decode step's draw rose with its compute share, 2026-11-27; J 1.10x and TPOT
    # 1.26x, 28 and 26 of 32 inside, before vllm-2024's prompts were prefilled as steps of their own, 2026-12-01)
    assert j["model"]["median_factor"] == pytest.approx(1.08, abs=0.01)  # 1.14 before the A100's measured matmul share
    assert t["model"]["median_factor"] == pytest.approx(1.17, abs=0.01)
    assert j["model"]["interval_coverage"] == pytest.approx(30 / 32)  # 27 before the A100's measured matmul share
    assert t["model"]["interval_coverage"] == pytest.approx(27 / 32)
    # beside the baselines computed in the same run
    # (the previous model uses the training utilisation fit, so it moves when that is refitted:
    # J 2.60 and TPOT 4.46 after the H800/A800 refit; 2.64 and 4.50 after the 68-run refit;
    # 3.16 and 5.19 after the 78-run refit; 2.93 and 4.91 after the 89-run refit; its power is the
    # gpu-system fit's, so 2.81 after five measured H100 nodes joined that fit; 2.77 and 4.80 once a
    # paper's runs were held out together; 2.74 once the H100 took its own measured centre; 2.93 once the eight
    # MLPerf Training nodes left that fit: MLPerf Training results are held back)
    assert j["previous"]["median_factor"] == pytest.approx(2.93, abs=0.01)
    assert t["previous"]["median_factor"] == pytest.approx(4.80, abs=0.02)
    assert j["per_parameter_per_gpu"]["median_factor"] == pytest.approx(1.33, abs=0.01)
    for key in ("previous", "per_parameter_per_gpu", "flat_per_gpu"):
        assert j["model"]["median_factor"] < j[key]["median_factor"]
        assert t["model"]["median_factor"] < t[key]["median_factor"]
    assert len(doc["configs"]) == 32 and {c["model"] for c in doc["configs"]} == set(
        serving_accuracy.fit_document(serving_data.load_serving_fit("vllm-2024"))["data"]["models"])
    inside = [c["inside_j"] for c in doc["configs"]]
    assert sum(inside) / len(inside) == j["model"]["interval_coverage"]
    by_model = {}
    for c in doc["configs"]:
        by_model.setdefault(c["model"], []).append(c["inside_tpot"])
    assert t["model"]["interval_coverage_by_model"] == pytest.approx(
        sum(sum(v) / len(v) for v in by_model.values()) / len(by_model))


def test_validate_inference_table(capsys):
    factor = run_json(capsys, "validate", "--inference")["joules_per_output_token"]["model"]["median_factor"]
    assert main(["validate", "--inference"]) == 0
    out = capsys.readouterr().out
    for text in ("leave-one-model-out over 32 measured configurations of 6 models", "J per output token", "TPOT",
                 f"{factor:.2f}×", "previous model", "80% coverage", "CodeLlama-70b-hf"):
        assert text in out


@pytest.mark.slow  # a fresh nested leave-one-out of the training runs (about 20 s)
def test_training_validation_is_unchanged_without_the_flag(capsys, shipped_validation):
    doc = run_json(capsys, "validate")
    assert "runs" in doc and "configs" not in doc


@pytest.mark.slow  # a fresh fit of every engine, each cross-validated (about 3.5 s)
def test_shipped_fit_matches_a_fresh_fit(capsys):
    """The whole of serving_fit.json, each engine's fit and its cross-validated figures (by model and by hardware,
    the baselines beside), is what a fresh run of the fitting code gives: the one fresh computation of them."""
    assert main(["fit-serving", "--check"]) == 0
    assert ("matches a fresh fit of every engine: vllm-2024 (32 configurations), latency (50 published times), "
            "optimized-2024 (146 MLPerf results and published times), eager-2023 (4 configurations)") in capsys.readouterr().out


def test_a_stale_fit_is_reported(tmp_path, monkeypatch, capsys):
    """A shipped file that differs from the fit is named with the field (the fit here is the file as shipped,
    not a fresh one: that the two agree is the test above's)."""
    fresh = json.loads(serving_data.SERVING_FIT_PATH.read_text())
    monkeypatch.setattr(serving_accuracy, "refit", lambda: fresh)
    stale = json.loads(serving_data.SERVING_FIT_PATH.read_text())
    stale["fit"]["engine_s_per_layer"] *= 1.1
    path = tmp_path / "serving_fit.json"
    path.write_text(json.dumps(stale))
    monkeypatch.setattr(serving_data, "SERVING_FIT_PATH", path)
    assert main(["fit-serving", "--check"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "fit.engine_s_per_layer" in err and "python -m estimator fit-serving" in err


def test_the_fit_is_deterministic_and_physical():
    ms = serving_data.load_measurements()
    apart = serving_data.engine_profile("vllm-2024").prefill_steps_apart   # the engine's form, as its fit takes it
    a, b = fit_params(ms, apart), fit_params(ms, apart)
    assert a == b
    shipped = serving_data.load_serving_fit("vllm-2024")
    assert shipped.engine_s_per_layer == pytest.approx(a["engine_s_per_layer"])
    # fitted numbers in a physical range: sub-millisecond engine costs, a GPU busy longer than the roofline
    assert 1e-4 < shipped.engine_s_per_layer < 2e-3 and 1e-5 < shipped.engine_s_per_sequence < 1e-3
    assert 1e-5 < shipped.tp_s_per_allreduce < 1e-3 and 1 < shipped.busy_per_roofline_s < 5
    with pytest.raises(InputError, match="at least 2 models"):
        fit([m for m in ms if m.model == ms[0].model], prefill_steps_apart=apart)
    with pytest.raises(InputError, match="at least 3 models"):
        cross_validate([m for m in ms if "CodeLlama" in m.model], prefill_steps_apart=apart)


def test_measurements_and_their_prompt_lengths():
    ms = serving_data.load_measurements()
    assert len(ms) == 32 and len({m.model for m in ms}) == 6
    assert {m.hardware_id for m in ms} == {"a100-sxm-40gb", "h100-sxm"}
    assert {m.prompt_tokens for m in ms if m.task == "chat"} == {161.31}
    assert {m.prompt_tokens for m in ms if m.task == "code"} == {155.5}
    assert all(m.source.startswith("ML.ENERGY leaderboard") for m in ms)
    # the file is the reference data as given
    reference = serving_data.MEASUREMENTS_PATH.read_text().splitlines()
    assert reference[0].endswith(",source") and len(reference) == 33


def test_catalog():
    cat = serving_data.load_catalog()
    assert {"llama-2-7b", "llama-3.1-8b", "llama-3.1-405b", "mistral-7b", "mixtral-8x7b", "qwen2.5-72b", "gemma-7b",
            "phi-3-mini", "codellama-70b"} <= set(cat)
    assert all(m.source for m in cat.values())
    # KV bytes per token at 16 bits, as the research notes list them (2·L·KV·d_head·2)
    kib = {k: cat[k].arch.kv_bytes_per_token(16) / 1024 for k in ("llama-2-7b", "llama-2-70b", "llama-3-8b",
                                                                    "qwen2.5-7b", "gemma-2b", "gemma-7b")}
    assert kib == {"llama-2-7b": 512, "llama-2-70b": 320, "llama-3-8b": 128, "qwen2.5-7b": 56, "gemma-2b": 18,
                   "gemma-7b": 448}
    # Llama 2 7B and 13B use multi-head attention (Meta's sku_list.py is wrong there)
    assert cat["llama-2-7b"].arch.kv_heads == 32 and cat["llama-2-13b"].arch.kv_heads == 40
    assert serving_data.nearest_model(70e9).id == "llama-3-70b"
    assert serving_data.nearest_model(1e3).id == "gpt-3-125m"  # the smallest: GPT-3 Small


def test_inference_json_has_the_issue_keys(capsys):
    out = run_json(capsys, "inference", "--params", "6.74e9", "--layers", "32", "--d-model", "4096", "--heads", "32",
                   "--kv-heads", "32", "--hardware", "h100-sxm", "--devices", "1", "--batch-size", "64",
                   "--tokens-per-query", "99", "--tokens", "1e6", "--pue", "1",
                   "--engine", "vllm-2024")  # the engine ML.ENERGY measured (no longer the default, issue 54)
    for key in ("joules_per_output_token", "seconds_per_output_token", "tokens_per_s", "energy_kwh", "co2e_kg",
                "cost_usd", "wall_clock_s", "device_hours"):
        assert out[key] > 0
        lo, hi = out["range"][key]
        assert lo < out[key] < hi, key
    assert set(out["memory_gb"]) == {"weights", "kv_cache", "total"}
    assert out["memory_gb"]["weights"] == pytest.approx(13.48)
    assert out["range"]["memory_gb"] == [out["memory_gb"]["total"]] * 2
    for key in ("energy_kwh", "co2e_kg", "cost_usd"):
        lo, hi = out["range"]["per_query"][key]
        assert lo < out["per_query"][key] < hi
    assert out["energy_kwh"] == pytest.approx(1e6 * out["joules_per_output_token"] / 3.6e6)   # PUE 1
    # the measured configuration (ML.ENERGY, CodeLlama-7B on one H100 at batch 64): 0.215 J, 45.5 ms
    assert out["joules_per_output_token"] == pytest.approx(0.215, rel=0.35)
    assert out["seconds_per_output_token"] == pytest.approx(0.0455, rel=0.5)
    assert out["range_level"] == 0.8


@pytest.mark.parametrize("argv, message", [
    (["--model", "gpt-5"], "unknown model"),
    (["--model", "llama-3.1-8b", "--params", "9e9"], "are not the catalog model's"),
    (["--model", "llama-3.1-8b", "--layers", "32"], "not both"),
    (["--layers", "32"], "layers and d_model"),
    (["--params", "7e9", "--layers", "32", "--d-model", "4096", "--heads", "8", "--kv-heads", "32"], "KV heads"),
    (["--params", "7e9", "--kv-bits", "4"], "invalid choice"),
    (["--params", "7e9", "--prompt-tokens", "0"], "prompt tokens"),
    (["--params", "1e8", "--batch-size", "256", "--tokens", "1", "--tokens-per-query", "1"], "device-millisecond"),
    (["--params", "7e9", "--tokens", "1e6", "--tokens-per-query", "1e7"],
     "10⁶ tokens in all are fewer than one query's 10⁷ output tokens"),
])
def test_inference_bad_input_is_one_error_line(capsys, argv, message):
    base = ["inference", "--hardware", "a100-sxm-80gb"] + ([] if "--tokens" in argv else ["--tokens", "1e6"])
    assert main(base + argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and message in err[0]


def test_inference_table_shows_ranges(capsys):
    assert main(["inference", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--tokens", "1e9",
                 "--batch-size", "64", "--bits", "8"]) == 0
    out = capsys.readouterr().out
    for text in ("time per output token", "energy per output token", "throughput", "KV cache", " – ",
                 "saves vs baseline: 8-bit weights", "80% intervals", "serving outgrows training", "Llama 3.1 70B"):
        assert text in out


def test_the_docs_quote_the_serving_validation(capsys):
    """The serving figures of docs/explanation/serving-model.md (once the README's) are those `validate --inference` prints (no hand-typed drift)."""
    import re
    from pathlib import Path
    text = " ".join((Path(__file__).resolve().parents[2] / "docs" / "explanation" / "serving-model.md").read_text().split())
    doc = run_json(capsys, "validate", "--inference")
    j, t = doc["joules_per_output_token"], doc["seconds_per_output_token"]
    pct = "{:.0%}".format
    assert (f"J per output token is off by a median **{j['model']['median_factor']:.2f}×** (the previous "
            f"roofline-only model {j['previous']['median_factor']:.2f}×") in text
    assert (f"its 80% range holds {pct(j['model']['interval_coverage'])} of the configurations "
            f"({pct(j['model']['interval_coverage_by_model'])} with each model counted once; width "
            f"×{j['model']['interval_mean_width_factor']:.2f})") in text
    assert re.search(rf"TPOT {t['model']['median_factor']:.2f}× \({t['previous']['median_factor']:.2f}×, "
                     rf"{t['per_parameter_per_gpu']['median_factor']:.2f}×, {t['flat_per_gpu']['median_factor']:.2f}×\), "
                     rf"range holds {pct(t['model']['interval_coverage'])} \({pct(t['model']['interval_coverage_by_model'])}; "
                     rf"width ×{t['model']['interval_mean_width_factor']:.2f}\)", text)
    # review: the same check with models of one shape on one engine held out together
    g = doc["by_architecture_and_engine"]
    gj, gt = g["joules_per_output_token"]["model"], g["seconds_per_output_token"]["model"]
    assert g["n_groups"] < len({c["model"] for c in doc["configs"]})
    assert (f"{g['n_groups']} groups), the centre holds (J per output token {gj['median_factor']:.2f}×, TPOT "
            f"{gt['median_factor']:.2f}×), but the nested intervals are ×{gj['interval_mean_width_factor']:.3g} and "
            f"×{gt['interval_mean_width_factor']:.3g} wide") in text
    # the later published times no fit has seen, both engines as shipped
    later = doc["later_tpot"]
    lat_l, onl_l = later["latency"]["overall"], later["vllm-2024"]["overall"]
    assert (f"On {lat_l['model']['n']} later published times from {len(later['latency']['by_source'])} other "
            "benchmarks that no fit has seen") in text
    assert (f"the latency engine as shipped is off by a median **{lat_l['model']['median_factor']:.2f}×** (the previous "
            f"model {lat_l['previous']['median_factor']:.2f}×) and its 80% range held "
            f"**{pct(lat_l['model']['interval_coverage'])}** of them (width ×{lat_l['model']['interval_mean_width_factor']:.2f}") in text
    assert (f"vllm-2024 (the online engine) is a median {onl_l['median_predicted_over_measured']:.2f}× too slow there, its range "
            f"holding {pct(onl_l['model']['interval_coverage'])}") in text
    v = doc["vllm_later"]
    assert (f"On {v['overall']['model']['n']} later vLLM 0.5 configurations of models none of those has") in text
    assert (f"TPOT is off by a median **{v['overall']['model']['median_factor']:.2f}×**, all "
            f"{v['overall']['model']['n']} inside the 80% range (per parameter, per GPU "
            f"{v['per_parameter']['median_factor']:.2f}×; flat per GPU {v['flat']['median_factor']:.2f}×; the previous "
            f"model {v['overall']['previous']['median_factor']:.2f}×)") in text
    assert v["overall"]["model"]["interval_coverage"] == 1.0
    small = doc["independent_tpot"]["overall"]
    assert (f"finds the predicted TPOT a median **{small['median_predicted_over_measured']:.2f}×** the measured one, "
            f"and the 80% range held **{pct(small['model']['interval_coverage'])}** of them; the previous "
            f"roofline-only model, no engine at all, is off by {small['previous']['median_factor']:.2f}×") in text
    assert f"{len(doc['independent_tpot']['rows'])} published small-batch decode times" in text
    lat = doc["independent_tpot"]["latency_engine"]["overall"]["model"]
    assert (f"its TPOT is off by a median **{lat['median_factor']:.2f}×** and its 80% range held "
            f"**{pct(lat['interval_coverage'])}**") in text


def test_serving_json_lists_only_the_assumptions_it_uses():
    """Export audit: the inference JSON listed embodied-carbon and water assumptions although no serving figure
    used them. Since issue 54 it reports the embodied CO₂e and the water (per query, per token, in total, with
    ranges), so their assumptions are listed, beside figures of their own names (never inside co2e_kg)."""
    from estimator.core.footprint.total import FOOTPRINT_ASSUMPTIONS
    from estimator.services.serving import inference as serving
    d = serving.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e6).result.to_dict()
    assert set(FOOTPRINT_ASSUMPTIONS) <= set(d["assumptions"])
    assert d["embodied_co2e_kg"] > 0 and d["water_l"] > 0 and d["co2e_kg"] > 0
    assert {"power_w", "pue", "carbon_intensity_g_per_kwh"} <= set(d["assumptions"])

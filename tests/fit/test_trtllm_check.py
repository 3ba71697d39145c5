"""TensorRT-LLM's published throughput table (estimator/data/trtllm_perf_overview.csv): newer models and GPUs the
default engine was never fitted to, each row cited; the engine as shipped is checked on it, as a user's
`inference --devices N --batch-size max` would answer each run, beside the flat roofline."""

from __future__ import annotations

import math
import shutil

import pytest

from estimator.core.base.errors import DataFileError
from estimator.io.serving_data import TRTLLM_PATH, load_mlperf, load_serving_fit, load_trtllm_overview
from estimator.services.serving.trtllm_check import trtllm_check_document


def test_the_table_is_cited_newer_than_the_fit_and_read_as_published():
    rows = load_trtllm_overview()
    # TensorRT-LLM v1.0's performance overview, and its DeepSeek-R1 guide's three maximum-throughput runs (added
    # 2026-12-01)
    assert len(rows) == 189
    assert sum("perf-overview.md" in r.source for r in rows) == 186
    guide = [r for r in rows if "Best_perf_practice_on_DeepSeek-R1" in r.source]
    assert [(r.model, r.hardware_id, r.bits, r.kv_bits, r.tokens_per_s) for r in guide] == [
        ("deepseek-r1", "b200", 4, 8, 43146.2042), ("deepseek-r1", "b200", 4, 16, 36384.0838),
        ("deepseek-r1", "h200-sxm", 8, 16, 11489.2671)]
    fitted_models = {r.model for r in load_mlperf()}
    assert not {r.model for r in rows} & fitted_models     # models the engine's fit never saw
    assert {"gb200", "rtx-pro-6000-server"} <= {r.hardware_id for r in rows} - {r.hardware_id for r in load_mlperf()}
    # one cell read back: Llama 3.1 8B, H100 TP1 (FP8), 128/128: 28,312 output tokens/s
    r = next(r for r in rows if r.model == "llama-3.1-8b" and r.hardware_id == "h100-sxm"
             and (r.prompt_tokens, r.output_tokens) == (128, 128))
    assert (r.tokens_per_s, r.bits, r.tensor_parallel, r.devices) == (28312, 8, 1, 1)
    # the FP4 columns are Blackwell's
    assert {r.hardware_id for r in rows if r.bits == 4} == {"b200", "gb200", "rtx-pro-6000-server"}


@pytest.mark.parametrize(("column", "value", "says"), [
    ("citation", "", "no citation"),
    ("tokens_per_s", "-5", "must be positive"),
    ("model", "llama-9", "unknown model"),
])
def test_a_broken_row_is_refused_naming_the_file_and_line(tmp_path, column, value, says):
    import csv
    path = tmp_path / "t.csv"
    shutil.copy(TRTLLM_PATH, path)
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    rows[2][column] = value
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(DataFileError, match=rf"t\.csv: line 4\b.*{says}"):
        load_trtllm_overview(path)


def test_every_run_is_answered_as_the_cli_answers_it():
    """Each prediction is the inference a user asks for with the run's GPUs, bits and lengths (the check is of
    the tool's answer, not of a side path)."""
    from estimator import inference
    doc = trtllm_check_document()
    assert len(doc["rows"]) == 189
    assert all(math.isfinite(x["predicted_tokens_per_s"]) and x["predicted_tokens_per_s"] > 0 for x in doc["rows"])
    # the last two: DeepSeek-R1 on 8 B200s and 8 H200s, which the CLI weighs in expert parallelism too (a latent-
    # attention mixture of experts, core.serving.layout.latent_moe), as the check must (2026-12-01)
    for i in (0, 57, 120, 185, 187, 188):
        x = doc["rows"][i]
        got = inference(hardware=x["hardware"], model=x["model"], tokens=1e6, devices=x["devices"], batch_size="max",
                        bits=x["bits"], kv_bits=x["kv_bits"], prompt_tokens=x["prompt_tokens"],
                        tokens_per_query=x["output_tokens"]).to_dict()
        assert got["tokens_per_s"] == pytest.approx(x["predicted_tokens_per_s"], rel=1e-9)
        # the CLI states the engine's range; the check judges each run against the range calibrated without its
        # model's runs (fit-serving pools these runs into the stated one)
        stated = math.exp(load_serving_fit("optimized-2024").tpot_log_half_width)
        lo, hi = got["range"]["tokens_per_s"]
        assert lo == pytest.approx(x["predicted_tokens_per_s"] / stated, rel=1e-9)
        assert hi <= x["predicted_tokens_per_s"] * stated * (1 + 1e-9)
        ratio = abs(math.log(x["predicted_tokens_per_s"] / x["measured_tokens_per_s"]))
        assert x["inside"] == (ratio <= x["half_model_held_out"])


def test_the_engine_beats_the_flat_roofline_on_newer_models_and_gpus_and_its_range_holds_three_quarters():
    """As shipped: a median 1.33x off (the flat roofline 1.84x); the 80% range, calibrated with these runs pooled in
    but each run's model left out, holds 77% of them (78% with each GPU left out; 68% when MLPerf alone calibrated
    it, ×/÷1.49 against 1.58); small dense models come out slow (Llama 3.1 8B at 0.72x), Llama 3.3 70B within 1.15x.
    (1.35x before the prompts' tokens counted in the tensor-parallel all-reduces; at the table's layout 1.29x, Llama
    3.1 405B's 1.28 too fast, now 1.14.) The experts' GEMM half dimension in the device's peak rather than its
    roofline ridge (2026-11-27, the training step model's): 1.318x -> 1.332x, the range holding 144 -> 147 of 186
    each model left out (148 -> 147 each GPU), at the table's layout 1.263x -> 1.273x."""
    o = trtllm_check_document()["overall"]
    # 1.332 before the devices' measured matmul share; 1.315 before 4-bit weights were stored with MXFP4's block scales
    # (2026-11-29: the FP4 runs' batches a little smaller)
    # 1.304 before six devices' memory was taken as each reports it (hardware audit 2026-12-01: the GB200's 186 GB
    # marketed, 198.67 reported; its runs 1.32x -> 1.35x too fast)
    assert o["model"]["median_factor"] == pytest.approx(1.313, abs=0.005)
    # 1.84 and 143 (144 each GPU left out) of 186 before DeepSeek-R1's three runs (2026-12-01: 1.27x, 1.38x, 1.62x
    # too fast at the batch that serves the most, in expert parallelism; their errors pooled in move the ranges)
    assert o["baseline"]["median_factor"] == pytest.approx(1.90, abs=0.005)
    assert o["model"]["interval_coverage"] == pytest.approx(148 / 189)  # 146 before the devices' memory as reported, 147 before the devices' measured matmul share
    # (147 each GPU left out before MLPerf's power-capped results were served under their limits, 2026-11-27: 148)
    assert o["gpu_held_out"]["interval_coverage"] == pytest.approx(151 / 189)  # 152 before the memory as reported; 148, then 145 before the scales
    ds = trtllm_check_document()["by_model"]["deepseek-r1"]["model"]
    assert ds["geometric_mean_ratio"] == pytest.approx(1.41, abs=0.01) and ds["median_factor"] == pytest.approx(1.38, abs=0.01)
    # at the layout the table ran (the mixtures of experts on several GPUs in expert parallelism, as it ran them)
    assert o["at_published_layout"]["median_factor"] == pytest.approx(1.275, abs=0.005)  # 1.266 before the memory as reported, 1.273 before the devices' measured matmul share
    assert trtllm_check_document()["by_model_at_published_layout"]["llama-3.1-405b"]["geometric_mean_ratio"] == \
        pytest.approx(1.139, abs=0.005)  # 1.15 before the devices' measured matmul share
    by = trtllm_check_document()["by_model"]
    # (0.720 before MLPerf's power-capped results were served under their GPUs' limits in the fit, 2026-11-27)
    assert by["llama-3.1-8b"]["model"]["geometric_mean_ratio"] == pytest.approx(0.736, abs=0.005)  # 0.727 before the devices' measured matmul share
    assert by["llama-3.1-70b"]["model"]["median_factor"] == pytest.approx(1.163, abs=0.005)  # 1.15 before the capped rows


def test_validate_inference_prints_the_check(capsys):
    from estimator.cli.main import main
    assert main(["validate", "--inference"]) == 0
    out = capsys.readouterr().out
    o = trtllm_check_document()["overall"]
    assert "on TensorRT-LLM's published throughput, never fitted (estimator/data/trtllm_perf_overview.csv)" in out
    assert (f"Tokens/s off by a median {o['model']['median_factor']:.2f}× (geometric mean predicted ÷ measured "
            f"{o['model']['geometric_mean_ratio']:.2f}), its 80% range, calibrated without the run's model, holding "
            f"{o['model']['interval_coverage']:.0%} (without its GPU {o['gpu_held_out']['interval_coverage']:.0%})") in out
    assert "model  llama-3.1-8b" in out and "GPU    rtx-pro-6000-server" in out


def test_the_serving_docs_quote_the_check():
    """docs/explanation/serving-model.md says what the check computes (no hand-typed drift)."""
    from pathlib import Path
    text = " ".join((Path(__file__).resolve().parents[2] / "docs" / "explanation" / "serving-model.md").read_text().split())
    doc = trtllm_check_document()
    o, by = doc["overall"], doc["by_model"]
    assert (f"tokens/s off by a median **{o['model']['median_factor']:.2f}×** (geometric mean predicted ÷ measured "
            f"{o['model']['geometric_mean_ratio']:.2f}), its 80% range, calibrated without the run's model, holding "
            f"**{o['model']['interval_coverage']:.0%}** (without its GPU {o['gpu_held_out']['interval_coverage']:.0%}); "
            f"at the layout the table ran (its tensor parallelism; the mixtures of experts on several GPUs in expert "
            f"parallelism, `--ep`), {o['at_published_layout']['median_factor']:.2f}× "
            f"({o['at_published_layout']['interval_coverage']:.0%}); the flat roofline of the MLPerf check "
            f"{o['baseline']['median_factor']:.2f}×") in text
    assert (f"Llama 3.3 70B {by['llama-3.1-70b']['model']['median_factor']:.2f}× "
            f"({by['llama-3.1-70b']['model']['interval_coverage']:.0%} in range)") in text
    # the pooled range's words later on the page (audit 2026-11-28: it still said 79%, a figure from before the
    # devices' measured matmul share)
    assert ("pooled, each run checked against the range calibrated without its own model's runs, "
            f"{o['model']['interval_coverage']:.0%}") in text
    lay = doc["by_model_at_published_layout"]
    assert (f"Qwen3 235B-A22B\n(EP8) comes out {lay['qwen3-235b-a22b']['geometric_mean_ratio']:.2f}× and Qwen3 30B-A3B "
            f"(EP2–EP8, and TP1 on one GPU) {lay['qwen3-30b-a3b']['geometric_mean_ratio']:.2f}×").replace("\n", " ") in text
    assert lay["qwen3-235b-a22b"]["layouts"] == ["EP8"]
    assert f"Llama 3.1 8B {by['llama-3.1-8b']['model']['median_factor']:.2f}× (too slow: " \
           f"{by['llama-3.1-8b']['model']['geometric_mean_ratio']:.2f}×)" in text


def test_the_results_say_how_often_their_range_held_on_newer_models_and_gpus(cli):
    """The default engine's range words carry the check's coverage (fit-serving writes it beside the fit): a user
    reading an 80% range learns it held 77% of the newer runs, each model's left out of its calibration, short of
    the 80% stated."""
    import json
    doc = trtllm_check_document()
    r = cli("inference", "--model", "llama-3.1-8b", "--tokens", "1e6", "--format", "json")
    meaning = json.loads(r.out)["range_meaning"]
    share = doc["overall"]["model"]["interval_coverage"]
    assert (f"on the {len(doc['rows'])} later runs of newer models and GPUs, each model's runs left out of the "
            f"range's calibration, they held {share:.0%}, short of 80%") in meaning
    assert "TensorRT-LLM's later published runs (never fitted)" in meaning
    # the older engines, never checked there, say nothing of it
    old = json.loads(cli("inference", "--model", "llama-3.1-8b", "--tokens", "1e6", "--engine", "vllm-2024",
                         "--format", "json").out)["range_meaning"]
    assert "TensorRT-LLM's published" not in old


def test_the_serving_docs_quote_each_mlperf_models_held_out_miss(cli):
    """The per-model figures of the default engine's paragraph are the ones `validate --inference` prints."""
    import re
    from pathlib import Path
    r = cli("validate", "--inference")
    line = next(x for x in r.out.splitlines() if x.startswith("Held out by model, geometric mean"))
    got = {m: (o, s) for m, o, s in re.findall(r"(gpt-j-6b|llama-2-70b|mixtral-8x7b) Offline (\d+\.\d+), "
                                                 r"Server (\d+\.\d+)", line)}
    assert set(got) == {"gpt-j-6b", "llama-2-70b", "mixtral-8x7b"}
    text = " ".join((Path(__file__).resolve().parents[2] / "docs" / "explanation" / "serving-model.md").read_text().split())
    o, s = got["mixtral-8x7b"]
    assert f"Mixtral {o}× (Offline) and {s}× (Server) too fast" in text
    o, s = got["gpt-j-6b"]
    assert f"GPT-J {o}× and {s}×" in text
    o, s = got["llama-2-70b"]
    assert f"Llama 2 70B {o}× and {s}×" in text


def test_validate_inference_puts_the_previous_model_beside_the_small_batch_and_by_shape_figures(capsys):
    """Fit audit 2026-11-28: two figures of `validate --inference` were printed without a baseline (the default engine's
    small-batch TPOT held out by model; the vllm-2024 check held out by shape and engine). Each now has the previous
    model (weight bytes ÷ the full bandwidth) beside it, computed on the same rows; the engine beats it."""
    import json

    from estimator.cli.main import main
    from estimator.io.serving_data import SERVING_FIT_PATH
    assert main(["validate", "--inference"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    v = json.loads(SERVING_FIT_PATH.read_text(encoding="utf-8"))["optimized_engine"]["validation"]
    sb, base = v["small_batch_by_model"], v["small_batch_baseline"]
    assert sb["n"] == base["n"] == 20 and sb["median_factor"] < base["median_factor"]
    assert (f"{sb['median_factor']:.2f}× off in the median over 20 rows, beside {base['median_factor']:.2f}× for the "
            "previous model (weight bytes ÷ the full bandwidth, no engine) on the same rows") in out
    assert "; beside them the previous model (weight bytes ÷ the full bandwidth, no engine): J per output token 2.93×, " \
           "TPOT 4.80×." in out


def test_the_eager_engines_range_has_its_coverage_measured_and_said(capsys):
    """Fit audit 2026-11-28: eager-2023 stated an 80% range with no coverage reported. Held out by model on its own
    FastChat rows (nested, as vllm-2024's), its range held 3 of 4 times per output token; `validate --inference` says
    so beside the previous model and a flat figure per GPU (which is nearer on TPOT: said, not hidden), and a result's
    range words carry the share."""
    import json

    from estimator.cli.main import main
    from estimator.io.serving_data import load_engine_validation, load_serving_fit
    v = load_engine_validation("eager-2023")
    t, j = v["tpot"], v["joules_per_output_token"]
    assert (t["model"]["n"], t["model"]["interval_coverage"], j["model"]["interval_coverage"]) == (4, 0.75, 0.75)
    assert t["model"]["median_factor"] < t["previous"]["median_factor"]
    assert load_serving_fit("eager-2023").held_out_coverage == 0.75
    assert main(["validate", "--inference"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert (f"TPOT {t['model']['median_factor']:.2f}× (its 80% range holding 3 of 4, ×"
            f"{t['model']['interval_mean_width_factor']:.3g} wide), beside the previous model's "
            f"{t['previous']['median_factor']:.2f}× and a flat figure per GPU's {t['flat_per_gpu']['median_factor']:.2f}×") in out
    assert main(["inference", "--engine", "eager-2023", "--model", "llama-2-7b", "--tokens", "1e6", "--format", "json"]) == 0
    meaning = json.loads(capsys.readouterr().out)["range_meaning"]
    assert ("held out by model, each with its interval from the others' (nested), the intervals held 3 of 4 of those "
            "configurations' times per output token") in meaning


def test_the_serving_docs_quote_the_eager_engines_own_check():
    from pathlib import Path

    from estimator.io.serving_data import load_engine_validation
    text = " ".join((Path(__file__).resolve().parents[2] / "docs" / "explanation" / "serving-model.md").read_text().split())
    t = load_engine_validation("eager-2023")["tpot"]
    assert (f"its TPOT is {t['model']['median_factor']:.2f}× off and its 80% range holds "
            f"{round(t['model']['interval_coverage'] * t['model']['n'])} of {t['model']['n']}, beside the previous model's "
            f"{t['previous']['median_factor']:.2f}× and a flat figure per GPU's {t['flat_per_gpu']['median_factor']:.2f}×") in text


@pytest.mark.parametrize(("hardware", "devices", "bits"), [("h200-sxm", 16, 8), ("b200", 12, 4), ("h200-sxm", 8, 8)])
def test_a_latent_attention_moe_is_answered_as_the_cli_answers_it_across_nodes_too(hardware, devices, bits):
    """Review 2026-12-01: the check's answer for DeepSeek-R1 weighs expert parallelism as `inference --devices N` does,
    and times a group that spans scale-up domains on the network as the CLI does (16 H200s: EP8 × 2, not EP16 timed as
    inside one server)."""
    from dataclasses import replace

    from estimator import inference
    from estimator.io.serving_data import engine_profile
    from estimator.services.serving.trtllm_check import answered
    base = next(r for r in load_trtllm_overview() if r.model == "deepseek-r1" and r.hardware_id == hardware)
    r = replace(base, devices=devices, bits=bits)
    fit = load_serving_fit("optimized-2024")
    got = answered(r, fit, engine_profile("optimized-2024").max_batch)
    cli = inference(hardware=hardware, model="deepseek-r1", tokens=1e6, devices=devices, batch_size="max", bits=bits,
                    kv_bits=r.kv_bits, prompt_tokens=r.prompt_tokens, tokens_per_query=r.output_tokens).to_dict()
    assert got.tokens_per_s == pytest.approx(cli["tokens_per_s"], rel=1e-9)
    assert (got.tp, got.ep) == (cli["tp"], cli["ep"]) and got.ep > 1


def test_the_deepseek_rows_say_the_expert_parallel_layout_they_were_answered_in():
    rows = [x for x in trtllm_check_document()["rows"] if x["model"] == "deepseek-r1"]
    assert [(x["layout_chosen"], x["tp_chosen"], x["ep_chosen"]) for x in rows] == [("EP8", 1, 8)] * 3

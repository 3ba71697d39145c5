"""Prefills this project timed on an H100 and an H200 (estimator/data/measured_prefill.csv, benchmarks/gpu_prefill.py),
against the default engine's modelled prefill of the same prompt: the figures docs/explanation/serving-model.md quotes."""

from __future__ import annotations

import csv

import pytest

from estimator.core.serving.estimate import InferenceScenario, inference
from estimator.io import serving_data
from estimator.io.datafiles import DATA_DIR, default_profiles

PATH = DATA_DIR / "measured_prefill.csv"


@pytest.fixture(scope="module")
def rows():
    with PATH.open(newline="") as fh:
        return list(csv.DictReader(fh))


def modelled_prefill_s(model: str, hardware: str, prompt: int, engine: str = "optimized-2024") -> float:
    """One prompt's prefill as the engine models it: the time to the first token less the step that makes it."""
    m = serving_data.catalog_model(model)
    s = InferenceScenario(params=m.params, tokens=1e6, architecture=m.arch, batch_size=1, devices=1,
                          prompt_tokens=prompt, tokens_per_query=64)
    r = inference(s, default_profiles().get(hardware), serving_data.load_serving_fit(engine))
    return r.ttft_s - r.seconds_per_output_token


def test_the_rows_are_one_prompt_at_a_time_on_an_h100_and_an_h200(rows):
    assert [int(r["prompt_tokens"]) for r in rows] == [128, 512, 2048, 8192, 32768] * 2
    assert [(r["hardware_id"], r["run"]) for r in rows] == [("h100-sxm", "7")] * 5 + [("h200-sxm", "14")] * 5
    assert all(r["batch"] == "1" for r in rows)
    assert all("measured by this project" in r["citation"] for r in rows)


def test_short_prompts_are_bound_by_eager_launches(rows):
    """128 and 512 tokens take the same time, 27-28 ms on the H100 and 22 ms on the H200: PyTorch launching some 1,500
    kernels one by one, not the GPU's work (what engines capture as graphs); these rows say nothing of an engine's
    prefill."""
    for hardware, (lo, hi) in (("h100-sxm", (0.027, 0.028)), ("h200-sxm", (0.0215, 0.0225))):
        short = [float(r["measured_ttft_s"]) for r in rows if int(r["prompt_tokens"]) <= 512
                 and r["hardware_id"] == hardware]
        assert len(short) == 2 and max(short) / min(short) < 1.02 and lo < min(short) <= max(short) < hi


def test_from_2k_tokens_the_default_engines_prefill_is_0_80_to_0_87_of_the_eager_one(rows):
    """The modelled prefill (linear layers and attention at 0.6 of the BF16 peak) is 13-20% shorter than this eager,
    unfused PyTorch prefill on the H100, 13-18% on the H200 (the same chip, its prefill 0.97-1.00 of the H100's time):
    an engine's fused kernels lie between; the model is not slower than a plain one."""
    ratios = {(r["hardware_id"], int(r["prompt_tokens"])): modelled_prefill_s(r["model"], r["hardware_id"],
                                                                           int(r["prompt_tokens"]))
              / float(r["measured_ttft_s"]) for r in rows if int(r["prompt_tokens"]) >= 2048}
    assert {k: round(x, 2) for k, x in ratios.items()} == {
        ("h100-sxm", 2048): 0.80, ("h100-sxm", 8192): 0.83, ("h100-sxm", 32768): 0.87,
        ("h200-sxm", 2048): 0.82, ("h200-sxm", 8192): 0.85, ("h200-sxm", 32768): 0.87}
    ttft = {(r["hardware_id"], int(r["prompt_tokens"])): float(r["measured_ttft_s"]) for r in rows}
    assert [round(ttft["h200-sxm", p] / ttft["h100-sxm", p], 2) for p in (2048, 8192, 32768)] == [0.98, 0.97, 1.00]


def test_the_benchmark_writes_the_files_rows():
    """benchmarks/gpu_prefill.py's JSON → data rows in the shipped file's columns (the path its rows took)."""
    from benchmarks.gpu_decode import LLAMA3_8B
    from benchmarks.gpu_prefill import MEASURED_PREFILL_COLUMNS, data_rows
    doc = {"config": dict(LLAMA3_8B), "torch": "2.x", "device_name": "GPU", "measured_at": "2026-11-27T03:28:09Z",
           "runs": [{"prompt": 2048, "ttft_s": 0.067, "min_s": 0.066, "max_s": 0.068, "repeats": 8}]}
    [row] = data_rows(doc, "7", "h100-sxm", "measured by this project: a test")
    with PATH.open(newline="") as fh:
        assert tuple(csv.DictReader(fh).fieldnames) == MEASURED_PREFILL_COLUMNS == tuple(row)
    assert row["prompt_tokens"] == 2048 and float(row["measured_ttft_s"]) == 0.067
    assert row["citation"].endswith("device_name GPU, measured_at 2026-11-27T03:28:09Z")
    with pytest.raises(SystemExit):
        data_rows({**doc, "config": {**LLAMA3_8B, "layers": 2}}, "7", "h100-sxm", "x")


def test_the_benchmarks_refuse_what_is_not_a_length_or_a_count(capsys):
    """--prompts and --batches take whole numbers of at least 1; anything else is refused before any GPU work, exit 2
    with the reason on stderr."""
    import argparse

    from benchmarks import gpu_decode, gpu_prefill
    assert gpu_decode.positive_ints("128,2048") == [128, 2048]
    for bad in ("0,5", "x", "", "8,-1"):
        with pytest.raises(argparse.ArgumentTypeError):
            gpu_decode.positive_ints(bad)
    for main, argv in ((gpu_prefill.main, ["--prompts", "0"]), (gpu_prefill.main, ["--repeats", "0"]),
                       (gpu_decode.main, ["--batches", "1.5"])):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 2 and "error:" in capsys.readouterr().err

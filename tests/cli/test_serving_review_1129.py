"""Serving-engineer review 2026-11-29: what the inference command said of a benchmark's query, of the batch beside
the default one, of the compute fraction's name, and of a time range's unit."""

import json

from estimator.cli.main import main


def _json(capsys, *args):
    assert main(["inference", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _table(capsys, *args):
    assert main(["inference", *args]) == 0
    return capsys.readouterr().out


def test_a_benchmarks_query_lengths_are_the_benchmarks_not_given(capsys):
    """They read origin "user", source "given", where neither was passed."""
    d = _json(capsys, "--model", "gpt-oss-120b", "--hardware", "b200", "--devices", "1", "--tokens", "1e9")
    a = d["assumptions"]
    for key, value in (("prompt_tokens", 5000.0), ("tokens_per_query", 1278.2)):
        assert d[a[key]["value_at"]] == value and a[key]["origin"] == "benchmark"
        assert a[key]["source"].startswith("MLPerf's gpt-oss-120b benchmark (")
    # given, they are the user's; the plain default is the tool's
    a = _json(capsys, "--model", "gpt-oss-120b", "--hardware", "b200", "--devices", "1", "--tokens", "1e9",
              "--prompt-tokens", "100")["assumptions"]
    assert a["prompt_tokens"]["origin"] == "user" and a["tokens_per_query"]["origin"] == "benchmark"
    a = _json(capsys, "--model", "llama-3.1-8b", "--tokens", "1e9")["assumptions"]
    assert a["prompt_tokens"]["origin"] == a["tokens_per_query"]["origin"] == "default"


def test_the_default_batchs_note_names_the_layout_and_whose_limit_its_larger_batch_is(capsys):
    """"the largest batch the memory holds (751 per replica)" stood beside a layout whose memory held 39 (751 was
    another split's), and "(2,048 per replica)" was the engine's cap where the memory held 2,175."""
    out = _table(capsys, "--model", "llama-3.1-70b", "--devices", "8", "--bits", "8", "--tokens", "1e9")
    assert "largest that fits: 39)" in out
    assert ("at the largest batch the memory holds (751 per replica, at tensor parallel 2 × 4 replicas, the split "
            "with the most tokens per second there) a million output tokens cost $0.63") in out
    # an expert-parallel split in the layout row's words (serving review 2026-11-29: "at tensor parallelism 1 × 1
    # replicas" for DeepSeek-V3's expert parallel 8)
    out = _table(capsys, "--model", "deepseek-v3", "--hardware", "h200-sxm", "--tokens", "1e9")  # (12,235 before each device held whole sequences, 2026-11-29)
    assert "(12,232 per replica, at expert parallel 8 × 1 replica, the split with the most tokens per second there)" in out
    out = _table(capsys, "--model", "llama-3.1-70b", "--devices", "8", "--bits", "8", "--tokens", "1e9", "--tp", "4")
    assert ("at the engine's largest batch (2,048 per replica, its scheduler's cap; the memory holds 2,175) a million "
            "output tokens cost $0.88") in out


def test_the_compute_fraction_is_one_number_under_one_name(capsys):
    d = _json(capsys, "--model", "llama-3.1-70b", "--devices", "8", "--bits", "8", "--batch-size", "max", "--tokens", "1e9")
    assert "compute_fraction" not in d["assumptions"]
    assert d["assumptions"]["utilization"]["value_at"] == "utilization" and d["utilization"] == 0.6


def test_an_assumption_given_at_a_key_of_its_own_is_not_repeated(capsys):
    """Serving-engineer review 2026-11-29: `power_w_per_device` and `assumptions.power_w.value` were one number under
    two names, as were the device-hours, the utilisation, the query's lengths and the architecture's name."""
    d = _json(capsys, "--model", "llama-3.1-8b", "--tokens", "1e9")
    at = {name: a["value_at"] for name, a in d["assumptions"].items() if "value_at" in a}
    assert at == {"power_w": "power_w_per_device", "device_hours": "device_hours", "utilization": "utilization",
                  "prompt_tokens": "prompt_tokens", "tokens_per_query": "tokens_per_query",
                  "architecture": "architecture.name", "devices_per_replica": "tp"}
    assert all("value" not in d["assumptions"][n] for n in at)
    assert d["assumptions"]["power_w"]["source"] and d["power_w_per_device"] > 0
    assert d["assumptions"]["pue"]["value"] == 1.1  # one without a key of its own keeps its value


def test_a_time_range_is_written_in_its_figures_unit(capsys):
    out = _table(capsys, "--model", "llama-3.1-70b", "--tokens", "1e9")
    assert "1.08 years (0.686 years – 1.70 years)" in out
    out = _table(capsys, "--model", "llama-3.1-70b", "--devices", "8", "--bits", "8", "--batch-size", "max",
                 "--tokens", "1e9")
    assert "45.4 hours (28.9 hours – 71.5 hours)" in out and "the 4 replicas together, 11.4 hours (7.22 hours – 17.9 hours)" in out


def test_an_expert_parallel_layout_is_not_said_to_extrapolate_all_reduces(capsys):
    """Serving review 2026-11-29: DeepSeek-V3 over expert parallel 8 read "beyond that the all-reduce cost is
    extrapolated"; the layout has no all-reduces, its collectives are all-to-alls, which no measured configuration ran."""
    out = _table(capsys, "--model", "deepseek-v3", "--hardware", "h200-sxm", "--devices", "8", "--ep", "8",
                 "--batch-size", "64", "--engine", "vllm-2024", "--tokens", "1e9")
    assert ("expert parallel 8: the measured configurations on this chip split a model by tensor parallelism only (at "
            "most 4); the all-to-all cost is modelled, not measured") in out
    assert "all-reduce cost is extrapolated" not in out
    out = _table(capsys, "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--devices", "8", "--tp", "8",
                 "--batch-size", "64", "--engine", "vllm-2024", "--tokens", "1e9")
    assert "8 devices: the measured configurations on this chip split a model over at most 4" in out


def test_the_total_time_and_throughput_rows_read_plainly(capsys):
    """Serving review 2026-11-29: "at batch 1408, generating every token alone" (alone at a batch of 1,408?) and
    "on all 2 devices"."""
    out = _table(capsys, "--model", "llama-3.1-8b", "--tokens", "1e9", "--devices", "2", "--batch-size", "max",
                 "--hardware", "h200-sxm")
    assert "at batch 2,048, if it generated every token by itself: " in out
    assert "tokens/s (" in out and "on both devices" in out and "on all 2 devices" not in out


def test_a_draft_says_how_the_measured_speculative_steps_compare_beside_their_baseline(capsys):
    """Evidence audit 2026-11-29: with draft tokens the note quoted two published speed-ups "within 3%", with no
    baseline, where this project's measured speculative steps put the step's cost low (the speed-up high)."""
    from estimator.services.serving.measured_speculative import measured_speculative_document
    d = measured_speculative_document()
    out = _table(capsys, "--model", "llama-3.1-8b", "--tokens", "1e9", "--draft-tokens", "1")
    assert "within 3%" not in out
    said = (f"the step model put a speculative step at {d['ratio']['geometric_mean_ratio']:.2f}× the plain-step ratio "
            f"measured (geometric mean; {d['ratio']['median_factor']:.2f}× off in the median, against "
            f"{d['naive_ratio']['median_factor']:.2f}× for drafts taken as free), so on that decoder its speed-ups were "
            f"about {d['ratio']['median_factor'] - 1:.0%} too high")
    assert said in " ".join(out.split())
    assert "speculative steps this project measured" not in _table(capsys, "--model", "llama-3.1-8b", "--tokens", "1e9")


def test_an_engines_unmeasured_energy_range_is_marked_stated(capsys):
    """Evidence audit 2026-11-29: the default engine's J/token range (the wider of its time's and vllm-2024's: no device
    energy of this engine was measured) was exported and printed as an 80% prediction interval."""
    d = _json(capsys, "--model", "llama-3.1-8b", "--tokens", "1e9")
    assert d["engine"] == "optimized-2024"
    assert d["range_basis"]["joules_per_output_token"] == d["range_basis"]["energy_kwh"] == "stated"
    assert d["range_basis"]["per_query"]["co2e_kg"] == "stated" and d["range_basis"]["tokens_per_s"] == "prediction"
    assert d["range_basis"]["cost_usd"] == "prediction"  # priced per device-hour: the time's range
    out = _table(capsys, "--model", "llama-3.1-8b", "--tokens", "1e9")
    row = next(x for x in out.splitlines() if x.startswith("energy per output token"))
    assert ", stated) on the devices" in row
    # an engine whose energy was measured (ML.ENERGY), or a power given: the interval's basis as before
    measured = _json(capsys, "--model", "llama-3.1-8b", "--tokens", "1e9", "--engine", "vllm-2024")
    assert measured["range_basis"]["joules_per_output_token"] == "prediction"
    given = _json(capsys, "--model", "llama-3.1-8b", "--tokens", "1e9", "--power-w", "500")
    assert given["range_basis"]["joules_per_output_token"] == "prediction"
    import csv
    import io

    from estimator.cli.main import main
    assert main(["inference", "--model", "llama-3.1-8b", "--tokens", "1e9", "--format", "csv"]) == 0
    rows = {r["quantity"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["joules_per_output_token"]["range_basis"] == "stated" and rows["tokens_per_s"]["range_basis"] == "prediction"


def test_the_default_engines_range_meaning_quotes_its_least_by_group_coverage_too(capsys):
    """Evidence audit 2026-11-29: the meaning quoted 94% (Offline, held out by model, row by row) alone, not the 81% a
    device held out, averaged device by device, in the Server scenario."""
    import json as _j

    from estimator.io.serving_data import SERVING_FIT_PATH
    v = _j.loads(SERVING_FIT_PATH.read_text(encoding="utf-8"))["optimized_engine"]["validation"]
    least = min(v[by][s]["model"]["interval_coverage_by_model"] for by in ("by_model", "by_hardware") for s in v[by])
    d = _json(capsys, "--model", "llama-3.1-8b", "--tokens", "1e9")
    assert (f"held out by model they held 94% of its Offline results, each model's or device's averaged alike at least "
            f"{least:.0%} over both scenarios and both ways of holding out") in d["range_meaning"]
    assert f"{least:.0%}" == "81%"


def test_a_cost_per_kwh_is_stated_with_the_energy_and_the_latency_engines_energy_is_measured(capsys):
    """Review 2026-11-29: a cost priced per kWh follows the stated energy (its range was still "prediction"); the
    latency engine's energy is checked on this project's NVML decode steps, so its range is not stated; the CSV's
    training rows keep their own basis."""
    d = _json(capsys, "--model", "llama-3.1-8b", "--tokens", "1e9", "--electricity-usd-per-kwh", "0.1")
    assert d["range_basis"]["cost_usd"] == d["range_basis"]["per_query"]["cost_usd"] == "stated"
    assert d["techniques"][0]["range_basis"]["per_query"]["cost_usd"] == "stated"
    out = _table(capsys, "--model", "llama-3.1-8b", "--tokens", "1e9", "--electricity-usd-per-kwh", "0.1")
    assert ", stated)" in next(x for x in out.splitlines() if x.startswith("total cost"))
    latency = _json(capsys, "--model", "llama-3.1-8b", "--tokens", "1e9", "--engine", "latency")
    assert latency["range_basis"]["joules_per_output_token"] == "prediction"
    import csv
    import io

    from estimator.cli.main import main
    assert main(["inference", "--model", "llama-3.1-8b", "--tokens", "1e9", "--format", "csv"]) == 0
    rows = {r["quantity"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["energy_kwh"]["range_basis"] == "stated"
    assert all(r["range_basis"] != "stated" for q, r in rows.items() if q.startswith("training.") and r["low"])


def test_training_flops_below_one_tokens_training_are_refused(capsys):
    """Serving-engineer review 2026-11-29: `--train-flops 1` printed "serving outgrows training after the first query
    (training costs 5.85 × 10⁻¹⁵ of one)"; the Python API refuses it as the CLI does."""
    import pytest

    from estimator.cli.main import main
    from estimator.core.base.errors import InputError
    from estimator.services.serving.inference import inference_report
    for flops in ("1", "1e10"):
        assert main(["inference", "--model", "llama-3.1-8b", "--tokens", "1e9", "--train-flops", flops]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "fewer than one token's training of the model served (6·N = 4.82 × 10¹⁰)" in err
    with pytest.raises(InputError, match="fewer than one token's training"):
        inference_report(model="llama-3.1-8b", tokens=1e9, train_flops=1e10)
    assert inference_report(model="llama-3.1-8b", tokens=1e9, train_flops=1e24).training.flops == 1e24


def test_the_query_row_says_the_lengths_used(capsys):
    """Serving-engineer review 2026-11-29: gpt-oss-120b's MLPerf query read "1,280 output tokens" where 1,278.2 is used,
    Mixtral's "145" for 144.84."""
    for model, said in (("gpt-oss-120b", "5,000 prompt + 1,278 output tokens"),
                        ("mixtral-8x7b", "300 prompt + 144.84 output tokens"),
                        ("llama-3.1-8b", "161 prompt + 338 output tokens")):
        out = _table(capsys, "--model", model, "--hardware", "h200-sxm", "--tokens", "1e9")
        row = next(x for x in out.splitlines() if x.startswith("query")).split(None, 1)[1]
        # a benchmark's lengths say whose they are after them (serving engineer's review 2026-11-30)
        assert row == said or row.startswith(said + " (both MLPerf's ")

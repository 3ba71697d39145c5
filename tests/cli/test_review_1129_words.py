"""Two reviews of 2026-11-29 (a researcher's and a serving engineer's, each from the command line): what each found
wrong is now said or counted as the rest of the output says it."""

from __future__ import annotations

import json

import pytest

from estimator.core.base.units import S_PER_HOUR

SMALL_RUN = ("--params", "8e9", "--tokens", "1e12", "--devices", "256", "--hardware", "a100-sxm-80gb",
             "--utilization", "0.4")


def _json(cli, *argv) -> dict:
    r = cli(*argv, "--format", "json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def test_full_recomputation_is_one_answer_whichever_flag_says_it(cli):
    """`--recompute` and `--activation-recompute full` had printed 6.4 and 4.8 × 10²² FLOPs, 23.2 and 17.4 days."""
    by_flops = _json(cli, "estimate", *SMALL_RUN, "--recompute")
    by_memory = _json(cli, "estimate", *SMALL_RUN, "--activation-recompute", "full")
    assert by_flops["flops"] == by_memory["flops"] == pytest.approx(8 * 8e9 * 1e12)
    assert by_flops["wall_clock_s"] == pytest.approx(by_memory["wall_clock_s"])
    step = ("--model", "llama-3.1-8b", "--tokens", "1e12", "--devices", "256", "--hardware", "a100-sxm-80gb",
            "--zero", "1", "--micro-batch", "4", "--seq-len", "2048")
    a, b = _json(cli, "estimate", *step, "--recompute"), _json(cli, "estimate", *step, "--activation-recompute", "full")
    assert a["flops"] == b["flops"] and a["wall_clock_s"] == pytest.approx(b["wall_clock_s"])
    # where there is no 6·N·D to recount (a known run's time, a preset's own FLOPs) it changes nothing it had not
    # (diff review 2026-11-29: a known run had been refused, a published preset turned into a variant)
    known = cli("estimate", "--device-hours", "800", "--devices", "8", "--hardware", "h100-sxm", "--model",
                "llama-3.1-8b", "--activation-recompute", "full")
    assert known.code == 0, known.err
    preset = _json(cli, "estimate", "--preset", "llama-65b", "--activation-recompute", "full")
    assert preset["flops"] == _json(cli, "estimate", "--preset", "llama-65b")["flops"]
    # selective recomputation keeps the model's 6·N·D
    assert _json(cli, "estimate", *SMALL_RUN, "--activation-recompute", "selective")["flops"] == pytest.approx(
        6 * 8e9 * 1e12)


def test_a_memory_verdict_on_settings_nobody_gave_says_so_and_names_sharding(cli):
    """A known run on 1,024 H100s read "does not fit" at no ZeRO sharding, the tool's default, without a word; its hint
    named pipeline 2 only."""
    r = cli("estimate", "--model", "llama-3.1-8b", "--tokens", "15e12", "--hardware", "h100-sxm", "--devices", "1024",
            "--device-hours", "1.46e6")
    assert r.code == 0 and "does not fit" in r.out
    assert ('note: memory: no layout given, so "does not fit" is of the default settings shown (no sharding or '
            "parallelism), not of the run; choose ZeRO, tensor and pipeline parallelism to check a plan") in r.out
    assert "; ZeRO sharding over the data-parallel devices shrinks it" in r.out
    # a layout given is the user's: no such note
    given = cli("estimate", "--model", "llama-3.1-8b", "--tokens", "15e12", "--hardware", "h100-sxm", "--devices",
                "1024", "--device-hours", "1.46e6", "--zero", "0")
    assert given.code == 0 and "no layout given" not in given.out


def test_a_layout_with_experts_reads_as_the_devices_it_has():
    from estimator.core.training import plan
    from estimator.core.training.step import Layout
    words = plan.layout_words(Layout(seq_len=2048, global_batch=512, micro_batch=2, tp=2, pp=1, cp=1, ep=8, dp=256))
    assert words.startswith("TP 2 × PP 1 × DP 256, EP 8 (within DP), ZeRO-")  # 2 × 1 × 256 = 512 devices
    # with context parallelism the expert ranks are drawn from CP × DP (diff review: "CP 4 × DP 2, EP 8 (within DP)")
    words = plan.layout_words(Layout(seq_len=8192, global_batch=64, micro_batch=1, tp=4, pp=1, cp=4, ep=8, dp=2))
    assert "TP 4 × PP 1 × CP 4 × DP 2, EP 8 (within CP × DP)" in words


def test_the_plans_header_gives_the_batch_asked_and_the_best_layouts(cli):
    r = cli("plan", "--model", "llama-3.1-70b", "--tokens", "15e12", "--devices", "3072", "--seq-len", "8192")
    assert r.code == 0
    assert ("sequence 8,192, global batch 4.19 × 10⁶ tokens (the default), the best layout's 6.29 × 10⁶ (+50%: "
            "whole micro-batches)") in r.out.splitlines()[0]
    same = cli("plan", "--model", "llama-3.1-70b", "--tokens", "15e12", "--devices", "1024", "--global-batch-tokens",
               "4194304", "--seq-len", "2048")
    assert same.out.splitlines()[0].endswith("sequence 2,048, global batch 4.19 × 10⁶ tokens (given)")


def test_a_tight_plan_with_no_roomy_layout_says_every_one_is_tight(cli):
    """"no layout listed has more room" had sat beside layouts at 81.4 and 78.3 GB of 85.5 (more room, though tight).
    (DeepSeek-V3 on 1,024 H800s, the case found, has roomy layouts since its node-limited routing is counted,
    2026-11-29: Llama 3.1 70B on 16 H100s is a plan whose every layout is tight.)"""
    doc = _json(cli, "plan", "--model", "llama-3.1-70b", "--tokens", "1e12", "--devices", "16", "--hardware",
                "h100-sxm")
    totals = [row["memory_gb"]["total"] for row in doc["layouts"]]
    assert len(set(round(t, 1) for t in totals)) > 1 and min(totals) > 0.9 * doc["device_memory_gb"]
    tight = [n for n in doc["notes"] if n.startswith("memory: the best layout is tight")]
    assert len(tight) == 1 and tight[0].endswith("; every layout listed is above 90% of it too")


def test_more_stages_than_layers_names_both_flags(cli):
    r = cli("estimate", "--model", "llama-3.1-70b", "--tokens", "1e12", "--devices", "1024", "--tp", "8", "--pp", "32",
            "--vp", "4")
    assert r.code == 2 and r.err == "error: pp × vp = 128 exceeds the 80 layers (--pp, --vp)\n"


def test_a_job_smaller_than_a_batch_says_the_device_hours_are_its_share(cli):
    """1,000 tokens at batch 1,408 read "44.1 s … 2.57 × 10⁻⁵ device-hours" (0.09 s of the device) unsaid."""
    doc = _json(cli, "inference", "--model", "llama-3.1-8b", "--tokens", "1000", "--batch-size", "max")
    held_h = doc["wall_clock_s"] / S_PER_HOUR
    share = doc["device_hours"] / held_h
    assert share < 0.01
    r = cli("inference", "--model", "llama-3.1-8b", "--tokens", "1000", "--batch-size", "max")
    row = next(line for line in r.out.splitlines() if line.startswith("total time"))
    assert (f"(these tokens fill {share:.3%} of its places: the device-hours, energy and cost count their share, "
            "as a service whose other requests fill the rest bills them; the devices held for them alone "
            f"{held_h:.3g} device-hours)") in row
    full = cli("inference", "--model", "llama-3.1-8b", "--tokens", "1e6", "--batch-size", "max")
    assert "these tokens fill" not in full.out


def test_the_json_gives_the_replicas_wall_clock_beside_one_replicas(cli):
    doc = _json(cli, "inference", "--model", "llama-3.1-70b", "--tokens", "1e6", "--devices", "8", "--bits", "8",
                "--batch-size", "max")
    assert doc["replicas"] == 4
    # every replica its share of the tokens at once, and at least one query's own steps (a token served: the time per
    # token × the batch × the replicas)
    one_query_s = doc["tokens_per_query"] * doc["seconds_per_token"] * doc["batch"] * doc["replicas"]
    assert doc["replicas_wall_clock_s"] == pytest.approx(max(doc["tokens"] / doc["tokens_per_s"], one_query_s))
    assert doc["tokens"] / doc["tokens_per_s"] <= doc["replicas_wall_clock_s"] < doc["wall_clock_s"] / 3
    # its range: one replica's, scaled (both the time a token is served × tokens)
    scale = doc["replicas_wall_clock_s"] / doc["wall_clock_s"]
    assert doc["range"]["replicas_wall_clock_s"] == pytest.approx([x * scale for x in doc["range"]["wall_clock_s"]])
    table = cli("inference", "--model", "llama-3.1-70b", "--tokens", "1e6", "--devices", "8", "--bits", "8",
                "--batch-size", "max").out
    from estimator.report import humanize as hz
    assert f"the 4 replicas together, {hz.duration(doc['replicas_wall_clock_s'])}" in table


def test_a_power_limit_refused_on_a_tpu_names_the_power_to_give(cli):
    r = cli("inference", "--model", "llama-3.1-8b", "--tokens", "1e6", "--hardware", "tpu-v5p", "--power-limit-w", "300")
    assert r.code == 2 and "give the devices' power draw instead (--power-w, --power-limit-w, --hardware" in r.err


def test_a_batch_a_bound_lowered_is_said_in_the_layout_row(cli):
    r = cli("inference", "--model", "llama-3.1-8b", "--tokens", "1e6", "--ttft-ms", "12", "--batch-size", "64",
            "--devices", "4")
    row = next(line for line in r.out.splitlines() if line.startswith("layout"))
    assert row.endswith("batch 1 per replica (the largest that meets the TTFT bound, of the 64 given)")
    plain = cli("inference", "--model", "llama-3.1-8b", "--tokens", "1e6", "--batch-size", "64")
    assert next(line for line in plain.out.splitlines() if line.startswith("layout")).endswith("batch 64 per replica")


def test_a_serving_power_above_the_tdp_is_said():
    """Serving counts the devices alone: 900 W an H100 (1.29× its 700 W) had passed without a word."""
    from estimator import inference
    notes = inference(model="llama-3.1-8b", tokens=1e6, batch_size=32, power_w=900).result.notes
    said = [n for n in notes if "per device is 1.29×" in n]
    assert len(said) == 1 and "the serving energy counts the devices alone (no host)" in said[0]
    assert not [n for n in inference(model="llama-3.1-8b", tokens=1e6, batch_size=32, power_w=650).result.notes
                if "per device is" in n]
    # a TPU states a chip draw, an average a TDP is at least: 1.1× it is no sign of a wrong figure
    assert not [n for n in inference(model="llama-3.1-8b", tokens=1e6, batch_size=32, hardware="tpu-v5p",
                                     power_w=312).result.notes if "per device is" in n]


def test_a_presets_utilisation_with_the_fits_spread_says_where_that_spread_is_short():
    """Lecturer review 2026-11-29: GPT-3 on one V100 (Lambda's 0.224, with the V100 runs' spread around it) said
    nothing of that range's short coverage, which the fitted GPT-3 preset said; a preset's own range says nothing."""
    from estimator.services import api
    said = {p: [n for n in api.run(preset_id=p).estimate.notes if n.startswith("range: the time's")]
            for p in ("lambda-gpt3-v100", "gpt3-175b", "megatron-gpt3-a100")}
    assert said["lambda-gpt3-v100"] == said["gpt3-175b"] and len(said["gpt3-175b"]) == 1
    assert "of the 11 V100 runs" in said["gpt3-175b"][0] and said["megatron-gpt3-a100"] == []



def test_a_known_runs_memory_verdict_on_settings_nobody_gave_says_so_where_it_stands(capsys):
    """Researcher review 2026-11-29 (second): a finished run's Markdown read "Training memory: 139 GB … (no ZeRO
    sharding…): does not fit", the caveat in a note further down; the line itself now says whose settings they are."""
    from estimator.cli.main import main
    args = ["estimate", "--model", "llama-3.1-8b", "--tokens", "2e12", "--hardware", "h100-sxm", "--devices", "256"]
    assert main([*args, "--hours", "500", "--format", "markdown"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("Training memory: "))
    assert line.endswith("): does not fit at these settings, not the run's own (no layout given: see the notes)")
    assert main([*args, "--hours", "500", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["memory"]["of_defaults"] is True
    # a layout given: the verdict is the layout's own
    assert main([*args, "--hours", "500", "--zero", "0", "--format", "markdown"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("Training memory: "))
    assert line.endswith("): does not fit")
    assert main([*args, "--hours", "500", "--zero", "0", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["memory"]["of_defaults"] is False


def test_a_technique_that_costs_more_says_more_never_a_negative_saving(cli):
    """Contract review 2026-11-29: Mixtral 8x7B on TPU v4 at the largest batch read "$-1.2 less per million queries" on
    its 4-bit row, and without a price "-6.78 × 10⁻⁵ Wh less per query": a cost is said as more, never a negative
    amount saved."""
    doc = _json(cli, "inference", "--model", "mixtral-8x7b", "--tokens", "1e9", "--hardware", "tpu-v4",
                "--batch-size", "max")
    four = next(t for t in doc["techniques"] if t["technique"] == "quantization-4bit")
    assert four["saved_per_query"]["cost_usd"] < 0 and four["saved_per_query"]["energy_kwh"] < 0
    for extra in ((), ("--price-usd-per-hour", "0")):
        out = cli("inference", "--model", "mixtral-8x7b", "--tokens", "1e9", "--hardware", "tpu-v4", "--batch-size",
                  "max", *extra).out
        (row,) = [line for line in out.splitlines() if line.startswith("saves vs baseline: 4-bit weights")]
        assert " more per " in row and "less per" not in row and "$-" not in row and " -" not in row


def test_an_input_quoted_in_an_error_cannot_drive_the_terminal(cli):
    """Contract review 2026-11-29: `--country $'ab\\e[31mred'` (and --region, --hardware, unknown flags) was echoed to
    stderr with its escape sequence intact; control and format characters are written as their escapes."""
    for argv in (("estimate", "--flops", "1e23", "--country", "ab\x1b[31mred"),
                 ("estimate", "--flops", "1e23", "--hardware", "h\u202eevil"),
                 ("estimate", "--flops", "1e23", "--bogus\x07")):
        r = cli(*argv)
        assert r.code == 2 and r.err.startswith("error: ") and r.err.count("\n") == 1
        assert "\x1b" not in r.err and "\u202e" not in r.err and "\x07" not in r.err
    assert "'ab\\x1b[31mred'" in cli("estimate", "--flops", "1e23", "--country", "ab\x1b[31mred").err


def test_max_lowered_by_a_bound_says_so_where_the_batch_is(cli):
    """Serving review 2026-11-29: `--batch-size max` on deepseek-r1-interactive (whose benchmark sets TPOT and TTFT
    bounds) read "batch 24 per replica (the largest that meets the TPOT bound…)" with no word that max was asked for;
    a number given had read "of the 1,000 given"."""
    out = cli("inference", "--model", "deepseek-r1-interactive", "--hardware", "h200-sxm", "--devices", "8",
              "--batch-size", "max", "--tokens", "1e7").out
    (layout,) = [line for line in out.splitlines() if line.startswith("layout ")]
    assert layout.endswith("(the largest that meets the TPOT bound, where max asked for the largest the memory holds)")
    plain = cli("inference", "--model", "deepseek-r1", "--hardware", "h200-sxm", "--devices", "8", "--batch-size",
                "max", "--tokens", "1e7").out
    assert "where max asked for" not in plain


def test_a_bound_without_a_batch_says_no_word_of_the_default_batch(cli):
    """Diff review 2026-11-29: a TPOT bound with no batch had read "batch: the default, 1 …" once the bound's batch was
    no longer counted as given."""
    out = cli("inference", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--tokens", "1e6", "--tpot-ms", "9",
              "--price-usd-per-hour", "3").out
    assert "batch: the default" not in out
    plain = cli("inference", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--tokens", "1e6",
                "--price-usd-per-hour", "3").out
    assert "batch: the default" in plain

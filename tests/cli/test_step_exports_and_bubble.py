"""The step model's figures in every export of `estimate` (issue 53): CSV and Markdown carry tokens/s per device,
MFU, the layout and its 80% range where the step model timed the run, as the JSON does; a run without it keeps
its files as they were. The planner's layout, when none is given, is said; a layout given that idles in the
pipeline bubble is said, with what shrinks it (Narayanan et al. 2021: (p − 1)/(v·m)); interleaving (--vp) is
timed and refused in words where it cannot be."""

from __future__ import annotations

import csv
import io
import json

import pytest

from estimator.core.base.number_text import gfmt
from estimator.services.training import fitted_step
from estimator.services.training import plan as plan_service

LAYOUT = ("estimate", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--devices", "64", "--tp", "2",
          "--tokens", "1e12")
# DeepSeek-V3's experts over 2,048 H800s in 16 stages, the default 4M-token batch at 2,048 tokens a sequence (not
# DeepSeek-V3's own 4,096): 16 micro-batches for 16 stages
BUBBLY = ("estimate", "--model", "deepseek-v3", "--hardware", "h800", "--devices", "2048", "--pp", "16", "--ep", "64",
          "--tokens", "14.8e12", "--seq-len", "2048", "--global-batch-tokens", "4194304")  # the tool's 4M, not its 62.9M


def _json(cli, *argv):
    r = cli(*argv, "--format", "json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def _csv_rows(cli, *argv):
    r = cli(*argv, "--format", "csv")
    assert r.code == 0, r.err
    return {row["quantity"]: row for row in csv.DictReader(io.StringIO(r.out))}


def test_the_csv_carries_the_step_figures_with_their_range_and_the_layout(cli):
    step = _json(cli, *LAYOUT)["step"]
    rows = _csv_rows(cli, *LAYOUT)
    tps = rows["step_tokens_per_s_per_device"]
    assert float(tps["value"]) == pytest.approx(step["tokens_per_s_per_device"])
    assert [float(tps["low"]), float(tps["high"])] == pytest.approx(step["range"]["tokens_per_s_per_device"])
    assert tps["range_level"] == "0.8" and tps["range_basis"] == "prediction"
    mfu = rows["step_mfu"]
    assert float(mfu["value"]) == pytest.approx(step["mfu"])
    # MFU is tokens/s × FLOPs per token ÷ peak: its range is the tokens/s range in proportion
    lo, hi = step["range"]["tokens_per_s_per_device"]
    assert float(mfu["low"]) == pytest.approx(step["mfu"] * lo / step["tokens_per_s_per_device"])
    assert float(mfu["high"]) == pytest.approx(step["mfu"] * hi / step["tokens_per_s_per_device"])
    for key in ("tp", "pp", "vp", "cp", "ep", "dp", "zero", "micro_batch", "global_batch", "seq_len"):
        row = rows[f"step_{key}"]
        assert float(row["value"]) == step["layout"][key] and row["range_basis"] == "exact", key
    assert (rows["step_tp"]["value"], rows["step_dp"]["value"]) == ("2.0", "32.0")
    # the operational rows are those of every file, first
    assert list(rows)[:7] == ["flops", "time_flops", "wall_clock_s", "device_hours", "energy_kwh", "co2e_kg", "cost_usd"]


def test_the_markdown_carries_the_step_figures_the_layout_and_the_range(cli):
    step = _json(cli, *LAYOUT)["step"]
    r = cli(*LAYOUT, "--format", "markdown")
    assert r.code == 0
    lo, hi = step["range"]["tokens_per_s_per_device"]
    line = next(x for x in r.out.splitlines() if x.startswith("Step model: ") and "tokens/s per device" in x)
    assert line.startswith(f"Step model: {gfmt(step['tokens_per_s_per_device'], 3)} tokens/s per device "
                           f"(80% range {gfmt(lo, 3)}–{gfmt(hi, 3)})")
    # only --tp given: the rest the tool's defaults, said (researcher review 2026-11-28: "given" for the whole layout)
    assert f"MFU {step['mfu']:.1%}" in line and "layout (TP 2 given, the rest the tool’s defaults)" in line
    assert "TP 2 × PP 1 × DP 32" in line and step["layout_parts_given"] == "TP 2"
    whole = _json(cli, *LAYOUT, "--pp", "1", "--zero", "0", "--micro-batch", "1")["step"]
    assert whole["layout_chosen_by"] == "given" and whole["layout_parts_given"] == ""   # every part given: as given


def test_a_run_without_the_step_model_has_no_step_rows(cli):
    rows = _csv_rows(cli, "estimate", "--flops", "1e23", "--hardware", "a100-sxm-80gb", "--devices", "64")
    assert not [k for k in rows if k.startswith("step_")]
    r = cli("estimate", "--flops", "1e23", "--hardware", "a100-sxm-80gb", "--devices", "64", "--format", "markdown")
    assert "Step model:" not in r.out


def test_without_a_layout_the_planners_best_is_assumed_and_said(cli):
    argv = ("estimate", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--devices", "64", "--tokens", "1e12")
    d = _json(cli, *argv)
    assert d["step"]["layout_chosen_by"] == "planner"
    assert any("no layout given: the planner's best on 64 devices is assumed" in n for n in d["notes"])
    table = cli(*argv).out
    assert "note: time from the step model: no layout given: the planner's best on 64 devices is assumed" in table
    assert "layout (the planner’s best)" in table
    # the layout it assumed is one `plan` ranks first
    best = plan_service.plan(model="llama-3.1-8b", hardware="h100-sxm", devices=64, tokens=1e12).best
    assert d["step"]["layout"] == best.to_dict()["layout"]


def test_the_step_json_holds_the_cross_validated_figures_beside_the_baseline(cli):
    cv = _json(cli, *LAYOUT)["step"]["range"]["cross_validated"]
    doc = fitted_step.cross_validated()
    assert cv["step_model"]["median_factor"] == doc["step_model"]["median_factor"]
    assert cv["baseline"]["median_factor"] == doc["flat_mfu_baseline"]["median_factor"]
    assert cv["step_model"]["median_factor"] < cv["baseline"]["median_factor"]
    note = next(n for n in _json(cli, *LAYOUT)["notes"] if n.startswith("time from the step model"))
    assert f"×{doc['flat_mfu_baseline']['median_factor']:.3g}" in note and "flat MFU" in note


def test_a_layout_that_idles_in_the_bubble_is_said_with_the_fixes(cli):
    d = _json(cli, *BUBBLY)
    lay = d["step"]["layout"]
    m = lay["global_batch"] / (lay["dp"] * lay["micro_batch"])
    assert (lay["pp"], m) == (16, 16)
    note = next(n for n in d["notes"] if n.startswith("pipeline bubble:"))
    assert "15/16 of the compute time" in note and "Narayanan et al. 2021" in note
    share = d["step"]["parts"]["bubble_s"] / d["step"]["seconds"]
    assert f"{share:.0%} of the step" in note and f"MFU {d['step']['mfu']:.1%}" in note
    assert "a larger global batch (16,777,216 tokens" in note and "interleaved stages (vp 2" in note
    assert "fewer pipeline stages (pp)" in note
    # the fixes it names do what it says: 4 × the batch and interleaving both raise the MFU, and end the note
    bigger = _json(cli, *BUBBLY[:-2], "--global-batch-tokens", "16777216")  # an option is given once
    interleaved = _json(cli, *BUBBLY, "--vp", "2")
    assert f"MFU {bigger['step']['mfu']:.1%})" in note and f"MFU {interleaved['step']['mfu']:.1%})" in note
    assert bigger["step"]["mfu"] > d["step"]["mfu"] and interleaved["step"]["mfu"] > d["step"]["mfu"]
    assert not [n for n in bigger["notes"] + interleaved["notes"] if n.startswith("pipeline bubble:")]
    assert interleaved["step"]["layout"]["vp"] == 2
    # halved, but for the micro-batch's own time, whose pipeline sends double with the chunks
    assert interleaved["step"]["parts"]["bubble_s"] == pytest.approx(d["step"]["parts"]["bubble_s"] / 2, rel=0.02)
    assert "note: pipeline bubble:" in cli(*BUBBLY).out


def test_a_small_bubble_and_the_planners_layout_have_no_bubble_note(cli):
    assert not [n for n in _json(cli, *LAYOUT)["notes"] if "bubble" in n]
    # 4 stages, 64 micro-batches: 3/64 of the compute time
    d = _json(cli, "estimate", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--devices", "64", "--pp", "4",
              "--tokens", "1e12")
    assert not [n for n in d["notes"] if n.startswith("pipeline bubble:")]


@pytest.mark.parametrize("extra, needle", [
    (("--vp", "2"), "needs two or more pipeline stages"),
    # 12 sequences on 4 replicas: 3 micro-batches each, not a multiple of the stages (a batch the layout holds whole:
    # 6,144 tokens, 3 sequences rounded to 4, is refused for the batch itself since 2026-12-02)
    (("--pp", "2", "--vp", "2", "--global-batch-tokens", "24576", "--seq-len", "2048"), "a multiple of the 2 pipeline stages"),
    (("--pp", "2", "--vp", "2.5"), "must be a whole number"),
    (("--pp", "2", "--vp", "0"), "vp"),
])
def test_interleaving_that_cannot_be_is_refused_in_one_line(cli, extra, needle):
    r = cli("estimate", "--model", "llama-3.1-8b", "--devices", "8", "--tokens", "1e12", *extra)
    assert r.code == 2 and r.err.startswith("error: ") and r.err.count("\n") == 1 and not r.out, r
    assert needle in r.err and "--vp" in r.err

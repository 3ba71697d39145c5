"""Researcher review 2026-12-02: what the layout flags' help says a bare model runs, and the CSV's FLOPs beside the
utilisation that times the run."""

from __future__ import annotations

import csv
import io

import pytest

RECOMPUTED = ("estimate", "--model", "llama-3.1-8b", "--tokens", "1e12", "--hardware", "h100-sxm", "--devices", "64",
              "--zero", "1", "--activation-recompute", "full", "--format", "csv")


@pytest.mark.parametrize("flag", ["--tp", "--pp", "--cp", "--ep", "--zero", "--micro-batch", "--activation-recompute"])
def test_a_layout_flags_help_says_a_bare_model_takes_the_planners_best(cli, flag):
    """`estimate --help` had said "(default 1)" alone, where a catalog model with no layout flag runs the planner's best
    (TP 4, ZeRO-3, micro-batch 8 and full recomputation in the review's run)."""
    code, out, _ = cli("estimate", "--help")
    assert code == 0
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(flag + " "))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip().startswith("--"))
    text = " ".join(line.strip() for line in lines[start:end])
    assert "where another layout flag is given" in text and "the planner's best layout" in text, text


def test_the_csv_gives_the_flops_its_utilisation_is_a_share_of(cli):
    """With full recomputation the `flops` row is what the devices execute (8·N·D) and the utilisation a share of the
    model's 6·N·D: the file's own rows now give the time it states (the review multiplied flops by utilisation and got
    1.33× the time)."""
    code, out, _ = cli(*RECOMPUTED)
    assert code == 0
    rows = {r["quantity"]: r for r in csv.DictReader(io.StringIO(out))}
    executed, counted = float(rows["flops"]["value"]), float(rows["time_flops"]["value"])
    assert executed / counted == pytest.approx(4 / 3, rel=0.02)  # 8·N·D over 6·N·D, attention aside
    r = rows["wall_clock_s"]
    peak, util, devices = float(r["peak_flops_per_s"]), float(r["utilization"]), float(r["devices"])
    assert counted / (peak * util * devices) == pytest.approx(float(r["value"]), rel=1e-6)
    assert rows["time_flops"]["low"] == rows["time_flops"]["high"] == rows["time_flops"]["value"]


def test_without_recomputation_the_two_flops_rows_agree(cli):
    code, out, _ = cli("estimate", "--preset", "gpt3-175b", "--format", "csv")
    assert code == 0
    rows = {r["quantity"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["time_flops"]["value"] == rows["flops"]["value"] == "3.14e+23"

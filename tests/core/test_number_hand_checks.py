"""The hand-check audit's and the code audit's findings on the numbers, each held: a fitted utilisation
applied at another precision says so, and what the JSON says is enough to give its time back."""

from __future__ import annotations

import pytest

from estimator.core.base.number_text import gfmt
from estimator.core.training.estimate import estimate
from estimator.core.workload.scenario import Scenario
from estimator.io.datafiles import default_profiles

PROFILES = default_profiles().profiles


@pytest.mark.parametrize("precision, ratio", [("fp32", "0.0625×"), ("tf32", "0.5×")])
def test_a_fitted_utilisation_at_another_precision_says_whose_peak_it_shares(precision, ratio):
    """The fit measures runs against the bf16 peak; at fp32 the A100's time is 16× the bf16 one (audit: with no
    word of it). The time is the same share of the other peak, and the note names both peaks."""
    p = PROFILES["a100-sxm-80gb"]
    bf16 = estimate(Scenario(flops=1e21, devices=8), p)
    other = estimate(Scenario(flops=1e21, devices=8, precision=precision), p)
    assert other.utilization.value == pytest.approx(bf16.utilization.value)
    assert other.wall_clock_s == pytest.approx(bf16.wall_clock_s * p.peak() / p.peak(precision))
    note = next(n for n in other.notes if "share of the bf16 peak" in n)
    assert note.startswith(f"the utilisation ({other.utilization.short}) is a share of the bf16 peak")
    assert f"applied to the {precision} peak ({ratio} the bf16 peak)" in note
    assert not any("share of the bf16 peak" in n for n in bf16.notes)
    given = estimate(Scenario(flops=1e21, devices=8, precision=precision, utilization=0.3), p)  # the user's own share
    assert not any("share of the bf16 peak" in n for n in given.notes)


def test_the_rule_at_another_precision_is_named_as_the_rule():
    """Hardware without runs takes the 30% rule, not a fit: the note names it as it is (review: it read "the fitted
    utilisation … the runs' own" for the B200 at fp8)."""
    e = estimate(Scenario(flops=1e21, devices=8, precision="fp8"), PROFILES["b200"])
    note = next(n for n in e.notes if "of the bf16 peak" in n)
    # at fp8 the rule's share of the bf16 peak is taken × the step fit's FP8 share (2026-12-01)
    b200 = PROFILES["b200"]
    share = b200.utilization.low_precision.pace / (b200.peak("fp8") / b200.peak())
    assert note.startswith(f"the utilisation (30% rule (no runs)) is 0.3 of the bf16 peak, as the rule for devices "
                           f"without runs takes it, taken × {gfmt(share, 3)} at fp8: {0.3 * share:.3g} of the fp8 peak")
    assert "fitted on" not in note and "runs behind it" not in note


def test_a_grid_intensity_codecarbon_ships_out_of_bounds_is_left_out(monkeypatch, tmp_path):
    """A CodeCarbon row whose intensity is not a finite number within the hand-given bound carries none: it is
    left out as a row without a number is (code audit: ``inf`` was taken, and the refusal then blamed the
    user's --region). Rows in bounds, 0 and the bound's top included, are kept."""
    import json

    from estimator.core.base import bounds as B
    from estimator.io import carbon_data, datafiles
    (tmp_path / "private_infra").mkdir()
    (tmp_path / "cloud").mkdir()
    mix = {"AAA": {"country_name": "Ok", "carbon_intensity": 300.5, "year": 2023},
           "BBB": {"country_name": "Zero", "carbon_intensity": 0, "year": 2023},
           "CCC": {"country_name": "Top", "carbon_intensity": B.CARBON_INTENSITY_G_PER_KWH.high, "year": 2023},
           "DDD": {"country_name": "Inf", "carbon_intensity": float("inf"), "year": 2023},
           "EEE": {"country_name": "Neg", "carbon_intensity": -1, "year": 2023},
           "FFF": {"country_name": "Bool", "carbon_intensity": True, "year": 2023},
           "GGG": {"country_name": "Huge", "carbon_intensity": 1e6, "year": 2023}}
    (tmp_path / "private_infra" / "global_energy_mix.json").write_text(json.dumps(mix))
    (tmp_path / "cloud" / "impact.csv").write_text(
        "provider,providerName,offsetRatio,region,impact,country_name,countryIsoCode,state,city\n"
        "gcp,Google,1,ok-1,120,Ok,AAA,,City\ngcp,Google,1,nan-1,nan,Ok,AAA,,City\n"
        "gcp,Google,1,inf-1,inf,Ok,AAA,,City\ngcp,Google,1,text-1,n/a,Ok,AAA,,City\n")
    monkeypatch.setattr(carbon_data, "codecarbon_data_dir", lambda: tmp_path)
    datafiles.load_carbon_data.cache_clear()
    try:
        data = datafiles.load_carbon_data()
    finally:
        datafiles.load_carbon_data.cache_clear()
    assert {k: v[1] for k, v in data.countries.items()} == {"AAA": 300.5, "BBB": 0.0, "CCC": B.CARBON_INTENSITY_G_PER_KWH.high}
    assert {k: v[0] for k, v in data.cloud.items()} == {("gcp", "ok-1"): 120.0}


def _cli(capsys, *argv):
    from estimator.cli.main import main
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_csv_has_the_same_rows_a_quantity_not_known_with_empty_cells(capsys):
    """The brain has no price and no embodied CO₂e, a known run no FLOPs: each keeps its row, empty (CLI audit: a
    missing cost kept its row and a missing embodied CO₂e lost its own), so a script reads one shape."""
    import csv
    import io
    shapes = {}
    for argv in (("--flops", "1e22", "--hardware", "brain"), ("--preset", "gpt3-175b"),
                 ("--preset", "resnet50-imagenet"), ("--flops", "1e22", "--no-embodied")):
        code, out, _ = _cli(capsys, "estimate", *argv, "--format", "csv")
        assert code == 0
        table = list(csv.DictReader(io.StringIO(out)))
        shapes[argv] = [r["quantity"] for r in table]
        if argv[-1] == "brain":
            by = {r["quantity"]: r for r in table}
            assert by["embodied_co2e_kg"]["value"] == by["cost_usd"]["value"] == ""
            assert by["embodied_co2e_kg"]["range_basis"] == ""
    assert len({tuple(s) for s in shapes.values()}) == 1, shapes
    assert "embodied_co2e_kg" in next(iter(shapes.values()))


def test_examples_per_epoch_are_a_whole_number(capsys):
    """Examples are counted, as devices and layers are (CLI audit: 1.5 examples was answered); epochs may be 1.5."""
    code, _, err = _cli(capsys, "estimate", "--forward-flops", "4e9", "--examples", "1.5", "--epochs", "1")
    assert code == 2 and err.strip() == "error: examples must be a whole number, got 1.5 (--examples)"
    code, out, _ = _cli(capsys, "estimate", "--forward-flops", "4e9", "--examples", "1e6", "--epochs", "1.5",
                        "--format", "json")
    assert code == 0
    import json
    assert json.loads(out)["flops"] == pytest.approx(3 * 4e9 * 1e6 * 1.5)


def test_sharegpts_mean_prompt_has_one_home():
    """The default query's prompt and the serving fit's chat prompt are one figure, ShareGPT's mean (code audit:
    161 and 161.31 were typed apart): the default is its whole-token rounding."""
    from estimator.core.serving import estimate as inference
    from estimator.io.serving_data import TASK_PROMPT_TOKENS
    assert TASK_PROMPT_TOKENS["chat"][0] == inference.SHAREGPT_MEAN_PROMPT_TOKENS == 161.31
    assert inference.DEFAULT_PROMPT_TOKENS == round(inference.SHAREGPT_MEAN_PROMPT_TOKENS) == 161
    assert inference.DEFAULT_TOKENS_PER_QUERY == round(inference.SHAREGPT_MEAN_OUTPUT_TOKENS) == 338


@pytest.mark.parametrize("flag, kind, value", [("--budget-usd", "usd", 1e6), ("--budget-kwh", "kwh", 1e6),
                                               ("--budget-tco2e", "tco2e", 100.0)])
def test_a_budgets_json_names_its_unit_in_each_key(capsys, flag, kind, value):
    """budget_usd and usd_per_flop, not one "budget" whose unit changed with the flag (CLI audit); the price per FLOP
    times the FLOPs bought is the budget."""
    import json
    code, out, _ = _cli(capsys, "scaling", "chinchilla", flag, f"{value:g}", "--hardware", "h100-sxm", "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["budget_kind"] == kind and d[f"budget_{kind}"] == value and "budget" not in d and "per_flop" not in d
    assert d[f"{kind}_per_flop"] * d["flops"] == pytest.approx(value, rel=1e-6)


def test_how_it_was_computed_reads_the_flops_rule_from_the_estimate_not_from_words():
    """The first step's formula comes from ``Estimate.flops_per_param_token`` (code audit: it looked for "8·N·D" in
    the FLOPs' source, so a given count whose source quoted 8·N·D was shown as derived)."""
    from estimator.report.explain import steps
    p = PROFILES["h100-sxm"]
    first = {}
    for name, s in (("6", Scenario(params=7e9, tokens=1e12)), ("8", Scenario(params=7e9, tokens=1e12, recompute=True)),
                    ("given", Scenario(flops=5.6e22, flops_source="8·N·D from the paper's own count"))):
        e = estimate(s, p)
        first[name] = (e.flops_per_param_token, steps(e)[0].formula)
    assert first == {"6": (6.0, "C = 6·N·D (dense transformer)"), "8": (8.0, "C = 8·N·D (with activation recomputation)"),
                     "given": (None, "C = given")}


@pytest.mark.parametrize("column, text", [("train_flops", "nan"), ("accelerator_hours", "-5"), ("tokens", "2.1e12x")])
def test_a_published_run_whose_number_does_not_read_is_refused_by_run_and_column(monkeypatch, tmp_path, column, text):
    """published_runs.csv as epoch_training_runs.csv: a typo, a NaN or a negative is refused by file, run and column
    (review: "nan" passed and a typo was read as missing)."""
    import csv
    import re

    from estimator.core.base.errors import DataFileError
    from estimator.io import datafiles
    with datafiles.PUBLISHED_RUNS_PATH.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0][column] = text
    bad = tmp_path / datafiles.PUBLISHED_RUNS_PATH.name
    with bad.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    monkeypatch.setattr(datafiles, "PUBLISHED_RUNS_PATH", bad)
    datafiles.load_published_runs.cache_clear()
    try:
        with pytest.raises(DataFileError, match=rf"published_runs.csv, run '{re.escape(rows[0]['run'])}': {column} = "
                                                rf"'{re.escape(text)}' is not a positive number"):
            datafiles.load_published_runs()
    finally:
        datafiles.load_published_runs.cache_clear()

"""Issue 9: a fitted utilisation judged out of sample, calibrated intervals, honest validation.

Every figure is computed here from the shipped data files and the project's own code."""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from estimator.core.hardware.utilization_model import Spec
from estimator.fit.utilization_cv import BASELINE_UTILIZATION, cross_validate
from estimator.fit.utilization_fit import TrainingRun, conformal_multiplier, fit, select_and_fit
from estimator.io.datafiles import (
    DATA_DIR,
    default_profiles,
    load_utilization_model,
    load_validation_document,
)
from estimator.services.accuracy import utilization as accuracy
from estimator.services.accuracy.fit_check import stale_fields
from estimator.services.training import runs as runs_data

# The shipped cross-validation (what the app shows). The slow tests below check that it is what a
# fresh nested leave-one-out of the shipped data gives (20 s), so these figures are the code's own.
DOC = load_validation_document()


def test_cross_validated_fit_is_reported_beside_the_30_percent_rule_on_every_run_the_project_holds():
    summary = DOC["summary"]["all"]
    model, base = summary["model"], summary["baseline"]
    assert model["n_runs"] == base["n_runs"] >= 75
    # the rule is computed beside it on the same runs: recompute it from the runs themselves
    factors = [max(r.goodput / BASELINE_UTILIZATION, BASELINE_UTILIZATION / r.goodput) for r in runs_data.training_runs().runs]
    assert base["median_factor"] == pytest.approx(float(np.median(factors)))
    assert DOC["ratio_to_baseline"] == pytest.approx(model["median_factor"] / base["median_factor"])
    # measured: 1.25× against 1.28× (ratio 0.98) over 78 runs (1.18× against 1.30×, ratio 0.90, over
    # the 68 runs held before ten primary-source runs were added by a rule fixed in advance)
    assert DOC["ratio_to_baseline"] < 1.0
    assert model["share_within_1.35x"] >= base["share_within_1.35x"]


@pytest.mark.xfail(strict=True, reason=f"issue 9's target (ratio <= 0.85) is not met: {DOC['ratio_to_baseline']:.2f} "
                                         f"over {DOC['summary']['all']['model']['n_runs']} runs")
def test_issue_9_target_the_fit_is_15_percent_better_than_the_rule():
    assert DOC["ratio_to_baseline"] <= 0.85


def test_80_percent_interval_covers_between_75_and_90_percent_and_its_width_is_reported():
    model = DOC["summary"]["all"]["model"]
    assert DOC["interval_level"] == 0.8
    assert 0.75 <= model["interval_coverage"] <= 0.90
    assert 1.5 < model["interval_mean_width_factor"] < 4.0
    no_year = DOC["without_year"]
    assert 0.75 <= no_year["interval_coverage"] <= 0.90
    assert no_year["ratio_to_baseline"] < 1.0


def test_every_family_is_reported_with_its_own_figures():
    fams = {r["family"] for r in DOC["runs"]}
    assert fams == set(DOC["summary"]) - {"all"} >= {"a100", "h100", "v100", "tpu-v3"}
    for fam in fams:
        m = DOC["summary"][fam]["model"]
        assert m["n_runs"] == sum(r["family"] == fam for r in DOC["runs"])
        assert 0 <= m["interval_coverage"] <= 1 and m["median_factor"] >= 1


@pytest.mark.slow
def test_validation_never_sees_the_held_out_run():
    """Changing a run's published device-hours must not change its own out-of-sample prediction."""
    runs = list(runs_data.training_runs().runs)[:25]
    before = cross_validate(runs)
    # one run alone in its family (held out, its family has no run left: the pooled fit)
    alone = [i for i, r in enumerate(runs) if sum(o.family == r.family for o in runs) == 1]
    assert alone
    for i in (0, 7, 19, alone[0]):
        changed = list(runs)
        changed[i] = replace(runs[i], device_hours=runs[i].device_hours * 3.0)
        after = cross_validate(changed)
        for a, b in ((after.model[i], before.model[i]), (after.model_without_year[i], before.model_without_year[i])):
            assert (a.predicted_goodput, a.low_goodput, a.high_goodput) == pytest.approx(
                (b.predicted_goodput, b.low_goodput, b.high_goodput), rel=1e-9)
            assert a.spec == b.spec  # the candidate chosen for it
        # and the change does reach the other runs' predictions (the test can fail)
        assert any(abs(a.predicted_goodput - b.predicted_goodput) > 1e-6
                   for j, (a, b) in enumerate(zip(after.model, before.model)) if j != i)


def test_held_out_by_developer_is_reported_beside_the_rule():
    """A lab the data does not hold: every developer's runs left out together. Measured: 1.31×
    against the rule's 1.28× (ratio 1.03), coverage 83%: no better than the rule for a new lab. Since
    issue 53 the range is calibrated on the Epoch rows, so the curated runs are over-covered: 91% overall."""
    bd = DOC["by_developer"]
    runs = runs_data.training_runs().runs
    assert bd["n_developers"] == len({r.developer for r in runs}) >= 20
    m, b = bd["summary"]["all"]["model"], bd["summary"]["all"]["baseline"]
    assert b == DOC["summary"]["all"]["baseline"]  # the same rule on the same runs
    assert bd["ratio_to_baseline"] == pytest.approx(m["median_factor"] / b["median_factor"])
    assert 0.75 <= m["interval_coverage"] <= 0.95
    assert "leave-one-group-out" in bd["method"]


@pytest.mark.slow
def test_grouped_validation_never_sees_the_held_out_group():
    """Changing any run of run i's group must not move run i's prediction; with every run its
    own group, the grouped code path is plain nested leave-one-out."""
    runs = list(runs_data.training_runs().runs)[:20]
    groups = ["a" if k in (2, 5, 11) else str(k) for k in range(len(runs))]
    before = cross_validate(runs, groups=groups)
    for j in (5, 11):
        changed = list(runs)
        changed[j] = replace(runs[j], device_hours=runs[j].device_hours * 4.0)
        after = cross_validate(changed, groups=groups)
        a, b = after.model[2], before.model[2]
        assert (a.predicted_goodput, a.low_goodput, a.high_goodput) == pytest.approx(
            (b.predicted_goodput, b.low_goodput, b.high_goodput), rel=1e-9)
        assert a.spec == b.spec
        assert after.model[0].predicted_goodput != pytest.approx(before.model[0].predicted_goodput, rel=1e-9)
    plain, singletons = cross_validate(runs), cross_validate(runs, groups=[str(k) for k in range(len(runs))])
    assert [r.predicted_goodput for r in plain.model] == [r.predicted_goodput for r in singletons.model]
    assert plain.method == "nested leave-one-out" and before.method == "nested leave-one-group-out"


@pytest.mark.parametrize("groups, problem", [
    (lambda n: ["a"] * (n - 1), "labels for"),
    (lambda n: ["a"] * n, "every run needs runs from other groups"),
])
def test_grouped_validation_refuses_groups_that_do_not_fit_the_runs(groups, problem):
    from estimator.core.base.errors import InputError
    runs = list(runs_data.training_runs().runs)[:8]
    with pytest.raises(InputError, match=problem):
        cross_validate(runs, groups=groups(len(runs)))


def test_every_run_names_its_developer_and_a_run_without_one_is_refused():
    from estimator.core.base.errors import DataFileError
    assert all(r.developer for r in runs_data.training_runs().runs)
    rows = runs_data.read_epoch_rows()
    rows[0] = {**rows[0], "developer": " "}
    with pytest.raises(DataFileError, match="no developer"):
        runs_data.build_runs(rows, (), runs_data._profiles_without_fit())


@pytest.mark.parametrize("column, text", [("train_flops", "3.1e2x"), ("chip_hours", "nan"), ("chip_hours", "-5"),
                                          ("year", "20l9"), ("accelerators", "inf")])
def test_a_run_whose_number_does_not_read_is_refused_by_run_and_column(column, text):
    """A typo is refused by its file, run and column (code audit: it read as missing, dropping the run or its year
    unseen), and so is a number that is not finite and positive (a NaN or negative chip-hours reached the fit)."""
    from estimator.core.base.errors import DataFileError
    rows = runs_data.read_epoch_rows()
    i = next(i for i, r in enumerate(rows) if r.get("flagged", "").strip().lower() != "yes")
    rows[i] = {**rows[i], column: text}
    with pytest.raises(DataFileError, match=rf"epoch_training_runs.csv, run '{re.escape(rows[i]['run'])}': {column} = "
                                            rf"'{re.escape(text)}' is not a positive number"):
        runs_data.build_runs(rows, (), runs_data._profiles_without_fit())
    if column in ("year", "accelerators"):  # an empty cell is "not known", not an error
        rows[i] = {**rows[i], column: ""}
        assert rows[i]["run"] in {r.name for r in runs_data.build_runs(rows, (), runs_data._profiles_without_fit()).runs}


@pytest.mark.parametrize("tty", [True, False])
def test_validate_prints_the_shipped_cross_validation_without_recomputing_it(capsys, monkeypatch, tty):
    """`validate` prints the nested cross-validation as `fit-utilization` computed it (the shipped document, held to a
    fresh run by test_the_shipped_cross_validation_is_a_fresh_one_and_the_app_reads_it and by `fit-utilization
    --check`), so it recomputes nothing and, done in seconds, says nothing on stderr, on a terminal or not."""
    from estimator.cli.main import main
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)

    def cross_validation() -> dict:
        raise AssertionError("validate recomputed the cross-validation")
    monkeypatch.setattr(accuracy, "validation_document", cross_validation)
    assert main(["validate", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    # the tool first, as in every JSON the CLI prints (issue 55), then the shipped document and the step model's
    # cross-validated figures beside it (issue 53)
    from estimator.report.provenance import tool_info
    from estimator.services.training import fitted_step
    from estimator.services.training.later_layouts import later_layouts_document
    from estimator.services.training.measured_steps import measured_steps_document
    from estimator.services.training.whole_runs import whole_runs_document
    assert json.loads(out) == {"tool": tool_info(), **DOC, "step_model": fitted_step.cross_validated(),
                               "measured_training_steps": json.loads(json.dumps(measured_steps_document())),
                               "later_layouts": json.loads(json.dumps(later_layouts_document())),
                               "whole_runs_step_path": json.loads(json.dumps(whole_runs_document()))}
    assert err == ""


@pytest.mark.slow  # a fresh nested leave-one-out (about 5 s)
def test_validate_json_is_numbers_only(capsys):
    from estimator.cli.main import main
    assert main(["validate", "--format", "json"]) == 0  # in-process: the cached cross-validation
    out = capsys.readouterr()

    def no_nan(x):
        raise AssertionError(f"non-finite number {x} in validate's JSON")
    doc = json.loads(out.out, parse_constant=no_nan)

    text_keys = {"method", "baseline", "run", "family", "hardware", "source", "likely_reason", "reason", "id",
                 "group", "device", *DOC["new_family"]["nearest"],  # the last: held-out family → nearest one
                 "name", "version",  # the tool's (issue 55: every JSON the CLI prints names it)
                 # the step model's (issue 53): how it was held out, its range's rule, its sources, the command that
                 # refits it and the words of its conventions; its figures are numbers (checked below)
                 "by", "range", "sources", "command", *doc["step_model"]["conventions"],
                 # the measured training steps' (issue 53): their file, each step's name, how PyTorch ran it, at
                 # which precision, the summary it counts in
                 "data", "mode", "modes", "precision",
                 # the later published layouts': their sources, each row's id, model, layout in words and recomputation
                 "citations", "row_id", "model", "layout", "recompute_published", "recompute_less",
                 "recompute_more", "compare_group", "reference",
                 # the published whole runs' (the step path's check): each run's id, what was stated, where it was
                 # published and which fitted source holds its layouts
                 "run_id", "stated", "citation", "step_fit_source"}

    def walk(x, key=""):
        if isinstance(x, dict):
            for k, v in x.items():
                walk(v, k)
        elif isinstance(x, list):
            for v in x:
                walk(v, key)
        elif isinstance(x, str):
            assert key in text_keys, f"text where a number belongs: {key} = {x!r}"
        else:
            assert x is None or isinstance(x, (int, float)), f"{key}: {x!r}"
    walk(doc)
    cv = doc["step_model"]
    assert all(isinstance(v, float) for part in ("step_model", "flat_mfu_baseline")
               for k, v in cv[part].items() if k != "rows")
    assert isinstance(doc["summary"]["all"]["model"]["median_factor"], float)
    assert doc["summary"]["all"]["model"]["median_factor"] == pytest.approx(DOC["summary"]["all"]["model"]["median_factor"])


@pytest.mark.slow  # a fresh nested leave-one-out (about 5 s)
def test_the_shipped_fit_is_what_the_fitting_code_writes():
    runs, model = accuracy.refit()
    shipped = json.loads((DATA_DIR / "utilization_fit.json").read_text())
    assert stale_fields(accuracy.fit_document(runs, model), shipped) == []
    from estimator.cli.main import main
    assert main(["fit-utilization", "--check"]) == 0
    # and a changed file is caught
    tampered = json.loads(json.dumps(shipped))
    tampered["model"]["center_log"] += 0.01
    assert stale_fields(accuracy.fit_document(runs, model), tampered) == ["model.center_log"]


@pytest.mark.slow  # a fresh nested leave-one-out (about 5 s)
def test_the_shipped_cross_validation_is_a_fresh_one_and_the_app_reads_it():
    from estimator.io.datafiles import UTILIZATION_VALIDATION_PATH, load_validation_document
    shipped = json.loads(UTILIZATION_VALIDATION_PATH.read_text())
    assert stale_fields(accuracy.validation_file_document(), shipped) == []
    assert load_validation_document() == shipped["validation"]
    assert "NaN" not in UTILIZATION_VALIDATION_PATH.read_text()
    import app_pages.pages.accuracy as page
    assert page.document.__wrapped__() == shipped["validation"]  # not recomputed per server process


def test_a_missing_or_broken_validation_file_names_the_command(tmp_path):
    from estimator.core.base.errors import DataFileError
    from estimator.io.datafiles import load_validation_document
    with pytest.raises(DataFileError, match="fit-utilization"):
        load_validation_document(tmp_path / "absent.json")
    (tmp_path / "x.json").write_text('{"about": "no validation here"}')
    with pytest.raises(DataFileError, match="no 'validation' table"):
        load_validation_document(tmp_path / "x.json")


def test_flagged_and_non_runs_are_left_out_with_their_reason():
    excluded = {e.name: e.reason for e in runs_data.training_runs().excluded}
    assert "StyleGAN" in excluded and "flagged" in excluded["StyleGAN"]
    assert "thought experiment" in excluded["gpt3-175b-one-v100"]
    assert "circular" in excluded["alexnet"]
    assert "circular" in excluded["Transformer (big)"] and "chips or cores" in excluded["ELECTRA-Base"]
    used = {(r.name, r.source) for r in runs_data.training_runs().runs}
    left_out = {(e.name, e.source) for e in runs_data.training_runs().excluded}
    assert not used & left_out
    assert {"LLaMA-7B", "Llama 3.1 405B", "llama-65b", "GLaM"} <= {name for name, _ in used}
    # a run in both files enters once (Phi-3.5-MoE: Epoch's row is used, the model card's is not)
    assert sum(name == "Phi-3.5-MoE" for name, _ in used) == 1


def test_epoch_data_carries_its_licence_attribution():
    readme = (DATA_DIR / "README.md").read_text()
    assert "CC BY 4.0" in readme and "epoch.ai/data/notable-ai-models" in readme
    rows = runs_data.read_epoch_rows()
    assert rows and all("CC BY 4.0" in r["source"] for r in rows)


# -- the model's parts -----------------------------------------------------------------


def _runs(goodputs, family="a", flops=1e22, year=2022):
    return [TrainingRun(f"r{i}", "x", family, flops, flops / (g * 3600 * 1e14), 1e14, "s", year=year, release_year=2020)
            for i, g in enumerate(goodputs)]


def test_t_regression_centre_is_robust_to_one_far_outlier():
    good = [0.28, 0.30, 0.32, 0.29, 0.31, 0.30, 0.27, 0.33]
    m = fit(_runs(good + [0.01]), Spec((), 8.0))
    assert m.predict("a").center == pytest.approx(0.30, rel=0.03)  # a mean of the logs would give 0.20
    assert math.exp(np.mean(np.log(good + [0.01]))) < 0.21


def test_conformal_multiplier_is_the_stated_order_statistic():
    actual = np.zeros(9)
    predicted = np.arange(1, 10, dtype=float)  # |residuals| 1..9
    # level 0.8, n = 9: the ceil(0.8 × 10) = 8th smallest standardised residual
    assert conformal_multiplier(actual, predicted, np.ones(9), 0.8) == 8.0
    assert conformal_multiplier(actual, predicted, 2 * np.ones(9), 0.8) == 4.0


def test_unknown_year_averages_maturity_and_widens_the_interval():
    """With a fit that uses the years since release (tests/maturity_fit.py; the shipped fit's
    choice may leave them out), an unknown year is averaged over and widens the interval."""
    from maturity_fit import maturity_model, maturity_profiles
    model = maturity_model()
    assert "maturity_years" in model.spec.covariates
    a100 = maturity_profiles().get("a100-sxm-80gb").utilization
    known = a100.predict(1e23, 2023)
    unknown = a100.predict(1e23, None)
    assert unknown.sigma_log > known.sigma_log
    assert "maturity_years" in unknown.unknown and not known.unknown
    slope = model.covariate("maturity_years").slope
    later = a100.predict(1e23, 2024)
    assert math.log(later.center / known.center) == pytest.approx(slope, rel=1e-6)


def test_the_same_chip_on_another_board_borrows_its_family_with_a_wider_interval():
    ps = default_profiles()
    h100, pcie = ps.get("h100-sxm").utilization, ps.get("h100-pcie").utilization
    assert pcie.borrowed and pcie.same_chip and pcie.fit_family == "h100"
    p_h, p_pcie = h100.predict(1e24, 2024), pcie.predict(1e24, 2024)  # one chip: years from one release
    model = load_utilization_model()
    assert p_pcie.center == pytest.approx(p_h.center)
    assert p_pcie.sigma_log == pytest.approx(math.sqrt(p_h.sigma_log ** 2 + model.tau_log ** 2))
    # its interval is calibrated for a family-centred prediction, not the pooled one's
    assert math.log(p_pcie.center / p_pcie.low) == pytest.approx(model.neighbour_multiplier * p_pcie.sigma_log)
    assert model.neighbour_multiplier != pytest.approx(model.new_family_multiplier)
    cpu = ps.get("cpu-server-2s-epyc").utilization
    assert cpu.family == "pooled" and cpu.predict(1e20).borrowed


def test_another_chip_without_runs_takes_the_centre_the_fit_chose():
    """B200's nearest family is H100's; which centre it uses is the fit's choice on families held
    out whole (new_device_centre), not the profile's. The shipped fit chose the flat rule: 30% of
    dense peak whatever the run's FLOPs and year, its interval σ = √(s² + τ²) times the multiplier
    calibrated on the held-out families."""
    import dataclasses
    import math

    from estimator.core.hardware.utilization_model import NEAREST, POOLED, RULE, RULE_UTILIZATION
    model = load_utilization_model()
    b200 = default_profiles().get("b200").utilization
    assert b200.borrowed and b200.family == "h100" and not b200.same_chip
    assert model.new_device_centre == RULE  # as the shipped fit chose (profiles/README.md)
    assert b200.fit_family == RULE
    got = b200.predict(1e24, 2026)
    half = model.rule_multiplier * math.hypot(model.scale_log, model.tau_log)
    assert (got.center, got.low, got.high, got.family, got.interval_from) == pytest.approx(
        (RULE_UTILIZATION, RULE_UTILIZATION * math.exp(-half), RULE_UTILIZATION * math.exp(half), RULE, "held-out families"))
    assert b200.predict(1e20, 2024) == got and b200.predict(None, None) == got  # no covariate
    assert got.borrowed and got.unknown == () and got.held_at_edge == ()
    # the same chip on another board keeps its family's fit (H200: the H100's chip)
    h200 = default_profiles().get("h200-sxm").utilization
    assert h200.same_chip and h200.fit_family == "h100"
    # the other centres, had the fit chosen them
    pooled = dataclasses.replace(b200, model=dataclasses.replace(model, new_device_centre=POOLED))
    assert pooled.fit_family == POOLED
    want = model.predict(None, 1e24, year=2026, release_year=2024, borrowed=True)
    assert pooled.predict(1e24, 2026).center == pytest.approx(want.center)
    nearest = dataclasses.replace(b200, model=dataclasses.replace(model, new_device_centre=NEAREST))
    assert nearest.fit_family == "h100"
    assert nearest.predict(1e24, 2026).center == pytest.approx(
        model.predict("h100", 1e24, year=2026, release_year=2024, borrowed=True).center)


def test_the_t_degrees_of_freedom_are_a_cross_validated_choice_and_round_trip():
    from estimator.core.hardware.utilization_model import UtilizationModel
    from estimator.fit.utilization_fit import CANDIDATE_SPECS, T_DOF_CHOICES
    assert {s.dof for s in CANDIDATE_SPECS} == set(T_DOF_CHOICES) == {4.0} and len(CANDIDATE_SPECS) == 12
    model = load_utilization_model()
    assert model.spec in CANDIDATE_SPECS
    again = UtilizationModel.from_dict(model.to_dict())
    assert again.spec == model.spec and f"ν = {model.spec.dof:g}" in model.spec.label()
    # ν changes the fit: a far outlier pulls a Gaussian-like (ν = 8) centre more than a heavy-tailed (ν = 2) one
    runs = _runs([0.28, 0.30, 0.32, 0.29, 0.31, 0.30, 0.27, 0.33, 0.01])
    heavy, light = fit(runs, Spec((), 8.0, 2.0)), fit(runs, Spec((), 8.0, 8.0))
    assert math.exp(light.center_log) < math.exp(heavy.center_log) <= 0.31


@pytest.mark.parametrize("devices, says", [(1, "a small run on 1 device:"), (4, "a small run on 4 devices:")])
def test_a_miss_on_few_devices_names_their_number(devices, says):
    from estimator.fit.utilization_cv import RunResult
    run = TrainingRun("r", "v100-sxm2", "v100", 1e18, 100.0, 125e12, "S", devices=devices, developer="D")
    reason = accuracy.likely_reason(RunResult(run, 0.1, 0.05, 0.2, None))
    assert says in reason
    assert "achieved 2.2% of peak against a predicted 10.0%" in reason


@pytest.mark.slow
def test_by_developer_a_whole_family_held_out_is_predicted_as_the_tool_predicts_a_device_without_runs():
    """(In this file: the by-developer validation is computed once, for the shipped document's fresh check.)
    Review: both TPU v4 runs are Google's, so the Google fold holds no TPU v4 run; the check took
    the pooled fit and its multiplier, which the tool never uses there. It now fits as shipped on the
    fold's runs (select_and_fit) and centres the runs as that fit centres a device without runs."""
    from estimator.core.hardware.utilization_model import POOLED
    from estimator.fit.new_family import family_traits, nearest_family
    runs = runs_data.training_runs().runs
    cv = accuracy.validation_by_developer()
    held = [(i, r) for i, r in enumerate(cv.model) if r.run.family == "tpu-v4"]
    assert held and {r.run.developer for _, r in held} == {"Google"}
    model = select_and_fit([r for r in runs if r.developer != "Google"])
    used = model.borrowed_family(nearest_family("tpu-v4", family_traits(runs), sorted(model.families)) or POOLED)
    for _, r in held:
        p = model.predict(used, r.run.flops, year=r.run.year, release_year=r.run.release_year, borrowed=True)
        assert (r.predicted_goodput, r.low_goodput, r.high_goodput) == pytest.approx((p.center, p.low, p.high))


def test_validate_says_each_power_fits_verdict_as_the_accuracy_page_does(capsys):
    """The Accuracy page's power verdicts (tests/app/test_accuracy_power_words.py), in `validate`'s own words; here, in
    the process that already ran the cross-validations (test_validate_json_is_numbers_only), not again in another."""
    from estimator.cli.main import main
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert 'gpu-chip: median factor 1.38× over 9 runs against 1.42× for "average = TDP" (within 5%)' in out


def test_validate_says_the_intervals_coverage_on_the_epoch_rows_and_the_curated_runs_as_the_docs_quote_it():
    """Accuracy audit 2026-12-01: docs/explanation/accuracy.md's "83% of the Epoch rows (25 of 30) and 93% of the
    curated runs (55 of 59)" were printed by no command."""
    from estimator.cli.accuracy_cmds import by_source_coverage_text
    said = by_source_coverage_text(DOC["runs"], "80%")
    assert said == ("By source, the 80% interval holds 83% (25 of 30) of the Epoch AI rows (the runs its multiplier is "
                    "calibrated on: the runs users bring) and 93% (55 of 59) of the curated runs (papers and model "
                    "cards).")
    docs = (Path(__file__).resolve().parents[2] / "docs" / "explanation" / "accuracy.md").read_text()
    assert "holds 83% of the Epoch rows (25 of 30) and 93% of the curated runs (55 of 59)" in " ".join(docs.split())


def test_the_coverage_by_source_counts_every_run_once():
    split = accuracy.coverage_by_source(DOC["runs"])
    assert split == {"epoch": (25, 30), "curated": (55, 59)}
    assert split["epoch"][1] + split["curated"][1] == len(DOC["runs"]) == 89

"""From FLOPs alone at fp8 or fp4 a utilisation that is a share of the 16-bit peak (the fit's runs', or a calibration
made at 16 bits) is taken × the step fit's whole-step share per halving of the bits as a share of the lower precision's
peak (2026-12-01): FP8 on an H100 had read exactly 2× a bf16 run's pace, the peaks' ratio, where the fitted step model
times its 15 fitted FP8 layouts a median 1.34× their pace at bf16 (estimator/data/step_fit.json's low_precision)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from estimator.cli.main import main
from estimator.core.base.errors import DataFileError
from estimator.core.training.estimate import estimate
from estimator.core.workload.scenario import Scenario
from estimator.fit.step_fit import low_precision_pace, params_from_document
from estimator.io import datafiles
from estimator.io.datafiles import default_profiles
from estimator.io.layouts_data import load_layout_rows, load_step_fit

PROFILES = default_profiles().profiles
LOW = load_step_fit()["low_precision"]
SHARE = LOW["share_median"]          # the pace ÷ the peaks' 2: an H100's (1,979 ÷ 989 TFLOP/s, 2.001)


def factor(profile, precision: str, halvings: int) -> float:
    """The share a 16-bit utilisation takes at ``precision``: the step fit's pace per halving, at most the peaks'."""
    ratio = profile.peak(precision) / profile.peak()
    return min(LOW["pace_median"] ** halvings, ratio) / ratio


def test_the_share_is_the_step_models_whole_fp8_step_over_its_bf16_one_on_the_fitted_fp8_layouts():
    again = low_precision_pace(load_layout_rows(), params_from_document(load_step_fit()))
    assert again == LOW and len(LOW["rows"]) == 15
    assert 1.25 < LOW["pace_median"] < 1.45 and SHARE == pytest.approx(LOW["pace_median"] / 2, abs=0.01)
    # a whole step gains less than its GEMMs alone (2 × fp8_gemm_factor)
    assert LOW["pace_range"][1] < 2 * load_step_fit()["params"]["fp8_gemm_factor"]


def test_fp8_from_flops_alone_runs_at_the_step_fits_pace_not_the_peaks_ratio():
    h100 = PROFILES["h100-sxm"]
    bf16 = estimate(Scenario(flops=1e24, devices=1024), h100)
    fp8 = estimate(Scenario(flops=1e24, devices=1024, precision="fp8"), h100)
    assert fp8.utilization.value == pytest.approx(bf16.utilization.value * factor(h100, "fp8", 1))
    pace = LOW["pace_median"]                                          # 1.34, not the peaks' 2
    assert bf16.wall_clock_s / fp8.wall_clock_s == pytest.approx(pace)
    assert 1.25 < pace < 1.45
    # the range keeps its width in log: both ends move with the centre
    for end in (0, 1):
        assert fp8.range["wall_clock_s"][end] / fp8.wall_clock_s == pytest.approx(
            bf16.range["wall_clock_s"][end] / bf16.wall_clock_s)
    (note,) = [n for n in fp8.notes if n.startswith("the utilisation (")]
    assert note.startswith(
        f"the utilisation (H100 fit) is {bf16.utilization.value:.3g} of the bf16 peak, as the runs behind it were "
        f"measured, taken × {SHARE:.2g} at fp8: {fp8.utilization.value:.3g} of the fp8 peak, {pace:.3g}× a bf16 run's "
        f"pace, not the peaks' 2× (the fitted step model runs its 15 fitted FP8 layouts a median {pace:.3g}×")
    assert "not the peaks' 2×" in note and note.endswith("(its coverage at fp8 is not measured)")
    assert fp8.utilization.short.startswith(f"{fp8.utilization.value:.3g} at fp8 ({bf16.utilization.value:.3g} of bf16's × ")
    # the assumption's source gives the fit's own centre and interval, then the share taken (review 2026-12-01)
    (util,) = [a for a in fp8.assumptions if a.name == "utilization"]
    assert f"{bf16.utilization.value:.2f} at 10²⁴ FLOPs" in util.source and f"taken × {SHARE:.2g} at fp8" in util.source


@pytest.mark.parametrize("hardware, precision, halvings", [("b200", "fp4", 2), ("a100-sxm-80gb", "int8", 1),
                                                          ("b300", "fp4", 2)])
def test_each_halving_of_the_bits_takes_the_pace_once(hardware, precision, halvings):
    p = PROFILES[hardware]
    bf16 = estimate(Scenario(flops=1e24, devices=1024), p)
    low = estimate(Scenario(flops=1e24, devices=1024, precision=precision), p)
    assert low.utilization.value == pytest.approx(bf16.utilization.value * factor(p, precision, halvings))
    assert bf16.wall_clock_s / low.wall_clock_s == pytest.approx(LOW["pace_median"] ** halvings)


def test_a_lower_precision_whose_peak_is_no_higher_runs_no_faster():
    """Diff review 2026-12-01: Gaudi 3's fp8 peak is its bf16 one, and fp8 had read 1.49× slower than bf16."""
    g3 = PROFILES["gaudi3"]
    assert g3.peak("fp8") == g3.peak()
    bf16 = estimate(Scenario(flops=1e24, devices=1024), g3)
    fp8 = estimate(Scenario(flops=1e24, devices=1024, precision="fp8"), g3)
    assert fp8.wall_clock_s == pytest.approx(bf16.wall_clock_s)
    (note,) = [n for n in fp8.notes if n.startswith("the utilisation (")]
    assert "1× a bf16 run's pace, the peaks' ratio, which holds the step fit's" in note


def test_a_utilisation_given_at_fp8_is_the_users_share_of_the_fp8_peak():
    h100 = PROFILES["h100-sxm"]
    e = estimate(Scenario(flops=1e24, devices=1024, precision="fp8", utilization=0.3), h100)
    assert e.wall_clock_s == pytest.approx(1e24 / (1024 * 0.3 * h100.peak("fp8")))
    assert not any("taken at fp8" in n for n in e.notes)
    # its comparison says whose peak the fit's figure is a share of
    f = factor(h100, "fp8", 1)
    assert f"for comparison {0.241 * f:.3g} of the fp8 peak (0.241 of the bf16 peak × {f:.2g})" in e.utilization.summary


def test_16_bit_and_wider_precisions_take_no_share():
    a100 = PROFILES["a100-sxm-80gb"]
    bf16 = estimate(Scenario(flops=1e21, devices=8), a100)
    for precision in ("fp16", "tf32", "fp32"):
        e = estimate(Scenario(flops=1e21, devices=8, precision=precision), a100)
        assert e.utilization.value == pytest.approx(bf16.utilization.value)


def test_a_calibration_measured_at_bf16_takes_the_share_at_fp8():
    """Review 2026-12-01: a profile calibrated at bf16 had still run fp8 at the peaks' 2×."""
    h100 = PROFILES["h100-sxm"]
    cal = replace(h100, id="h100-cal", calibration={"precision": "bf16"},
                  utilization=replace(h100.utilization, family=None, model=None, default=0.4, range=(0.4, 0.4)))
    bf16 = estimate(Scenario(flops=1e24, devices=1024), cal)
    fp8 = estimate(Scenario(flops=1e24, devices=1024, precision="fp8"), cal)
    assert bf16.wall_clock_s / fp8.wall_clock_s == pytest.approx(LOW["pace_median"])
    (said,) = [n for n in fp8.notes if "measured its throughput at bf16, not fp8" in n]
    f = factor(h100, "fp8", 1)
    assert f"the time takes 0.4 of the bf16 peak, taken × {f:.2g} at fp8: {0.4 * f:.3g} of the fp8 peak" in said


def test_the_cli_json_says_the_share_of_the_fp8_peak(capsys):
    assert main(["estimate", "--flops", "1e24", "--hardware", "h100-sxm", "--devices", "1024", "--precision", "fp8",
                 "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["utilization"]["summary"].startswith(f"{d['utilization']['value']:.3g} of the fp8 peak (")
    assert f"of the bf16 peak × {SHARE:.2g})" in d["utilization"]["summary"]
    low = d["utilization"]["lowered_from"]
    assert low["precision"] == "bf16" and low["pace"] == pytest.approx(LOW["pace_median"])
    assert low["value"] * low["factor"] == pytest.approx(d["utilization"]["value"])


def test_beside_the_step_model_the_flops_alone_time_is_at_the_runs_fp8(capsys):
    """Review 2026-12-01: the FLOPs-only time beside an fp8 step-model estimate had stayed at the bf16 peak."""
    assert main(["estimate", "--model", "llama-3.1-70b", "--tokens", "15e12", "--hardware", "h100-sxm", "--devices",
                 "4096", "--precision", "fp8", "--format", "json"]) == 0
    step = json.loads(capsys.readouterr().out)["step"]["whole_run_fit"]
    assert main(["estimate", "--flops", str(6 * 70.6e9 * 15e12), "--hardware", "h100-sxm", "--devices", "4096",
                 "--precision", "fp8", "--format", "json"]) == 0
    alone = json.loads(capsys.readouterr().out)
    assert step["peak_precision"] is None
    assert step["wall_clock_s"] == pytest.approx(alone["wall_clock_s"], rel=0.02)


def test_a_step_fit_whose_share_is_not_a_share_is_refused_naming_the_file(tmp_path, monkeypatch):
    doc = load_step_fit()
    bad = tmp_path / "step_fit.json"
    bad.write_text(json.dumps({**doc, "low_precision": {**doc["low_precision"], "pace_median": 2.5}}))
    monkeypatch.setattr(datafiles, "STEP_FIT_PATH", bad)
    datafiles.load_utilization_model.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"step_fit.json: low_precision.pace_median must be a number in "
                                                r"\(0, 2\], got 2.5; re-create it with `python -m estimator fit-step`"):
            datafiles.load_utilization_model()
        # without the file (fit-step re-creates it, reading these profiles) no share is taken
        monkeypatch.setattr(datafiles, "STEP_FIT_PATH", tmp_path / "missing.json")
        datafiles.load_utilization_model.cache_clear()
        assert datafiles.load_utilization_model().low_precision is None
    finally:
        monkeypatch.undo()
        datafiles.load_utilization_model.cache_clear()
    assert datafiles.load_utilization_model().low_precision.pace == LOW["pace_median"]


def test_the_how_to_quotes_the_step_fits_figures():
    """docs/how-to/estimate-training.md's FLOPs-only fp8 figures are step_fit.json's (diff review 2026-12-01)."""
    from pathlib import Path
    text = " ".join((Path(__file__).resolve().parents[2] / "docs" / "how-to" / "estimate-training.md").read_text().split())
    lo, hi = LOW["pace_range"]
    assert (f"times each of its {len(LOW['rows'])} fitted FP8 layouts again at bf16 with the fitted step model, a median "
            f"{LOW['pace_median']:.2f}× ({lo:.2f}–{hi:.2f}×) faster at fp8, {SHARE:.2f} of the peaks' 2×") in text
    assert f"it is taken × {SHARE:.2f} of the FP8 peak" in text and f"so runs {LOW['pace_median']:.2f}× a bf16 run's pace" in text


def test_the_step_model_runs_a_lower_precision_no_slower_than_16_bits_where_its_peak_is_no_higher(capsys):
    """Diff review 2026-12-01: Gaudi 3's fp8 GEMMs at the fitted FP8 share of a peak no higher than bf16's had made a
    step 1.26× slower at fp8; an H100's fp8, whose peak is twice, keeps the fitted share (the fit unchanged)."""
    def step(hardware: str, precision: str) -> float:
        assert main(["estimate", "--model", "llama-3.1-8b", "--tokens", "1e12", "--hardware", hardware, "--devices",
                     "64", "--precision", precision, "--format", "json"]) == 0
        return json.loads(capsys.readouterr().out)["step"]["tokens_per_s_per_device"]
    assert step("gaudi3", "fp8") == pytest.approx(step("gaudi3", "bf16"), rel=1e-9)
    assert 1.2 < step("h100-sxm", "fp8") / step("h100-sxm", "bf16") < 1.5

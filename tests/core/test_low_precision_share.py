"""From FLOPs alone at fp8 or fp4 the fitted utilisation, a share of the 16-bit peak, is taken × the step model's
fp8_gemm_factor per halving of the bits as a share of the lower precision's peak (2026-12-01): FP8 on an H100 had read
exactly 2× a bf16 run's pace, the peaks' ratio, where FP8 layouts' matrix products reach 0.73 of FP8's share of its
peak and MosaicML's MPT-3B ran 1.36× faster in FP8 (estimator/data/training_layouts.csv)."""

from __future__ import annotations

import json

import pytest

from estimator.cli.main import main
from estimator.core.base.errors import DataFileError
from estimator.core.training.estimate import estimate
from estimator.core.workload.scenario import Scenario
from estimator.io import datafiles
from estimator.io.datafiles import default_profiles
from estimator.io.layouts_data import load_step_fit

PROFILES = default_profiles().profiles
SHARE = load_step_fit()["params"]["fp8_gemm_factor"]


def test_fp8_from_flops_alone_runs_at_the_step_fits_share_not_the_peaks_ratio():
    h100 = PROFILES["h100-sxm"]
    assert h100.utilization.model.low_precision_share == SHARE and 0.5 < SHARE < 1
    bf16 = estimate(Scenario(flops=1e24, devices=1024), h100)
    fp8 = estimate(Scenario(flops=1e24, devices=1024, precision="fp8"), h100)
    assert fp8.utilization.value == pytest.approx(bf16.utilization.value * SHARE)
    pace = h100.peak("fp8") / h100.peak() * SHARE                      # 2 × 0.733 ≈ 1.47
    assert bf16.wall_clock_s / fp8.wall_clock_s == pytest.approx(pace)
    assert 1.3 < pace < 1.6
    # the range keeps its width in log: both ends move with the centre
    assert fp8.range["wall_clock_s"][1] / fp8.wall_clock_s == pytest.approx(
        bf16.range["wall_clock_s"][1] / bf16.wall_clock_s)
    (note,) = [n for n in fp8.notes if n.startswith("the utilisation (")]
    assert f"taken × {SHARE:.3g} at fp8" in note and f"so the run goes {pace:.3g}× a bf16 run's pace, not the peaks' 2×" in note
    assert fp8.utilization.short.startswith(f"{fp8.utilization.value:.3g} at fp8 ({bf16.utilization.value:.3g} of bf16's × ")


def test_fp4_takes_the_share_once_per_halving_of_the_bits():
    b200 = PROFILES["b200"]
    bf16 = estimate(Scenario(flops=1e24, devices=1024), b200)
    fp4 = estimate(Scenario(flops=1e24, devices=1024, precision="fp4"), b200)
    assert fp4.utilization.value == pytest.approx(bf16.utilization.value * SHARE ** 2)
    assert bf16.wall_clock_s / fp4.wall_clock_s == pytest.approx(b200.peak("fp4") / b200.peak() * SHARE ** 2)


def test_a_utilisation_given_at_fp8_is_the_users_share_of_the_fp8_peak():
    h100 = PROFILES["h100-sxm"]
    e = estimate(Scenario(flops=1e24, devices=1024, precision="fp8", utilization=0.3), h100)
    assert e.wall_clock_s == pytest.approx(1e24 / (1024 * 0.3 * h100.peak("fp8")))
    assert not any("taken ×" in n for n in e.notes)


def test_16_bit_and_wider_precisions_take_no_share():
    a100 = PROFILES["a100-sxm-80gb"]
    bf16 = estimate(Scenario(flops=1e21, devices=8), a100)
    for precision in ("fp16", "tf32", "fp32"):
        e = estimate(Scenario(flops=1e21, devices=8, precision=precision), a100)
        assert e.utilization.value == pytest.approx(bf16.utilization.value)


def test_the_cli_json_says_the_share_of_the_fp8_peak(capsys):
    assert main(["estimate", "--flops", "1e24", "--hardware", "h100-sxm", "--devices", "1024", "--precision", "fp8",
                 "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["utilization"]["summary"].startswith(f"{d['utilization']['value']:.3g} of the fp8 peak (")
    assert f"of the bf16 peak × {SHARE:.3g})" in d["utilization"]["summary"]


def test_a_step_fit_whose_fp8_share_is_not_a_share_is_refused_naming_the_file(tmp_path, monkeypatch):
    doc = load_step_fit()
    bad = tmp_path / "step_fit.json"
    bad.write_text(json.dumps({**doc, "params": {**doc["params"], "fp8_gemm_factor": 2.0}}))
    monkeypatch.setattr(datafiles, "STEP_FIT_PATH", bad)
    datafiles.load_utilization_model.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"step_fit.json: params.fp8_gemm_factor must be a number in \(0, 1\], "
                                                r"got 2.0; re-create it with `python -m estimator fit-step`"):
            datafiles.load_utilization_model()
        # without the file (fit-step re-creates it, reading these profiles) no share is taken
        monkeypatch.setattr(datafiles, "STEP_FIT_PATH", tmp_path / "missing.json")
        datafiles.load_utilization_model.cache_clear()
        assert datafiles.load_utilization_model().low_precision_share is None
    finally:
        monkeypatch.undo()
        datafiles.load_utilization_model.cache_clear()
    assert datafiles.load_utilization_model().low_precision_share == SHARE

"""The step model's fit command reproduces its JSON, and the cross-validated figures are what it says."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from estimator.fit.step_fit import measured_mfu, measured_tokens_per_s
from estimator.io.layouts_data import STEP_FIT_PATH, fit_json, load_layout_rows


@pytest.fixture(scope="module")
def fresh_fit() -> str:
    """A fresh fit's JSON, once for the module (its nested cross-validation takes about 20 s)."""
    return fit_json()


def test_fit_command_reproduces_the_shipped_json(fresh_fit):
    """Every number within 10⁻⁶ of the shipped one (the optimiser's last digits move between machines: 2026-11-28,
    one parameter 8 × 10⁻⁷ apart), everything else equal."""
    from estimator.core.base.fit_diff import stale_fields
    assert stale_fields(json.loads(fresh_fit), json.loads(STEP_FIT_PATH.read_text(encoding="utf-8"))) == []


def test_the_cli_fit_step_checks_the_shipped_fit_and_names_a_stale_one(fresh_fit, monkeypatch, tmp_path, capsys):
    """`python -m estimator fit-step --check` (the step fit's command in the CLI, beside fit-utilization and
    fit-serving; audit 2026-11-28: only `python -m estimator.io.layouts_data` wrote it): exit 0 on the shipped file, 2
    with one line naming the file, the field and the command on a file whose parameter was changed."""
    from estimator.cli.main import main
    from estimator.io import layouts_data
    monkeypatch.setattr(layouts_data, "fit_json", lambda: fresh_fit)
    assert main(["fit-step", "--check"]) == 0
    assert "ok: step_fit.json matches a fresh fit of 79 layouts" in capsys.readouterr().out
    doc = json.loads(STEP_FIT_PATH.read_text(encoding="utf-8"))
    doc["params"]["gemm_efficiency"] *= 1.01
    stale = tmp_path / "step_fit.json"
    stale.write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setattr(layouts_data, "STEP_FIT_PATH", stale)
    assert main(["fit-step", "--check"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "params.gemm_efficiency" in err[0]
    assert "python -m estimator fit-step" in err[0] and str(stale) in err[0]


def test_cv_figures_are_what_the_json_says():
    doc = json.loads(STEP_FIT_PATH.read_text(encoding="utf-8"))
    held = [p for p in doc["predictions"] if "held_out_tokens_per_s_per_device" in p]
    assert len(held) == doc["rows_used"] == doc["cross_validation"]["step_model"]["rows"]
    for kind, key in (("step_model", "held_out_tokens_per_s_per_device"),
                      ("flat_mfu_baseline", "held_out_baseline_tokens_per_s_per_device")):
        logs = {p["row_id"]: math.log(p[key] / p["measured_tokens_per_s_per_device"]) for p in held}
        median = math.exp(float(np.median(np.abs(list(logs.values())))))
        assert abs(median / doc["cross_validation"][kind]["median_factor"] - 1) < 1e-3   # JSON rounds to 5 figures
        # the range of a held-out source: its nested half-width (fit.step_fit.nested_halves), as the JSON states it
        halves = doc["cross_validation"]["half_widths"]
        which = 0 if kind == "step_model" else 1
        covered = sum(abs(logs[p["row_id"]]) <= halves[p["source_key"]][which] * (1 + 1e-4) for p in held)
        assert abs(covered / len(held) - doc["cross_validation"][kind]["coverage_80"]) <= 1.5 / len(held)
    # the step model beats the flat MFU held out
    cv = doc["cross_validation"]
    assert cv["step_model"]["median_factor"] < cv["flat_mfu_baseline"]["median_factor"]


def test_a_held_out_sources_range_owes_nothing_to_its_own_rows():
    """Audit 2026-11-28: a held-out source's 80% range had pooled the other sources' held-out errors, each from a fit
    that had its rows. Nested, a source's own rows can move anywhere without moving its range (four sources, so a
    test's twelve fits take seconds, not the shipped fit's hundred and ten)."""
    from dataclasses import replace

    from estimator.fit.step_fit import fit_document
    rows = [r for r in load_layout_rows() if r.use]
    keep = sorted({r.source_key for r in rows})[:4]
    rows = [r for r in rows if r.source_key in keep]

    def halves(rs):   # as the fit command computes them (code review 2026-11-28: its folds had started from the fit
        return fit_document(rs, "rows", "cmd")["cross_validation"]["half_widths"]   # on every row, a way in)
    before = halves(rows)
    for moved_source in keep[:2]:
        after = halves([replace(r, measured_value=r.measured_value * 3) if r.source_key == moved_source else r
                        for r in rows])
        assert after[moved_source] == pytest.approx(before[moved_source], rel=1e-5)
        # the other sources' ranges do see it (its rows are in the fits that predict them)
        assert any(after[k][0] != pytest.approx(before[k][0], rel=1e-3) for k in keep if k != moved_source)


def test_measured_figures_in_one_convention():
    rows = {r.row_id: r for r in load_layout_rows()}
    # MosaicML's H100 MPT-70B: reported 1039 tokens/s per GPU at 42.57% MFU (6N + attention, bf16 peak 989 TFLOP/s)
    mpt = rows["trmfu-105"]
    assert measured_tokens_per_s(mpt) == 1039.0
    assert abs(measured_mfu(mpt) - 0.4257) < 0.01
    # MegaScale 530B: MFU only; tokens/s derived through model FLOPs per token and the A100's 312 TFLOP/s
    ms = rows["trmfu-032"]
    assert ms.measured_kind == "mfu_pct" and abs(measured_mfu(ms) - 0.543) < 1e-9

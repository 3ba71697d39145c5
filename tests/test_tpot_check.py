"""The serving model's TPOT against independent small-batch measurements (never fitted): the data,
the arithmetic of the check, what `validate --inference` prints, and the note an estimate carries."""

from __future__ import annotations

import json
import math

import pytest

from estimator.cli.main import main
from estimator.core.errors import DataFileError
from estimator.core.serving import previous_model, step
from estimator.io import serving_data, tpot_checks
from estimator.services import limits


def test_every_row_is_cited_and_joins_the_catalog_and_a_profile():
    rows = tpot_checks.load_rows()
    assert len(rows) == 50
    assert {r.source for r in rows} == {"gpt-fast", "LMDeploy", "TGI", "vLLM CI"}
    for r in rows:
        assert r.citation and r.tpot_s > 0 and r.tp >= 1 and r.batch >= 1 and r.bits in (16, 8, 4)
        assert serving_data.catalog_model(r.model).params == r.params
    # gpt-fast's Llama-2-7B, one A100, batch 1, 16 bits: 104.9 tokens/s as published
    first = next(r for r in rows if r.source == "gpt-fast" and r.model == "llama-2-7b" and r.tp == 1 and r.bits == 16)
    assert first.tpot_s == pytest.approx(1 / 104.9)


def test_each_prediction_is_the_shipped_model_and_the_baseline_is_the_previous_roofline():
    c = tpot_checks.tpot_check()
    fit = serving_data.load_serving_fit()
    for p in c.predictions[::7]:
        r = p.row
        s = step(params=r.params, arch=r.arch, device=r.device, fit=fit, batch=r.batch, prompt_tokens=r.prompt_tokens,
                 output_tokens=r.output_tokens, tp=r.tp, weight_bits=r.bits)
        assert p.tpot_s == s.tpot_s
        prev = previous_model(params=r.params, device=r.device, batch=r.batch, tp=r.tp,
                              utilization=r.previous_utilization, power_w=r.device.tdp_w, weight_bits=r.bits)
        assert p.previous_tpot_s == prev.tpot_s
        assert p.half == fit.tpot_log_half_width
    inside = [abs(math.log(p.tpot_s / p.row.tpot_s)) <= p.half for p in c.predictions]
    assert c.model.interval_coverage == pytest.approx(sum(inside) / len(inside))
    factors = sorted(max(p.tpot_s / p.row.tpot_s, p.row.tpot_s / p.tpot_s) for p in c.predictions)
    assert c.model.median_factor == pytest.approx((factors[24] + factors[25]) / 2)


def test_validate_inference_prints_and_exports_the_check(capsys):
    assert main(["validate", "--inference", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)["independent_tpot"]
    overall = doc["overall"]
    for key in ("median_factor", "geometric_mean_ratio", "interval_coverage"):
        assert isinstance(overall["model"][key], float)
    assert isinstance(overall["previous"]["median_factor"], float)
    assert sum(s["model"]["n"] for s in doc["by_source"].values()) == overall["model"]["n"] == len(doc["rows"])
    assert main(["validate", "--inference"]) == 0
    out = capsys.readouterr().out
    assert "Independent small-batch TPOT, never fitted" in out
    row = next(line for line in out.splitlines() if line.startswith("all "))
    assert f"{overall['model']['median_factor']:.2f}×" in row and f"{overall['model']['interval_coverage']:.0%}" in row
    assert f"{overall['previous']['median_factor']:.2f}×" in row


def test_a_small_batch_estimate_says_what_the_independent_measurements_showed():
    c = tpot_checks.tpot_check()
    note = tpot_checks.small_batch_note(1)[0]
    assert f"a median {tpot_checks.median_ratio(c.predictions):.2g}×" in note
    assert f"held {c.model.interval_coverage:.0%}" in note and "--" not in note
    assert tpot_checks.small_batch_note(max(p.row.batch for p in c.predictions) + 1) == ()
    rep = limits.inference_report(hardware="h100-sxm", model="llama-3-8b", tokens=1e6)
    assert note in rep.result.notes
    big = limits.inference_report(hardware="h100-sxm", model="llama-3-8b", tokens=1e6, batch_size=128)
    assert not any("latency benchmarks never fitted" in n for n in big.result.notes)


@pytest.mark.parametrize("change, message", [
    (lambda r: r.update(citation=""), "line 2 has no citation"),
    (lambda r: r.update(bits="5"), "bits 5 is not one of"),
    (lambda r: r.update(model="gpt-5"), "line 2"),
    (lambda r: r.update(measured_tpot_s="nan"), "'measured_tpot_s' must be a positive number"),
    (lambda r: r.update(batch="1.5"), "'batch' must be a positive whole number"),
])
def test_a_broken_row_is_refused_with_the_file_and_line(tmp_path, monkeypatch, change, message):
    import csv
    src = tpot_checks.TPOT_CHECKS_PATH.read_text(encoding="utf-8").splitlines(keepends=True)
    reader = csv.DictReader(src)
    row = next(reader)
    change(row)
    path = tmp_path / "small_batch_tpot.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=tpot_checks.COLUMNS)
        w.writeheader()
        w.writerow(row)
    monkeypatch.setattr(tpot_checks, "TPOT_CHECKS_PATH", path)
    tpot_checks.load_rows.cache_clear()
    try:
        with pytest.raises(DataFileError, match=message) as exc:
            tpot_checks.load_rows()
        assert "small_batch_tpot.csv" in str(exc.value)
    finally:
        tpot_checks.load_rows.cache_clear()

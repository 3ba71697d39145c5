"""docs/explanation/serving-model.md quotes the default engine's check at the wall on MLPerf Inference's power
results as `python -m estimator validate --inference` computes it (no hand-typed drift)."""

from __future__ import annotations

from pathlib import Path

from estimator.services.wall_power import wall_power_document

PAGE = Path(__file__).resolve().parents[2] / "docs" / "explanation" / "serving-model.md"


def test_the_docs_quote_the_wall_power_figures():
    text = " ".join(PAGE.read_text().split())
    w = wall_power_document()
    p, j = w["power"], w["j_per_token"]
    rows = w["rows"]
    assert "python -m estimator validate --inference" in text
    assert f"the check is narrow: {w['narrow'].split(': the check is narrow')[0]}." in text
    measured = sorted(r["measured_power_w"] for r in rows)
    assert (f"{rows[0]['predicted_power_w']:,.0f} W against {measured[0]:,.0f}–{measured[-1]:,.0f} W measured, a "
            f"median **{p['model']['median_factor']:.2f}×** too high, none of the {len(rows)} inside") in text
    assert p["model"]["interval_coverage"] == 0 and w["devices_at_tdp"] == len(rows)
    assert f"(the devices' TDP only, no host: {p['tdp_only']['median_factor']:.2f}×)" in text
    inside = {by: round(x["model"]["interval_coverage"] * x["model"]["n"]) for by, x in j.items()}
    assert (f"off by a median **{j['by_model']['model']['median_factor']:.2f}×** ({inside['by_model']} of 6 inside") in text
    assert f"hardware held out **{j['by_hardware']['model']['median_factor']:.2f}×** ({inside['by_hardware']} of 6)" in text
    assert (f"the TDP only ÷ the same tokens/s {j['by_model']['tdp_only']['median_factor']:.2f}× and "
            f"{j['by_hardware']['tdp_only']['median_factor']:.2f}×, ÷ the flat roofline's "
            f"{j['by_model']['tdp_only_flat_roofline']['median_factor']:.2f}× and "
            f"{j['by_hardware']['tdp_only_flat_roofline']['median_factor']:.2f}×") in text
    ratios = sorted(r["ratio"] for r in rows)
    assert f"the power is {ratios[0]:.2f}×–{ratios[-1]:.2f}× too high on every row" in text
    met = {by: x["model"]["median_factor"] <= w["target_factor"] for by, x in j.items()}
    assert met == {"by_model": True, "by_hardware": True}
    assert "So the 1.25× target is met both ways, but on errors that cancel" in text

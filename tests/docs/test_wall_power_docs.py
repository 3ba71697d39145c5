"""docs/explanation/serving-model.md quotes the default engine's check at the wall on MLPerf Inference's power
results as `python -m estimator validate --inference` computes it (no hand-typed drift)."""

from __future__ import annotations

from pathlib import Path

from estimator.services.serving.wall_power import wall_power_document

PAGE = Path(__file__).resolve().parents[2] / "docs" / "explanation" / "serving-model.md"


def test_the_docs_quote_the_wall_power_figures():
    text = " ".join(PAGE.read_text().split())
    w = wall_power_document()
    p, j = w["power"], w["j_per_token"]
    rows = w["rows"]
    assert "python -m estimator validate --inference" in text
    assert f"the check is narrow: {w['narrow'].split(': the check is narrow')[0]}." in text
    # served under their GPUs' power limits (NVIDIA's configs), the 4 capped rows; Mixtral's 2 at the nameplate node
    capped = [r for r in rows if r["power_limit_w"] is not None]
    free = [r for r in rows if r["power_limit_w"] is None]
    assert ({r["power_limit_w"] for r in capped}, len(free)) == ({350.0, 500.0}, 2)
    assert "GPUs at 350 W for GPT-J and 500 W for Llama 2 70B" in text
    inside_power = round(p["model"]["interval_coverage"] * len(rows))
    lo, hi = min(r["ratio"] for r in capped), max(r["ratio"] for r in capped)
    assert (f"the node is off by a median **{p['model']['median_factor']:.2f}×** ({inside_power} of {len(rows)} inside "
            f"its 80% range; the 4 capped rows {lo:.2f}×–{hi:.2f}×, Mixtral's {free[0]['ratio']:.2f}×), where the nameplate "
            f"node (TDP + host) is {p['tdp_and_host']['median_factor']:.2f}× and the devices' TDP only "
            f"{p['tdp_only']['median_factor']:.2f}×") in text
    inside = {by: round(x["model"]["interval_coverage"] * x["model"]["n"]) for by, x in j.items()}
    assert (f"off by a median **{j['by_model']['model']['median_factor']:.2f}×** ({inside['by_model']} of 6 inside") in text
    assert f"hardware held out **{j['by_hardware']['model']['median_factor']:.2f}×** ({inside['by_hardware']} of 6)" in text
    assert (f"the TDP only ÷ the same tokens/s {j['by_model']['tdp_only']['median_factor']:.2f}× and "
            f"{j['by_hardware']['tdp_only']['median_factor']:.2f}×, ÷ the flat roofline's "
            f"{j['by_model']['tdp_only_flat_roofline']['median_factor']:.2f}× and "
            f"{j['by_hardware']['tdp_only_flat_roofline']['median_factor']:.2f}×") in text
    # the nameplate node at the limit ties the model both ways; at the TDP it loses by model and edges it by hardware
    lim = (j["by_model"]["limit_and_host"]["median_factor"], j["by_hardware"]["limit_and_host"]["median_factor"])
    assert (f"the nameplate node at the limit ÷ them ties the model both ways ({lim[0]:.2f}×, {lim[1]:.2f}×)") in text
    assert lim == (j["by_model"]["model"]["median_factor"], j["by_hardware"]["model"]["median_factor"])
    assert (f"the nameplate node at the TDP ÷ them is {j['by_model']['tdp_and_host']['median_factor']:.2f}× by model but "
            f"{j['by_hardware']['tdp_and_host']['median_factor']:.2f}× by hardware") in text
    assert j["by_hardware"]["tdp_and_host"]["median_factor"] < j["by_hardware"]["model"]["median_factor"]
    by_model = {}
    for r in rows:
        by_model.setdefault(r["model"], []).append(r["by_model"]["j_per_token"] / r["measured_j_per_token"])
    words = {"gpt-j-6b": "GPT-J's energy per token runs", "llama-2-70b": "and Llama 2 70B's", "mixtral-8x7b": "Mixtral's"}
    for model, ratios in by_model.items():
        assert f"{words[model]} {min(ratios):.2f}×–{max(ratios):.2f}×" in text, model
    met = {by: x["model"]["median_factor"] <= w["target_factor"] for by, x in j.items()}
    assert met == {"by_model": True, "by_hardware": True}
    assert "The 1.25× target is met both ways" in text

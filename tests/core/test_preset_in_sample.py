"""A preset's agreement with its published figures says what it is worth: in sample when the
utilisation was fitted on that very run (with the run's held-out prediction beside it), by
construction when the preset sets the utilisation from the same source."""

from __future__ import annotations

import pytest

from estimator.core.base.errors import DataFileError
from estimator.core.base.units import G_PER_KG, KG_PER_T, KWH_PER_MWH, S_PER_DAY
from estimator.core.training.presets import preset_from_dict
from estimator.io.datafiles import load_presets, load_published_runs, load_validation_document
from estimator.report import humanize as hz
from estimator.services import api
from estimator.services.accuracy import preset_check


def test_every_presets_published_run_is_a_run_the_project_holds():
    runs = {r.run for r in load_published_runs()}
    linked = {p.id: p.published_run for p in load_presets().values() if p.published_run}
    assert set(linked.values()) <= runs
    assert {"gpt3-175b", "lambda-gpt3-v100", "meena", "llama-65b"} <= set(linked)


def test_a_fitted_runs_preset_says_it_is_in_sample_and_gives_the_held_out_prediction():
    doc = {r["run"]: r for r in load_validation_document()["runs"]}
    for pid in ("gpt3-175b", "meena", "llama2-70b"):
        preset = api.get_preset(pid)
        est = api.run(preset_id=pid).estimate
        row = doc[preset.published_run]
        note = next(n for n in est.notes if n.startswith("in sample"))
        assert f"this run ({preset.published_run}) is one of the runs the utilisation was fitted on" in note
        assert (f"device-hours are {hz.device_hours_number(row['predicted_device_hours'])} against the published "
                f"{hz.device_hours_number(row['published_device_hours'])} ({row['factor']:.2f}× off; the flat 30%-of-peak "
                f"rule: {hz.device_hours_number(row['baseline_device_hours'])}, {row['baseline_factor']:.2f}× off)") in note


def test_the_lecture_preset_says_its_match_is_by_construction():
    est = api.run(preset_id="lambda-gpt3-v100").estimate
    assert any("agree by construction: a reproduction, not a test" in n for n in est.notes)


def test_no_in_sample_note_once_the_utilisation_is_the_users():
    assert not any("in sample" in n for n in api.run(preset_id="gpt3-175b", utilization=0.3).estimate.notes)


@pytest.mark.parametrize("pid", ["alexnet", "megatron-gpt3-a100"])
def test_a_run_the_fit_leaves_out_says_why_its_match_is_no_test(pid):
    """AlexNet's FLOPs come from its time at an assumed 33% (circular); Megatron's 34 days are a
    projection: the fit leaves both out, and their presets say so beside the comparison."""
    preset = api.get_preset(pid)
    reason = {e["run"]: e["reason"] for e in load_validation_document()["excluded"]}[preset.published_run]
    notes = api.run(preset_id=pid).estimate.notes
    assert any(f"is not one the utilisation fit can be tested on ({reason})" in n for n in notes)


def test_the_estimate_does_not_need_the_validation_file(monkeypatch):
    from estimator.core.base.errors import DataFileError
    def broken():
        raise DataFileError("utilization_validation.json: not found")
    monkeypatch.setattr(preset_check, "load_validation_document", broken)
    preset_check._validation_runs.cache_clear()
    try:
        est = api.run(preset_id="gpt3-175b").estimate
        assert est.device_hours > 0 and not any("in sample" in n for n in est.notes)
        said = [n for n in est.notes if "cannot be checked against a fit without this run" in n]
        assert len(said) == 1 and "utilization_validation.json: not found" in said[0] and "fit-utilization" in said[0]
    finally:
        preset_check._validation_runs.cache_clear()


def test_a_published_run_must_be_text():
    base = {"title": "t", "description": "d", "source": "s", "hardware": "h100-sxm", "flops": 1e20}
    with pytest.raises(DataFileError, match="published_run"):
        preset_from_dict("x", {**base, "published_run": 3}, "presets.toml")


# A preset's inputs and published figures, against its run's row of published_runs.csv (the two files
# restate the same source; the conventions audit found nothing that held them equal). Pairs: (preset's
# key, CSV column, the CSV's unit in the preset's).
_INPUT_PAIRS = (("params", "params", 1.0), ("tokens", "tokens", 1.0), ("flops", "train_flops", 1.0),
                ("devices", "accelerators", 1.0), ("power_w", "power_w_per_accelerator", 1.0), ("pue", "pue", 1.0),
                ("carbon_intensity_g_per_kwh", "kgco2e_per_kwh", G_PER_KG))
_PUBLISHED_PAIRS = (("device_hours", "accelerator_hours", 1.0), ("co2e_kg", "tco2e", KG_PER_T),
                    ("energy_kwh", "energy_mwh", KWH_PER_MWH), ("wall_clock_s", "wall_clock_days", S_PER_DAY))


def test_a_presets_figures_agree_with_its_published_runs_row():
    runs = {r.run: r for r in load_published_runs()}
    compared = 0
    for preset in load_presets().values():
        if not preset.published_run:
            continue
        run = runs[preset.published_run]
        assert preset.hardware == run.hardware_id, preset.id
        assert preset.inputs.get("year") in (None, int(run.row["year"])), preset.id
        pairs = [(preset.inputs.get(a), getattr(run, b), k, a) for a, b, k in _INPUT_PAIRS]
        pairs += [(preset.published.get(a), getattr(run, b), k, a) for a, b, k in _PUBLISHED_PAIRS]
        cost = run.row["cost_usd"]  # a number, a range in words ("3751 to 12571") or nothing
        if cost and cost.replace(".", "", 1).replace("e", "", 1).isdigit():
            pairs.append((preset.published.get("cost_usd"), float(cost), 1.0, "cost_usd"))
        for mine, theirs, scale, key in pairs:
            if mine is None or theirs is None:  # one file gives it, the other not
                continue
            compared += 1
            # 1e-3: the CSV gives days, the preset seconds (355 years as 355 × 365.25 days)
            assert mine == pytest.approx(theirs * scale, rel=1e-3), (preset.id, key)
    assert compared >= 60

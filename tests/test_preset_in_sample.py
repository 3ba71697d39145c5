"""A preset's agreement with its published figures says what it is worth: in sample when the
utilisation was fitted on that very run (with the run's held-out prediction beside it), by
construction when the preset sets the utilisation from the same source."""

from __future__ import annotations

import pytest

from estimator.core.errors import DataFileError
from estimator.core.presets import preset_from_dict
from estimator.io.datafiles import load_presets, load_published_runs, load_validation_document
from estimator.report import humanize as hz
from estimator.services import api


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
        assert (f"device-hours are {hz.count(row['predicted_device_hours'])} against the published "
                f"{hz.count(row['published_device_hours'])} ({row['factor']:.2f}× off)") in note


def test_the_lecture_preset_says_its_match_is_by_construction():
    est = api.run(preset_id="lambda-gpt3-v100").estimate
    assert any("agree by construction: a reproduction, not a test" in n for n in est.notes)


def test_no_in_sample_note_once_the_utilisation_is_the_users_or_the_run_is_not_fitted():
    assert not any("in sample" in n for n in api.run(preset_id="gpt3-175b", utilization=0.3).estimate.notes)
    assert not any("in sample" in n or "by construction" in n
                   for n in api.run(preset_id="megatron-gpt3-a100").estimate.notes)  # a projection, not fitted


def test_a_published_run_must_be_text():
    base = {"title": "t", "description": "d", "source": "s", "hardware": "h100-sxm", "flops": 1e20}
    with pytest.raises(DataFileError, match="published_run"):
        preset_from_dict("x", {**base, "published_run": 3}, "presets.toml")

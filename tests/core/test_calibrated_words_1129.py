"""Measuring-engineer review 2026-11-29: a profile whose time has one measured figure and no range (a calibration on
the user's own command) was told "the time range comes from …'s stated ranges"; said only where there is a range."""

import tomllib
from pathlib import Path

from estimator import Scenario, estimate
from estimator.core.hardware.reader import profile_from_dict
from estimator.io.datafiles import load_power_fits, load_utilization_model


def _profile(low: float, high: float):
    with open(Path(__file__).resolve().parents[2] / "profiles" / "a100-sxm-80gb.toml", "rb") as f:
        data = tomllib.load(f)
    data["id"] = "stated-utilisation"
    data["utilization"] = {"basis": "measured", "default": 0.4, "range": [low, high], "source": "one measured figure"}
    return profile_from_dict(data, "stated.toml", load_utilization_model(), load_power_fits())


def test_the_stated_range_note_comes_only_with_a_range():
    said = [n for n in estimate(Scenario(flops=1e21, devices=8), _profile(0.4, 0.4)).notes if "time range comes" in n]
    assert said == []
    e = estimate(Scenario(flops=1e21, devices=8), _profile(0.3, 0.5))
    assert [n for n in e.notes if "time range comes" in n] == [
        "the time range comes from NVIDIA A100 SXM 80GB's stated ranges (its peak and utilisation), not from the fit to "
        "published runs: its coverage is not measured"]

"""The Compare chart in lecture mode reads from the back of a room (lecturer review 2026-11-30: device names cut to
"AMD Instinct MI300X (OAM,…", 5-px dots, hairline ranges, no values): names whole, large points and ranges, each
point's value beside it; the chart by profile id keeps its compact form."""

from __future__ import annotations

import pandas as pd

from app_pages.ui import charts

DF = pd.DataFrame({"hardware": ["mi300x", "k80"],
                   "hardware_name": ["AMD Instinct MI300X (OAM, 192 GB)", "NVIDIA Tesla K80 (one board of two GPUs)"],
                   "time_days": [355.2, 12_400.0], "time_days_low": [200.0, 9000.0], "time_days_high": [600.0, 20_000.0]})


def _layers(label: str) -> list[dict]:
    return charts.comparison_chart(DF, "time_days", "Training time (days)", label=label).to_dict()["layer"]


def test_a_lectures_comparison_names_devices_whole_and_writes_each_value():
    layers = _layers("hardware_name")
    marks = {(layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]) for layer in layers}
    assert "text" in marks
    points = next(la for la in layers if isinstance(la["mark"], dict) and la["mark"].get("type") == "point"
                  and la["mark"].get("filled"))
    assert points["mark"]["size"] >= 200 and points["encoding"]["y"]["axis"]["labelLimit"] == 0
    rule = next(la for la in layers if isinstance(la["mark"], dict) and la["mark"].get("type") == "rule")
    assert rule["mark"]["strokeWidth"] >= 3
    data = charts.comparison_chart(DF, "time_days", "t", label="hardware_name").data
    assert list(data["value_words"]) == ["355", "12,400"]


def test_the_chart_by_profile_id_stays_compact():
    layers = _layers("hardware")
    marks = {(layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]) for layer in layers}
    assert "text" not in marks


def test_a_lectures_comparison_names_its_unit_on_the_top_axis_too():
    """Lecturer review 2026-11-30: at 1280 × 720 the bottom axis, the only one titled, was below the fold, and the
    values on screen ("14.7", "141") had no unit: in a lecture the top axis carries the title too."""
    def titles(label):
        return sorted(str(la["encoding"]["x"].get("title")) for la in _layers(label)
                      if la["encoding"]["x"].get("axis") and la["encoding"]["x"]["axis"] is not None)
    assert titles("hardware_name") == ["Training time (days)", "Training time (days)"]
    assert titles("hardware") == ["None", "Training time (days)"]


def test_a_reference_point_is_a_diamond_and_named_as_one_in_a_lecture():
    """Lecturer review 2026-11-30: with reference points on, the brain and AlphaGo were drawn as more hardware (the
    brain at the top, the same blue dot as the GPUs)."""
    refs = DF.assign(reference=["", "reference point, × 1"])
    points = next(la for la in charts.comparison_chart(refs, "time_days", "t", label="hardware_name").to_dict()["layer"]
                  if isinstance(la["mark"], dict) and la["mark"].get("type") == "point" and la["mark"].get("filled"))
    shape = points["encoding"]["shape"]
    assert shape["condition"]["value"] == "diamond" and shape["value"] == "circle"
    assert "datum.reference" in shape["condition"]["test"]


def test_the_lecture_compare_page_names_its_reference_points():
    from apptest_pages import run_page
    at = run_page("compare", {"preset": "lambda-gpt3-v100", "lecture": "1", "cmp_ref": "true"})
    assert any("Diamonds: reference points (the brain, AlphaGo), not hardware." in c.value for c in at.caption)
    spec = next(iter(at.get("vega_lite_chart"))).proto.spec  # its description names the rows (chart_text.describe)
    assert "Human brain (reference point)" in spec and "AlphaGo distributed (Nature 2016) (reference point)" in spec

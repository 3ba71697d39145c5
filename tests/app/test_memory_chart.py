"""The training-memory chart's device-memory rule (browser audit: a thin red rule at a V100's 34 GB was lost
against GPT-3's 3,075 GB bar, whose optimizer part is red too): dark, dashed, labelled, its label inside."""

from __future__ import annotations

import json

from app_pages.ui import charts
from estimator.services import api


def _spec(memory) -> dict:
    return charts.memory_chart(memory).to_dict()


def test_the_rule_is_dark_dashed_and_labelled_apart_from_the_bars_colours():
    m = api.run(preset_id="lambda-gpt3-v100").estimate.memory
    spec = _spec(m)
    marks = [layer["mark"] for layer in spec["layer"]]
    rule = next(mk for mk in marks if mk["type"] == "rule")
    assert rule["color"] == charts.MEMORY_RULE_COLOR != "red" and rule["strokeDash"] and rule["strokeWidth"] >= 3
    texts = [mk for mk in marks if mk["type"] == "text"]
    assert {t["align"] for t in texts} == {"left", "right"}
    df = charts.memory_frame(m)
    cap = df[df.kind == "capacity"].iloc[0]
    assert cap.label == "device memory 34.36 GB (32 GiB)" and not cap.leftwards  # far left of a 3,075 GB bar: reads rightwards
    assert "device memory 34.36 GB (32 GiB)" in json.dumps(spec, ensure_ascii=False)


def test_a_rule_in_the_right_half_labels_leftwards():
    m = api.run(params=6.738e9, tokens=2e12, hardware="a100-sxm-80gb", devices=64, memory={"zero": "3"}).estimate.memory
    df = charts.memory_frame(m)
    cap = df[df.kind == "capacity"].iloc[0]
    assert m.per_device.total_gb < m.capacity_gb == 85.9 and cap.leftwards


def test_no_bundled_profiles_source_line_is_cut_on_the_estimate_page():
    """Browser audit: the embodied source line in "How this was computed" was cut at 600 characters."""
    from app_pages.pages.estimate import SOURCE_LINE_LIMIT, source_lines
    from estimator.io.datafiles import default_profiles
    longest = 0
    for pid in default_profiles().profiles:
        lines = source_lines(api.run(hardware=pid, flops=1e21).estimate)
        longest = max(longest, *map(len, lines))
    assert 1000 < longest <= SOURCE_LINE_LIMIT  # the longest, a die-area model's embodied source, whole


def test_the_bar_shows_zero3s_gathered_layer_only_where_there_is_one():
    zero3 = api.run(params=6.738e9, tokens=2e12, hardware="a100-sxm-80gb", devices=64, memory={"zero": "3"}).estimate.memory
    parts = charts.memory_frame(zero3).query("kind == 'part'")
    assert list(parts.part) == ["weights", "gradients", "optimizer", "activations", "gathered layer"]
    assert parts.gb.sum() == zero3.per_device.total_gb and parts.gb.iloc[-1] == zero3.per_device.gathered_gb > 0
    zero1 = api.run(params=6.738e9, tokens=2e12, hardware="a100-sxm-80gb", devices=64, memory={"zero": "1"}).estimate.memory
    assert list(charts.memory_frame(zero1).query("kind == 'part'").part) == ["weights", "gradients", "optimizer",
                                                                                "activations"]

"""The Compare page in lecture mode: a slide's chart, not sixty rows by id under a screen of notes (lecturer review
2026-11-30: at 1280×720 the first screen was grey notes, the chart 2,066 px tall, its axis in days up to 100M)."""

from __future__ import annotations

import json
import re

from apptest_pages import shared_page

from app_pages.pages.compare import LECTURE_DEVICES

GPT3 = {"preset": "lambda-gpt3-v100"}


def _chart(at) -> dict:
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def _y_field_and_x_title(spec: dict) -> tuple[str, str]:
    shown = next(layer for layer in spec["layer"] if layer["encoding"]["x"].get("title"))
    return shown["encoding"]["y"]["field"], shown["encoding"]["x"]["title"]


def test_a_lecture_charts_the_landmark_devices_by_name_in_years_and_folds_the_notes_under_it():
    at = shared_page("compare", {**GPT3, "lecture": "1"})
    assert _y_field_and_x_title(_chart(at)) == ("hardware_name", "Training time (years), log scale")
    captions = [c.value for c in at.caption]
    said = next(c for c in captions if "Lecture mode charts" in c)
    shown, compared = map(int, re.search(r"charts (\d+) landmark devices of the (\d+) compared", said).groups())
    assert shown <= len(LECTURE_DEVICES) + 1 < compared  # the landmarks and the run's own V100
    # the notes come after the chart's caption, and no refusal stands above the chart
    assert not at.warning
    assert any(c.startswith("Note") for c in captions[captions.index(said):])


def test_without_lecture_mode_every_profile_is_charted_by_id():
    at = shared_page("compare", GPT3)
    assert _y_field_and_x_title(_chart(at)) == ("hardware", "Training time (years), log scale")
    assert not any("Lecture mode charts" in c.value for c in at.caption)


def test_a_short_run_stays_in_days():
    at = shared_page("compare", {"workload": "params", "params": "1e9", "tokens": "2e10", "devices": "8"})
    assert _y_field_and_x_title(_chart(at))[1] == "Training time (days), log scale"


def test_a_lecture_with_nothing_to_chart_keeps_its_notes_and_csv():
    """Diff review 2026-11-30: with embodied CO₂e off and the embodied chart asked for, lecture mode returned before
    its notes and the CSV."""
    at = shared_page("compare", {**GPT3, "lecture": "1", "cmp": "embodied", "embodied": "false"})
    assert any("nothing to chart" in x.value for x in at.info)
    assert len(at.get("download_button")) == 1
    assert any(x.label.startswith("Notes on the rows") for x in at.expander)

"""The Inference page under ``&lecture=1`` (review 2026-11-27): the headline numbers and what compression saves, with
the hardware, the model and the bits in view (the sidebar is closed in lecture mode); no notes, tables or downloads."""

from __future__ import annotations

from apptest_pages import run_page, shared_page

from estimator import inference
from estimator.report import humanize as hz

PARAMS = {"inf_params": "7e9", "inf_hw": "a100-sxm-80gb"}


def _labels(at) -> set[str]:
    return {m.label for m in at.metric}


def test_lecture_mode_shows_the_headline_and_the_savings_with_few_controls():
    plain, lecture = shared_page("inference", PARAMS), shared_page("inference", {**PARAMS, "lecture": "1"})
    assert {"Time per output token", "Throughput", "Energy per output token", "Cost per query"} <= _labels(lecture)
    assert "Memory" in _labels(plain) and "Memory" not in _labels(lecture)
    def downloads(at):
        return {b.key for b in at.get("download_button")}
    assert "inference_json" in downloads(plain) and not downloads(lecture)  # no JSON, no table's CSV
    assert plain.dataframe and not lecture.dataframe
    assert not lecture.expander or all(e.label != "Notes and assumptions" for e in lecture.expander)
    # the controls a lecture needs are on the page, not in the closed sidebar
    main = {w.label for w in lecture.main.selectbox} | {w.label for w in lecture.main.radio}
    assert {"Hardware", "Bits per weight"} <= main and not {"Hardware"} & {w.label for w in plain.main.selectbox}
    # the same numbers as the page without it, and as the API gives them
    r = inference(params=7e9, tokens=1e9, hardware="a100-sxm-80gb").result
    shown = {m.label: m.value for m in lecture.metric}
    assert shown["Time per output token"] == {m.label: m.value for m in plain.metric}["Time per output token"]
    assert shown["Time per output token"] == hz.token_time(r.seconds_per_output_token)
    assert any(h.value == "What each technique saves" for h in lecture.header)


def test_a_control_in_view_changes_the_lecture_numbers():
    at = run_page("inference", {**PARAMS, "lecture": "1"})
    at.main.radio(key=next(w.key for w in at.main.radio if w.label == "Bits per weight")).set_value("8").run()
    r = inference(params=7e9, tokens=1e9, hardware="a100-sxm-80gb", bits=8).result
    assert {m.label: m.value for m in at.metric}["Time per output token"] == hz.token_time(r.seconds_per_output_token)

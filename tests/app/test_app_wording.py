"""What the pages write where a figure is missing or a count is whole (a browser audit's findings):
"off" only for what the user turned off, "n/a" for what the hardware has no data for, never a
unit beside "n/a", counts without ".0", FLOP counts in scientific notation, column names from a
binary file without control characters."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_pages import shared_page

from app_pages.ui import common as c
from estimator.core.base.errors import InputError
from estimator.io.calibration_io import parse_codecarbon_csv

ROOT = Path(__file__).resolve().parents[2]


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("params, shown", [
    ({"preset": "alphago-vs-brain"}, "n/a"),                 # no embodied figure for a 2016 system
    ({"preset": "gpt3-175b", "embodied": "false"}, "off"),   # turned off by the user
])
def test_embodied_reads_off_only_when_turned_off(params, shown):
    assert _metric(shared_page("estimate", params), "Embodied CO₂e") == shown


def test_a_profile_without_memory_says_n_a_without_units():
    at = shared_page("profiles", {"hardware": "brain"})
    text = " ".join(str(t.value) for t in at.table) + " ".join(str(m.value) for m in at.markdown)
    text += " ".join(str(d.value) for d in at.dataframe)
    assert "n/a GB" not in text and "n/a, n/a" in text


def test_every_flops_field_is_in_scientific_notation():
    """Streamlit's %g prints every digit below 1e21 (2629000000000000000): each number field whose
    label counts FLOPs, on every page that draws one, uses the pages' ``LARGE_NUMBER_FORMAT``."""
    fields = []
    for page, params in (("estimate", {"workload": "flops"}), ("estimate", {"preset": "gpt3-175b"}),
                         ("limits", {"lim": "Scaling laws"}), ("limits", {"lim": "Diminishing returns"}),
                         ("limits", {"lim": "Trends"}), ("calibrate", {})):
        fields += [(page, n.label, n.proto.format) for n in shared_page(page, params).number_input if "FLOPs" in n.label]
    assert len(fields) >= 6, fields  # the two on the Estimate page (a workload typed, a preset's), three on Limits, one on Calibrate
    for page, label, fmt in fields:
        assert fmt == c.LARGE_NUMBER_FORMAT, f"{page}: {label!r} has another format"


def test_a_binary_file_named_as_a_codecarbon_log_shows_no_control_characters():
    text = "\ufffd\x01\x02binary,\x07bell\n1,2\n"  # as the app's upload decodes a binary file
    with pytest.raises(InputError) as err:
        parse_codecarbon_csv(text, "up.csv")
    assert "found: ???binary, ?bell" in str(err.value)
    assert all(ch.isprintable() for ch in str(err.value))


def test_a_workload_field_in_a_hint_names_the_workload_choice_that_shows_it():
    exc = InputError("bad", field=("preset", "params"))
    assert c.error_text(exc) == "bad (inputs: Preset, Parameters N (Workload: params))"


def test_a_saved_track_report_keeps_its_step_counts_whole(tmp_path):
    """The Calibrate page showed "154.0 steady steps after 146.0 warm-up steps" from a report that
    holds 154 and 146: a count read back from a report is an int."""
    import json

    from track_fakes import STEP, WARMUP, Clock, FakeMeter, run_steps

    from estimator.monitor.track import track
    from estimator.report import track_report as track_rep
    clock, out = Clock(), tmp_path / "track.json"
    with track(total_steps=300, backend=FakeMeter(clock), clock=clock, report_path=out, print_report=False) as run:
        run_steps(run, clock, WARMUP + [STEP] * 297)
    rep = track_rep.parse_report(out.read_bytes(), out.name)
    doc = json.loads(out.read_text())
    for key in ("steady_steps", "warmup_steps"):
        assert rep.prediction[key] == doc["step_time"][key] and isinstance(rep.prediction[key], int)
    assert rep.steps_done == 300 and isinstance(rep.total_steps, int)


def test_the_companions_caption_says_what_they_share():
    """The brain beside AlphaGo: the same time, said as the CLI says it (the page's workload switch
    takes a preset or parameters, never both, so the 'same work' case is the CLI's and the API's)."""
    def captions(params):
        return [cap.value.replace("\\", "") for cap in shared_page("estimate", params).caption]  # markdown escapes off
    shown = captions({"preset": "alphago-vs-brain"})
    sentence = ("The same time (4.00 hours) on Human brain, at its own power and PUE: energy 80.0 Wh (up to 50,000× "
                "less than AlphaGo distributed (Nature 2016), whose power is quoted at the top of its stated range: "
                "3,300× – 50,000×)")
    assert sentence + "." in shown, shown
    # the CLI's line word for word (code audit: the app had its own sentence, about the first companion only)
    import contextlib
    import io

    from estimator.cli.main import main
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["estimate", "--preset", "alphago-vs-brain"]) == 0
    assert sentence in buf.getvalue()

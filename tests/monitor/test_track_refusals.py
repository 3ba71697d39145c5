"""``track()`` refuses bad arguments with the project's errors (audit with generated bad inputs): a mapping or an
object for ``report_at``; a clock that is no function (refused at ``track()``), one whose first reading is no finite
number (at the start, what opened closed), and one that returns NaN, runs backwards or returns text later (a
MeasurementError, not an IndexError at the stop); a report or profile path that is no path."""

from __future__ import annotations

import io
import itertools
import json
import math
from fractions import Fraction

import numpy as np
import pytest

from estimator.core.base.errors import InputError, MeasurementError
from estimator.monitor.track import track
from estimator.monitor.track_markers import ENV_TRACK_FILE

QUIET = dict(backend="none", print_report=False, stream=io.StringIO())


def readings(*first, then):
    """A clock that returns ``first``, then ``then`` for ever."""
    values = itertools.chain(first, itertools.repeat(then))
    return lambda: next(values)


def counting(step_s=0.01):
    ticks = itertools.count()
    return lambda: next(ticks) * step_s


def run_steps(clock, steps=50, **options):
    with track(total_steps=100, clock=clock, **{**QUIET, **options}) as run:
        for _ in range(steps):
            run.step()
    return run


@pytest.mark.parametrize("report_at", [{}, {10: 20}, object(), b"10", "10"])
def test_report_at_that_is_no_step_or_list_of_steps_is_refused(report_at):
    with pytest.raises(InputError, match="report_at must be a step number or a list of them") as exc:
        track(total_steps=100, report_at=report_at, **QUIET)  # {} was taken as no steps
    assert exc.value.field == "report_at"


@pytest.mark.parametrize("report_at, words", [(-1, "at least 1"), (2.5, "whole number"), ([None], "must be a number"),
                                              ([math.nan], "finite number"), (True, "step number or a list")])
def test_a_report_step_out_of_its_bound_is_refused_by_name(report_at, words):
    with pytest.raises(InputError, match=words) as exc:
        track(total_steps=100, report_at=report_at, **QUIET)
    assert exc.value.field == "report_at"


@pytest.mark.parametrize("report_at", [np.int64(5), Fraction(5), 5.0, [5], (5, 5), {5}])
def test_a_report_step_of_any_real_type_is_a_step(report_at):
    assert track(total_steps=100, report_at=report_at, **QUIET)._report_steps == [5]


@pytest.mark.parametrize("clock", [5, None, "perf_counter"])
def test_a_clock_that_is_no_function_is_refused_when_the_run_is_made(clock):
    with pytest.raises(InputError, match="clock must be a function that returns the time in seconds") as exc:
        track(total_steps=100, clock=clock, **QUIET)  # 5 was a TypeError at the start
    assert exc.value.field == "clock"


@pytest.mark.parametrize("reading", [math.nan, math.inf, "0", None, 1j])
def test_a_first_reading_that_is_no_finite_number_is_refused_at_the_start(reading, tmp_path, monkeypatch):
    markers = tmp_path / "markers.jsonl"
    monkeypatch.setenv(ENV_TRACK_FILE, str(markers))
    run = track(total_steps=100, clock=lambda: reading, **QUIET)
    with pytest.raises(InputError, match="clock must return the time in seconds as a finite number") as exc:
        run.start()
    assert exc.value.field == "clock"
    assert run._marker is None  # the marker file the start opened is closed again


@pytest.mark.parametrize("later, words", [(math.nan, "not a finite number"), (math.inf, "not a finite number"),
                                          (-5.0, "ran backwards")])
def test_a_clock_that_misbehaves_during_the_run_is_a_measurement_error_at_the_stop(later, words):
    with pytest.raises(MeasurementError, match=words):  # was an IndexError in the step statistics
        run_steps(readings(0.0, 0.1, 0.2, then=later))


def test_a_clock_that_returns_text_during_the_run_is_a_measurement_error_at_that_step():
    with pytest.raises(MeasurementError, match="the clock returned 'x', not the time in seconds as a number"):
        run_steps(readings(0.0, 0.1, 0.2, then="x"))  # was a TypeError


def test_the_report_and_the_prediction_of_a_run_whose_clock_misbehaved_say_so():
    run = track(total_steps=100, clock=readings(0.0, 0.1, then=math.nan), **QUIET).start()
    for _ in range(20):
        run.step()
    for read in (run.predict, run.report_dict):
        with pytest.raises(MeasurementError, match="not a finite number"):
            read()


def test_the_trainings_own_exception_goes_on_up_past_a_broken_clock(tmp_path, monkeypatch):
    markers = tmp_path / "markers.jsonl"
    monkeypatch.setenv(ENV_TRACK_FILE, str(markers))
    stream = io.StringIO()
    with pytest.raises(KeyError, match="the training's own"):
        with track(total_steps=100, clock=readings(0.0, 0.1, then=math.nan), **{**QUIET, "stream": stream}) as run:
            for _ in range(20):
                run.step()
            raise KeyError("the training's own")
    assert "not a finite number" in stream.getvalue()
    events = [json.loads(line) for line in markers.read_text().splitlines()]
    assert [e["event"] for e in events] == ["start", "end"]  # the marker file ends, and is closed


def test_a_constant_clock_still_runs():
    run = run_steps(lambda: 5.0)  # zero step times are times, not a clock running backwards
    assert run.predict().steps_done == 50


@pytest.mark.parametrize("path", [5, None, ["a.json"], ""])
def test_a_report_path_that_is_no_path_is_refused(path):
    run = run_steps(counting())
    with pytest.raises(InputError, match="path (must be a file path|is empty)") as exc:
        run.save_report(path)  # 5 was a TypeError
    assert exc.value.field == "path"


def test_a_profile_path_that_is_no_path_is_refused():
    run = run_steps(counting(), flops_per_step=1e9)
    with pytest.raises(InputError, match="path must be a file path, got int"):
        run.write_profile(5)  # a file named "5" would have been written

"""Measuring engineer's review 2026-12-03 (helper-352): a tracked loop's finished report and its profile, each held
here. What it found and was not changed: the issue's note."""

from __future__ import annotations

import pytest
from track_fakes import WARMUP, Clock, FakeMeter, run_steps

from estimator.io.datafiles import load_profile_file
from estimator.monitor.track import track

CPU = "cpu-server-2s-epyc"


def _drift_note(p) -> str | None:
    return next((n for n in p.notes if n.startswith("the step time drifted (")), None)


def _rising(warmup_steps=None):
    clock = Clock()
    with track(total_steps=300, flops_per_step=1e8, hardware=CPU, backend="none", clock=clock, print_report=False,
               **({} if warmup_steps is None else {"warmup_steps": warmup_steps})) as run:
        run_steps(run, clock, [0.003 + 0.00005 * i for i in range(300)])
    return run.predict()


def test_a_finished_run_whose_steps_kept_drifting_says_so_and_that_the_cut_may_be_drift():
    """Step times rising from 3 ms to 18 ms, no warm-up: the finished report took about 130 steps as MSER's warm-up and
    gave the tail's 7.2 × 10⁹ FLOP/s, where the whole run's FLOPs over its time were 9.3 × 10⁹, and the drift said at
    steps 30 and 150 was not said at the end."""
    p = _rising()
    note = _drift_note(p)
    assert note is not None and p.warmup_steps > 0, p.notes
    assert note.startswith("the step time drifted (+") and (
        f"across the {p.steady_steps:,} steady steps, after the {p.warmup_steps:,} MSER took as the warm-up): the step "
        "time and throughput are the mean of those steps, and the steps cut before them may be part of the drift") in note


@pytest.mark.parametrize("warmup, said", [(20, "after the 20-step warm-up given): the step time and throughput are the "
                                                "mean of those steps"),
                                          (0, "): the step time and throughput are the mean of every step")])
def test_a_drift_after_a_warm_up_given_or_none_is_not_said_to_be_a_cut(warmup, said):
    """Diff review 2026-12-03: with warmup_steps=0 the note said the throughput was "not of the whole run" and gave a
    whole-run figure equal to it; a warm-up given is the user's, not MSER's cut."""
    note = _drift_note(_rising(warmup))
    assert note is not None and said in note and "MSER" not in note and "may be part of the drift" not in note


def test_a_finished_steady_run_says_no_drift():
    clock = Clock()
    with track(total_steps=200, flops_per_step=1e8, hardware=CPU, backend="none", clock=clock,
               print_report=False) as run:
        run_steps(run, clock, WARMUP + [0.01, 0.012] * 98 + [0.01])
    assert _drift_note(run.predict()) is None


def test_write_profile_without_a_path_writes_the_runs_own_file_and_id(tmp_path, monkeypatch):
    """`track(..., profile_path=…, profile_id="my-track")` then `run.write_profile()`: the run wrote my-track to its
    file, and the call a second profile under the default id into the checkout's profiles/calibrated/."""
    monkeypatch.setenv("ESTIMATOR_CALIBRATED_DIR", str(tmp_path / "calibrated"))
    clock = Clock()
    mine = tmp_path / "mine.toml"
    with track(total_steps=200, flops_per_step=1e9, hardware=CPU, backend=FakeMeter(clock, power_w=8.0), clock=clock,
               print_report=False, profile_path=mine, profile_id="my-track") as run:
        run_steps(run, clock, WARMUP + [0.01] * 197)
    assert run.write_profile() == mine
    assert load_profile_file(mine).id == "my-track"
    assert not (tmp_path / "calibrated").exists() or not any((tmp_path / "calibrated").iterdir())
    other = tmp_path / "other.toml"   # a path given is still the one written
    assert run.write_profile(other, profile_id="other-id") == other and load_profile_file(other).id == "other-id"


def _child(drift, how="detected by MSER", warmup=468):
    return {"step_time": {"steady_steps": 532, "steady_s": 22.8, "warmup_steps": warmup, "warmup_how": how},
            "prediction": {"steps_done": 1000, "drift_fraction": drift},
            "energy": {"mean_power_w": 8.0, "steady": True}, "settings": {"backend": "cpu"}}


@pytest.mark.parametrize("drift, how, said", [
    (0.41, "detected by MSER", "those steps' time still drifted (+41% across them): the throughput is their mean, and "
                               "the steps cut before them as a warm-up may be part of the drift"),
    (0.41, "configured", "those steps' time still drifted (+41% across them): the throughput is their mean; "),
    (None, "detected by MSER", None)])
def test_a_command_calibrated_on_steps_that_still_drifted_says_so(drift, how, said):
    """`calibrate -- train_numpy.py --steps 1000`: 468 steps cut as warm-up, the profile the last 532's speed, and no
    word of it but the busy machine's; where the tracked run's steady steps still drifted, the note says so, and that
    the cut may be part of the drift only where MSER made it."""
    from estimator.core.calibration.measurement import Measurement
    from estimator.monitor.calibration_command import _steady_window
    whole = Measurement(58.1, 464.8, 8.0, "codecarbon-rapl", False, "CPU", "codecarbon", {})
    _, _, note = _steady_window(_child(drift, how), whole, 1e12)
    assert note.startswith("measured the steady state only: 532 steps after 468 warm-up steps")
    assert (said in note + "; ") if said else ("drifted" not in note)


def test_a_command_calibrated_on_its_steady_steps_names_the_meters_whole_command_figures():
    """The profile's energy_j and duration_s are the steady window's (22.8 s); CodeCarbon's RAM energy, CPU power and
    load beside them were the whole command's (58 s), unlabelled: a 6:1 RAM-to-CPU energy where like for like is 2.5:1."""
    from estimator.core.calibration.measurement import Measurement
    from estimator.monitor.calibration_command import _steady_window
    whole = Measurement(58.1, 464.8, 8.0, "codecarbon-cpu-load-estimate", True, "CPU", "codecarbon",
                        {"ram_energy_j": 1158.2, "cpu_power_w_reported": 7.87, "cpu_utilization_percent": 92.8,
                         "ram_power_w": 20.0})
    m, _, _ = _steady_window(_child(None), whole, 1e12)
    assert m.duration_s == 22.8 and m.details["whole_command_s"] == 58.1
    assert {k: m.details[f"whole_command_{k}"] for k in ("ram_energy_j", "cpu_power_w_reported",
                                                          "cpu_utilization_percent")} == {
        "ram_energy_j": 1158.2, "cpu_power_w_reported": 7.87, "cpu_utilization_percent": 92.8}
    assert not {"ram_energy_j", "cpu_power_w_reported", "cpu_utilization_percent"} & set(m.details)
    assert m.details["ram_power_w"] == 20.0   # a rate, the same over either window

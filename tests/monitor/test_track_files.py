"""estimator.monitor.track's files and a real training loop: the saved report (round trip and the
reports refused), the markers that calibrate reads, a calibrated profile written at the end, and
the numpy and PyTorch examples run as subprocesses. The run itself is in tests/monitor/test_track.py.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from track_fakes import STEP, WARMUP, Clock, FakeMeter, run_steps

from estimator.core.base.errors import InputError
from estimator.io.datafiles import load_profile_file
from estimator.monitor.track import track
from estimator.monitor.track_markers import ENV_TRACK_FILE, read_track_file
from estimator.report import track_report as track_rep

ROOT = Path(__file__).resolve().parents[2]


# --- files: the report, the markers, a calibrated profile -----------------------------------

def test_saved_report_round_trips_and_bad_reports_are_refused(tmp_path):
    clock = Clock()
    out = tmp_path / "track.json"
    with track(total_steps=2000, backend=FakeMeter(clock), clock=clock, report_path=out, print_report=False) as run:
        run_steps(run, clock, WARMUP + [STEP] * 1497)
    rep = track_rep.parse_report(out.read_bytes(), "track.json")
    assert rep.status == "stopped" and not rep.finished and rep.steps_done == 1500 and rep.total_steps == 2000
    assert rep.prediction["wall_clock_s"] == pytest.approx(1.5 + 1497 * STEP + 500 * STEP)
    assert [h["elapsed_s"] for h in rep.history][:4] == [1.0, 3.0, 7.0, 15.0]  # a snapshot a window
    assert [h["step"] for h in rep.history][:3] == [2, 3 + 1.5 * 64, 3 + 5.5 * 64]
    assert rep.history[-1]["step"] == 1500
    doc = json.loads(out.read_text())
    assert doc["step_time"]["warmup_steps"] == 3 and doc["energy"]["mean_power_w"] == pytest.approx(100.0)
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, no temporary file left
    for data, match in [(b"{", "not a JSON file"), (b"[]", "not a track report"),
                        (json.dumps({**doc, "version": 99}).encode(), "version '99' is not one"),
                        (json.dumps({**doc, "prediction": {**doc["prediction"], "elapsed_s": -1}}).encode(), "elapsed_s"),
                        (b"x" * (track_rep.MAX_REPORT_BYTES + 1), "at most 2 MB")]:
        with pytest.raises(InputError, match=match):
            track_rep.parse_report(data, "bad.json")
    bad_nan = out.read_text().replace('"elapsed_s": ', '"elapsed_s": NaN, "x": ', 1)
    with pytest.raises(InputError):
        track_rep.parse_report(bad_nan.encode(), "nan.json")
    # hand-edited fields a run never writes (measuring reviewer 2026-12-02: each had been taken and shown)
    pred = doc["prediction"]
    for edited, match in [({"prediction": {**pred, "mean_power_w": -7}}, "prediction.mean_power_w must be a number of 0"),
                          ({"prediction": {**pred, "utilization": "high"}}, "prediction.utilization must be a number"),
                          ({"status": 123}, "status must be text"), ({"finished": "yes"}, "finished must be true or false")]:
        with pytest.raises(InputError, match=match):
            track_rep.parse_report(json.dumps({**doc, **edited}).encode(), "edited.json")


def _rising_run(tmp_path, *, total_steps: int, steps: int):
    """A tracked run whose steps after the warm-up rise 0.1% a step, its report saved: the report's path."""
    clock = Clock()
    out = tmp_path / "track.json"
    with track(total_steps=total_steps, backend=FakeMeter(clock), clock=clock, report_path=out, print_report=False,
               warmup_steps=len(WARMUP)) as run:
        run_steps(run, clock, WARMUP + [STEP * (1 + 0.001 * i) for i in range(steps)])
    return out


def test_each_history_row_keeps_the_drift_its_range_was_widened_for(tmp_path):
    """Step times rising 0.1% a step: the report's history keeps, by row, the drift each forecast saw (None before it
    could be seen); a drift below −100%, non-finite or not a number is refused naming the row."""
    out = _rising_run(tmp_path, total_steps=2000, steps=600)
    rep = track_rep.parse_report(out.read_bytes(), "track.json")
    drifts = [h["drift_fraction"] for h in rep.history]
    assert drifts[0] is None
    assert drifts[-1] == pytest.approx(0.6, rel=0.02)  # the last forecast's 600 steps: a line from 1 to 1.6
    assert rep.history[-1]["high_s"] > rep.history[-1]["wall_clock_s"] * 1.1
    doc = json.loads(out.read_text())
    for bad, match in [(-1.5, "drift_fraction must be a fraction of −1 or more, got '-1.5'"),
                       ("up", "history row 0: drift_fraction must be a fraction"), (True, "drift_fraction")]:
        doc["history"][0]["drift_fraction"] = bad
        with pytest.raises(InputError, match=match):
            track_rep.parse_report(json.dumps(doc).encode(), "bad.json")
    doc["history"][0]["drift_fraction"] = float("inf")
    with pytest.raises(InputError, match="drift_fraction"):
        track_rep.parse_report(json.dumps(doc).replace("Infinity", "1e999").encode(), "bad.json")
    del doc["history"][0]["drift_fraction"]  # a report written before rows kept it
    assert track_rep.parse_report(json.dumps(doc).encode(), "old.json").history[0]["drift_fraction"] is None


@pytest.mark.parametrize("change, match", [
    ({"steady_steps": "abc"}, "steady_steps must be a number"),
    ({"step_s": "x"}, "step_s must be a number"),
    ({"step_s": -1.0}, "step_s must be a number of 0 or more"),
    ({"range_level": "high"}, "range_level must be a fraction"),
    ({"range_level": 80}, "range_level must be a fraction"),
    ({"notes": 5}, "notes must be a list"),
    ({"total_steps": 1e300}, "total_steps is 10³⁰⁰, more than the 10¹²"),
    ({"steps_done": 2.5}, "steps_done must be a whole number"),
    ({"elapsed_s": 1e300}, "elapsed_s is 10³⁰⁰"),
    ({"wall_clock_s": 1e300}, "wall_clock_s is 10³⁰⁰"),
    ({"energy_kwh": 1e300}, "energy_kwh is 10³⁰⁰"),
    ({"range": {"wall_clock_s": [10.0, 5.0]}}, "range.wall_clock_s must be \\[low, high\\] around the value"),
    ({"range": "wide"}, "range must be an object"),
])
def test_a_report_with_a_field_the_page_shows_broken_is_refused_naming_it(tmp_path, change, match):
    """Every field the Calibrate page shows is checked on load: a hand-edited or corrupt report is an
    error naming the field, never a traceback or a nonsense figure on the page."""
    clock = Clock()
    out = tmp_path / "track.json"
    with track(total_steps=2000, backend=FakeMeter(clock), clock=clock, report_path=out, print_report=False) as run:
        run_steps(run, clock, WARMUP + [STEP] * 100)
    doc = json.loads(out.read_text())
    doc["prediction"].update(change)
    with pytest.raises(InputError, match=match):
        track_rep.parse_report(json.dumps(doc).encode(), "bad.json")


def test_a_report_the_tracker_writes_at_its_own_bounds_loads(tmp_path):
    """The read caps come from what the tracker can write: a trillion steps of a second each is a
    31,700-year prediction, which the tracker accepts, so the page must load it."""
    clock = Clock()
    out = tmp_path / "long.json"
    with track(total_steps=10**12, backend=FakeMeter(clock), clock=clock, report_path=out, print_report=False) as run:
        run_steps(run, clock, WARMUP + [1.0] * 100)
    rep = track_rep.parse_report(out.read_bytes(), "long.json")
    assert rep.prediction["wall_clock_s"] > track_rep.MAX_SECONDS  # past the wall-clock input bound, yet loaded


def test_a_reports_settings_text_is_cut_to_what_the_page_shows(tmp_path):
    clock = Clock()
    out = tmp_path / "track.json"
    with track(total_steps=2000, backend=FakeMeter(clock), clock=clock, report_path=out, print_report=False) as run:
        run_steps(run, clock, WARMUP + [STEP] * 100)
    doc = json.loads(out.read_text())
    doc["settings"]["device_name"] = {"nested": "x" * 1000}
    doc["prediction"]["notes"] = ["y" * 1000, 7]
    rep = track_rep.parse_report(json.dumps(doc).encode(), "odd.json")
    assert isinstance(rep.settings["device_name"], str) and len(rep.settings["device_name"]) == track_rep.TEXT_CHARS
    assert [len(n) for n in rep.prediction["notes"]] == [track_rep.TEXT_CHARS, 1]


def test_markers_for_calibrate(tmp_path, monkeypatch):
    marker = tmp_path / "m.jsonl"
    monkeypatch.setenv(ENV_TRACK_FILE, str(marker))
    clock = Clock()
    with track(total_steps=300, backend="none", clock=clock, print_report=False) as run:
        run_steps(run, clock, WARMUP + [0.01] * 297)
    events = [json.loads(line)["event"] for line in marker.read_text().splitlines()]
    assert events[0] == "start" and events[-1] == "end" and events.count("steps") == 4  # at 1, 2, 3, 4 s
    report, markers, runs = read_track_file(marker)[:3]
    assert markers == 4 and runs == 1
    assert report["step_time"]["steady_steps"] == 297 and report["step_time"]["warmup_steps"] == 3
    assert read_track_file(tmp_path / "none.jsonl") == (None, 0, 0, ())


def test_write_a_calibrated_profile(tmp_path):
    clock = Clock()
    meter = FakeMeter(clock, power_w=150.0)
    with track(total_steps=500, flops_per_step=2e9, hardware="cpu-server-2s-epyc", backend=meter, clock=clock,
               print_report=False, profile_path=tmp_path / "mine.toml") as run:
        run_steps(run, clock, WARMUP + [0.02] * 497)
    prof = load_profile_file(tmp_path / "mine.toml")
    assert prof.calibration["achieved_flops_per_s"] == pytest.approx(2e9 / 0.02)
    assert prof.utilization.default == pytest.approx(1e11 / 7.0656e12)
    assert prof.power.average_w == pytest.approx(150.0) and prof.calibration["details"]["steady_steps"] == 497
    assert prof.calibration["method"].startswith("estimator.monitor.track in the user's training loop")
    other = tmp_path / "other.toml"
    other.write_text("# someone's notes\n")
    with pytest.raises(InputError, match="already holds"):
        run.write_profile(other)
    assert other.read_text() == "# someone's notes\n"
    no_flops = track(total_steps=10, backend="none", hardware="cpu-server-2s-epyc")
    with pytest.raises(InputError, match="flops_per_step"):
        no_flops.write_profile(tmp_path / "x.toml")


def test_profile_path_failure_at_the_end_is_reported_not_raised(tmp_path, capsys):
    clock = Clock()
    with track(total_steps=50, flops_per_step=1e9, backend=FakeMeter(clock), clock=clock, hardware="cpu-server-2s-epyc",
               profile_path=tmp_path / "p.toml") as run:
        run_steps(run, clock, [0.01] * 3)  # too few steps to calibrate: known only at the end
    assert not (tmp_path / "p.toml").exists()
    assert "writing the profile" in run.failures[0] and "not enough steps to calibrate" in run.failures[0]
    assert "not enough steps to calibrate" in capsys.readouterr().err


def test_a_profile_that_cannot_be_written_is_refused_before_the_training(tmp_path):
    """Measure audit: without a base profile (a CPU has none detected) or without flops_per_step, the refusal came
    after the whole training, with exit 0 and the reason only in run.failures."""
    clock = Clock()
    run = track(total_steps=50, flops_per_step=1e9, backend=FakeMeter(clock), clock=clock, profile_path=tmp_path / "p.toml")
    with pytest.raises(InputError, match=r"profile_path: a calibrated profile needs a base hardware profile: no profile "
                                         r"is matched to a CPU; give hardware= a CPU profile for a peak "
                                         r"\(cpu-server-2s-epyc, or one calibrated here\) and price_usd_per_device_hour= "
                                         r"for this machine's price$") as exc:
        run.start()
    assert exc.value.fields == ("profile_path",) and run._status == "not started"
    with pytest.raises(InputError, match="profile_path: a calibrated profile needs flops_per_step"):
        track(total_steps=50, backend=FakeMeter(clock), clock=clock, hardware="cpu-server-2s-epyc",
              profile_path=tmp_path / "p.toml")


# --- a real numpy training loop ------------------------------------------------------------

ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@pytest.mark.slow
def test_numpy_example_predicts_its_total_from_the_first_10_percent(tmp_path):
    """The example's real numpy MLP, 300 steps whose times vary (batch sizes 64–192 and a
    simulated data-loading wait of 0–40 ms), the CPU measured through CodeCarbon. The prediction
    made at step 30 lands within 20% of the measured total, and its 80% range is neither empty
    nor vague, and misses the total, if at all, by less than its own half-width again. Unless the
    steps before 30 showed a drift: the report's history then keeps it, and the range reaches from
    the drift stopping to its going on to the end, which holds the total. A steady run sees a drift
    that is not there one window in ten (a t-test at 10%: test_step_times.py); CI saw one once,
    beside the other test worker's load (6.3–22.7 s around 7.0 s, 2026-11-28).

    One draw of an 80% range misses one time in five by design, so this test cannot ask the range
    to hold the total: it did fail that way once in CI, by 0.3 ms in 4.2 s (1.001 half-widths).
    The range's coverage itself is measured in simulation (test_step_times.py,
    `test_the_80_percent_range_holds_the_total_80_percent_of_the_time`). Seed 3 fixes the batch sizes and waits (its first
    30 steps are typical of the rest: 20.9 ms of wait on average against 20.8 ms), so runs differ
    only by the machine's noise. The wait is most of a step (the MLP's own work about 3.5 ms): with a
    10 ms wait the compute was a quarter of each step, and the other test worker's load arriving after
    step 30 slowed the rest past the 20% (a run of the full suite on 2026-11-26, not reproduced alone).
    On the 2-core development machine, under other tests' load, the range was ±7–8% and in 9 runs the
    measured total (10 ms waits) landed between −0.5 and +0.8 of its half-width from its centre (errors
    of the point −6% to +3%). A machine the tracker saw busy is held to less (below)."""
    out = tmp_path / "track.json"
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "train_numpy.py"), "--steps", "300", "--width", "32",
                           "--data-ms", "20", "--seed", "3", "--backend", "cpu", "--report", str(out)],
                          env={**os.environ, **ONE_THREAD}, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert "final loss" in proc.stdout and "estimator.monitor.track: step 30 of 300 (10%)" in proc.stderr
    rep = track_rep.parse_report(out.read_bytes(), out.name)
    assert rep.finished and rep.steps_done == 300
    at_10 = next(h for h in rep.history if h["step"] == 30)
    total = rep.elapsed_s
    centre_s, half_s = (at_10["high_s"] + at_10["low_s"]) / 2, (at_10["high_s"] - at_10["low_s"]) / 2
    assert half_s > 0.01 * centre_s, at_10
    # a machine the tracker saw busy (its load average above its CPUs: the other test worker) moves the steps by what
    # the other work does, which no forecast knows: the tracker says so, and the forecast is held to a factor of 2
    # only (CI 2026-11-28: the first 30 steps 26% slower than the rest beside the other worker, 9.30 s forecast for
    # 7.40 s); on a quiet machine to 20% and the range as below
    busy = ("the machine looks busy now" in proc.stderr
            or any(n.startswith("the machine looked busy") for n in rep.prediction["notes"]))
    if busy:
        assert at_10["wall_clock_s"] == pytest.approx(total, rel=1.0) and at_10["low_s"] <= at_10["high_s"]
        return
    assert at_10["wall_clock_s"] == pytest.approx(total, rel=0.20)
    if at_10["drift_fraction"] is None:
        assert half_s < 0.30 * centre_s, at_10
        assert abs(total - centre_s) < 2 * half_s, (at_10, total)
    else:  # widened for the drift, so as to hold the total whether the drift stopped or went on, and no further than a
        # false drift on steady steps widens it (2.3–5.4× the point in 400 simulated windows: test_step_times.py)
        assert at_10["low_s"] <= total <= at_10["high_s"] < 6 * at_10["wall_clock_s"], (at_10, total)
    if rep.settings["backend"] == "codecarbon":  # CodeCarbon is in requirements.txt
        assert rep.prediction["energy_kwh"] > 0 and rep.prediction["mean_power_w"] > 0
        assert rep.settings["power_source"].startswith("codecarbon")


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_torch_example_runs_or_says_torch_is_missing(tmp_path):
    """With PyTorch the example trains and reports like the numpy one; without it, one line and status 2."""
    import importlib.util
    out = tmp_path / "torch.json"
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "train_torch.py"), "--steps", "60", "--width", "32",
                           "--backend", "none", "--report", str(out)],
                          env={**os.environ, **ONE_THREAD}, capture_output=True, text=True, timeout=300)
    if importlib.util.find_spec("torch") is None:
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1
        assert proc.stderr.startswith("error: this example needs PyTorch")
        return
    assert proc.returncode == 0, proc.stderr
    rep = track_rep.parse_report(out.read_bytes(), out.name)
    assert rep.finished and rep.steps_done == 60 and rep.prediction["step_s"] > 0
    assert "estimator.monitor.track: step 6 of 60 (10%)" in proc.stderr


def test_an_existing_file_that_is_not_a_report_or_a_profile_is_refused_before_the_run(tmp_path):
    """Exports audit: report_path=train.py replaced the training script with the JSON report, without a word."""
    script = tmp_path / "train.py"
    script.write_text("print('my training script')\n")
    notes = tmp_path / "notes.json"
    notes.write_text('{"mine": 1}\n')
    for path in (script, notes):
        with pytest.raises(InputError, match="already holds a file that is not a track report") as e:
            track(total_steps=10, backend="none", report_path=path)
        assert e.value.field == "report_path"
    assert script.read_text() == "print('my training script')\n" and notes.read_text() == '{"mine": 1}\n'
    config = tmp_path / "config.toml"
    config.write_text("[tool]\nname = 'mine'\n")
    with pytest.raises(InputError, match="already holds something that is not a valid profile"):
        track(total_steps=10, backend=FakeMeter(Clock()), profile_path=config)
    assert config.read_text() == "[tool]\nname = 'mine'\n"
    # a report the run wrote before is the run's to replace
    clock = Clock()
    report = tmp_path / "r.json"
    for _ in range(2):
        with track(total_steps=300, backend=FakeMeter(clock), clock=clock, report_path=report, print_report=False) as run:
            run_steps(run, clock, [STEP] * 300)
        assert json.loads(report.read_text())["format"] == track_rep.REPORT_FORMAT


def test_a_profile_path_holding_another_profile_is_refused_at_the_start_and_the_runs_own_is_replaced(tmp_path):
    """Review: a profile_path holding another profile (a copy of h100-sxm.toml) passed the setup, and the end of
    the whole training refused to replace it, with a force= that track() does not take."""
    import shutil
    mine = tmp_path / "mine.toml"
    shutil.copy(Path(__file__).resolve().parents[2] / "profiles" / "h100-sxm.toml", mine)
    clock = Clock()
    # refused when track() is called, before the run starts (a profile that is no tracked loop's: review 2026-11-28)
    with pytest.raises(InputError, match="already holds the profile 'h100-sxm', NVIDIA H100 SXM 80GB, not a calibration, "
                                         "not a tracked loop's; writing would replace it"):
        track(total_steps=500, flops_per_step=2e9, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock, power_w=150.0),
              clock=clock, print_report=False, profile_path=mine)
    assert load_profile_file(mine).id == "h100-sxm"
    # the run's own profile, written before, is the run's to replace
    own = tmp_path / "own.toml"
    for power_w in (150.0, 120.0):
        clock = Clock()
        with track(total_steps=500, flops_per_step=2e9, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock, power_w=power_w),
                   clock=clock, print_report=False, profile_path=own) as run:
            run_steps(run, clock, WARMUP + [0.02] * 497)
        assert load_profile_file(own).power.average_w == pytest.approx(power_w)
    empty = tmp_path / "empty.toml"  # an empty file, as tempfile.mkstemp leaves one, is no profile yet: taken
    empty.write_text("")
    clock = Clock()
    with track(total_steps=500, flops_per_step=2e9, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock, power_w=90.0),
               clock=clock, print_report=False, profile_path=empty) as run:
        run_steps(run, clock, WARMUP + [0.02] * 497)
    assert load_profile_file(empty).power.average_w == pytest.approx(90.0)


def test_an_empty_report_file_is_taken_and_a_fifo_is_refused(tmp_path):
    empty = tmp_path / "r.json"
    empty.write_text("")  # as tempfile.mkstemp leaves it
    clock = Clock()
    with track(total_steps=300, backend=FakeMeter(clock), clock=clock, report_path=empty, print_report=False) as run:
        run_steps(run, clock, [STEP] * 300)
    assert json.loads(empty.read_text())["format"] == track_rep.REPORT_FORMAT
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is not a regular file"):
        track(total_steps=10, backend="none", report_path=fifo)


def test_a_finished_rows_drift_is_none_and_a_rows_range_must_hold_its_point(tmp_path):
    """Measuring engineer's review 2026-11-28: the finished row kept the drift (+68%) of a range that had collapsed to
    what the run took, and a hand-edited row of low 99, high 1 was taken. The last row of a finished run with rising
    steps has no drift; a row whose range is not around its point is refused naming the row."""
    out = _rising_run(tmp_path, total_steps=600, steps=597)
    rep = track_rep.parse_report(out.read_bytes(), "track.json")
    assert rep.finished and rep.history[-1]["low_s"] == rep.history[-1]["high_s"]
    assert rep.history[-1]["drift_fraction"] is None and rep.history[-2]["drift_fraction"] is not None
    doc = json.loads(out.read_text())
    for low, high in [(99.0, 1.0), (None, 5.0), (1e-9, 2e-9)]:
        doc["history"][1].update(low_s=low, high_s=high)
        with pytest.raises(InputError, match="history row 1: low_s and high_s must be a range around wall_clock_s"):
            track_rep.parse_report(json.dumps(doc).encode(), "bad.json")


@pytest.mark.parametrize("args, flag", [(["--report", "{unrelated}"], "(--report)"), (["--report-at", "0"], "(--report-at)"),
                                        (["--report-at", "50"], "(--report-at)"), (["--hardware", "bogus"], "(--hardware)")])
def test_the_numpy_example_refuses_bad_input_in_one_line_without_a_traceback(tmp_path, args, flag):
    """Measuring engineer's review 2026-11-28: the example printed a Python traceback for a report path holding another
    file, a report step of 0 or an unknown profile; it exits 2 with one `error:` line, as the CLI does, naming the
    script's flag, not track()'s keyword (API review 2026-12-02: "report_at must be …" for --report-at)."""
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("mine")
    argv = [a.format(unrelated=unrelated) for a in args]
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "train_numpy.py"), "--steps", "5", "--width", "8",
                           "--backend", "none", *argv], env={**os.environ, **ONE_THREAD}, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.rstrip().endswith(flag)
    assert not any(k in proc.stderr for k in ("report_at", "total_steps", "report_path"))  # the script's words
    assert unrelated.read_text() == "mine"


def test_a_run_shorter_than_the_meters_power_sampling_gives_no_energy_and_says_why():
    """Measuring engineer's review 2026-11-28: CodeCarbon's CPU energy over runs of 15–44 ms read 0.012–0.035 W, under
    its own floor, with no caveat; review 2026-11-29: with the caveat, 0.015 W was still printed with an 80% range.
    A meter that samples power every second (CodeCarbon's measure_power_secs here) over a run of 0.5 s gives no power
    nor energy, and says why; over 3 s, it gives them; a meter without a sampling interval (NVML's counter) too."""
    def run_for(step_s: float, sampling_s: float | None):
        clock = Clock()
        meter = FakeMeter(clock)
        if sampling_s is not None:
            meter.measure_power_secs = sampling_s
        with track(total_steps=50, backend=meter, clock=clock, print_report=False) as run:
            run_steps(run, clock, [step_s] * 50)
        p = run.predict()
        return p, [n for n in p.notes if n.startswith("energy: the run's measurement windows")]
    p, (said,) = run_for(0.01, 1.0)
    assert said == ("energy: the run's measurement windows took 0.5 s in all, under the meter's 1-s power sampling, "
                    "too short to measure its energy, so none is given: measure a longer run")
    assert p.mean_power_w is None and p.energy_kwh is None and p.energy_measured_kwh is None
    assert p.range["energy_kwh"] == (None, None)
    for p, said in (run_for(0.06, 1.0), run_for(0.01, None)):
        assert said == [] and p.mean_power_w == pytest.approx(FakeMeter(Clock()).power_w) and p.energy_kwh > 0


def test_a_report_and_a_window_at_one_step_keep_one_history_row(tmp_path):
    """Measuring engineer's review 2026-11-30: the saved history had steps 100 and 150 twice each (a report and a
    window's tick at the same step), their points doubled on the Calibrate page's chart; one row a step, the later."""
    clock = Clock()
    out = tmp_path / "track.json"
    with track(total_steps=2000, backend=FakeMeter(clock), clock=clock, report_path=out, print_report=False) as run:
        run_steps(run, clock, WARMUP + [STEP] * 500)
        run.report(stream=io.StringIO())
        run.report(stream=io.StringIO())  # again at the same step: it replaces the row, not beside it
        run_steps(run, clock, [STEP] * 100)
    steps = [h["step"] for h in track_rep.parse_report(out.read_bytes(), "track.json").history]
    assert len(steps) == len(set(steps)) and steps == sorted(steps) and 503 in steps


def test_a_report_of_a_run_stepped_past_its_total_loads(tmp_path):
    """Diff review 2026-12-02: a run stepped past total_steps (taken as finished) writes steps_done above it; a check
    on load had refused the tracker's own report."""
    clock = Clock()
    out = tmp_path / "over.json"
    with track(total_steps=20, backend=FakeMeter(clock), clock=clock, report_path=out, print_report=False) as run:
        run_steps(run, clock, [STEP] * 25)
    rep = track_rep.parse_report(out.read_bytes(), "over.json")
    assert (rep.steps_done, rep.total_steps) == (25, 20)

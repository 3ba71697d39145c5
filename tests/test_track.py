"""estimator.measure.track: the whole run predicted from its first steps.

The run on a fake clock, energy from a fake meter and from the fake NVML, measurement failures
that never stop the training, the files (report, markers, profile), and a real numpy training
loop run as a subprocess. The statistics (pure) are in tests/test_step_times.py.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from estimator.core.errors import InputError, MeasurementError, UnknownRegionError
from estimator.core.units import J_PER_KWH, S_PER_HOUR
from estimator.io.datafiles import load_profile_file
from estimator.measure.base import Backend, Measurement
from estimator.measure.nvml import NvmlBackend
from estimator.measure.track import Run, track
from estimator.measure.track_markers import ENV_TRACK_FILE, read_track_file
from estimator.report import track_report as track_rep

ROOT = Path(__file__).resolve().parents[1]
TRACK = sys.modules["estimator.measure.track"]  # the module (estimator.measure.track may name the function once re-exported)


class Clock:
    """A clock the test moves: step() reads it, the test advances it."""

    def __init__(self, t: float = 1000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


class FakeMeter(Backend):
    """A power meter at a constant power on the fake clock; ``read_cost_s`` moves the clock
    while a window is read (a slow meter); ``fail_on_end`` makes that end_window fail."""

    name, kind = "fake", "cpu"

    def __init__(self, clock: Clock, power_w: float = 100.0, read_cost_s: float = 0.0, fail_on_end: int | None = None,
                 error: MeasurementError | None = None):
        self.clock, self.power_w, self.read_cost_s = clock, power_w, read_cost_s
        self.fail_on_end = fail_on_end
        self.error = error or MeasurementError("the fake meter is unplugged")
        self.device_name = "Fake CPU"
        self.begins = self.ends = self.aborts = self.closes = 0
        self._t0 = None

    def begin_window(self):
        self.begins += 1
        self._t0 = self.clock()

    def end_window(self):
        self.ends += 1
        if self.fail_on_end == self.ends:
            raise self.error
        self.clock.t += self.read_cost_s
        d = self.clock() - self._t0
        return Measurement(d, self.power_w * d, self.power_w, "fake-meter", False, "Fake CPU", "fake", {})

    def abort_window(self):
        self.aborts += 1
        self._t0 = None

    def close(self):
        self.closes += 1


def run_steps(run: Run, clock: Clock, durations) -> None:
    for d in durations:
        clock.t += d
        run.step()


WARMUP = [0.5, 0.5, 0.5]
ALTERNATING = [0.010, 0.014] * 50  # mean 12 ms; every batch of 10 has the same mean: no spread


# --- the run, on a fake clock --------------------------------------------------------------

def test_run_predicts_the_whole_run_from_its_first_steps():
    clock = Clock()
    with track(total_steps=1000, backend="none", clock=clock, print_report=False) as run:
        run_steps(run, clock, WARMUP + ALTERNATING)
        p = run.predict()
        assert p.warmup_steps == 3 and p.warmup_how == "detected by MSER" and p.steady_steps == 100
        assert p.step_s == pytest.approx(0.012)
        wall = 1.5 + 100 * 0.012 + 897 * 0.012
        assert p.wall_clock_s == pytest.approx(wall) and p.range["wall_clock_s"] == pytest.approx((wall, wall))
        assert p.energy_kwh is None and any("backend='none'" in n for n in p.notes)
        run_steps(run, clock, [0.012] * 897)
    final = run.predict()
    assert final.done and final.wall_clock_s == pytest.approx(wall) and final.elapsed_s == pytest.approx(wall)


def test_configured_warm_up_overrides_detection():
    clock = Clock()
    with track(total_steps=200, backend="none", warmup_steps=10, clock=clock, print_report=False) as run:
        run_steps(run, clock, WARMUP + ALTERNATING)
        p = run.predict()
    assert (p.warmup_steps, p.warmup_how, p.steady_steps) == (10, "configured", 93)


STEP = 1 / 64  # exact in binary: the fake clock's sums are exact


def test_energy_windows_grow_and_the_meter_reads_are_left_out_of_the_step_times():
    clock = Clock()
    meter = FakeMeter(clock, power_w=100.0, read_cost_s=0.25)
    with track(total_steps=3000, backend=meter, clock=clock, print_report=False) as run:
        run_steps(run, clock, [STEP] * 2000)  # 31.25 s of steps
        p = run.predict()
        windows = list(run._energy.windows)
    ends = [w.last_step for w in windows]
    assert ends == [64, 192, 448, 960, 1600]  # windows of 1, 2, 4, 8 s of steps, then 10 s
    assert p.step_s == pytest.approx(STEP)  # 0.25 s meter reads are not step time…
    assert p.elapsed_s == pytest.approx(2000 * STEP + 5 * 0.25)  # …but they are wall time
    assert p.mean_power_w == pytest.approx(100.0)
    assert p.wall_clock_s == pytest.approx(2000 * STEP + 5 * 0.25 + 1000 * STEP)
    assert p.energy_kwh == pytest.approx(100.0 * p.wall_clock_s / J_PER_KWH)
    assert p.co2e_kg == pytest.approx(p.energy_kwh * 0.475)
    assert meter.closes >= 1 and meter.begins == meter.ends + meter.aborts  # the last window closed at the end
    assert meter.ends == 5 + 1 and meter.aborts == 1  # the windows and the last read; the throw-away one aborted


def test_a_report_at_a_chosen_step_is_printed_and_its_time_left_out(capsys):
    clock = Clock()

    class SlowStream:
        def write(self, s):
            clock.t += 0.1  # printing takes 0.1 s of wall time
            sys.stderr.write(s)

        def flush(self):
            pass

    with track(total_steps=500, backend="none", report_at=[50, 100], stream=SlowStream(), clock=clock,
               hardware="cpu-server-2s-epyc") as run:
        run_steps(run, clock, [0.02] * 120)
        p = run.predict()
    err = capsys.readouterr().err
    assert err.count("estimator.measure.track: step ") == 2 and "step 50 of 500 (10%)" in err and "step 100 of 500" in err
    assert "whole run   " in err and "cost        $" in err and "stopped early, step 120 of 500" in err and "finished" not in err
    assert p.step_s == pytest.approx(0.02) and p.elapsed_s > 120 * 0.02
    assert p.cost_usd == pytest.approx(7.344 * p.wall_clock_s / S_PER_HOUR)


def test_measurement_failure_never_stops_the_training(capsys):
    clock = Clock()
    meter = FakeMeter(clock, power_w=80.0, fail_on_end=3)
    with track(total_steps=1000, backend=meter, clock=clock) as run:
        run_steps(run, clock, [0.01] * 1000)  # the 3rd window fails at 7 s
    p = run.predict()
    assert p.done and p.steady_steps > 0
    assert run.failures == ["reading the energy window: MeasurementError: the fake meter is unplugged"]
    assert p.mean_power_w == pytest.approx(80.0)  # from the two windows before the failure
    assert p.energy_kwh == pytest.approx(80.0 * p.wall_clock_s / J_PER_KWH)  # the rest predicted from them
    err = capsys.readouterr().err
    assert "measurement failed, the training goes on with time only" in err and "unplugged" in err
    assert any("energy measurement failed" in n for n in p.notes)


def test_an_unexpected_os_error_from_the_meter_is_caught_too():
    clock = Clock()
    meter = FakeMeter(clock, fail_on_end=1, error=OSError(5, "Input/output error"))
    with track(total_steps=100, backend=meter, clock=clock, print_report=False) as run:
        run_steps(run, clock, [0.01] * 100)
    p = run.predict()
    assert p.done and p.energy_kwh is None and "OSError" in run.failures[0]


def test_the_users_exception_goes_on_up_and_the_report_says_so(tmp_path):
    clock = Clock()
    out = tmp_path / "r.json"
    with pytest.raises(ZeroDivisionError):
        with track(total_steps=100, backend="none", clock=clock, report_path=out, print_report=False) as run:
            run_steps(run, clock, [0.01] * 20)
            raise ZeroDivisionError("division by zero")
    rep = track_rep.parse_report(out.read_bytes(), "r.json")
    assert rep.status == "failed (ZeroDivisionError)" and not rep.finished and rep.steps_done == 20


def test_misuse_and_bad_arguments_are_input_errors():
    run = track(total_steps=10, backend="none", print_report=False)
    with pytest.raises(InputError, match="before the run started"):
        run.step()
    with run:
        run.step()
    with pytest.raises(InputError, match="after the run stopped"):
        run.step()
    with pytest.raises(InputError, match="already started"):
        run.start()
    for kwargs, match in [({"total_steps": 0}, "total_steps"), ({"total_steps": 2.5}, "whole"),
                          ({"flops_per_step": -1}, "flops_per_step"), ({"devices": 0}, "devices"),
                          ({"report_at": "x"}, "report_at"), ({"backend": "gpu"}, "backend"),
                          ({"region": "FRA", "carbon_intensity_g_per_kwh": 50}, "not both"),
                          ({"hardware": "no-such-gpu"}, "unknown hardware"), ({"energy_window_s": 0.1}, "energy_window_s"),
                          ({"hardware": "cpu-server-2s-epyc", "precision": "fp8"}, "no peak")]:
        with pytest.raises(InputError, match=match):
            track(**{"total_steps": 10, **kwargs})
    with pytest.raises(UnknownRegionError):
        track(total_steps=10, region="XXX")


def test_region_sets_the_grid_intensity():
    run = track(total_steps=10, region="FRA", backend="none")
    assert run.settings.carbon_intensity_g_per_kwh < 100 and "FRA" in run.settings.carbon_intensity_source


def test_a_long_run_keeps_its_step_times_at_a_coarser_grain(monkeypatch):
    monkeypatch.setattr(TRACK, "MAX_KEPT", 64)
    clock = Clock()
    with track(total_steps=1000, backend="none", clock=clock, print_report=False) as run:
        run_steps(run, clock, WARMUP + [0.01] * 497)
        p = run.predict()
        stride = run._stride
    assert stride == 8 and len(run._times) <= 64 + 1  # 500 steps in at most 64 + 1 timestamps
    assert p.step_s == pytest.approx(0.01, rel=0.02) and p.wall_clock_s == pytest.approx(1.5 + 497 * 0.01 + 500 * 0.01,
                                                                                          rel=0.01)


# --- energy from the fake NVML, and the GPU detected -------------------------------------------

def test_nvml_backend_measures_energy_and_the_gpu_is_detected():
    from fake_nvml import FakeClock, FakeGpu  # the fake held to pynvml's API, on the injected clock
    clock = FakeClock(tick=1e-6)  # every read moves it on by 1 µs, as a real clock would
    backend = NvmlBackend(FakeGpu(clock, power_w=300.0).module(), clock=clock, poll_in_thread=False)
    with track(total_steps=400, backend=backend, clock=clock, print_report=False) as run:
        for _ in range(150):
            clock.advance(0.01)
            if backend._open:
                backend.poll()
            run.step()
        p = run.predict()
    assert run.settings.hardware_id == "h100-sxm" and run.settings.hardware_how.startswith("detected")
    assert run.settings.power_source == "nvml-energy-counter"
    assert p.mean_power_w == pytest.approx(300.0, rel=1e-4)
    assert p.energy_kwh == pytest.approx(300.0 * p.wall_clock_s * run.settings.pue / J_PER_KWH, rel=1e-4)
    assert p.cost_usd == pytest.approx(run.settings.price_usd_per_device_hour * p.wall_clock_s / S_PER_HOUR)
    assert not run.failures


def test_nvml_lost_mid_run_is_reported_and_the_training_goes_on():
    from fake_nvml import FakeClock, FakeGpu
    clock = FakeClock(tick=1e-6)
    backend = NvmlBackend(FakeGpu(clock, power_w=300.0, fail_after_s=0.5).module(), clock=clock,
                          poll_in_thread=False)
    with track(total_steps=150, backend=backend, clock=clock, print_report=False) as run:
        for _ in range(150):
            clock.advance(0.01)
            if backend._open:
                backend.poll()
            run.step()
    assert run.predict().done and run._n == 150
    assert run.failures and "GPU is lost" in run.failures[0]


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


@pytest.mark.parametrize("change, match", [
    ({"steady_steps": "abc"}, "steady_steps must be a number"),
    ({"step_s": "x"}, "step_s must be a number"),
    ({"step_s": -1.0}, "step_s must be a number of 0 or more"),
    ({"range_level": "high"}, "range_level must be a fraction"),
    ({"range_level": 80}, "range_level must be a fraction"),
    ({"notes": 5}, "notes must be a list"),
    ({"total_steps": 1e300}, "total_steps is 1e\\+300, more than the 1e\\+12"),
    ({"steps_done": 2.5}, "steps_done must be a whole number"),
    ({"elapsed_s": 1e300}, "elapsed_s is 1e\\+300"),
    ({"wall_clock_s": 1e300}, "wall_clock_s is 1e\\+300"),
    ({"energy_kwh": 1e300}, "energy_kwh is 1e\\+300"),
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
    report, markers = read_track_file(marker)
    assert markers == 4 and report["step_time"]["steady_steps"] == 297 and report["step_time"]["warmup_steps"] == 3
    assert read_track_file(tmp_path / "none.jsonl") == (None, 0)


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
    assert prof.calibration["method"].startswith("estimator.measure.track in the user's training loop")
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
    with track(total_steps=50, flops_per_step=1e9, backend="none", clock=clock,
               profile_path=tmp_path / "p.toml") as run:  # no hardware: no base profile
        run_steps(run, clock, [0.01] * 50)
    assert not (tmp_path / "p.toml").exists()
    assert "writing the profile" in run.failures[0] and "base hardware profile" in run.failures[0]
    assert "needs a base hardware profile" in capsys.readouterr().err


# --- a real numpy training loop ------------------------------------------------------------

ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@pytest.mark.slow
def test_numpy_example_predicts_its_total_from_the_first_10_percent(tmp_path):
    """The example's real numpy MLP, 300 steps whose times vary (batch sizes 64–192 and a
    simulated data-loading wait of 0–20 ms), the CPU measured through CodeCarbon. The prediction
    made at step 30 lands within 20% of the measured total, and its 80% range is neither empty
    nor vague, and misses the total, if at all, by less than its own half-width again.

    One draw of an 80% range misses one time in five by design, so this test cannot ask the range
    to hold the total: it did fail that way once in CI, by 0.3 ms in 4.2 s (1.001 half-widths).
    The range's coverage itself is measured in simulation (test_step_times.py,
    `test_the_80_percent_range_holds_the_total_80_percent_of_the_time`). Seed 3 fixes the batch sizes and waits (its first
    30 steps are typical of the rest: 10.45 ms of wait on average against 10.39 ms), so runs differ
    only by the machine's noise. On the 2-core development machine, under other tests' load, the
    range was ±7–8% and in 9 runs the measured total landed between −0.5 and +0.8 of its
    half-width from its centre (errors of the point −6% to +3%)."""
    out = tmp_path / "track.json"
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "train_numpy.py"), "--steps", "300", "--width", "32",
                           "--data-ms", "10", "--seed", "3", "--backend", "cpu", "--report", str(out)],
                          env={**os.environ, **ONE_THREAD}, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert "final loss" in proc.stdout and "estimator.measure.track: step 30 of 300 (10%)" in proc.stderr
    rep = track_rep.parse_report(out.read_bytes(), out.name)
    assert rep.finished and rep.steps_done == 300
    at_10 = next(h for h in rep.history if h["step"] == 30)
    total = rep.elapsed_s
    assert at_10["wall_clock_s"] == pytest.approx(total, rel=0.20)
    centre_s, half_s = (at_10["high_s"] + at_10["low_s"]) / 2, (at_10["high_s"] - at_10["low_s"]) / 2
    assert 0.01 * centre_s < half_s < 0.30 * centre_s, at_10
    assert abs(total - centre_s) < 2 * half_s, (at_10, total)
    if rep.settings["backend"] == "codecarbon":  # CodeCarbon is in requirements.txt
        assert rep.prediction["energy_kwh"] > 0 and rep.prediction["mean_power_w"] > 0
        assert rep.settings["power_source"].startswith("codecarbon")


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
    assert "estimator.measure.track: step 6 of 60 (10%)" in proc.stderr


def test_a_warm_up_window_too_short_to_read_does_not_turn_energy_off():
    """Audit: the thrown-away first window was read; on a clock that had not moved (a coarse clock)
    the read failed, and the whole run lost its energy. It is now aborted, not read."""
    from fake_nvml import FakeClock, FakeGpu
    clock = FakeClock()  # the meter's clock moves only when the loop moves it
    backend = NvmlBackend(FakeGpu(clock, power_w=300.0).module(), clock=clock, poll_in_thread=False)
    t = [0.0]
    with track(total_steps=400, backend=backend, hardware="h100-sxm", stream=io.StringIO(), clock=lambda: t[0]) as run:
        for _ in range(400):
            t[0] += 0.01
            clock.advance(0.01)
            run.step()
    assert run.failures == []
    p = run.predict()
    assert p.energy_kwh is not None and p.energy_kwh > 0


def test_steps_that_took_no_time_on_the_clock_give_no_throughput_and_no_crash():
    """Audit: a clock that never moved made the mean step time 0, and the report divided by it,
    raising from the `with` block: measurement must never stop the training."""
    with track(total_steps=100, flops_per_step=1e9, backend="none", clock=lambda: 5.0, stream=io.StringIO()) as run:
        for _ in range(100):
            run.step()
    p = run.predict()
    assert p.achieved_flops_per_s is None
    assert "the steps took no measurable time on the run's clock: no throughput" in p.notes

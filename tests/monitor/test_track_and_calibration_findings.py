"""The track and calibration audit's findings (2026-11), one test or more each: what was wrong, held
to what is right now. The auditor's scratch scripts were the repros; here each runs on the fakes
(tests/track_fakes.py, tests/fake_nvml.py) or on the real CLI where it is quick.

1. no power measured: the base server's 450 W beside a small machine's throughput; 2. several
tracked runs in one command; 3. the base's kind checked for every backend; 4. an interrupted run's
open window and its labels; 5. an unwritable report path; 6. a CPU server's price on another
machine; 7. the Calibrate page's save destination; 8. what still works without NVML, and why a CPU
has no embodied carbon; 9. report_at as text, "1 step", a run that ran no step.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pynvml
import pytest
from fake_nvml import FakeClock, FakeGpu
from track_fakes import STEP, TWO_RUNS, WARMUP, Clock, FakeMeter, RealClockMeter, run_steps

from estimator.cli.main import main
from estimator.core.base.errors import InputError, MeasurementError
from estimator.core.base.units import J_PER_KWH
from estimator.core.training.estimate import estimate
from estimator.core.workload.scenario import Scenario
from estimator.device import matmul_bench as mb
from estimator.device.base import TimerBackend
from estimator.io.datafiles import default_profiles, load_profile_file
from estimator.monitor import calibration_command as cc
from estimator.monitor.calibration_run import calibrate_builtin
from estimator.monitor.track import track
from estimator.monitor.track_markers import ENV_TRACK_FILE, read_track_file
from estimator.report import humanize as hz
from estimator.report import track_report as track_rep

ROOT = Path(__file__).resolve().parents[2]
CPU = default_profiles().get("cpu-server-2s-epyc")


def no_codecarbon(monkeypatch) -> None:
    """This machine as one without CodeCarbon: the CPU backend is a timer."""
    monkeypatch.setattr("estimator.device.cpu.codecarbon_available", lambda: False)
    monkeypatch.setattr("estimator.io.paths.codecarbon_available", lambda: False)




# --- 1. no power measured: no profile pairs a whole server's power with a small machine's speed ----

def test_a_cpu_calibration_without_a_power_meter_is_refused_before_anything_runs(monkeypatch):
    """Audit: without CodeCarbon the profile kept the base server's 450 W beside this 2-core machine's
    measured throughput: `estimate --flops 1e15` said 813 Wh for a run that drew ~11.5 Wh at 7.9 W."""
    ran = []
    monkeypatch.setattr(mb, "run_numpy", lambda *a, **k: ran.append(1) or [])
    timer = TimerBackend("Fake CPU", "CodeCarbon is not installed", clock=FakeClock(tick=2.0))
    with pytest.raises(MeasurementError, match=r"no power was measured: CodeCarbon is not installed; a CPU "
                                               r"calibration without a power reading cannot make a profile"):
        calibrate_builtin(timer, CPU, 1.0)
    with pytest.raises(MeasurementError, match="no power was measured"):
        cc.calibrate_command(timer, CPU, [sys.executable, "-c", "pass"], 1e9, holdout_s=0)
    assert ran == []


def test_a_calibration_refused_before_its_window_still_closes_the_backend(monkeypatch):
    """Conventions audit: the checks ran before ``with backend:``, so the app's caller, which has no
    try/close of its own, left a refused backend open."""
    closed = []

    class Timer(TimerBackend):
        def close(self):
            closed.append(1)

    monkeypatch.setattr(mb, "run_numpy", lambda *a, **k: [])
    with pytest.raises(MeasurementError, match="no power was measured"):
        calibrate_builtin(Timer("Fake CPU", "CodeCarbon is not installed", clock=FakeClock(tick=2.0)), CPU, 1.0)
    assert closed == [1]


def test_the_cli_without_codecarbon_refuses_a_cpu_calibration_in_one_line(monkeypatch, capsys, tmp_path):
    no_codecarbon(monkeypatch)
    ran = []
    monkeypatch.setattr(mb, "run_numpy", lambda *a, **k: ran.append(1) or [])
    out = tmp_path / "x.toml"
    assert main(["calibrate", "--backend", "cpu", "--seconds", "0.5", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no power was measured: CodeCarbon, which reads the CPU's power, is not installed "
                          "(`pip install codecarbon`); a CPU calibration without a power reading") and err.count("\n") == 1
    assert "450 W" in err and not out.exists() and ran == []


def test_a_tracked_run_without_power_writes_no_cpu_profile(tmp_path):
    """t_none_wp.py: track(backend="none", hardware="cpu-server-2s-epyc", profile_path=...) wrote the
    profile; a timer (no CodeCarbon) did the same through run.write_profile()."""
    with pytest.raises(InputError, match="profile_path: a calibrated profile needs the power measured over the run, "
                                         "and backend='none' turns the measurement off") as e:
        track(total_steps=200, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend="none",
              profile_path=tmp_path / "p.toml")
    assert e.value.field == "profile_path"
    clock = Clock()
    timer = TimerBackend("Fake CPU", "CodeCarbon is not installed", clock=clock)
    with track(total_steps=200, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend=timer, clock=clock,
               print_report=False) as run:
        run_steps(run, clock, WARMUP + [0.01] * 197)
    with pytest.raises(MeasurementError, match="a CPU calibration without a power reading"):
        run.write_profile(tmp_path / "p.toml")
    assert not (tmp_path / "p.toml").exists()


def test_a_cpu_profile_with_measured_power_prices_energy_at_that_power(tmp_path):
    """The right answer beside the refusal: a meter's 7.9 W over the measured throughput."""
    clock = Clock()
    with track(total_steps=500, flops_per_step=2e9, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock, power_w=7.9),
               clock=clock, print_report=False, profile_path=tmp_path / "m.toml") as run:
        run_steps(run, clock, WARMUP + [0.02] * 497)
    prof = load_profile_file(tmp_path / "m.toml")
    est = estimate(Scenario(flops=1e15), prof)
    seconds = 1e15 / (2e9 / 0.02)
    assert est.wall_clock_s == pytest.approx(seconds)
    assert est.energy_kwh == pytest.approx(7.9 * seconds * prof.pue / J_PER_KWH)
    assert prof.notes.startswith("Calibrated profile: throughput and power measured on")


@pytest.mark.slow
def test_the_apps_cpu_calibration_without_codecarbon_says_why_and_offers_nothing_to_save(monkeypatch):
    pytest.importorskip("streamlit")
    from apptest_pages import run_page
    no_codecarbon(monkeypatch)
    at = run_page("calibrate", {"cal_seconds": "1"})
    at.button(key="cal_run_cpu").click()
    at.run(timeout=60)
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("no power was measured" in e and "a CPU calibration without a power reading" in e for e in errors), errors
    assert not [b for b in at.button if b.key == "cal_cpu_save"]


# --- 2. several tracked runs in one command -------------------------------------------------



def test_the_markers_count_every_tracked_run(tmp_path, monkeypatch):
    marker = tmp_path / "m.jsonl"
    monkeypatch.setenv(ENV_TRACK_FILE, str(marker))
    for _ in range(2):
        clock = Clock()
        with track(total_steps=300, backend="none", clock=clock, print_report=False) as run:
            run_steps(run, clock, WARMUP + [0.01] * 297)
    report, markers, runs = read_track_file(marker)[:3]
    assert runs == 2 and markers == 8 and report["prediction"]["steps_done"] == 300


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_a_command_with_two_tracked_runs_takes_its_flops_over_the_whole_command():
    """two_phase.py: the last of two runs took all of --flops (0.26 TFLOP/s against 0.14 for one run).
    The FLOPs given are the whole command's: taken over the whole command, and said."""
    result = cc.calibrate_command(RealClockMeter(), CPU, [sys.executable, "-c", TWO_RUNS], 1e9, holdout_s=0)
    assert result.window == "whole command"
    assert result.data["calibration"]["achieved_flops_per_s"] == pytest.approx(1e9 / result.measurement.duration_s)
    assert result.measurement.details["tracked_runs"] == 2
    assert any(n.startswith("the command ran 2 tracked runs (estimator.monitor.track): the FLOPs given are the whole "
                            "command's") for n in result.notes)


# --- 3. the base's kind, whatever the backend -------------------------------------------------

def test_a_cpu_measurement_never_becomes_a_gpu_profile(tmp_path):
    """t_wp.py: track(backend="cpu", hardware="h100-sxm") wrote a GPU profile with the CPU's throughput
    and 6.7 W; only NVML's backend had been checked."""
    clock = Clock()
    # a meter object given is the caller's to choose: measured as given, and its profile refused by calibration's rule
    with track(total_steps=400, flops_per_step=1e9, hardware="h100-sxm", backend=FakeMeter(clock), clock=clock,
               print_report=False) as run:
        run_steps(run, clock, WARMUP + [0.01] * 397)
    with pytest.raises(InputError, match="the measurement is of a cpu, but the base profile h100-sxm is a gpu"):
        run.write_profile(tmp_path / "x.toml")
    assert not (tmp_path / "x.toml").exists()
    # the CPU's meter asked for by name with a GPU's profile: refused at the start (measure review 2026-11-26)
    with pytest.raises(InputError, match="the measurement is of a cpu, but hardware h100-sxm is a gpu"):
        with track(total_steps=400, flops_per_step=1e9, hardware="h100-sxm", backend="cpu", print_report=False):
            pass


def test_a_gpu_profile_on_a_machine_without_its_gpu_is_timed_not_given_the_cpus_energy(monkeypatch):
    """Measure review 2026-11-26: track(hardware="h100-sxm") with no NVML fell back to the CPU and reported
    CodeCarbon's 4 W as the H100's energy; `auto` now keeps the time only, and says why."""
    from estimator.device import backends
    clock = Clock()
    meter = FakeMeter(clock)
    meter.fallback_reason = "NVML is not available: no driver; the CPU backend still works"
    monkeypatch.setattr(backends, "open_backend", lambda *a, **k: meter)
    with track(total_steps=400, flops_per_step=1e9, hardware="h100-sxm", clock=clock, print_report=False) as run:
        run_steps(run, clock, WARMUP + [0.01] * 397)
    p = run.predict()
    assert p.energy_kwh is None and p.co2e_kg is None and p.wall_clock_s > 0
    said = " ".join(run.notes)
    assert "time only: no GPU meter opened (NVML is not available: no driver), and the CPU's energy would be " \
           "reported as the h100-sxm's" in said
    assert not any("measuring the CPU instead" in n for n in run.notes)
    # a choice made as asked, not a failure (measuring engineer's review 2026-12-03)
    assert not any("time only" in f for f in run.failures)
    assert "failed:" not in run.report() and "note: time only: no GPU meter opened" in run.report()


# --- 4. an interrupted run: its last window read, its figures labelled ----------------------------

def test_a_failed_run_says_its_profile_was_not_written(tmp_path):
    """Measure review 2026-11-26: a run that raised at step 200 of 300 with profile_path= wrote no profile, and
    neither the report nor stderr said so."""
    clock = Clock()
    out = io.StringIO()
    with pytest.raises(RuntimeError, match="boom"):
        with track(total_steps=300, flops_per_step=1e9, backend=FakeMeter(clock, power_w=100.0), clock=clock,
                   hardware="cpu-server-2s-epyc", profile_path=tmp_path / "p.toml", stream=out) as run:
            run_steps(run, clock, WARMUP + [0.01] * 197)
            raise RuntimeError("boom")
    assert not (tmp_path / "p.toml").exists()
    said = f"profile_path: no profile written to {tmp_path / 'p.toml'}: the run failed (RuntimeError)"
    assert any(f.startswith(said) for f in run.failures)
    assert said in " ".join(out.getvalue().split())


def test_an_interrupted_run_keeps_the_energy_of_its_open_window():
    """t_fake.py case 5: 1,500 steps of 10 ms at 100 W used 1,500 J; 703 J were reported."""
    clock = Clock()
    run = track(total_steps=10_000, backend=FakeMeter(clock, power_w=100.0), clock=clock, print_report=False)
    run.start()
    run_steps(run, clock, [0.01] * 1500)
    run.stop(RuntimeError("x"))
    p = run._prediction()
    assert p.energy_measured_kwh * J_PER_KWH == pytest.approx(1500.0)
    assert run.report_dict()["energy"]["measured_j"] == pytest.approx(1500.0)


def test_ctrl_c_reads_the_open_window_and_the_report_says_what_is_predicted():
    clock = Clock()
    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        with track(total_steps=10_000, backend=FakeMeter(clock, power_w=100.0), clock=clock, stream=out) as run:
            run_steps(run, clock, [0.01] * 1500)
            raise KeyboardInterrupt
    text = out.getvalue()
    assert text.startswith("estimator.monitor.track: interrupted, step 1,500 of 10,000 (15%)")
    lines = {line[2:14].strip(): line for line in text.splitlines()[1:]}
    assert " predicted (80%" in lines["whole run"] and " predicted (80%" in lines["CO₂e"]
    assert f"{hz.energy(1500 / J_PER_KWH)} measured so far" in lines["energy"]
    assert lines["energy"].startswith(f"  energy      {hz.energy(100.0 * 100.0 / J_PER_KWH)} predicted")


def test_a_finished_runs_report_does_not_call_its_figures_predicted():
    clock = Clock()
    out = io.StringIO()
    with track(total_steps=300, backend=FakeMeter(clock), clock=clock, stream=out) as run:
        run_steps(run, clock, WARMUP + [0.01] * 297)
    text = out.getvalue()
    assert text.startswith("estimator.monitor.track: finished, step 300 of 300") and "predicted" not in text
    assert f"{hz.energy(100.0 * run.predict().elapsed_s / J_PER_KWH)} measured;" in text


def test_the_app_shows_an_interrupted_runs_status_and_labels_its_predictions(tmp_path):
    pytest.importorskip("streamlit")
    from apptest_pages import run_page
    clock = Clock()
    path = tmp_path / "t.json"
    with pytest.raises(KeyboardInterrupt):
        with track(total_steps=10_000, backend=FakeMeter(clock, power_w=100.0), clock=clock, report_path=path,
                   print_report=False, price_usd_per_device_hour=2.0) as run:
            run_steps(run, clock, [0.01] * 1500)
            raise KeyboardInterrupt
    doc, at = json.loads(path.read_text()), run_page("calibrate")
    at.file_uploader(key="cal_track_upload").set_value(("t.json", path.read_bytes(), "application/json"))
    at.run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Device energy, before PUE, measured"] == hz.energy(1500 / J_PER_KWH)
    assert metrics["Predicted energy with PUE"] == hz.energy(doc["prediction"]["energy_kwh"])
    assert metrics["Predicted CO₂e"] == hz.co2e(doc["prediction"]["co2e_kg"])
    assert metrics["Predicted cost"] == hz.money(doc["prediction"]["cost_usd"])
    assert not {"Energy", "Energy with PUE", "CO₂e", "Cost"} & metrics.keys()
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any(w.startswith("The run was interrupted, at step 1,500 of 10,000: the whole run's time, energy, CO₂e "
                            "and cost are predicted from its steps, not measured.") for w in warnings), warnings


# --- 5. an unwritable report path -----------------------------------------------------------------

def test_a_report_path_that_cannot_be_written_is_refused_when_track_is_called(tmp_path):
    """t_badpath.py: report_path=<a file>/x.json was accepted, then failed every window (~100 times)."""
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    for path, match in [(a_file / "x.json", "is not a folder"), (tmp_path / "missing" / "x.json", "does not exist"),
                        (tmp_path, "is a folder")]:
        with pytest.raises(InputError, match=match) as e:
            track(total_steps=10, backend="none", report_path=path)
        assert e.value.field == "report_path" and str(e.value).startswith("report_path ")
    assert not (tmp_path / "missing").exists()  # no folder made unasked
    with pytest.raises(InputError, match="profile_path must name a .toml file"):
        track(total_steps=10, backend=FakeMeter(Clock()), profile_path=tmp_path / "p.json")


def test_a_report_that_stops_being_writable_is_reported_once_with_a_count(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    clock = Clock()
    out = io.StringIO()
    with track(total_steps=10_000, backend=FakeMeter(clock), clock=clock, stream=out,
               report_path=folder / "r.json") as run:
        run_steps(run, clock, [STEP] * 64)
        (folder / "r.json").unlink()
        folder.rmdir()  # gone mid-run: the next writes fail, and the folder is not made again
        run_steps(run, clock, [STEP] * 5000)
    assert not folder.exists()
    writes = [f for f in run.failures if f.startswith("writing the report")]
    assert len(writes) == 1 and writes[0].endswith(" times)") and "does not exist" in writes[0]
    count = int(writes[0].rsplit("(", 1)[1].split()[0])
    assert count >= 8  # each window's rewrite and the last one, counted on one line
    text = out.getvalue()
    assert text.count("does not exist") == 2  # said once as it happened, once in the final report
    assert "measurement failed" not in text and "  failed: writing the report" in text


# --- 6. a CPU server's price -------------------------------------------------------------------

def test_a_cpu_run_is_not_priced_at_the_whole_servers_hour():
    """README's train_numpy example: a 2-vCPU run was costed at the 96-core server's $7.344 an hour."""
    clock = Clock()
    with track(total_steps=1000, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock), clock=clock,
               print_report=False) as run:
        run_steps(run, clock, WARMUP + [0.01] * 197)
        p = run.predict()
    assert run.settings.price_usd_per_device_hour is None and p.cost_usd is None
    assert any(n.startswith("no cost: cpu-server-2s-epyc's price, $7.344 an hour, is a whole server's") and
               "price_usd_per_device_hour=" in n for n in p.notes)
    clock = Clock()
    with track(total_steps=1000, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock), clock=clock,
               price_usd_per_device_hour=0.09, print_report=False) as run:
        run_steps(run, clock, WARMUP + [0.01] * 197)
        p = run.predict()
    assert p.cost_usd == pytest.approx(0.09 * p.wall_clock_s / 3600) and not any("whole server" in n for n in p.notes)


# --- 7. the Calibrate page's save destination ----------------------------------------------------

def test_the_save_button_names_the_real_folder_and_a_command_that_works(calibrated_dir):
    pytest.importorskip("streamlit")
    from apptest_pages import run_page
    log = ROOT / "tests" / "data" / "codecarbon" / "emissions_codecarbon_3.3.2.csv"
    at = run_page("calibrate", {"cal_flops": "1e13"})
    at.file_uploader(key="cal_upload").set_value((log.name, log.read_bytes(), "text/csv"))
    at.run()
    save = at.button(key="cal_import_save")
    assert save.label == "Save on this server"  # short for a phone; the caption names the file (browser check)
    captions = " ".join(c.value.replace("\\", "") for c in at.caption)
    pid = captions.split(f"Saving writes {calibrated_dir}/", 1)[1].split(".toml", 1)[0]
    assert save.help == f"Writes {calibrated_dir / pid}.toml"
    assert f"estimate --hardware {pid} …" in captions and f"--hardware {pid}.toml" not in captions
    save.click()
    at.run()
    success = [s.value.replace("\\", "") for s in at.success]
    assert success == [f"Saved {calibrated_dir / pid}.toml: use it with --hardware {pid}"]
    code = main(["estimate", "--hardware", pid, "--flops", "1e15"])  # the command shown works
    assert code == 0


# --- 8. what still works without NVML; why a CPU has no embodied carbon ----------------------------

def test_without_nvml_the_message_says_what_the_cpu_backend_really_measures(monkeypatch):
    from estimator.core.base.errors import BackendUnavailable
    from estimator.device.nvml import NvmlBackend
    missing = FakeGpu(FakeClock(), init_error=pynvml.NVML_ERROR_LIBRARY_NOT_FOUND).module()
    with pytest.raises(BackendUnavailable, match="the CPU backend still works \\(its power through CodeCarbon\\)"):
        NvmlBackend(missing)
    no_codecarbon(monkeypatch)
    with pytest.raises(BackendUnavailable) as e:
        NvmlBackend(missing)
    assert "still works" not in str(e.value)
    assert str(e.value).endswith("the CPU backend measures time only here: CodeCarbon, which reads the CPU's power, "
                                 "is not installed (`pip install codecarbon`)")
    from estimator.device.backends import backend_status
    _, cpu = backend_status(missing)
    assert not cpu.available and "a CPU calibration, which needs the CPU's power, is refused" in cpu.detail


def test_a_tracked_run_on_the_cpu_without_codecarbon_says_time_only(monkeypatch):
    from estimator.device import nvml as nvml_mod
    no_codecarbon(monkeypatch)
    monkeypatch.setattr(nvml_mod, "_import_pynvml",
                        FakeGpu(FakeClock(), init_error=pynvml.NVML_ERROR_LIBRARY_NOT_FOUND).module)
    clock = Clock()
    with track(total_steps=100, backend="auto", clock=clock, print_report=False) as run:
        run_steps(run, clock, [0.01] * 100)
    (note,) = [n for n in run.notes if "NVML" in n]
    assert note.endswith("CodeCarbon, which reads the CPU's power, is not installed (`pip install codecarbon`); "
                         "measuring the CPU instead, time only")
    assert run.predict().energy_kwh is None


@pytest.mark.parametrize("hardware, reason", [
    ("cpu-server-2s-epyc", "its profile states no figure, and the fallback (an H100's footprint scaled by memory) is "
                           "made only for accelerators, not a cpu"),
    ("brain", "it is a reference point, not hardware with a manufacturing footprint"),
])
def test_no_embodied_carbon_gives_the_true_reason(hardware, reason):
    from estimator.services import api
    est = api.run(hardware=hardware, hours=1.0).estimate
    name = default_profiles().get(hardware).name
    assert est.embodied_co2e_kg is None and f"no embodied carbon: {name}: {reason}" in est.notes


# --- 9. report_at as text; one step; no step --------------------------------------------------------

def test_report_at_as_text_is_refused_as_a_whole():
    with pytest.raises(InputError, match="report_at must be a step number or a list of them, got 'abc'") as e:
        track(total_steps=10, backend="none", report_at="abc")
    assert e.value.field == "report_at"


def test_one_step_is_one_step(tmp_path):
    clock = Clock()
    with track(total_steps=10, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock),
               clock=clock, print_report=False) as run:
        run_steps(run, clock, [0.01])
    with pytest.raises(MeasurementError, match=r"\(1 step done\)"):
        run.write_profile(tmp_path / "p.toml")


def test_a_run_that_ran_no_step_says_so_not_finished():
    for total in (None, 100):
        out = io.StringIO()
        with track(total_steps=total, backend="none", stream=out) as run:
            pass
        first = out.getvalue().splitlines()[0]
        assert first.startswith("estimator.monitor.track: no steps ran, step 0") and "finished" not in first
        assert track_rep.format_report(run._prediction(), run.settings, final=True, status="stopped") == out.getvalue().rstrip("\n")


@pytest.mark.parametrize("steady, said", [
    (True, "power from the command's own measurement of those steps"),
    (False, "power from the command's own measurement, over energy windows that include its warm-up"),
])
def test_a_tracked_commands_power_is_said_as_its_report_gives_it(steady, said):
    """Measure review 2026-11-26: `calibrate -- CMD` said the power was of the steady steps while the command's own
    report said its power windows included the warm-up."""
    from estimator.device.base import Measurement
    whole = Measurement(10.0, 500.0, 50.0, "codecarbon-rapl", False, "CPU", "codecarbon", {})
    child = {"step_time": {"steady_steps": 168, "steady_s": 3.0, "warmup_steps": 132},
             "prediction": {"steps_done": 300}, "energy": {"mean_power_w": 40.0, "steady": steady},
             "settings": {"backend": "codecarbon", "power_source": "codecarbon-rapl"}}
    m, flops, note = cc._steady_window(child, whole, 3e11)
    assert said in note
    assert m.mean_power_w == 40.0 and flops == pytest.approx(3e11 * 168 / 300)


def test_a_run_stopped_before_a_forecast_still_says_its_energy():
    """Measuring engineer's review 2026-11-27: a loop broken at step 8 of 20 printed no energy and predict() had
    none, though the report file held 5.19 J measured."""
    clock = Clock()
    out = io.StringIO()
    with track(total_steps=20, backend=FakeMeter(clock, power_w=100.0), clock=clock, stream=out) as run:
        run_steps(run, clock, [0.2] * 8)
    p = run.predict()
    assert not p.ready and p.energy_measured_kwh * J_PER_KWH == pytest.approx(160.0)  # 100 W × 8 × 0.2 s
    assert p.mean_power_w == pytest.approx(100.0)
    energy = next(line for line in out.getvalue().splitlines() if line.startswith("  energy"))
    assert f"{hz.energy(160.0 / J_PER_KWH)} measured so far" in energy and "100 W mean" in energy
    # the run has stopped: too few steps, not "yet" (measuring engineer's review 2026-12-03)
    assert "  not enough steps: a prediction needs 10 steps after the warm-up (8 steps done)" in out.getvalue()
    assert "not enough steps yet" not in out.getvalue()


def test_an_unfinished_runs_energy_line_says_an_estimate_and_a_finished_one_says_measured():
    """Code review 2026-11-27: the energy line before a forecast left out ", an estimate" for CodeCarbon's modelled
    CPU, and said "so far" for a run with no total that had ended."""
    from estimator.core.tracking.predict import Power, Settings, predict
    from estimator.report.track_report import format_report
    power = Power(mean_w=8.0, windows=1, sd_w=None, steady=False, energy_done_j=32.0, measured_until_s=4.0,
                  per_step_j=4.0, per_step_sd_j=None)
    s = Settings(power_is_estimate=True, power_source="codecarbon-cpu-load-estimate")
    ended = format_report(predict(s, None, power, 8, 4.1), s, final=True)
    energy = next(line for line in ended.splitlines() if line.startswith("  energy"))
    assert f"{hz.energy(32.0 / J_PER_KWH)} measured;" in energy and ", an estimate]" in energy
    running = format_report(predict(Settings(total_steps=20), None, power, 8, 4.1), Settings(total_steps=20))
    assert "measured so far" in running and "mean after the warm-up" not in running  # windows not steady


def test_the_reports_two_energies_a_step_say_which_is_which():
    """Measure review 2026-11-29: the JSON report's energy.per_step_j (0.02923 J) and prediction.energy_per_step_j
    (0.02879 J) read alike; the per-step summary says how its figure is made and which the prediction's is."""
    clock = Clock()
    with track(total_steps=400, backend=FakeMeter(clock, power_w=100.0), clock=clock, print_report=False) as run:
        run_steps(run, clock, [0.01] * 400)
    doc = run.report_dict()
    assert doc["energy"]["per_step_how"].startswith("the windows' measured energy ÷ their steps")
    assert "the prediction's energy_per_step_j is the steady power × the steady mean step time" in \
        doc["energy"]["per_step_how"]
    p = doc["prediction"]
    assert p["energy_per_step_j"] == pytest.approx(p["mean_power_w"] * p["step_s"], rel=1e-9)


def test_print_report_takes_true_or_false_only():
    """Measure review 2026-11-29: print_report="no" was taken as True (a truthy text), where numbers refuse True."""
    from estimator.core.base.errors import InputError
    for bad in ("no", 0, 1, None):
        with pytest.raises(InputError, match="print_report must be True or False") as exc:
            track(total_steps=10, backend="none", print_report=bad)
        assert exc.value.fields == ("print_report",)
    assert track(total_steps=10, backend="none", print_report=False).print_report is False


def test_track_takes_the_grid_as_estimate_does():
    """API review 2026-11-29: `track(region='california')` asked for "country USA and region california", and
    `track(country='USA', …)` was refused as an unknown input; a cloud region was refused too."""
    from estimator import estimate
    from estimator.core.base.errors import InputError
    ca = track(total_steps=20, backend="none", print_report=False, country="USA", region="california")
    est = estimate(flops=1e20, country="USA", region="california")
    assert ca.settings.carbon_intensity_g_per_kwh == pytest.approx(est.assumption("carbon_intensity_g_per_kwh").value)
    aws = track(total_steps=20, backend="none", print_report=False, cloud="aws:us-east-1")
    assert aws.settings.carbon_intensity_g_per_kwh == pytest.approx(
        estimate(flops=1e20, cloud="aws:us-east-1").assumption("carbon_intensity_g_per_kwh").value)
    assert track(total_steps=20, backend="none", print_report=False, region="FRA").settings.carbon_intensity_g_per_kwh \
        == pytest.approx(estimate(flops=1e20, country="FRA").assumption("carbon_intensity_g_per_kwh").value)
    # a site's own intensity beside its country, as estimate takes it (docs/how-to/choose-the-grid.md): the intensity
    site = track(total_steps=20, backend="none", print_report=False, country="DEU", carbon_intensity_g_per_kwh=380)
    assert site.settings.carbon_intensity_g_per_kwh == 380.0
    with pytest.raises(InputError, match="grid intensity given more than once"):
        track(total_steps=20, backend="none", cloud="aws:us-east-1", carbon_intensity_g_per_kwh=50)


def test_a_run_without_a_profile_says_its_energy_is_the_device_alone():
    """Measuring engineer's review 2026-11-30: a run tracked with no hardware= counted PUE 1 without a word, where the
    profile calibrated from it takes its base's PUE (0.320 Wh tracked, 0.400 Wh from the profile's estimate)."""
    def energy_line(**kw):
        clock, out = Clock(), io.StringIO()
        with track(total_steps=300, backend=FakeMeter(clock), clock=clock, stream=out, **kw) as run:
            run_steps(run, clock, WARMUP + [0.01] * 297)
        return next(line for line in out.getvalue().splitlines() if line.startswith("  energy      "))
    assert energy_line().endswith(", PUE 1 (the device alone: no profile or pue= given)")
    assert energy_line(pue=1.2).endswith(", PUE 1.2")
    assert "PUE" not in energy_line(pue=1.0)  # a PUE of 1 given is the user's own


@pytest.mark.parametrize("hardware", ["brain", "alphago-2016"])
def test_a_reference_point_is_no_hardware_to_track_on(hardware):
    """Measuring engineer's review 2026-11-30: track(hardware="brain") was taken, its note "run it where the brain is"."""
    from estimator.core.base.errors import InputError
    with pytest.raises(InputError, match=f"^hardware {hardware} is a reference point .*, not a device a training loop "
                                         "runs on") as refused:
        track(total_steps=10, hardware=hardware, backend="none")
    assert refused.value.fields == ("hardware",)


def test_a_reports_cost_has_the_figures_its_range_needs():
    """Measuring engineer's review 2026-12-03: "cost $0.0011 predicted (80%: $0.001136–$0.001137)", the point at two
    figures beside ends at four."""
    from estimator.report import humanize as hz
    assert hz.money_with_range(0.0011365, 0.001136, 0.001137) == ("$0.001136", "$0.001136", "$0.001137")
    assert hz.money_with_range(5e6, 4e6, 6e6) == ("$5.0M", "$4.0M", "$6.0M")
    assert hz.money_range(2.17, 2.23) == ("$2.17", "$2.23")
    clock = Clock()
    out = io.StringIO()
    with track(total_steps=50, flops_per_step=1e9, hardware="cpu-server-2s-epyc", devices=4, backend="none",
               price_usd_per_device_hour=2.0, report_at=25, clock=clock, stream=out) as run:
        run_steps(run, clock, [0.0099, 0.0101] * 12 + [0.01])
    cost = next(line for line in out.getvalue().splitlines() if line.startswith("  cost"))
    point, ends = cost.split()[1], cost.split("(80%: ")[1].split(")")[0].split("–")
    digits = lambda text: len(text.lstrip("$").replace(".", "").lstrip("0").split("×")[0].strip())  # noqa: E731
    assert digits(point) == digits(ends[0]) == digits(ends[1]) > 2 and ends[0] != ends[1], cost


@pytest.mark.parametrize("origin, said", [("profile:my-gpu-cal", "the profile's stated range"),
                                          ("step", "the step model's 80% range"),
                                          ("fit:h100", "the utilisation fit's 80% interval at this scale"),
                                          ("user", "the utilisation fit's 80% interval at this scale")])
def test_the_utilisations_interval_says_what_it_is(origin, said):
    """Measuring engineer's review 2026-12-03: with a calibrated profile `utilization.fit_interval` held the stated
    problem-size range beside `fit_runs` 0, and read as a fit's."""
    from estimator.core.training.utilization_choice import UtilizationInfo
    info = UtilizationInfo(value=0.02, origin=origin, summary="", fit_interval=(0.0137, 0.0209), family=None, n_runs=0)
    assert info.to_dict()["fit_interval_of"] == said


def test_an_estimates_json_says_what_its_utilisation_interval_is(cli):
    import json
    d = json.loads(cli("estimate", "--flops", "1e21", "--format", "json").out)
    assert d["utilization"]["fit_interval_of"] == "the utilisation fit's 80% interval at this scale"
    d = json.loads(cli("estimate", "--model", "llama-3.1-8b", "--tokens", "1e11", "--devices", "8", "--format", "json").out)
    assert d["utilization"]["fit_interval_of"] == "the step model's 80% range"

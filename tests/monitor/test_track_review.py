"""The track review's findings (2026-11), one test or more each: what was wrong, held to what is
right now. The reviewer's scratch scripts were the repros; here each runs on the fakes
(tests/track_fakes.py) or on a real command where it is quick.

1. only a whole server's price is dropped (the bundled CPU server, or a profile calibrated from it),
and the report says "no cost" once; 2. a profile asked for from a meter that reads no power is
refused when the run starts, not after it; 3. a run with no total_steps that ended normally says
"measured", not "measured so far"; 4. a command with several tracked runs is told why it has no
split-half check.
"""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from track_fakes import TWO_RUNS, WARMUP, Clock, FakeMeter, RealClockMeter, run_steps

import estimator.device.backends as measure_pkg
from estimator.core.base.errors import BackendUnavailable, InputError, MeasurementError
from estimator.core.base.units import J_PER_KWH, S_PER_HOUR
from estimator.core.tracking.predict import whole_server_price
from estimator.core.training.estimate import estimate
from estimator.core.workload.scenario import Scenario
from estimator.device.base import TimerBackend
from estimator.io.datafiles import default_profiles, load_profile_file
from estimator.monitor import calibration_command as cc
from estimator.monitor.track import track
from estimator.monitor.track_markers import ENV_TRACK_FILE, read_track_file
from estimator.report import humanize as hz

ROOT = Path(__file__).resolve().parents[2]
CPU = default_profiles().get("cpu-server-2s-epyc")
CPU_CALIBRATION_REFUSED = (r"no power was measured: CodeCarbon is not installed; a CPU calibration without a power "
                           r"reading cannot make a profile whose energy is right, since the base profile "
                           r"cpu-server-2s-epyc is a whole server")


def my_vm_file(tmp_path: Path) -> Path:
    """The reviewer's my-vm.toml: the bundled CPU server's file with its own id and a 2-vCPU VM's price."""
    text = (ROOT / "profiles" / "cpu-server-2s-epyc.toml").read_text(encoding="utf-8")
    assert 'id = "cpu-server-2s-epyc"' in text and "usd_per_device_hour = 7.344" in text
    path = tmp_path / "my-vm.toml"
    path.write_text(text.replace('id = "cpu-server-2s-epyc"', 'id = "my-vm"')
                    .replace("usd_per_device_hour = 7.344", "usd_per_device_hour = 0.034"), encoding="utf-8")
    return path


def finished_run(hardware, **options):
    clock = Clock()
    out = io.StringIO()
    with track(total_steps=200, flops_per_step=1e9, hardware=hardware, backend=FakeMeter(clock, power_w=8.0),
               clock=clock, stream=out, **options) as run:
        run_steps(run, clock, WARMUP + [0.01] * 197)
    return run, run.predict(), out.getvalue()


# --- 1. only a whole server's price is dropped, and "no cost" is said once ---------------------------

def test_a_users_own_cpu_profile_keeps_its_price_as_estimate_does(tmp_path):
    """track_vm.py: a 2-vCPU VM's own profile at $0.034 an hour got "no cost … a whole server's" from
    track, while `estimate --hardware my-vm.toml` costed the run."""
    path = my_vm_file(tmp_path)
    run, p, text = finished_run(str(path))
    assert run.settings.price_usd_per_device_hour == pytest.approx(0.034)
    assert run.settings.price_source.startswith("profile my-vm: ") and run.settings.no_price_why is None
    assert p.cost_usd == pytest.approx(0.034 * p.wall_clock_s / S_PER_HOUR)
    assert not any(n.startswith("no cost") for n in p.notes) and "no cost" not in text
    assert "cost        $" in text and "at $0.034/device-hour (profile my-vm:" in text
    assert estimate(Scenario(flops=1e15), load_profile_file(path)).cost_usd is not None  # the same profile, costed


def test_the_bundled_server_price_is_dropped_with_one_note_that_says_why():
    """track1.json: "no cost from cpu-server-2s-epyc's price …" and then "no cost: no price per
    device-hour (give hardware= a profile with a price …)", which contradicted it."""
    run, p, text = finished_run("cpu-server-2s-epyc")
    assert run.settings.price_usd_per_device_hour is None and p.cost_usd is None
    no_cost = [n for n in p.notes if n.startswith("no cost")]
    assert no_cost == [run.settings.no_price_why and f"no cost: {run.settings.no_price_why}"]
    assert no_cost[0].startswith("no cost: cpu-server-2s-epyc's price, $7.344 an hour, is a whole server's (")
    assert "price_usd_per_device_hour=" in no_cost[0] and "a profile with a price" not in no_cost[0]
    assert text.count("no cost") == 1 and "a profile with a price" not in text
    assert run.report_dict()["prediction"]["notes"].count(no_cost[0]) == 1


def test_a_profile_calibrated_from_the_server_that_kept_its_price_is_not_costed_at_it(tmp_path):
    """A calibrated profile derived from the bundled server (its [calibration] names it as the base)
    that still carries the server's hour: dropped as the server's own is."""
    clock = Clock()
    with track(total_steps=200, flops_per_step=1e9, hardware=CPU, backend=FakeMeter(clock, power_w=8.0),
               clock=clock, print_report=False, profile_path=tmp_path / "cal.toml") as run:
        run_steps(run, clock, WARMUP + [0.01] * 197)
    cal = load_profile_file(tmp_path / "cal.toml")
    assert cal.calibration["base_profile"] == "cpu-server-2s-epyc" and cal.price.usd_per_device_hour is None
    old = replace(cal, price=replace(cal.price, usd_per_device_hour=7.344))  # as written before the price was left out
    run, p, _ = finished_run(old)
    assert whole_server_price(old) and p.cost_usd is None
    assert [n for n in p.notes if n.startswith("no cost")] == [f"no cost: {run.settings.no_price_why}"]
    _, p, _ = finished_run(old, price_usd_per_device_hour=0.05)  # the machine's own price, given
    assert p.cost_usd == pytest.approx(0.05 * p.wall_clock_s / S_PER_HOUR)


def test_whole_server_price_is_the_bundled_server_and_what_was_calibrated_from_it_only(tmp_path):
    mine = load_profile_file(my_vm_file(tmp_path))
    assert whole_server_price(CPU)
    assert not whole_server_price(mine) and not whole_server_price(None)
    assert not whole_server_price(default_profiles().get("h100-sxm"))
    assert not whole_server_price(replace(CPU, price=replace(CPU.price, usd_per_device_hour=None)))
    assert whole_server_price(replace(mine, calibration={"base_profile": "cpu-server-2s-epyc"}))
    assert not whole_server_price(replace(mine, calibration={"base_profile": "my-vm"}))


# --- 2. a profile from a meter that reads no power: refused before the training ----------------------

def test_a_profile_from_a_timer_is_refused_when_the_run_starts(tmp_path, monkeypatch):
    """track_nocc.py: backend="cpu" without CodeCarbon (a timer) and profile_path=: the whole run ran,
    then "failed: writing the profile …: no power was measured". Now refused at the start, with
    calibration's message, and the meter and the marker file closed."""
    marker = tmp_path / "m.jsonl"
    monkeypatch.setenv(ENV_TRACK_FILE, str(marker))
    closed = []

    class Timer(TimerBackend):
        def close(self):
            closed.append(1)

    trained = []
    with pytest.raises(MeasurementError, match=CPU_CALIBRATION_REFUSED):
        with track(total_steps=200, flops_per_step=1e9, hardware="cpu-server-2s-epyc", print_report=False,
                   backend=Timer("Fake CPU", "CodeCarbon is not installed"), profile_path=tmp_path / "p.toml"):
            trained.append(1)
    assert trained == [] and closed == [1] and not (tmp_path / "p.toml").exists()
    assert read_track_file(marker).runs == 0  # no run started for calibrate -- CMD to count


def test_backend_cpu_without_codecarbon_refuses_a_profile_before_the_training(tmp_path, monkeypatch):
    monkeypatch.setattr("estimator.device.cpu.codecarbon_available", lambda: False)
    monkeypatch.setattr("estimator.io.paths.codecarbon_available", lambda: False)
    run = track(total_steps=200, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend="cpu",
                print_report=False, profile_path=tmp_path / "p.toml")  # the arguments are fine
    with pytest.raises(MeasurementError, match="no power was measured: CodeCarbon, which reads the CPU's power, is "
                                               "not installed .*; a CPU calibration without a power reading"):
        run.start()
    assert run._status == "not started"
    with track(total_steps=20, hardware="cpu-server-2s-epyc", backend="cpu", print_report=False) as run:
        run.step()  # without a profile to write, a timer still times the run
    assert run.settings.backend == "timer"


def test_a_backend_that_does_not_open_refuses_a_profile_before_the_training(tmp_path, monkeypatch):
    def unavailable(kind, **_):
        raise BackendUnavailable("no meter here")

    monkeypatch.setattr(measure_pkg, "open_backend", unavailable)
    # the meter named cannot open: refused at the start whatever is asked of the run (measure review 2026-11-27)
    with pytest.raises(BackendUnavailable, match="opening the cpu backend: no meter here; give backend='none'"):
        track(total_steps=200, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend="cpu",
              print_report=False, profile_path=tmp_path / "p.toml").start()
    # "auto" that finds no meter times the run; a profile from it is refused at the start, by calibration's rule
    with pytest.raises(MeasurementError, match="no power was measured: no meter here; a CPU calibration"):
        track(total_steps=200, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend="auto",
              print_report=False, profile_path=tmp_path / "p.toml").start()


def test_a_meter_that_reads_power_still_writes_the_profile(tmp_path):
    run, _, _ = finished_run("cpu-server-2s-epyc", profile_path=tmp_path / "ok.toml")
    assert not run.failures and load_profile_file(tmp_path / "ok.toml").power.average_w == pytest.approx(8.0)


def test_a_profile_id_is_checked_before_the_training_and_written_as_given(tmp_path):
    """Measure review 2026-11-27: an id a loaded profile already had was refused only at the end of the run, its advice
    ('give profile_id another value') an option track() had not."""
    clock = Clock()
    with pytest.raises(InputError, match="profile id 'h100-sxm' is the bundled profile") as refused:
        track(total_steps=200, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock, power_w=8.0),
              clock=clock, print_report=False, profile_path=tmp_path / "p.toml", profile_id="h100-sxm").start()
    assert refused.value.field == "profile_id" and not (tmp_path / "p.toml").exists()
    with pytest.raises(InputError, match="give profile_path with it") as alone:
        track(total_steps=200, profile_id="my-box")
    assert alone.value.field == "profile_id"
    # its type and text when track() is called, not after the run (code review: profile_id=5 failed at the end)
    for bad, said in ((5, "profile_id must be text, got int"), ("", "does not start with a letter or a digit")):
        with pytest.raises(InputError, match=said) as e:
            track(total_steps=200, flops_per_step=1e9, hardware="cpu-server-2s-epyc", profile_path=tmp_path / "q.toml",
                  profile_id=bad)
        assert e.value.field == "profile_id"
    run, _, _ = finished_run("cpu-server-2s-epyc", profile_path=tmp_path / "mine.toml", profile_id="my-box-cal")
    assert not run.failures and load_profile_file(tmp_path / "mine.toml").id == "my-box-cal"


@pytest.mark.parametrize("total, warmup", [(10, 20), (10, 10), (10, 5), (200, 195), (200, 191)])
def test_a_warm_up_that_leaves_too_few_steps_to_time_is_refused(total, warmup):
    """Measure review 2026-11-27: warmup_steps=20 of 10 ran to the end, its report without a step time or a word;
    code review: so did a warm-up that left 1-9 of the 10 steady steps a step time needs."""
    with pytest.raises(InputError, match=f"warmup_steps \\({warmup}\\) leaves fewer than the 10 steps after the "
                                         f"warm-up that a step time needs, of total_steps \\({total}\\)") as e:
        track(total_steps=total, warmup_steps=warmup, backend="none")
    assert e.value.field == "warmup_steps"
    # the fix said is one that can work (API review 2026-11-29: 0 of 5 was told "give fewer warm-up steps")
    assert str(e.value).endswith("give no warm-up steps, or more steps" if total == 10 else
                                 f"give at most {total - 10:,} warm-up steps, or more steps")
    track(total_steps=total, warmup_steps=total - 10, backend="none")  # 10 left: taken


def test_a_warm_up_of_none_on_too_few_steps_asks_for_more_steps():
    for total, warmup in ((5, 0), (5, 3)):
        with pytest.raises(InputError) as e:
            track(total_steps=total, warmup_steps=warmup, backend="none")
        assert str(e.value).endswith(f"of total_steps ({total}): give more steps")


# --- 3. a run with no total_steps that ended normally has finished ---------------------------------

def no_total_run(exc: BaseException | None = None) -> str:
    clock = Clock()
    out = io.StringIO()
    run = track(flops_per_step=1e9, backend=FakeMeter(clock, power_w=100.0), clock=clock, stream=out)
    run.start()
    run_steps(run, clock, [0.01] * 300)
    run.stop(exc)
    return out.getvalue()


def test_a_run_without_a_total_that_ended_normally_says_measured():
    """nototal.py: "finished, step 300" and then "0.0146 Wh measured so far" in one report."""
    text = no_total_run()
    assert text.startswith("estimator.monitor.track: finished, step 300, ")
    assert f"{hz.energy(300.0 / J_PER_KWH)} measured" in text and "so far" not in text and "predicted" not in text


@pytest.mark.parametrize("exc, head", [(KeyboardInterrupt(), "interrupted"), (ValueError("x"), "failed (ValueError)")])
def test_a_run_without_a_total_that_did_not_end_normally_keeps_so_far(exc, head):
    text = no_total_run(exc)
    assert text.startswith(f"estimator.monitor.track: {head}, step 300, ")
    assert f"{hz.energy(300.0 / J_PER_KWH)} measured so far" in text


# --- 4. several tracked runs: why there is no split-half check ----------------------------------------

@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_a_command_with_two_tracked_runs_is_told_why_it_has_no_split_half_check():
    """two.py: "no check on the command itself … a loop tracked with estimator.monitor.track gets a
    split-half check", said to a command whose two loops were tracked."""
    result = cc.calibrate_command(RealClockMeter(), CPU, [sys.executable, "-c", TWO_RUNS], 1e9, holdout_s=0)
    assert result.window == "whole command" and result.checks == ()
    note = next(n for n in result.notes if n.startswith("no check on the command itself"))
    assert "gets a split-half check" not in note
    assert note.endswith("no split-half check either: its 2 tracked runs were measured whole, and a split-half check "
                         "needs one tracked run's steady steps")


def test_the_no_check_note_says_what_each_command_did():
    untracked = cc._no_command_check_note(0, None)
    assert untracked.endswith("a loop tracked with estimator.monitor.track gets a split-half check")
    assert cc._no_command_check_note(1, {"prediction": {}}).endswith(
        "no split-half check either: its tracked run reported no steady state to split in two")
    assert cc._no_command_check_note(1, None).endswith("its tracked run wrote no final report")
    assert "3 tracked runs were measured whole" in cc._no_command_check_note(3, None)


def test_an_early_report_leaves_the_first_window_open_until_it_is_long_enough():
    """Measure audit: a report 0.05 s in cut the first window there, so the power came from the meter's start and
    stop readings alone (0.0108 W against CodeCarbon's 0.8 W), with a ±1% range; FIRST_WINDOW_S is the least a
    window may be because a shorter one holds little more than those readings."""
    clock = Clock()
    meter = FakeMeter(clock, power_w=100.0)
    with track(total_steps=1000, backend=meter, clock=clock, report_at=[5], stream=io.StringIO()) as run:
        run_steps(run, clock, [1 / 64] * 5)  # 0.078 s: the report at step 5 comes before the first window's 1 s
        p = run.predict()
        assert not run._energy.windows and p.energy_kwh is None and p.mean_power_w is None
        assert "no energy yet: the first energy window closes after 1 s and a step" in p.notes
        run_steps(run, clock, [1 / 64] * 64)  # past 1 s
        p = run.predict()
        assert len(run._energy.windows) == 1 and p.mean_power_w == pytest.approx(100.0)
        assert not any(n.startswith("no energy yet") for n in p.notes)


def test_a_cpu_run_on_a_busy_machine_says_other_work_counts_in_its_energy(monkeypatch):
    """Measure audit: CodeCarbon's CPU power for one 3-s single-core loop read 1.70, 1.73 and 7.53 W on a machine
    other work kept busy, and the run said nothing, where a calibration warns."""
    from estimator.device import machine_load
    from estimator.device.machine_load import LoadReading

    def run_on(start, end):
        loads = iter((start, end))
        monkeypatch.setattr(machine_load, "read_load", lambda: next(loads))
        clock = Clock()
        with track(total_steps=100, backend=FakeMeter(clock), clock=clock, print_report=False) as run:
            run_steps(run, clock, [1 / 64] * 100)
        return run.predict().notes

    notes = run_on(LoadReading(0.3, 2), LoadReading(3.6, 2))
    assert ("the machine looked busy (load average 3.6 at the end, above its 2 CPUs): the CPU's power is the whole "
            "machine's load shared out, so other work counts in this run's energy (as may the run's own threads, in "
            "the load at the end)") in notes
    assert not any("looked busy" in n for n in run_on(LoadReading(0.3, 2), LoadReading(1.1, 2)))


def test_a_short_cpu_run_on_a_busy_machine_is_noted_too(monkeypatch):
    """Review: the note needed a window closed before the last one; a run under 1 s has only the last."""
    from estimator.device import machine_load
    from estimator.device.machine_load import LoadReading

    loads = iter((LoadReading(0.3, 2), LoadReading(3.6, 2)))
    monkeypatch.setattr(machine_load, "read_load", lambda: next(loads))
    clock = Clock()
    with track(total_steps=10, backend=FakeMeter(clock), clock=clock, print_report=False) as run:
        run_steps(run, clock, [1 / 64] * 10)  # 0.16 s: no window closes before the end
    assert len(run._energy.windows) == 1
    assert any(n.startswith("the machine looked busy (load average 3.6 at the end") for n in run.predict().notes)


def test_the_last_window_is_read_not_aborted_whatever_the_meter(monkeypatch):
    """Review of this session: the busy-note change made close() abort a GPU meter's window it had just read."""
    class GpuMeter(FakeMeter):
        kind = "gpu"

    clock = Clock()
    meter = GpuMeter(clock, power_w=300.0)
    with track(total_steps=200, backend=meter, clock=clock, print_report=False) as run:
        run_steps(run, clock, [1 / 64] * 200)
    assert meter.aborts == 1 and meter.ends == len(run._energy.windows)  # the warm-up window aborted, every other read
    assert run.failures == [] and run.predict().mean_power_w == pytest.approx(300.0)


@pytest.mark.parametrize("hardware, said", [("cpu-server-2s-epyc", True), ("h100-sxm", False)])
def test_a_report_while_the_machine_is_busy_says_so_on_a_cpu_run(monkeypatch, hardware, said):
    """Measure review 2026-11-27: step 30's forecasts of a run beside another workload were 0.30x and 3.2x the
    finished run, and no report said the machine was busy. A CPU run's report says it (load 5 on 2 CPUs); a GPU's
    run is not judged by its host's load."""
    from estimator.device import machine_load
    monkeypatch.setattr(machine_load, "read_load", lambda: machine_load.LoadReading(5.0, 2))
    clock, out = Clock(), io.StringIO()
    with track(total_steps=100, hardware=hardware, backend="none", report_at=50, clock=clock, stream=out,
               print_report=False) as run:
        run_steps(run, clock, [0.01] * 100)
    text = out.getvalue()
    assert "step 50 of 100" in text
    assert ("the machine looks busy now (load average 5, above its 2 CPUs)" in text) is said, text


def test_a_run_without_a_total_that_ended_normally_is_finished_in_its_json_too():
    """Measuring engineer's review 2026-11-28: the printed report said "finished, step 60" and the JSON "finished":
    false. Both say finished; an interrupted run without a total is not."""
    for exc, finished in ((None, True), (KeyboardInterrupt(), False)):
        clock = Clock()
        run = track(flops_per_step=1e9, backend=FakeMeter(clock, power_w=100.0), clock=clock, print_report=False)
        run.start()
        run_steps(run, clock, [0.01] * 60)
        run.stop(exc)
        assert run.report_dict()["finished"] is finished


def test_a_cpu_run_without_a_profile_is_told_to_give_its_price_not_a_profile_with_one():
    """Measuring engineer's review 2026-11-29: a CPU run read "give hardware= a profile with a price"; the one bundled
    CPU profile's price is a whole server's, left out, so following it still gave no cost."""
    _, p, _ = finished_run(None)
    assert [n for n in p.notes if n.startswith("no cost")] == [
        "no cost: no price per device-hour (give price_usd_per_device_hour=, this machine's price)"]
    assert finished_run(None, price_usd_per_device_hour=0.034)[1].cost_usd > 0

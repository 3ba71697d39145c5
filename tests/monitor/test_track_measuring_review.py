"""A measuring engineer's review (2026-11-28): a tracked loop replaced another calibration of the same id without a
word, a report and a profile given one path lost the profile after the training, and a tracked CPU profile kept the
base server's memory, not the machine's that CodeCarbon recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from track_fakes import Clock, FakeMeter, run_steps

from estimator.cli.main import main
from estimator.core.base.errors import InputError
from estimator.device.base import Measurement
from estimator.io.datafiles import load_profile_file
from estimator.monitor.track import track

CODECARBON_CSV = Path(__file__).resolve().parents[1] / "data" / "codecarbon" / "emissions_codecarbon_3.3.2.csv"


def _imported(tmp_path) -> Path:
    out = tmp_path / "imported.toml"
    assert main(["calibrate", "--from-codecarbon", str(CODECARBON_CSV), "--flops", "1e11", "--base",
                 "cpu-server-2s-epyc", "--out", str(out)]) == 0
    return out


def _tracked(**kw):
    clock = Clock()
    with track(total_steps=40, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock),
               clock=clock, print_report=False, **kw) as run:
        run_steps(run, clock, [0.01] * 40)
    return run


def test_a_tracked_loop_replaces_another_calibration_of_its_id_only_with_force(tmp_path):
    out = _imported(tmp_path)
    held, before = load_profile_file(out), out.read_bytes()
    run = _tracked()
    with pytest.raises(InputError, match=r"already holds the profile '.*?': .*give force=True to replace it") as exc:
        run.write_profile(out, profile_id=held.id)
    assert exc.value.field == "out" and out.read_bytes() == before  # untouched
    run.write_profile(out, profile_id=held.id, force=True)
    assert "estimator.monitor.track" in load_profile_file(out).calibration["method"]
    run.write_profile(out, profile_id=held.id)  # its own earlier profile: updated, as a re-run of the loop


def test_a_profile_path_holding_another_calibration_is_refused_before_the_training(tmp_path):
    out = _imported(tmp_path)
    with pytest.raises(InputError, match="not a tracked loop's; writing would replace it") as exc:
        track(total_steps=40, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend="none", profile_path=out)
    assert exc.value.field == "profile_path"


def test_one_file_for_the_report_and_the_profile_is_refused_before_the_training(tmp_path):
    same = tmp_path / "same.toml"
    with pytest.raises(InputError, match="report_path and profile_path name the same file") as exc:
        track(total_steps=40, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend="none", report_path=same,
              profile_path=same)
    assert exc.value.field == "profile_path" and not same.exists()


class RamMeter(FakeMeter):
    """The fake meter with CodeCarbon's record of the machine's RAM in each window's details."""

    def end_window(self):
        m = super().end_window()
        return Measurement(m.duration_s, m.energy_j, m.mean_power_w, m.power_source, m.power_is_estimate,
                           m.device_name, m.backend, {"ram_total_gb": 25.276})


def test_a_tracked_cpu_profile_holds_the_machines_ram_as_a_calibration_does(tmp_path):
    clock = Clock()
    with track(total_steps=40, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend=RamMeter(clock),
               clock=clock, print_report=False) as run:
        run_steps(run, clock, [0.01] * 40)
    p = load_profile_file(run.write_profile(tmp_path / "t.toml", profile_id="t-cal"))
    assert p.memory_gb == pytest.approx(25.276)  # the base server's 412.3 GB before
    plain = _tracked()  # a meter that records no RAM: the base's, as before
    assert load_profile_file(plain.write_profile(tmp_path / "u.toml", profile_id="u-cal")).memory_gb == pytest.approx(412.3)


def test_a_calibration_used_at_a_precision_it_did_not_measure_says_so(tmp_path):
    """Measured at fp64 (33.2 GFLOP/s), estimated at fp32: the same share of the fp32 peak, twice as fast, had read as
    "one measured figure" with no word of the precision."""
    from estimator.services import api
    out = tmp_path / "z.toml"
    assert main(["calibrate", "--from-codecarbon", str(CODECARBON_CSV), "--flops", "1e11", "--base",
                 "cpu-server-2s-epyc", "--precision", "fp64", "--out", str(out)]) == 0
    fp32 = api.run(hardware=str(out), flops=1e15, precision="fp32").estimate
    fp64 = api.run(hardware=str(out), flops=1e15, precision="fp64").estimate
    assert fp64.wall_clock_s == pytest.approx(2 * fp32.wall_clock_s, rel=0.01)  # the fp32 peak is twice the fp64's
    said = [n for n in fp32.notes if "measured its throughput at fp64, not fp32" in n]
    assert len(said) == 1 and "at fp64 the time is the measured one" in said[0]
    assert not any("measured its throughput at" in n for n in fp64.notes)


def test_flops_given_unlike_the_loops_own_count_are_said():
    """`calibrate --flops 1.23e11 -- python train.py` whose loop reported 4.1e8 FLOP a step over 600 steps (2.46e11):
    the throughput from --flops, half the loop's, with no word; now said beside it, within 10% not."""
    from estimator.monitor import calibration_command as cc
    whole = Measurement(10.0, 500.0, 50.0, "codecarbon-rapl", False, "CPU", "codecarbon", {})
    child = {"step_time": {"steady_steps": 500, "steady_s": 3.0, "warmup_steps": 100},
             "prediction": {"steps_done": 600}, "energy": {"mean_power_w": 40.0, "steady": True},
             "settings": {"backend": "codecarbon", "power_source": "codecarbon-rapl", "flops_per_step": 4.1e8}}
    _, flops, note = cc._steady_window(child, whole, 1.23e11)
    assert flops == pytest.approx(1.23e11 * 500 / 600)  # --flops still sets the throughput
    assert ("the command's own flops_per_step (4.1 × 10⁸ × 600 steps = 2.46 × 10¹¹ FLOP) is not the FLOPs given "
            "(1.23 × 10¹¹, 0.5× it)") in note
    _, _, close = cc._steady_window(child, whole, 2.4e11)
    assert "flops_per_step" not in close


def test_a_tracked_profile_of_several_devices_records_them_as_an_import_does(tmp_path):
    """track(devices=4): workload_flops (every device's) over the time was 4× the per-device throughput beside it, and
    no devices field said why."""
    clock = Clock()
    with track(total_steps=40, flops_per_step=4e9, devices=4, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock),
               clock=clock, print_report=False) as run:
        run_steps(run, clock, [0.01] * 40)
    cal = load_profile_file(run.write_profile(tmp_path / "d.toml", profile_id="d-cal")).calibration
    assert cal["devices"] == 4
    assert cal["workload_flops"] / cal["duration_s"] / cal["devices"] == pytest.approx(cal["achieved_flops_per_s"], rel=0.02)


def test_a_one_workload_profiles_utilisation_says_one_workload_not_problem_sizes(tmp_path):
    clock = Clock()
    with track(total_steps=40, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock),
               clock=clock, print_report=False) as run:
        run_steps(run, clock, [0.01] * 40)
    text = run.write_profile(tmp_path / "o.toml", profile_id="o-cal").read_text()
    assert "one measured workload, so no range" in text and "problem size" not in text
    imported = _imported(tmp_path).read_text()
    assert "one measured workload, so no range" in imported and "problem size" not in imported


def test_auto_with_a_cpu_profile_measures_the_cpu_on_a_machine_with_a_gpu(monkeypatch, tmp_path):
    """On a machine with an NVIDIA GPU, track(hardware="cpu-server-2s-epyc") had metered the GPU (400 W) as the CPU run's
    and refused the profile only after the training; "auto" now opens the CPU's meter for a CPU profile."""
    from fake_nvml import FakeClock, FakeGpu

    from estimator.device import nvml as nvml_mod
    monkeypatch.setattr(nvml_mod, "_import_pynvml", FakeGpu(FakeClock()).module)
    monkeypatch.setattr("estimator.device.cpu.codecarbon_available", lambda: False)  # the CPU's meter: its timer
    monkeypatch.setattr("estimator.io.paths.codecarbon_available", lambda: False)
    clock = Clock()
    with track(total_steps=40, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend="auto", clock=clock,
               print_report=False) as run:
        run_steps(run, clock, [0.01] * 40)
    assert run.settings.backend != "nvml" and "NVIDIA" not in run.settings.device_name
    assert not run.failures
    with track(total_steps=40, flops_per_step=1e9, hardware="h100-sxm", backend="auto", clock=Clock(),
               print_report=False) as gpu_run:
        pass
    assert gpu_run.settings.backend == "nvml"  # a GPU profile still meters the GPU


def test_a_report_step_past_the_run_is_refused_at_the_start():
    with pytest.raises(InputError, match=r"report_at 500 is past total_steps \(50\): no report would print") as exc:
        track(total_steps=50, backend="none", report_at=500)
    assert exc.value.field == "report_at"
    track(total_steps=50, backend="none", report_at=[10, 500]).stop()  # one inside the run: kept


def test_a_report_step_past_the_run_beside_one_within_it_is_said_at_the_start():
    """Measuring reviewer 2026-12-02: report_at=[10, 500] of 100 steps dropped the 500 without a word."""
    import io
    said = io.StringIO()
    with track(total_steps=100, backend="none", report_at=[10, 500, 800], stream=said, print_report=False):
        pass
    assert "report_at 500, 800 are past total_steps (100): no report prints there" in said.getvalue()


def test_a_loops_own_profile_from_an_earlier_tracker_is_still_its_own(tmp_path):
    """Code review 2026-11-28: profiles written by earlier trackers (method "estimator.measure.track …", "estimator.track
    …") were refused as another calibration, and track() takes no force."""
    from estimator.monitor.calibration_run import workload_words
    for method in ("estimator.monitor.track in the user's training loop", "estimator.measure.track in the user's loop",
                   "estimator.track in the user's training loop"):
        assert workload_words({"method": method}) == "a loop tracked with estimator.monitor.track"
    assert workload_words({"method": "estimator.trackers of mine"}) != "a loop tracked with estimator.monitor.track"
    own = tmp_path / "loop.toml"
    _tracked(profile_path=own, profile_id="loop-cal")
    text = own.read_text().replace("estimator.monitor.track in the user's", "estimator.measure.track in the user's")
    own.write_text(text)
    _tracked(profile_path=own, profile_id="loop-cal")  # replaced, as the loop's own
    assert "estimator.monitor.track" in load_profile_file(own).calibration["method"]


def test_the_same_id_on_another_base_is_refused_at_the_start(tmp_path):
    own = tmp_path / "loop.toml"
    _tracked(profile_path=own, profile_id="loop-cal")
    text = own.read_text().replace('base_profile = "cpu-server-2s-epyc"', 'base_profile = "cpu-laptop"')
    assert text != own.read_text()
    own.write_text(text)
    with pytest.raises(InputError, match="holds 'loop-cal' calibrated on the base cpu-laptop, not this run's "
                                         "cpu-server-2s-epyc") as exc:
        track(total_steps=40, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend=FakeMeter(Clock()),
              clock=Clock(), print_report=False, profile_path=own, profile_id="loop-cal").start()
    assert exc.value.field == "profile_path"


def test_calibrating_on_a_calibration_of_the_gpus_own_profile_is_not_said_unlike(monkeypatch):
    from types import SimpleNamespace

    from estimator.cli import calibrate_cmd
    mine = SimpleNamespace(calibration={"base_profile": "h100-sxm"})
    ps = SimpleNamespace(profiles={"h100-sxm-cal-x": mine}, get=lambda pid: mine)
    monkeypatch.setattr(calibrate_cmd, "default_profiles", lambda: ps)
    monkeypatch.setattr("estimator.io.datafiles.bundled_names", lambda _ps: {})
    gpu = SimpleNamespace(kind="gpu", device_name="NVIDIA H100 80GB HBM3")
    assert calibrate_cmd._named_base(SimpleNamespace(base="h100-sxm-cal-x"), gpu) is None
    other = SimpleNamespace(calibration={"base_profile": "a100-sxm-80gb"})
    monkeypatch.setattr(calibrate_cmd, "default_profiles",
                        lambda: SimpleNamespace(profiles={"a100-cal": other}, get=lambda pid: other))
    assert "is the h100-sxm profile's" in calibrate_cmd._named_base(SimpleNamespace(base="a100-cal"), gpu)


class _GpuMeter(FakeMeter):
    """A GPU meter at a constant power whose windows report NVML's mean utilisation (``util``)."""

    name, kind = "fake-gpu", "gpu"

    def __init__(self, clock, util: float, power_w: float = 70.0):
        super().__init__(clock, power_w)
        self.util = util

    def end_window(self):
        m = super().end_window()
        return Measurement(m.duration_s, m.energy_j, m.mean_power_w, "fake-meter", False, "Fake GPU", "fake",
                           {"mean_gpu_utilization_percent": self.util})


@pytest.mark.parametrize("util, said", [(0.0, True), (3.0, True), (5.0, False), (60.0, False)])
def test_an_idle_gpus_power_is_said_not_taken_silently_for_the_runs(util, said, tmp_path):
    """Measuring engineer's review 2026-11-30: a loop that ran on the CPU while the GPU sat idle (0% busy, 70 W) had its
    power reported as the run's with no word; a GPU busy under 5% of the time is said, in the run's notes and in a
    profile written from it, and in `calibrate -- CMD`'s warnings (estimator/core/calibration/checks.py)."""
    clock = Clock()
    out = tmp_path / "gpu-cal.toml"
    with track(total_steps=40, flops_per_step=1e9, hardware="h100-sxm", backend=_GpuMeter(clock, util), clock=clock,
               print_report=False, profile_path=out, profile_id="gpu-cal") as run:
        run_steps(run, clock, [0.05] * 40)
    idle = [n for n in run.notes if "busy" in n and "NVML" in n]
    assert bool(idle) == said
    if said:
        assert idle[0].startswith(f"energy: the GPU measured (Fake GPU) was busy {util:g}% of the time")
        assert "its power is near its idle draw, not the work's" in idle[0]
        assert any("busy" in w for w in load_profile_file(out).calibration["warnings"])


def test_calibrating_a_command_on_an_idle_gpu_warns():
    from estimator.core.calibration.checks import idle_gpu_warning
    assert idle_gpu_warning(0.0, "NVIDIA H100 80GB HBM3").startswith(
        "the GPU measured (NVIDIA H100 80GB HBM3) was busy 0% of the time")
    assert idle_gpu_warning(None) is None and idle_gpu_warning(40.0) is None


def test_track_used_as_a_decorator_is_refused_in_the_projects_words():
    """Measuring engineer's review 2026-11-30: ``@track(...)`` raised Python's bare TypeError, "'Run' object is not
    callable"; it is refused as an InputError that says how a run is used."""
    from estimator.core.base.errors import InputError
    with pytest.raises(InputError, match=r"as a context manager around the training loop"):
        @track(total_steps=10, hardware="cpu-server-2s-epyc", backend=FakeMeter(Clock()), print_report=False)
        def train():
            pass


def test_not_yet_enough_steps_says_how_many_the_warm_up_took():
    """Measuring reviewer 2026-12-02: "a prediction needs 10 steps after the warm-up (11 steps done)" left out that the
    warm-up had taken 2 of them."""
    import io
    said = io.StringIO()
    with track(total_steps=100, backend="none", warmup_steps=4, report_at=8, stream=said) as run:
        for _ in range(9):
            run.step()
    assert ("not enough steps yet: a prediction needs 10 steps after the warm-up (8 steps done, the first 4 taken as "
            "the warm-up so far: 4 after it)") in said.getvalue()

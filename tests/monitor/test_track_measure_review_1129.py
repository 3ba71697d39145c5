"""Measure review 2026-11-29: a tracked run killed by SIGTERM (scancel, timeout, docker stop) left its report
"running"; a GPU profile on a machine without that GPU priced the CPU's time at the GPU's hour and read its throughput
as a share of the GPU's peak."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from estimator.core.tracking.predict import Settings
from estimator.io.datafiles import default_profiles
from estimator.monitor import track_setup as setup

ROOT = Path(__file__).resolve().parents[2]
LOOP = """
import sys, time
from estimator import track
with track(total_steps=10**6, flops_per_step=1e6, hardware="cpu-server-2s-epyc", backend="none",
           report_path=sys.argv[1], print_report=False) as t:
    for _ in range(10**6):
        time.sleep(0.001)
        t.step()
"""


def test_sigterm_ends_a_tracked_run_as_interrupted(tmp_path):
    report = tmp_path / "run.json"
    proc = subprocess.Popen([sys.executable, "-c", LOOP, str(report)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not report.exists():  # the report is written from the first window
            time.sleep(0.2)
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    # the training's own interruption goes on up, as Ctrl-C's, with Ctrl-C's exit status (measuring-engineer review
    # 2026-11-29: a subclass of KeyboardInterrupt had ended the script with status 1)
    # (CPython ends an uncaught KeyboardInterrupt by SIGINT itself: a shell reads 130, Popen -2)
    assert proc.returncode in (130, -signal.SIGINT) and err.rstrip().endswith("KeyboardInterrupt: SIGTERM")
    assert json.loads(report.read_text())["status"] == "interrupted"


def test_a_run_timed_on_another_device_has_no_price_and_no_share_of_its_peak():
    h100 = default_profiles().get("h100-sxm")
    why = "the steps ran on this machine's CPU, not on the h100-sxm"
    s = setup.settled(Settings(timed_elsewhere=why), h100, None, None, None, "given")
    assert s.price_usd_per_device_hour is None and s.no_price_why == why and s.peak_flops_per_s is None
    # on the device itself (the meter turned off, backend='none'), the profile's price and peak are the run's
    own = setup.settled(Settings(), h100, None, None, None, "given")
    assert own.price_usd_per_device_hour == h100.price.usd_per_device_hour and own.peak_flops_per_s == h100.peak("bf16")
    # a price given is the machine's own: kept
    assert setup.settled(Settings(timed_elsewhere=why), h100, None, 2.0, None, "given").price_usd_per_device_hour == 2.0


def test_a_tracked_profile_needs_a_run_its_meter_measured_and_says_what_it_replaced(tmp_path):
    """A run whose windows are shorter than its meter's power sampling measured no power (review 2026-11-29: such a
    run's 0.015 W had gone into a profile, with a warning): no profile is written, and the run says why and what to do;
    a second run that replaces the first's profile says so, with the values it replaced, as `calibrate` does."""
    import io

    from track_fakes import WARMUP, Clock, FakeMeter, run_steps

    from estimator.io.datafiles import load_profile_file
    from estimator.monitor.track import track

    path = tmp_path / "mine.toml"

    def run(power_w: float, sampling_s: float) -> str:
        clock = Clock()
        meter = FakeMeter(clock, power_w=power_w)
        meter.measure_power_secs = sampling_s
        stream = io.StringIO()
        with track(total_steps=500, flops_per_step=2e9, hardware="cpu-server-2s-epyc", backend=meter, clock=clock,
                   print_report=False, profile_path=path, stream=stream) as r:
            run_steps(r, clock, WARMUP + [0.02] * 497)
        return stream.getvalue()

    short = run(150.0, 1e6)  # a meter that samples less often than the whole run lasts
    assert not path.exists()
    assert "no power measured: the run's measurement windows took" in short and "measure a longer run" in short
    said = [run(150.0, 1.0), run(90.0, 1.0)]
    prof = load_profile_file(path)
    assert prof.power.average_w == 90.0
    assert "replaced the profile that was in" not in said[0]
    # a profile written says where and how to use it, as `calibrate` does (measure review 2026-11-29: silent)
    assert f"estimator.monitor.track: profile {prof.id} written to {path}; use hardware='{path}'" in said[0]
    assert f"replaced the profile that was in {path}" in said[1] and "150 W" in said[1]


def test_write_profile_mid_run_says_no_window_has_closed_yet(tmp_path):
    """Measuring engineer's review 2026-11-29: `write_profile` at step 100 of a CPU run (0.6 s in) said "no power
    meter" and to measure the CPU's power with CodeCarbon, which was measuring: no window had closed yet."""
    from track_fakes import Clock, FakeMeter, run_steps

    from estimator.core.base.errors import MeasurementError
    from estimator.monitor.track import track

    clock = Clock()
    meter = FakeMeter(clock)
    with track(total_steps=500, flops_per_step=2e9, hardware="cpu-server-2s-epyc", backend=meter, clock=clock,
               print_report=False) as r:
        run_steps(r, clock, [0.002] * 100)
        with pytest.raises(MeasurementError) as exc:
            r.write_profile(tmp_path / "early.toml", profile_id="early")
        assert "no energy window has closed yet" in str(exc.value) and "later in the run" in str(exc.value)
        assert "CodeCarbon" not in str(exc.value) and not (tmp_path / "early.toml").exists()
        run_steps(r, clock, [0.002] * 400)
    assert r.write_profile(tmp_path / "late.toml", profile_id="late").exists()


def test_a_precision_the_base_lacks_is_refused_in_one_line(capsys):
    """`calibrate --precision fp8 --flops 1e9 -- true` on a machine without a GPU printed the CPU fallback's note before
    its error: a refusal's stderr is its one error line."""
    from estimator.cli import main
    # the default backend: on a machine without a GPU it falls back to the CPU, with a note (fp4: no CPU or Hopper peak)
    assert main(["calibrate", "--precision", "fp4", "--flops", "1e9", "--", "true"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "no peak for precision 'fp4'" in err


def test_a_finished_runs_report_speaks_of_its_windows_not_of_so_far():
    """Measuring-engineer review 2026-11-29: a finished run's report said "one power window so far" and "power so far
    comes from windows that include the warm-up"."""
    import io

    from track_fakes import WARMUP, Clock, FakeMeter, run_steps

    from estimator.monitor.track import track

    clock = Clock()
    stream = io.StringIO()
    with track(total_steps=40, flops_per_step=2e9, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock, power_w=100.0),
               clock=clock, stream=stream) as run:
        run_steps(run, clock, WARMUP + [0.02] * (40 - len(WARMUP)))
    final = stream.getvalue().split("finished")[-1]
    assert "one power window:" in final or "comes from windows" in final  # the run had one window, or a warm one
    assert "so far" not in final


def test_a_meters_slow_start_is_said_and_left_out_of_the_run():
    """Measuring-engineer review 2026-11-29: CodeCarbon's start took 2.1 s before a 0.11-s loop, and no report said it."""
    from track_fakes import WARMUP, Clock, FakeMeter, run_steps

    from estimator.monitor.track import track

    class SlowStart(FakeMeter):
        def begin_window(self):
            if self.begins == 0:
                self.clock.t += 2.0  # the meter's own start, before the run's clock
            super().begin_window()

    clock = Clock()
    with track(total_steps=40, flops_per_step=2e9, hardware="cpu-server-2s-epyc", backend=SlowStart(clock),
               clock=clock, print_report=False) as run:
        run_steps(run, clock, WARMUP + [0.02] * (40 - len(WARMUP)))
    p = run.predict()
    assert p.elapsed_s == pytest.approx(sum(WARMUP) + 0.02 * 37)  # the start is not in the run's time
    assert "the meter's start took 2 s before the first step, outside the elapsed time, the step times and the energy" \
        in p.notes
    clock = Clock()
    with track(total_steps=40, flops_per_step=2e9, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock),
               clock=clock, print_report=False) as run:
        run_steps(run, clock, WARMUP + [0.02] * (40 - len(WARMUP)))
    assert not [n for n in run.predict().notes if n.startswith("the meter's start")]
    # no meter, no start to say (measure review 2026-11-29: backend="none" read "the meter's start took 8.2 × 10⁻⁶ s")
    clock = Clock()

    def ticking():  # each reading moves the clock, as a real one does between the open and the first step
        clock.t += 1e-5
        return clock.t
    with track(total_steps=40, backend="none", clock=ticking, print_report=False) as run:
        for _ in range(40):
            clock.t += 1e-6
            run.step()
    assert not [n for n in run.predict().notes if n.startswith("the meter's start")]


@pytest.mark.parametrize("hardware", ["mi300x", "tpu-v5p"])
def test_auto_on_an_accelerator_no_meter_reads_keeps_its_peak_and_price_and_says_why(hardware):
    """Measuring engineer's review 2026-11-29: on a ROCm host or a TPU VM NVML never exists, and backend 'auto' said the
    steps ran on this machine's CPU, dropping the utilisation and the cost backend='none' kept; now both agree, and
    the report says no meter here reads the device."""
    import io

    from estimator import track
    prof = default_profiles().get(hardware)
    said = {}
    for backend in ("auto", "none"):
        out = io.StringIO()
        with track(total_steps=20, flops_per_step=1e6, hardware=hardware, backend=backend, stream=out) as run:
            for _ in range(20):
                run.step()
        said[backend] = out.getvalue()
        assert "ran on this machine's CPU" not in said[backend] and "failed:" not in said[backend]
        assert f"of the {prof.default_precision} peak of {hardware}" in said[backend]
        assert f"at ${prof.price.usd_per_device_hour:g}/device-hour" in said[backend]
    assert f"no meter of this tool reads the {hardware} (NVML reads NVIDIA GPUs only)" in said["auto"]


def test_a_gpu_profile_of_nvmls_own_name_is_still_metered():
    """Diff review 2026-11-29: a calibrated profile takes NVML's device name ("Tesla V100-SXM2-32GB" on older drivers),
    and a rule of "NVIDIA" names alone would have made its runs time-only on an NVIDIA GPU."""
    from dataclasses import replace
    v100 = default_profiles().get("v100-sxm2-32gb")
    assert setup._nvml_reads(replace(v100, name="Tesla V100-SXM2-32GB (calibrated on host)"))
    assert setup._nvml_reads(default_profiles().get("h100-sxm"))
    assert not any(setup._nvml_reads(default_profiles().get(p)) for p in ("mi300x", "tpu-v5p", "gaudi3"))
    cpu = default_profiles().get("cpu-server-2s-epyc")
    assert setup._nvml_reads(cpu) and setup._nvml_reads(replace(cpu, name="AMD EPYC (2 CPUs) (calibrated on host)"))

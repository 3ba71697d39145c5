"""A calibration on a machine of known load (tests/monitor/, tests/cli/): load readings, the numpy
workload replaced by fixed throughputs, and a command's calibration on the fakes."""

from __future__ import annotations

import math
import sys

from fake_nvml import FakeClock
from track_fakes import FakeMeter

from estimator.device import matmul_bench as mb
from estimator.device.machine_load import LoadReading
from estimator.io.datafiles import default_profiles
from estimator.monitor import calibration_command as cc

BASE = "cpu-server-2s-epyc"
BUSY = LoadReading(11.8, 2)  # the finding's machine
IDLE = LoadReading(0.3, 2)
STEADY = {256: 1.7e11, 512: 1.8e11, 1024: 1.75e11}  # fp32 FLOP/s by size, idle (README: 168–182 GFLOP/s)
# fp64 as the busy run of the finding measured it (72.5 → 8.9 → 2.4 GFLOP/s), fp32 twice that
FALLING = {256: 2 * 72.5e9, 512: 2 * 8.9e9, 1024: 2 * 2.4e9}


def readings(*values):
    """A load reader giving ``values`` in turn (the window's start, then its end)."""
    it = iter(values)
    return lambda: next(it)


def fake_cpu(monkeypatch, fp32: dict, holdout_flops_per_s: float | None = None) -> FakeMeter:
    """The numpy workload replaced by fixed throughputs (fp64 half of fp32); the hold-out product at
    ``holdout_flops_per_s`` (default: the interpolation of the sizes either side of it)."""
    def point(m, k, n, precision, flops_per_s, reps=10):
        median = 2.0 * m * k * n / flops_per_s
        return mb.MatmulPoint(m, k, n, precision, reps, median, median * reps)

    def run_numpy(spec, seconds, progress=None):
        return [point(m, k, n, p, fp32[m] * (1.0 if p == "fp32" else 0.5)) for m, k, n, p in spec]

    def run_holdout_numpy(seconds):
        m, k, n = mb.HOLDOUT_SHAPE
        w = math.log((m * k * n) ** (1 / 3) / 512) / math.log(2)
        return point(m, k, n, "fp32", holdout_flops_per_s or fp32[512] + w * (fp32[1024] - fp32[512]), reps=20)

    monkeypatch.setattr(mb, "run_numpy", run_numpy)
    monkeypatch.setattr(mb, "run_holdout_numpy", run_holdout_numpy)
    return FakeMeter(FakeClock(tick=2.0), power_w=20.0)



def run_command_calibration(monkeypatch, load, child=None, holdout_flops_per_s=1.75e11):
    from estimator.monitor import track_markers
    fake_cpu(monkeypatch, STEADY, holdout_flops_per_s)
    monkeypatch.setattr(track_markers, "read_track_file",
                        lambda path: track_markers.TrackFile(child, 100 if child else 0, 1 if child else 0))
    meter = FakeMeter(FakeClock(tick=2.0), power_w=20.0)
    return cc.calibrate_command(meter, default_profiles().get(BASE), [sys.executable, "-c", "pass"], 2e11,
                                load=load)

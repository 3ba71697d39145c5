"""Fakes for the tracker's tests (tests/monitor/test_track.py, tests/monitor/test_track_files.py): a clock the test
moves and a power meter held to the ``Backend`` interface, at a constant power on that clock."""

from __future__ import annotations

import time
from pathlib import Path

from estimator.core.base.errors import MeasurementError
from estimator.device.base import Backend, Measurement
from estimator.monitor.track import Run


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
STEP = 1 / 64  # exact in binary: the fake clock's sums are exact


class RealClockMeter(Backend):
    """The CPU at a constant 10 W on the real clock (for a command that really runs)."""

    name, kind, device_name = "fake-meter", "cpu", "Fake CPU"

    def begin_window(self):
        self._t0 = time.perf_counter()

    def end_window(self):
        d = time.perf_counter() - self._t0
        return Measurement(d, 10.0 * d, 10.0, "fake-meter", False, self.device_name, self.name, {})


# A command that runs two tracked loops (for calibrate -- CMD): its FLOPs cannot all go to one of them.
TWO_RUNS = f"""
import sys, time
sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
from estimator.monitor.track import track
for _ in range(2):
    with track(total_steps=40, print_report=False) as run:
        for _ in range(40):
            time.sleep(0.002)
            run.step()
"""

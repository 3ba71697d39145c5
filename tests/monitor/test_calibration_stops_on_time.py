"""The built-in workload stops at the time asked (issue 55: on a busy machine `--seconds 10` ran its
workload 11 s, 27 s in all, its progress "11/10 s"). The matrix products run on a fake clock: each
product moves it on by the time the test gives."""

from __future__ import annotations

import io

import pytest
from busy_calibration import BASE, BUSY, readings
from track_fakes import Clock, FakeMeter

from estimator.cli.calibrate_cmd import ProgressLine
from estimator.device import machine_load
from estimator.device import matmul_bench as mb
from estimator.io.datafiles import default_profiles
from estimator.monitor.calibration_run import calibrate_builtin

SPEC = mb.square_points(mb.CPU_SIZES, mb.CPU_PRECISIONS)  # the CPU workload's 6 points


def slow_products(monkeypatch, clock: Clock, seconds_of) -> list[float]:
    """numpy's product replaced by one that moves ``clock`` on by ``seconds_of(n)`` for its n-th call."""
    done: list[float] = []

    def matmul(a, b, out=None):
        step = seconds_of(len(done))
        done.append(step)
        clock.t += step
        return out
    monkeypatch.setattr(mb.np, "matmul", matmul)
    return done


def test_products_slow_for_their_share_stop_at_the_time_asked(monkeypatch):
    """0.7 s a product, 10 s over 6 points (1.67 s each): the earlier rule ran a warm-up and at least 3 timed
    reps a point, and on past each point's share (16.8 s here)."""
    clock = Clock(0.0)
    slow_products(monkeypatch, clock, lambda i: 0.7)
    fractions: list[float] = []
    points = mb.run_numpy(SPEC, 10.0, fractions.append, clock=clock)
    assert clock.t <= 10.0
    assert clock.t > 9.0  # the time asked is used, not cut short
    assert all(p.reps >= 1 for p in points) and any(p.cut_short for p in points)
    assert max(fractions) <= 1.0 and fractions == sorted(fractions)


def test_one_slow_rep_does_not_take_the_run_past_the_time_asked(monkeypatch):
    """A burst of other work: the 5th product takes 3 s, the others 0.05 s; the points after it share what is
    left, so the run ends within OVERRUN_SHARE of its last point's share of the time asked."""
    clock = Clock(0.0)
    slow_products(monkeypatch, clock, lambda i: 3.0 if i == 4 else 0.05)
    fractions: list[float] = []
    points = mb.run_numpy(SPEC, 10.0, fractions.append, clock=clock)
    assert clock.t <= 10.0 + mb.OVERRUN_SHARE * 10.0 / len(SPEC)
    assert max(fractions) <= 1.0
    assert all(p.reps >= mb.MIN_REPS and not p.cut_short for p in points)
    assert points[0].median_s == pytest.approx(0.05)  # the burst is one sample of the median


def test_an_idle_run_fills_its_time_with_many_reps(monkeypatch):
    clock = Clock(0.0)
    slow_products(monkeypatch, clock, lambda i: 0.01)
    points = mb.run_numpy(SPEC, 6.0, clock=clock)
    assert 6.0 - 0.01 <= clock.t <= 6.0 + 0.01
    assert all(90 <= p.reps <= 100 and not p.cut_short for p in points)


def test_the_progress_never_shows_more_than_the_total(monkeypatch):
    import estimator.cli.calibrate_cmd as cc
    stream = io.StringIO()
    stream.isatty = lambda: False
    bar = ProgressLine(10.0, stream)
    ticks = iter([100.0, 102.1, 104.2, 111.5])  # the run went on 1.5 s past the 10 s asked
    monkeypatch.setattr(cc.time, "monotonic", lambda: next(ticks))
    for fraction in (0.0, 0.3, 0.6, 1.0):
        bar(fraction)
    lines = stream.getvalue().splitlines()
    assert lines[-1].endswith("100%   10/10 s") and not any("11/10" in line for line in lines)


def test_a_slow_busy_calibration_says_so_in_its_result(monkeypatch):
    """The whole built-in CPU calibration on the fake clock, the machine busy: it says the machine was busy
    (load average 11.8 of 2 CPUs) and which sizes ran fewer reps to stop on time."""
    clock = Clock(0.0)
    slow_products(monkeypatch, clock, lambda i: 0.7)
    real = mb.run_numpy
    monkeypatch.setattr(mb, "run_numpy", lambda spec, seconds, progress=None, **k: real(spec, seconds, progress,
                                                                                         clock=clock, **k))
    monkeypatch.setattr(machine_load, "blas_threads", lambda: None)
    result = calibrate_builtin(FakeMeter(clock, power_w=20.0), default_profiles().get(BASE), 10.0,
                               load=readings(BUSY, BUSY), holdout_s=0)
    assert clock.t <= 10.0
    assert any(w.startswith("the machine looked busy during the calibration: load average 11.8") for w in result.warnings)
    (note,) = [n for n in result.notes if n.startswith("to stop at the 10 s asked, ")]
    assert "of the 6 matrix sizes ran fewer than 3 timed products each" in note and "may read low" in note

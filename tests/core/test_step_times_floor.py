"""A tracked run's remaining time is never put below every remaining step at the fastest step seen (review
2026-11-27: a falling drift's range, less its noise, had put 270 steps at 1.4 ms each where none took under 2.9 ms)."""

from __future__ import annotations

import numpy as np
import pytest

from estimator.core.tracking.step_times import step_times


def test_a_falling_drift_never_ranges_below_the_fastest_step_seen():
    rng = np.random.default_rng(3)
    falling = np.linspace(0.006, 0.003, 30) * (1 + 0.25 * rng.standard_normal(30)).clip(0.75, 1.6)
    times = step_times(falling, warmup_steps=0)
    assert times is not None and times.slope_s_per_step is not None and times.slope_s_per_step < 0
    for remaining in (10, 270, 3000):
        mid, low, high = times.remaining_s(remaining)
        assert low >= remaining * float(falling.min()) - 1e-12 and low <= mid <= high


def test_a_steady_run_keeps_its_student_t_range():
    rng = np.random.default_rng(4)
    steady = 0.010 * (1 + 0.05 * rng.standard_normal(400))
    times = step_times(steady, warmup_steps=0)
    remaining = 3600  # steps
    mid, low, high = times.remaining_s(remaining)
    assert low > remaining * float(steady.min()) and high - mid == pytest.approx(mid - low)  # the floor does not bind

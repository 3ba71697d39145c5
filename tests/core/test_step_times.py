"""The statistics behind estimator.monitor.track (pure): warm-up, batch means, drift, the range's
coverage in simulation, power from the energy windows, and the whole-run prediction's numbers.

The tracker itself (a fake clock, fake meters, the fake NVML, the files, a real training loop) is
tested in tests/monitor/test_track.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from benchmarks.bench_track import coverage, naive_remaining_s, tqdm_remaining_s
from estimator.core.base.units import J_PER_KWH, S_PER_HOUR
from estimator.core.tracking import predict as tp
from estimator.core.tracking import step_times as steps_mod

WARMUP = [0.5, 0.5, 0.5]
ALTERNATING = [0.010, 0.014] * 50  # mean 12 ms; every batch of 10 has the same mean: no spread


def test_mser_cuts_slow_leading_steps_and_nothing_from_a_steady_series():
    assert steps_mod.mser_truncation(WARMUP + ALTERNATING) == 3
    assert steps_mod.mser_truncation([0.3, 0.2, 0.15, 0.012] + [0.012] * 40) == 3
    assert steps_mod.mser_truncation(ALTERNATING) == 0
    assert steps_mod.mser_truncation([0.1, 0.01]) == 0  # too short to judge


def test_a_short_steady_series_keeps_its_steps_and_a_real_warm_up_is_cut_exactly():
    """Measuring engineer's review 2026-11-27: a steady 0.2 s loop's forecast came and went between steps 10 and 20, as
    MSER's smallest standard error cut 3–10 steady steps; within one standard error of it, few are cut."""
    rng = np.random.default_rng(0)
    cuts = [steps_mod.mser_truncation(0.2 + 0.0008 * rng.standard_normal(12)) for _ in range(500)]
    assert np.mean(np.array(cuts) > 0) < 0.15  # 42% by the smallest standard error alone (bench_track --warmup)
    assert np.mean([12 - c >= steps_mod.MIN_STEADY_STEPS for c in cuts]) > 0.9  # a forecast at step 12
    slow = [steps_mod.mser_truncation(np.r_[1.1 * (1 + 0.01 * rng.standard_normal(5)),
                                             1 + 0.01 * rng.standard_normal(35)]) for _ in range(200)]
    assert np.mean(np.array(slow) == 5) > 0.9  # five steps 10% slow: five cut, not more



def test_steady_mean_batches_and_range_formula():
    rng = np.random.default_rng(1)
    x = 0.02 + 0.004 * rng.standard_normal(400)
    st = steps_mod.step_times(x, warmup_steps=0)
    assert (st.steps, st.batches, st.batch_steps, st.warmup_how) == (400, 20, 20, "configured")
    means = x.reshape(20, 20).mean(axis=1)
    assert st.mean_s == pytest.approx(x.mean()) and st.batch_sd_s == pytest.approx(means.std(ddof=1))
    assert st.t == pytest.approx(stats.t.ppf(0.9, 19))
    mid, low, high = st.remaining_s(3600)
    d = means - means.mean()
    rho = (d[1:] * d[:-1]).sum() / (d * d).sum()
    assert st.batch_lag1 == pytest.approx(rho)
    assert st.variance_factor == (pytest.approx((1 + rho) / (1 - rho)) if rho > 0 else 1.0)
    half = st.t * means.std(ddof=1) * math.sqrt(st.variance_factor) * math.sqrt(3600 * 20 + 3600 ** 2 / 20)
    assert (mid, low, high) == pytest.approx((3600 * x.mean(), 3600 * x.mean() - half, 3600 * x.mean() + half))
    assert st.slope_s_per_step is None
    assert st.remaining_s(0) == (0.0, 0.0, 0.0)


def test_correlated_batch_means_widen_the_range():
    """Step times with a long memory (a slow wave of 200 steps) in batches of 20: successive batch
    means move together, so their spread is scaled by (1 + ρ)/(1 − ρ)."""
    i = np.arange(400)
    x = 0.02 * (1 + 0.1 * np.sin(2 * np.pi * i / 200))
    st = steps_mod.step_times(x, warmup_steps=0)
    assert st.batch_lag1 > 0.5
    assert st.variance_factor == pytest.approx((1 + st.batch_lag1) / (1 - st.batch_lag1))
    assert st.spread_s == pytest.approx(st.batch_sd_s * math.sqrt(st.variance_factor))
    steady = steps_mod.step_times(np.tile([0.01, 0.03], 200), warmup_steps=0)  # no spread between batches at all
    assert steady.variance_factor == 1.0 and steady.batch_lag1 is None


def test_batch_count_is_capped_at_30_for_long_runs():
    st = steps_mod.step_times(np.full(10_000, 0.01), warmup_steps=0)
    assert st.batch_steps == 334 and st.batches == 29  # ⌈10,000 / 30⌉ steps a batch: never more than 30


def test_too_few_steady_steps_is_not_a_prediction():
    assert steps_mod.step_times([0.01] * 9, warmup_steps=0) is None
    assert steps_mod.step_times([0.01] * 12, warmup_steps=3) is None  # 9 left after the warm-up
    assert steps_mod.step_times([0.01] * 13, warmup_steps=3).steps == 10


def test_drift_widens_the_range_to_cover_the_trend_going_on():
    rng = np.random.default_rng(3)
    i = np.arange(1000)
    x = 0.01 * (1 + 0.5 * i / 1000) * (1 + 0.005 * rng.standard_normal(1000))  # +50% over the run
    st = steps_mod.step_times(x[:100], warmup_steps=0)
    assert st.slope_s_per_step == pytest.approx(0.01 * 0.5 / 1000, rel=0.1)
    assert st.level_end_s == pytest.approx(0.01 * 1.05, rel=0.01)
    mid, low, high = st.remaining_s(900)
    half = st.t * st.spread_s * math.sqrt(900 * st.batch_steps + 900 ** 2 / st.batches)
    go_on = 900 * st.level_end_s + st.slope_s_per_step * 900 * 901 / 2
    assert mid == pytest.approx(900 * x[:100].mean())            # the point stays the steady mean
    assert low == pytest.approx(min(mid - half, 900 * st.level_end_s - half))  # "the drift stops now"
    assert high == pytest.approx(go_on + half)                    # "it goes on linearly"
    assert low <= x[100:].sum() <= high                           # and here it does
    assert st.drift_fraction() == pytest.approx(0.05, rel=0.1)


def test_a_falling_drift_never_predicts_steps_faster_than_the_fastest_seen():
    x = np.linspace(0.02, 0.01, 50)  # halves across the window, no noise
    st = steps_mod.step_times(x, warmup_steps=0)
    assert st.slope_s_per_step < 0
    mid, low, high = st.remaining_s(10_000)
    half = st.t * st.spread_s * math.sqrt(10_000 * st.batch_steps + 10_000 ** 2 / st.batches)
    go_on = steps_mod._linear_sum(st.level_end_s, st.slope_s_per_step, 10_000, st.min_s)
    assert go_on == pytest.approx(10_000 * x.min(), rel=0.01)  # not 10,000 × a negative step time
    # the drift's low end less its noise, but never below every step at the fastest seen (review 2026-11-27)
    assert low == pytest.approx(max(min(10_000 * st.level_end_s, go_on) - half, 10_000 * x.min())) and low > 0
    assert low == pytest.approx(10_000 * x.min())  # here the floor binds: the noise had taken it under
    # the fall across the window as the step time read: −50%, from 20 ms to 10 ms (the slope × the steps ÷ the mean
    # had read −67% here, and "−189%" on a review's busy machine)
    assert st.drift_fraction() == pytest.approx(-0.5, abs=0.03)


def test_a_steep_fall_reads_above_minus_100_percent():
    x = np.r_[np.linspace(0.05, 0.002, 40), [0.002] * 20]  # a fall the linear fit carries below zero
    st = steps_mod.step_times(x, warmup_steps=0)
    assert st.level_end_s < st.min_s and -1 < st.drift_fraction() < -0.9


@pytest.mark.parametrize("name, n, fraction", [
    ("steady", 300, 0.1), ("batch-sizes", 300, 0.1), ("lognormal", 3000, 0.1), ("batch-sizes", 3000, 0.3),
])
def test_the_80_percent_range_holds_the_total_80_percent_of_the_time(name, n, fraction):
    """Stationary step times (Gaussian, skewed by batch sizes, log-normal): the stated 80% range
    holds the true total in 72–88% of 300 simulated runs (binomial 95% band around 80% is ±4.5%)."""
    r = coverage(name, n, fraction, runs=300, seed=11)
    assert 0.72 <= r["coverage"] <= 0.88, r


def test_the_naive_baseline_is_a_progress_bars_eta_with_an_interval_for_independent_steps():
    """The baseline the docs put beside track: the mean so far (warm-up included) × the steps left, ± t·sd·√(m + m²/k)."""
    mid, low, high = naive_remaining_s(np.array([0.03, 0.01, 0.01, 0.01]), 10)
    assert mid == pytest.approx(0.15)
    half = stats.t.ppf(0.9, 3) * np.std([0.03, 0.01, 0.01, 0.01], ddof=1) * math.sqrt(10 + 100 / 4)
    assert (low, high) == pytest.approx((0.15 - half, 0.15 + half))
    # the warm-up it counts puts its point far off where track's is close (300 steps from the first 10%)
    r = coverage("steady", 300, 0.1, runs=100, seed=11)
    assert r["naive_median_error"] > 0.3 > 0.05 > r["median_error"]


def test_tqdms_default_eta_is_a_bias_corrected_moving_average_of_the_step_times():
    """tqdm's default (smoothing 0.3, its EMA bias-corrected): steady steps give their own time; after a slow first
    step the average forgets it at 0.7 a step: (0.3·0.7·3 + 0.3·1) ÷ (1 − 0.49) seconds a step, × 10 steps left."""
    assert tqdm_remaining_s(np.full(5, 0.02), 10) == pytest.approx(0.2)
    assert tqdm_remaining_s(np.array([3.0, 1.0]), 10) == pytest.approx(10 * (0.3 * 0.7 * 3 + 0.3) / (1 - 0.49))
    # on steady steps it is close, but a moving average over a few steps is noisier than track's mean of them all
    r = coverage("steady", 3000, 0.1, runs=100, seed=11)
    assert r["median_error"] < 0.01 < r["tqdm_median_error"] < 0.05


def test_drifting_step_times_are_not_covered_as_well_and_the_docs_say_so():
    """Drift the window cannot see is not covered: this pins the numbers the README states."""
    assert coverage("drift+20%", 3000, 0.1, runs=200, seed=11)["coverage"] < 0.5
    assert coverage("thermal", 3000, 0.1, runs=200, seed=11)["coverage"] >= 0.9  # seen, and widened


def test_power_comes_from_the_windows_after_the_warm_up():
    windows = [tp.Window(0, 5, 0.0, 1.0, 1.0, 300.0),      # warm-up: 300 W
               tp.Window(5, 105, 1.0, 3.0, 2.0, 200.0),    # 100 W
               tp.Window(105, 305, 3.0, 7.0, 4.0, 480.0)]  # 120 W
    p = tp.power_from_windows(windows, warmup_steps=5)
    assert p.steady and p.windows == 2 and p.mean_w == pytest.approx(680.0 / 6.0)
    assert p.sd_w == pytest.approx(np.std([100.0, 120.0], ddof=1))
    assert p.energy_done_j == 980.0 and p.measured_until_s == 7.0
    assert p.per_step_j == pytest.approx(680.0 / 300) and p.per_step_sd_j == pytest.approx(np.std([2.0, 2.4], ddof=1))
    early = tp.power_from_windows(windows[:1], warmup_steps=5)
    assert not early.steady and early.mean_w == 300.0 and early.sd_w is None
    assert tp.power_from_windows([], 0) is None


def settings(**kw) -> tp.Settings:
    base = dict(total_steps=1000, devices=1, carbon_intensity_g_per_kwh=400.0, carbon_intensity_source="given",
                price_usd_per_device_hour=2.0, price_source="given", pue=1.5, energy_window_s=10.0)
    return tp.Settings(**{**base, **kw})


def test_prediction_numbers_energy_co2e_and_cost():
    st = steps_mod.step_times([0.01, 0.03] * 50, warmup_steps=0)   # mean 20 ms, no batch spread
    power = tp.Power(mean_w=250.0, windows=3, sd_w=0.0, steady=True, energy_done_j=500.0, measured_until_s=1.8,
                     per_step_j=5.0, per_step_sd_j=0.0)
    p = tp.predict(settings(devices=4, flops_per_step=8e9, peak_flops_per_s=1e12), st, power, 100, 2.0)
    wall = 2.0 + 900 * 0.02
    assert p.ready and p.wall_clock_s == pytest.approx(wall) and p.range["wall_clock_s"] == pytest.approx((wall, wall))
    device_j = 500.0 + 250.0 * (wall - 1.8)
    assert p.energy_kwh == pytest.approx(device_j * 4 * 1.5 / J_PER_KWH)
    assert p.co2e_kg == pytest.approx(p.energy_kwh * 0.4)
    assert p.cost_usd == pytest.approx(2.0 * 4 * wall / S_PER_HOUR)
    assert p.device_hours == pytest.approx(4 * wall / S_PER_HOUR)
    assert p.achieved_flops_per_s == pytest.approx(8e9 / 0.02 / 4) and p.utilization == pytest.approx(0.1)
    d = p.to_dict()
    assert d["range"]["energy_kwh"] == pytest.approx([p.energy_kwh, p.energy_kwh]) and d["range_level"] == 0.8


def test_energy_range_adds_the_spread_of_power_in_quadrature():
    rng = np.random.default_rng(5)
    st = steps_mod.step_times(0.02 + 0.002 * rng.standard_normal(100), warmup_steps=0)
    power = tp.Power(mean_w=200.0, windows=4, sd_w=20.0, steady=True, energy_done_j=400.0, measured_until_s=2.0,
                     per_step_j=4.0, per_step_sd_j=0.4)
    s = settings(pue=1.0)
    p = tp.predict(s, st, power, 100, 2.0)
    mid, low, high = st.remaining_s(900)
    after = mid  # measured until 2.0 s = elapsed
    r_p = steps_mod.t_quantile(3) * 20.0 * math.sqrt(1 / 4 + 1 / (after / 10.0)) / 200.0
    hi_j = 400.0 + 200.0 * after * (1 + math.hypot((high - mid) / after, r_p))
    assert p.range["energy_kwh"][1] == pytest.approx(hi_j / J_PER_KWH)
    assert p.range["energy_kwh"][0] < p.energy_kwh < p.range["energy_kwh"][1]


def test_without_power_or_price_the_prediction_says_what_is_missing():
    st = steps_mod.step_times([0.01] * 20, warmup_steps=0)
    p = tp.predict(settings(price_usd_per_device_hour=None, no_power_why="no power meter: test"), st, None, 20, 0.2)
    assert p.wall_clock_s == pytest.approx(0.2 + 980 * 0.01)
    assert (p.energy_kwh, p.co2e_kg, p.cost_usd) == (None, None, None)
    assert any("no power meter: test" in n for n in p.notes) and any(n.startswith("no cost") for n in p.notes)
    early = tp.predict(settings(), None, None, 5, 0.05)
    assert not early.ready and early.wall_clock_s is None and "not enough steps" in early.notes[0]
    open_ended = tp.predict(settings(total_steps=None), st, None, 20, 0.2)
    assert open_ended.wall_clock_s is None and open_ended.step_s == pytest.approx(0.01)


def test_a_rise_from_a_fitted_start_near_zero_reads_against_the_fastest_step():
    """Code review 2026-11-27: linspace(0.02, 1) read +10,217%, the fitted start below every step seen."""
    for a0 in (0.01, 0.02, 0.1):
        st = steps_mod.step_times(np.linspace(a0, 1, 49), warmup_steps=0)
        assert st.drift_fraction() == pytest.approx(st.level_end_s / a0 - 1)


def test_a_steady_series_sees_a_drift_about_one_window_in_ten_and_its_range_then_reaches_the_drift_going_on():
    """The drift check is a t-test at 10% on the batch means, so on steady step times it fires about one window in ten
    (a false alarm widens the range, by design). Windows of 30 steps shaped like the numpy example's (3.5 ms of work
    scaled by a batch of 64–192, plus a data wait of 0–40 ms), 400 seeds: a drift seen in 8–12%. Where it rises, the
    range of the other 270 steps reaches past twice its point (the drift going on to the end); where it falls, below
    half of it; where none is seen, 97% or more stay within ±30%."""
    rising, falling, narrow, steady = [], [], 0, 0
    for seed in range(400):
        rng = np.random.default_rng(seed)
        x = 3.5e-3 * rng.choice([64, 128, 192], 30) / 128 + rng.uniform(0.0, 0.04, 30)
        st = steps_mod.step_times(x)
        mid, low, high = st.remaining_s(270)
        if st.slope_s_per_step is None:
            steady += 1
            narrow += high - mid < 0.3 * mid
        else:
            (rising if st.slope_s_per_step > 0 else falling).append((low / mid, high / mid))
    assert 0.08 * 400 <= len(rising) + len(falling) <= 0.12 * 400
    assert rising and all(2 < high < 6 for _, high in rising)  # 2.3–5.4× the point
    assert falling and all(low < 0.5 for low, _ in falling)
    assert narrow >= 0.97 * steady


def test_a_steps_energy_is_the_steady_power_over_the_steady_step_time():
    """Measuring engineer's review 2026-11-28: with a late warm-up the one steady window (5 steps of 10.2 ms at 400 W)
    also held 30 ms of the tracker's own writing; its energy ÷ its steps read 4.8 J a step, not 400 W × 10.2 ms."""
    windows = [tp.Window(0, 295, 0.0, 3.0, 3.0, 1200.0), tp.Window(295, 300, 3.0, 3.081, 0.081, 32.4)]
    power = tp.power_from_windows(windows, warmup_steps=295)
    # the steady window, 0.081 s, is shorter than the meter's 1-s sampling: both windows are read, marked not steady
    assert (power.windows, power.steady) == (2, False) and power.mean_w == pytest.approx(400.0)
    st = steps_mod.step_times([0.0102] * 300, warmup_steps=0)
    p = tp.predict(settings(), st, power, 300, 3.081)
    assert p.energy_per_step_j == pytest.approx(400.0 * 0.0102)
    assert tp.predict(settings(), st, power, 300, 3.081).mean_power_w == pytest.approx(400.0)


def test_steady_windows_shorter_than_the_meters_sampling_do_not_set_the_power():
    """Measuring engineer's review 2026-11-30: after a 500-step warm-up only the run's last window, 0.03 s, was steady,
    and its reading (0.01 W) set the run's power and its calibrated profile's, where the run drew 4.4 W. Under
    FIRST_WINDOW_S (1 s, CodeCarbon's sampling) of steady windows, the power is all the windows', marked not steady."""
    windows = [tp.Window(0, 400, 0.0, 1.6, 1.6, 7.2), tp.Window(400, 900, 1.6, 3.17, 1.57, 6.9),
               tp.Window(900, 1000, 3.17, 3.2, 0.03, 0.0003)]
    power = tp.power_from_windows(windows, warmup_steps=500)
    assert not power.steady and power.windows == 3
    assert power.mean_w == pytest.approx((7.2 + 6.9 + 0.0003) / 3.2)
    # a run with no warm-up is all steady, however short its windows (there is nothing else to read)
    alone = tp.power_from_windows([tp.Window(0, 100, 0.0, 0.5, 0.5, 2.0)], warmup_steps=0)
    assert alone.steady and alone.mean_w == pytest.approx(4.0)
    # a second of steady windows is enough
    longer = windows[:2] + [tp.Window(900, 1300, 3.17, 4.2, 1.03, 4.6)]
    p = tp.power_from_windows(longer, warmup_steps=900)
    assert p.steady and p.windows == 1 and p.mean_w == pytest.approx(4.6 / 1.03)

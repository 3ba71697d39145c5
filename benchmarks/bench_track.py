"""Benchmark: the cost of ``run.step()`` in a training loop, and the coverage of track's 80% range.

    .venv/bin/python -m benchmarks.bench_track [--step-ms 10] [--steps 1500] [--backend none|cpu|auto]
    .venv/bin/python -m benchmarks.bench_track --coverage [--runs 400]

Overhead: a loop of ``--steps`` steps, each a busy wait of ``--step-ms`` (10 ms: the smallest
step the issue's target covers), timed twice in the same process: with ``run.step()`` after
every step and without. Printed: the time spent inside ``run.step()`` (which includes the
energy-window cuts, snapshots and markers it triggers) as a share of the step time, the mean
and the slowest calls, and the whole loop's time with and without tracking. Goal: < 1%.

Coverage: simulated step-time series (stationary, skewed, autocorrelated, drifting, with rare
slow steps, a warm-up of 3 slow steps each), predicted from their first 10% and 30%; printed:
how often the stated 80% range holds the true total, and the median and 95th-percentile error
of the point. Deterministic (seeded); ``tests/monitor/test_track.py`` asserts the stationary cases.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from estimator.core.calibration import step_times as steps_mod

SCENARIOS = ("steady", "batch-sizes", "lognormal", "autocorrelated", "rare-slow-steps", "drift+20%", "thermal",
             "random-walk")


def series(name: str, n: int, rng: np.random.Generator, base_s: float = 0.01) -> np.ndarray:
    """A step-time series of ``n`` steps (seconds) with a warm-up of 3 slow steps."""
    i = np.arange(n)
    if name == "steady":                      # 10% Gaussian noise
        x = base_s * (1 + 0.1 * rng.standard_normal(n))
    elif name == "batch-sizes":               # step time ∝ a batch size drawn from 4 sizes (cv ≈ 0.6)
        x = base_s * rng.choice([0.5, 1.0, 2.0, 4.0], n)
    elif name == "lognormal":                 # right-skewed noise
        x = base_s * rng.lognormal(0.0, 0.5, n)
    elif name == "autocorrelated":            # AR(1), φ = 0.9, 10% marginal sd
        z = rng.standard_normal(n)
        e = np.zeros(n)
        for k in range(1, n):
            e[k] = 0.9 * e[k - 1] + np.sqrt(1 - 0.81) * z[k]
        x = base_s * (1 + 0.1 * e)
    elif name == "rare-slow-steps":           # 1% of steps 10× slower (a checkpoint, a GC pause)
        x = base_s * (1 + 0.05 * rng.standard_normal(n))
        x[rng.random(n) < 0.01] *= 10
    elif name == "drift+20%":                 # the step time rises linearly by 20% over the run
        x = base_s * (1 + 0.2 * i / n) * (1 + 0.1 * rng.standard_normal(n))
    elif name == "thermal":                   # +15% approached within the first ~15% of the run, then flat
        x = base_s * (1 + 0.15 * (1 - np.exp(-i / (0.05 * n)))) * (1 + 0.05 * rng.standard_normal(n))
    elif name == "random-walk":               # the level wanders (log random walk, 0.3% a step)
        x = base_s * np.exp(np.cumsum(0.003 * rng.standard_normal(n))) * (1 + 0.05 * rng.standard_normal(n))
    else:
        raise ValueError(f"unknown scenario {name}")
    x = np.abs(x)
    x[:3] *= np.array([20.0, 5.0, 2.0])
    return x


def coverage(name: str, n: int, fraction: float, runs: int, seed: int = 0) -> dict:
    """Share of runs whose true total lies in the range predicted from the first ``fraction``."""
    rng = np.random.default_rng(seed)
    inside, errors = 0, []
    for _ in range(runs):
        x = series(name, n, rng)
        k = int(n * fraction)
        st = steps_mod.step_times(x[:k])
        mid, low, high = st.remaining_s(n - k)
        done, total = x[:k].sum(), x.sum()
        inside += done + low <= total <= done + high
        errors.append((done + mid) / total - 1)
    e = np.abs(errors)
    return {"coverage": inside / runs, "median_error": float(np.median(e)), "p95_error": float(np.percentile(e, 95))}


def overhead(step_ms: float, steps: int, backend: str) -> None:
    from estimator.monitor.track import track

    def work():
        t = time.perf_counter() + step_ms / 1e3
        while time.perf_counter() < t:
            pass

    t0 = time.perf_counter()
    for _ in range(steps):
        work()
    plain_s = time.perf_counter() - t0
    inside = []
    with track(total_steps=steps, backend=backend, print_report=False) as run:
        t0 = time.perf_counter()
        for _ in range(steps):
            work()
            a = time.perf_counter()
            run.step()
            inside.append(time.perf_counter() - a)
        tracked_s = time.perf_counter() - t0
    inside = np.array(inside)
    p = run.predict()
    print(f"backend {run.settings.backend} ({run.settings.power_source or 'no power'}), {steps} steps of {step_ms:g} ms")
    print(f"inside run.step(): {inside.sum() * 1e3:.2f} ms in all = {inside.sum() / tracked_s:.4%} of the loop; "
          f"mean {inside.mean() * 1e6:.2f} µs, median {np.median(inside) * 1e6:.2f} µs, "
          f"max {inside.max() * 1e3:.2f} ms ({int((inside > 1e-3).sum())} calls over 1 ms: window cuts, snapshots)")
    print(f"loop: {plain_s:.3f} s without tracking, {tracked_s:.3f} s with ({tracked_s / plain_s - 1:+.2%}; "
          "busy waits of fixed length, so this shows the calls' own time)")
    print(f"energy windows closed: {len(run._energy.windows)}; measured step time {p.step_s * 1e3:.3f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--step-ms", type=float, default=10.0)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--backend", default="auto", choices=("auto", "cpu", "nvml", "none"))
    ap.add_argument("--coverage", action="store_true", help="print the range's coverage in simulations instead")
    ap.add_argument("--runs", type=int, default=400)
    args = ap.parse_args()
    if not args.coverage:
        overhead(args.step_ms, args.steps, args.backend)
        return
    print(f"coverage of the stated 80% range ({args.runs} simulated runs each); error = |point/true − 1|")
    for n in (300, 3000):
        for fraction in (0.1, 0.3):
            print(f"\n{n} steps, predicted from the first {fraction:.0%}")
            for name in SCENARIOS:
                r = coverage(name, n, fraction, args.runs)
                print(f"  {name:16s} coverage {r['coverage']:5.1%}   median error {r['median_error']:5.1%}   "
                      f"95th pct {r['p95_error']:5.1%}")


if __name__ == "__main__":
    main()

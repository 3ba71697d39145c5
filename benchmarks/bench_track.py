"""Benchmark: the cost of ``run.step()`` in a training loop, and the coverage of track's 80% range.

    .venv/bin/python -m benchmarks.bench_track [--step-ms 10] [--steps 1500] [--backend none|cpu|auto]
    .venv/bin/python -m benchmarks.bench_track --coverage [--runs 400]
    .venv/bin/python -m benchmarks.bench_track --example 9
    .venv/bin/python -m benchmarks.bench_track --warmup [--runs 1000]

Overhead: a loop of ``--steps`` steps, each a busy wait of ``--step-ms`` (10 ms: the smallest
step the issue's target covers), timed twice in the same process: with ``run.step()`` after
every step and without. Printed: the time spent inside ``run.step()`` (which includes the
energy-window cuts, snapshots and markers it triggers) as a share of the step time, the mean
and the slowest calls, and the whole loop's time with and without tracking. Goal: < 1%.

Coverage: simulated step-time series (stationary, skewed, autocorrelated, drifting, with rare
slow steps, a warm-up of 3 slow steps each), predicted from their first 10% and 30%; printed:
how often the stated 80% range holds the true total, and the median and 95th-percentile error
of the point. Deterministic (seeded); ``tests/monitor/test_track.py`` asserts the stationary cases.
Beside them, in the same run, two naive baselines: a cumulative-mean ETA (the time so far ÷ the steps done × the
steps left, warm-up included: Keras' Progbar, tqdm with ``smoothing=0``) with the interval of independent,
identically distributed steps (the steps left × their mean ± t·sd·√(m + m²/k) for m steps left after k); and tqdm's
default ETA, the steps left × an exponential moving average of the step times (``smoothing=0.3``, tqdm's default,
bias-corrected as tqdm's ``EMA`` is), a point only (tqdm states no range).

Example: ``examples/train_numpy.py --steps 300 --report-at 30 --backend none --report FILE`` run ``--example`` times in
fresh processes; printed for each, from the saved report at full precision, the whole run as track predicted it at
step 30 and the cumulative-mean ETA at the same step (its elapsed time ÷ 30 × 300), each against the finished run's
elapsed time (the report keeps no step times, so tqdm's moving average is not computed there).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from estimator.core.tracking import step_times as steps_mod

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


def naive_remaining_s(done: np.ndarray, m: int) -> tuple[float, float, float]:
    """A cumulative-mean ETA for ``m`` steps left (the mean so far, warm-up included) and the 80% interval of
    independent, identically distributed steps: the naive baseline."""
    k, mean, sd = len(done), float(done.mean()), float(done.std(ddof=1))
    half = steps_mod.t_quantile(k - 1) * sd * np.sqrt(m + m * m / k)
    return m * mean, m * mean - half, m * mean + half


TQDM_SMOOTHING = 0.3  # tqdm's default `smoothing` (tqdm.tqdm's signature; its EMA of the rate between updates)


def tqdm_remaining_s(done: np.ndarray, m: int, smoothing: float = TQDM_SMOOTHING) -> float:
    """tqdm's default ETA for ``m`` steps left, updated every step: ``m`` × the exponential moving average of the step
    times, bias-corrected as tqdm's ``EMA`` (÷ (1 − (1 − smoothing)^n) after n updates)."""
    last = 0.0
    for t in done:
        last = smoothing * float(t) + (1 - smoothing) * last
    return m * last / (1 - (1 - smoothing) ** len(done))


def coverage(name: str, n: int, fraction: float, runs: int, seed: int = 0) -> dict:
    """Share of runs whose true total lies in the range predicted from the first ``fraction``, track's and the
    cumulative-mean baseline's, and their points' errors beside tqdm's default ETA's."""
    rng = np.random.default_rng(seed)
    inside = {"track": 0, "naive": 0}
    errors: dict[str, list[float]] = {"track": [], "naive": [], "tqdm": []}
    for _ in range(runs):
        x = series(name, n, rng)
        k = int(n * fraction)
        done, total = x[:k].sum(), x.sum()
        for who, (mid, low, high) in (("track", steps_mod.step_times(x[:k]).remaining_s(n - k)),
                                      ("naive", naive_remaining_s(x[:k], n - k))):
            inside[who] += done + low <= total <= done + high
            errors[who].append((done + mid) / total - 1)
        errors["tqdm"].append((done + tqdm_remaining_s(x[:k], n - k)) / total - 1)
    e, ne, te = (np.abs(errors[k]) for k in ("track", "naive", "tqdm"))
    return {"coverage": inside["track"] / runs, "median_error": float(np.median(e)),
            "p95_error": float(np.percentile(e, 95)), "naive_coverage": inside["naive"] / runs,
            "naive_median_error": float(np.median(ne)), "tqdm_median_error": float(np.median(te)),
            "signed_median_error": float(np.median(errors["track"])),
            "tqdm_signed_median_error": float(np.median(errors["tqdm"]))}


def example(runs: int, steps: int = 300, at: int = 30) -> None:
    """The numpy example run ``runs`` times: track's forecast at step ``at`` and the cumulative-mean ETA, each against
    the finished run, read from the report it saves."""
    script = Path(__file__).resolve().parents[1] / "examples" / "train_numpy.py"
    track_errors, naive_errors = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            path = Path(tmp) / f"run{i}.json"
            subprocess.run([sys.executable, str(script), "--steps", str(steps), "--report-at", str(at), "--backend",
                            "none", "--seed", str(i), "--report", str(path)], capture_output=True, text=True,
                           check=True, timeout=600)
            history = {h["step"]: h for h in json.loads(path.read_text())["history"]}
            if at not in history or steps not in history:
                raise SystemExit(f"{path}: no report at steps {at} and {steps}")
            final = history[steps]["elapsed_s"]
            track_errors.append(history[at]["wall_clock_s"] / final - 1)
            naive_errors.append(history[at]["elapsed_s"] / at * steps / final - 1)
            print(f"run {i + 1}: finished in {final:.3f} s; track at step {at}: {track_errors[-1]:+.1%}; "
                  f"cumulative-mean ETA: {naive_errors[-1]:+.1%}")
    print(f"{runs} runs: track {min(track_errors):+.1%} to {max(track_errors):+.1%} (median |error| "
          f"{np.median(np.abs(track_errors)):.1%}); cumulative-mean ETA {min(naive_errors):+.1%} to "
          f"{max(naive_errors):+.1%} ({np.median(np.abs(naive_errors)):.1%})")


def smallest_se_truncation(x) -> int:
    """MSER's plain argmin (White 1997), ties only within a millionth of the mean step time: the rule shipped before
    the one-standard-error tolerance, kept here as its baseline."""
    a = np.asarray(x, dtype=float)
    n = len(a)
    if n < 3:
        return 0
    s1, s2 = np.cumsum(a[::-1])[::-1], np.cumsum((a * a)[::-1])[::-1]
    kept = n - np.arange(n)
    mser = (np.maximum(s2 - s1 * s1 / kept, 0.0) / kept ** 2)[:int(n * steps_mod.WARMUP_MAX_FRACTION) + 1]
    se = np.sqrt(mser)
    tie = steps_mod.TIE_FRACTION * float(np.mean(a[int(np.argmin(mser)):]))
    return int(np.flatnonzero(se <= se.min() + tie)[0])


def warmup_check(runs: int, seed: int = 0) -> None:
    """The warm-up rule on short series, the shipped one (within one standard error) beside MSER's plain smallest:
    how often a steady series is cut, how often a forecast is there at steps 10 to 20 of a 0.2 s loop with some
    steps 1.5–3.3 ms slow (as a review's CodeCarbon-timed sleep loop measured 200.1–203.4 ms) and withdrawn after it
    was given, and how often real warm-ups are found."""
    rules = (("within one SE (shipped)", steps_mod.mser_truncation), ("smallest SE", smallest_se_truncation))
    for label, rule in rules:
        rng = np.random.default_rng(seed)
        cut = {n: np.mean([rule(0.2 + 0.0008 * rng.standard_normal(n)) > 0 for _ in range(runs)]) for n in (12, 16, 20)}
        there, withdrawn = np.zeros(11), 0
        for _ in range(runs):
            x = 0.2002 + 0.0003 * rng.standard_normal(20)
            slow = rng.random(20) < 0.2
            x[slow] += rng.uniform(0.0015, 0.0033, int(slow.sum()))
            given = gone = False
            for k in range(10, 21):
                ok = k - rule(x[:k]) >= steps_mod.MIN_STEADY_STEPS
                there[k - 10] += ok
                gone |= given and not ok
                given |= ok
            withdrawn += gone
        found = {}
        for shift, k in ((0.10, 5), (0.03, 5), (19.0, 1)):
            hits = [rule(np.r_[(1 + shift) * (1 + 0.01 * rng.standard_normal(k)), 1 + 0.01 * rng.standard_normal(40 - k)])
                    for _ in range(runs)]
            found[(shift, k)] = (np.mean(np.array(hits) >= k), float(np.mean(hits)))
        print(f"{label}: steady series cut at 12/16/20 steps {cut[12]:.0%}/{cut[16]:.0%}/{cut[20]:.0%}; forecast there "
              f"at steps 10..20 {' '.join(f'{t / runs:.0%}' for t in there)}, withdrawn after given {withdrawn / runs:.0%}; "
              + "; ".join(f"{k} steps +{shift:.0%} of 40 found {f:.0%} (mean cut {m:.1f})"
                          for (shift, k), (f, m) in found.items()))


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
    ap.add_argument("--example", type=int, metavar="RUNS", help="run examples/train_numpy.py RUNS times instead")
    ap.add_argument("--warmup", action="store_true", help="print the warm-up rule's behaviour on short series instead")
    args = ap.parse_args()
    if args.warmup:
        warmup_check(args.runs)
        return
    if args.example is not None:
        if args.example < 1:
            ap.error("--example needs at least 1 run")
        example(args.example)
        return
    if not args.coverage:
        overhead(args.step_ms, args.steps, args.backend)
        return
    print(f"coverage of the stated 80% range ({args.runs} simulated runs each); error = |point/true − 1|")
    for n in (300, 3000):
        for fraction in (0.1, 0.3):
            print(f"\n{n} steps, predicted from the first {fraction:.0%}")
            for name in SCENARIOS:
                r = coverage(name, n, fraction, args.runs)
                print(f"  {name:16s} coverage {r['coverage']:5.1%}   median error {r['median_error']:5.1%} "
                      f"(signed {r['signed_median_error']:+.1%})   95th pct {r['p95_error']:5.1%}   cumulative mean: "
                      f"coverage {r['naive_coverage']:5.1%}   median error {r['naive_median_error']:5.1%}   tqdm: "
                      f"median error {r['tqdm_median_error']:5.1%} (signed {r['tqdm_signed_median_error']:+.1%})")


if __name__ == "__main__":
    main()

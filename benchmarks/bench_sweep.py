"""Benchmark: a 1e6-scenario vectorised sweep against a plain Python loop, in the same run.

    .venv/bin/python -m benchmarks.bench_sweep [--n 1000000]

Both sides call the same function (estimator.core.training.compute.compute): the sweep once on numpy
arrays, the loop once per scenario on Python floats. Goal: sweep under 1 s and ≥ 50× faster
than the loop on 2 cores.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from estimator.core.training.compute import compute
from estimator.core.training.sweep import sweep


def make_inputs(n: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    return dict(
        flops=10 ** rng.uniform(18, 25, n),
        peak_flops_per_s=rng.choice([125e12, 312e12, 989e12, 2250e12], n),
        utilization=rng.uniform(0.2, 0.5, n),
        devices=rng.integers(1, 10_000, n).astype(float),
        power_w=rng.uniform(200, 1000, n),
        pue=rng.uniform(1.05, 1.6, n),
        carbon_intensity_g_per_kwh=rng.uniform(20, 800, n),
        price_usd_per_device_hour=rng.uniform(1, 15, n),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    n = ap.parse_args().n
    arrays = make_inputs(n)

    sweep(**arrays)  # warm-up: first touch of the output memory
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        out = sweep(**arrays)
        times.append(time.perf_counter() - t0)
    t_vec = sorted(times)[len(times) // 2]  # median of 5

    columns = {k: v.tolist() for k, v in arrays.items()}
    keys = list(columns)
    t0 = time.perf_counter()
    co2 = [compute(**dict(zip(keys, row)))["co2e_kg"] for row in zip(*(columns[k] for k in keys))]
    t_loop = time.perf_counter() - t0

    assert np.allclose(out["co2e_kg"], co2, rtol=1e-12), "loop and sweep disagree"
    print(f"scenarios: {n:,}")
    print(f"vectorised sweep: {t_vec * 1e3:.1f} ms (median of 5, after one warm-up call)")
    print(f"python loop:      {t_loop * 1e3:.1f} ms")
    print(f"speed-up:         {t_loop / t_vec:.0f}×  (goal: sweep < 1 s and ≥ 50×)")


if __name__ == "__main__":
    main()

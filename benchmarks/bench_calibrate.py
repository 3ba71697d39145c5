"""Benchmark: how well a CPU calibration predicts a workload it was not fitted on.

    .venv/bin/python -m benchmarks.bench_calibrate [--seconds 1.5] [--repeats 3] [--target 0.35]

Each repeat runs ``python -m estimator calibrate --backend cpu --seconds S`` in a fresh process
(one BLAS thread), then times a batch of 12 rectangular float32 products of a shape the
calibration never ran (384×1280·1280×768, the median of 7 batches) in another fresh process,
and predicts that batch's time from the calibrated profile two ways: as ``estimate`` does (the
profile's one utilisation, whatever the problem size: what every estimate with the profile rests
on), and at the batch's problem size (``predict_wall_time`` with its size, interpolated between
the calibrated sizes: how much of the error the size explains). Beside them, in the same run, the naive
baseline: the same batch predicted from the uncalibrated base profile (``CPU_BASE_PROFILE``, the one
``calibrate --backend cpu`` starts from) at its shipped utilisation, what ``estimate`` says before any
calibration. Printed per repeat: the predictions, the measured time and the errors; then the median errors and
whether the estimate's is within ``--target`` (default ±35%, the figure the test suite used to assert with
retries). Exit status 1 when that median misses the target.

This is a benchmark, not a test: on a shared machine a load that changes between the
calibration and the timed batch moves either by up to 2×. The suite checks the same path
deterministically (tests/monitor/test_calibrate_cli.py: fixed throughputs on a fake clock).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
BATCH = (384, 1280, 768, 12)
BATCH_SCRIPT = """
import statistics, sys, time
import numpy as np
m, k, n, count = map(int, sys.argv[1:])
rng = np.random.default_rng(7)
a = rng.standard_normal((count, m, k)).astype(np.float32)
b = rng.standard_normal((count, k, n)).astype(np.float32)
np.matmul(a[0], b[0])
times = []
for _ in range(7):
    t0 = time.perf_counter()
    for i in range(count):
        np.matmul(a[i], b[i])
    times.append(time.perf_counter() - t0)
print(statistics.median(times))
"""


def uncalibrated_s() -> float:
    """The batch's time as ``estimate`` predicts it from the uncalibrated base profile: the naive baseline."""
    from estimator.core.calibration.calibrate import predict_wall_time
    from estimator.core.hardware.base_profile import CPU_BASE_PROFILE
    from estimator.io.datafiles import default_profiles

    m, k, n, count = BATCH
    return predict_wall_time(default_profiles().get(CPU_BASE_PROFILE), 2.0 * m * k * n * count, "fp32")[0]


def one_repeat(seconds: float, env: dict) -> tuple[float, float, float, str]:
    from estimator.core.calibration.calibrate import predict_wall_time
    from estimator.io.datafiles import load_profile_file
    from estimator.io.paths import CALIBRATED_DIR_ENV

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cpu.toml"
        # the calibrated profiles of a folder of its own: a profile the user calibrated before (the how-to's first
        # step) holds the default id, which a second profile may not take (measuring engineer's review 2026-11-30:
        # the benchmark stopped on "profile id … is already used")
        own = {**env, CALIBRATED_DIR_ENV: tmp}
        proc = subprocess.run([sys.executable, "-m", "estimator", "calibrate", "--backend", "cpu", "--seconds",
                               str(seconds), "--out", str(out), "--format", "json"], env=own, capture_output=True,
                              text=True, timeout=600)
        if proc.returncode != 0:
            raise SystemExit(f"calibration failed: {proc.stderr.strip()}")
        json.loads(proc.stdout)
        profile = load_profile_file(out)
    timed = subprocess.run([sys.executable, "-c", BATCH_SCRIPT, *map(str, BATCH)], env=env, capture_output=True,
                           text=True, timeout=600, check=True)
    measured = float(timed.stdout)
    m, k, n, count = BATCH
    flops = 2.0 * m * k * n * count
    as_estimate, _ = predict_wall_time(profile, flops, "fp32")
    at_size, how = predict_wall_time(profile, flops, "fp32", (m * k * n) ** (1 / 3))
    return as_estimate, at_size, measured, how


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=1.5, help="calibration length per repeat (s)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--target", type=float, default=0.35, help="largest acceptable |median error|")
    args = ap.parse_args(argv)
    env = {**os.environ, **ONE_THREAD, "PYTHONPATH": str(ROOT)}
    errors, size_errors, base_errors = [], [], []
    base_s = uncalibrated_s()
    for i in range(args.repeats):
        as_estimate, at_size, measured, how = one_repeat(args.seconds, env)
        errors.append(as_estimate / measured - 1)
        size_errors.append(at_size / measured - 1)
        base_errors.append(base_s / measured - 1)
        print(f"repeat {i + 1}: measured {measured * 1e3:.1f} ms; as estimate predicts {as_estimate * 1e3:.1f} ms, "
              f"error {errors[-1]:+.1%}; at its size {at_size * 1e3:.1f} ms, error {size_errors[-1]:+.1%}  [{how}]; "
              f"uncalibrated {base_s * 1e3:.1f} ms, error {base_errors[-1]:+.1%}")
    med, med_size, med_base = (statistics.median(e) for e in (errors, size_errors, base_errors))
    ok = abs(med) <= args.target
    print(f"median error as estimate predicts {med:+.1%} over {len(errors)} repeats; target ±{args.target:.0%}: "
          f"{'met' if ok else 'MISSED'} (at the batch's problem size: {med_size:+.1%}); baseline, the uncalibrated "
          f"base profile: {med_base:+.1%}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

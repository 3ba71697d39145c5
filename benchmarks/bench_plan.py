"""Benchmark: the planner's searches, a plan asked once and asked again.

    .venv/bin/python -m benchmarks.bench_plan

Three plans of Llama 3.1 70B on 15T tokens on H100s (the issue's 1,024 devices, a 90-day deadline, a $35M budget),
each timed the first time and again (the app's page runs anew on every click, and a plan's link opens the same plan):
the second time the searches are kept (``core.training.plan._search``). Goal: a deadline's plan under 15 s the first
time and under 0.5 s again, on 2 cores.
"""

from __future__ import annotations

import time

from estimator import plan

RUNS = {"1,024 devices": dict(devices=1024), "90-day deadline": dict(deadline_days=90),
        "$35M budget": dict(budget_usd=35e6)}


def main() -> None:
    for name, target in RUNS.items():
        times = []
        for _ in range(2):
            start = time.perf_counter()
            report = plan(model="llama-3.1-70b", tokens=15e12, hardware="h100-sxm", **target)
            times.append(time.perf_counter() - start)
        print(f"{name:>16s}: {report.devices:,} devices; first {times[0]:.2f} s, again {times[1] * 1e3:.0f} ms")


if __name__ == "__main__":
    main()

"""Whether the machine looked busy during a measurement (edge: reads the OS's load average).

A calibration on a busy machine measures the share of the CPUs other work left it, not the
device: the checks of a run at load average 11.8 on 2 CPUs missed by +521% and −48%, idle the same
run came within ±23% (a user-journey review, 2026-11-25). ``read_load`` takes one reading; ``busy_warning``
turns the readings at the start and end of a window into a warning, or None. Where the platform
has no load average (``os.getloadavg`` absent, e.g. Windows, or unobtainable) nothing is said.
A workload whose threads fill the CPUs (the built-in CPU workload) is judged over its window by the
share of their time it got (``cpu_share_warning``), which the lagging load average cannot show.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from estimator.core.base.number_text import gfmt


@dataclass(frozen=True)
class LoadReading:
    load_1min: float  # runnable (and, on Linux, uninterruptible) threads on the whole machine, averaged over about a minute
    cpus: int  # the machine's CPUs: the load average's own scope (review: a process pinned to an idle CPU was
    #            told "busy" by load on CPUs it never used, when the load was held to its affinity mask)


LoadReader = Callable[[], "LoadReading | None"]


def read_load() -> LoadReading | None:
    """The 1-minute load average and the machine's CPU count; None where either is not available."""
    if not hasattr(os, "getloadavg"):
        return None
    try:
        load_1min = os.getloadavg()[0]
    except OSError:  # "if the load average was unobtainable" (the os module's documentation)
        return None
    cpus = os.cpu_count()
    return LoadReading(load_1min, cpus) if cpus else None


# The share of its threads' time on the CPUs a workload that fills them must get, below which other work
# took more than the idle runs' scatter (calibration_checks.CPU_IDLE_SCATTER, about ±25%). Measured with the
# built-in CPU workload, 10 s windows on a 2-CPU machine (2026-11-25): idle 0.99 and 0.99; beside one busy
# loop 0.68, beside two 0.50, while the load average at the window's end read 1.78 and 1.38, under the CPU
# count: the 1-minute average lags a short window (review 12), so the end is judged by this share instead.
MIN_CPU_SHARE = 0.75
# Windows shorter than this are not judged: os.times counts in clock ticks (10 ms on Linux).
MIN_JUDGED_S = 1.0

CpuClock = Callable[[], "tuple[float, float]"]


def blas_threads() -> int | None:
    """The threads numpy's BLAS runs a matrix product on, as the library itself reports them
    (threadpoolctl: OpenBLAS's or MKL's own count, after its environment variables, its build's
    maximum and, for MKL, physical cores; review 13: one thread per CPU was assumed, and a 192-CPU
    machine's OpenBLAS runs at most 64). None where no BLAS reports it: then nothing is judged."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    import numpy  # noqa: F401 (its BLAS is the one loaded with it)
    counts = [int(i["num_threads"]) for i in threadpool_info() if i.get("user_api") == "blas" and i.get("num_threads")]
    return max(counts) if counts else None


# Where Linux's cgroup v2 states a CPU quota: "<quota µs> <period µs>", or "max <period>" for none.
CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def cpu_quota(path: Path = CGROUP_CPU_MAX) -> float | None:
    """The CPUs' worth of time a container's quota allows ("200000 100000": 2.0); None without a quota
    or where there is no such file (a BLAS runs a thread per CPU it sees, a quota may allow fewer)."""
    try:
        quota, period = path.read_text(encoding="ascii").split()[:2]
        return None if quota == "max" else float(quota) / float(period)
    except (OSError, ValueError, ZeroDivisionError):  # no cgroup v2 file, or not the kernel's format: no quota known
        return None


def cpu_clock() -> tuple[float, float]:
    """(this process's CPU seconds, user and system, all its threads; a wall clock's seconds)."""
    t = os.times()
    return t.user + t.system, time.perf_counter()


def cpu_share(start: tuple[float, float], end: tuple[float, float], threads: int,
              quota: float | None = None) -> float | None:
    """The share of the window's wall time × ``threads`` (or the CPUs' worth a ``quota`` allows, where
    fewer) that the process ran on the CPUs; None for a window too short to judge."""
    cpu_s, wall_s = end[0] - start[0], end[1] - start[1]
    capacity = min(threads, quota) if quota else threads
    if wall_s < MIN_JUDGED_S or capacity <= 0:
        return None
    return cpu_s / (wall_s * capacity)


def cpu_share_warning(start: tuple[float, float], end: tuple[float, float], threads: int,
                      quota: float | None = None) -> str | None:
    """A warning when a workload of ``threads`` threads that fill the CPUs (or the ``quota``) got less
    than ``MIN_CPU_SHARE`` of their time; None otherwise."""
    share = cpu_share(start, end, threads, quota)
    if share is None or share >= MIN_CPU_SHARE:
        return None
    return (f"the calibration's {threads} BLAS thread{'s' if threads != 1 else ''} ran {share:.0%} of the window's time "
            f"on the CPUs (an idle machine gives them about 99%; below {MIN_CPU_SHARE:.0%} is warned of): other work "
            "may have taken the rest, so the profile may be unreliable: re-run the calibration on an otherwise idle "
            "machine")


def is_busy(reading: LoadReading | None) -> bool:
    """More threads waiting to run than the machine has CPUs to run them. The threshold is the CPU
    count itself, from the load average's definition (a load of n on n CPUs keeps them all busy;
    above it, threads queue). Machine-wide: a process held to some CPUs, or a container with a CPU
    quota, is not judged on its own share."""
    return reading is not None and reading.load_1min > reading.cpus


def busy_warning(start: LoadReading | None, end: LoadReading | None, *, own_work: str | None = None) -> str | None:
    """A warning when the load average at the start or end of the window was above the machine's
    CPUs; None otherwise, and where there was no reading (a caller that judges the end otherwise
    passes None for it). ``own_work``: what of the measured work itself may count in the load at
    the end (a user's command's own threads)."""
    busy = [(when, r) for when, r in (("start", start), ("end", end)) if is_busy(r)]
    if not busy:
        return None
    cpus = busy[0][1].cpus
    at = " and ".join(f"{gfmt(r.load_1min, 3)} at the {when}" for when, r in busy)
    own = f" ({own_work})" if own_work and [w for w, _ in busy] == ["end"] else ""
    return (f"the machine looked busy during the calibration: load average {at} of the measured window{own}, above "
            f"the machine's {cpus} CPU{'s' if cpus != 1 else ''}: other work may have taken CPU time from the "
            "measurement, so the profile may be unreliable: re-run the calibration on an otherwise idle machine")

"""Whether the machine looked busy during a measurement (edge: reads the OS's load average).

A calibration on a busy machine measures the share of the CPUs other work left it, not the
device: the checks of a run at load average 11.8 on 2 CPUs missed by +521% and −48%, idle the same
run came within ±23% (a user-journey review, 2026-11-25). ``read_load`` takes one reading; ``busy_warning``
turns the readings at the start and end of a window into a warning, or None. Where the platform
has no load average (``os.getloadavg`` absent, e.g. Windows, or unobtainable) nothing is said.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass


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


# The variables that cap numpy's BLAS threads, in the order the libraries read them (OpenBLAS: OPENBLAS_NUM_THREADS,
# then OMP_NUM_THREADS; MKL: MKL_NUM_THREADS, then OMP_NUM_THREADS); unset, each runs one thread per CPU.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def blas_threads(cpus: int, environ=None) -> int:
    """The threads numpy's BLAS runs a matrix product on: the first whole number the variables above
    set, at most the CPUs; the CPUs where none is set (the benchmark runs one BLAS thread)."""
    env = os.environ if environ is None else environ
    for name in BLAS_THREAD_VARIABLES:
        value = env.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            return min(int(value), cpus)
    return cpus


def is_busy(reading: LoadReading | None, own_threads: int = 0) -> bool:
    """Whether other work may have taken a share of the CPUs that the measurement would notice.
    Without work of its own running (the window's start): more threads waiting to run than the
    machine has CPUs, from the load average's definition (a load of n on n CPUs keeps them all
    busy; above it, threads queue); a lower bar would warn of the decaying load a previous run
    leaves (back-to-back calibrations read 1.3 of 2 at an idle start, review 11). With
    ``own_threads`` of the measured work in the reading (the end): those are counted out, and other
    work of more than half the CPUs warns, since beside own threads that fill the CPUs it takes
    about a third of their time (n/2 ÷ (n + n/2)), more than the idle runs' scatter of about ±25%
    (calibration_checks.CPU_IDLE_SCATTER; review 11: 1.9 threads of other work on 2 CPUs said
    nothing). Machine-wide: a process held to some CPUs, or a container with a CPU quota, is not
    judged on its own share."""
    if reading is None:
        return False
    if own_threads:
        return reading.load_1min - own_threads > reading.cpus / 2
    return reading.load_1min > reading.cpus


def busy_warning(start: LoadReading | None, end: LoadReading | None, *, own_threads: int = 0,
                 own_work: str | None = None) -> str | None:
    """A warning when the load average at the start or end of the window says other work was busy
    (``is_busy``); None otherwise, and where there was no reading. ``own_threads``: the measured
    work's own threads, taken from the end reading (the built-in workload knows how many it ran);
    ``own_work``: what of the measured work may count in the end reading where its threads are not
    known (a user's command's)."""
    parts = []
    if is_busy(start):
        parts.append(f"{start.load_1min:.3g} at the start of the measured window, above its {_cpus(start.cpus)}")
    if is_busy(end, own_threads) and own_threads:
        rest = end.load_1min - own_threads
        parts.append(f"{end.load_1min:.3g} at the end of the measured window, {rest:.3g} once the calibration's own {own_threads} "
                     f"thread{'s are' if own_threads != 1 else ' is'} counted out, above half its {_cpus(end.cpus)}")
    elif not own_threads and is_busy(end):
        own = f" ({own_work})" if own_work else ""
        parts.append(f"{end.load_1min:.3g} at the end of the measured window{own}, above its {_cpus(end.cpus)}")
    if not parts:
        return None
    return (f"the machine looked busy during the calibration: load average {'; '.join(parts)}: other work may have "
            "taken CPU time from the measurement, so the profile may be unreliable: re-run the calibration on an "
            "otherwise idle machine")


def _cpus(n: int) -> str:
    return f"{n} CPU{'s' if n != 1 else ''}"

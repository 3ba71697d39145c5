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


def is_busy(reading: LoadReading | None, own_threads: int = 0) -> bool:
    """More threads of other work waiting to run than the machine has CPUs to run them. The threshold
    is the CPU count itself, from the load average's definition (a load of n on n CPUs keeps them all
    busy; above it, threads queue). ``own_threads``: the measured work's own threads, which count in a
    reading taken as it ends and are not other work. Machine-wide: a process held to some CPUs, or a
    container with a CPU quota, is not judged on its own share."""
    return reading is not None and reading.load_1min - own_threads > reading.cpus


def busy_warning(start: LoadReading | None, end: LoadReading | None, *, own_threads: int = 0,
                 own_work: str | None = None) -> str | None:
    """A warning when the load average of other work at the start or end of the window was above the
    machine's CPUs; None otherwise, and where there was no reading. ``own_threads``: the measured
    work's own threads, taken from the end reading (the built-in workload knows how many it ran);
    ``own_work``: what of the measured work may count in the end reading where its threads are not
    known (a user's command's)."""
    busy = [(when, r) for when, r, own in (("start", start, 0), ("end", end, own_threads)) if is_busy(r, own)]
    if not busy:
        return None
    cpus = busy[0][1].cpus
    at = " and ".join(f"{r.load_1min:.3g} at the {when}" for when, r in busy)
    if own_threads and busy[-1][0] == "end":
        rest = busy[-1][1].load_1min - own_threads
        own = f" ({rest:.3g} at the end once the calibration's own {own_threads} thread{'s are' if own_threads != 1 else ' is'} counted out)"
    else:
        own = f" ({own_work})" if own_work and [w for w, _ in busy] == ["end"] else ""
    return (f"the machine looked busy during the calibration: load average {at} of the measured window{own}, above "
            f"its {cpus} CPU{'s' if cpus != 1 else ''}: other work may have taken CPU time from the measurement, so "
            "the profile may be unreliable: re-run the calibration on an otherwise idle machine")

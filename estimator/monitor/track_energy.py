"""The energy windows of a tracked run (edge): cut at step boundaries, guarded so that a failing
meter stops the measurement and never the training.

:class:`estimator.monitor.track.Run` owns the clock and decides when to cut; this class owns the
backend's windows. A cut closes the open window (``end_window``), records it as a
:class:`estimator.core.tracking.predict.Window` (first and last step, start and end on the run's
clock, the meter's duration and energy) and opens the next (``begin_window``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from estimator.core.base.errors import EstimatorError
from estimator.core.base.number_text import gfmt
from estimator.core.calibration.checks import idle_gpu_warning
from estimator.core.hardware.calibration_section import LONGER_RUN_WORDS
from estimator.core.tracking import predict as tp
from estimator.device import machine_load
from estimator.device.base import Backend, Measurement

# What a backend may raise that stops the measurement but never the training: the project's own
# errors (the backends wrap NVML and CodeCarbon failures in MeasurementError/BackendUnavailable),
# OS and driver errors (OSError), and what CodeCarbon and its scheduler thread raise from their
# internals when the machine does not look as they expect (RuntimeError, ValueError, LookupError,
# AttributeError, ImportError, ArithmeticError). Anything else is a bug and surfaces.
MEASUREMENT_FAILURES = (EstimatorError, OSError, RuntimeError, ValueError, LookupError, AttributeError, ImportError,
                        ArithmeticError)


class EnergyWindows:
    """The windows measured so far and the one open now.

    ``elapsed_s`` reads the run's clock (seconds since its start); ``changed(**fields)`` is told
    what the measurement settles about the run's settings (the first window's power source and
    device name; why there is no power when the meter fails before any window closed); ``say``
    prints a line for the user.
    """

    def __init__(self, backend: Backend | None, on: bool, *, failures: list[str], notes: list[str],
                 elapsed_s: Callable[[], float], changed: Callable[..., None], say: Callable[[str], None]):
        self.backend = backend
        self.on = bool(on) and backend is not None
        self.windows: list[tp.Window] = []
        self.first_step = 0      # the open window's first step
        self._load_start = None  # the load average when a CPU measurement opened (``_busy_note``)
        self.start_s = 0.0       # and its start on the run's clock
        self._failures, self._notes = failures, notes
        # the notes that make its energy unreliable, carried into a profile written from the run (calibration.warnings,
        # as `calibrate` writes them: measure review 2026-11-29, a tracked profile had dropped them)
        self.warnings: list[str] = []
        self._elapsed_s, self._changed, self._say = elapsed_s, changed, say
        # the GPU's utilisation over the windows read (NVML's, each window's mean weighted by its duration; an idle GPU
        # is said: ``checks.idle_gpu_warning``)
        self._busy_s = self._util_s = 0.0
        self._device = None

    def open(self) -> None:
        """Open the first window, after one thrown away: CodeCarbon's first start and stop take
        ~1.9 s and ~0.1 s, the later ones ~7 ms and ~1 ms (measured). The thrown-away window is
        aborted, not read: it stops the meter as a read does, and a window too short to read (a
        coarse clock) cannot fail the measurement it only warms up."""
        if self.on and self.guard("starting the energy measurement", self.backend.begin_window)[0]:
            self.guard("starting the energy measurement", self.backend.abort_window)
        if self.on:
            self.guard("starting the energy measurement", self.backend.begin_window)
        # the CPU's power through CodeCarbon is the whole machine's load shared out: other work counts in it
        self._load_start = machine_load.read_load() if self.on and self.backend.kind == "cpu" else None

    def can_cut(self, step: int) -> bool:
        """Whether a cut at ``step`` would close a window holding at least one step."""
        return self.on and step > self.first_step

    def cut(self, step: int, reopen: bool = True) -> None:
        """Close the open window at the boundary after ``step`` (and open the next)."""
        ok, m = self.guard("reading the energy window", self.backend.end_window)
        end_s = self._elapsed_s()
        if not ok:
            return
        if not self.windows:
            self._first_measured(m)
        util = (m.details or {}).get("mean_gpu_utilization_percent")
        if util is not None and m.duration_s > 0:
            self._busy_s += float(util) * m.duration_s
            self._util_s += m.duration_s
            self._device = m.device_name
        self.windows.append(tp.Window(self.first_step, step, self.start_s, end_s, m.duration_s, m.energy_j))
        if reopen and self.guard("reopening the energy window", self.backend.begin_window)[0]:
            self.first_step, self.start_s = step, self._elapsed_s()

    def close(self, step: int) -> None:
        """The run's end: its last window read, the backend closed. A run stopped by Ctrl-C or an
        exception is read too, since the energy it used until then was used (track audit: an
        interrupted run had dropped its open window, 703 J measured of 1,500 J used). A window
        holding no step is thrown away."""
        end_load = machine_load.read_load() if self._load_start is not None else None
        if self.on and self.can_cut(step):
            self.cut(step, reopen=False)
        elif self.on:
            self.guard("stopping the energy measurement", self.backend.abort_window)
        if self._load_start is not None and self.windows:  # after the last cut: a short run has only that window
            self._busy_note(self._load_start, end_load)
        self._short_note()
        if self._util_s > 0 and (idle := idle_gpu_warning(self._busy_s / self._util_s, self._device)):
            self._warn(f"energy: {idle}")
        if self.backend is not None:
            self.guard("closing the measurement backend", self.backend.close)
        self.on = False

    def too_short_why(self) -> str | None:
        """Why the windows measured no power, where every window together is shorter than the backend's own power
        sampling (CodeCarbon's ``measure_power_secs``): its energy for so short a run is not a measurement of it
        (measuring engineer's review 2026-11-28: CodeCarbon's CPU energy over 15–44 ms windows read 0.012–0.035 W,
        under its own 0.8 W floor; review 2026-11-29: such a power was still printed, with a range); None else."""
        sampling_s = getattr(self.backend, "measure_power_secs", None)
        measured_s = sum(w.duration_s for w in self.windows)
        if sampling_s and self.windows and measured_s < sampling_s:
            return (f"the run's measurement windows took {gfmt(measured_s, 2)} s in all, under the meter's "
                    f"{gfmt(sampling_s, 2)}-s power sampling, too short to measure its energy")
        return None

    def _short_note(self) -> None:
        """A note where the windows were too short to measure (``too_short_why``): no energy is given."""
        if (why := self.too_short_why()) is not None:
            self._warn(f"energy: {why}, so none is given: {LONGER_RUN_WORDS}")

    def _warn(self, note: str) -> None:
        """A note that makes the energy unreliable: the run's, and a profile's warning."""
        self._notes.append(note)
        self.warnings.append(note)

    def _busy_note(self, start, end) -> None:
        """A note where the load average at the run's start or end was above the machine's CPUs (measure audit:
        CodeCarbon's CPU power for one 3-s single-core loop read 1.70, 1.73 and 7.53 W on a machine other work kept
        busy, and the run said nothing, where a calibration warns)."""
        busy = [(when, r) for when, r in (("start", start), ("end", end)) if machine_load.is_busy(r)]
        if busy:
            at = " and ".join(f"{gfmt(r.load_1min, 3)} at the {when}" for when, r in busy)
            self._warn(f"the machine looked busy (load average {at}, above its {busy[0][1].cpus} CPUs): the "
                       "CPU's power is the whole machine's load shared out, so other work counts in this "
                       "run's energy (as may the run's own threads, in the load at the end)")

    def guard(self, what: str, fn) -> tuple[bool, Any]:
        """(ok, result) of a measurement call; a failure stops the measurement, never the training."""
        try:
            return True, fn()
        except MEASUREMENT_FAILURES as exc:
            self._failed(what, exc)
            return False, None

    def _first_measured(self, m: Measurement) -> None:
        # the RAM CodeCarbon records: a CPU profile's memory, as a calibration's (measuring engineer's review
        # 2026-11-28: a tracked loop's profile kept the base server's 412 GB on a 25 GB machine)
        ram = (m.details or {}).get("ram_total_gb")
        self._changed(power_source=m.power_source, power_is_estimate=m.power_is_estimate,
                      **({"device_name": m.device_name} if m.device_name else {}),
                      **({"ram_total_gb": ram} if ram else {}))

    def _failed(self, what: str, exc: BaseException) -> None:
        text = f"{what}: {type(exc).__name__}: {exc}"
        self._failures.append(text)
        if self.on:
            self.on = False
            self._notes.append(f"the energy measurement failed ({what}) after {len(self.windows)} window(s); "
                               + ("energy after it is predicted from the power measured before it"
                                  if self.windows else "no energy was measured"))
            if not self.windows:
                self._changed(no_power_why=f"the energy measurement failed ({text})")
            try:
                self.backend.close()
            except MEASUREMENT_FAILURES as exc2:
                self._failures.append(f"closing the backend after the failure: {type(exc2).__name__}: {exc2}")
        self._say(f"estimator.monitor.track: measurement failed, the training goes on with time only: {text}")

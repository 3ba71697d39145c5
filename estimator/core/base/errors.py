"""Exceptions raised by the estimator library.

Library code raises these; only the CLI (``estimator.cli``) and the app catch them and tell
the user. Every message is written to be shown to a person as it is.
"""

from estimator.core.base.number_text import gfmt

# A name longer than this is no id, region or preset: a message quotes only its start (audit: a
# 100,000-character --hardware was echoed whole, a 100 kB error line; the app cuts widget values to 40).
MAX_QUOTED_CHARS = 60


def quoted(given: str) -> str:
    """``given`` as a message quotes it: whole when short, else its start and its length."""
    given = str(given)
    if len(given) <= MAX_QUOTED_CHARS:
        return f"'{given}'"
    return f"'{given[:MAX_QUOTED_CHARS]}…' ({len(given):,} characters)"


class EstimatorError(Exception):
    """Base class: anything the user can fix by changing an input or a file.

    ``InputError``, ``ProfileError`` and ``DataFileError`` are also ``ValueError``s (a wrong
    value, in an argument or in a file), so ``except ValueError`` catches them as Python code
    expects; a measurement that fails mid-run or a missing backend is not a wrong value."""


class NamesInputs:
    """An error that names the input(s) to change: ``field``, their keyword, the dataclass field or
    API argument (e.g. ``"price_usd_per_device_hour"``, or a tuple when any of several would do),
    so that the CLI can add its flag and the app its widget label. The message itself is in
    neutral words, never a CLI flag or a widget: the library serves both."""

    default_field: str | None = None

    def __init__(self, message: str = "", field: str | tuple[str, ...] | None = None):
        super().__init__(message)
        self.field = field if field is not None else self.default_field

    @property
    def fields(self) -> tuple[str, ...]:
        """``field`` as a tuple (empty when none)."""
        if self.field is None:
            return ()
        return (self.field,) if isinstance(self.field, str) else tuple(self.field)


class InputError(NamesInputs, EstimatorError, ValueError):
    """A user input is missing, not a number, out of range or inconsistent (``NamesInputs``: the
    message in neutral words, ``field`` the input's keyword)."""


class ResultOutOfBounds(InputError):
    """Inputs each inside their bounds whose result is not: device-hours past what an estimate covers
    (``device_hours``, the run's). A caller that can show something without the estimate (a scaling
    law's split) catches it; one whose inputs set the workload (a budget, an error target) says so."""

    def __init__(self, message: str = "", field: str | tuple[str, ...] | None = None,
                 device_hours: float | None = None):
        super().__init__(message, field)
        self.device_hours = device_hours

    @property
    def past(self) -> str:
        """"7.72e+14 device-hours, more than the 1e+14 an estimate covers", for a caller's own message (below the
        bound's low end: "6.39e-05 device-seconds, less than the one device-millisecond an estimate covers")."""
        return past_words(self.device_hours)


def past_words(device_hours: float | None) -> str:
    """How far ``device_hours`` lie past the device-hours an estimate covers, in words (``ResultOutOfBounds.past``)."""
    from estimator.core.base.bounds import DEVICE_HOURS
    from estimator.core.base.units import S_PER_HOUR
    if device_hours is not None and device_hours < DEVICE_HOURS.low:
        return (f"{gfmt(device_hours * S_PER_HOUR, 3)} device-seconds, less than the one device-millisecond an "
                "estimate covers")
    return f"{gfmt(device_hours, 3)} device-hours, more than the {gfmt(DEVICE_HOURS.high)} an estimate covers"


class UnknownHardwareError(InputError):
    """A hardware id that no loaded profile has."""

    default_field = "hardware"


class UnknownPresetError(InputError):
    """A preset id that is not defined."""

    default_field = "preset"


class UnknownRegionError(InputError):
    """A country code or cloud region that the carbon data does not have."""

    default_field = "region"


class ProfileError(EstimatorError, ValueError):
    """A hardware profile file is broken or implausible.

    The message names the file, the field and the fix.
    """

    def __init__(self, source: str, field: str, problem: str, fix: str):
        self.source = source
        self.field = field
        self.problem = problem
        self.fix = fix
        super().__init__(f"{source}: field '{field}': {problem}; fix: {fix}")


class DataFileError(EstimatorError, ValueError):
    """A bundled data file (published runs, presets, carbon data) cannot be read."""


class MeasurementError(EstimatorError):
    """A measurement backend failed during a window (e.g. an NVML error mid-run)."""


class BackendUnavailable(NamesInputs, EstimatorError):
    """A measurement backend cannot run on this machine; the message says what is missing, and
    ``field`` names the input that offers a way out (e.g. ``"backend"``: another backend)."""


class GpuPresentError(BackendUnavailable):
    """A GPU is there but cannot be measured: which one a run uses cannot be told (``GpuChoiceError``), NVML
    sees it and fails to read it (a lost GPU, a driver fault), or it reports no power (many laptop GPUs). Measuring the CPU instead would record the wrong
    device's energy, so ``auto`` does not fall back to it (measure audit: a lost GPU was answered by the CPU)."""


class GpuChoiceError(GpuPresentError):
    """NVML works, but which GPU a run computes on cannot be told (a machine that mixes models
    without CUDA_DEVICE_ORDER=PCI_BUS_ID, a CUDA_VISIBLE_DEVICES that names no GPU here, a MIG
    instance). Measuring the CPU instead would record the wrong device's energy, so ``auto`` does
    not fall back to it."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (``timeout``, ``scancel``, ``docker stop``, systemd), handled as Ctrl-C is: a KeyboardInterrupt, so a
    measured command is stopped, temporary files and half-written profiles are cleaned up, and a tracked run's report
    says it was interrupted. Raised by ``on_sigterm``, the handler the CLI and ``track`` set."""


def on_sigterm(signum, frame) -> None:
    """A SIGTERM handler that raises ``Terminated``."""
    raise Terminated


# What a SIGTERM raises in a user's own program (``on_sigterm_in_program``): its words in the program's traceback
SIGTERM_WORDS = "SIGTERM"


def on_sigterm_in_program(signum, frame) -> None:
    """A SIGTERM handler for a user's own program (``track``): a plain KeyboardInterrupt, as Ctrl-C raises, so that
    uncaught it ends the program with Ctrl-C's exit status, 130 (CPython gives it to KeyboardInterrupt itself only: a
    subclass such as ``Terminated`` ended a tracked script with status 1, measuring-engineer review 2026-11-29); its
    message says it came from SIGTERM."""
    raise KeyboardInterrupt(SIGTERM_WORDS)

"""Exceptions raised by the estimator library.

Library code raises these; only the CLI (``estimator.cli``) and the app catch them and tell
the user. Every message is written to be shown to a person as it is.
"""


class EstimatorError(Exception):
    """Base class: anything the user can fix by changing an input or a file.

    ``InputError``, ``ProfileError`` and ``DataFileError`` are also ``ValueError``s (a wrong
    value, in an argument or in a file), so ``except ValueError`` catches them as Python code
    expects; a measurement that fails mid-run or a missing backend is not a wrong value."""


class InputError(EstimatorError, ValueError):
    """A user input is missing, not a number, out of range or inconsistent."""


class UnknownHardwareError(InputError):
    """A hardware id that no loaded profile has."""


class UnknownPresetError(InputError):
    """A preset id that is not defined."""


class UnknownRegionError(InputError):
    """A country code or cloud region that the carbon data does not have."""


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


class BackendUnavailable(EstimatorError):
    """A measurement backend cannot run on this machine; the message says what is missing."""

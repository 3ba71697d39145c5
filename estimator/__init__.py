"""Compute Cost Estimator: what does it take to train or run this model?

The pure core (no file reading, no streamlit/pynvml/codecarbon imports):
``estimate``, ``sweep``, ``Scenario``, ``profile_from_dict`` and the workload formulas.
File loading (``datafiles``), the high-level calls shared by CLI and app (``api``),
measurement (``measure``) and the CLI (``cli``) sit at the edges.
"""

__version__ = "0.10.0"  # the one place the version lives (pyproject.toml reads it)

from estimator.core.base.errors import (
                                   BackendUnavailable,
                                   DataFileError,
                                   EstimatorError,
                                   InputError,
                                   MeasurementError,
                                   ProfileError,
                                   UnknownHardwareError,
                                   UnknownPresetError,
                                   UnknownRegionError,
)
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.hardware.reader import profile_from_dict
from estimator.core.training.estimate import Estimate, estimate
from estimator.core.training.sweep import sweep
from estimator.core.workload.flops import (
                                   TransformerShape,
                                   dense_training_flops,
                                   generic_training_flops,
                                   transformer_count,
)
from estimator.core.workload.scenario import Scenario

__all__ = [
    "BackendUnavailable", "DataFileError", "Estimate", "EstimatorError", "HardwareProfile", "InputError",
    "MeasurementError", "ProfileError", "Scenario", "TransformerShape", "UnknownHardwareError",
    "UnknownPresetError", "UnknownRegionError", "dense_training_flops", "estimate", "generic_training_flops",
    "profile_from_dict", "sweep", "transformer_count",
]

"""Compute Cost Estimator: what does it take to train or serve this model?

The public face: what a user's script needs, importable from ``estimator`` itself::

    from estimator import estimate, compare, plan, inference, track, load_profile

- ``estimate(...)``: one training run's time, device-hours, energy, cost and CO₂e (an ``Estimate``), from
  the same keyword inputs as ``python -m estimator estimate`` (``flops=``, ``params=``/``tokens=``,
  ``preset_id=``, ``hardware=``, ``devices=``, ``region=`` …), or from a ``Scenario`` and a profile;
- ``run(...)``: the same inputs, the whole ``Result`` (the estimate, the scenario, the profile, a preset's
  published figures beside it);
- ``compare(hardware_ids, ...)``: one workload on several profiles (a ``CompareReport``);
- ``plan(model=..., tokens=..., hardware=..., devices=...)``: the layouts that fit memory ranked by time, or the
  fewest devices for ``deadline_days=`` or ``budget_usd=`` (a ``PlanReport``), as ``python -m estimator plan``;
- ``inference(hardware=..., tokens=..., ...)``: serving cost per token and in total (an ``InferenceReport``);
- ``track(total_steps=..., ...)``: time, energy and a forecast inside one's own training loop (a ``Run``);
- ``load_profile(id_or_path)`` and ``profiles()``: hardware profiles;
- the result types and the project's errors (every refusal is an ``EstimatorError``; bad input an
  ``InputError``).

Names load when first used (PEP 562), so importing one part does not import the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from estimator.core.base.tool import __version__

# name -> "module:attribute"; the one list of what the package exports
_EXPORTS = {
    "estimate": "estimator.services.public:estimate",
    "run": "estimator.services.public:run",
    "compare": "estimator.services.public:compare",
    "plan": "estimator.services.training.plan:plan",
    "inference": "estimator.services.serving.inference:inference_report",
    "track": "estimator.monitor.track:track",
    "load_profile": "estimator.services.public:load_profile",
    "profiles": "estimator.services.public:profiles",
    "profile_from_dict": "estimator.core.hardware.reader:profile_from_dict",
    "sweep": "estimator.core.training.sweep:sweep",
    "Scenario": "estimator.core.workload.scenario:Scenario",
    "TransformerShape": "estimator.core.workload.flops:TransformerShape",
    "dense_training_flops": "estimator.core.workload.flops:dense_training_flops",
    "generic_training_flops": "estimator.core.workload.flops:generic_training_flops",
    "transformer_count": "estimator.core.workload.flops:transformer_count",
    "Estimate": "estimator.core.training.estimate:Estimate",
    "HardwareProfile": "estimator.core.hardware.profile:HardwareProfile",
    "Result": "estimator.services.api:Result",
    "CompareReport": "estimator.services.api:CompareReport",
    "PlanReport": "estimator.services.training.plan:PlanReport",
    "InferenceReport": "estimator.services.serving.inference:InferenceReport",
    "Run": "estimator.monitor.track:Run",
    "EstimatorError": "estimator.core.base.errors:EstimatorError",
    "InputError": "estimator.core.base.errors:InputError",
    "ResultOutOfBounds": "estimator.core.base.errors:ResultOutOfBounds",
    "ProfileError": "estimator.core.base.errors:ProfileError",
    "DataFileError": "estimator.core.base.errors:DataFileError",
    "MeasurementError": "estimator.core.base.errors:MeasurementError",
    "BackendUnavailable": "estimator.core.base.errors:BackendUnavailable",
    "UnknownHardwareError": "estimator.core.base.errors:UnknownHardwareError",
    "UnknownPresetError": "estimator.core.base.errors:UnknownPresetError",
    "UnknownRegionError": "estimator.core.base.errors:UnknownRegionError",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    try:
        target = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'estimator' has no attribute {name!r}") from None
    module, attr = target.split(":")
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value  # once loaded, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # what type checkers and editors see
    from estimator.core.base.errors import (  # noqa: F401
        BackendUnavailable,
        DataFileError,
        EstimatorError,
        InputError,
        MeasurementError,
        ProfileError,
        ResultOutOfBounds,
        UnknownHardwareError,
        UnknownPresetError,
        UnknownRegionError,
    )
    from estimator.core.hardware.profile import HardwareProfile  # noqa: F401
    from estimator.core.hardware.reader import profile_from_dict  # noqa: F401
    from estimator.core.training.estimate import Estimate  # noqa: F401
    from estimator.core.training.sweep import sweep  # noqa: F401
    from estimator.core.workload.flops import (  # noqa: F401
        TransformerShape,
        dense_training_flops,
        generic_training_flops,
        transformer_count,
    )
    from estimator.core.workload.scenario import Scenario  # noqa: F401
    from estimator.monitor.track import Run, track  # noqa: F401
    from estimator.services.api import CompareReport, Result  # noqa: F401
    from estimator.services.public import compare, estimate, load_profile, profiles, run  # noqa: F401
    from estimator.services.serving.inference import InferenceReport  # noqa: F401
    from estimator.services.serving.inference import inference_report as inference  # noqa: F401
    from estimator.services.training.plan import PlanReport, plan  # noqa: F401

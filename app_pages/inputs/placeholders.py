"""What an empty scenario field means, as its placeholder says it: the preset's value, the profile's, or the default.

``PresetInputs`` holds the preset's inputs that apply to the scenario drawn (none without a preset); the
sections of the sidebar (``workload``, ``hardware``, ``site``, ``memory``) ask it for each field's placeholder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from estimator.core.base.number_text import gfmt
from estimator.core.training.utilization_choice import fit_words, same_for_every_run


def sig(x: float | None) -> str:
    """A value as a placeholder shows it: whole numbers with separators, others to 4 significant digits."""
    if x is None:
        return "none"
    return f"{x:,.0f}" if float(x).is_integer() and abs(x) < 1e7 else f"{gfmt(x, 4)}"


@dataclass(frozen=True)
class PresetInputs:
    """The preset's inputs that apply to this scenario (empty without a preset): an empty field takes them."""

    values: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def applying(cls, preset, hardware: str) -> PresetInputs:
        """The preset's inputs on ``hardware``: not its device's own on other hardware (``Preset.dropped_inputs``)."""
        if preset is None:
            return cls({})
        return cls({k: v for k, v in preset.inputs.items()
                    if k not in preset.dropped_inputs(other_hardware=hardware != preset.hardware, power_given=False)})

    def without(self, keys: Iterable[str]) -> PresetInputs:
        """These inputs less ``keys`` (a preset's inputs tied to its power go when another power is given)."""
        gone = tuple(keys)
        return PresetInputs({k: v for k, v in self.values.items() if k not in gone})

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def placeholder(self, key: str, profile_value: float | None = None, unit: str = "") -> str:
        """An empty field's placeholder: the preset's value, else the profile's, else "default"."""
        if key in self.values:
            return f"{sig(self.values[key])}{unit} (preset)"
        if profile_value is not None:
            return f"{sig(profile_value)}{unit} (profile)"
        return "default"


def utilization_placeholder(shown: PresetInputs, profile) -> str:
    """What an empty utilisation field means: the preset's value, the fit for this run (its value
    depends on the run's figures, so it is shown with the result, not here), the centre
    hardware without runs takes when it is the same for every run (the flat rule), or the
    profile's stated value."""
    if "utilization" in shown or profile is None:
        return shown.placeholder("utilization")
    if profile.utilization.fitted and not same_for_every_run(profile.utilization):
        return "fitted for this run"
    if profile.utilization.fitted:  # the centre chosen for devices without runs takes no covariate
        u = profile.utilization
        return f"{gfmt(u.default, 3)}: {fit_words(u.fit_family, u.borrowed, u.same_chip)}"
    return shown.placeholder("utilization", profile.utilization.default)

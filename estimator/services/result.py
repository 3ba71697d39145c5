"""One scenario's whole answer (``Result``): the estimate, the scenario and profile it came from, and a preset's
published figures beside it. ``api.run`` makes it; the rows, exports and pages read it."""

from __future__ import annotations

from dataclasses import dataclass

from estimator.core.hardware.profile import HardwareProfile
from estimator.core.training.estimate import Estimate
from estimator.core.training.presets import Preset, PublishedComparison
from estimator.core.workload.scenario import Scenario


@dataclass(frozen=True)
class Result:
    estimate: Estimate
    scenario: Scenario
    profile: HardwareProfile
    preset: Preset | None
    comparison: tuple[PublishedComparison, ...]
    changed: frozenset[str] = frozenset()  # inputs that differ from the preset's own run
    # inputs that set only the embodied carbon and the water (``FOOTPRINT_FIELDS``) and differ from the
    # preset's: the run's time, energy and cost stay the published run's, but its footprint is not (audit)
    footprint_changed: frozenset[str] = frozenset()

    @property
    def title(self) -> str | None:
        """The preset's title, or "Based on …" once the scenario is no longer the preset's run."""
        if self.preset is None:
            return None
        return self.preset.title if not self.changed else f"Based on {self.preset.title}"

    @property
    def model_id(self) -> str | None:
        """The catalog model whose parameters the scenario's are (``api.run``'s ``params_model``), or None."""
        origin = self.scenario.origin("params")
        return origin.removeprefix("model:") if origin.startswith("model:") else None

    @property
    def model_name(self) -> str | None:
        """The catalog model's name with its Hub id ("Llama 3.1 8B (meta-llama/Meta-Llama-3.1-8B)"), or None (the paper
        statement names what was trained: researcher review 2026-11-26, "training the model (4.82 × 10²² FLOPs)" named
        nothing)."""
        if self.model_id is None:
            return None
        from estimator.io.serving_data import catalog_model
        return catalog_model(self.model_id).name

    @property
    def model_short_name(self) -> str | None:
        """The catalog model's name as people write it ("Llama 3.1 8B"), or None: a page's title."""
        name = self.model_name
        return None if name is None else name.split(" (")[0]

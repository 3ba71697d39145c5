"""What a preset's agreement with its published figures is worth (a note on its estimate): in
sample when the utilisation was fitted on that very run, with the run's held-out prediction and
the flat 30% rule's beside it, from the shipped cross-validation (``python -m estimator validate``);
by construction when the preset's utilisation comes from the same source as its time."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from estimator.core.base.errors import DataFileError
from estimator.core.hardware.utilization_model import RULE_UTILIZATION
from estimator.core.training.estimate import Estimate
from estimator.core.training.presets import Preset
from estimator.io.datafiles import load_validation_document
from estimator.report import humanize as hz


@lru_cache(maxsize=1)
def _validation_runs() -> tuple[Mapping[str, tuple[float, float, float]], Mapping[str, str], str | None]:
    """From the shipped nested cross-validation (``validate``): each fitted run's (published,
    held-out predicted, the flat 30% rule's) device-hours, each run left out of the fit with its reason, and what went
    wrong when the file cannot be read (the estimate does not need it, so the note says so instead)."""
    try:
        doc = load_validation_document()
        held = {r["run"]: (float(r["published_device_hours"]), float(r["predicted_device_hours"]),
                           float(r["baseline_device_hours"])) for r in doc["runs"]}
        left_out = {e["run"]: str(e["reason"]) for e in doc["excluded"]}
    except DataFileError as exc:
        return {}, {}, str(exc)
    except (KeyError, TypeError, ValueError) as exc:
        return {}, {}, f"the shipped validation has no runs table of the expected shape ({type(exc).__name__}: {exc})"
    return held, left_out, None


def in_sample_note(preset: Preset, est: Estimate) -> str | None:
    """What the preset's agreement with its published figures is worth: nothing as a test when the
    utilisation was fitted on that very run (then the run's held-out prediction is given) or set
    from the same source as the published time; None when the run is not one the fit holds."""
    run, util = preset.published_run, est.utilization
    if run is None or util is None:
        return None
    why = preset.why.get("utilization", "")
    if util.origin == f"preset:{preset.id}":
        if why.startswith(preset.source):  # the utilisation's note cites the source the published figures come from
            return (f"the utilisation is the preset's own ({why}), from the source of its published figures, so "
                    "they agree by construction: a reproduction, not a test")
        return None
    held_out, left_out, problem = _validation_runs()
    if problem is not None and util.origin.startswith("fit:"):
        return (f"the match with the published figures cannot be checked against a fit without this run: {problem}; "
                "re-create the validation with `python -m estimator fit-utilization`")
    if run in left_out:
        return (f"the published run ({run}) is not one the utilisation fit can be tested on ({left_out[run]}), so "
                "its agreement with the estimate is not a measure of accuracy")
    held = held_out.get(run)
    if not util.origin.startswith("fit:") or held is None:
        return None
    published, predicted, rule = held

    def off(x: float) -> str:
        return f"{max(x / published, published / x):.2f}× off"
    return (f"in sample: this run ({run}) is one of the runs the utilisation was fitted on, so its agreement with "
            f"the published figures is not a test; predicted by a fit without it (`python -m estimator validate`), its "
            f"device-hours are {hz.device_hours_number(predicted)} against the published "
            f"{hz.device_hours_number(published)} ({off(predicted)}; the flat {RULE_UTILIZATION:.0%}-of-peak rule: "
            f"{hz.device_hours_number(rule)}, {off(rule)})")

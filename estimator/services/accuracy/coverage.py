"""How often an estimate's time range held runs it did not see, in words for the paper statement: read from the
shipped cross-validation (``estimator/data/utilization_validation.json``, written by ``fit-utilization``). A small
module of its own: the CLI's `estimate` imports it without the fitting code of ``services.accuracy.utilization``."""

from __future__ import annotations

from estimator.core.hardware.utilization_model import family_label
from estimator.io.datafiles import load_validation_document

# A family with fewer runs than this gets the coverage over all runs: one run in a 80% range or out says 100% or 0%
# (a design choice: ten runs resolve the coverage to a tenth)
FEW_RUNS = 10


def coverage_words(est) -> str | None:
    """How often the time's 80% range held runs it did not see, for the paper statement (researcher review
    2026-11-26: "whose out-of-sample coverage the tool reports" gave no figure): the shipped validation's coverage
    for the fit's family, or for a device without runs that of the families held out whole; None where the time is
    no fitted utilisation's (the step model's statement gives its own). A preset's own utilisation takes its family
    fit's spread around it (``short_coverage``): the fit's coverage is said, as measured around the fit's own centre
    (lecturer review 2026-12-02: GPT-3 on one V100's statement had said "whose out-of-sample coverage the tool reports"
    with no figure, where its table said 64% of the 11 V100 runs)."""
    u = est.utilization
    preset = u is not None and u.origin.startswith("preset:") and bool(u.family)
    if u is None or not (u.origin.startswith("fit:") or preset) or est.step is not None:
        return None
    words = _fit_coverage_words(u)
    if words is None or not preset:
        return words
    return f"{words}, measured around the fit's own utilisation, not the preset's"


def _fit_coverage_words(u) -> str | None:
    """``coverage_words``'s figure for the fit of ``u``'s family."""
    doc = load_validation_document()
    if u.borrowed:
        m = doc["new_family"]["summary"]["all"]["model"]
        return (f"{m['interval_coverage']:.0%} of the {m['n_runs']} runs with each hardware family held out whole "
                "and predicted as a device without runs")
    m = doc["summary"].get(u.family, {}).get("model")
    if not m or m.get("interval_coverage") is None:
        return None
    if m["n_runs"] < FEW_RUNS:  # "100% of the 2 TPU v4 runs" measures nothing (review 2026-11-26): all runs' figure
        m = doc["summary"]["all"]["model"]
        return (f"{m['interval_coverage']:.0%} of all {m['n_runs']} runs, each held out with its paper's other runs "
                f"({family_label(u.family)}'s own runs are too few to measure it)")
    return (f"{m['interval_coverage']:.0%} of the {m['n_runs']} {family_label(u.family)} runs, each held out with "
            "its paper's other runs")


# A family's measured coverage this far or more under the range's level is said beside the figures, not only in the
# paper statement (researcher review 2026-11-28: V100's 80% range held 64% of its runs, said in the LaTeX only); a
# design choice: a tenth, about the resolution of FEW_RUNS runs
SHORT_BY = 0.10


def short_coverage(est) -> tuple[float, int] | None:
    """(the share held, the runs) where the fitted utilisation's range held clearly fewer of its family's runs held out
    than its level (``short_coverage_note``'s figures); None elsewhere."""
    u = est.utilization
    spread_of_fit = u is not None and (u.origin.startswith("fit:") or (u.origin.startswith("preset:") and u.family))
    if u is None or not spread_of_fit or est.step is not None or u.borrowed:
        return None
    m = load_validation_document()["summary"].get(u.family, {}).get("model")
    if not m or m.get("interval_coverage") is None or m["n_runs"] < FEW_RUNS:
        return None
    if m["interval_coverage"] > est.level - SHORT_BY:
        return None
    return float(m["interval_coverage"]), int(m["n_runs"])


def short_coverage_note(est) -> str | None:
    """Where the fitted utilisation's range held clearly fewer of its family's runs held out than its level: that,
    as a note; None elsewhere (the step model's time, a borrowed fit, a family of too few runs, a range that held).
    A preset's own utilisation takes the family fit's spread around it (lecturer review 2026-11-29: GPT-3 on one V100,
    Lambda's 0.224 with the V100 runs' spread, had no word of it where the fitted GPT-3 preset had): said too."""
    short = short_coverage(est)
    if short is None:
        return None
    held, runs = short
    return (f"range: the time's {est.level:.0%} range held {held:.0%} of the {runs} "
            f"{family_label(est.utilization.family)} runs, each held out with its paper's other runs (`python -m "
            "estimator validate`): on this hardware it is too narrow")


__all__ = ["coverage_words", "short_coverage", "short_coverage_note"]

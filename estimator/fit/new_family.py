"""The interval of a device without runs, calibrated on families held out whole.

Pure. A device with no runs of its own (B200, TPU v5p, the CPU server) is predicted from its
nearest family's fit or the pooled fit with τ² added, or by the flat rule
(``estimator/core/hardware/utilization_model.py``). Whether that interval holds "80%" cannot be read off
the families' own leave-one-paper-out residuals: those come from runs whose family the fit has seen.
So each family with runs is held out whole, fitted without, and predicted as a device without
runs would be, each of those ways; the interval's multiplier for each way is the 80% point of
those standardised residuals,
each family's counting equally (CDF pooling: Dunn, Wasserman & Ramdas 2023,
"Distribution-free prediction sets for two-layer hierarchical models", JASA 118(541)). A family
is the unit that is new here, not a run: A100's 43 runs must not outvote TPU v4's 2. CDF pooling
is valid as the number of families grows and has no finite-sample correction (unlike
``conformal_multiplier``): with few families it falls a little short (profiles/README.md).

Which centre such a device takes is chosen the same way (:func:`choose_centre`): its nearest
family's fit, the pooled fit over all families, or the flat rule (30% of dense peak, the
baseline every accuracy figure is set beside), whichever predicted the held-out families best,
each family weighing the same. The nearest family is the natural prior, but five families held
out whole said otherwise: H100's fit puts A100 runs too low, A100's puts V100 runs too high, and
what the fits learn from their own families' runs (the slopes on FLOPs and years since release,
the families' offsets) carried over to a family they had not seen less well than no fit at all
(profiles/README.md, "A device without runs"). The rule is last in the order, so a fit is kept
unless the rule did strictly better. The same chip on another board (the
profiles' ``same_chip``: the PCIe cards, the H200, the Titan V) is not a new device in this
sense and always takes its family's fit.

A held-out family has no profile entry naming its neighbour, so its nearest family is chosen
by a fixed rule: the family of the same kind (GPU, TPU) whose chip was released nearest in time,
the newer on a tie; with none of the same kind, the pooled fit. The profiles' ``prior_from`` is
chosen per device, with its reason in the profile's ``basis``; the rule gives the same family
for 38 of the 47 devices that borrow (the others: Gaudi 2 and 3, Trainium2, the MI250X and the A10G, and the older
GPUs that name no family, ``prior_from = "pooled"``; ``tests/fit/test_new_family.py`` counts them).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from estimator.core.base.interval import LEVEL
from estimator.core.hardware.utilization_model import NEAREST, NEW_DEVICE_CENTRES, POOLED, RULE, Prediction, Spec
from estimator.fit.grouped_conformal import pooled_cdf_quantile

# The fewest families for a multiplier of devices without runs: with two, each family's residuals
# would be judged by the other's fit alone, and the quantile by one family's.
MIN_FAMILIES = 3


@dataclass(frozen=True)
class HeldOutFamily:
    """One run of a family held out whole, and its prediction as a device without runs."""

    family: str
    nearest: str | None      # its nearest family among the others (:func:`nearest_family`; None: none)
    used: str | None         # the family whose fit predicted it (None: the pooled fit; RULE: the flat rule)
    centre: str              # how it was centred: NEAREST (its nearest family's fit, if any), POOLED or RULE
    run: Any                 # the TrainingRun
    prediction: Prediction   # from the fit without the family
    spec: Spec               # that fit's candidate

    @property
    def score(self) -> float:
        """|ln actual − ln centre| ÷ σ: the standardised residual the multiplier is a quantile of."""
        return abs(math.log(self.run.goodput) - math.log(self.prediction.center)) / self.prediction.sigma_log


def family_traits(runs: Sequence[Any]) -> dict[str, tuple[str, int | None]]:
    """Each family's (kind, first release) from its runs (``TrainingRun.kind``, ``release_year``)."""
    out: dict[str, tuple[str, int | None]] = {}
    for r in runs:
        kind, year = out.get(r.family, (r.kind, r.release_year))
        years = [y for y in (year, r.release_year) if y is not None]
        out[r.family] = (kind, min(years) if years else None)
    return out


def nearest_family(family: str, traits: dict[str, tuple[str, int | None]], among: Sequence[str]) -> str | None:
    """The family in ``among`` of ``family``'s kind released nearest in time (the newer on a tie),
    or None (the pooled fit) when there is none of that kind or a release year is unknown."""
    kind, year = traits[family]
    if year is None:
        return None
    same = [f for f in among if f != family and traits[f][0] == kind and traits[f][1] is not None]
    if not same:
        return None
    return min(same, key=lambda f: (abs(traits[f][1] - year), -traits[f][1]))


def leave_family_out(runs: Sequence[Any], fit_without: Callable[[Sequence[Any]], Any],
                     centres: Sequence[str | None] = (None,)) -> dict[str | None, list[HeldOutFamily]]:
    """Each family held out whole: ``fit_without(other runs)`` (a :class:`UtilizationModel`)
    predicts its runs as a device without runs, centred each way in ``centres`` (NEAREST: from
    its nearest family among the others; POOLED: the pooled fit; RULE: the flat rule; None: as that model's own
    ``new_device_centre`` says). Centre → held-out runs. A family whose removal leaves too few
    runs to fit (``fit_without`` returns None) is not held out."""
    traits = family_traits(runs)
    out: dict[str | None, list[HeldOutFamily]] = {c: [] for c in centres}
    for family in sorted(traits):
        model = fit_without([r for r in runs if r.family != family])
        if model is None:
            continue
        near = nearest_family(family, traits, sorted(model.families))
        for centre in centres:
            how = model.new_device_centre if centre is None else centre
            used = (model.borrowed_family(near or POOLED) if centre is None
                    else {NEAREST: near, POOLED: None, RULE: RULE}[centre])
            out[centre].extend(HeldOutFamily(family, near, used, how, r,
                                             model.predict(used, r.flops, year=r.year, release_year=r.release_year,
                                                           borrowed=True), model.spec)
                               for r in runs if r.family == family)
    return out


def family_error(held_out: Sequence[HeldOutFamily]) -> float:
    """The mean over families of each family's median |ln actual − ln centre|: every family
    weighs the same, as in :func:`new_family_multiplier`."""
    by_family: dict[str, list[float]] = {}
    for h in held_out:
        by_family.setdefault(h.family, []).append(abs(math.log(h.run.goodput) - math.log(h.prediction.center)))
    return sum(statistics.median(v) for v in by_family.values()) / len(by_family)


def choose_centre(held: Mapping[str, Sequence[HeldOutFamily]]) -> str:
    """The centre for devices without runs (:data:`NEW_DEVICE_CENTRES`) whose held-out families
    were predicted best (:func:`family_error`), among those ``held`` gives; the first in that order
    wins a tie. With fewer
    than :data:`MIN_FAMILIES` families held out there is too little to choose on: NEAREST."""
    if len({h.family for h in held.get(NEAREST, ())}) < MIN_FAMILIES:
        return NEAREST
    best, best_err = NEAREST, math.inf
    for centre in (c for c in NEW_DEVICE_CENTRES if c in held):
        err = family_error(held[centre])
        if err < best_err - 1e-12:
            best, best_err = centre, err
    return best


def new_family_multiplier(held_out: Sequence[HeldOutFamily], level: float = LEVEL) -> float | None:
    """The multiplier for devices without runs, or None when fewer than :data:`MIN_FAMILIES`
    families could be held out."""
    if len({h.family for h in held_out}) < MIN_FAMILIES:
        return None
    return pooled_cdf_quantile([h.score for h in held_out], [h.family for h in held_out], level)

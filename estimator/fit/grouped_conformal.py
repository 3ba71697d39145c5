"""A quantile of scores that come in groups, each group counting once (CDF pooling).

Pure: scores and their group names in, one number out.

Plain conformal (``utilization_fit.conformal_multiplier``) treats every score as exchangeable.
Grouped scores are not, in two places here:

- a device without runs is new as a family, not as a run: A100's 43 runs must not outvote TPU
  v4's 2 (``new_family``);
- a serving configuration shares its model's errors (every CodeLlama-7B configuration on an H100
  is too slow by a similar factor), and a model measured in 14 configurations outvotes four
  measured once each (``serving_fit``). Counted one by one, the 80% serving interval held 66% of
  the TPOT configurations out of sample.

CDF pooling (Dunn, Wasserman & Ramdas 2023, "Distribution-free prediction sets for two-layer
hierarchical models", JASA 118(541), arXiv:1809.07441, §3) averages the groups' empirical
distributions, each group counting once, and takes the ``level`` quantile of that average. Its
coverage for a new group holds as the number of groups grows; the authors recommend it for the
balance of coverage and width. It has no finite-sample correction, so with few groups it can fall a
little short. For serving, the finite-sample variant (one more group's weight at +∞, as in Lee,
Barber & Willett 2023, arXiv:2306.06342) was measured too: with 6 models it held 88% (TPOT) and
91% (J per token) of the configurations at widths ×2.76 and ×2.21, against 81% and 84% at ×2.28
and ×1.99 for CDF pooling (measured before the embedding table was left out of a step's reads; CDF
pooling's figures now: `python -m estimator validate --inference`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from estimator.core.base.errors import InputError
from estimator.core.base.interval import LEVEL


def pooled_cdf_quantile(scores: Sequence[float], groups: Sequence[str], level: float = LEVEL) -> float:
    """The smallest score at which the average of the groups' empirical CDFs reaches ``level``
    (CDF pooling, Dunn, Wasserman & Ramdas 2023, §3: each group weighs the same)."""
    z = np.asarray(scores, dtype=float)
    g = np.asarray(groups)
    if len(z) == 0 or len(z) != len(g):
        raise InputError(f"a pooled quantile needs one group per score, and at least one score "
                         f"(got {len(z)} scores, {len(g)} groups)")
    labels, inverse, counts = np.unique(g, return_inverse=True, return_counts=True)
    weight = 1.0 / (counts[inverse] * len(labels))
    order = np.argsort(z, kind="stable")
    reached = np.cumsum(weight[order])
    k = min(int(np.searchsorted(reached, level - 1e-12)), len(z) - 1)
    return float(z[order][k])


__all__ = ["pooled_cdf_quantile"]

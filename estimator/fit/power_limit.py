"""How much slower a device runs under a power limit (pure): MLPerf Inference's power-capped results against the same
systems uncapped, rows in, the exponent and its cross-validation out.

A MaxQ result (the system's name says "MaxQ") with its GPUs' power limit known (``estimator/data/mlperf_power_limits.csv``,
from the submitter's configs) is paired with the same submitter's result of the same round, system (its name without
", MaxQ"), devices, benchmark and scenario. In each pair the capped system served r = its tokens/s ÷ the uncapped one's
at c = (the limit − idle) ÷ (the TDP − idle), idle the serving model's 0.2 × TDP: the power above idle, the part
that does work, the limit leaves of what the device drew uncapped (at MLPerf's batches the serving model's uncapped
draw is the TDP: the wall-power check, ``validate --inference``). The model: r = c^α, one exponent α for every device
and engine (``ServingFit.power_limit_exponent``; ``core.serving.step.limit_stretch`` stretches the whole step by
((draw − idle) ÷ (limit − idle))^α, as the whole systems' tokens/s measured it). Fitted by least squares on the logs
through the origin, α = Σ ln r · ln c ÷ Σ (ln c)², held within [0, 1].

Cross-validated by model (each model's pairs predicted by α from the others'), beside two naive baselines computed in
the same run: a limit costs no time (the throughput uncapped) and throughput in proportion to the power (the
uncapped × limit ÷ TDP).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from estimator.core.base.errors import InputError
from estimator.core.serving.step import IDLE_POWER_FRACTION
from estimator.fit.serving_fit import metrics
from estimator.fit.serving_mlperf import MLPerfRow

MAXQ = ", MaxQ"
BASELINES = ("no slowdown", "in proportion to power")


@dataclass(frozen=True)
class CappedPair:
    """A power-capped MLPerf result and the same system's uncapped one."""
    capped: MLPerfRow
    uncapped: MLPerfRow
    limit_w: float

    @property
    def model(self) -> str:
        return self.capped.model

    @property
    def rate_ratio(self) -> float:
        """Capped ÷ uncapped tokens/s."""
        return self.capped.tokens_per_s / self.uncapped.tokens_per_s

    @property
    def limit_ratio(self) -> float:
        """The limit ÷ the device's TDP."""
        return self.limit_w / float(self.capped.device.tdp_w)

    @property
    def working_ratio(self) -> float:
        """(The limit − idle) ÷ (the TDP − idle): the power above idle left of the uncapped draw (the TDP)."""
        idle = IDLE_POWER_FRACTION * float(self.capped.device.tdp_w)
        return (self.limit_w - idle) / (float(self.capped.device.tdp_w) - idle)

    def predicted_tokens_per_s(self, exponent: float) -> float:
        return self.uncapped.tokens_per_s * self.working_ratio ** exponent

    def baseline_tokens_per_s(self, name: str) -> float:
        """A naive baseline's capped tokens/s: the uncapped (no slowdown), or it × limit ÷ TDP."""
        return self.uncapped.tokens_per_s * (1.0 if name == "no slowdown" else self.limit_ratio)


def pairs(rows: Sequence[MLPerfRow], limits: Mapping[str, float]) -> tuple[CappedPair, ...]:
    """Every row with a limit (``limits``: by row id) paired with its uncapped twin (the module docstring); a limit
    on a row that is no MaxQ result, or that has no twin, is refused."""
    by_id = {r.row_id: r for r in rows}
    out = []
    for row_id, limit in sorted(limits.items()):
        r = by_id.get(row_id)
        if r is None or MAXQ not in r.system:
            raise InputError(f"power limit for {row_id}: no MaxQ result of that id in the MLPerf rows")
        twin = [u for u in rows if u.system == r.system.replace(MAXQ, "") and u.version == r.version
                and u.devices == r.devices and u.benchmark == r.benchmark and u.scenario == r.scenario
                and u.hardware_id == r.hardware_id]
        if len(twin) != 1:
            raise InputError(f"power limit for {row_id}: {len(twin)} uncapped results of its system, round, benchmark "
                             "and scenario, not one")
        out.append(CappedPair(r, twin[0], float(limit)))
    return tuple(out)


def fit_exponent(ps: Sequence[CappedPair]) -> float:
    """α = Σ ln r · ln c ÷ Σ (ln c)², within [0, 1] (the module docstring)."""
    den = sum(math.log(p.working_ratio) ** 2 for p in ps)
    if not ps or den <= 0:
        raise InputError("no capped result with a limit below its TDP to fit a power limit's slowdown to")
    num = sum(math.log(p.rate_ratio) * math.log(p.working_ratio) for p in ps)
    return min(1.0, max(0.0, num / den))


def fold_exponent(rows: Sequence[MLPerfRow]) -> float:
    """The exponent fitted to the capped results among ``rows`` (each with its uncapped twin there too), 0 where there
    are none: what a cross-validation fold that holds some rows out knows of a power limit's slowdown."""
    limits = {r.row_id: float(r.power_limit_w) for r in rows if r.power_limit_w is not None}
    ps = pairs(rows, limits) if limits else ()
    return fit_exponent(ps) if any(p.working_ratio < 1.0 for p in ps) else 0.0


def cross_validate(ps: Sequence[CappedPair]) -> dict:
    """Each model's pairs predicted with α fitted to the other models' (the capped tokens/s from the uncapped), the
    median factor and predicted ÷ measured; the baselines' from the same pairs; each pair's figures."""
    errors, rows = [], []
    for p in ps:
        alpha = fit_exponent([q for q in ps if q.model != p.model])
        predicted = p.predicted_tokens_per_s(alpha)
        errors.append(math.log(predicted / p.capped.tokens_per_s))
        rows.append({"capped": p.capped.row_id, "uncapped": p.uncapped.row_id, "model": p.model,
                     "scenario": p.capped.scenario, "limit_w": p.limit_w, "limit_ratio": p.limit_ratio,
                     "working_ratio": p.working_ratio,
                     "measured_ratio": p.rate_ratio, "exponent_held_out": alpha,
                     "measured_tokens_per_s": p.capped.tokens_per_s, "predicted_tokens_per_s": predicted})
    out = {"model": metrics(errors).to_dict(), "pairs": rows}
    for name in BASELINES:
        out[name] = metrics([math.log(p.baseline_tokens_per_s(name) / p.capped.tokens_per_s) for p in ps]).to_dict()
    return out


__all__ = ["BASELINES", "CappedPair", "cross_validate", "fit_exponent", "fold_exponent", "pairs"]

"""The serving model's node at the wall against MLPerf Inference's power results, and energy per token at the wall
(pure): rows in, each row's predicted node power, its range and the naive baselines out.

A row with a measured power (``MLPerfRow.power_w``: the whole system at the wall, as MLPerf's power results measure
it) is served as ``serving_mlperf.predict`` serves it (Offline: the largest batch; Server: the TPOT bound × the
Server share), and its node power is the inference's (``core.serving.node.node_power`` of the step's draw per device
over the devices the configuration uses): the devices at their modelled load and their hosts, before PUE, with the
profile's power interval as its range. A power-capped (MaxQ) result whose GPUs' power limit is known is served under
that limit (``step.step``'s ``power_limit_w``): its devices draw at most the limit and run slower by the fitted
exponent (``estimator.fit.power_limit``).

Energy per token at the wall is that power ÷ a tokens/s: the measured one's is measured power ÷ measured tokens/s;
the predicted one's the predicted power ÷ the tokens/s a fit that never saw the row's model (or hardware) predicted
(``serving_mlperf.cross_validate``, as ``fit-serving`` wrote it), so the tokens/s is out of sample (a power-capped
row's under its limit, as every fit serves it).

The naive baselines, from the same rows: the devices' TDP and the same host part per device (``node_power`` at the
TDP: the nameplate node); the devices at their power limit where it is known (else the TDP) and the same host part
(the nameplate node at the limit: what knowing the limit gives, without a serving model); and the devices' TDP only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from estimator.core.base.errors import InputError
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.serving.node import NodePower, node_power
from estimator.core.serving.step import ServingFit
from estimator.core.serving.throughput import Throughput
from estimator.fit.serving_fit import Metrics, metrics
from estimator.fit.serving_mlperf import MLPerfRow, predict


@dataclass(frozen=True)
class WallRow:
    """One MLPerf power result beside the node the serving model predicts for its configuration."""
    row: MLPerfRow
    served: Throughput            # the configuration predicted (tensor parallelism, replicas, batch, step)
    node: NodePower               # the devices at their load and their hosts, at the wall, before PUE
    tdp_and_host_w: float         # baseline: the devices at their TDP and the same host part (the nameplate node)
    tdp_only_w: float            # baseline: the devices' TDP only
    limit_and_host_w: float = 0.0  # baseline: the devices at their power limit (the TDP where none is known) and the host
    limit_w: float | None = None  # the GPUs' power limit (a power-capped result's, where known)
    limit_slowdown: float = 1.0   # its tokens/s under the limit ÷ without it, as the shipped fit serves it (shown)

    @property
    def measured_w(self) -> float:
        return float(self.row.power_w)

    @property
    def ratio(self) -> float:
        """Predicted ÷ measured node power."""
        return self.node.power_w / self.measured_w

    @property
    def inside(self) -> bool:
        low, high = self.node.range_w
        return low <= self.measured_w <= high

    @property
    def measured_j_per_token(self) -> float:
        return self.measured_w / self.row.tokens_per_s


def wall_row(r: MLPerfRow, profile: HardwareProfile, fit: ServingFit, share: float, max_batch: int) -> WallRow:
    """The row's configuration as the engine ``fit`` serves it (under its GPUs' power limit, where known), and its
    node at the wall (the module docstring)."""
    if r.power_w is None:
        raise InputError(f"MLPerf result {r.row_id} has no measured power to judge the node's against")
    t = predict(r, fit, share, max_batch)
    limit = r.power_limit_w
    slowdown = 1.0 if limit is None else t.tokens_per_s / predict(replace(r, power_limit_w=None), fit, share,
                                                                      max_batch).tokens_per_s
    node = node_power(profile, t.step.power_w, t.devices, limit)   # as `inference --power-limit-w` gives it
    tdp = float(r.device.tdp_w)
    at_limit = node_power(profile, tdp if limit is None else min(tdp, float(limit)), r.devices).power_w
    return WallRow(r, t, node, node_power(profile, tdp, r.devices).power_w, r.devices * tdp, at_limit, limit, slowdown)


def wall_rows(rows: Sequence[MLPerfRow], profiles: dict[str, HardwareProfile], fit: ServingFit, share: float,
              max_batch: int) -> tuple[WallRow, ...]:
    """Every row with a measured power, each by ``wall_row`` (``profiles``: by hardware id)."""
    return tuple(wall_row(r, profiles[r.hardware_id], fit, share, max_batch) for r in rows if r.power_w is not None)


def power_metrics(ws: Sequence[WallRow]) -> dict:
    """The node power's median factor and predicted ÷ measured (``metrics``), the share inside its range (by row, and
    each model's share averaged over the models) and the range's mean width (high ÷ low), and each baseline's
    median factor and ratio on the same rows."""
    m = metrics([math.log(w.ratio) for w in ws]).to_dict()
    inside = [w.inside for w in ws]
    models = sorted({w.row.model for w in ws})
    out = {"model": {**m, "interval_coverage": sum(inside) / len(ws),
                     "interval_mean_width_factor": math.exp(sum(math.log(w.node.range_w[1] / w.node.range_w[0])
                                                                for w in ws) / len(ws)),
                     "interval_coverage_by_model": sum(sum(i for i, w in zip(inside, ws, strict=True) if w.row.model == n)
                                                       / sum(w.row.model == n for w in ws) for n in models) / len(models)}}
    for key in ("tdp_and_host_w", "limit_and_host_w", "tdp_only_w"):
        out[key.removesuffix("_w")] = metrics([math.log(getattr(w, key) / w.measured_w) for w in ws]).to_dict()
    return out


def j_per_token_metrics(ws: Sequence[WallRow], held_tokens_per_s: Sequence[float], half: float,
                        baseline_tokens_per_s: Sequence[float]) -> dict[str, Metrics]:
    """Energy per token at the wall, each row's power ÷ its held-out tokens/s (``held_tokens_per_s``, in ``ws``'s
    order) against the measured power ÷ the measured tokens/s, judged by a range ×/÷ e^``half``; beside it the
    baselines' powers ÷ the same tokens/s, and the devices' TDP only ÷ the flat roofline's tokens/s
    (``baseline_tokens_per_s``, from the same folds)."""
    def errors(power, tps):
        return [math.log(p / t / w.measured_j_per_token) for w, p, t in zip(ws, power, tps, strict=True)]
    return {"model": metrics(errors([w.node.power_w for w in ws], held_tokens_per_s), [half] * len(ws),
                             [w.row.model for w in ws]),
            "tdp_and_host": metrics(errors([w.tdp_and_host_w for w in ws], held_tokens_per_s)),
            "limit_and_host": metrics(errors([w.limit_and_host_w for w in ws], held_tokens_per_s)),
            "tdp_only": metrics(errors([w.tdp_only_w for w in ws], held_tokens_per_s)),
            "tdp_only_flat_roofline": metrics(errors([w.tdp_only_w for w in ws], baseline_tokens_per_s))}


__all__ = ["WallRow", "j_per_token_metrics", "power_metrics", "wall_row", "wall_rows"]

"""Average power during training, fitted to measured draws, with a stated interval.

Pure: measurements (frozen dataclasses) in, a :class:`RatioFit` out. The measurements are in
``estimator/data/measured_power.csv`` (each with its source); the profiles name the group whose
fit gives their average power and range (``[power] fit = "gpu-system"``).

Model, per group of like measurements: ln(measured ÷ TDP) ~ Normal(μ, σ²). The centre is
exp(μ̂) × TDP and the stated interval is the textbook normal prediction interval for one new
run, exp(μ̂ ± t_{n−1, (1+level)/2} · s · √(1 + 1/n)) × TDP. Leave-one-out coverage over the
group's own measurements is reported by ``python -m estimator validate``, and beside it the
coverage with each device's measurements held out together (a device the group has not measured).

A device measured at least ``MIN_OWN`` times in its group may take its own centre
(:func:`fit_device`; a profile names it with ``[power] measured_device``): one fixed effect per
device, ln(measured ÷ TDP) = μ_device + ε with one within-device σ for the group, so the interval is
exp(ȳ_d ± t_{ν, (1+level)/2} · s_w · √(1 + 1/n_d)), s_w² the pooled within-device variance and
ν = Σ(n_j − 1) over the group's devices measured more than once. TPU v2 and v3 draw different
shares of their TDP (0.74–0.82 against 0.54–0.69), which one centre for both cannot give.

Groups (never mixed: they measure different things):
- ``gpu-system``: a GPU's share of its whole server (GPU, host CPU, memory, fans), the
  quantity PUE multiplies; it exceeds the GPU's TDP for large jobs (GPT-3 on V100: 330 W of 300 W).
- ``gpu-chip``: the GPU board alone (NVML / a cloud's GPU meter); small jobs draw a third of TDP.
- ``tpu-system``: a TPU chip's share of its system, against Google's stated chip TDP.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from estimator.core.base import student_t
from estimator.core.base.errors import InputError
from estimator.core.base.interval import LEVEL
from estimator.core.hardware.power_ratio import GROUPS, MIN_OWN, PowerFits, RatioFit


@dataclass(frozen=True)
class PowerMeasurement:
    id: str
    device: str
    group: str
    tdp_w: float
    measured_w: float
    workload: str
    source: str

    @property
    def ratio(self) -> float:
        return self.measured_w / self.tdp_w


def _check_finite(points: Sequence[PowerMeasurement]) -> None:
    for p in points:
        if not (math.isfinite(p.tdp_w) and math.isfinite(p.measured_w) and p.tdp_w > 0 and p.measured_w > 0):
            raise InputError(f"measurement '{p.id}': TDP and measured power must be positive finite numbers")


def fit_ratio(points: Sequence[PowerMeasurement], level: float = LEVEL) -> RatioFit:
    """The normal prediction interval of ln(measured ÷ TDP) for one new run."""
    groups = {p.group for p in points}
    if len(groups) != 1:
        raise InputError(f"a power fit takes one group of measurements, got {sorted(groups)}")
    if len(points) < 2:
        raise InputError("a power fit needs at least 2 measurements")
    _check_finite(points)
    logs = np.log([p.ratio for p in points])
    n = len(logs)
    mu, s = float(logs.mean()), float(logs.std(ddof=1))
    half = float(student_t.quantile(0.5 + level / 2, n - 1)) * s * math.sqrt(1 + 1 / n)
    return RatioFit(groups.pop(), n, math.exp(mu), math.exp(mu - half), math.exp(mu + half), level, s,
                    measured=tuple(dict.fromkeys(p.device for p in points)))


def fit_groups(points: Sequence[PowerMeasurement], level: float = LEVEL) -> Mapping[str, RatioFit]:
    by: dict[str, list[PowerMeasurement]] = {}
    for p in points:
        if p.group not in GROUPS:
            raise InputError(f"measurement '{p.id}': unknown group '{p.group}'; use one of {', '.join(GROUPS)}")
        by.setdefault(p.group, []).append(p)
    return {g: fit_ratio(ps, level) for g, ps in by.items() if len(ps) >= 2}


def _logs_by_device(points: Sequence[PowerMeasurement]) -> dict[str, list[float]]:
    by: dict[str, list[float]] = {}
    for p in points:
        by.setdefault(p.device, []).append(math.log(p.ratio))
    return by


def fit_device(points: Sequence[PowerMeasurement], device: str, level: float = LEVEL) -> RatioFit:
    """One measured device's centre, with the spread within devices pooled over its group
    (``points``: one group's measurements; the module docstring gives the model)."""
    groups = {p.group for p in points}
    if len(groups) != 1:
        raise InputError(f"a power fit takes one group of measurements, got {sorted(groups)}")
    _check_finite(points)
    tdps = {p.tdp_w for p in points if p.device == device}
    if len(tdps) > 1:
        raise InputError(f"device '{device}': its measurements give {len(tdps)} TDPs; one device has one")
    by = _logs_by_device(points)
    own = by.get(device, [])
    if len(own) < MIN_OWN:
        raise InputError(f"device '{device}' has {len(own)} measurement(s) in group '{next(iter(groups))}'; "
                         f"its own centre needs at least {MIN_OWN}")
    repeated = [np.asarray(v) for v in by.values() if len(v) >= 2]
    df = sum(len(v) - 1 for v in repeated)
    s = math.sqrt(sum(float(((v - v.mean()) ** 2).sum()) for v in repeated) / df)
    mu, n = float(np.mean(own)), len(own)
    half = float(student_t.quantile(0.5 + level / 2, df)) * s * math.sqrt(1 + 1 / n)
    return RatioFit(groups.pop(), n, math.exp(mu), math.exp(mu - half), math.exp(mu + half), level, s,
                    device=device, n_spread=sum(len(v) for v in repeated), device_tdp_w=tdps.pop())


def fit_all(points: Sequence[PowerMeasurement], level: float = LEVEL) -> PowerFits:
    """Each group's fit, and the own fit of each device measured at least MIN_OWN times in its group."""
    groups = fit_groups(points, level)
    devices = {}
    for g in groups:
        members = [p for p in points if p.group == g]
        for device, logs in _logs_by_device(members).items():
            if len(logs) >= MIN_OWN:
                devices[(g, device)] = fit_device(members, device, level)
    return PowerFits(groups, devices)


@dataclass(frozen=True)
class PowerCheck:
    point: PowerMeasurement
    fit: RatioFit  # fitted without this point

    @property
    def inside(self) -> bool:
        return self.fit.low <= self.point.ratio <= self.fit.high

    @property
    def factor(self) -> float:
        r = self.point.ratio / self.fit.center
        return max(r, 1 / r)


def leave_one_out(points: Sequence[PowerMeasurement], level: float = LEVEL,
                  own: Collection[tuple[str, str]] = ()) -> list[PowerCheck]:
    """Each measurement against the fit of the others in its group (groups of 3 or more): the
    device's own fit where (group, device) is in ``own`` (the devices whose profiles name
    ``measured_device``) and the others hold MIN_OWN of its measurements, else the group's fit."""
    out = []
    for g in GROUPS:
        members = [p for p in points if p.group == g]
        if len(members) < 3:
            continue
        for i, p in enumerate(members):
            others = members[:i] + members[i + 1:]
            mine = sum(q.device == p.device for q in others)
            fit = (fit_device(others, p.device, level) if (g, p.device) in own and mine >= MIN_OWN
                   else fit_ratio(others, level))
            out.append(PowerCheck(p, fit))
    return out


def leave_one_device_out(points: Sequence[PowerMeasurement], level: float = LEVEL) -> list[PowerCheck]:
    """Each measurement against the fit of the other devices' measurements in its group: how the
    group's fit does for a device it holds no measurement of, which is how most profiles use it
    (the A100, the H100 and the B200 take the `gpu-system` fit, measured on P100 and V100). A device
    is held out when the other devices leave at least 2 measurements."""
    out = []
    for g in GROUPS:
        members = [p for p in points if p.group == g]
        for device in dict.fromkeys(p.device for p in members):
            others = [p for p in members if p.device != device]
            if len(others) < 2:
                continue
            fit = fit_ratio(others, level)
            out.extend(PowerCheck(p, fit) for p in members if p.device == device)
    return out

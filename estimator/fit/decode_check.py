"""The serving model's time, power and energy per output token against decode steps measured on a
real GPU (``estimator/data/measured_decode.csv``, written by ``benchmarks/gpu_decode.py``).

Pure: measurements in, predictions and summaries out. No fit has seen these rows: the online engine
is fitted to ML.ENERGY's measurements, the latency engine's time constants to published decode
times (``estimator.fit.tpot_check``) with the online fit's power factor, so each row is out of sample
for both. They are the first measured *energy* the latency engine is held to. Each row's window holds
decode steps only, no prefill, so the model's prefill is taken out of its time (as ``tpot_check`` does
for such rows) and out of its power's load (``serving.load_power_fraction`` with no prefill).

The baseline, computed in the same run, is the previous model (``serving.previous_model``: weight
bytes ÷ the full bandwidth at the TDP), as in the other serving checks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from estimator.core.serving.step import ServingFit, compute_share, load_power_fraction
from estimator.fit.serving_fit import Metrics, metrics
from estimator.fit.tpot_check import TpotRow, measured_time, row_previous, row_step


@dataclass(frozen=True)
class DecodeMeasurement:
    """One measured decode configuration: its shape and time (``row``), and the GPU's mean power
    and energy per output token over the same steps (the GPU alone, no host)."""

    row: TpotRow
    power_w: float
    joules_per_output_token: float
    idle_power_w: float
    run: str                 # which run of the benchmark (repeats on other machines are other runs)


@dataclass(frozen=True)
class DecodePrediction:
    measured: DecodeMeasurement
    engine: str
    tpot_s: float            # decode step alone (prefill taken out)
    power_w: float
    joules_per_output_token: float
    tpot_half: float         # the stated intervals' log half-widths
    energy_half: float
    previous_tpot_s: float
    previous_j_per_output_token: float

    def log_error(self, what: str) -> float:
        """ln(predicted ÷ measured) of ``tpot``, ``energy`` or ``power``."""
        m = self.measured
        pairs = {"tpot": (self.tpot_s, m.row.tpot_s), "energy": (self.joules_per_output_token, m.joules_per_output_token),
                 "power": (self.power_w, m.power_w)}
        predicted, measured = pairs[what]
        return math.log(predicted / measured)

    @property
    def inside_tpot(self) -> bool:
        return abs(self.log_error("tpot")) <= self.tpot_half

    @property
    def inside_energy(self) -> bool:
        return abs(self.log_error("energy")) <= self.energy_half


@dataclass(frozen=True)
class DecodeCheck:
    engine: str
    predictions: tuple[DecodePrediction, ...]
    tpot: Metrics
    energy: Metrics
    power: Metrics            # no interval: the model states none for power alone
    previous_tpot: Metrics
    previous_energy: Metrics


def predict(m: DecodeMeasurement, fit: ServingFit) -> DecodePrediction:
    """``m``'s configuration as ``fit`` predicts it: the step's time as the row measured it, and the
    power of that window: without the prefill's time or load where the window held decode steps only
    (review: the full step's power counted a prefill load the window never had, 76 W of 482 at batch 32)."""
    r = m.row
    s = row_step(r, fit)
    time_s = measured_time(r, s, fit.mixed_prefill)
    power_w = s.power_w if r.prefill_included else \
        load_power_fraction(fit, s.gpu_s, 0.0, time_s, compute_share(s.compute_s, s.gpu_s)) * r.device.tdp_w
    previous = row_previous(r)
    return DecodePrediction(m, fit.engine, time_s, power_w, power_w * r.tp * time_s / r.batch,
                            fit.tpot_log_half_width, fit.energy_log_half_width, previous.tpot_s,
                            previous.joules_per_output_token)


def check(measured: Sequence[DecodeMeasurement], fit: ServingFit) -> DecodeCheck:
    """Every measurement predicted by ``fit``; the previous model beside it."""
    ps = tuple(predict(m, fit) for m in measured)
    return DecodeCheck(
        fit.engine, ps,
        tpot=metrics([p.log_error("tpot") for p in ps], [p.tpot_half for p in ps]),
        energy=metrics([p.log_error("energy") for p in ps], [p.energy_half for p in ps]),
        power=metrics([p.log_error("power") for p in ps]),
        previous_tpot=metrics([math.log(p.previous_tpot_s / p.measured.row.tpot_s) for p in ps]),
        previous_energy=metrics([math.log(p.previous_j_per_output_token / p.measured.joules_per_output_token) for p in ps]))


__all__ = ["DecodeCheck", "DecodeMeasurement", "DecodePrediction", "check", "predict"]

"""The serving model's time per output token against independent small-batch measurements.

Pure: rows of published measurements in, predictions and summary figures out. The rows
(``estimator/data/small_batch_tpot.csv``: gpt-fast, LMDeploy, TGI and vLLM's own benchmarks, batch 1
to 64, A10G, A100 and H100, 16-, 8- and 4-bit weights) were never fitted: the shipped fit comes
from the ML.ENERGY configurations alone (``estimator.fit.serving_fit``), so every prediction here
is out of sample. They carry no energy, so only TPOT is checked.

The baseline, computed in the same run, is the roofline model this project used before the
fitted one (``serving.previous_model``: weight bytes ÷ the full bandwidth, or 2·N FLOPs at the
training utilisation, the slower). It knows nothing of the engine, so it is the lower bound an
engine with no overhead would reach.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from estimator.core.serving import Architecture, Device, ServingFit, previous_model, step
from estimator.fit.serving_fit import Metrics, metrics


@dataclass(frozen=True)
class TpotRow:
    """One published small-batch measurement, with what the serving model needs to predict it."""

    source: str              # the benchmark (gpt-fast, LMDeploy, TGI, vLLM CI): the group summarised together
    engine: str
    model: str               # a catalog id
    hardware_id: str
    device: Device           # at the peak the weights' bits use
    params: float
    arch: Architecture
    tp: int
    batch: int
    bits: int
    prompt_tokens: float
    output_tokens: float
    tpot_s: float            # as measured
    note: str
    citation: str
    previous_utilization: float   # the profile's training utilisation (the previous model's compute side)


@dataclass(frozen=True)
class TpotPrediction:
    row: TpotRow
    tpot_s: float            # the shipped serving model
    previous_tpot_s: float   # the baseline
    half: float              # the stated interval's log half-width

    @property
    def log_error(self) -> float:
        return math.log(self.tpot_s / self.row.tpot_s)

    @property
    def inside(self) -> bool:
        return abs(self.log_error) <= self.half


@dataclass(frozen=True)
class TpotCheck:
    predictions: tuple[TpotPrediction, ...]
    model: Metrics           # the serving model, with the stated interval's coverage
    previous: Metrics        # the baseline
    by_source: dict          # source → (model Metrics, previous Metrics)


def predict_row(r: TpotRow, fit: ServingFit) -> TpotPrediction:
    s = step(params=r.params, arch=r.arch, device=r.device, fit=fit, batch=r.batch, prompt_tokens=r.prompt_tokens,
             output_tokens=r.output_tokens, tp=r.tp, weight_bits=r.bits)
    prev = previous_model(params=r.params, device=r.device, batch=r.batch, tp=r.tp, utilization=r.previous_utilization,
                          power_w=r.device.tdp_w, weight_bits=r.bits)
    return TpotPrediction(r, s.tpot_s, prev.tpot_s, fit.tpot_log_half_width)


def _pair(ps: Sequence[TpotPrediction]) -> tuple[Metrics, Metrics]:
    return (metrics([p.log_error for p in ps], [p.half for p in ps]),
            metrics([math.log(p.previous_tpot_s / p.row.tpot_s) for p in ps]))


def check(rows: Sequence[TpotRow], fit: ServingFit) -> TpotCheck:
    """Every row predicted by the shipped fit, summarised overall and by benchmark."""
    ps = tuple(predict_row(r, fit) for r in rows)
    model, previous = _pair(ps)
    sources = sorted({r.source for r in rows})
    return TpotCheck(ps, model, previous, {s: _pair([p for p in ps if p.row.source == s]) for s in sources})


def median_ratio(ps: Sequence[TpotPrediction]) -> float:
    """The median of predicted ÷ measured (> 1: predicted too slow)."""
    return float(np.median([p.tpot_s / p.row.tpot_s for p in ps]))


__all__ = ["TpotCheck", "TpotPrediction", "TpotRow", "check", "median_ratio", "predict_row"]

"""Speculative decoding's step against its parts measured on a real GPU (``estimator/data/measured_speculative.csv``,
written by ``benchmarks/gpu_speculative.py``): never fitted, only checked.

Pure: measurements in, predictions and summaries out. Each row holds, measured in one process on one GPU, a decode
step, the verification of K draft tokens (the model over K + 1 positions of each sequence) and one pass of a one-layer
draft head with the LM head; the speculative step is K draft passes and the verification. The serving model's latency
engine as shipped (each step one CUDA graph, as the benchmark runs it) predicts the plain step and the speculative step
at the row's shape, batch and draft count, at acceptance 0 (``ACCEPTANCE_CHECKED``): the acceptance moves only the
engine's per-token cost in a step (sampling and detokenising each token emitted), work the benchmark does not do, so it
is charged once a step, as in the plain step the speculative one is compared with (at the default 0.85 the predicted
ratio would be 1.11× off rather than 1.16×, from engine work no row measured). The window holds decode steps only, so
the prediction is the step without the prompts' prefill.

What is compared: the step's cost over a plain step (``ratio``: the part of a speed-up the model computes, the
speed-up being the tokens a step ÷ this ratio), the speculative step's time (``step``), and its parts. The naive
baseline, computed beside it: drafts free and the verification as dear as a decode step, so the ratio is 1 and the
step the model's plain step; it is what a speed-up of E tokens a step (Leviathan et al. 2023's bound) assumes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from estimator.core.serving.step import Device, ServingFit, step
from estimator.core.workload.architecture import Architecture
from estimator.fit.serving_fit import Metrics, metrics

# The acceptance the check predicts at: 0, one token emitted a step, so the engine's per-token cost is the plain step's
# (the module docstring); the step's hardware time does not depend on it.
ACCEPTANCE_CHECKED = 0.0


@dataclass(frozen=True)
class SpeculativeRow:
    """One measured configuration: the shape, and the three steps' times (seconds) measured in one process."""

    model: str               # a catalog id
    hardware_id: str
    device: Device           # at the peak the weights' bits use
    params: float
    arch: Architecture
    batch: int
    bits: int
    prompt_tokens: float
    output_tokens: float
    draft_tokens: int
    decode_step_s: float     # a plain decode step (one position a sequence)
    verify_step_s: float     # the model over draft_tokens + 1 positions a sequence
    draft_pass_s: float      # one pass of the one-layer draft head with the LM head
    citation: str
    run: str

    @property
    def step_s(self) -> float:
        """The speculative step: the draft passes, then the verification."""
        return self.draft_tokens * self.draft_pass_s + self.verify_step_s

    @property
    def ratio(self) -> float:
        """The speculative step's cost over a plain step."""
        return self.step_s / self.decode_step_s


@dataclass(frozen=True)
class SpeculativePrediction:
    row: SpeculativeRow
    plain_step_s: float      # the model's decode step, no draft
    step_s: float            # the model's speculative step (its draft passes and the verification)
    draft_pass_s: float      # one of its draft passes
    half: float              # the engine's stated TPOT interval's log half-width, held to the step's time

    @property
    def verify_step_s(self) -> float:
        return self.step_s - self.row.draft_tokens * self.draft_pass_s

    @property
    def ratio(self) -> float:
        return self.step_s / self.plain_step_s

    def log_error(self, what: str) -> float:
        """ln(predicted ÷ measured) of ``ratio``, ``step``, ``plain``, ``verify`` or ``draft``."""
        r = self.row
        pairs = {"ratio": (self.ratio, r.ratio), "step": (self.step_s, r.step_s),
                 "plain": (self.plain_step_s, r.decode_step_s), "verify": (self.verify_step_s, r.verify_step_s),
                 "draft": (self.draft_pass_s, r.draft_pass_s)}
        predicted, measured = pairs[what]
        return math.log(predicted / measured)

    @property
    def inside(self) -> bool:
        return abs(self.log_error("step")) <= self.half


@dataclass(frozen=True)
class SpeculativeCheck:
    engine: str
    acceptance: float
    predictions: tuple[SpeculativePrediction, ...]
    ratio: Metrics
    naive_ratio: Metrics     # the baseline: ratio 1
    step: Metrics            # with the engine's TPOT interval
    naive_step: Metrics      # the baseline: the model's plain step
    verify: Metrics
    draft: Metrics


def predict(r: SpeculativeRow, fit: ServingFit, acceptance: float = ACCEPTANCE_CHECKED) -> SpeculativePrediction:
    """``r`` as ``fit`` predicts it: the decode steps alone (no prefill), plain and with ``r.draft_tokens`` drafts."""
    kw = dict(params=r.params, arch=r.arch, device=r.device, fit=fit, batch=r.batch, prompt_tokens=r.prompt_tokens,
              output_tokens=r.output_tokens, tp=1, weight_bits=r.bits)
    plain = step(**kw)
    spec = step(**kw, draft_tokens=r.draft_tokens, acceptance=acceptance)
    # decode_s is the step without the prefill, per emitted token: a step's is it × the tokens a step emits
    return SpeculativePrediction(r, plain.decode_s * plain.tokens_per_step, spec.decode_s * spec.tokens_per_step,
                                 spec.draft_s / r.draft_tokens, fit.tpot_log_half_width)


def check(rows: Sequence[SpeculativeRow], fit: ServingFit, acceptance: float = ACCEPTANCE_CHECKED) -> SpeculativeCheck:
    """Every row predicted by ``fit``; the naive baseline beside it."""
    ps = tuple(predict(r, fit, acceptance) for r in rows)
    return SpeculativeCheck(
        fit.engine, acceptance, ps,
        ratio=metrics([p.log_error("ratio") for p in ps]),
        naive_ratio=metrics([math.log(1.0 / p.row.ratio) for p in ps]),
        step=metrics([p.log_error("step") for p in ps], [p.half for p in ps]),
        naive_step=metrics([math.log(p.plain_step_s / p.row.step_s) for p in ps]),
        verify=metrics([p.log_error("verify") for p in ps]),
        draft=metrics([p.log_error("draft") for p in ps]))


__all__ = ["ACCEPTANCE_CHECKED", "SpeculativeCheck", "SpeculativePrediction", "SpeculativeRow", "check", "predict"]

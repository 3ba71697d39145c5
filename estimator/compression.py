"""What quantisation, pruning and distillation save, and when serving outgrows training.

Pure: each technique is the same ``InferenceScenario`` with one thing changed, run through
``inference``; savings are relative to the uncompressed model (16-bit, dense, no student).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import bounds as B, validation as v
from .errors import InputError
from .estimate import Estimate
from .inference import InferenceResult, InferenceScenario, inference
from .profile import HardwareProfile

# Illustrative settings shown when the user chose none, each from a paper:
# - pruning: 50% unstructured sparsity, what SparseGPT reaches in one shot on OPT/BLOOM-scale
#   models with a small perplexity increase (Frantar & Alistarh 2023, arXiv:2301.00774).
ILLUSTRATIVE_SPARSITY = 0.5
# - distillation: DistilBERT keeps 97% of BERT-base's GLUE score with 40% fewer parameters
#   (66M vs 110M; Sanh et al. 2019, arXiv:1910.01108), i.e. a student of 0.6 × the teacher.
ILLUSTRATIVE_STUDENT_FRACTION = 0.6

KEYS = ("energy_kwh", "co2e_kg", "cost_usd")


@dataclass(frozen=True)
class Technique:
    name: str
    label: str
    chosen: bool                  # set by the user (False: an illustrative setting)
    result: InferenceResult
    baseline: InferenceResult

    def saving(self, key: str) -> float | None:
        """Fraction saved per token vs the baseline (0.5 = half); for ``memory_gb`` and
        ``seconds_per_token`` too."""
        base, new = getattr(self.baseline, key), getattr(self.result, key)
        if base is None or new is None or base == 0:
            return None
        return 1.0 - new / base

    def to_dict(self) -> dict:
        r, b = self.result, self.baseline
        return {
            "technique": self.name, "label": self.label, "chosen": self.chosen,
            "seconds_per_token": r.seconds_per_token, "memory_gb": r.memory_gb, "bound": r.bound,
            "per_query": {k: r.per_query(k) for k in KEYS},
            "saved_per_query": {k: _diff(b.per_query(k), r.per_query(k)) for k in KEYS},
            "saved_total": {k: _diff(getattr(b, k), getattr(r, k)) for k in KEYS},
            "saving_fraction": {k: self.saving(k) for k in KEYS + ("seconds_per_token", "memory_gb")},
        }


def _diff(a, b):
    return None if a is None or b is None else a - b


def baseline_of(s: InferenceScenario) -> InferenceScenario:
    """The uncompressed model: 16-bit weights, dense, no student."""
    return replace(s, bits=16, sparsity=0.0, student_params=None)


def techniques(s: InferenceScenario, profile: HardwareProfile, illustrate: bool = True) -> list[Technique]:
    """The baseline, each technique alone (the user's setting, or an illustrative one when
    ``illustrate``), and all the chosen ones together."""
    base_s = baseline_of(s)
    base = inference(base_s, profile)
    out = [Technique("baseline", "16-bit, dense, full model", True, base, base)]
    chosen = []
    for bits in (8, 4):
        if s.bits == bits or illustrate:
            out.append(Technique(f"quantization-{bits}bit", f"{bits}-bit weights", s.bits == bits,
                                 inference(replace(base_s, bits=bits), profile), base))
            if s.bits == bits:
                chosen.append(out[-1])
    if s.sparsity > 0 or illustrate:
        sp = s.sparsity if s.sparsity > 0 else ILLUSTRATIVE_SPARSITY
        out.append(Technique("pruning", f"{sp:.0%} of weights pruned" + ("" if s.sparse_kernels else " (dense kernels)"),
                             s.sparsity > 0, inference(replace(base_s, sparsity=sp), profile), base))
        if s.sparsity > 0:
            chosen.append(out[-1])
    if s.student_params is not None or illustrate:
        m = s.student_params if s.student_params is not None else ILLUSTRATIVE_STUDENT_FRACTION * s.params
        out.append(Technique("distillation", f"student of {m:.3g} parameters", s.student_params is not None,
                             inference(replace(base_s, student_params=m), profile), base))
        if s.student_params is not None:
            chosen.append(out[-1])
    if len(chosen) > 1:
        out.append(Technique("combined", " + ".join(t.label for t in chosen), True, inference(s, profile), base))
    return out


@dataclass(frozen=True)
class BreakEven:
    """After how many queries (and tokens) serving has used as much as training did."""

    train_flops: float | None
    train: dict            # key → training total (energy_kwh, co2e_kg, cost_usd)
    per_query: dict        # key → serving per query
    queries: dict          # key → queries to break even (None when a side has no value)
    tokens: dict

    def to_dict(self) -> dict:
        return {"train_flops": self.train_flops, "train": self.train, "per_query": self.per_query,
                "queries": self.queries, "tokens": self.tokens}


def break_even(training: Estimate, serving: InferenceResult) -> BreakEven:
    """Queries after which serving's energy, CO₂e and cost exceed the training run's."""
    train = {k: getattr(training, k) for k in KEYS}
    per_query = {k: serving.per_query(k) for k in KEYS}
    queries, tokens = {}, {}
    for k in KEYS:
        t, q = train[k], per_query[k]
        if t is None or q is None or q <= 0:
            queries[k] = tokens[k] = None
            continue
        queries[k] = t / q
        tokens[k] = queries[k] * serving.tokens_per_query
    return BreakEven(training.flops, train, per_query, queries, tokens)


def training_tokens_default(params: float, tokens_per_param: float) -> float:
    """Training tokens when none are given: the compute-optimal D = 20·N (see ``scaling``)."""
    v.require_positive("parameters", params)
    v.require_positive("tokens per parameter", tokens_per_param)
    return params * tokens_per_param


def check_train_inputs(train_flops: float | None, train_tokens: float | None) -> None:
    if train_flops is not None and train_tokens is not None:
        raise InputError("give either the training FLOPs or the training tokens, not both")
    if train_flops is not None:
        v.require_number_in("training FLOPs", train_flops, B.FLOPS)
    if train_tokens is not None:
        v.require_number_in("training tokens", train_tokens, B.TOKENS)

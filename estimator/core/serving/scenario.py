"""What to serve (``InferenceScenario``), its defaults and its checks: the serving stages take it, so it lives
below them (``estimate`` runs them)."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

from estimator.core.base import bounds as B
from estimator.core.base import validation as v
from estimator.core.base.errors import InputError
from estimator.core.base.number_text import count_text, gfmt
from estimator.core.hardware.power_base import CHIP_DRAW, power_base
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.serving.notes import article, counted
from estimator.core.serving.step import (
    DEFAULT_ACCEPTANCE,
    MIN_POWER_LIMIT_FRACTION,
    MIN_POWER_LIMIT_SOURCE,
    Architecture,
    check_architecture,
    check_params_fit,
)
from estimator.core.serving.weights import (  # noqa: F401 (DEFAULT_BITS, DEFAULT_KV_BITS re-exported)
    DEFAULT_BITS,
    DEFAULT_KV_BITS,
    KV_BITS,
    WEIGHT_BITS,
)
from estimator.core.workload.scenario import Site, validate_site

BITS = WEIGHT_BITS

# ShareGPT's mean conversation turn: 161.31 input and 337.99 output tokens (vLLM paper, Kwon et al. 2023,
# arXiv:2309.06180, Fig. 11, OPT tokenizer). The serving fit's chat rows take the mean itself
# (io/serving_data.py); a query when none is given, whole tokens: 161 and 338.
SHAREGPT_MEAN_PROMPT_TOKENS = 161.31
SHAREGPT_MEAN_OUTPUT_TOKENS = 337.99
DEFAULT_PROMPT_TOKENS = float(round(SHAREGPT_MEAN_PROMPT_TOKENS))
DEFAULT_TOKENS_PER_QUERY = float(round(SHAREGPT_MEAN_OUTPUT_TOKENS))
QUERY_SOURCE = (f"ShareGPT means, {gfmt(SHAREGPT_MEAN_PROMPT_TOKENS)} prompt and {gfmt(SHAREGPT_MEAN_OUTPUT_TOKENS)} output "
                f"tokens, rounded to {gfmt(DEFAULT_PROMPT_TOKENS)} and {gfmt(DEFAULT_TOKENS_PER_QUERY)} (vLLM paper, "
                "arXiv:2309.06180, Fig. 11)")
MAX_BATCH = int(B.BATCH.high)
# The tokens served in all where none are given: illustrative, a billion generated tokens (about 3 million answers of
# 338 tokens). Only the totals (time, energy, cost, CO2e) scale with it; the rates, latencies and per-token figures do
# not. A design choice shared by the CLI, the app and the Python API.
DEFAULT_TOKENS = 1e9
# What is served when nothing else is said: 16-bit weights and KV cache (``step.DEFAULT_BITS``), one sequence at a
# time (the latency-bound case). Design choices, shared by the CLI and the app.
DEFAULT_BATCH_SIZE = 1
# Greedy decoding, one sequence a request, as chat engines serve by default (vLLM's and TensorRT-LLM's sampling
# parameters: n and best_of 1, no beam search): a design choice shared by the CLI and the app.
DEFAULT_BEAMS = 1
# ``batch_size`` may be this word: the largest batch the devices' memory holds (and the engine's scheduler allows),
# the batch that maximises throughput (MLPerf Inference's Offline scenario).
MAX_BATCH_WORD = "max"


@dataclass(frozen=True)
class InferenceScenario(Site):
    """What to serve. ``None``: the profile's value or the default, as in ``Scenario``; the site
    fields (power, PUE, grid, price) come from ``Site``."""

    params: float
    tokens: float
    architecture: Architecture | None = None   # required by ``inference``; the edge fills it in
    bits: int = DEFAULT_BITS
    # the weights quantised alone, the activations at 16 bits (a GPTQ, AWQ or W4A16 checkpoint: the edge reads it from
    # the name): the matrix products at the 16-bit peak, only the bytes read shrink (``device.serving_compute``)
    weight_only: bool = False
    kv_bits: int = DEFAULT_KV_BITS
    sparsity: float = 0.0
    sparse_kernels: bool = True   # do kernels skip pruned weights? (unstructured sparsity rarely does)
    batch_size: int | str = DEFAULT_BATCH_SIZE   # per replica; MAX_BATCH_WORD: the largest that fits
    batch_given: bool = True      # False: batch_size is the default, not the user's (said so in the layout's words)
    student_params: float | None = None
    tokens_per_query: float = DEFAULT_TOKENS_PER_QUERY
    prompt_tokens: float = DEFAULT_PROMPT_TOKENS
    devices: int | None = None    # all the devices: None, the smallest power of two that holds weights and KV cache
    # why the devices are as many where the edge chose them (the layout's words; None: given): the fewest that meet a
    # latency bound the fewest that hold the weights could not (serving engineer's review 2026-12-01)
    devices_whose: str | None = None
    tp: int | None = None         # tensor-parallel degree (None: chosen; devices ÷ tp replicas serve side by side)
    ep: int | None = None         # expert-parallel degree of each replica (a mixture of experts; attention data-parallel)
    ttft_ms: float | None = None  # p99 bound on the time to the first token: the largest batch that meets it
    tpot_ms: float | None = None  # p99 bound on the time per output token (MLPerf's Server and Interactive bounds)
    beams: int = DEFAULT_BEAMS    # beam search's width: each request decodes this many sequences, one token counted a step
    draft_tokens: int = 0         # speculative decoding: tokens a draft head proposes a step, verified together (0: none)
    acceptance: float = DEFAULT_ACCEPTANCE  # the chance each draft token is accepted, given the ones before it were
    utilization: float | None = None   # fraction of peak in compute-bound phases (serving.COMPUTE_FRACTION)
    power_limit_w: float | None = None  # each device's power limit (nvidia-smi --power-limit, MLPerf's MaxQ): step.step
    # the query lengths set from elsewhere than the user, by name ("prompt_tokens", "tokens_per_query") with where
    # from (an MLPerf benchmark named as the model): the assumptions' origin and source (serving review 2026-11-29:
    # a benchmark's lengths read as given)
    query_from: tuple[tuple[str, str], ...] = ()


# Each numeric input of a serving scenario, how its messages name it, and its plausible bound
# (estimator/core/base/bounds.py): one home, which the declarations (estimator/services/inputs.py) read too.
SERVING_BOUNDS = {
    "params": ("parameters", B.PARAMS), "tokens": ("tokens", B.SERVED_TOKENS),
    "tokens_per_query": ("tokens per query", B.TOKENS_PER_QUERY), "prompt_tokens": ("prompt tokens", B.PROMPT_TOKENS),
    "sparsity": ("sparsity (the fraction of weights removed)", B.SPARSITY), "batch_size": ("batch size", B.BATCH),
    "devices": ("devices", B.DEVICES), "student_params": ("student parameters", B.PARAMS),
    "tp": ("tensor-parallel degree", B.TENSOR_PARALLEL), "ep": ("expert-parallel degree", B.EXPERT_PARALLEL),
    "ttft_ms": ("time to first token (ms)", B.LATENCY_MS),
    "tpot_ms": ("time per output token (ms)", B.LATENCY_MS), "beams": ("beams", B.BEAMS),
    "draft_tokens": ("draft tokens", B.DRAFT_TOKENS), "acceptance": ("acceptance", B.ACCEPTANCE),
    "utilization": ("utilisation", B.UTILIZATION), "power_limit_w": ("power limit per device (W)", B.POWER_LIMIT_W),
}


def _require(s: InferenceScenario, name: str) -> None:
    """``s``'s input ``name`` a number inside its bound, refused in its words (``SERVING_BOUNDS``)."""
    words, bound = SERVING_BOUNDS[name]
    v.require_number_in(words, getattr(s, name), bound, field=name)


def check_power_limit(s: InferenceScenario, profile: HardwareProfile) -> None:
    """A power limit per device inside its bound, on a GPU with a TDP (what the serving power model's fractions
    multiply, ``power_base``), from ``MIN_POWER_LIMIT_FRACTION`` of it up to it: a limit above the TDP limits nothing,
    one near the idle draw leaves almost nothing to run on; not with a power given (a power given is the draw). GPUs
    only: the slowdown's exponent is fitted to GPUs' capped results (review 2026-11-27: TPUs and a CPU server had
    taken an H200's slowdown)."""
    _require(s, "power_limit_w")
    if s.power_w is not None:
        raise InputError("a power given is the draw: give a power or a power limit, not both",
                         field=("power_w", "power_limit_w"))
    if profile.kind != "gpu":
        kind = profile.kind.upper() if profile.kind in ("tpu", "cpu") else profile.kind   # "a TPU", "an accelerator"
        raise InputError(f"{profile.id} is {article(kind)} {kind}, not a GPU: a power limit's "
                         "slowdown is fitted to GPUs' "
                         "capped results (MLPerf's H200 MaxQ runs); give the devices' power draw instead",
                         field=("power_w", "power_limit_w", "hardware"))
    base = power_base(profile)
    if base is None:
        raise InputError(f"{profile.id} states no TDP: a power limit needs the rated power it is set against; give a "
                         "the devices' power draw instead", field=("power_w", "power_limit_w", "hardware"))
    top, label = base
    if label == CHIP_DRAW:
        raise InputError(f"{profile.id} states no TDP (its power fractions take a chip draw in its place): a power "
                         "limit needs the rated power it is set against; give the devices' power draw instead",
                         field=("power_w", "power_limit_w", "hardware"))
    floor = MIN_POWER_LIMIT_FRACTION * top
    if not floor <= float(s.power_limit_w) <= top:
        raise InputError(f"a power limit of {gfmt(float(s.power_limit_w), 7)} W per device is outside {profile.id}'s "
                         f"range of {gfmt(floor, 4)}-{gfmt(top, 4)} W: a quarter of its {label} up to it "
                         f"({MIN_POWER_LIMIT_SOURCE})", field="power_limit_w")


def check_scenario(s: InferenceScenario, profile: HardwareProfile) -> None:
    """Refuse a scenario outside its inputs' bounds, or one the profile cannot serve (no memory or bandwidth)."""
    if not isinstance(s, InferenceScenario):
        raise InputError(f"expected an InferenceScenario, got {type(s).__name__}")
    if not isinstance(profile, HardwareProfile):  # the project's error, not an AttributeError (audit)
        raise InputError(f"expected a HardwareProfile, got {type(profile).__name__}: load one with "
                         "estimator.load_profile (an id, a name or a profile file)", field="hardware")
    if not isinstance(s.sparse_kernels, bool):  # not taken by truthiness: "no" is not True (audit)
        raise InputError(f"sparse kernels must be true or false, got {repr(s.sparse_kernels)[:40]}", field="sparse_kernels")
    for name in ("params", "tokens", "tokens_per_query"):
        _require(s, name)
    if isinstance(s.tokens, (int, float)) and s.tokens < s.tokens_per_query:
        # per-query figures above the totals, and a break-even at a fraction of a query, mean nothing
        raise InputError(f"{counted(s.tokens, 'token')} in all {'is' if count_text(s.tokens) == '1' else 'are'} fewer than one query's "
                         f"{counted(s.tokens_per_query, 'output token')}: "
                         "give more tokens or fewer tokens per query", field=("tokens", "tokens_per_query"))
    for name in ("prompt_tokens", "sparsity"):
        _require(s, name)
    if s.batch_size != MAX_BATCH_WORD:
        _require(s, "batch_size")
    v.require_whole(SERVING_BOUNDS["beams"][0], s.beams, B.BEAMS, field="beams")
    v.require_whole(SERVING_BOUNDS["draft_tokens"][0], s.draft_tokens, B.DRAFT_TOKENS, field="draft_tokens")
    _require(s, "acceptance")
    if s.draft_tokens and s.beams > 1:
        raise InputError("speculative decoding drafts one sequence's next tokens: give beams 1 with draft tokens, or "
                         "no draft tokens with beam search", field=("draft_tokens", "beams"))
    for name in ("tp", "ep", "ttft_ms", "tpot_ms"):
        if getattr(s, name) is not None:
            _require(s, name)
    # one real number (a one-element array compares equal to 8 and is no number of bits: fuzz review 2026-11-27)
    if not isinstance(s.bits, numbers.Real) or isinstance(s.bits, bool) or s.bits not in BITS:
        raise InputError(f"bits must be one of {', '.join(map(str, BITS))}, got {s.bits!r}", field="bits")
    if not isinstance(s.kv_bits, numbers.Real) or isinstance(s.kv_bits, bool) or s.kv_bits not in KV_BITS:
        raise InputError(f"KV-cache bits must be one of {', '.join(map(str, KV_BITS))}, got {s.kv_bits!r}",
                         field="kv_bits")
    if s.devices is not None:
        _require(s, "devices")
    if s.tp is not None and s.devices is not None and s.devices < s.tp:
        # a count it does not divide serves in as many replicas as it holds, the rest idle (``layout.serving_layout``)
        raise InputError(f"{count_text(s.devices)} {'device is' if s.devices == 1 else 'devices are'} fewer than the "
                         "tensor-parallel degree "
                         f"{count_text(s.tp)}: give at least that many", field=("devices", "tp"))
    if s.ep is not None and s.ep > 1:
        if s.tp is not None and s.tp != 1:
            raise InputError(f"expert parallelism {count_text(s.ep)} runs attention data-parallel, one device per "
                             f"sequence: give no tensor-parallel degree (or 1), not {count_text(s.tp)}", field=("ep", "tp"))
    if s.student_params is not None:
        _require(s, "student_params")
        if s.student_params >= s.params:
            raise InputError(f"the student ({gfmt(s.student_params, 3)} parameters) must be smaller than the model "
                             f"({gfmt(s.params, 3)})", field="student_params")
    if s.utilization is not None:
        _require(s, "utilization")
    if s.power_limit_w is not None:
        check_power_limit(s, profile)
    validate_site(s)
    if s.architecture is None:
        raise InputError("give the architecture (layers, d_model, heads, KV heads) or a catalog model; "
                         "estimator.services.serving.inference.inference_report assumes the catalog's nearest model for a parameter count")
    check_architecture(s.architecture)
    check_params_fit(s.params, s.architecture)
    context = s.architecture.context
    if context is not None and s.prompt_tokens + s.tokens_per_query > context:
        def tokens(x: float) -> str:  # a dataset's mean output is fractional: grouped as the whole counts are (1,278.2)
            return count_text(x) if float(x).is_integer() else format(float(x), ",.1f")
        raise InputError(f"a query of {tokens(s.prompt_tokens)} prompt and {tokens(s.tokens_per_query)} output tokens is "
                         f"longer than {s.architecture.name or 'the model'}'s context window of {count_text(context)} tokens: give shorter "
                         "queries, or the shape instead of the catalog model to serve past its window",
                         field=("prompt_tokens", "tokens_per_query"))
    arch = s.architecture
    if s.ep is not None and s.ep > 1:
        if arch.experts is None or not arch.active_params:
            raise InputError(f"expert parallelism splits the experts of a mixture of experts; {arch.name or 'the model'} "
                             "has none: give a mixture of experts, or no expert-parallel degree", field="ep")
        # a degree that does not divide the experts holds redundant copies in its spare slots (step.expert_slots), as
        # engines deploy them; more devices than experts would hold copies only
        if s.ep > arch.experts:
            raise InputError(f"expert parallelism {count_text(s.ep)} is more than {arch.name or 'the model'}'s "
                             f"{count_text(arch.experts)} experts per layer: give at most that many", field="ep")
        if s.student_params is not None:
            raise InputError("a distilled student is dense: give no expert-parallel degree with it",
                             field=("ep", "student_params"))
        if s.devices is not None and s.devices < s.ep:  # after the experts: a degree they refuse is said first
            raise InputError(f"{count_text(s.devices)} devices are fewer than the expert-parallel degree "
                             f"{count_text(s.ep)}: give at least that many", field=("devices", "ep"))
    if s.architecture.active_params is not None and s.architecture.active_params > s.params:
        raise InputError(f"active parameters ({gfmt(s.architecture.active_params, 3)}) cannot exceed the parameters "
                         f"({gfmt(s.params, 3)})")
    if not profile.memory_bandwidth_gb_per_s or not profile.memory_gb:
        raise InputError(f"{profile.id} has no memory capacity or bandwidth in its profile; inference needs both",
                         field="hardware")

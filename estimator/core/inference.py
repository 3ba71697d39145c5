"""Serving a model: time, memory, energy, CO₂e and cost per output token and in total, with ranges.

Pure. The physics of one decode step (weights and the batch's KV cache read at an achievable
fraction of the bandwidth, 2·N plus attention FLOPs at an achievable fraction of the peak,
prefill of the prompts, tensor-parallel all-reduces, the engine's fitted per-layer and
per-sequence costs, power between idle and the decode/prefill draw by load) is in
``estimator.core.serving``; its fitted constants come in as a ``ServingFit`` (the edge loads the
shipped one: ``estimator.io.serving_data.load_serving_fit``).

- ``seconds_per_output_token`` (TPOT) is one step: what one user waits per token.
- ``seconds_per_token`` is wall time per token with the whole batch served, TPOT ÷ batch
  (the inverse of ``tokens_per_s``); device time per token, what costs scale with, is that × devices.
- ``joules_per_output_token`` = power per device × devices × TPOT ÷ batch: the devices' energy,
  prefill included, before PUE (what ML.ENERGY measures with Zeus).

Energy, CO₂e and cost come from ``estimate`` with the device-hours the tokens take at the
modelled power, so they use the same PUE, grid and price rules as every other estimate. Every
figure has an 80% range: ×/÷ the fit's conformal half-width for TPOT (time, throughput,
device-hours, a price per device-hour) and for J per output token (energy, CO₂e, a price per kWh).
Quantisation (weights, KV cache), pruning and distillation change N, the bytes per weight and
per KV entry, the peak used and the layers; ``compression.py`` compares them.

``inference`` runs in stages, each a function of the checked scenario and the stages before it:
``served_model`` (inference_served: the student or pruned model served), ``serving_compute``
(inference_device: its precision, peak and device), ``memory_fit`` (inference_memory: the devices that
hold it), ``decode_step`` and ``serving_totals`` (inference_totals: one step's time and energy, then
the tokens' device-hours, energy, CO₂e, cost and ranges) and ``step_notes`` (inference_step_notes).
"""

from __future__ import annotations

from dataclasses import dataclass

from estimator.core import bounds as B
from estimator.core import validation as v
from estimator.core.architecture import tensor_parallel_problem  # noqa: F401 (importable from here as before)
from estimator.core.errors import InputError
from estimator.core.estimate import Assumption
from estimator.core.inference_device import (  # noqa: F401 (importable from here as before)
    PRECISIONS_FOR_BITS,
    ServingCompute,
    device_of,
    peak_for_bits,
    serving_compute,
)
from estimator.core.inference_memory import MemoryFit, memory_fit
from estimator.core.inference_notes import count_text, counted
from estimator.core.inference_result import InferenceResult
from estimator.core.inference_served import ServedModel, served_model
from estimator.core.inference_step_notes import range_meaning, step_notes
from estimator.core.inference_totals import decode_step, serving_totals
from estimator.core.number_text import gfmt
from estimator.core.profile import HardwareProfile
from estimator.core.scenario import Site, validate_site
from estimator.core.serving import (
    BANDWIDTH_FRACTION,
    BANDWIDTH_FRACTION_SOURCE,
    COMPUTE_FRACTION_SOURCE,
    FLOPS_PER_PARAM_PER_TOKEN,
    KV_BITS,
    WEIGHT_BITS,
    Architecture,
    ServingFit,
    check_architecture,
    check_params_fit,
)

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
# What is served when nothing else is said: 16-bit weights and KV cache (bf16/fp16, as models are
# released and as the ML.ENERGY measurements the serving model is fitted to ran), one sequence at a
# time (the latency-bound case). Design choices, shared by the CLI and the app.
DEFAULT_BITS = 16
DEFAULT_KV_BITS = 16
DEFAULT_BATCH_SIZE = 1


@dataclass(frozen=True)
class InferenceScenario(Site):
    """What to serve. ``None``: the profile's value or the default, as in ``Scenario``; the site
    fields (power, PUE, grid, price) come from ``Site``."""

    params: float
    tokens: float
    architecture: Architecture | None = None   # required by ``inference``; the edge fills it in
    bits: int = DEFAULT_BITS
    kv_bits: int = DEFAULT_KV_BITS
    sparsity: float = 0.0
    sparse_kernels: bool = True   # do kernels skip pruned weights? (unstructured sparsity rarely does)
    batch_size: int = DEFAULT_BATCH_SIZE
    student_params: float | None = None
    tokens_per_query: float = DEFAULT_TOKENS_PER_QUERY
    prompt_tokens: float = DEFAULT_PROMPT_TOKENS
    devices: int | None = None    # None: the smallest power of two that holds weights and KV cache
    utilization: float | None = None   # fraction of peak in compute-bound phases (serving.COMPUTE_FRACTION)


def _check(s: InferenceScenario, profile: HardwareProfile) -> None:
    """Refuse a scenario outside its inputs' bounds, or one the profile cannot serve (no memory or bandwidth)."""
    if not isinstance(s, InferenceScenario):
        raise InputError(f"expected an InferenceScenario, got {type(s).__name__}")
    v.require_number_in("parameters", s.params, B.PARAMS, field="params")
    v.require_number_in("tokens", s.tokens, B.SERVED_TOKENS)
    v.require_number_in("tokens per query", s.tokens_per_query, B.TOKENS_PER_QUERY, field="tokens_per_query")
    if isinstance(s.tokens, (int, float)) and s.tokens < s.tokens_per_query:
        # per-query figures above the totals, and a break-even at a fraction of a query, mean nothing
        raise InputError(f"{counted(s.tokens, 'token')} in all {'is' if count_text(s.tokens) == '1' else 'are'} fewer than one query's "
                         f"{counted(s.tokens_per_query, 'output token')}: "
                         "give more tokens or fewer tokens per query", field=("tokens", "tokens_per_query"))
    v.require_number_in("prompt tokens", s.prompt_tokens, B.PROMPT_TOKENS, field="prompt_tokens")
    v.require_number_in("sparsity (the fraction of weights removed)", s.sparsity, B.SPARSITY, field="sparsity")
    v.require_number_in("batch size", s.batch_size, B.BATCH, field="batch_size")
    if s.bits not in BITS or isinstance(s.bits, bool):
        raise InputError(f"bits must be one of {', '.join(map(str, BITS))}, got {s.bits!r}")
    if s.kv_bits not in KV_BITS or isinstance(s.kv_bits, bool):
        raise InputError(f"KV-cache bits must be one of {', '.join(map(str, KV_BITS))}, got {s.kv_bits!r}")
    if s.devices is not None:
        v.require_number_in("devices", s.devices, B.DEVICES)
    if s.student_params is not None:
        v.require_number_in("student parameters", s.student_params, B.PARAMS, field="student_params")
        if s.student_params >= s.params:
            raise InputError(f"the student ({gfmt(s.student_params, 3)} parameters) must be smaller than the model "
                             f"({gfmt(s.params, 3)})", field="student_params")
    if s.utilization is not None:
        v.require_number_in("utilisation", s.utilization, B.UTILIZATION, field="utilization")
    validate_site(s)
    if s.architecture is None:
        raise InputError("give the architecture (layers, d_model, heads, KV heads) or a catalog model; "
                         "estimator.services.limits.inference_report assumes the catalog's nearest model for a parameter count")
    check_architecture(s.architecture)
    check_params_fit(s.params, s.architecture)
    context = s.architecture.context
    if context is not None and s.prompt_tokens + s.tokens_per_query > context:
        raise InputError(f"a query of {count_text(s.prompt_tokens)} prompt and {count_text(s.tokens_per_query)} output tokens is "
                         f"longer than {s.architecture.name or 'the model'}'s context window of {count_text(context)} tokens: give shorter "
                         "queries, or the shape instead of the catalog model to serve past its window",
                         field=("prompt_tokens", "tokens_per_query"))
    if s.architecture.active_params is not None and s.architecture.active_params > s.params:
        raise InputError(f"active parameters ({gfmt(s.architecture.active_params, 3)}) cannot exceed the parameters "
                         f"({gfmt(s.params, 3)})")
    if not profile.memory_bandwidth_gb_per_s or not profile.memory_gb:
        raise InputError(f"{profile.id} has no memory capacity or bandwidth in its profile; inference needs both",
                         field="hardware")


def _arch_origin(s: InferenceScenario) -> str:
    """Who set the architecture served: derived (a student), default (assumed), catalog or user."""
    if s.student_params is not None:
        return "derived"
    if s.architecture.source.startswith("assumed"):
        return "default"
    return "catalog" if s.architecture.name else "user"


def inference(s: InferenceScenario, profile: HardwareProfile, fit: ServingFit) -> InferenceResult:
    """Per-token and total time, memory, energy, CO₂e and cost of generating ``s.tokens`` tokens."""
    _check(s, profile)
    if not isinstance(fit, ServingFit):
        raise InputError("inference needs the serving fit (estimator.io.serving_data.load_serving_fit())")
    served = served_model(s, profile)
    compute = serving_compute(s, profile, served)
    memory = memory_fit(s, profile, served)
    decode = decode_step(s, fit, served, compute, memory)
    totals = serving_totals(s, profile, fit, served, compute, memory, decode,
                            inputs=input_assumptions(s, served, compute, memory))
    notes = served.notes + compute.notes + totals.notes + step_notes(s, profile, fit, served, compute, memory, decode)
    footprint = memory.footprint
    return InferenceResult(
        chip=compute.chip,
        hardware_id=profile.id, params_served=served.params, architecture=served.architecture, bits=int(s.bits),
        kv_bits=int(s.kv_bits), precision=compute.precision, peak_flops_per_s=compute.peak_flops_per_s,
        utilization=compute.utilization, flops_per_token=decode.flops_per_token, weights_gb=footprint.weights_gb,
        kv_cache_gb=footprint.kv_cache_gb, devices=memory.devices, batch_size=int(s.batch_size),
        max_batch_size=footprint.max_batch,
        compute_s_per_step=decode.compute_s, memory_s_per_step=decode.memory_s, prefill_s_per_step=decode.prefill_s,
        tensor_parallel_s_per_step=decode.tp_s, engine_s_per_step=decode.engine_s, bound=decode.bound,
        seconds_per_output_token=decode.tpot_s, power_w_per_device=decode.power_w,
        joules_per_output_token=decode.joules_per_output_token, tokens=float(s.tokens),
        tokens_per_query=float(s.tokens_per_query), prompt_tokens=float(s.prompt_tokens), estimate=totals.estimate,
        range=totals.ranges, level=fit.level, range_meaning=range_meaning(fit, power_given=s.power_w is not None),
        notes=notes, engine=fit.engine, sparsity=float(s.sparsity), pruned_skipped=served.pruned_skipped,
        teacher_params=None if s.student_params is None else float(s.params))


def input_assumptions(s: InferenceScenario, served: ServedModel, compute: ServingCompute,
                       memory: MemoryFit) -> tuple[Assumption, ...]:
    """The serving inputs the estimate's own assumptions leave out, each given or defaulted: the fractions of the
    bandwidth and the peak achieved, the query's prompt and output tokens, the devices' rule, the architecture."""
    prompt_tokens, output_tokens = float(s.prompt_tokens), float(s.tokens_per_query)
    prompt_given, output_given = prompt_tokens != DEFAULT_PROMPT_TOKENS, output_tokens != DEFAULT_TOKENS_PER_QUERY
    return (
        Assumption("bandwidth_fraction", BANDWIDTH_FRACTION, "of peak bandwidth", "default", BANDWIDTH_FRACTION_SOURCE),
        Assumption("compute_fraction", compute.utilization, "of peak FLOP/s",
                   "user" if s.utilization is not None else "default",
                   "given" if s.utilization is not None else COMPUTE_FRACTION_SOURCE),
        Assumption("prompt_tokens", prompt_tokens, "tokens", "user" if prompt_given else "default",
                   "given" if prompt_given else QUERY_SOURCE),
        Assumption("tokens_per_query", output_tokens, "tokens", "user" if output_given else "default",
                   "given" if output_given else QUERY_SOURCE),
        Assumption("devices_rule", memory.devices, "devices", "user" if s.devices is not None else "derived",
                   memory.devices_how),
        Assumption("architecture", served.architecture.name or "given", "", _arch_origin(s),
                   served.architecture.source or "given"))


__all__ = ["BITS", "DEFAULT_PROMPT_TOKENS", "DEFAULT_TOKENS_PER_QUERY", "FLOPS_PER_PARAM_PER_TOKEN", "KV_BITS",
           "MAX_BATCH", "InferenceResult", "InferenceScenario", "inference", "peak_for_bits"]

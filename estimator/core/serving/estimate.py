"""Serving a model: time, memory, energy, CO₂e and cost per output token and in total, with ranges.

Pure. The physics of one decode step (weights and the batch's KV cache read at an achievable
fraction of the bandwidth, 2·N plus attention FLOPs at an achievable fraction of the peak,
prefill of the prompts, tensor-parallel all-reduces, the engine's fitted per-layer and
per-sequence costs, power between idle and the decode/prefill draw by load) is in
``estimator.core.serving.step``; its fitted constants come in as a ``ServingFit`` (the edge loads the
shipped one: ``estimator.io.serving_data.load_serving_fit``).

- ``seconds_per_output_token`` (TPOT) is one step (with speculative decoding, the step ÷ the tokens a sequence emits
  in it) but the request's own prompt's prefill, which its time to the first token holds: what one user waits
  between tokens.
- the time per output token served (``served_seconds_per_output_token``) adds that own prefill back: the same at a
  large batch, where nearly every prompt rides in other sequences' steps; at a batch of 1 a prompt's prefill and its
  decode add up (``step.own_prompt_share``).
- ``seconds_per_token`` is wall time per token with the whole batch served, the time per output token served ÷ batch
  (the inverse of ``tokens_per_s``); device time per token, what costs scale with, is that × devices.
- ``joules_per_output_token`` = power per device × devices × the time per output token served ÷ batch: the devices'
  energy, prefill included, before PUE (what ML.ENERGY measures with Zeus).

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

from dataclasses import replace

from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.hardware.matmul import said
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.serving.device import (  # noqa: F401 (importable from here as before)
    PRECISIONS_FOR_BITS,
    ServingCompute,
    device_of,
    peak_for_bits,
    serving_compute,
)
from estimator.core.serving.engines import ENGINE_ALIASES, ENGINES
from estimator.core.serving.layout import device_at, nodes_spanned, serving_layout
from estimator.core.serving.memory_fit import MemoryFit, block_scales_note, expert_parallel, memory_fit, preemption_note
from estimator.core.serving.result import InferenceResult
from estimator.core.serving.scenario import (  # noqa: F401 (importable from here as before)
    BITS,
    DEFAULT_BATCH_SIZE,
    DEFAULT_BEAMS,
    DEFAULT_BITS,
    DEFAULT_KV_BITS,
    DEFAULT_PROMPT_TOKENS,
    DEFAULT_TOKENS,
    DEFAULT_TOKENS_PER_QUERY,
    MAX_BATCH,
    MAX_BATCH_WORD,
    QUERY_SOURCE,
    SHAREGPT_MEAN_OUTPUT_TOKENS,
    SHAREGPT_MEAN_PROMPT_TOKENS,
    InferenceScenario,
    check_scenario,
)
from estimator.core.serving.served import ServedModel, served_model
from estimator.core.serving.step import (
    ACCEPTANCE_SOURCE,
    BANDWIDTH_FRACTION,
    BANDWIDTH_FRACTION_SOURCE,
    COMPUTE_FRACTION,
    COMPUTE_FRACTION_SOURCE,
    DEFAULT_ACCEPTANCE,
    FLOPS_PER_PARAM_PER_TOKEN,
    ServingFit,
)
from estimator.core.serving.step_notes import power_given_under_note, range_meaning, step_notes
from estimator.core.serving.throughput import p99_share, ttft_s, ttft_words
from estimator.core.serving.totals import decode_step, serving_totals
from estimator.core.serving.weights import KV_BITS
from estimator.core.training.estimate import Assumption
from estimator.core.workload.architecture import tensor_parallel_problem  # noqa: F401 (importable from here as before)


def _arch_origin(s: InferenceScenario) -> str:
    """Who set the architecture served: derived (a student), default (assumed), catalog or user."""
    if s.student_params is not None:
        return "derived"
    if s.architecture.source.startswith("assumed"):
        return "default"
    return "catalog" if s.architecture.name else "user"


def check_batch_one(s: InferenceScenario, fit: ServingFit) -> None:
    """An engine fitted at batch 1 alone (``ServingFit.batch_one_only``) answers one sequence a step only: a larger
    batch, the largest batch, beams (sequences a step too: diff review 2026-11-29) or a latency bound (a search over
    batches) is refused, never extrapolated from one sequence's steps."""
    others = ", ".join(e for e in ENGINES if e not in ENGINE_ALIASES and e != fit.engine)
    alone = f"the {fit.engine} engine is fitted at batch 1 alone"
    if s.ttft_ms is not None or s.tpot_ms is not None:
        # batch 1 may be given already: the bound is what to leave out (browser review 2026-11-29)
        raise InputError(f"{alone}, so a latency bound (a search over batches) is beyond it: leave the bound out to "
                         f"serve batch 1, or choose an engine fitted at larger batches ({others})",
                         field=("ttft_ms", "tpot_ms", "engine"))
    # draft tokens too: each step verifies them with the sequence's own token, several positions a step (serving
    # review 2026-11-30: taken, where beams were refused)
    asked, field = ((("the largest batch" if s.batch_size == MAX_BATCH_WORD else f"batch {s.batch_size}"), "batch_size")
                    if s.batch_size == MAX_BATCH_WORD or int(s.batch_size) != 1 else
                    (f"{gfmt(s.beams)} beams (as many sequences a step)", "beams") if s.beams > 1 else
                    (f"{gfmt(s.draft_tokens)} draft tokens (verified together, as many more positions a step)",
                     "draft_tokens") if s.draft_tokens else (None, None))
    if asked is not None:
        raise InputError(f"{alone}, so {asked} is beyond it: give batch 1, one beam and no draft tokens, or an engine "
                         f"fitted at larger batches ({others})", field=(field, "engine"))


def inference(s: InferenceScenario, profile: HardwareProfile, fit: ServingFit) -> InferenceResult:
    """Per-token and total time, memory, energy, CO₂e and cost of generating ``s.tokens`` tokens."""
    check_scenario(s, profile)
    if not isinstance(fit, ServingFit):
        raise InputError("inference needs the serving fit (estimator.io.serving_data.load_serving_fit())")
    if fit.batch_one_only:
        check_batch_one(s, fit)
    served = served_model(s, profile)
    compute = serving_compute(s, profile, served, fit.compute_fraction)
    layout = serving_layout(s, profile, served, compute, fit)
    if layout is not None:  # the degree and the batch chosen: the memory and the step are one replica's
        s = replace(s, batch_size=layout.batch, ep=layout.ep if layout.ep > 1 else s.ep)
        memory = memory_fit(replace(s, devices=layout.tp * layout.ep), profile, served, fit.memory_fraction, fit.memory_source, fit.static_batch)
        memory = replace(memory, devices_how=layout.how, devices_why=layout.whose)
    else:
        memory = memory_fit(s, profile, served, fit.memory_fraction, fit.memory_source, fit.static_batch)
    replicas = 1 if layout is None else layout.replicas
    # a replica beyond one scale-up domain all-reduces over the scale-out network
    compute = replace(compute, device=device_at(profile, compute.device, memory.devices, memory.devices * replicas))
    ep = expert_parallel(s)
    preempted = ()
    if memory.preempted:  # a paged engine runs the batch that fits, the rest preempted: the figures are that batch's
        preempted = (preemption_note(memory.footprint, memory.devices, profile, fit.static_batch),)
        s = replace(s, batch_size=int(memory.footprint.max_batch))
    decode = decode_step(s, fit, served, compute, memory)
    under = ()
    if s.power_w is not None:  # a draw given well below the model's at this load: its time is not one held to it
        modelled_w = decode_step(replace(s, power_w=None), fit, served, compute, memory).power_w
        under = tuple(n for n in (power_given_under_note(float(s.power_w), modelled_w),) if n)
    totals = serving_totals(s, profile, fit, served, compute, memory, decode,
                            inputs=input_assumptions(s, served, compute, memory, fit), replicas=replicas)
    chosen_layout = () if layout is None else (f"layout: {layout.how}",)
    scales = block_scales_note(s, served, memory.footprint, memory.devices, profile)
    notes = (served.notes + compute.notes + chosen_layout + preempted + ((scales,) if scales else ()) + under
             + totals.notes
             + step_notes(s, profile, fit, served, compute, memory, decode,
                          "" if layout is None else layout.batch_words))
    footprint = memory.footprint
    return InferenceResult(
        chip=compute.chip,
        hardware_id=profile.id, params_served=served.params, architecture=served.architecture, bits=int(s.bits),
        kv_bits=int(s.kv_bits), precision=compute.precision, peak_flops_per_s=compute.peak_flops_per_s,
        utilization=compute.utilization, flops_per_token=decode.flops_per_token, weights_gb=footprint.weights_gb,
        kv_cache_gb=footprint.kv_cache_gb, devices=memory.devices * replicas, tp=memory.devices // ep, replicas=replicas,
        idle_devices=0 if layout is None else layout.idle,
        nodes_per_replica=nodes_spanned(profile, memory.devices, memory.devices * replicas), batch_size=int(s.batch_size),
        domains_word=profile.domains_word,
        ttft_s=ttft_s(decode, int(s.batch_size) / ep, float(s.tokens_per_query), fit.static_batch),
        ttft_how=ttft_words(fit.static_batch, int(s.batch_size), fit.prefill_steps_apart), node_power_w=totals.node_power_w,
        ttft_p99_s=None if layout is None else layout.ttft_p99_s,
        ttft_bound_ms=None if s.ttft_ms is None else float(s.ttft_ms),
        tpot_bound_ms=None if s.tpot_ms is None else float(s.tpot_ms),
        tpot_steady_bound_ms=None if s.tpot_ms is None else float(s.tpot_ms) * p99_share(
            fit.server_share, int(s.batch_size), fit.static_batch),
        ep=ep, expert_parallel_s_per_step=decode.ep_s,
        footprint=totals.footprint, batch_words="" if layout is None else layout.batch_words,
        batch_lowered=layout is not None and layout.batch_lowered,
        devices_words="" if layout is None else layout.whose,
        max_batch_size=footprint.max_batch,
        compute_s_per_step=decode.compute_s, memory_s_per_step=decode.memory_s, prefill_s_per_step=decode.prefill_s,
        tensor_parallel_s_per_step=decode.tp_s, engine_s_per_step=decode.engine_s, bound=decode.bound,
        seconds_per_output_token=decode.user_tpot_s, own_prefill_s_per_step=decode.own_prefill_s,
        own_tensor_parallel_s_per_step=decode.own_tp_s, own_engine_s_per_step=decode.own_engine_s,
        power_w_per_device=decode.power_w,
        joules_per_output_token=decode.joules_per_output_token, tokens=float(s.tokens),
        tokens_per_query=float(s.tokens_per_query), prompt_tokens=float(s.prompt_tokens), estimate=totals.estimate,
        range=totals.ranges, level=fit.level, range_meaning=range_meaning(fit, power_given=s.power_w is not None,
                                                        footprint=totals.footprint is not None),
        notes=notes, engine=fit.engine, sparsity=float(s.sparsity), pruned_skipped=served.pruned_skipped,
        teacher_params=None if s.student_params is None else float(s.params), beams=int(s.beams),
        mixed_prefill=fit.mixed_prefill, static_batch=fit.static_batch, draft_tokens=int(s.draft_tokens),
        acceptance=float(s.acceptance) if s.draft_tokens else None, tokens_per_step=decode.tokens_per_step,
        draft_s_per_step=decode.draft_s, power_limit_w=None if s.power_limit_w is None else float(s.power_limit_w),
        unlimited_power_w_per_device=decode.unlimited_power_w, power_limit_stretch=decode.power_limit_stretch,
        prefill_limit_stretch=decode.prefill_limit_stretch)


def compute_fraction_source(fit: ServingFit | None, matmul_ratio: float = 1.0) -> str:
    """Where the engine's fraction of the peak comes from: the sourced default, or its fit; × the device's matmul
    ratio where it is not 1 (core/hardware/matmul.py)."""
    if fit is None or fit.compute_fraction == COMPUTE_FRACTION:
        text = COMPUTE_FRACTION_SOURCE
    else:
        text = (f"{fit.compute_fraction:.2f} of the tensor peak: fitted for the {fit.engine} engine to its measurements "
                "(estimator/data/serving_fit.json)")
    if not said(matmul_ratio):
        return text
    return (f"{text}; × {matmul_ratio:.2f} on this device: its best measured matrix multiply's share of its peak ÷ "
            "the H100 SXM's (its profile's [matmul]; core/hardware/matmul.py)")


def input_assumptions(s: InferenceScenario, served: ServedModel, compute: ServingCompute,
                       memory: MemoryFit, fit: ServingFit | None = None) -> tuple[Assumption, ...]:
    """The serving inputs the estimate's own assumptions leave out, each given or defaulted: the fractions of the
    bandwidth and the peak achieved, the query's prompt and output tokens, the architecture (the devices' rule is
    ``devices_per_replica``'s source: ``totals.serving_totals``)."""
    prompt_tokens, output_tokens = float(s.prompt_tokens), float(s.tokens_per_query)
    prompt_given, output_given = prompt_tokens != DEFAULT_PROMPT_TOKENS, output_tokens != DEFAULT_TOKENS_PER_QUERY
    taken = dict(s.query_from)

    def query(name: str, value: float, given: bool) -> Assumption:
        if name in taken:  # set from a benchmark named as the model, not by the user nor the tool's default
            return Assumption(name, value, "tokens", "benchmark", taken[name])
        return Assumption(name, value, "tokens", "user" if given else "default", "given" if given else QUERY_SOURCE)
    return (
        Assumption("bandwidth_fraction", BANDWIDTH_FRACTION, "of peak bandwidth", "default", BANDWIDTH_FRACTION_SOURCE),
        # named as the result's own key, "utilization", and as training's assumption (serving review 2026-11-29: the
        # one number was "compute_fraction" here and "utilization" in the JSON)
        Assumption("utilization", compute.utilization, "of peak FLOP/s",
                   "user" if s.utilization is not None else "default",
                   "given" if s.utilization is not None else compute_fraction_source(fit, compute.device.matmul_ratio)),
        query("prompt_tokens", prompt_tokens, prompt_given),
        query("tokens_per_query", output_tokens, output_given),
        Assumption("architecture", served.architecture.name or "given", "", _arch_origin(s),
                   served.architecture.source or "given")) + ((
        Assumption("draft_tokens", int(s.draft_tokens), "tokens a step", "user",
                   "given (or the MLPerf benchmark's rule: the notes say which)"),
        Assumption("acceptance", float(s.acceptance), "a draft token",
                   "user" if float(s.acceptance) != DEFAULT_ACCEPTANCE else "default",
                   "given" if float(s.acceptance) != DEFAULT_ACCEPTANCE else ACCEPTANCE_SOURCE)) if s.draft_tokens else ())


__all__ = ["BITS", "DEFAULT_PROMPT_TOKENS", "DEFAULT_TOKENS", "DEFAULT_TOKENS_PER_QUERY", "FLOPS_PER_PARAM_PER_TOKEN", "KV_BITS",
           "MAX_BATCH", "MAX_BATCH_WORD", "InferenceResult", "InferenceScenario", "inference", "peak_for_bits"]

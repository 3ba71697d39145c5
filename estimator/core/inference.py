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
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from estimator.core import bounds as B
from estimator.core import validation as v
from estimator.core.architecture import check_tensor_parallel, tensor_parallel_problem  # noqa: F401 (importable from here as before)
from estimator.core.errors import InputError
from estimator.core.estimate import Assumption, estimate
from estimator.core.inference_checks import devices_for_heads, unfilled_batch
from estimator.core.inference_notes import (
    ENGINE_FITTED_TO,
    LATENCY_RANGE_MEANING,
    POWER_GIVEN_RANGE,
    RANGE_MEANING,
    article,
    count_text,
    counted,
    embedding_note,
    moe_note,
)
from estimator.core.inference_power import CHIP_DRAW, chip_draw_note, power_base
from estimator.core.inference_pruning import pruned
from estimator.core.inference_ranges import physical_floor_s, serving_ranges
from estimator.core.inference_result import InferenceResult
from estimator.core.number_text import gfmt, rounded, sci
from estimator.core.profile import HardwareProfile
from estimator.core.profile_limits import power_over_tdp_note
from estimator.core.scenario import SITE_FIELDS, Scenario, Site, validate_site
from estimator.core.serving import (
    BANDWIDTH_FRACTION,
    BANDWIDTH_FRACTION_SOURCE,
    COMPUTE_FRACTION,
    COMPUTE_FRACTION_SOURCE,
    EMBEDDING_BITS,
    FLOPS_PER_PARAM_PER_TOKEN,
    KV_BITS,
    POWER_SOURCE,
    USABLE_MEMORY_SOURCE,
    WEIGHT_BITS,
    Architecture,
    Device,
    ServingFit,
    check_architecture,
    check_params_fit,
    kv_replication,
    link_for,
    step,
    student_architecture,
)
from estimator.core.serving_memory import devices_needed, serving_footprint
from estimator.core.units import MB_PER_GB, MS_PER_S, S_PER_HOUR

SMALLEST_PLAIN_MS = 1e-3  # below this a power of ten (5 × 10⁻⁴ ms), not .3g's zeros or e-notation (1e-05)

BITS = WEIGHT_BITS
# Peak used for each weight width, first match wins. 8-bit: FP8 (H100 and later) or INT8 (A100)
# tensor peaks; 4-bit: an INT4 peak where a profile has one. Otherwise the 16-bit peak: the
# weights are dequantised to 16 bits for the matrix multiply (weight-only quantisation, as in
# GPTQ, Frantar et al. 2022, arXiv:2210.17323), so only the bytes read shrink.
PRECISIONS_FOR_BITS = {16: ("bf16", "fp16"), 8: ("fp8", "int8"), 4: ("int4",)}
# Where such a peak is used, the activations are quantised too: W8A8 (FP8 checkpoints; SmoothQuant, Xiao et al.
# 2023, arXiv:2211.10438) or W4A4 (Atom, Zhao et al. 2024, arXiv:2310.19102, on INT4 tensor cores); a
# weight-only checkpoint (GPTQ, AWQ) computes at 16 bits.
ACTIVATION_SCHEMES = {8: "as FP8 checkpoints and SmoothQuant run", 4: "as Atom runs on INT4 tensor cores"}
LOW_BIT_COMPUTE_NOTE = ("{bits}-bit compute: the linear layers at the {p} peak, so activations are taken as quantised "
                        "too (W{bits}A{bits}, {scheme}); attention (QKᵀ, AV) at the 16-bit peak; a weight-only "
                        "checkpoint (GPTQ, AWQ) would compute at 16 bits, its compute-bound phases slower")
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


def peak_for_bits(profile: HardwareProfile, bits: int) -> tuple[str, float, str | None]:
    """(precision, peak FLOP/s, note) for weights of ``bits`` bits on ``profile``."""
    if bits not in BITS:
        raise InputError(f"bits must be one of {', '.join(map(str, BITS))}, got {bits!r}")
    for p in PRECISIONS_FOR_BITS[bits]:
        if p in profile.peak_flops_per_s:
            return p, profile.peak(p), (None if bits == 16 else LOW_BIT_COMPUTE_NOTE.format(
                bits=bits, p=p, scheme=ACTIVATION_SCHEMES[bits]))
    sixteen = next((p for p in PRECISIONS_FOR_BITS[16] if p in profile.peak_flops_per_s), profile.default_precision)
    if bits == 16:
        return sixteen, profile.peak(sixteen), f"{profile.id} has no 16-bit peak; using its {sixteen} peak"
    return sixteen, profile.peak(sixteen), (
        f"{profile.id} has no {bits}-bit peak ({'/'.join(PRECISIONS_FOR_BITS[bits])}): compute runs at its "
        f"{sixteen} peak (weights dequantised, weight-only quantisation); only the bytes read shrink")


def _check(s: InferenceScenario, profile: HardwareProfile) -> None:
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


# What the roofline part of a step runs on, by profile kind, in the words the results use.
CHIP_WORDS = {"gpu": "GPU", "tpu": "TPU", "cpu": "CPU"}


def device_of(profile: HardwareProfile, peak_flops_per_s: float, power_given: bool = False) -> Device:
    """What the serving step needs of a profile, at the tensor peak of the precision served (attention
    at the 16-bit peak: it multiplies activations, not the weights). Without a power given, a profile whose
    chip power is unknown (``power_base``) is refused."""
    base = power_base(profile)
    if base is None and not power_given:
        raise InputError(f"{profile.name} states no TDP, and its average power includes the host with no host share: "
                         "the serving model needs the chip's own power; give the power per device",
                         field=("power_w", "hardware"))
    tdp, label = base or (profile.power.average_w, "TDP")  # a power given: only the step's fraction reads it
    link, link_source = link_for(profile)
    _, sixteen, _ = peak_for_bits(profile, 16)
    return Device(profile.id, profile.memory_gb, profile.memory_bandwidth_gb_per_s, peak_flops_per_s, tdp, link,
                  link_source, attention_flops_per_s=sixteen, tdp_label=label)


def _arch_origin(s: InferenceScenario) -> str:
    if s.student_params is not None:
        return "derived"
    if s.architecture.source.startswith("assumed"):
        return "default"
    return "catalog" if s.architecture.name else "user"


def _fmt_ms(x: float) -> str:
    """A time in the notes: ms below a second, seconds from one on, never e-notation (audit: "7.17e+04 ms")."""
    ms = x * MS_PER_S
    if abs(rounded(ms)) >= MS_PER_S:  # 999.6 ms reads "1 s", not "1,000 ms"
        return f"{gfmt(x, 3)} s"
    return f"{sci(ms) if 0 < abs(ms) < SMALLEST_PLAIN_MS else gfmt(ms, 3)} ms"


def inference(s: InferenceScenario, profile: HardwareProfile, fit: ServingFit) -> InferenceResult:
    """Per-token and total time, memory, energy, CO₂e and cost of generating ``s.tokens`` tokens."""
    _check(s, profile)
    if not isinstance(fit, ServingFit):
        raise InputError("inference needs the serving fit (estimator.io.serving_data.load_serving_fit())")
    notes = []
    arch = s.architecture
    n = float(s.params)
    if s.student_params is not None:
        arch = student_architecture(arch, n, float(s.student_params))
        check_params_fit(float(s.student_params), arch, "the student", field="student_params",
                         fix="a student keeps the model's width, so give one of at least {floor} parameters")
        n = float(s.student_params)
        notes.append(f"distillation: serving {article(gfmt(n, 3))} {gfmt(n, 3)}-parameter student with {arch.layers} layers (the model's width "
                     "and vocabulary, layers in proportion to the weights outside the embeddings, as DistilBERT); its "
                     "quality is not modelled")
    skipped = False
    if s.sparsity > 0:  # inference audit: skipped only in the 2:4 pattern on sparse tensor cores (inference_pruning)
        n, arch, skipped, note = pruned(profile, arch, n, float(s.sparsity), s.sparse_kernels)
        notes.append(note)
    bits, kv_bits, b = int(s.bits), int(s.kv_bits), int(s.batch_size)
    p_tok, t_tok = float(s.prompt_tokens), float(s.tokens_per_query)
    precision, peak, note = peak_for_bits(profile, bits)
    if note:
        notes.append(note)
    if bits < EMBEDDING_BITS:
        notes.append(embedding_note(arch, n, bits))
    util = float(s.utilization) if s.utilization is not None else COMPUTE_FRACTION
    device = device_of(profile, peak, power_given=s.power_w is not None)
    mem = dict(params=n, arch=arch, memory_gb_per_device=profile.memory_gb, batch=b, prompt_tokens=p_tok,
               output_tokens=t_tok, weight_bits=bits, kv_bits=kv_bits)
    if s.devices is None:
        devices, how = devices_for_heads(devices_needed(**mem), arch, profile, mem)
    else:
        devices = int(s.devices)
        check_tensor_parallel(devices, arch.heads, arch.kv_heads)
        how = "given"
    fp = serving_footprint(devices=devices, **mem)
    if not fp.fits:
        if fp.weights_gb >= fp.usable_gb:
            raise InputError(f"the weights need {gfmt(fp.weights_gb, 3)} GB; {devices} × {gfmt(profile.memory_gb)} GB of "
                             f"{profile.id} offer {gfmt(fp.usable_gb, 3)} GB ({USABLE_MEMORY_SOURCE}): use more devices")
        if fp.max_batch == 0:  # the weights fit, but not one sequence's KV cache beside them (audit: it blamed the weights)
            raise InputError(f"one sequence of {count_text(p_tok)} + {count_text(t_tok)} tokens needs {gfmt(fp.kv_gb_per_sequence, 3)} GB of KV "
                             f"cache; beside {gfmt(fp.weights_gb, 3)} GB of weights, {devices} × {profile.id} leave "
                             f"{gfmt(fp.usable_gb - fp.weights_gb, 3)} GB ({USABLE_MEMORY_SOURCE}): use shorter prompts or "
                             "answers, or more devices")
        raise InputError(f"batch {count_text(b)} does not fit: its KV cache needs {gfmt(fp.kv_cache_gb, 3)} GB "
                         f"({gfmt(fp.kv_gb_per_sequence * MB_PER_GB, 3)} MB per sequence of {count_text(p_tok)} + {count_text(t_tok)} tokens) beside "
                         f"{gfmt(fp.weights_gb, 3)} GB of weights in {gfmt(fp.usable_gb, 3)} GB usable on {devices} × {profile.id} "
                         f"({USABLE_MEMORY_SOURCE}); the largest batch that fits is {count_text(fp.max_batch)}")
    st = step(params=n, arch=arch, device=device, fit=fit, batch=b, prompt_tokens=p_tok, output_tokens=t_tok,
              tp=devices, weight_bits=bits, kv_bits=kv_bits, compute_fraction=util, power_w=s.power_w)
    for name, x in (("time per output token", st.tpot_s), ("energy per output token", st.joules_per_output_token)):
        v.require_finite_result(name, x)
    per_token_device_s = st.tpot_s / b * devices
    device_hours = float(s.tokens) * per_token_device_s / S_PER_HOUR
    if device_hours < B.DEVICE_HOURS.low:
        n = f"{gfmt(s.tokens)}"  # "1 token takes", "2 tokens take" (humanize.noun's rule; the core cannot import it)
        raise InputError(f"{n} {'token takes' if n == '1' else 'tokens take'} {gfmt(device_hours * S_PER_HOUR, 3)} "
                         "device-seconds: less than one device-millisecond, too little to price; give more tokens")
    if device_hours > B.DEVICE_HOURS.high:
        raise InputError(f"{gfmt(s.tokens, 3)} tokens would take {gfmt(device_hours, 3)} device-hours, beyond "
                         f"{gfmt(B.DEVICE_HOURS.high)}: give fewer tokens")
    site = {k: getattr(s, k) for k in SITE_FIELDS} | {"power_w": st.power_w}
    try:
        est = estimate(Scenario(device_hours=device_hours, devices=devices, **site), profile)
    except InputError as exc:  # the serving model's power, not a --power-w given (CLI audit: it was named)
        if s.power_w is not None or exc.fields != ("power_w",):
            raise
        raise InputError(f"{exc}: that is the serving model's draw, {st.power_fraction:.2f} × the profile's "
                         f"{device.tdp_label} of {gfmt(device.tdp_w)} W; give the power per device, or a profile with its real TDP",
                         field=("power_w", "hardware")) from None
    borrowed = "; the online engine's, the load capped at a busy step" if fit.engine == "latency" else ""
    power_src = "given" if s.power_w is not None else (
        f"{st.power_fraction:.2f} × {device.tdp_label} {gfmt(device.tdp_w)} W"
        + (" (in place of the TDP that the fractions after it are of)" if device.tdp_label == CHIP_DRAW else "")
        + f": {POWER_SOURCE}; GPU-busy time "
        f"{fit.busy_per_roofline_s:.2f} × the roofline time (fitted, estimator/data/serving_fit.json{borrowed})")
    est = replace(est, assumptions=tuple(
        Assumption(a.name, a.value, a.unit, "derived",
                   f"tokens × TPOT {_fmt_ms(st.tpot_s)} ÷ batch {b} × {devices} device(s)")
        if a.name == "device_hours" else
        Assumption(a.name, a.value, a.unit, "user" if s.devices is not None else "derived", how)
        if a.name == "devices" else
        Assumption(a.name, a.value, a.unit, "user" if s.power_w is not None else "model", power_src)
        if a.name == "power_w" else a for a in est.assumptions) + (
        Assumption("bandwidth_fraction", BANDWIDTH_FRACTION, "of peak bandwidth", "default", BANDWIDTH_FRACTION_SOURCE),
        Assumption("compute_fraction", util, "of peak FLOP/s", "user" if s.utilization is not None else "default",
                   "given" if s.utilization is not None else COMPUTE_FRACTION_SOURCE),
        Assumption("prompt_tokens", p_tok, "tokens", "user" if p_tok != DEFAULT_PROMPT_TOKENS else "default",
                   "given" if p_tok != DEFAULT_PROMPT_TOKENS else QUERY_SOURCE),
        Assumption("tokens_per_query", t_tok, "tokens", "user" if t_tok != DEFAULT_TOKENS_PER_QUERY else "default",
                   "given" if t_tok != DEFAULT_TOKENS_PER_QUERY else QUERY_SOURCE),
        Assumption("devices_rule", devices, "devices", "user" if s.devices is not None else "derived", how),
        Assumption("architecture", arch.name or "given", "", _arch_origin(s), arch.source or "given")))

    if (unfilled := unfilled_batch(float(s.tokens), b, t_tok, st.tpot_s)) is not None:
        est = replace(est, wall_clock_s=max(est.wall_clock_s, unfilled[0]))
        notes.append(unfilled[1])
    # ranges: ×/÷ the fitted half-widths, time's cut at the roofline's floor (none for a mixture of experts,
    # whose bytes read are an upper bound under even routing)
    rng = serving_ranges(est, st, fit, batch=b, tokens=float(s.tokens), tokens_per_query=t_tok,
                         power_given=s.power_w is not None,
                         floor_s=None if arch.active_params else physical_floor_s(st, BANDWIDTH_FRACTION, util))
    rng["memory_gb"] = (fp.total_gb, fp.total_gb)

    chip = CHIP_WORDS.get(profile.kind, "device")
    notes.append(f"time per output token {_fmt_ms(st.tpot_s)} = {chip} "
                 f"{_fmt_ms(st.gpu_s)} ({st.bound}-bound: weights and "
                 f"KV cache at {gfmt(BANDWIDTH_FRACTION)} of the bandwidth, FLOPs at {gfmt(util)} of the {precision} peak) + "
                 f"prefill {_fmt_ms(st.prefill_s)} + tensor parallel {_fmt_ms(st.tp_s)} + engine {_fmt_ms(st.engine_s)} "
                 f"({gfmt(fit.engine_s_per_layer * MS_PER_S, 2)} ms per layer and {gfmt(fit.engine_s_per_sequence * MS_PER_S, 2)} ms per "
                 f"sequence, {ENGINE_FITTED_TO[fit.engine]})")
    # against the TDP, or the chip draw standing in for it (review: a TPU v4, no TDP, took 5 kW without a word)
    base = power_base(profile)
    if s.power_w is not None and base and (over := power_over_tdp_note(s.power_w, base[0], profile.name, base[1])):
        notes.append(over)  # as estimate notes it (review: the inference audit's 5 kW on an A100 had none here)
    if s.power_w is None:
        notes.append(f"power {gfmt(st.power_w, 3)} W per device ({st.power_fraction:.2f} × {device.tdp_label}), from idle "
                     "towards the decode and prefill draw by load (fitted to measured draw, not the TDP); energy counts "
                     "the devices only, as measured (Zeus), not the host; PUE multiplies it")
        if device.tdp_label == CHIP_DRAW:
            notes.append(chip_draw_note(profile, device.tdp_w))
    if arch.active_params:
        notes.append(moe_note(arch, n, b))
    if b > 1 and fit.engine == "latency":
        notes.append(f"batch {count_text(b)}: {count_text(b)} sequences decoded together from start to end, as the latency "
                     "benchmarks ran them")
    elif b > 1:
        notes.append(f"batch {count_text(b)}: the engine's maximum; continuous batching keeps it nearly full while requests "
                     "queue (in the measurements the realised average was 96–100% of it), less under light load")
    if devices > 1:
        notes.append(f"{devices} devices in tensor parallelism: each holds 1/{devices} of every layer; two all-reduces "
                     f"per layer per step over {gfmt(device.link_gb_per_s)} GB/s ({device.link_source})")
    if devices > 8:
        notes.append("tensor parallelism beyond 8 devices (one NVLink domain) is rarely used; serving usually adds "
                     "replicas or pipeline stages instead, not modelled")
    if profile.calibration is not None:  # calibrate audit: the serving numbers ignored it without a word
        notes.append(f"{profile.id} is a calibrated profile: its measured matmul throughput and mean power are "
                     "training figures and are not used here; serving takes the profile's peak, memory bandwidth and "
                     "TDP through the serving model (the training estimate and the break-even use the measurements)")
    # more devices than KV heads: each head is copied, not split (inference audit: 8 devices held twice 1 device's
    # cache with no word why)
    copies = kv_replication(arch, devices)
    copied = (f", held {gfmt(copies, 3)}× over: each of the {count_text(arch.kv_heads)} KV heads on {gfmt(copies, 3)} of the "
              f"{devices} devices, as a KV head is copied across devices, never split" if copies > 1 else "")
    notes.append(f"memory: weights {gfmt(fp.weights_gb, 3)} GB + KV cache {gfmt(fp.kv_cache_gb, 3)} GB (batch {count_text(b)} × "
                 f"{count_text(p_tok)} + {count_text(t_tok)} tokens at {kv_bits} bits{copied}); the largest batch that fits on {devices} × "
                 f"{profile.id} is {count_text(fp.max_batch)} ({USABLE_MEMORY_SOURCE})")
    return InferenceResult(
        chip=chip,
        hardware_id=profile.id, params_served=n, architecture=arch, bits=bits, kv_bits=kv_bits, precision=precision,
        peak_flops_per_s=peak, utilization=util, flops_per_token=st.flops_per_token, weights_gb=fp.weights_gb,
        kv_cache_gb=fp.kv_cache_gb, devices=devices, batch_size=b, max_batch_size=fp.max_batch,
        compute_s_per_step=st.compute_s, memory_s_per_step=st.memory_s, prefill_s_per_step=st.prefill_s,
        tensor_parallel_s_per_step=st.tp_s, engine_s_per_step=st.engine_s, bound=st.bound,
        seconds_per_output_token=st.tpot_s, power_w_per_device=st.power_w,
        joules_per_output_token=st.joules_per_output_token, tokens=float(s.tokens), tokens_per_query=t_tok,
        prompt_tokens=p_tok, estimate=est, range=rng, level=fit.level,
        range_meaning=(LATENCY_RANGE_MEANING if fit.engine == "latency" else RANGE_MEANING).format(
            level=fit.level, n=fit.n_configs, models=fit.n_models, held="a share nobody measured" if fit.held_out_coverage is None else f"{fit.held_out_coverage:.0%}")
        + (POWER_GIVEN_RANGE if s.power_w is not None and fit.engine != "latency" else ""),
        notes=tuple(notes), engine=fit.engine, sparsity=float(s.sparsity), pruned_skipped=skipped,
        teacher_params=None if s.student_params is None else float(s.params))


__all__ = ["BITS", "DEFAULT_PROMPT_TOKENS", "DEFAULT_TOKENS_PER_QUERY", "FLOPS_PER_PARAM_PER_TOKEN", "KV_BITS",
           "MAX_BATCH", "InferenceResult", "InferenceScenario", "inference", "peak_for_bits"]

"""Serving a model: time, memory, energy, CO₂e and cost per generated token and in total.

Pure. Per decode step (one token for each of the B sequences in a batch):

- compute time = B × 2·N FLOPs ÷ (peak × utilisation × devices)   [2·N per token: Kaplan et al. 2020, §2.1]
- memory time  = weight bytes ÷ (memory bandwidth × devices)       [every step reads all weights once]
- step time = the slower of the two (a roofline bound: at small batch decoding is memory-bound)

``seconds_per_token`` is wall time per generated token with all the devices serving, step ÷ B
(the inverse of throughput); device time per token, what costs scale with, is that × devices.
``latency_s_per_token`` is the step time, what one user waits per token. Energy, CO₂e and cost
come from ``estimate`` with the device-hours the tokens take, so they use the same power, PUE,
grid and price rules as every other estimate. Quantisation, pruning and distillation change
N, the bytes per weight and the peak used; ``compression.py`` compares them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from . import bounds as B, validation as v
from .errors import InputError
from .estimate import Assumption, Estimate, Scenario, estimate
from .profile import HardwareProfile
from .units import BYTES_PER_GB, S_PER_HOUR

# Forward pass ≈ 2·N FLOPs per token for a dense model (Kaplan et al. 2020, arXiv:2001.08361, §2.1).
FLOPS_PER_PARAM_PER_TOKEN = 2.0
BITS = (16, 8, 4)
# Peak used for each weight width, first match wins. 8-bit: FP8 (H100 and later) or INT8 (A100)
# tensor peaks; 4-bit: an INT4 peak where a profile has one. Otherwise the 16-bit peak: the
# weights are dequantised to 16 bits for the matrix multiply (weight-only quantisation, as in
# GPTQ, Frantar et al. 2022, arXiv:2210.17323), so only the bytes read shrink.
PRECISIONS_FOR_BITS = {16: ("bf16", "fp16"), 8: ("fp8", "int8"), 4: ("int4",)}
# An illustrative length of one query's answer, in generated tokens: an assumption, not a
# measurement (set --tokens-per-query to your own).
DEFAULT_TOKENS_PER_QUERY = 500.0
MAX_BATCH = int(B.BATCH.high)


@dataclass(frozen=True)
class InferenceScenario:
    """What to serve. ``None``: the profile's value or the default, as in ``Scenario``."""

    params: float
    tokens: float
    bits: int = 16
    sparsity: float = 0.0
    sparse_kernels: bool = True   # do kernels skip pruned weights? (unstructured sparsity rarely does)
    batch_size: int = 1
    student_params: float | None = None
    tokens_per_query: float = DEFAULT_TOKENS_PER_QUERY
    devices: int | None = None    # None: as many as the weights need
    utilization: float | None = None
    power_w: float | None = None
    pue: float | None = None
    carbon_intensity_g_per_kwh: float | None = None
    carbon_intensity_source: str | None = None
    price_usd_per_device_hour: float | None = None
    electricity_usd_per_kwh: float | None = None


@dataclass(frozen=True)
class InferenceResult:
    hardware_id: str
    params_served: float          # after distillation and pruning
    bits: int
    precision: str                # whose peak bounds the compute time
    peak_flops_per_s: float
    utilization: float
    flops_per_token: float
    memory_gb: float              # weights only
    devices: int
    batch_size: int
    compute_s_per_step: float
    memory_s_per_step: float
    bound: str                    # "memory" or "compute"
    latency_s_per_token: float
    seconds_per_token: float
    tokens: float
    tokens_per_query: float
    estimate: Estimate            # totals for all tokens
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def energy_kwh(self) -> float:
        return self.estimate.energy_kwh

    @property
    def co2e_kg(self) -> float:
        return self.estimate.co2e_kg

    @property
    def cost_usd(self) -> float | None:
        return self.estimate.cost_usd

    def per_token(self, key: str) -> float | None:
        total = getattr(self, key)
        return None if total is None else total / self.tokens

    def per_query(self, key: str) -> float | None:
        x = self.per_token(key)
        return None if x is None else x * self.tokens_per_query

    def to_dict(self) -> dict:
        keys = ("energy_kwh", "co2e_kg", "cost_usd")
        return {
            "hardware": self.hardware_id, "params_served": self.params_served, "bits": self.bits,
            "precision": self.precision, "peak_flops_per_s": self.peak_flops_per_s, "utilization": self.utilization,
            "flops_per_token": self.flops_per_token, "memory_gb": self.memory_gb, "devices": self.devices,
            "batch_size": self.batch_size, "bound": self.bound,
            "compute_s_per_step": self.compute_s_per_step, "memory_s_per_step": self.memory_s_per_step,
            "seconds_per_token": self.seconds_per_token, "latency_s_per_token": self.latency_s_per_token,
            "tokens_per_s": 1.0 / self.seconds_per_token, "tokens": self.tokens,
            "wall_clock_s": self.estimate.wall_clock_s, "device_hours": self.estimate.device_hours,
            **{k: getattr(self, k) for k in keys},
            "per_token": {k: self.per_token(k) for k in keys},
            "tokens_per_query": self.tokens_per_query,
            "per_query": {k: self.per_query(k) for k in keys},
            "assumptions": {a.name: a.to_dict() for a in self.estimate.assumptions},
            "notes": list(self.notes),
        }


def peak_for_bits(profile: HardwareProfile, bits: int) -> tuple[str, float, str | None]:
    """(precision, peak FLOP/s, note) for weights of ``bits`` bits on ``profile``."""
    if bits not in BITS:
        raise InputError(f"bits must be one of {', '.join(map(str, BITS))}, got {bits!r}")
    for p in PRECISIONS_FOR_BITS[bits]:
        if p in profile.peak_flops_per_s:
            return p, profile.peak(p), None
    sixteen = next((p for p in PRECISIONS_FOR_BITS[16] if p in profile.peak_flops_per_s), profile.default_precision)
    if bits == 16:
        return sixteen, profile.peak(sixteen), f"{profile.id} has no 16-bit peak; using its {sixteen} peak"
    return sixteen, profile.peak(sixteen), (
        f"{profile.id} has no {bits}-bit peak ({'/'.join(PRECISIONS_FOR_BITS[bits])}): compute runs at its "
        f"{sixteen} peak (weights dequantised, weight-only quantisation); only the bytes read shrink")


def _check(s: InferenceScenario, profile: HardwareProfile) -> None:
    v.require_number_in("parameters", s.params, B.PARAMS)
    v.require_number_in("tokens", s.tokens, B.TOKENS)
    v.require_number_in("tokens per query", s.tokens_per_query, B.TOKENS_PER_QUERY)
    v.require_non_negative("sparsity", v.as_number("sparsity", s.sparsity))
    if not s.sparsity < 1:
        raise InputError(f"sparsity must be in [0, 1) (the fraction of weights removed), got {s.sparsity!r}")
    v.require_number_in("batch size", s.batch_size, B.BATCH)
    if s.devices is not None:
        v.require_number_in("devices", s.devices, B.DEVICES)
    if s.student_params is not None:
        v.require_number_in("student parameters", s.student_params, B.PARAMS)
        if s.student_params >= s.params:
            raise InputError(f"the student ({s.student_params:.3g} parameters) must be smaller than the model "
                             f"({s.params:.3g})")
    if s.utilization is not None:
        v.require_number_in("utilisation", s.utilization, B.UTILIZATION)
    if not profile.memory_bandwidth_gb_per_s or not profile.memory_gb:
        raise InputError(f"{profile.id} has no memory capacity or bandwidth in its profile; inference needs both")


def inference(s: InferenceScenario, profile: HardwareProfile) -> InferenceResult:
    """Per-token and total time, memory, energy, CO₂e and cost of generating ``s.tokens`` tokens."""
    _check(s, profile)
    notes = []
    n = float(s.student_params if s.student_params is not None else s.params)
    if s.student_params is not None:
        notes.append(f"distillation: serving a {n:.3g}-parameter student instead of the {s.params:.3g}-parameter model; "
                     "its quality is not modelled")
    kept = 1.0 - s.sparsity
    if s.sparsity > 0 and s.sparse_kernels:
        n *= kept
        notes.append(f"pruning: {s.sparsity:.0%} of weights removed; assumed that storage and kernels skip them, so "
                     "bytes and FLOPs scale by the kept fraction (ideal: index overhead ignored; unstructured sparsity "
                     "rarely speeds up dense hardware, 2:4 structured sparsity on NVIDIA tensor cores is the exception)")
    elif s.sparsity > 0:
        notes.append(f"pruning: {s.sparsity:.0%} of weights are zero but the dense hardware still reads and "
                     "multiplies them: no saving (the usual case for unstructured sparsity)")
    precision, peak, note = peak_for_bits(profile, int(s.bits))
    if note:
        notes.append(note)
    util = s.utilization if s.utilization is not None else profile.utilization.default
    if s.utilization is None:
        notes.append(f"compute-bound steps use the profile's training utilisation {util:.2f} "
                     "(model-FLOPs goodput); memory-bound steps assume the full memory bandwidth, so they are a lower bound")
    weight_bytes = n * s.bits / 8.0
    memory_gb = weight_bytes / BYTES_PER_GB
    needed = max(1, math.ceil(memory_gb / profile.memory_gb))
    devices = int(s.devices) if s.devices is not None else needed
    if devices < needed:
        raise InputError(f"the weights need {memory_gb:.3g} GB; {devices} × {profile.memory_gb:g} GB of "
                         f"{profile.id} hold only {devices * profile.memory_gb:g} GB: use at least {needed} devices")
    if devices > 1:
        notes.append(f"{devices} devices share the weights (ideal tensor parallelism: bandwidth and FLOP/s add up, "
                     "communication ignored)")
    notes.append("memory counts the weights only (no KV cache or activations, which grow with batch and context)")
    b = int(s.batch_size)
    flops_per_token = FLOPS_PER_PARAM_PER_TOKEN * n
    compute_s = b * flops_per_token / (peak * util * devices)
    memory_s = weight_bytes / (profile.memory_bandwidth_gb_per_s * BYTES_PER_GB * devices)
    step = max(compute_s, memory_s)
    per_token = step / b
    device_hours = s.tokens * per_token * devices / S_PER_HOUR
    est = estimate(Scenario(device_hours=device_hours, devices=devices, power_w=s.power_w, pue=s.pue,
                            carbon_intensity_g_per_kwh=s.carbon_intensity_g_per_kwh,
                            carbon_intensity_source=s.carbon_intensity_source,
                            price_usd_per_device_hour=s.price_usd_per_device_hour,
                            electricity_usd_per_kwh=s.electricity_usd_per_kwh), profile)
    est = replace(est, assumptions=tuple(
        Assumption(a.name, a.value, a.unit, "derived", f"tokens × {per_token:.4g} s per token × {devices} device(s)")
        if a.name == "device_hours" else a for a in est.assumptions))
    if s.power_w is None:
        notes.append("power = the profile's average training draw; memory-bound decoding usually draws less")
    return InferenceResult(
        hardware_id=profile.id, params_served=n, bits=int(s.bits), precision=precision, peak_flops_per_s=peak,
        utilization=util, flops_per_token=flops_per_token, memory_gb=memory_gb, devices=devices, batch_size=b,
        compute_s_per_step=compute_s, memory_s_per_step=memory_s,
        bound="memory" if memory_s >= compute_s else "compute",
        latency_s_per_token=step, seconds_per_token=per_token, tokens=float(s.tokens),
        tokens_per_query=float(s.tokens_per_query), estimate=est, notes=tuple(notes))

"""What a served model computes at on a device (pure): the tensor peak for its bits per weight
(``peak_for_bits``), what the serving step needs of a hardware profile (``device_of``), and the stage of
``estimator.core.serving.estimate.inference`` that picks both for a scenario (``serving_compute``).

``estimator.core.serving.estimate`` re-exports ``peak_for_bits``, ``device_of`` and the tables here, so they stay
importable from there as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from estimator.core.base.errors import InputError
from estimator.core.hardware.matmul import matmul_note, matmul_ratio, scaled_share
from estimator.core.hardware.power_base import power_base
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.serving.notes import embedding_note
from estimator.core.serving.step import COMPUTE_FRACTION, Device, link_for
from estimator.core.serving.weights import EMBEDDING_BITS, WEIGHT_BITS

if TYPE_CHECKING:
    from estimator.core.serving.scenario import InferenceScenario
    from estimator.core.serving.served import ServedModel

# Peak used for each weight width, first match wins. 8-bit: FP8 (H100 and later) or INT8 (A100)
# tensor peaks; 4-bit: FP4 (Blackwell's NVFP4/MXFP4 tensor cores, MI355X). Otherwise the 16-bit peak: the
# weights are dequantised to 16 bits for the matrix multiply (weight-only quantisation, as in
# GPTQ, Frantar et al. 2022, arXiv:2210.17323), so only the bytes read shrink. An INT4 peak (the T4's) is not taken:
# engines serve 4-bit weights there weight-only (GPTQ, AWQ, dequantised to 16 bits), W4A4 on INT4 tensor cores being a
# research prototype's (Atom, Zhao et al. 2024, arXiv:2310.19102) (serving review 2026-11-28, third: the T4 had been
# computed at its INT4 peak and the A100, whose profile states none, at bf16)
PRECISIONS_FOR_BITS = {16: ("bf16", "fp16"), 8: ("fp8", "int8"), 4: ("fp4",)}
# Where such a peak is used, the activations are quantised too: W8A8 (FP8 checkpoints; SmoothQuant, Xiao et al.
# 2023, arXiv:2211.10438); a weight-only checkpoint (GPTQ, AWQ) computes at 16 bits.
# On FP4 tensor cores, W4A4 is NVFP4/MXFP4 (block-scaled 4-bit floats: OCP Microscaling Formats v1.0, 2023;
# NVIDIA's B200 ran Llama 2 70B at FP4 in MLPerf Inference v4.1).
# By the peak taken: FP8 on FP8 tensor cores, INT8 as SmoothQuant (an A100 computes no FP8: serving engineer's review
# 2026-11-29, its note had said "as FP8 checkpoints … run" beside the caveat that engines run those weight-only there).
ACTIVATION_SCHEMES = {"fp8": "as FP8 checkpoints run", "int8": "INT8, as SmoothQuant runs",
                      8: "as FP8 checkpoints and SmoothQuant run",
                      "fp4": "as NVFP4/MXFP4 checkpoints run on FP4 tensor cores"}
LOW_BIT_COMPUTE_NOTE = ("{bits}-bit compute: the linear layers at the {p} peak, so activations are taken as quantised "
                        "too (W{bits}A{bits}, {scheme}); attention (QKᵀ, AV) at the 16-bit peak; a weight-only "
                        "checkpoint (GPTQ, AWQ) would compute at 16 bits, its compute-bound phases slower")
# What the roofline part of a step runs on, by profile kind, in the words the results use.
CHIP_WORDS = {"gpu": "GPU", "tpu": "TPU", "cpu": "CPU"}


def peak_for_bits(profile: HardwareProfile, bits: int) -> tuple[str, float, str | None]:
    """(precision, peak FLOP/s, note) for weights of ``bits`` bits on ``profile``."""
    if bits not in WEIGHT_BITS:
        raise InputError(f"bits must be one of {', '.join(map(str, WEIGHT_BITS))}, got {bits!r}")
    for p in PRECISIONS_FOR_BITS[bits]:
        if p in profile.peak_flops_per_s:
            return p, profile.peak(p), (None if bits == 16 else LOW_BIT_COMPUTE_NOTE.format(
                bits=bits, p=p, scheme=ACTIVATION_SCHEMES.get(p) or ACTIVATION_SCHEMES[bits]))
    sixteen = next((p for p in PRECISIONS_FOR_BITS[16] if p in profile.peak_flops_per_s), profile.default_precision)
    if bits == 16:
        return sixteen, profile.peak(sixteen), f"{profile.id}'s profile states no 16-bit peak; using its {sixteen} peak"
    if bits == 4 and "int4" in profile.peak_flops_per_s:
        return sixteen, profile.peak(sixteen), (
            f"{profile.id}'s INT4 peak is not taken: engines serve 4-bit weights on it weight-only (GPTQ, AWQ), "
            f"dequantised to 16 bits, so compute runs at its {sixteen} peak and only the bytes read shrink (W4A4 on "
            "INT4 tensor cores is a research prototype's, Atom, arXiv:2310.19102)")
    return sixteen, profile.peak(sixteen), (
        # the profile's, not the chip's (serving review 2026-11-28: "a100-sxm-80gb has no 4-bit peak", though the A100
        # datasheet gives INT4 tensor cores; engines serve 4-bit weights on it dequantised, as modelled here)
        f"{profile.id}'s profile states no {bits}-bit peak ({'/'.join(PRECISIONS_FOR_BITS[bits])}): compute runs at "
        f"its {sixteen} peak (weights dequantised, weight-only quantisation); only the bytes read shrink")


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
                  link_source, attention_flops_per_s=sixteen, tdp_label=label, matmul_ratio=matmul_ratio(profile))


@dataclass(frozen=True)
class ServingCompute:
    """What the served model computes at: the precision whose peak bounds its compute-bound phases, the
    fraction of that peak achieved, the device the step runs on, and what its chip is called."""
    precision: str
    peak_flops_per_s: float
    utilization: float            # of the peak, in compute-bound phases (given, or the engine's × the device's matmul ratio)
    device: Device
    chip: str                     # "GPU", "TPU", "CPU" or "device"
    notes: tuple[str, ...]        # the precision's (a low-bit peak, or none of it) and the embeddings'


def serving_compute(s: InferenceScenario, profile: HardwareProfile, served: ServedModel,
                    compute_fraction: float = COMPUTE_FRACTION) -> ServingCompute:
    """The precision and peak for ``s.bits`` on ``profile``, the utilisation (given, or the engine's
    ``compute_fraction`` × the device's matmul ratio), and the serving device; refuses a profile whose chip power is unknown when no power
    is given (``device_of``)."""
    bits = int(s.bits)
    precision, peak, peak_note = peak_for_bits(profile, bits)
    if s.weight_only and bits < 16:
        # weight-only quantisation (GPTQ, AWQ, W4A16): dequantised to 16 bits for the matrix products
        precision, peak, sixteen_note = peak_for_bits(profile, 16)
        peak_note = (f"{bits}-bit weights quantised alone (weight-only, W{bits}A16), the activations at 16 bits: "
                     f"compute runs at the {precision} peak, only the bytes read shrink"
                     + (f" ({sixteen_note})" if sixteen_note else ""))   # a profile with no 16-bit peak says so
    notes = [peak_note] if peak_note else []
    if bits < EMBEDDING_BITS:
        notes.append(embedding_note(served.architecture, served.params, bits))
    device = device_of(profile, peak, power_given=s.power_w is not None)
    # a fraction given is of this device's own peak; the engine's is taken on the reference H100 and scaled by the
    # device's measured matmul share (core/hardware/matmul.py)
    if s.utilization is not None:
        utilization = float(s.utilization)
    else:
        utilization = scaled_share(compute_fraction, device.matmul_ratio)
        if (note := matmul_note(profile, compute_fraction)) is not None:
            notes.append(note)
    return ServingCompute(precision=precision, peak_flops_per_s=peak, utilization=utilization, device=device,
                          chip=CHIP_WORDS.get(profile.kind, "device"), notes=tuple(notes))


__all__ = ["ACTIVATION_SCHEMES", "CHIP_WORDS", "LOW_BIT_COMPUTE_NOTE", "PRECISIONS_FOR_BITS", "ServingCompute",
           "device_of", "peak_for_bits", "serving_compute"]

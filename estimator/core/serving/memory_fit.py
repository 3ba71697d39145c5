"""Where a served model fits (pure): the devices in tensor parallelism that hold its weights and its batch's KV
cache, and the refusal, in the words the results use, where they do not. A stage of
``estimator.core.serving.estimate.inference``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from estimator.core.base.errors import InputError
from estimator.core.base.number_text import count_text, gfmt
from estimator.core.base.units import BITS_PER_BYTE, BYTES_PER_GB, MB_PER_GB
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.serving.checks import devices_for_heads, usable_words
from estimator.core.serving.memory import Footprint, devices_needed, draft_layers_of, serving_footprint
from estimator.core.serving.step import USABLE_MEMORY_FRACTION, USABLE_MEMORY_SOURCE
from estimator.core.serving.weights import SCALE_BITS, embedding_params, expert_params
from estimator.core.workload.architecture import check_tensor_parallel

if TYPE_CHECKING:
    from estimator.core.serving.scenario import InferenceScenario
    from estimator.core.serving.served import ServedModel


@dataclass(frozen=True)
class MemoryFit:
    """The devices the model is served on and what their memory holds."""
    devices: int
    devices_how: str              # "given", or the rule that chose them
    footprint: Footprint          # weights and the KV cache of the batch run against the usable memory
    memory_source: str = USABLE_MEMORY_SOURCE   # the engine's memory fraction and its source, as the notes say it
    devices_why: str = ""         # why as many, short, where ``devices_how`` is a layout's whole sentence ("" the same)

    @property
    def preempted(self) -> bool:
        """The batch asked for does not fit: the engine runs the largest that does (``footprint.effective_batch``)."""
        return not self.footprint.fits


def memory_fit(s: InferenceScenario, profile: HardwareProfile, served: ServedModel,
               memory_fraction: float = USABLE_MEMORY_FRACTION, memory_source: str = USABLE_MEMORY_SOURCE,
               static_batch: bool = False) -> MemoryFit:
    """The devices given (a tensor-parallel degree that splits the heads) or the fewest that hold the weights and
    the batch's KV cache (``inference_checks.devices_for_heads``), at the engine's ``memory_fraction`` (what it is and
    whence: ``memory_source``). On the devices given, a batch beyond what they hold runs as the largest that fits, the
    rest preempted (``Footprint.effective_batch``); refused only where the weights, or one sequence beside them, do not
    fit."""
    architecture = served.architecture
    batch = int(s.batch_size)
    prompt_tokens, output_tokens = float(s.prompt_tokens), float(s.tokens_per_query)
    shape = dict(params=served.params, arch=architecture, memory_gb_per_device=profile.memory_gb, batch=batch,
                 prompt_tokens=prompt_tokens, output_tokens=output_tokens, weight_bits=int(s.bits),
                 kv_bits=int(s.kv_bits), memory_fraction=memory_fraction, beams=int(s.beams),
                 draft_layers=draft_layers_of(s.draft_tokens), static_batch=static_batch)
    ep = expert_parallel(s)
    if ep > 1:  # one replica: an expert-parallel group of ep devices, attention data-parallel
        devices = ep
        footprint = serving_footprint(devices=devices, ep=ep, **shape)
        if not footprint.runs:
            raise does_not_fit(footprint, devices, profile, batch, prompt_tokens, output_tokens, memory_source, ep)
        return MemoryFit(devices=devices, devices_how="given", footprint=footprint, memory_source=memory_source)
    if s.devices is None:
        devices, how = devices_for_heads(devices_needed(**shape), architecture, profile, shape, memory_source)
    else:
        devices = int(s.devices)
        check_tensor_parallel(devices, architecture.heads, architecture.kv_heads)
        how = "given"
    footprint = serving_footprint(devices=devices, **shape)
    if not footprint.runs:
        raise does_not_fit(footprint, devices, profile, batch, prompt_tokens, output_tokens, memory_source)
    return MemoryFit(devices=devices, devices_how=how, footprint=footprint, memory_source=memory_source)


def expert_parallel(s: InferenceScenario) -> int:
    """The scenario's expert-parallel degree (1: none)."""
    return int(s.ep) if s.ep is not None else 1


def preemption_note(footprint: Footprint, devices: int, profile: HardwareProfile, static_batch: bool = False) -> str:
    """What a batch beyond the memory does on a paged engine: the largest batch that fits runs, the rest waits. An
    engine that runs a static batch does not preempt: it says so, and the largest batch that fits is estimated."""
    held = ("at full length, as a static batch's last step holds every sequence" if static_batch
            else "at the average sequence in flight")
    then = ("an engine that runs a static batch does not preempt (it would run out of memory), so the batch estimated "
            f"here is the largest that fits, {count_text(footprint.max_batch)}" if static_batch else
            "a paged engine preempts the sequences that do not fit (vLLM recomputes or swaps them: Kwon et al. 2023, "
            f"arXiv:2309.06180, §4.5), so the batch run, and estimated here, is {count_text(footprint.max_batch)}")
    return (f"batch {count_text(footprint.batch)} does not fit: its KV cache {held} "
            f"({gfmt(footprint.kv_gb_per_sequence * MB_PER_GB, 3)} MB each) beside {gfmt(footprint.weights_gb, 3)} GB of "
            f"weights needs {gfmt(footprint.needed_gb, 3)} GB of the {gfmt(footprint.usable_gb, 3)} GB usable on "
            f"{devices} × {profile.id}; {then}")


# how a refusal for weights the devices cannot hold begins (the service adds the fewer bits that would fit)
WEIGHTS_REFUSAL_START = "the weights need"


def does_not_fit(footprint: Footprint, devices: int, profile: HardwareProfile, batch: int, prompt_tokens: float,
                 output_tokens: float, memory_source: str = USABLE_MEMORY_SOURCE, ep: int = 1) -> InputError:
    """Why ``footprint`` does not fit on ``devices`` × ``profile``: the weights alone, one sequence's KV cache
    beside them, or the batch's."""
    weights_gb, usable_gb, per_sequence_gb = footprint.weights_gb, footprint.usable_gb, footprint.kv_gb_per_sequence
    on = f"{devices} × {profile.id}"
    if weights_gb >= usable_gb:
        # as many figures as tell the two apart (review 2026-11-27: "need 1,340 GB; … offer 1,340 GB")
        need, offer = gfmt(weights_gb, 3), gfmt(usable_gb, 3)
        if need == offer and f"{weights_gb:,.1f}" != f"{usable_gb:,.1f}":
            need, offer = f"{weights_gb:,.1f}", f"{usable_gb:,.1f}"
        return InputError(f"{WEIGHTS_REFUSAL_START} {need} GB; {devices} × {gfmt(profile.memory_gb)} GB of "
                          f"{profile.id} offer {offer} GB ({usable_words(memory_source)}): use more devices", field="devices")
    query = f"{count_text(prompt_tokens)} + {count_text(output_tokens)} tokens"
    if footprint.max_batch == 0:  # the weights fit, not one sequence's KV cache beside them (audit: it blamed the weights)
        # under expert parallelism a sequence's cache is on one device (attention data-parallel): each one's room said
        left = (f"each of {on} leaves {gfmt((usable_gb - weights_gb) / devices, 3)} GB, and under expert parallelism a "
                "sequence's KV cache is held on one device" if ep > 1
                else f"{on} leave {gfmt(usable_gb - weights_gb, 3)} GB")
        # under expert parallelism tensor parallelism splits a sequence's cache over the devices (second diff review
        # 2026-11-29: "more devices" alone, where leaving out the expert-parallel degree fits)
        fix = ("use shorter prompts or answers, more devices with a larger expert-parallel degree, or tensor "
               "parallelism (no expert-parallel degree), which splits a sequence's cache over the devices" if ep > 1
               else "use shorter prompts or answers, or more devices")
        return InputError(f"one sequence of {query} needs {gfmt(footprint.kv_gb_full_sequence, 3)} GB of KV cache by "
                          f"its last token; beside {gfmt(weights_gb, 3)} GB of weights, {left} "
                          f"({usable_words(memory_source)}): {fix}",
                          field=("prompt_tokens", "tokens_per_query", "devices", "ep") if ep > 1 else
                          ("prompt_tokens", "tokens_per_query", "devices"))
    return InputError(f"batch {count_text(batch)} does not fit: its KV cache needs {gfmt(footprint.kv_cache_gb, 3)} GB "
                      f"({gfmt(per_sequence_gb * MB_PER_GB, 3)} MB per sequence of {query}) beside "
                      f"{gfmt(weights_gb, 3)} GB of weights in {gfmt(usable_gb, 3)} GB usable on {on} "
                      f"({usable_words(memory_source)}); the largest batch that fits is {count_text(footprint.max_batch)}",
                      field="batch_size")


# The bits a 4-bit weight's block scales add: MXFP4's, which the memory counts (``step.SCALE_BITS``), and NVIDIA's
# NVFP4, one 8-bit scale per 16 (4.5 bits a weight; NVIDIA 2025, arXiv:2509.25149, §2).
FOUR_BIT_SCALES = (("MXFP4 (or GPTQ/AWQ's groups of 128)", SCALE_BITS[4]), ("NVFP4", 0.5))


def block_scales_note(s: InferenceScenario, served: ServedModel, footprint: Footprint, devices: int,
                      profile: HardwareProfile) -> str | None:
    """Where 4-bit weights fit as counted, with MXFP4's block scales (``step.SCALE_BITS``), and NVFP4's larger ones
    (``FOUR_BIT_SCALES``) would take the weights with one sequence past the devices' usable memory: what they add and
    that they then do not fit (serving review 2026-11-28, third: DeepSeek-R1 at 4 bits on 2 B200s). None where they fit
    either way, or at other bits."""
    bits = int(s.bits)
    if bits != 4:
        return None
    arch, params = served.architecture, float(served.params)
    experts = expert_params(arch, params)
    # the replica's weights as the footprint counts them: under expert parallelism every device holds the weights
    # outside the experts whole (code review 2026-11-28)
    outside = max(0.0, params - experts - embedding_params(arch, params)[0])
    quantised = expert_parallel(s) * outside + experts
    room = footprint.usable_gb - footprint.weights_gb - footprint.kv_gb_per_sequence
    counted_name, counted = FOUR_BIT_SCALES[0]
    name, extra = FOUR_BIT_SCALES[1]
    more_gb = quantised * (extra - counted) / BITS_PER_BYTE / BYTES_PER_GB
    if more_gb <= room or "fp4" not in profile.peak_flops_per_s:  # NVFP4 where the device has an FP4 peak (diff review)
        return None
    return (f"4-bit weights counted at {gfmt(bits + counted, 3)} bits each, their block scales as {counted_name} "
            f"store them: {name}'s take {gfmt(bits + extra, 3)} bits a weight, {gfmt(more_gb, 3)} GB more, and with them the weights and one "
            f"sequence do not fit the {gfmt(footprint.usable_gb, 3)} GB usable on {devices} × {profile.id}: give more "
            "devices for NVFP4")


__all__ = ["FOUR_BIT_SCALES", "MemoryFit", "WEIGHTS_REFUSAL_START", "block_scales_note", "does_not_fit",
           "expert_parallel", "memory_fit", "preemption_note"]

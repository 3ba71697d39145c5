"""A served model's memory: its weights and the KV cache of a batch against what the devices offer, and
the fewest devices that hold them. Pure.

Paged engines (vLLM's PagedAttention, Kwon et al. 2023, arXiv:2309.06180, §4; TensorRT-LLM's paged KV cache)
allocate the KV cache block by block as sequences grow and free it when they finish, so a running batch holds
each sequence at its current length: under a steady stream, the prompt plus half the output on average
(``AVERAGE_OUTPUT_SHARE``). A batch larger than that memory holds is not refused: the engine preempts
sequences (vLLM recomputes or swaps them; §4.5) and runs the batch that fits, the effective batch. An engine that
decodes a static batch (``ServingFit.static_batch``) holds every sequence at its full length by the last step: its
cache is sized at the prompt and the whole output (``sequence_tokens``), and a batch beyond it does not preempt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from estimator.core.base import bounds as B
from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import BITS_PER_BYTE, BYTES_PER_GB
from estimator.core.serving.step import (  # noqa: F401 (AVERAGE_OUTPUT_SHARE re-exported)
    AVERAGE_OUTPUT_SHARE,
    DRAFT_LAYERS,
    USABLE_MEMORY_FRACTION,
    Architecture,
    beam_search_holds,
)
from estimator.core.serving.weights import (
    DEFAULT_BITS,
    DEFAULT_KV_BITS,
    EMBEDDING_BITS,
    embedding_params,
    kv_replication,
    stored_weight_bytes,
    stored_weight_bytes_per_device,
)


@dataclass(frozen=True)
class Footprint:
    """Memory: the weights and the KV cache of a batch, against what the devices offer."""

    weights_gb: float
    kv_cache_gb: float
    kv_gb_per_sequence: float
    usable_gb: float              # devices × capacity × the usable fraction
    max_batch: int                # the largest batch whose KV cache fits beside the weights (0: weights do not fit)
    batch: float = 0.0            # the batch asked for (``kv_cache_gb`` is that of the batch run: ``effective_batch``)
    # one sequence's KV cache at its full length (its prompt and whole output): what the engine needs to run at all,
    # since preemption frees no room for a sequence from itself (serving review 2026-11-29: Llama 3.1 70B at 8 bits on
    # one GPU served a 26,010-token sequence whose last step held 8.5 GB of KV cache in 4.3 GB left)
    kv_gb_full_sequence: float = 0.0

    @property
    def total_gb(self) -> float:
        return self.weights_gb + self.kv_cache_gb

    @property
    def needed_gb(self) -> float:
        """The weights and the whole batch's KV cache, none preempted."""
        return self.weights_gb + self.batch * self.kv_gb_per_sequence

    @property
    def fits(self) -> bool:
        """The whole batch asked for fits, none preempted."""
        return self.weights_gb + self.batch * self.kv_gb_per_sequence <= self.usable_gb * (1 + 1e-12)

    @property
    def runs(self) -> bool:
        """The weights and at least one sequence fit: the engine runs (preempting what does not fit)."""
        return self.max_batch >= 1

    @property
    def effective_batch(self) -> float:
        """The batch the engine runs: the one asked for, or the largest that fits (the rest preempted)."""
        return self.batch if self.fits else float(self.max_batch)


def sequence_tokens(prompt_tokens: float, output_tokens: float, beams: int = 1, static_batch: bool = False) -> float:
    """The tokens a request in flight holds in the KV cache on average (paged engines; the module docstring); with
    beam search, its prompt once and each beam's output: ``step.beam_search_holds``, the decode step's own count. In
    an engine that runs a static batch (``ServingFit.static_batch``: every sequence starts together and runs to its
    end) the cache must hold every sequence at its full length by the last step: the prompt and the whole output
    (serving review 2026-11-28: the latency engine had reported batches of 92 whose cache reached 108 GB of 60)."""
    if static_batch:
        return float(prompt_tokens) + float(beams) * float(output_tokens)
    return beam_search_holds(prompt_tokens, output_tokens, beams)


def full_length_tokens(arch: Architecture, prompt_tokens: float, output_tokens: float, beams: int = 1) -> float:
    """The tokens one request holds in the KV cache at its full length, averaged over the layers: a full-attention
    layer its prompt once and each beam's whole output; a windowed one (``Architecture.window``) each beam's last
    ``window`` tokens, the prompt's share of them held once, min(p, max(0, w − t)) + beams · min(t, w) (diff reviews
    2026-11-29: the average's window share at the full length had counted Mistral 7B at 100 + 30,000 tokens at
    1.00 GB, not its window's 0.54 GB; one sequence's share applied to every beam had undercounted beam search)."""
    p, t, b = float(prompt_tokens), float(output_tokens), int(beams)
    full = p + b * t
    if not arch.window or not arch.windowed_layers:
        return full
    w = float(arch.window)
    windowed = min(p, max(0.0, w - t)) + b * min(t, w)
    return ((arch.layers - arch.windowed_layers) * full + arch.windowed_layers * windowed) / arch.layers


def draft_layers_of(draft_tokens: int) -> int:
    """The layers a speculative-decoding draft head adds (``step.DRAFT_LAYERS``; 0 without a draft)."""
    return DRAFT_LAYERS if int(draft_tokens) else 0


def serving_footprint(*, params: float, arch: Architecture, memory_gb_per_device: float, devices: int, batch: float,
                      prompt_tokens: float, output_tokens: float, weight_bits: int = DEFAULT_BITS, kv_bits: int = DEFAULT_KV_BITS,
                      memory_fraction: float = USABLE_MEMORY_FRACTION, beams: int = 1, ep: int = 1,
                      draft_layers: int = 0, static_batch: bool = False) -> Footprint:
    """The weights and the KV cache of the batch run (the whole ``batch``, or the largest that fits) against
    ``devices`` × capacity × ``memory_fraction`` (the engine's); ``beams``: each request's beam width. ``ep``: the
    ``devices`` are an expert-parallel group (``step.step``): each holds the weights outside the experts whole and
    1/ep of the experts (``step.expert_slots``), and its own sequences' KV cache, none replicated (attention
    data-parallel).
    ``draft_layers``: a speculative-decoding draft head of that many layers beside the model (``draft_layers_of``):
    each a layer's share of the blocks' weights and its own KV cache, a layer's share of the model's (its LM head the
    model's own). ``static_batch``: the engine runs a static batch, its cache sized at full length
    (``sequence_tokens``)."""
    if ep > 1:
        weights = ep * stored_weight_bytes_per_device(arch, params, weight_bits, ep) / BYTES_PER_GB
        replication = 1.0
    else:
        weights = stored_weight_bytes(arch, params, weight_bits) / BYTES_PER_GB
        replication = kv_replication(arch, devices)
    share = draft_layers / arch.layers
    if share:
        embeddings = embedding_params(arch, params)[0] * EMBEDDING_BITS / BITS_PER_BYTE / BYTES_PER_GB
        weights += share * max(0.0, weights - embeddings)
    # windowed layers hold at most their window (``Architecture.held_share``)
    def held_gb(tokens: float) -> float:
        return tokens * arch.kv_bytes_per_token(kv_bits) * replication * (1.0 + share) / BYTES_PER_GB

    whole = held_gb(full_length_tokens(arch, prompt_tokens, output_tokens, beams))
    per_seq = (whole if static_batch else
               held_gb(sequence_tokens(prompt_tokens, output_tokens, beams)
                       * arch.held_share(prompt_tokens, output_tokens)))
    usable = devices * memory_gb_per_device * memory_fraction
    room = usable - weights
    # not one sequence at its full length beside the weights: the engine cannot run (``Footprint.kv_gb_full_sequence``);
    # under expert parallelism a sequence lives on one device (attention data-parallel), so on one device's room, and
    # the batch is each device's whole sequences (diff reviews 2026-11-29: one sequence of 197 GB had been taken
    # against 8 devices' 31 GB each; 9 sequences of 3.47 GB against 8 devices' 4.29 GB each)
    one_room = room / devices if ep > 1 else room
    fitting = devices * math.floor(one_room / per_seq) if ep > 1 else math.floor(room / per_seq)
    max_batch = 0 if one_room < whole * (1 - 1e-12) else int(min(fitting, B.BATCH.high))
    run = batch if max_batch and weights + batch * per_seq <= usable * (1 + 1e-12) else max_batch
    return Footprint(weights, run * per_seq, per_seq, usable, max_batch, float(batch), whole)


def devices_needed(*, params: float, arch: Architecture, memory_gb_per_device: float, batch: float,
                   prompt_tokens: float, output_tokens: float, weight_bits: int, kv_bits: int,
                   memory_fraction: float = USABLE_MEMORY_FRACTION, beams: int = 1, draft_layers: int = 0,
                   static_batch: bool = False) -> int:
    """The smallest power of two of devices whose usable memory holds the weights and the batch's
    KV cache (tensor parallelism splits heads, so engines take powers of two)."""
    need = serving_footprint(params=params, arch=arch, memory_gb_per_device=memory_gb_per_device, devices=1, batch=batch,
                             prompt_tokens=prompt_tokens, output_tokens=output_tokens, weight_bits=weight_bits,
                             kv_bits=kv_bits, memory_fraction=memory_fraction, beams=beams,
                             draft_layers=draft_layers, static_batch=static_batch)
    per_device = memory_gb_per_device * memory_fraction
    kv_gb = max(batch * need.kv_gb_per_sequence, need.kv_gb_full_sequence)  # one sequence at its full length at least
    n = max(1, math.ceil((need.weights_gb + kv_gb) / per_device - 1e-12))
    devices = 1 << (n - 1).bit_length()
    if devices > B.DEVICES.high:
        raise InputError(f"the weights and KV cache need {gfmt(need.needed_gb, 3)} GB: more than {gfmt(B.DEVICES.high)} devices hold")
    return devices


__all__ = ["AVERAGE_OUTPUT_SHARE", "Footprint", "devices_needed", "draft_layers_of", "full_length_tokens", "sequence_tokens",
           "serving_footprint"]

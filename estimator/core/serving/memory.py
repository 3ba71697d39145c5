"""A served model's memory: its weights and the KV cache of a batch against what the devices offer, and
the fewest devices that hold them. Pure."""

from __future__ import annotations

import math
from dataclasses import dataclass

from estimator.core.base import bounds as B
from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import BYTES_PER_GB
from estimator.core.serving.step import USABLE_MEMORY_FRACTION, Architecture, kv_replication, stored_weight_bytes


@dataclass(frozen=True)
class Footprint:
    """Memory: the weights and the KV cache of a batch, against what the devices offer."""

    weights_gb: float
    kv_cache_gb: float
    kv_gb_per_sequence: float
    usable_gb: float              # devices × capacity × the usable fraction
    max_batch: int                # the largest batch whose KV cache fits beside the weights (0: weights do not fit)

    @property
    def total_gb(self) -> float:
        return self.weights_gb + self.kv_cache_gb

    @property
    def fits(self) -> bool:
        return self.total_gb <= self.usable_gb * (1 + 1e-12)


def serving_footprint(*, params: float, arch: Architecture, memory_gb_per_device: float, devices: int, batch: float,
              prompt_tokens: float, output_tokens: float, weight_bits: int = 16, kv_bits: int = 16) -> Footprint:
    weights = stored_weight_bytes(arch, params, weight_bits) / BYTES_PER_GB
    per_seq = ((prompt_tokens + output_tokens) * arch.kv_bytes_per_token(kv_bits) * kv_replication(arch, devices)
               / BYTES_PER_GB)
    usable = devices * memory_gb_per_device * USABLE_MEMORY_FRACTION
    room = usable - weights
    max_batch = 0 if room <= 0 else int(min(math.floor(room / per_seq), B.BATCH.high))
    return Footprint(weights, batch * per_seq, per_seq, usable, max_batch)


def devices_needed(*, params: float, arch: Architecture, memory_gb_per_device: float, batch: float,
                   prompt_tokens: float, output_tokens: float, weight_bits: int, kv_bits: int) -> int:
    """The smallest power of two of devices whose usable memory holds the weights and the batch's
    KV cache (tensor parallelism splits heads, so engines take powers of two)."""
    need = serving_footprint(params=params, arch=arch, memory_gb_per_device=memory_gb_per_device, devices=1, batch=batch,
                     prompt_tokens=prompt_tokens, output_tokens=output_tokens, weight_bits=weight_bits, kv_bits=kv_bits)
    per_device = memory_gb_per_device * USABLE_MEMORY_FRACTION
    n = max(1, math.ceil(need.total_gb / per_device - 1e-12))
    devices = 1 << (n - 1).bit_length()
    if devices > B.DEVICES.high:
        raise InputError(f"the weights and KV cache need {gfmt(need.total_gb, 3)} GB: more than {gfmt(B.DEVICES.high)} devices hold")
    return devices


__all__ = ["Footprint", "devices_needed", "serving_footprint"]

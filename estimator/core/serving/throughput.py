"""The most tokens a set of devices serves (pure): the tensor-parallel degree, replicas and batch that maximise
throughput in memory (MLPerf's Offline scenario), optionally under a bound on the time per output token (its
Server scenario). The building block for the serving questions ``--batch-size max`` and ``--tpot-ms``.

Given ``devices``, each power-of-two tensor-parallel degree ``tp`` that divides them and splits the attention
heads runs ``devices ÷ tp`` replicas; each replica's batch is the largest whose KV cache fits beside the
weights at the average sequence in flight (``memory.serving_footprint``, a paged engine), at most the engine's
``max_batch`` (its scheduler's cap), and, under a TPOT bound, the largest whose step keeps within it. Throughput
is replicas × batch ÷ TPOT, the step's prefill included (``step.step``: B ÷ T prompts start per step, as an
in-flight batching engine with chunked prefill mixes them into the decode steps). The best degree wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import MS_PER_S
from estimator.core.serving.memory import serving_footprint
from estimator.core.serving.step import Architecture, Device, ServingFit, Step, step
from estimator.core.workload.architecture import tensor_parallel_problem


@dataclass(frozen=True)
class Throughput:
    """The configuration that serves the most tokens per second on the devices, and its step."""
    tp: int
    replicas: int
    batch: int                    # per replica
    limit: str                    # what set the batch: "memory", "engine" (its cap) or "tpot" (the bound)
    step: Step
    tokens_per_s: float           # over all the devices

    @property
    def devices(self) -> int:
        return self.tp * self.replicas


def tensor_parallel_options(devices: int, arch: Architecture) -> list[int]:
    """The power-of-two degrees that divide ``devices`` and split the heads (engines take powers of two)."""
    out, tp = [], 1
    while tp <= devices:
        if devices % tp == 0 and not tensor_parallel_problem(tp, arch.heads, arch.kv_heads):
            out.append(tp)
        tp *= 2
    return out


def _largest_within(run, batch: int, tpot_bound_s: float) -> int:
    """The largest batch in 1..``batch`` whose step keeps within the bound (TPOT rises with the batch); 0 if none."""
    if run(1).tpot_s > tpot_bound_s:
        return 0
    lo, hi = 1, batch
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if run(mid).tpot_s <= tpot_bound_s:
            lo = mid
        else:
            hi = mid - 1
    return lo


def max_throughput(*, params: float, arch: Architecture, device: Device, fit: ServingFit, devices: int,
                   prompt_tokens: float, output_tokens: float, weight_bits: int = 16, kv_bits: int = 16,
                   max_batch: int, tpot_bound_s: float | None = None, tp: int | None = None) -> Throughput:
    """The tensor parallelism (or ``tp`` given), replicas and batch that serve the most tokens per second on
    ``devices`` (the module docstring); refused where no degree holds the weights and one sequence, or none
    meets the bound at batch 1."""
    best: Throughput | None = None
    options = [tp] if tp is not None else tensor_parallel_options(devices, arch)
    for t in options:
        room = serving_footprint(params=params, arch=arch, memory_gb_per_device=device.memory_gb, devices=t, batch=1,
                                 prompt_tokens=prompt_tokens, output_tokens=output_tokens, weight_bits=weight_bits,
                                 kv_bits=kv_bits, memory_fraction=fit.memory_fraction).max_batch
        if room < 1:
            continue

        def run(b: int, t: int = t) -> Step:
            return step(params=params, arch=arch, device=device, fit=fit, batch=b, prompt_tokens=prompt_tokens,
                        output_tokens=output_tokens, tp=t, weight_bits=weight_bits, kv_bits=kv_bits)
        batch, limit = (room, "memory") if room <= max_batch else (max_batch, "engine")
        if tpot_bound_s is not None and run(batch).tpot_s > tpot_bound_s:
            batch, limit = _largest_within(run, batch, tpot_bound_s), "tpot"
            if batch < 1:
                continue
        s = run(batch)
        replicas = devices // t
        found = Throughput(t, replicas, batch, limit, s, replicas * batch / s.tpot_s)
        if best is None or found.tokens_per_s > best.tokens_per_s:
            best = found
    if best is None:
        bound = "" if tpot_bound_s is None else f" within {gfmt(tpot_bound_s * MS_PER_S, 3)} ms per output token"
        raise InputError(f"no tensor-parallel split of {devices} × {device.id} serves the model{bound}: the weights and "
                         "one sequence's KV cache do not fit, or one sequence's step is slower than the bound")
    return best


__all__ = ["Throughput", "max_throughput", "tensor_parallel_options"]

"""What a serving scenario must satisfy beyond its inputs' bounds: devices that split the attention
heads and hold the weights and the KV cache; the time of fewer tokens than one full batch. Pure: refusals
(``InputError``) in the words the results use; ``estimator.core.serving.estimate`` calls them.
"""

from __future__ import annotations

import re

from estimator.core.base.errors import InputError
from estimator.core.base.number_text import count_text, gfmt
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.serving.memory import serving_footprint
from estimator.core.serving.notes import counted
from estimator.core.serving.step import USABLE_MEMORY_SOURCE
from estimator.core.workload.architecture import Architecture, tensor_parallel_problem


def usable_words(memory_source: str) -> str:
    """A memory fraction's source cut to its figure, for a refusal's one line ("0.9 of device memory for weights and
    KV cache"; API audit 2026-11-27: the whole citation, KvCacheConfig and all, had been quoted in each error)."""
    return re.split(r":|,| \(", memory_source, maxsplit=1)[0].strip()


def devices_for_heads(needed: int, arch: Architecture, profile: HardwareProfile, mem: dict,
                      memory_source: str = USABLE_MEMORY_SOURCE) -> tuple[int, str]:
    """``needed`` (the smallest power of two that holds weights and KV cache) when it splits the
    heads and still holds them with the KV heads copied; else the fewest devices that split the
    heads and hold the weights and the KV cache; refused when even one device per head is too few."""
    heads = arch.heads
    how = "the smallest power of two whose usable memory holds the weights and the batch's KV cache"
    if not tensor_parallel_problem(needed, heads, arch.kv_heads) and serving_footprint(devices=needed, **mem).fits:
        return needed, how
    fitting = [d for d in range(1, heads + 1)
               if not tensor_parallel_problem(d, heads, arch.kv_heads) and serving_footprint(devices=d, **mem).fits]
    # inference audit: "the 1 attention heads (1 KV heads": the counts take their nouns' number
    if not fitting:
        need = serving_footprint(devices=1, **mem)
        splits = [d for d in range(1, heads + 1) if not tensor_parallel_problem(d, heads, arch.kv_heads)]
        alone = serving_footprint(devices=splits[-1], **{**mem, "batch": 1}) if splits else None
        if alone is not None and not alone.fits and alone.weights_gb < alone.usable_gb:
            # one sequence is what does not fit, not the batch (serving engineer's review 2026-11-29: a 10-million-
            # token prompt at batch 1 was told to use a smaller batch)
            raise InputError(f"one sequence of {count_text(mem['prompt_tokens'])} + {count_text(mem['output_tokens'])} "
                             f"tokens needs {gfmt(alone.kv_gb_full_sequence, 3)} GB of KV cache by its last token, and "
                             f"no tensor-parallel split of the {counted(heads, 'attention head')} holds it beside the "
                             f"weights on {gfmt(profile.memory_gb)} GB devices ({profile.id}; "
                             f"{usable_words(memory_source)}): use shorter prompts or answers, fewer bits or a device "
                             "with more memory", field=("prompt_tokens", "tokens_per_query", "bits", "hardware"))
        raise InputError(f"the weights and KV cache need {gfmt(need.needed_gb, 3)} GB, and no tensor-parallel split of the "
                         f"{counted(heads, 'attention head')} ({counted(arch.kv_heads, 'KV head')}, copied when devices "
                         f"outnumber them) holds them on {gfmt(profile.memory_gb)} GB devices ({profile.id}; "
                         f"{usable_words(memory_source)}); use a smaller batch, fewer bits or a device with "
                         "more memory", field=("batch_size", "bits", "hardware"))
    return fitting[0], (f"the fewest devices that split the {counted(heads, 'attention head')} and "
                        f"{counted(arch.kv_heads, 'KV head')} and whose usable memory holds the weights and the "
                        "batch's KV cache")


def unfilled_batch(tokens: float, batch: int, tokens_per_query: float, tpot_s: float,
                   tokens_per_step: float = 1.0) -> tuple[float, str] | None:
    """(wall-clock seconds, note) when the tokens are fewer than one full batch of queries; else None.
    Their device-hours, energy and cost stay their share of a batch that other requests keep full (one
    query's share is what a per-query figure means: earlier audit, "one query is priced"); but no query
    ends sooner than its own sequential steps, so the wall clock is at least ``tokens_per_query`` steps
    (inference audit: one 338-token answer at batch 800 was done in "0.113 s", under one 268 ms step).
    ``tokens_per_step``: the tokens a sequence emits a step (more than 1 with speculative decoding)."""
    if tokens >= batch * tokens_per_query:
        return None
    wall_s = tokens_per_query * tpot_s
    steps = count_text(tokens_per_query) if tokens_per_step == 1.0 else gfmt(tokens_per_query / tokens_per_step, 3)
    return wall_s, (f"{counted(tokens, 'token')} fill less than one batch of {count_text(batch)} queries of "
                    f"{counted(tokens_per_query, 'output token')}: the device-hours, energy and cost are their share of "
                    f"a batch that other requests keep full; the time is one query's own, {steps} "
                    f"steps of {gfmt(tpot_s * tokens_per_step, 3)} s")


__all__ = ["devices_for_heads", "unfilled_batch", "usable_words"]

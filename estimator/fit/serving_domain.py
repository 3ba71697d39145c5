"""Where a serving scenario leaves the measured configurations the serving model was fitted to
and judged on (pure): its hardware, its tensor parallelism, its weights' and KV cache's bits,
its batch. Its 80% ranges were measured on those configurations only (``validate --inference``),
so outside them an estimate says so, case by case, instead of only in the ranges' general
sentence (inference audit: a CPU server, a TPU and batch 1 on a modern engine all showed the
same ×/÷1.5 range as an H100 at batch 128)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from estimator.core.base.number_text import gfmt
from estimator.fit.serving_fit import Measurement

# The weights and KV cache of every measured configuration: 16-bit (ML.ENERGY leaderboard v2 ran
# the models in their released 16-bit precision).
MEASURED_BITS = 16


def outside_measured(ms: Sequence[Measurement], *, hardware_id: str, chip_of: Callable[[str], str], devices: int,
                     batch: float, expert_parallel: int = 1,
                     engine_of: Callable[[Measurement], str] = lambda m: m.leaderboard) -> tuple[str, ...]:
    """One note per way the scenario lies outside the measured configurations ``ms`` (none when
    it lies inside). ``chip_of``: a hardware id's chip family (the A100 40GB and 80GB are one
    chip, and the engine's costs are the host's and the chip's, not the memory's size). ``ms``:
    anything with ``hardware_id``, ``tp``, ``batch`` and, where the weights' bits vary, ``bits``
    (the latency engine's published times); ``engine_of``: the engine each was measured with; ``expert_parallel``:
    the scenario's expert-parallel degree (its collectives all-to-alls, never measured, not all-reduces)."""
    notes = []
    chip = chip_of(hardware_id)
    same = [m for m in ms if chip_of(m.hardware_id) == chip]
    if not same:
        measured = sorted({m.hardware_id for m in ms})
        notes.append(f"no serving configuration was measured on {hardware_id}'s chip (only on {', '.join(measured)}): "
                     "the engine costs and the ranges carry over from those GPUs, and the ranges are likely too narrow")
    where = "this chip" if same else "any chip"
    same = same or list(ms)
    tp_max = max(m.tp for m in same)
    if expert_parallel > 1:  # serving review 2026-11-29: an expert-parallel layout read "the all-reduce cost"
        notes.append(f"expert parallel {expert_parallel}: the measured configurations on {where} split a model by "
                     f"tensor parallelism only (at most {tp_max}); the all-to-all cost is modelled, not measured")
    elif devices > tp_max:
        notes.append(f"{devices} devices: the measured configurations on {where} split a model over at most {tp_max} "
                     "(tensor parallel); beyond that the all-reduce cost is extrapolated")
    # the weights' and the KV cache's bits: services/serving/accuracy.compression_notes (inference audit)
    batches = sorted({m.batch for m in same})
    if not batches[0] <= batch <= batches[-1]:
        # one measured batch is said as one (review 2026-11-27: "run from 8 to 8")
        span = (f"the measured batches on {where} run from {gfmt(batches[0])} to {gfmt(batches[-1])}"
                if len(batches) > 1 else f"the one batch measured on {where} is {gfmt(batches[0])}")
        notes.append(f"batch {gfmt(batch)}: {span}; outside {'them' if len(batches) > 1 else 'it'} the engine costs "
                     "are extrapolated")
        return tuple(notes)
    # inside the range, the configurations nearest in batch may be another engine's than most (on
    # the A100, batch 1 was measured only with FastChat/PyTorch; vLLM's batches start at 32)
    nearest = min(same, key=lambda m: abs(m.batch - batch)).batch
    near = [m for m in same if m.batch == nearest]
    usual = Counter(engine_of(m) for m in same).most_common(1)[0][0]
    if all(engine_of(m) != usual for m in near):
        notes.append(f"batch {gfmt(batch)}: the measured configurations nearest it on {where} (batch {gfmt(nearest)}) are "
                     f"{engine_of(near[0])}'s, not {usual}'s like the rest; a newer engine (CUDA graphs) may serve "
                     "such batches faster than predicted")
    return tuple(notes)

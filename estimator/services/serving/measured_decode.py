"""Decode steps this project measured on a real GPU, time and energy, judged by both serving engines as
shipped: ``validate --inference`` prints the document, and the latency engine's note quotes it.

Use case over ``estimator.io.tpot_checks.load_measured_decode`` (the data file) and the pure check
``estimator.fit.decode_check``. The rows are grouped by their ``source`` (how the decoder ran: one
CUDA graph per step, or launched kernel by kernel), since the engines model different decoders.
"""

from __future__ import annotations

from functools import lru_cache

from estimator.core.base.interval import LEVEL, around
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import MS_PER_S
from estimator.core.serving.engines import DEFAULT_ENGINE, LATENCY_ENGINE, OPTIMIZED_ENGINE, VLLM_ENGINE
from estimator.fit.decode_check import DecodeCheck, check
from estimator.io.serving_data import load_serving_fit
from estimator.io.tpot_checks import MEASURED_DECODE_PATH, load_measured_decode

# The first run measured after the default engine's last refit (optimized-2024 by `fit-serving`, 2026-11-29): runs 1-13
# (2026-11-26/27) were measured while it was built, so for it they are not blind; run 14's (2026-11-30) are (the
# review of run 14's rows, 2026-11-30, found the docs calling every row not blind).
BLIND_FROM_RUN = 14

# the default engine first, then the others (accuracy review 2026-11-29: the default, whose range the README's example
# prints, had been held to none of these; and vllm-2024 by its name, not its former "online")
ENGINES_CHECKED = (OPTIMIZED_ENGINE, LATENCY_ENGINE, VLLM_ENGINE)


@lru_cache(maxsize=1)
def measured_decode_checks() -> dict[str, dict[str, DecodeCheck]]:
    """engine → source → the check of that source's rows by that engine's shipped fit."""
    ms = load_measured_decode()
    sources = sorted({m.row.source for m in ms})
    return {engine: {s: check([m for m in ms if m.row.source == s], load_serving_fit(engine)) for s in sources}
            for engine in ENGINES_CHECKED}


def _summary(c: DecodeCheck) -> dict:
    return {"tpot": c.tpot.to_dict(), "energy": c.energy.to_dict(), "power": c.power.to_dict(),
            "previous_tpot": c.previous_tpot.to_dict(), "previous_energy": c.previous_energy.to_dict()}


def _interval(centre: float, half: float) -> list[float]:
    return [float(x) for x in around(centre, half)]


@lru_cache(maxsize=1)
def blind_checks() -> dict[str, DecodeCheck]:
    """source → the default engine's check on the rows measured after its last refit (runs from ``BLIND_FROM_RUN``)."""
    ms = [m for m in load_measured_decode() if int(m.run) >= BLIND_FROM_RUN]
    fit = load_serving_fit(DEFAULT_ENGINE)
    return {s: check([m for m in ms if m.row.source == s], fit) for s in sorted({m.row.source for m in ms})}


@lru_cache(maxsize=1)
def measured_decode_document() -> dict:
    """What `validate --inference` reports on the measured decode steps, as plain numbers."""
    ms = load_measured_decode()
    checks = measured_decode_checks()
    devices = sorted({m.row.hardware_id for m in ms})
    return {
        "data": f"estimator/data/{MEASURED_DECODE_PATH.name}",
        "method": (f"{len(ms)} decode configurations this project measured on {', '.join(devices)} "
                   f"({len({m.run for m in ms})} runs; benchmarks/gpu_decode.py), time and the GPU's energy through NVML, "
                   f"never fitted (the default engine, {DEFAULT_ENGINE}, was built while runs 1-{BLIND_FROM_RUN - 1} were "
                   f"measured: for it their check is not blind; from run {BLIND_FROM_RUN} on it is, and said apart): "
                   "each predicted by each engine as shipped (the prompts' prefill taken out of its time and "
                   "its power's load, as the window holds decode steps only), its stated intervals checked; the "
                   "previous model beside"),
        "by_engine": {engine: {s: _summary(c) for s, c in by_source.items()} for engine, by_source in checks.items()},
        # the rows measured after the default engine's last refit: for it a blind check
        "blind": {"engine": DEFAULT_ENGINE, "from_run": BLIND_FROM_RUN,
                  "by_source": {s: _summary(c) for s, c in blind_checks().items()}},
        "rows": [{"engine": engine, "source": p.measured.row.source, "run": p.measured.run,
                  "model": p.measured.row.model, "hardware": p.measured.row.hardware_id,
                  "batch": p.measured.row.batch, "bits": p.measured.row.bits,
                  "measured_tpot_ms": p.measured.row.tpot_s * MS_PER_S, "predicted_tpot_ms": p.tpot_s * MS_PER_S,
                  "interval_tpot_ms": [x * MS_PER_S for x in _interval(p.tpot_s, p.tpot_half)],
                  "inside_tpot": p.inside_tpot,
                  "measured_power_w": p.measured.power_w, "predicted_power_w": p.power_w,
                  "measured_j_per_output_token": p.measured.joules_per_output_token,
                  "predicted_j_per_output_token": p.joules_per_output_token,
                  "interval_j_per_output_token": _interval(p.joules_per_output_token, p.energy_half),
                  "inside_energy": p.inside_energy, "previous_j_per_output_token": p.previous_j_per_output_token,
                  "citation": p.measured.row.citation}
                 for engine, by_source in checks.items() for c in by_source.values() for p in c.predictions],
    }


def measured_energy_words(engine: str) -> str:
    """How ``engine``'s energy per output token did on the measured decode steps, by how they ran."""
    checks = measured_decode_checks()[engine]
    # the factors say how far, the geometric-mean ratios which way (review: a time 1.16× off was too short)
    parts = [f"{source}: {gfmt(c.energy.median_factor, 3)}× off (predicted ÷ measured: energy "
             f"{c.energy.geometric_mean_ratio:.2f}, time {c.tpot.geometric_mean_ratio:.2f}, power "
             f"{c.power.geometric_mean_ratio:.2f}), the {LEVEL:.0%} interval holding "
             f"{round(c.energy.interval_coverage * c.energy.n)} of {c.energy.n}"
             for source, c in checks.items()]
    ms = load_measured_decode()
    devices = ", ".join(sorted({m.row.hardware_id for m in ms}))
    batches = sorted({m.row.batch for m in ms})
    models = sorted({m.row.model for m in ms})  # the catalog models whose shapes were decoded
    shaped = ", ".join(models[:-1]) + f" and {models[-1]}" if len(models) > 1 else models[0]
    return (f"on {len(ms)} decode configurations this project measured on {devices} with NVML (decoders shaped as "
            f"{shaped}, batches {batches[0]}–{batches[-1]}; the serving validation), its J per output token was "
            + "; ".join(parts))


__all__ = ["BLIND_FROM_RUN", "ENGINES_CHECKED", "blind_checks", "measured_decode_checks", "measured_decode_document", "measured_energy_words"]

"""The ranges of a serving estimate: ×/÷ the fitted half-widths, the time's never faster than the
hardware can go.

A step cannot take less than its bytes read at the full memory bandwidth, nor less than its FLOPs
(the decode's and the prefill's share) at the full peak: the roofline's own floor (Williams,
Waterman & Patterson 2009, "Roofline", CACM 52(4)). The fitted ×/÷ half-width is symmetric in
log time, so at small batches its low end fell below that floor (audit: a Llama 3.1 8B on an A100 at
up to 193 tokens/s, where reading its 16 GB of weights at 2,039 GB/s allows 127). The low end is
cut at the floor. A true time is never below it, so every interval that held a measured time still
holds it: the measured coverage stands as reported.
"""

from __future__ import annotations

import math

from estimator.core.serving import Step


def physical_floor_s(st: Step, bandwidth_fraction: float, compute_fraction: float) -> float:
    """The least time one decode step can take: the weights and KV cache read at the full bandwidth,
    or the step's FLOPs (decode and its share of prefill) at the full peak, whichever is longer.
    ``st``'s times are at ``bandwidth_fraction`` of the bandwidth and ``compute_fraction`` of the peak."""
    return max(st.memory_s * bandwidth_fraction, (st.compute_s + st.prefill_s) * compute_fraction)


def _around(x, h, floor=None):
    if x is None:
        return None
    low = x / math.exp(h)
    return (low if floor is None else min(max(low, floor), x), x * math.exp(h))


def serving_ranges(est, st: Step, *, batch: float, tokens: float, tokens_per_query: float, time_half: float,
                   energy_half: float, cost_half: float, floor_s: float) -> dict:
    """Each figure's range. ``time_half``, ``energy_half``, ``cost_half``: the log half-widths of the
    time, the energy and the cost; ``floor_s``: the step's least time (``physical_floor_s``), which
    cuts the low end of every time (and the high end of the throughput)."""
    b = float(batch)
    ratio = floor_s / st.tpot_s  # each time is the step's time × a constant: the floor scales alike
    half = {"wall_clock_s": time_half, "device_hours": time_half, "energy_kwh": energy_half, "co2e_kg": energy_half,
            "cost_usd": cost_half}
    timed = ("wall_clock_s", "device_hours")
    fastest = b / floor_s
    tps = _around(b / st.tpot_s, time_half)
    rng = {"seconds_per_output_token": _around(st.tpot_s, time_half, floor_s),
           "latency_s_per_token": _around(st.tpot_s, time_half, floor_s),
           "seconds_per_token": _around(st.tpot_s / b, time_half, floor_s / b),
           "tokens_per_s": (tps[0], max(min(tps[1], fastest), b / st.tpot_s)),
           "joules_per_output_token": _around(st.joules_per_output_token, energy_half),
           **{k: _around(getattr(est, k), h, getattr(est, k) * ratio if k in timed else None)
              for k, h in half.items()}}
    for scope, scale in (("per_token", 1.0 / float(tokens)), ("per_query", tokens_per_query / float(tokens))):
        rng[scope] = {k: _around(None if getattr(est, k) is None else getattr(est, k) * scale, half[k])
                      for k in ("energy_kwh", "co2e_kg", "cost_usd")}
    return rng

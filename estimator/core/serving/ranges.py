"""The ranges of a serving estimate: ×/÷ the fitted half-widths, the time's never faster than the
hardware can go.

A step cannot take less than its bytes read at the full memory bandwidth, nor less than its FLOPs
(the decode's and the prefill's share) at the full peak: the roofline's own floor (Williams,
Waterman & Patterson 2009, "Roofline", CACM 52(4)). The fitted ×/÷ half-width is symmetric in
log time, so at small batches its low end fell below that floor (audit: a Llama 3.1 8B on an A100 at
up to 193 tokens/s, where reading its 16 GB of weights at 2,039 GB/s allows 127). The low end is
cut at the floor, and so is every figure that is the time times a constant: device-hours, the
energy where it is the time at a power (a power given, or the latency engine's), the cost per
device-hour. A true time is never below the floor, so every interval that held a measured time still
holds it: the measured coverage stands as reported. A mixture of experts' bytes read assume even routing,
an upper bound, so its floor is the least it can read: every token routed to the same k experts a layer,
its weights outside the experts and its KV cache whole, and its FLOPs at the dense rate, not the slower
rate small expert GEMMs run at, and without the prompts' prefill (``Step.least_memory_s``; serving review
2026-11-29: Mixtral 8x7B at 8 bits on an H100 reached 3.38 ms a token, where reading its active experts
alone takes 3.86 ms).
"""

from __future__ import annotations

import math

from estimator.core.serving.engines import LATENCY_ENGINE
from estimator.core.serving.step import ServingFit, Step


def physical_floor_s(st: Step, bandwidth_fraction: float, compute_fraction: float, user: bool = False) -> float:
    """The least time one decode step can take per token it emits: the weights and KV cache read at the full
    bandwidth, or the step's FLOPs (decode and its share of prefill) at the full peak, whichever is longer, over the
    tokens a sequence emits a step (1 without a draft: ``Step.tokens_per_step``). ``st``'s times are at
    ``bandwidth_fraction`` of the bandwidth and ``compute_fraction`` of the peak; a request's own prompt, a phase
    apart (``Step.own_prefill_s``), its FLOPs at the full peak after it. ``user``: the step a user waits between tokens
    (``Step.user_tpot_s``), its prefill the other requests' prompts only (``own_prompt_share``)."""
    if st.least_memory_s is not None:  # a mixture of experts: the least it can read and compute (the module docstring)
        return max(st.least_memory_s * bandwidth_fraction, st.least_compute_s * compute_fraction) / st.tokens_per_step
    # the prompts the steps carry; a request's own, apart from them, compute-bound (a token served adds it)
    ride_s = st.prefill_s - st.own_prefill_s
    own_s = 0.0 if user else st.own_prefill_s * compute_fraction
    return (max(st.memory_s * bandwidth_fraction, (st.compute_s + ride_s) * compute_fraction) + own_s) / st.tokens_per_step


def _around(x, h, low_ratio=None):
    """``x`` ×/÷ e^h; ``low_ratio``: the least ``x`` may be, as a fraction of it (the floor's share)."""
    if x is None:
        return None
    low = x / math.exp(h)
    return (low if low_ratio is None else min(max(low, x * low_ratio), x), x * math.exp(h))


def serving_ranges(est, st: Step, fit: ServingFit, *, batch: float, tokens: float, tokens_per_query: float,
                   power_given: bool, floor_s: float | None, user_floor_s: float | None = None) -> dict:
    """Each figure's range: the time's by ``fit.tpot_log_half_width``; the energy's by the fitted energy
    half-width, or by the time's where the energy is the time at a power (``power_given``, or the latency
    engine, whose power is modelled, not measured); the cost's as what it is priced by (the energy with an
    electricity price, else the device-hours). ``floor_s``: the step's least time (``physical_floor_s``,
    None: no cut), which cuts the low end of each figure that follows the time; ``user_floor_s``: the least time a
    user waits between tokens (``physical_floor_s(..., user=True)``), which cuts the TPOT's (None: ``floor_s``).
    The TPOT is what a user waits between tokens (``Step.user_tpot_s``); throughput, time per token and the totals
    follow the time per output token served (``Step.tpot_s``: a request's own prompt's prefill included)."""
    b = float(batch)
    ht = fit.tpot_log_half_width
    energy_timed = power_given or fit.engine == LATENCY_ENGINE
    he = ht if power_given else fit.energy_log_half_width
    by_energy = est.assumption("electricity_usd_per_kwh") is not None
    cut = None if floor_s is None else floor_s / st.tpot_s  # each time is the step's × a constant
    half = {"wall_clock_s": ht, "device_hours": ht, "energy_kwh": he, "co2e_kg": he, "cost_usd": he if by_energy else ht}
    timed = {"wall_clock_s": True, "device_hours": True, "energy_kwh": energy_timed, "co2e_kg": energy_timed,
             "cost_usd": energy_timed if by_energy else True}
    user_floor = floor_s if user_floor_s is None else user_floor_s
    user_cut = None if user_floor is None else user_floor / st.user_tpot_s
    tps = _around(b / st.tpot_s, ht)
    rng = {"seconds_per_output_token": _around(st.user_tpot_s, ht, user_cut),
           "latency_s_per_token": _around(st.user_tpot_s, ht, user_cut),
           "seconds_per_token": _around(st.tpot_s / b, ht, cut),
           "tokens_per_s": tps if cut is None else (tps[0], max(min(tps[1], b / floor_s), b / st.tpot_s)),
           "joules_per_output_token": _around(st.joules_per_output_token, he, cut if energy_timed else None),
           **{k: _around(getattr(est, k), h, cut if timed[k] else None) for k, h in half.items()}}
    for scope, scale in (("per_token", 1.0 / float(tokens)), ("per_query", tokens_per_query / float(tokens))):
        rng[scope] = {k: _around(None if getattr(est, k) is None else getattr(est, k) * scale, half[k],
                                 cut if timed[k] else None)
                      for k in ("energy_kwh", "co2e_kg", "cost_usd")}
    return rng

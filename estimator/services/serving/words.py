"""Words the CLI's `inference` and the app's Inference page share about a serving estimate: what its energy
counts, and the site settings its totals used (one home for both, so they say the same)."""

from __future__ import annotations

from estimator.core.base.units import S_PER_HOUR
from estimator.core.serving.engines import LATENCY_ENGINE
from estimator.core.serving.layout import p99_held_words, p99_share_words, ttft_p99_words
from estimator.core.serving.result import ONE_PROMPT_TTFT
from estimator.core.serving.throughput import p99_share
from estimator.io import serving_data
from estimator.report import humanize as hz
from estimator.report.export import assumption_value
from estimator.services.serving.accuracy import EAGER, OPTIMIZED

# Serving's energy counts the devices only, as measured (Zeus), never the host (training's `estimate` adds the
# host's share): the totals and per-query figures say so in their labels (inference audit: only a note did)
DEVICES_ONLY = "devices only"
# what that energy counts, in a sentence (the CLI's total row, the page's help)
DEVICES_ONLY_MEANING = ("PUE included, the host (CPUs, memory, network) not counted: serving is measured on the "
                        "devices alone, where training's estimate adds the host's share")
# The rows the CLI and the Inference page both write (one home): the per-million row's label, its energy the devices'
# and its cost the price's (serving review 2026-11-30: "devices only" had read as the dollars' too), and what the wall's
# energy per token is the ratio of (not the data centre's: "at the centres" had read so)
PER_MILLION_LABEL = f"per million output tokens (energy: {DEVICES_ONLY}, PUE included)"
WALL_TOKEN_ENERGY_OF = "(the ranges' centres)"


def first_token_words(result) -> str:
    """The time to the first token as the CLI's row and the page's caption say it: the prompt's prefill and a step on
    an idle scheduler, and, where a TTFT bound chose the batch, the p99 under the batch's own load that the bound is
    held to (serving-engineer review 2026-11-29: the row showed 24.7 ms beside a 200-ms bound met at 76.4 ms)."""
    words = f"{hz.token_time(result.ttft_s)}: {result.ttft_how}"
    if result.ttft_p99_s is not None:
        words += f"; p99 under this load {hz.token_time(result.ttft_p99_s)} (what a TTFT bound is held to)"
    elif result.batch_size > 1 and result.ttft_how == ONE_PROMPT_TTFT:
        # at a batch of many a request also waits its turn, which this leaves out (serving-engineer review 2026-12-02:
        # 135 ms at batch 1,408 read as the loaded TTFT, whose p99 a bound gives as 434 ms)
        words += "; no wait in a queue counted (a TTFT bound gives the p99 under this load)"
    return words


def one_replica(result) -> str:
    """What the total time is: one replica (the tensor- or expert-parallel group) generating every token by itself, its
    device-hours the same however many replicas share them (inference audit: 550 million years read as a
    deadline)."""
    group = "expert-parallel" if result.ep > 1 else "tensor-parallel"
    # the replicas given together, where there are several (serving-engineer review 2026-11-27: the deployment's own
    # time was never said): the tokens ÷ the tokens a second over all the devices
    # (at least one query's own steps, as the one replica's time is)
    alone_s = result.tokens_per_query * result.served_seconds_per_output_token
    # fewer queries than the replicas' batches hold: the time is one query's, some places idle (serving review
    # 2026-11-28: 10⁹ tokens on 10⁷ replicas read "2.62 s" beside a throughput that gives 0.78 s)
    spread_s = result.tokens / result.tokens_per_s
    idle = (": fewer queries than the replicas' batches hold at once, so the time is one query's and some of their "
            "places stand idle" if spread_s < alone_s else "")
    ends = result.replicas_wall_clock_range_s
    # in the figure's unit (serving review 2026-11-29: "33.9 hours (0.908 days – 2.20 days)")
    ranged = "" if ends is None else f" ({' – '.join(hz.range_ends(hz.duration, *ends, result.replicas_wall_clock_s))})"
    together = (f"; the {result.replicas:,} replicas together, {hz.duration(result.replicas_wall_clock_s)}{ranged}{idle}"
                if result.replicas > 1 else "")
    # fewer tokens than one batch's queries: the time is one query's steps, the device-hours the tokens' share of the
    # batch (serving review 2026-11-29: 1,000 tokens at batch 1,408 read "44.1 s … 2.57 × 10⁻⁵ device-hours" unsaid)
    held_h = result.estimate.wall_clock_s * result.devices_per_replica / S_PER_HOUR
    share = result.estimate.device_hours / held_h if held_h > 0 else 1.0
    part = (f" (these tokens fill {hz.share(share)} of its places: the device-hours, energy and cost count their share, "
            f"as a service whose other requests fill the rest bills them; the devices held for them alone "
            f"{hz.device_hours(held_h)})" if share < PART_OF_A_BATCH_SAID else "")
    return (f"{result.devices_per_replica} × {result.hardware_id} (one replica, the {group} group) at batch "
            f"{result.batch_size:,}, if it generated every token by itself: {hz.device_hours(result.estimate.device_hours)}"
            f"{part}, however many replicas share them{together}")


# Below this share of a batch's places filled by the tokens asked, the total time's row says the device-hours count
# their share (a reporting threshold, not a fitted figure: the time and the device-hours then differ by 2× or more)
PART_OF_A_BATCH_SAID = 0.5


# A million output tokens, the unit serving is priced in (price lists, EcoLogits)
MILLION_TOKENS = 1e6


def per_million(result) -> str:
    """Cost, energy and CO₂e per million output tokens with their ranges ("$0.64 ($0.44 – $0.93), 63.0 Wh (…), …"),
    as price lists quote serving (serving review 2026-11-26: given per query and in total only); "" with none."""
    def at(key, fmt):
        x, rng = result.per_token(key), result.range["per_token"].get(key)
        if x is None:
            return None
        stated = ", stated" if key in result.stated_ranges else ""  # no measured coverage
        ends = ("" if rng is None or None in rng else
                f" ({' – '.join(hz.range_ends(fmt, *(v * MILLION_TOKENS for v in rng)))}{stated})")
        return f"{fmt(x * MILLION_TOKENS)}{ends}"
    return ", ".join(x for x in (at("cost_usd", hz.money), at("energy_kwh", hz.energy), at("co2e_kg", hz.co2e)) if x)


# The site settings every cost uses, as `estimate`'s Assumptions block names them: (assumption name, label)
SITE_ASSUMPTIONS = (("pue", "PUE"), ("carbon_intensity_g_per_kwh", "grid intensity"),
                    ("price_usd_per_device_hour", "price"), ("electricity_usd_per_kwh", "electricity price"))


def site_used(result) -> list[tuple[str, str]]:
    """(label, "value (origin; source)") of the PUE, grid intensity and price a serving estimate's totals used, as
    `estimate` prints its assumptions (inference audit: they were only in the JSON)."""
    return [(label, f"{assumption_value(a.value, a.unit)} ({a.origin}; {a.source})")
            for name, label in SITE_ASSUMPTIONS if (a := result.estimate.assumption(name)) is not None]




def _stated_range(fmt, pair) -> str:
    """A range its sources state: " (a – b, stated)"; "" without one."""
    if pair is None or None in pair:
        return ""
    return f" ({' – '.join(hz.range_ends(fmt, *pair))}, stated)"


def footprint_rows(r) -> list[tuple[str, str]]:
    """The devices' embodied CO₂e and the water, per query and per million tokens, with their ranges ("stated", as
    ``estimate`` marks them: as the footprint's sources state them, no measured coverage); the CLI's rows and the
    Inference page's caption (serving review 2026-11-28: the page had shown neither)."""
    if r.footprint is None:
        return []
    rg = r.range
    out = []
    # the water of the devices' energy alone, as the energy rows count it (serving review 2026-11-29: the row did not
    # say so where the energy rows did)
    for key, fmt, label in (("embodied_co2e_kg", hz.co2e, "embodied CO₂e per query"),
                            ("water_l", hz.water, f"water per query, {DEVICES_ONLY}")):
        if r.per_query(key) is None:
            continue
        q, t = rg["per_query"][key], rg["per_token"][key]
        per_m = None if None in t else (t[0] * MILLION_TOKENS, t[1] * MILLION_TOKENS)
        out.append((label, f"{fmt(r.per_query(key))}{_stated_range(fmt, q)}; per million tokens "
                                         f"{fmt(r.per_token(key) * MILLION_TOKENS)}{_stated_range(fmt, per_m)}"))
    return out


def bars_short(r) -> str:
    """The bars' meaning in one line for the lecture hall (the Inference page's), from the engine's own fit: its whole sentence
    (``r.range_meaning``) is the caption's help. The default engine's ranges are MLPerf's held out by model,
    and by device, not ML.ENERGY's measurements (the line had said ML.ENERGY's for every engine but the latency one)."""
    held = serving_data.load_serving_fit(r.engine).held_out_coverage
    if r.engine == LATENCY_ENGINE:
        return (f"{r.level:.0%} intervals from published latency benchmarks: they held {held:.0%} of held-out times, "
                "too narrow; energy checked.")  # on this project's NVML decode steps (the tooltip's sentence)
    if r.engine == OPTIMIZED:
        return (f"{r.level:.0%} intervals, out of sample, from MLPerf results held out by model and by device: "
                f"they held {held:.0%} by model" + (", too narrow" if held < r.level else "")
                + "; energy stated.")  # nobody measured this engine's energy (the whole sentence says so)
    if r.engine == EAGER:
        return (f"{r.level:.0%} intervals from ML.ENERGY's FastChat measurements at batch 1, out of sample; nothing "
                "measured beyond.")
    return (f"{r.level:.0%} intervals from ML.ENERGY's measurements (coverage measured out of sample); likely too "
            "narrow off the A100 and H100.")


def bound_words(r) -> str:
    """How a latency bound is read (the Inference page's words beside the batch), as the layout reads it (``layout.p99_words``): a TPOT bound a p99, the steady TPOT
    held at the share of it MLPerf's Server runs held their mean (the engine's ServingFit.server_share) or, one
    sequence at a time or in a static batch, at the bound itself (``throughput.p99_share``); a TTFT bound alone, its p99
    under the batch's own stream of requests (``layout.ttft_p99_words``)."""
    fit = serving_data.load_serving_fit(r.engine)
    if "TPOT" not in r.batch_words:  # a TTFT bound: its p99 under the batch's own load, as the layout held it
        return ttft_p99_words(r.ttft_p99_s, fit.ttft_p99_over_mean, fit.static_batch, r.batch_size / max(1, r.ep),
                              r.batch_size)
    share = p99_share(fit.server_share, r.batch_size, fit.static_batch)
    return p99_share_words(share, engines_share=fit.server_share) if share < 1.0 else p99_held_words(fit.static_batch)


__all__ = ["DEVICES_ONLY", "DEVICES_ONLY_MEANING", "MILLION_TOKENS", "PER_MILLION_LABEL", "WALL_TOKEN_ENERGY_OF", "SITE_ASSUMPTIONS", "bars_short", "bound_words",
           "footprint_rows", "one_replica", "per_million", "site_used"]

"""Words the CLI's `inference` and the app's Inference page share about a serving estimate: what its energy
counts, and the site settings its totals used (one home for both, so they say the same)."""

from __future__ import annotations

from estimator.report import humanize as hz
from estimator.report.export import assumption_value

# Serving's energy counts the devices only, as measured (Zeus), never the host (training's `estimate` adds the
# host's share): the totals and per-query figures say so in their labels (inference audit: only a note did)
DEVICES_ONLY = "devices only"
# what that energy counts, in a sentence (the CLI's total row, the page's help)
DEVICES_ONLY_MEANING = ("PUE included, the host (CPUs, memory, network) not counted: serving is measured on the "
                        "devices alone, where training's estimate adds the host's share")


def one_replica(result) -> str:
    """What the total time is: one replica (the tensor- or expert-parallel group) generating every token alone, its
    device-hours the same however many replicas share them (inference audit: 550 million years read as a
    deadline)."""
    group = "expert-parallel" if result.ep > 1 else "tensor-parallel"
    # the replicas given together, where there are several (serving-engineer review 2026-11-27: the deployment's own
    # time was never said): the tokens ÷ the tokens a second over all the devices
    # (at least one query's own steps, as the one replica's time is)
    alone_s = result.tokens_per_query * result.seconds_per_output_token
    # fewer queries than the replicas' batches hold: the time is one query's, some places idle (serving review
    # 2026-11-28: 10⁹ tokens on 10⁷ replicas read "2.62 s" beside a throughput that gives 0.78 s)
    spread_s = result.tokens / result.tokens_per_s
    idle = (": fewer queries than the replicas' batches hold at once, so the time is one query's and some of their "
            "places stand idle" if spread_s < alone_s else "")
    together = (f"; the {result.replicas:,} replicas together, {hz.duration(max(spread_s, alone_s))}{idle}"
                if result.replicas > 1 else "")
    return (f"{result.devices_per_replica} × {result.hardware_id} (one replica, the {group} group) at batch "
            f"{result.batch_size}, generating every token alone: {hz.device_hours(result.estimate.device_hours)}, "
            f"however many replicas share them{together}")


# A million output tokens, the unit serving is priced in (price lists, EcoLogits)
MILLION_TOKENS = 1e6


def per_million(result) -> str:
    """Cost, energy and CO₂e per million output tokens with their ranges ("$0.64 ($0.44 – $0.93), 63.0 Wh (…), …"),
    as price lists quote serving (serving review 2026-11-26: given per query and in total only); "" with none."""
    def at(key, fmt):
        x, rng = result.per_token(key), result.range["per_token"].get(key)
        if x is None:
            return None
        ends = "" if rng is None or None in rng else f" ({' – '.join(hz.range_ends(fmt, *(v * MILLION_TOKENS for v in rng)))})"
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


__all__ = ["DEVICES_ONLY", "DEVICES_ONLY_MEANING", "MILLION_TOKENS", "SITE_ASSUMPTIONS", "one_replica", "per_million",
           "site_used"]


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
    for key, fmt, what in (("embodied_co2e_kg", hz.co2e, "embodied CO₂e"), ("water_l", hz.water, "water")):
        if r.per_query(key) is None:
            continue
        q, t = rg["per_query"][key], rg["per_token"][key]
        per_m = None if None in t else (t[0] * MILLION_TOKENS, t[1] * MILLION_TOKENS)
        out.append((f"{what} per query", f"{fmt(r.per_query(key))}{_stated_range(fmt, q)}; per million tokens "
                                         f"{fmt(r.per_token(key) * MILLION_TOKENS)}{_stated_range(fmt, per_m)}"))
    return out
